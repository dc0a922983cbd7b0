#!/usr/bin/env python3
"""Facts about a safetensors file (or a sharded checkpoint's index) read with the official
`safetensors` package, printed as JSON for Edgewise's importer tests.

Per tensor: dtype, shape and the FNV-1a 64-bit hash of its raw bytes (numpy view), so the test can
check that the importer's byte range for each tensor holds exactly those bytes.
Usage: safetensors_facts.py FILE.safetensors | INDEX.json
"""
import json
import os
import sys

from safetensors import safe_open


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return format(h, "016x")


def facts_of(path):
    out = {}
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata()
        for k in f.keys():
            sl = f.get_slice(k)
            entry = {"dtype": sl.get_dtype(), "shape": list(sl.get_shape())}
            try:
                entry["fnv1a64"] = fnv1a64(f.get_tensor(k).tobytes())
            except Exception:  # noqa: BLE001 — dtypes numpy cannot hold (BF16, F8) have no hash
                entry["fnv1a64"] = None
            out[k] = entry
    return out, meta


def main():
    path = sys.argv[1]
    if path.endswith(".json"):
        index = json.load(open(path))
        shards = sorted(set(index["weight_map"].values()))
        tensors = {}
        for s in shards:
            t, _ = facts_of(os.path.join(os.path.dirname(path), s))
            tensors.update({k: v for k, v in t.items() if k in index["weight_map"]})
        meta = None
        out = {"shards": len(shards)}
    else:
        tensors, meta = facts_of(path)
        out = {"header_length": int.from_bytes(open(path, "rb").read(8), "little")}
    params = 0
    for v in tensors.values():
        n = 1
        for d in v["shape"]:
            n *= d
        params += n
    out.update({"tensors": tensors, "metadata": meta, "parameters": params})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
