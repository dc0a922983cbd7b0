#!/usr/bin/env python3
"""Writes safetensors test files with the official `safetensors` package into a directory.

  single/model.safetensors      every dtype numpy can hold, a scalar, an empty tensor, __metadata__
  sharded/model-0000N-of-00002.safetensors + model.safetensors.index.json
Usage: make_safetensors_fixtures.py OUTDIR
"""
import json
import os
import sys

import numpy as np
from safetensors.numpy import save_file

RNG = np.random.default_rng(7)


def main():
    out = sys.argv[1]
    single = os.path.join(out, "single")
    os.makedirs(single, exist_ok=True)
    tensors = {
        "f32": RNG.standard_normal((3, 5)).astype(np.float32),
        "f16": RNG.standard_normal((4,)).astype(np.float16),
        "f64": RNG.standard_normal((2, 2, 2)),
        "i64": np.arange(7, dtype=np.int64),
        "i32": np.arange(6, dtype=np.int32).reshape(2, 3),
        "i16": np.arange(5, dtype=np.int16),
        "u8": np.arange(9, dtype=np.uint8).reshape(3, 3),
        "i8": np.arange(-4, 4, dtype=np.int8),
        "bool": np.array([True, False, True]),
        "scalar": np.array(3.5, dtype=np.float32),
        "empty": np.zeros((0, 4), dtype=np.float32),
    }
    save_file(tensors, os.path.join(single, "model.safetensors"), metadata={"format": "np", "note": "edgewise fixture"})

    sharded = os.path.join(out, "sharded")
    os.makedirs(sharded, exist_ok=True)
    parts = [
        {"layer.0.weight": RNG.standard_normal((8, 4)).astype(np.float32), "layer.0.bias": np.zeros(8, np.float32)},
        {"layer.1.weight": RNG.standard_normal((2, 8)).astype(np.float16), "layer.1.bias": np.ones(2, np.float16)},
    ]
    weight_map, total = {}, 0
    for i, p in enumerate(parts):
        name = f"model-{i + 1:05d}-of-{len(parts):05d}.safetensors"
        save_file(p, os.path.join(sharded, name))
        for k, v in p.items():
            weight_map[k] = name
            total += v.nbytes
    json.dump({"metadata": {"total_size": total}, "weight_map": weight_map},
              open(os.path.join(sharded, "model.safetensors.index.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
