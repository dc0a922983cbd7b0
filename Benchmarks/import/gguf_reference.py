#!/usr/bin/env python3
"""The peer for the GGUF import benchmark: gguf-py's GGUFReader plus reading every metadata value and
every tensor's name, type, shape and offset — what `inspect` shows. Prints one JSON line like
import-inspect: median seconds over REPEATS and peak RSS in bytes."""
import json
import resource
import sys
import time

from gguf import GGUFReader


def inspect(path):
    r = GGUFReader(path)
    meta = {name: f.contents() for name, f in r.fields.items()}
    params = 0
    rows = []
    for t in r.tensors:
        params += int(t.n_elements)
        rows.append((t.name, t.tensor_type.name, tuple(int(d) for d in t.shape), int(t.data_offset), int(t.n_bytes)))
    return len(rows), params, len(meta)


path, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    n, params, keys = inspect(path)
    times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"seconds": times[len(times) // 2], "best": times[0],
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "tensors": n, "parameters": params, "keys": keys}))
