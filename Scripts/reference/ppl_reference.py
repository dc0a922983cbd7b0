#!/usr/bin/env python3
"""Perplexity of a llama-family GGUF decoder on given tokens, llama.cpp's definition, in numpy float64.

Uses llama_reference.Llama (weights dequantized by the `gguf` package). One chunk: the first token is
replaced by BOS, the chunk is decoded from position 0, and tokens n/2+1 … n-1 are scored by the logits
one position earlier (llama.cpp tools/perplexity: first = n_ctx/2, j in [first, n_ctx-1)).

Usage: ppl_reference.py MODEL.gguf BOS ID ID ...   ->   {"perplexity": p, "scored": k, "argmax": [...]}
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import Llama  # noqa: E402


def main():
    model = Llama(sys.argv[1])
    chunk = [int(sys.argv[2])] + [int(t) for t in sys.argv[4:]]   # argv[3], the first text token, becomes BOS
    n = len(chunk)
    first = n // 2
    nll, argmax = [], []
    for j in range(n - 1):
        logits = model.step(chunk[j])
        if j < first:
            continue
        m = logits.max()
        logz = m + np.log(np.sum(np.exp(logits - m)))
        nll.append(logz - logits[chunk[j + 1]])
        argmax.append(int(np.argmax(logits)))
    json.dump({"perplexity": float(np.exp(np.mean(nll))), "scored": len(nll), "argmax": argmax}, sys.stdout)


if __name__ == "__main__":
    main()
