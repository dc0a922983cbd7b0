#!/usr/bin/env python3
"""Writes GGUF test files with the official writer (gguf-py's GGUFWriter) into a directory.

Files (all small):
  quants-le.gguf    every ggml type gguf-py can quantize to, plus raw-sized IQ* / TQ* tensors;
                    every metadata value type, nested arrays; arch 'edgewise-test' (weights-only)
  quants-be.gguf    the same content written big-endian
  align64.gguf      general.alignment = 64
  tiny-llama.gguf   a 2-block llama-layout model with mixed Q8_0 / Q4_K / F16 / F32 tensors
Usage: make_gguf_fixtures.py OUTDIR
"""
import os
import sys

import numpy as np
from gguf import GGUFWriter, GGUFEndian, GGMLQuantizationType as Q, GGUFValueType as V, GGML_QUANT_SIZES
from gguf.quants import quantize

RNG = np.random.default_rng(1234)

# gguf-py 0.19 quantizes these itself; the others are written as raw blocks of the exact size.
QUANTIZABLE = [Q.F32, Q.F16, Q.BF16, Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0, Q.TQ1_0, Q.TQ2_0, Q.MXFP4]
RAW_ONLY = [Q.Q2_K, Q.Q3_K, Q.Q4_K, Q.Q5_K, Q.Q6_K, Q.IQ2_XXS, Q.IQ2_XS, Q.IQ3_XXS, Q.IQ1_S, Q.IQ4_NL, Q.IQ3_S, Q.IQ2_S, Q.IQ4_XS, Q.IQ1_M, Q.Q8_K, Q.NVFP4, Q.Q1_0]


def add_all_metadata(w):
    w.add_uint8("test.u8", 200)
    w.add_int8("test.i8", -100)
    w.add_uint16("test.u16", 60000)
    w.add_int16("test.i16", -30000)
    w.add_uint32("test.u32", 4000000000)
    w.add_int32("test.i32", -2000000000)
    w.add_float32("test.f32", 0.15625)
    w.add_uint64("test.u64", 18000000000000000000)
    w.add_int64("test.i64", -9000000000000000000)
    w.add_float64("test.f64", 2.718281828459045)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "grüß dich ✓")
    w.add_array("test.array_i32", [1, -2, 3])
    w.add_array("test.array_str", ["a", "bc", ""])
    w.add_array("test.array_f32", [0.5, 1.5])
    w.add_array("test.array_bool", [True, False, True])
    w.add_key_value("test.nested", [[1, 2], [3, 4, 5]], V.ARRAY)
    w.add_key_value("test.nested_str", [["x"], ["y", "z"]], V.ARRAY)


def add_quant_tensors(w):
    for q in QUANTIZABLE:
        block, _ = GGML_QUANT_SIZES[q]
        cols = max(block, 256)
        data = RNG.standard_normal((2, cols)).astype(np.float32)
        w.add_tensor(f"t.{q.name.lower()}", quantize(data, q), raw_dtype=q)
    for q in RAW_ONLY:
        block, size = GGML_QUANT_SIZES[q]
        rows, cols = 2, max(block, 256)
        raw = RNG.integers(0, 256, size=(rows, cols // block * size), dtype=np.uint8)
        w.add_tensor(f"t.{q.name.lower()}", raw, raw_dtype=q)
    w.add_tensor("t.i32", np.arange(6, dtype=np.int32).reshape(2, 3))
    w.add_tensor("t.f64_3d", RNG.standard_normal((2, 3, 4)))


def write(path, arch, body, endianess=GGUFEndian.LITTLE):
    w = GGUFWriter(path, arch, endianess=endianess)
    body(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def tiny_llama(w):
    d, ff, heads, kv, vocab, blocks = 256, 512, 4, 2, 320, 2
    w.add_block_count(blocks)
    w.add_context_length(512)
    w.add_embedding_length(d)
    w.add_feed_forward_length(ff)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_rope_freq_base(10000.0)
    w.add_rope_dimension_count(d // heads)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("gpt2")
    w.add_token_list([f"tok{i}" for i in range(vocab)])
    w.add_token_merges(["t o", "to k"])
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)

    def t(name, shape, q):
        if q in RAW_ONLY:
            block, size = GGML_QUANT_SIZES[q]
            raw = RNG.integers(0, 256, size=(shape[0], shape[1] // block * size), dtype=np.uint8)
            w.add_tensor(name, raw, raw_dtype=q)
            return
        data = RNG.standard_normal(shape).astype(np.float32) * 0.1
        w.add_tensor(name, quantize(data, q), raw_dtype=q)

    t("token_embd.weight", (vocab, d), Q.Q8_0)
    hd = d // heads
    for b in range(blocks):
        t(f"blk.{b}.attn_norm.weight", (d,), Q.F32)
        t(f"blk.{b}.attn_q.weight", (d, d), Q.Q4_K if d % 256 == 0 else Q.Q4_0)
        t(f"blk.{b}.attn_k.weight", (kv * hd, d), Q.Q4_0)
        t(f"blk.{b}.attn_v.weight", (kv * hd, d), Q.Q8_0)
        t(f"blk.{b}.attn_output.weight", (d, d), Q.F16)
        t(f"blk.{b}.ffn_norm.weight", (d,), Q.F32)
        t(f"blk.{b}.ffn_gate.weight", (ff, d), Q.Q4_1)
        t(f"blk.{b}.ffn_up.weight", (ff, d), Q.Q5_0)
        t(f"blk.{b}.ffn_down.weight", (d, ff), Q.Q5_1)
    t("output_norm.weight", (d,), Q.F32)
    t("output.weight", (vocab, d), Q.Q6_K if d % 256 == 0 else Q.Q8_0)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def quants(w):
        add_all_metadata(w)
        add_quant_tensors(w)

    write(os.path.join(out, "quants-le.gguf"), "edgewise-test", quants)
    write(os.path.join(out, "quants-be.gguf"), "edgewise-test", quants, GGUFEndian.BIG)

    def aligned(w):
        w.add_uint32("general.alignment", 64)
        w.data_alignment = 64
        w.add_tensor("a", np.ones((3,), dtype=np.float32))
        w.add_tensor("b", np.ones((5, 7), dtype=np.float16))

    write(os.path.join(out, "align64.gguf"), "edgewise-test", aligned)
    write(os.path.join(out, "tiny-llama.gguf"), "llama", tiny_llama)


if __name__ == "__main__":
    main()
