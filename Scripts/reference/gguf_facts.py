#!/usr/bin/env python3
"""Facts about a GGUF file, read with the official reader (gguf-py's GGUFReader), printed as JSON.

Edgewise's GGUF tests compare their importer with these values at test time; nothing here is typed
by hand. Usage: gguf_facts.py FILE [--tokens N]
"""
import json
import sys

import numpy as np
from gguf import GGUFReader, GGUFValueType, GGML_QUANT_SIZES, GGMLQuantizationType


def encode(v):
    """JSON form of a decoded value: integers as decimal strings (u64 exceeds a double), floats as
    numbers, strings and bools as themselves, lists element by element."""
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (np.integer, int)):
        return str(int(v))
    if isinstance(v, (np.floating, float)):
        return float(v)
    return v


def field_value(f):
    """A metadata field: its type chain, and its value (arrays: top-level count, and the elements when
    there are at most 16)."""
    out = {"types": [t.name for t in f.types]}
    if f.types[0] == GGUFValueType.ARRAY:
        n = len(f.data)
        if n <= 16:
            v = f.contents()
            out["value"] = encode(v)
            out["count"] = len(v)
        elif f.types[1] != GGUFValueType.ARRAY:
            out["count"] = n
    else:
        out["value"] = encode(f.contents())
    return out


def main():
    path = sys.argv[1]
    ntok = int(sys.argv[sys.argv.index("--tokens") + 1]) if "--tokens" in sys.argv else 5
    r = GGUFReader(path)
    out = {
        "byte_order": r.byte_order,  # 'I' = same as host, 'S' = swapped
        "version": int(r.fields["GGUF.version"].contents()),
        "tensor_count": int(r.fields["GGUF.tensor_count"].contents()),
        "kv_count": int(r.fields["GGUF.kv_count"].contents()),
        "alignment": int(r.alignment),
        "data_offset": int(r.data_offset),
        "metadata": {},
        "tensors": [],
    }
    for name, f in r.fields.items():
        if name.startswith("GGUF."):
            continue
        out["metadata"][name] = field_value(f)
    params = 0
    types = {}
    for t in r.tensors:
        n = int(t.n_elements)
        params += n
        types[t.tensor_type.name] = types.get(t.tensor_type.name, 0) + 1
        out["tensors"].append({
            "name": t.name,
            "dims": [int(d) for d in t.shape],  # ggml order: dims[0] is a row's length
            "type": t.tensor_type.name,
            "type_id": int(t.tensor_type.value),
            "offset": int(t.data_offset),       # absolute offset in the file
            "n_bytes": int(t.n_bytes),
        })
    out["parameters"] = params
    out["type_histogram"] = types
    if "tokenizer.ggml.tokens" in r.fields:
        f = r.fields["tokenizer.ggml.tokens"]
        toks = [bytes(f.parts[i]).decode("utf-8", errors="replace") for i in f.data[:ntok]]
        out["first_tokens"] = toks
        out["last_token"] = bytes(f.parts[f.data[-1]]).decode("utf-8", errors="replace")
    if "tokenizer.ggml.merges" in r.fields:
        f = r.fields["tokenizer.ggml.merges"]
        out["first_merges"] = [bytes(f.parts[i]).decode("utf-8", errors="replace") for i in f.data[:ntok]]
    json.dump(out, sys.stdout)


def quant_sizes():
    """ggml type id -> [block size, bytes per block] as gguf-py knows them."""
    json.dump({str(t.value): list(GGML_QUANT_SIZES[t]) for t in GGMLQuantizationType if t in GGML_QUANT_SIZES},
              sys.stdout)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--quant-sizes"]:
        quant_sizes()
    else:
        main()
