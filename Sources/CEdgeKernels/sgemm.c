#include "ck_sgemm.h"
#include "internal/ck_internal.h"
#include <string.h>

// Cache blocking: a KC×NR panel of B stays in L1 (256·32·4 = 32 KiB), an MC×KC block of A in L2, a
// KC×NC block of B in L2/L3. KC also bounds the stack panel used for short row tiles.
enum { CK_KC = 256, CK_MC_ROWS = 144, CK_NC = 768 };

typedef void (*ck_tile_fn)(int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, int packed, const float *b, float *c,
                           ptrdiff_t ldc, int mv, int nv, int load_c, const ck_epilogue *ep, int row0, int col0, int last);

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma"))), apply_to = function)
#define CK_REGION_WIDTH 16
#define CK_REGION_SUFFIX _512
#include "internal/isa_begin.inc"
#include "internal/vecmath.inc"
#define MR 8
#define NV 2
#include "internal/sgemm_ukr.inc"
#undef MR
#undef NV
#include "internal/isa_end.inc"
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#define CK_REGION_WIDTH 8
#define CK_REGION_SUFFIX _256
#include "internal/isa_begin.inc"
#include "internal/vecmath.inc"
#define MR 6
#define NV 2
#include "internal/sgemm_ukr.inc"
#undef MR
#undef NV
#include "internal/isa_end.inc"
#pragma clang attribute pop
#endif

#define CK_REGION_WIDTH 4
#define CK_REGION_SUFFIX _128
#include "internal/isa_begin.inc"
#include "internal/vecmath.inc"
#if defined(__aarch64__)
#define MR 8
#else
#define MR 4
#endif
#define NV 2
#include "internal/sgemm_ukr.inc"
#undef MR
#undef NV
#include "internal/isa_end.inc"

typedef struct {
    int mr, nr;
    ck_tile_fn tile;
} ck_sgemm_impl;

static ck_sgemm_impl impl_for(int isa) {
    switch (ck_float_level(isa)) {
#if defined(__x86_64__)
    case 2: return (ck_sgemm_impl){8, 32, tile_512};
    case 1: return (ck_sgemm_impl){6, 16, tile_256};
#endif
    default:
#if defined(__aarch64__)
        return (ck_sgemm_impl){8, 8, tile_128};
#else
        return (ck_sgemm_impl){4, 8, tile_128};
#endif
    }
}

void ck_sgemm_tile(int isa, int32_t *mr, int32_t *nr) {
    ck_sgemm_impl im = impl_for(isa);
    *mr = im.mr;
    *nr = im.nr;
}

size_t ck_sgemm_packed_a_size(int isa, int32_t m, int32_t k) {
    ck_sgemm_impl im = impl_for(isa);
    return (size_t)((m + im.mr - 1) / im.mr) * im.mr * (size_t)k;
}

void ck_sgemm_pack_a(int isa, int32_t m, int32_t k, const float *a, ptrdiff_t rs, ptrdiff_t cs, float *dst) {
    ck_sgemm_impl im = impl_for(isa);
    for (int32_t i0 = 0; i0 < m; i0 += im.mr) {
        for (int32_t p = 0; p < k; p++)
            for (int i = 0; i < im.mr; i++) *dst++ = i0 + i < m ? a[(i0 + i) * rs + p * cs] : 0.0f;
    }
}

size_t ck_sgemm_packed_b_size(int isa, int32_t k, int32_t n) {
    ck_sgemm_impl im = impl_for(isa);
    return (size_t)((n + im.nr - 1) / im.nr) * im.nr * (size_t)k;
}

/// Copies `kc` rows of NRC contiguous floats (row stride rs) into a [kc][NRC] panel; fixed width so
/// the copy is a few vector moves, not a memcpy call per row.
#define CK_DEFINE_PANEL_COPY(NRC)                                                                   \
    static void panel_copy_##NRC(const float *src, ptrdiff_t rs, int32_t kc, float *dst) {          \
        for (int32_t p = 0; p < kc; p++, src += rs, dst += NRC)                                    \
            for (int j = 0; j < NRC; j++) dst[j] = src[j];                                          \
    }
CK_DEFINE_PANEL_COPY(8)
CK_DEFINE_PANEL_COPY(16)
CK_DEFINE_PANEL_COPY(32)

/// Packs B(k0.., n0..) (kc × nc) from strides into panels of nr.
static void pack_b_block(const float *b, ptrdiff_t rs, ptrdiff_t cs, int32_t k0, int32_t kc, int32_t n0, int32_t nc, int nr,
                         float scale, float *dst) {
    for (int32_t j0 = 0; j0 < nc; j0 += nr) {
        int w = CK_MIN(nr, nc - j0);
        const float *src0 = b + k0 * rs + (n0 + j0) * cs;
        if (cs == 1 && scale == 1.0f && w == nr && (nr == 8 || nr == 16 || nr == 32)) {
            if (nr == 8) panel_copy_8(src0, rs, kc, dst);
            else if (nr == 16) panel_copy_16(src0, rs, kc, dst);
            else panel_copy_32(src0, rs, kc, dst);
            dst += (ptrdiff_t)kc * nr;
            continue;
        }
        for (int32_t p = 0; p < kc; p++) {
            const float *src = src0 + p * rs;
            for (int j = 0; j < w; j++) dst[j] = src[j * cs] * scale;
            for (int j = w; j < nr; j++) dst[j] = 0.0f;
            dst += nr;
        }
    }
}

