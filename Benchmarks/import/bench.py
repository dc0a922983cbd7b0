#!/usr/bin/env python3
"""Import benchmark: Edgewise against the official `onnx` package on the same files, same run.

Usage: bench.py EDGEWISE_BIN PROBE_BIN FILE... [--repeat N]
For each file, best of N (default 5) runs, each in a fresh process:
  - in-process import time: `edgewise-import-probe FILE` (ModelLoader.load, timed inside the process)
    vs `onnx.load(FILE)` timed inside Python after `import onnx`;
  - whole command: wall time and peak RSS (the child's ru_maxrss) of `edgewise inspect FILE` vs
    `python3 -c "import onnx; onnx.load(FILE)"`.
Prints a table; ratios > 1 mean Edgewise is faster / smaller.
"""
import os
import subprocess
import sys
import time

REPEAT = 5


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


def best(cmd, parse=None):
    walls, rss, inner = [], [], []
    for _ in range(REPEAT):
        w, r, out = run(cmd)
        walls.append(w)
        rss.append(r)
        if parse:
            inner.append(parse(out))
    return min(walls), max(rss), (min(inner) if inner else None)


def probe_seconds(out):
    return float(out.splitlines()[0].split("\t")[1])


def main():
    global REPEAT
    args = sys.argv[1:]
    if "--repeat" in args:
        i = args.index("--repeat")
        REPEAT = int(args[i + 1])
        del args[i:i + 2]
    edgewise, probe, files = args[0], args[1], args[2:]
    py_inner = "import onnx, sys, time; t = time.perf_counter(); onnx.load(sys.argv[1]); print(time.perf_counter() - t)"
    rows = []
    for f in files:
        size = os.path.getsize(f)
        _, _, ew_import = best([probe, f], probe_seconds)
        _, _, py_import = best([sys.executable, "-c", py_inner, f], lambda o: float(o.strip()))
        try:
            ew_wall, ew_rss, _ = best([edgewise, "inspect", f])
        except RuntimeError:  # inspect refuses some files (e.g. unbound symbolic sizes); import still timed
            ew_wall, ew_rss = None, None
        py_wall, py_rss, _ = best([sys.executable, "-c", "import onnx, sys; onnx.load(sys.argv[1])", f])
        rows.append((os.path.basename(f), size, ew_import, py_import, ew_wall, py_wall, ew_rss, py_rss))

    print(f"best of {REPEAT} runs per cell; RSS = peak resident set of the whole process")
    head = ("file", "MB", "import ms", "onnx.load ms", "×", "inspect s", "python s", "×", "inspect RSS MB",
            "RSS/file", "python RSS MB")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, size, ei, pi, ew, pw, er, pr in rows:
        whole = (f"{ew:.3f} | {pw:.3f} | {pw / ew:.1f} | {er / 1e6:.1f} | {er / size:.2f}" if ew is not None
                 else f"n/a | {pw:.3f} | n/a | n/a | n/a")
        print(f"| {name} | {size / 1e6:.1f} | {ei * 1e3:.2f} | {pi * 1e3:.1f} | {pi / ei:.0f} | {whole} | {pr / 1e6:.1f} |")


if __name__ == "__main__":
    main()
