#!/usr/bin/env python3
"""The engine's own SGEMM vs OpenBLAS on the GEMM shapes of ResNet-50 and MobileNetV2 convolutions, one thread.

Usage: taskset -c 1 python3 Benchmarks/blas/sgemm_vs_openblas.py [--reps N] [--cc CLANG]

A convolution's implicit GEMM is Y[M × N] = W[M × K] · im2col(X)[K × N] with M = output channels,
N = output pixels (OH·OW), K = input channels · KH · KW (batch 1, 224×224 input). For every shape the
script runs, in the same process and interleaved:
  * engine:   ck_sgemm from Sources/CEdgeKernels (compiled here with clang -O2, as `swift build -c release`
              does), A packed once (the engine packs conv weights at plan time), B read through strides and
              packed at run time — how ck_conv2d calls it for a pointwise convolution;
  * OpenBLAS: numpy's bundled OpenBLAS (np.matmul with out=, OPENBLAS_NUM_THREADS=1), which packs both
              operands on every call.
Both get the same float32 operands; the outputs are compared (max |diff| / max |ref|). Time is the
fastest of --reps alternating calls after warm-up (measured, on this host); ratio = engine / OpenBLAS (below 1: the
engine is faster). Pin the process to one core with taskset for stable numbers.
"""
import argparse, ctypes, os, subprocess, sys, tempfile, time

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
import numpy as np  # noqa: E402  (after the thread variables)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CK = os.path.join(ROOT, "Sources", "CEdgeKernels")

# (model, layer, M, N, K): torchvision ResNet-50 (v1.5: stride on the 3×3) and MobileNetV2 at 224×224.
SHAPES = [
    ("resnet50", "conv1 7×7/2", 64, 12544, 147),
    ("resnet50", "l1 1×1 64→64", 64, 3136, 64),
    ("resnet50", "l1 3×3 64", 64, 3136, 576),
    ("resnet50", "l1 1×1 64→256", 256, 3136, 64),
    ("resnet50", "l1 1×1 256→64", 64, 3136, 256),
    ("resnet50", "l2 1×1 256→128", 128, 3136, 256),
    ("resnet50", "l2 3×3/2 128", 128, 784, 1152),
    ("resnet50", "l2 1×1 128→512", 512, 784, 128),
    ("resnet50", "l2 1×1 512→128", 128, 784, 512),
    ("resnet50", "l3 3×3 256", 256, 196, 2304),
    ("resnet50", "l3 1×1 256→1024", 1024, 196, 256),
    ("resnet50", "l3 1×1 1024→256", 256, 196, 1024),
    ("resnet50", "l4 3×3 512", 512, 49, 4608),
    ("resnet50", "l4 1×1 512→2048", 2048, 49, 512),
    ("resnet50", "l4 1×1 2048→512", 512, 49, 2048),
    ("mobilenetv2", "conv1 3×3/2", 32, 12544, 27),
    ("mobilenetv2", "b1 1×1 32→16", 16, 12544, 32),
    ("mobilenetv2", "b2 1×1 16→96", 96, 12544, 16),
    ("mobilenetv2", "b2 1×1 96→24", 24, 3136, 96),
    ("mobilenetv2", "b3 1×1 24→144", 144, 3136, 24),
    ("mobilenetv2", "b3 1×1 144→24", 24, 3136, 144),
    ("mobilenetv2", "b4 1×1 144→32", 32, 784, 144),
    ("mobilenetv2", "b5 1×1 32→192", 192, 784, 32),
    ("mobilenetv2", "b7 1×1 192→64", 64, 196, 192),
    ("mobilenetv2", "b8 1×1 64→384", 384, 196, 64),
    ("mobilenetv2", "b11 1×1 384→96", 96, 196, 384),
    ("mobilenetv2", "b12 1×1 96→576", 576, 196, 96),
    ("mobilenetv2", "b14 1×1 576→160", 160, 49, 576),
    ("mobilenetv2", "b15 1×1 160→960", 960, 49, 160),
    ("mobilenetv2", "b17 1×1 960→320", 320, 49, 960),
    ("mobilenetv2", "last 1×1 320→1280", 1280, 49, 320),
]


