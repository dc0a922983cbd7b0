#!/usr/bin/env bash
# ONNX import benchmark: Edgewise's import (release `import-inspect` from this directory's package)
# against `onnx.load` on the same files in the same run; prints a markdown table (onnx_bench.py).
# Usage: Benchmarks/import/run-onnx.sh [REPEATS] [EDGEWISE_BIN]   (EDGEWISE_BIN adds `edgewise inspect`)
#
# Files: a ≥ 100 MB Gemm stack generated once into $EDGEWISE_CACHE/bench (make_big_onnx.py), plus the
# largest fetched real models (PP-OCRv4 rec, Silero VAD). Run Scripts/fetch-models.sh first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="${EDGEWISE_CACHE:-$HOME/.cache/edgewise}"
assets="$cache/assets"
big="$cache/bench/gemm-stack-24x1024.onnx"
repeats=${1:-5}

python3 "$here/make_big_onnx.py" "$big"
(cd "$here" && swift build -c release --product import-inspect >/dev/null)
bin=$(cd "$here" && swift build -c release --show-bin-path)/import-inspect

files=("$big")
for f in "$assets/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx" \
         "$assets/silero_vad-6.2.3/silero_vad/data/silero_vad.onnx"; do
  [ -f "$f" ] && files+=("$f")
done
extra=()
[ $# -ge 2 ] && extra=(--edgewise "$2")
python3 "$here/onnx_bench.py" "$bin" "${files[@]}" --repeat "$repeats" "${extra[@]}"