void ck_sgemm_pack_b(int isa, int32_t k, int32_t n, const float *b, ptrdiff_t rs, ptrdiff_t cs, float scale, float *dst) {
    ck_sgemm_impl im = impl_for(isa);
    // Whole-K panels: [panel][k][nr].
    pack_b_block(b, rs, cs, 0, k, 0, n, im.nr, scale, dst);
}

size_t ck_sgemm_workspace_size(int isa, const ck_sgemm_args *args) {
    if (args->b_kind == CK_B_PACKED) return 0;
    ck_sgemm_impl im = impl_for(isa);
    int32_t nc = CK_MIN(CK_NC, args->n);
    return (size_t)CK_KC * (size_t)((nc + im.nr - 1) / im.nr * im.nr);
}

void ck_sgemm_columns(int isa, const ck_sgemm_args *g, int32_t n_begin, int32_t n_end, float *ws) {
    ck_sgemm_impl im = impl_for(isa);
    const int mr = im.mr, nr = im.nr;
    const int32_t m = g->m, k = g->k;
    if (m <= 0 || n_end <= n_begin) return;
    const ck_epilogue *ep = &g->epilogue;
    if (k <= 0) {
        for (int32_t i = 0; i < m; i++) {
            float *row = g->c + i * g->ldc + n_begin;
            if (!g->accumulate) memset(row, 0, (size_t)(n_end - n_begin) * sizeof(float));
            const float *bs = ep->bias && ep->bias_per_row ? ep->bias + i : 0;
            const float *bv = ep->bias && !ep->bias_per_row ? ep->bias + n_begin : 0;
            ck_activation_apply(isa, row, row, (size_t)(n_end - n_begin), bs, bv, ep->act);
        }
        return;
    }
    const int mc_rows = CK_MC_ROWS / mr * mr;
    const int nc_cols = CK_NC / nr * nr;
    for (int32_t jc = n_begin; jc < n_end; jc += nc_cols) {
        int32_t nc = CK_MIN(nc_cols, n_end - jc);
        for (int32_t pc = 0; pc < k; pc += CK_KC) {
            int32_t kc = CK_MIN(CK_KC, k - pc);
            const float *bblk;
            ptrdiff_t panel_stride;
            switch (g->b_kind) {
            case CK_B_PACKED:
                bblk = g->b + (ptrdiff_t)(jc / nr) * k * nr + (ptrdiff_t)pc * nr;
                panel_stride = (ptrdiff_t)k * nr;
                break;
            case CK_B_STRIDED:
                pack_b_block(g->b, g->b_rs, g->b_cs, pc, kc, jc, nc, nr, 1.0f, ws);
                bblk = ws;
                panel_stride = (ptrdiff_t)kc * nr;
                break;
            default:
                g->b_pack(g->b_ctx, pc, kc, jc, nc, nr, ws);
                bblk = ws;
                panel_stride = (ptrdiff_t)kc * nr;
                break;
            }
            int load_c = g->accumulate || pc > 0;
            int last = pc + kc == k;
            for (int32_t ic = 0; ic < m; ic += mc_rows) {
                int32_t mc = CK_MIN(mc_rows, m - ic);
                for (int32_t jr = 0; jr < nc; jr += nr) {
                    const float *bp = bblk + (ptrdiff_t)(jr / nr) * panel_stride;
                    for (int32_t ir = 0; ir < mc; ir += mr) {
                        int32_t i = ic + ir;
                        const float *ap = g->a_packed ? g->a + (ptrdiff_t)(i / mr) * k * mr + (ptrdiff_t)pc * mr
                                                      : g->a + i * g->a_rs + pc * g->a_cs;
                        im.tile(kc, ap, g->a_rs, g->a_cs, g->a_packed, bp, g->c + i * g->ldc + jc + jr, g->ldc,
                                CK_MIN(mr, m - i), CK_MIN(nr, nc - jr), load_c, ep, i, jc + jr, last);
                    }
                }
            }
        }
    }
}

void ck_sgemm(int isa, const ck_sgemm_args *args, float *workspace) {
    ck_sgemm_columns(isa, args, 0, args->n, workspace);
}

void ck_sgemm_part(int isa, const ck_sgemm_args *args, int32_t part, int32_t parts, float *ws) {
    if (parts <= 1) {
        ck_sgemm(isa, args, ws);
        return;
    }
    ck_sgemm_impl im = impl_for(isa);
    int64_t mu = (args->m + im.mr - 1) / im.mr, nu = (args->n + im.nr - 1) / im.nr;
    int64_t cost_n = (nu + parts - 1) / parts * mu, cost_m = (mu + parts - 1) / parts * nu;
    if (cost_n <= cost_m) {
        int32_t lo = (int32_t)(nu * part / parts), hi = (int32_t)(nu * (part + 1) / parts);
        ck_sgemm_columns(isa, args, lo * im.nr, CK_MIN(hi * im.nr, args->n), ws);
        return;
    }
    int32_t r0 = (int32_t)(mu * part / parts) * im.mr, r1 = CK_MIN((int32_t)(mu * (part + 1) / parts) * im.mr, args->m);
    if (r1 <= r0) return;
    // Rows r0..r1 as a GEMM of their own: r0 is a multiple of MR, so the tiles are the same ones.
    ck_sgemm_args g = *args;
    g.m = r1 - r0;
    g.a = args->a_packed ? args->a + (ptrdiff_t)r0 * args->k : args->a + (ptrdiff_t)r0 * args->a_rs;
    g.c = args->c + (ptrdiff_t)r0 * args->ldc;
    if (g.epilogue.bias && g.epilogue.bias_per_row) g.epilogue.bias += r0;
    ck_sgemm(isa, &g, ws);
}
