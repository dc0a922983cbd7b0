#!/usr/bin/env python3
"""ONNX import benchmark: Edgewise against the official `onnx` package on the same files, same run.

Usage: onnx_bench.py IMPORT_INSPECT_BIN FILE... [--repeat N] [--edgewise EDGEWISE_BIN]
For each file:
  - in-process import time: `import-inspect FILE N` (Benchmarks/import: ModelLoader.load plus what
    `inspect` reads, best of N imports in one process) vs `onnx.load(FILE)` timed inside Python after
    `import onnx`, best of N fresh processes;
  - whole process, best of N: wall time and peak RSS (the child's ru_maxrss) of `import-inspect FILE 1`
    vs `python3 -c "import onnx; onnx.load(FILE)"`; with --edgewise also `edgewise inspect FILE`.
Prints a markdown table; × columns are Python / Edgewise (> 1: Edgewise is faster).
"""
import json
import os
import subprocess
import sys
import time


def run(cmd):
    """Wall seconds, peak RSS in bytes, stdout of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise RuntimeError(f"{cmd} exited with status {status}")
    return wall, usage.ru_maxrss * 1024, out.decode()


def best(cmd, repeat, parse=None):
    walls, rss, inner = [], [], []
    for _ in range(repeat):
        w, r, out = run(cmd)
        walls.append(w)
        rss.append(r)
        if parse:
            inner.append(parse(out))
    return min(walls), max(rss), (min(inner) if inner else None)


def main():
    args = sys.argv[1:]
    repeat, edgewise = 5, None
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    if "--edgewise" in args:
        i = args.index("--edgewise")
        edgewise = args[i + 1]
        del args[i:i + 2]
    inspect, files = args[0], args[1:]
    py_inner = "import onnx, sys, time; t = time.perf_counter(); onnx.load(sys.argv[1]); print(time.perf_counter() - t)"
    print(f"best of {repeat}; RSS = peak resident set of the whole process; file sizes in MB (10^6 bytes)")
    head = ["file", "MB", "import ms", "onnx.load ms", "×", "process s", "python s", "×", "RSS MB", "RSS / file",
            "python RSS MB"]
    if edgewise:
        head += ["edgewise inspect s", "python s / inspect s", "inspect RSS MB", "inspect RSS / file"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for f in files:
        size = os.path.getsize(f)
        ours = json.loads(run([inspect, f, str(repeat)])[2])
        _, _, py_import = best([sys.executable, "-c", py_inner, f], repeat, lambda o: float(o.strip()))
        ew_wall, ew_rss, _ = best([inspect, f, "1"], repeat)
        py_wall, py_rss, _ = best([sys.executable, "-c", "import onnx, sys; onnx.load(sys.argv[1])", f], repeat)
        row = [os.path.basename(f), f"{size / 1e6:.1f}", f"{ours['best'] * 1e3:.2f}", f"{py_import * 1e3:.1f}",
               f"{py_import / ours['best']:.0f}", f"{ew_wall:.3f}", f"{py_wall:.3f}", f"{py_wall / ew_wall:.1f}",
               f"{ew_rss / 1e6:.1f}", f"{ew_rss / size:.2f}", f"{py_rss / 1e6:.1f}"]
        if edgewise:
            try:
                iw, ir, _ = best([edgewise, "inspect", f], repeat)
                row += [f"{iw:.3f}", f"{py_wall / iw:.1f}", f"{ir / 1e6:.1f}", f"{ir / size:.2f}"]
            except RuntimeError:  # a file inspect refuses
                row += ["n/a", "n/a", "n/a", "n/a"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
