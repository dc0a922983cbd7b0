// Thin entry points for sgemm_vs_openblas.py: the engine's own SGEMM (Sources/CEdgeKernels) called the way
// the NCHW convolution calls it — A (the weights) packed once into MR-row panels, B (the im2col matrix)
// read through its strides and packed block by block at run time, no epilogue.
#include "ck_sgemm.h"
#include "ck_cpu.h"
#include <string.h>

int shim_isa(void) { return ck_isa_selected(); }
const char *shim_isa_name(int isa) { return ck_isa_name(isa); }
size_t shim_packed_a_size(int isa, int m, int k) { return ck_sgemm_packed_a_size(isa, m, k); }
void shim_pack_a(int isa, int m, int k, const float *a, float *dst) { ck_sgemm_pack_a(isa, m, k, a, k, 1, dst); }

static ck_sgemm_args shape(int m, int n, int k, const float *pa, const float *b, float *c) {
    ck_sgemm_args g;
    memset(&g, 0, sizeof g);
    g.m = m; g.n = n; g.k = k;
    g.a = pa; g.a_packed = 1;
    g.b_kind = CK_B_STRIDED; g.b = b; g.b_rs = n; g.b_cs = 1;
    g.c = c; g.ldc = n;
    return g;
}

size_t shim_workspace_size(int isa, int m, int n, int k) {
    ck_sgemm_args g = shape(m, n, k, 0, 0, 0);
    return ck_sgemm_workspace_size(isa, &g) + 16;
}

void shim_sgemm(int isa, int m, int n, int k, const float *pa, const float *b, float *c, float *ws) {
    ck_sgemm_args g = shape(m, n, k, pa, b, c);
    ck_sgemm(isa, &g, ws);
}
