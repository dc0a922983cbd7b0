#!/usr/bin/env python3
"""Writes safetensors test files with the official `safetensors` package into a directory.

  single/model.safetensors      every dtype numpy can hold, a scalar, an empty tensor, __metadata__
  sharded/model-0000N-of-00002.safetensors + model.safetensors.index.json
  bert/  config.json + model.safetensors: a 2-layer BERT with Hugging Face BertModel tensor names
  vit/   config.json + model.safetensors: a 2-layer ViTForImageClassification (names prefixed 'vit.')
  llama/ config.json + model.safetensors: a 2-layer LlamaForCausalLM (GQA, untied head), float16 matrices
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
    bert(os.path.join(out, "bert"))
    vit(os.path.join(out, "vit"))
    llama_checkpoint(os.path.join(out, "llama"))


def w(*shape):
    return (RNG.standard_normal(shape) * 0.02).astype(np.float32)


def linear(t, name, out, inp):
    t[f"{name}.weight"] = w(out, inp)
    t[f"{name}.bias"] = w(out)


def bert(out):
    h, layers, heads, inter, vocab, pos, types = 32, 2, 4, 64, 100, 64, 2
    config = {"model_type": "bert", "architectures": ["BertModel"], "hidden_size": h, "num_hidden_layers": layers,
              "num_attention_heads": heads, "intermediate_size": inter, "vocab_size": vocab,
              "max_position_embeddings": pos, "type_vocab_size": types, "layer_norm_eps": 1e-12, "hidden_act": "gelu"}
    t = {"embeddings.word_embeddings.weight": w(vocab, h), "embeddings.position_embeddings.weight": w(pos, h),
         "embeddings.token_type_embeddings.weight": w(types, h),
         "embeddings.LayerNorm.weight": np.ones(h, np.float32), "embeddings.LayerNorm.bias": np.zeros(h, np.float32)}
    for i in range(layers):
        p = f"encoder.layer.{i}"
        for n in ("query", "key", "value"):
            linear(t, f"{p}.attention.self.{n}", h, h)
        linear(t, f"{p}.attention.output.dense", h, h)
        t[f"{p}.attention.output.LayerNorm.weight"] = np.ones(h, np.float32)
        t[f"{p}.attention.output.LayerNorm.bias"] = np.zeros(h, np.float32)
        linear(t, f"{p}.intermediate.dense", inter, h)
        linear(t, f"{p}.output.dense", h, inter)
        t[f"{p}.output.LayerNorm.weight"] = np.ones(h, np.float32)
        t[f"{p}.output.LayerNorm.bias"] = np.zeros(h, np.float32)
    linear(t, "pooler.dense", h, h)
    os.makedirs(out, exist_ok=True)
    save_file(t, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)


def vit(out):
    h, layers, heads, inter, image, patch, ch, labels = 32, 2, 4, 64, 32, 8, 3, 10
    tokens = (image // patch) ** 2 + 1
    config = {"model_type": "vit", "architectures": ["ViTForImageClassification"], "hidden_size": h,
              "num_hidden_layers": layers, "num_attention_heads": heads, "intermediate_size": inter,
              "image_size": image, "patch_size": patch, "num_channels": ch, "layer_norm_eps": 1e-12,
              "id2label": {str(i): f"class{i}" for i in range(labels)}}
    t = {"vit.embeddings.cls_token": w(1, 1, h), "vit.embeddings.position_embeddings": w(1, tokens, h),
         "vit.embeddings.patch_embeddings.projection.weight": w(h, ch, patch, patch),
         "vit.embeddings.patch_embeddings.projection.bias": w(h)}
    for i in range(layers):
        p = f"vit.encoder.layer.{i}"
        for n in ("layernorm_before", "layernorm_after"):
            t[f"{p}.{n}.weight"] = np.ones(h, np.float32)
            t[f"{p}.{n}.bias"] = np.zeros(h, np.float32)
        for n in ("query", "key", "value"):
            linear(t, f"{p}.attention.attention.{n}", h, h)
        linear(t, f"{p}.attention.output.dense", h, h)
        linear(t, f"{p}.intermediate.dense", inter, h)
        linear(t, f"{p}.output.dense", h, inter)
    t["vit.layernorm.weight"] = np.ones(h, np.float32)
    t["vit.layernorm.bias"] = np.zeros(h, np.float32)
    linear(t, "classifier", labels, h)
    os.makedirs(out, exist_ok=True)
    save_file(t, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)


def llama_checkpoint(out):
    h, layers, heads, kv, inter, vocab = 64, 2, 4, 2, 128, 96
    hd = h // heads
    config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": h, "num_hidden_layers": layers,
              "num_attention_heads": heads, "num_key_value_heads": kv, "intermediate_size": inter, "vocab_size": vocab,
              "max_position_embeddings": 256, "rope_theta": 10000.0, "rms_norm_eps": 1e-5, "tie_word_embeddings": False}
    f16 = lambda *s: w(*s).astype(np.float16)
    t = {"model.embed_tokens.weight": f16(vocab, h), "model.norm.weight": np.ones(h, np.float32), "lm_head.weight": f16(vocab, h)}
    for i in range(layers):
        p = f"model.layers.{i}"
        t[f"{p}.input_layernorm.weight"] = np.ones(h, np.float32)
        t[f"{p}.post_attention_layernorm.weight"] = np.ones(h, np.float32)
        t[f"{p}.self_attn.q_proj.weight"] = f16(heads * hd, h)
        t[f"{p}.self_attn.k_proj.weight"] = f16(kv * hd, h)
        t[f"{p}.self_attn.v_proj.weight"] = f16(kv * hd, h)
        t[f"{p}.self_attn.o_proj.weight"] = f16(h, heads * hd)
        t[f"{p}.mlp.gate_proj.weight"] = f16(inter, h)
        t[f"{p}.mlp.up_proj.weight"] = f16(inter, h)
        t[f"{p}.mlp.down_proj.weight"] = f16(h, inter)
    os.makedirs(out, exist_ok=True)
    save_file(t, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
