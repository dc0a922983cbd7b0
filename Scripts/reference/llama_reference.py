#!/usr/bin/env python3
"""Float reference of a llama-family GGUF decoder, for the engine's tests.

Weights are dequantized with the `gguf` package (gguf.quants.dequantize); the forward pass is
written here in numpy, float64 throughout, from the model's definition (RMSNorm, RoPE on adjacent
pairs — GGUF's converter permutes Q/K rows for that rotation — grouped-query attention with a KV
cache, SwiGLU, residuals, tied LM head when the file has no output.weight).

Usage: llama_reference.py MODEL.gguf < REQUEST.json
REQUEST (stdin): {"prompt_ids": [...], "generate": N, "positions": true|false}
Prints JSON: {"logits": [[...] per prompt position] (if positions) or [last], "generated": [N ids],
              "generated_logits": [[...] logits that chose each generated id]}
Text tokenization is not done here (see tokenizer_reference.py).
"""
import json
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize


def field(reader, key):
    f = reader.fields[key]
    return f.contents()


class Llama:
    def __init__(self, path):
        r = GGUFReader(path)
        arch = field(r, "general.architecture")
        self.d = int(field(r, f"{arch}.embedding_length"))
        self.layers = int(field(r, f"{arch}.block_count"))
        self.heads = int(field(r, f"{arch}.attention.head_count"))
        self.kv_heads = int(field(r, f"{arch}.attention.head_count_kv"))
        self.hd = self.d // self.heads
        self.eps = float(field(r, f"{arch}.attention.layer_norm_rms_epsilon"))
        self.base = float(field(r, f"{arch}.rope.freq_base"))
        self.w = {}
        for t in r.tensors:
            # ggml dims are innermost first; row-major shape is their reverse.
            shape = tuple(int(x) for x in reversed(t.shape.tolist()))
            self.w[t.name] = dequantize(t.data, t.tensor_type).reshape(shape).astype(np.float64)
        self.head = self.w.get("output.weight", self.w["token_embd.weight"])
        self.reset()

    def reset(self):
        self.k = [[] for _ in range(self.layers)]
        self.v = [[] for _ in range(self.layers)]
        self.pos = 0

    def rms(self, x, w):
        return x / np.sqrt(np.mean(x * x) + self.eps) * w

    def rope(self, x):  # x: [heads, hd]
        i = np.arange(self.hd // 2)
        theta = self.pos * self.base ** (-2.0 * i / self.hd)
        c, s = np.cos(theta), np.sin(theta)
        x0, x1 = x[:, 0::2], x[:, 1::2]
        out = np.empty_like(x)
        out[:, 0::2] = x0 * c - x1 * s
        out[:, 1::2] = x0 * s + x1 * c
        return out

    def step(self, token):
        w = self.w
        x = w["token_embd.weight"][token].copy()
        group = self.heads // self.kv_heads
        for l in range(self.layers):
            p = f"blk.{l}."
            h = self.rms(x, w[p + "attn_norm.weight"])
            q = self.rope((w[p + "attn_q.weight"] @ h).reshape(self.heads, self.hd))
            k = self.rope((w[p + "attn_k.weight"] @ h).reshape(self.kv_heads, self.hd))
            v = (w[p + "attn_v.weight"] @ h).reshape(self.kv_heads, self.hd)
            self.k[l].append(k)
            self.v[l].append(v)
            K = np.stack(self.k[l], axis=1)  # [kv_heads, T, hd]
            V = np.stack(self.v[l], axis=1)
            out = np.empty((self.heads, self.hd))
            for j in range(self.heads):
                s = K[j // group] @ q[j] / np.sqrt(self.hd)
                s = np.exp(s - s.max())
                s /= s.sum()
                out[j] = s @ V[j // group]
            x = x + w[p + "attn_output.weight"] @ out.reshape(-1)
            h = self.rms(x, w[p + "ffn_norm.weight"])
            g = w[p + "ffn_gate.weight"] @ h
            u = w[p + "ffn_up.weight"] @ h
            x = x + w[p + "ffn_down.weight"] @ (g / (1 + np.exp(-g)) * u)
        self.pos += 1
        return self.head @ self.rms(x, w["output_norm.weight"])


def main():
    model = Llama(sys.argv[1])
    req = json.load(sys.stdin)
    ids = req["prompt_ids"]
    logits = [model.step(t) for t in ids]
    out = {"logits": [l.tolist() for l in (logits if req.get("positions") else logits[-1:])]}
    gen, gen_logits = [], []
    last = logits[-1]
    for _ in range(int(req.get("generate", 0))):
        t = int(np.argmax(last))
        gen.append(t)
        gen_logits.append(last)
        if len(gen) == int(req["generate"]):
            break
        last = model.step(t)
    out["generated"] = gen
    # Margin between the two best logits at each greedy choice: how close a near-tie was.
    out["margins"] = [float(np.sort(l)[-1] - np.sort(l)[-2]) for l in gen_logits]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