def build(cc, out):
    srcs = [os.path.join(HERE, "shim.c")] + [os.path.join(CK, f) for f in ("sgemm.c", "activation.c", "cpu.c")]
    subprocess.run([cc, "-O2", "-fPIC", "-shared", "-I", os.path.join(CK, "include"), "-I", CK, "-o", out] + srcs, check=True)
    lib = ctypes.CDLL(out)
    P = ctypes.c_void_p
    lib.shim_isa.restype = ctypes.c_int
    lib.shim_isa_name.restype = ctypes.c_char_p
    lib.shim_packed_a_size.restype = ctypes.c_size_t
    lib.shim_workspace_size.restype = ctypes.c_size_t
    lib.shim_pack_a.argtypes = [ctypes.c_int] * 3 + [P, P]
    lib.shim_sgemm.argtypes = [ctypes.c_int] * 4 + [P, P, P, P]
    return lib


def openblas_core():
    """OpenBLAS's kernel family for this CPU (DYNAMIC_ARCH picks one at load time)."""
    import glob
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            for prefix in ("scipy_openblas_", "openblas_"):
                for suffix in ("64_", ""):
                    cfg, core = getattr(lib, f"{prefix}get_config{suffix}", None), getattr(lib, f"{prefix}get_corename{suffix}", None)
                    if cfg and core:
                        cfg.restype = core.restype = ctypes.c_char_p
                        return f"{cfg().decode()}; core {core().decode()}"
        except OSError:
            pass
    return "configuration unknown"


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--cc", default="clang")
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as d:
        lib = build(a.cc, os.path.join(d, "libck.so"))
        isa = lib.shim_isa()
        print(f"engine SGEMM ({lib.shim_isa_name(isa).decode()} kernels, clang -O2) vs numpy {np.__version__}'s OpenBLAS "
              f"({openblas_core()}), 1 thread, affinity {sorted(os.sched_getaffinity(0))}; fastest of {a.reps} alternating calls, "
              f"measured on this host\n")
        print("| model | layer | M | N | K | engine ms | OpenBLAS ms | engine GFLOP/s | OpenBLAS GFLOP/s | ratio | max err |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        ratios = {}
        for model, layer, m, n, k in SHAPES:
            A = rng.uniform(-1, 1, (m, k)).astype(np.float32)
            B = rng.uniform(-1, 1, (k, n)).astype(np.float32)
            C1 = np.empty((m, n), np.float32)
            C2 = np.empty((m, n), np.float32)
            pa = np.empty(lib.shim_packed_a_size(isa, m, k) + 16, np.float32)
            ws = np.empty(lib.shim_workspace_size(isa, m, n, k) + 16, np.float32)
            lib.shim_pack_a(isa, m, k, A.ctypes.data, pa.ctypes.data)
            args = (isa, m, n, k, pa.ctypes.data, B.ctypes.data, C1.ctypes.data, ws.ctypes.data)
            eng = lambda: lib.shim_sgemm(*args)
            blas = lambda: np.matmul(A, B, out=C2)
            for _ in range(3):
                eng(); blas()
            # Alternate calls so both see the same machine load; keep the fastest of each (a shared,
            # loaded host only ever adds time).
            te, tb = [], []
            for _ in range(a.reps):
                te.append(timed(eng))
                tb.append(timed(blas))
            te, tb = min(te), min(tb)
            err = float(np.max(np.abs(C1 - C2)) / np.max(np.abs(C2)))
            flops = 2.0 * m * n * k
            r = te / tb
            ratios.setdefault(model, []).append(r)
            print(f"| {model} | {layer} | {m} | {n} | {k} | {te * 1e3:.3f} | {tb * 1e3:.3f} | {flops / te / 1e9:.1f} | "
                  f"{flops / tb / 1e9:.1f} | {r:.2f} | {err:.1e} |")
        print()
        allr = [r for v in ratios.values() for r in v]
        gm = lambda xs: float(np.exp(np.mean(np.log(xs))))
        for model, v in ratios.items():
            print(f"{model}: geometric-mean ratio engine/OpenBLAS {gm(v):.2f} over {len(v)} shapes (min {min(v):.2f}, max {max(v):.2f})")
        print(f"all: geometric-mean ratio {gm(allr):.2f} over {len(allr)} shapes")


if __name__ == "__main__":
    main()
