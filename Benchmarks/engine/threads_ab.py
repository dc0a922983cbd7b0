"""Engine 2 threads vs 1 thread, interleaved, to separate a real slowdown from load noise.

Usage: python3 Benchmarks/engine/threads_ab.py [--rounds K] [--runs N] [--warmup N] [--cpu C] SUBSTR…

run.py times ORT 1T, ORT 2T, engine 1T and engine 2T one after another, so on a shared machine a load
change between them shows up as a 2T/1T ratio. Here, for each model whose name contains one of the
SUBSTRs, K rounds each run three engine processes back to back (same seeded inputs, same binary as
run.py): 1 thread pinned to core C, 1 thread pinned to cores 0,1 (the control: same cores as the 2-thread
run, no second thread), and 2 threads pinned to cores 0,1. Printed: each round's medians, then the
median over rounds of the per-round ratios 2T/1T(core C) and 2T/1T(cores 0,1). Measured, on this host.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (run.py: model list, inputs, pinned runner)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--cpu", default=str(os.cpu_count() - 1))
    ap.add_argument("only", nargs="+")
    a = ap.parse_args()
    import numpy as np
    rng = np.random.default_rng(0)
    both = "0,1" if os.cpu_count() >= 2 else "0"
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    for name, path, spec in run.onnx_models():
        if not any(s in name for s in a.only) or not os.path.exists(path):
            continue
        with tempfile.TemporaryDirectory() as d:
            _, files = run.make_inputs(path, spec, d, rng)
            inputs = sum((["--input", f"{k}={v}"] for k, v in files.items()), [])
            argv = [run.BIN, path, "--runs", str(a.runs), "--warmup", str(a.warmup)] + inputs
            r1, r1b, r2 = [], [], []
            for k in range(a.rounds):
                one = run.pinned(a.cpu, argv, env=dict(os.environ, EDGEWISE_THREADS="1"))
                oneb = run.pinned(both, argv, env=dict(os.environ, EDGEWISE_THREADS="1"))
                two = run.pinned(both, argv, env=dict(os.environ, EDGEWISE_THREADS="2"))
                if any("error" in x for x in (one, oneb, two)):
                    print(f"{name}: error {one.get('error') or oneb.get('error') or two.get('error')}")
                    break
                r1.append(one["median_ms"]); r1b.append(oneb["median_ms"]); r2.append(two["median_ms"])
                print(f"  {name} round {k}: 1T core {a.cpu} {one['median_ms']:.3f} ms, 1T cores {both} "
                      f"{oneb['median_ms']:.3f} ms, 2T cores {both} {two['median_ms']:.3f} ms (load {os.getloadavg()[0]:.1f})")
            if r2:
                q = statistics.median(t / o for t, o in zip(r2, r1))
                qb = statistics.median(t / o for t, o in zip(r2, r1b))
                print(f"| {name:30} | 2T/1T(core {a.cpu}) {q:.2f} | 2T/1T(cores {both}) {qb:.2f} | rounds {len(r2)} |")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
