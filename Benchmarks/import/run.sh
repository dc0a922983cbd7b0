#!/usr/bin/env bash
# ONNX import benchmark: `edgewise inspect` and an import-only probe against `onnx.load`, same files,
# same run. Prints a markdown table (see bench.py for what each column measures).
#
# Files: a ≥ 100 MB Gemm stack generated once into $EDGEWISE_CACHE/bench (make_big_onnx.py), plus the
# largest fetched real models (PP-OCRv4 rec, Silero VAD). Run Scripts/fetch-models.sh first.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="${EDGEWISE_CACHE:-$HOME/.cache/edgewise}"
assets="$cache/assets"
big="$cache/bench/gemm-stack-24x1024.onnx"

python3 Benchmarks/import/make_big_onnx.py "$big"
swift build -c release --product edgewise >/dev/null
swift build -c release --product edgewise-import-probe >/dev/null
bin="$(swift build -c release --show-bin-path)"

files=("$big")
for f in "$assets/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx" \
         "$assets/silero_vad-6.2.3/silero_vad/data/silero_vad.onnx"; do
  [ -f "$f" ] && files+=("$f")
done
python3 Benchmarks/import/bench.py "$bin/edgewise" "$bin/edgewise-import-probe" "${files[@]}" "$@"
