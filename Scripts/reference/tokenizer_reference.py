#!/usr/bin/env python3
"""Reference tokenization of a GGUF file's byte-level BPE, for the engine's tests.

The vocabulary, merges and token types are read from the file with the `gguf` package and given to
Hugging Face's `tokenizers` library (a BPE model with byte-level pre-tokenization, as the GGUF
`tokenizer.ggml.pre` names it). Control tokens (token type 3) are added as special tokens, so they
are matched literally in text, as llama.cpp does with parse_special.

Usage: tokenizer_reference.py MODEL.gguf < TEXTS.json
TEXTS (stdin): a JSON list of strings. Prints JSON: [{"ids": [...], "decoded": "..."} per text].
Or {"decode": [ids]} on stdin: prints {"decoded": "..."}.
"""
import json
import sys

from gguf import GGUFReader
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers

# GGUF pre-tokenizer names whose first split isolates every number character (llama.cpp puts
# "\p{N}" before GPT-2's pattern for these; Hugging Face spells it Digits(individual_digits=True)).
ISOLATED_DIGITS = {"smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva"}
GPT2 = {"default", "gpt2", "gpt-2", "mpt", "olmo", "jais", "trillion"}


def build(path):
    r = GGUFReader(path)
    c = lambda k: r.fields[k].contents()
    assert c("tokenizer.ggml.model") == "gpt2"
    pre = c("tokenizer.ggml.pre") if "tokenizer.ggml.pre" in r.fields else "default"
    tokens = c("tokenizer.ggml.tokens")
    merges = [tuple(m.split(" ")) for m in c("tokenizer.ggml.merges")]
    types = c("tokenizer.ggml.token_type")
    vocab = {t: i for i, t in reversed(list(enumerate(tokens)))}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if pre in ISOLATED_DIGITS:
        tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])
    elif pre in GPT2:
        tok.pre_tokenizer = byte_level
    else:
        raise SystemExit(f"pre-tokenizer {pre!r} not covered by this reference")
    tok.decoder = decoders.ByteLevel()
    specials = [AddedToken(tokens[i], special=True, normalized=False) for i, t in enumerate(types) if t == 3]
    tok.add_special_tokens(specials)
    return tok


def main():
    tok = build(sys.argv[1])
    texts = json.load(sys.stdin)
    if isinstance(texts, dict):  # {"decode": [ids]} -> {"decoded": "..."}
        json.dump({"decoded": tok.decode(texts["decode"], skip_special_tokens=False)}, sys.stdout)
        return
    out = []
    for t in texts:
        ids = tok.encode(t, add_special_tokens=False).ids
        out.append({"ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
