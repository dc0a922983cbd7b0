#!/usr/bin/env bash
# Makes the fully-quantized int8 TFLite models the engine's int8 agreement tests use (no int8 TFLite model
# ships in the pinned wheels). TensorFlow (tensorflow-cpu, ~230 MB) is installed into its own virtual
# environment under the cache, so it cannot change the versions the other reference tools use; the models are
# generated once into $EDGEWISE_CACHE/int8-tflite/ and reused. Needs Scripts/fetch-models.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${EDGEWISE_CACHE:-$HOME/.cache/edgewise}
OUT="$CACHE/int8-tflite"
if [ -f "$OUT/mobile_block_float.tflite" ]; then exit 0; fi
VENV="$CACHE/tfvenv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import tensorflow" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check tensorflow-cpu==2.21.0 pillow==13.0.0
fi
"$VENV/bin/python" Scripts/reference/make_int8_tflite.py "$OUT" "$CACHE/assets"
