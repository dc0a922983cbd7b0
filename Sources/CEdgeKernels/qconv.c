// Quantized NCHW convolution: u8 × s8 quad or int16-pair GEMM with the requantization in the store (see ck_qconv.h).
#include "ck_qconv.h"
#include "ck_qgemm.h"
#include "internal/ck_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// v · multiplier + out_zero is two roundings in the reference; a fused multiply-add would be one.
#pragma STDC FP_CONTRACT OFF

// Tile: QMR output channels × QNR output positions. Packed weights: [group][tile][kp][QMR] int32, each
// the int16 pair (w[2q], w[2q+1]) low half first. Packed patches: [panel][kc][QNR][2] int16, so one
// vpmaddwd of a broadcast weight pair with a panel row gives 8 positions' two-tap sums.
enum { QMR = 6, QNR = 16 };

// K is cut into chunks of at most QKC pairs when it is longer than QKC_ONE, so that a position block
// keeps at least ~64 positions within the budget: with all of K in one block, a 3×3 convolution over
// 256 channels got blocks of 16 positions and streamed every weight tile from L3 once per 16 positions
// (resnet50's 14×14 3×3 layers: −10 % time chunked; chunking 1×1 layers of K ≤ 1,200 cost 2–10 %). Partial sums go through a per-part int32 buffer (exact:
// int32 addition wraps the same in any order). Budget: bytes of packed patches per chunk.
enum { QKC = 512, QKC_ONE = 600, QBUDGET = 128 * 1024 };

static int32_t rup(int32_t v, int32_t m) { return (v + m - 1) / m * m; }

typedef struct {
    int32_t cin_g, cout_g, k, kp, ohw, nc, nblocks, tiles, pointwise;
    int32_t kc, nchunks;      ///< pairs per K chunk, chunks
    int32_t hp, pq;           ///< patch planes: rows and columns per phase (see build_planes)
} qgeo;

static qgeo geo_of(const ck_conv2d_params *p) {
    qgeo g;
    g.cin_g = p->c / p->group;
    g.cout_g = p->cout / p->group;
    g.k = g.cin_g * p->kh * p->kw;
    g.kp = (g.k + 1) / 2;
    g.ohw = p->oh * p->ow;
    g.nchunks = g.kp <= QKC_ONE ? 1 : (g.kp + QKC - 1) / QKC;
    g.kc = (g.kp + g.nchunks - 1) / g.nchunks;
    // Position block: one chunk of its panels (4 bytes per position per pair) within the budget, 16…1024
    // positions, so it stays in L2 while every weight tile passes over it.
    int32_t nc = (int32_t)((size_t)QBUDGET / ((size_t)g.kc * 4)) / QNR * QNR;
    nc = CK_MAX(QNR, CK_MIN(nc, 1024));
    nc = CK_MIN(nc, rup(g.ohw, QNR));
    g.nc = nc;
    g.nblocks = (g.ohw + nc - 1) / nc;
    g.tiles = (g.cout_g + QMR - 1) / QMR;
    g.pointwise = p->kh == 1 && p->kw == 1 && p->sh == 1 && p->sw == 1 && p->pad_top == 0 && p->pad_left == 0 &&
                  p->oh == p->h && p->ow == p->w;
    g.hp = (p->oh - 1) * p->sh + (p->kh - 1) * p->dh + 1;
    g.pq = p->ow + ((p->kw - 1) * p->dw) / p->sw;
    return g;
}

/// Bytes of one group's patch planes (0 for a pointwise convolution, which reads X directly).
static size_t planes_size(const ck_conv2d_params *p, const qgeo *g) {
    return g->pointwise ? 0 : (size_t)g->cin_g * p->sw * g->hp * g->pq;
}

/// uint32 of the int16-pair form of the weights.
static size_t pairs_u32(const ck_conv2d_params *p, const qgeo *g) {
    return (size_t)p->group * (size_t)g->tiles * (size_t)g->kp * QMR;
}

static void pack_pairs(const ck_conv2d_params *p, const int8_t *w, uint32_t *d) {
    qgeo g = geo_of(p);
    for (int32_t gi = 0; gi < p->group; gi++)
        for (int32_t t = 0; t < g.tiles; t++)
            for (int32_t q = 0; q < g.kp; q++)
                for (int i = 0; i < QMR; i++) {
                    int32_t r = t * QMR + i;
                    int32_t lo = 0, hi = 0;
                    if (r < g.cout_g) {
                        const int8_t *wr = w + ((size_t)gi * g.cout_g + r) * g.k;
                        lo = wr[2 * q];
                        hi = 2 * q + 1 < g.k ? wr[2 * q + 1] : 0;
                    }
                    *d++ = (uint32_t)(uint16_t)(int16_t)lo | ((uint32_t)(uint16_t)(int16_t)hi << 16);
                }
}

/// Workspace layout of one part: packed patch chunk, five patch rows, column sums, partial-sum buffer
/// (multi-chunk only: every tile row × the block's positions), the centred weight zero points, patch
/// planes (non-pointwise only).
typedef struct {
    size_t blk, row0, row1, row2, row3, row4, cs, acc, bz, planes, total;
} qlayout;

static qlayout layout_of(const ck_conv2d_params *p, const qgeo *g) {
    qlayout l;
    size_t o = 0;
    l.blk = o;
    o += (size_t)g->nc * g->kc * 4;
    l.row0 = o = (o + 63) & ~(size_t)63;
    o += (size_t)g->nc + 64;
    l.row1 = o = (o + 63) & ~(size_t)63;
    o += (size_t)g->nc + 64;
    l.row2 = o = (o + 63) & ~(size_t)63;
    o += (size_t)g->nc + 64;
    l.row3 = o = (o + 63) & ~(size_t)63;
    o += (size_t)g->nc + 64;
    l.row4 = o = (o + 63) & ~(size_t)63;
    o += (size_t)g->nc + 64;
    l.cs = o = (o + 63) & ~(size_t)63;
    o += (size_t)g->nc * 4;
    l.acc = o = (o + 63) & ~(size_t)63;
    if (g->nchunks > 1) o += (size_t)g->tiles * QMR * g->nc * 4;
    // Weight zero points less the centering (quads with centered channels).
    l.bz = o = (o + 63) & ~(size_t)63;
    o += (size_t)p->cout * 4;
    l.planes = o = (o + 63) & ~(size_t)63;
    // Runs are copied 32 bytes at a time, so up to 31 bytes past a plane's end are read.
    o += planes_size(p, g) + 64;
    l.total = o;
    return l;
}

size_t ck_qconv_workspace_size(int isa, const ck_conv2d_params *p) {
    (void)isa;
    qgeo g = geo_of(p);
    return layout_of(p, &g).total + 64;
}

/// The columns q of column phase ph (padded column q·sw + ph − pad_left) that lie inside the input,
/// [*qa, *qb), clipped to a phase row of `len` columns. Shared by the GEMM path's patch planes and the
/// depthwise phase rows.
static inline void phase_inside(const ck_conv2d_params *P, int32_t ph, int32_t len, int32_t *qa, int32_t *qb) {
    const int32_t first = P->pad_left - ph, last = P->w - 1 + P->pad_left - ph;
    int32_t a = first <= 0 ? 0 : (first + P->sw - 1) / P->sw;
    int32_t b = last < 0 ? 0 : last / P->sw + 1;
    a = CK_MIN(a, len);
    *qa = a;
    *qb = CK_MAX(a, CK_MIN(b, len));
}

/// The padded input of one group as `sw` column phases per channel: plane (ci, ph) has hp rows (padded
/// rows from −pad_top) of pq bytes, byte q of row r being padded column q·sw + ph − pad_left of input
/// row r − pad_top (`padb` outside the input). Tap (ky, kx) of output (oy, ox) is then row oy·sh + ky·dh,
/// column ox + (kx·dw)/sw of phase (kx·dw) % sw: every output row's patch taps are one contiguous run.
static void build_planes(const ck_conv2d_params *P, const qgeo *g, const uint8_t *xg, uint8_t padb, uint8_t *dst) {
    const ptrdiff_t plane = (ptrdiff_t)P->h * P->w;
    const int32_t sw = P->sw;   // a local: the byte stores below may alias *P as far as the compiler knows
    for (int32_t ci = 0; ci < g->cin_g; ci++)
        for (int32_t ph = 0; ph < sw; ph++) {
            int32_t qa, qb;
            phase_inside(P, ph, g->pq, &qa, &qb);
            for (int32_t r = 0; r < g->hp; r++) {
                uint8_t *d = dst + (((size_t)ci * sw + ph) * g->hp + r) * g->pq;
                const int32_t iy = r - P->pad_top;
                if (iy < 0 || iy >= P->h) {
                    memset(d, padb, (size_t)g->pq);
                    continue;
                }
                const uint8_t *s = xg + ci * plane + (ptrdiff_t)iy * P->w + (ptrdiff_t)qa * sw + ph - P->pad_left;
                if (qa > 0) memset(d, padb, (size_t)qa);
                if (sw == 1) {
                    if (qb > qa) memcpy(d + qa, s, (size_t)(qb - qa));
                } else {
                    int32_t q = 0;
#if defined(__x86_64__)
                    // Stride 2 (stems): the even bytes of 32 at a time, while those 32 lie in the input row.
                    if (sw == 2) {
                        const int32_t avail = P->w - (qa * sw + ph - P->pad_left);
                        const __m128i even = _mm_set1_epi16(0x00FF);
                        for (; q + 16 <= qb - qa && 2 * q + 32 <= avail; q += 16) {
                            const __m128i a = _mm_and_si128(_mm_loadu_si128((const __m128i *)(s + 2 * q)), even);
                            const __m128i b = _mm_and_si128(_mm_loadu_si128((const __m128i *)(s + 2 * q + 16)), even);
                            _mm_storeu_si128((__m128i *)(d + qa + q), _mm_packus_epi16(a, b));
                        }
                    }
#endif
                    for (; q < qb - qa; q++) d[qa + q] = s[(ptrdiff_t)q * sw];
                }
                if (g->pq > qb) memset(d + qb, padb, (size_t)(g->pq - qb));
            }
        }
}

/// Copies n bytes 32 at a time: may read and write up to 31 bytes past the run (callers leave slack; a
/// later run or the tail fill overwrites what is written past).
static inline void copy_run(uint8_t *d, const uint8_t *s, int32_t n) {
    for (int32_t i = 0; i < n; i += 32) memcpy(d + i, s + i, 32);
}

/// Row p = (ci, ky, kx) of the patch matrix for positions [n0, n0 + nc), raw bytes (padding taps read
/// `padb`), readable up to nc rounded up to QNR. Points into X or the patch planes when it can.
static const uint8_t *patch_row(const ck_conv2d_params *P, const qgeo *g, const uint8_t *xg, const uint8_t *planes,
                                int32_t p, int32_t n0, int32_t nc, uint8_t padb, uint8_t *row) {
    const int32_t ncr = rup(nc, QNR);
    if (g->pointwise) {
        const uint8_t *s = xg + (ptrdiff_t)p * P->h * P->w + n0;
        if (n0 + ncr <= g->ohw) return s;
        memcpy(row, s, (size_t)nc);
        memset(row + nc, padb, (size_t)(ncr - nc));
        return row;
    }
    const int32_t kx = p % P->kw, ky = (p / P->kw) % P->kh, ci = p / (P->kw * P->kh);
    const int32_t off = kx * P->dw;
    const uint8_t *base = planes + (((size_t)ci * P->sw + off % P->sw) * g->hp + (size_t)ky * P->dh) * g->pq + off / P->sw;
    const ptrdiff_t rowStep = (ptrdiff_t)P->sh * g->pq;
    int32_t oy = n0 / P->ow, ox = n0 % P->ow, done = 0;
    // Within one output row: the run itself (the lanes read past it belong to no stored output).
    if (ox + nc <= P->ow) return base + oy * rowStep + ox;
    while (done < nc) {
        const int32_t run = CK_MIN(P->ow - ox, nc - done);
        copy_run(row + done, base + oy * rowStep + ox, run);
        done += run;
        ox = 0;
        oy++;
    }
    if (ncr > nc) memset(row + nc, padb, (size_t)(ncr - nc));
    return row;
}

/// TFLite's requantization of one sum (see ck_qconv_epilogue.q_mult), before the zero point and clamp.
static inline int32_t tfl_requant(int32_t v, int32_t j, const ck_qconv_epilogue *e) {
    if (e->q_single_rounding) {
        const int total = 31 - e->q_shift[j];
        const int64_t r = ((int64_t)v * e->q_mult[j] + ((int64_t)1 << (total - 1))) >> total;
        return (int32_t)r;
    }
    return ck_multiply_by_quantized_multiplier(v, e->q_mult[j], e->q_shift[j]);
}

/// Scalar epilogue of one element (the reference's arithmetic).
static inline void store_scalar(uint32_t v, int32_t j, const ck_qconv_epilogue *e, void *y, ptrdiff_t idx) {
    if (e->q_mult) {
        int32_t r = tfl_requant((int32_t)v, j, e) + e->out_zero;
        r = r < e->out_min ? e->out_min : (r > e->out_max ? e->out_max : r);
        if (e->out_unsigned) ((uint8_t *)y)[idx] = (uint8_t)r;
        else ((int8_t *)y)[idx] = (int8_t)r;
        return;
    }
    if (!e->multiplier) {
        ((int32_t *)y)[idx] = (int32_t)v;
        return;
    }
    double d = (double)(int32_t)v * e->multiplier[j];
    d = d + (double)e->out_zero;
    d = nearbyint(d);
    d = d < e->out_min ? e->out_min : (d > e->out_max ? e->out_max : d);
    if (e->out_unsigned) ((uint8_t *)y)[idx] = (uint8_t)(int32_t)d;
    else ((int8_t *)y)[idx] = (int8_t)(int32_t)d;
}

// ---- portable ---------------------------------------------------------------------------------

/// Pairs [qa, qa + kcv) of the patch matrix for positions [n0, n0 + nc) as panels [panel][kcv][QNR][2].
static void pack_block_portable(const ck_conv2d_params *P, const qgeo *g, const uint8_t *xg, const uint8_t *planes,
                                int32_t qa, int32_t kcv, int32_t n0, int32_t nc, uint8_t xx, uint8_t padb, int16_t *dst,
                                uint8_t *r0buf, uint8_t *r1buf) {
    const int32_t npan = (nc + QNR - 1) / QNR;
    for (int32_t q = qa; q < qa + kcv; q++) {
        const uint8_t *r0 = patch_row(P, g, xg, planes, 2 * q, n0, nc, padb, r0buf);
        const uint8_t *r1 = 2 * q + 1 < g->k ? patch_row(P, g, xg, planes, 2 * q + 1, n0, nc, padb, r1buf) : NULL;
        for (int32_t t = 0; t < npan; t++) {
            int16_t *d = dst + ((ptrdiff_t)t * kcv + q - qa) * (2 * QNR);
            for (int j = 0; j < QNR; j++) {
                d[2 * j] = (int8_t)(r0[t * QNR + j] ^ xx);
                d[2 * j + 1] = r1 ? (int8_t)(r1[t * QNR + j] ^ xx) : 0;
            }
        }
    }
}

/// One tile over kp pairs. Sums start at zero, or at `part_in` (QMR rows of stride ldp) when it is
/// non-NULL; they go to `part_out` when it is non-NULL (a later K chunk follows), else through the epilogue.
static void tile_portable(int32_t kp, const uint32_t *a, const int16_t *b, const uint32_t *part_in, uint32_t *part_out,
                          ptrdiff_t ldp, int32_t mv, int32_t nv, int32_t j0, const int32_t *colsum,
                          const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy) {
    uint32_t acc[QMR][QNR];
    for (int i = 0; i < QMR; i++)
        for (int j = 0; j < QNR; j++) acc[i][j] = part_in ? part_in[i * ldp + j] : 0;
    for (int32_t q = 0; q < kp; q++) {
        for (int i = 0; i < QMR; i++) {
            const int32_t lo = (int16_t)(uint16_t)a[i], hi = (int16_t)(uint16_t)(a[i] >> 16);
            for (int j = 0; j < QNR; j++) acc[i][j] += (uint32_t)(lo * b[2 * j] + hi * b[2 * j + 1]);
        }
        a += QMR;
        b += 2 * QNR;
    }
    if (part_out) {
        for (int i = 0; i < QMR; i++)
            for (int j = 0; j < QNR; j++) part_out[i * ldp + j] = acc[i][j];
        return;
    }
    for (int i = 0; i < mv; i++) {
        const int32_t j = j0 + i;
        const uint32_t c0 = (uint32_t)e->c0[j], bz = e->b_zero && colsum ? (uint32_t)e->b_zero[j] : 0;
        for (int c = 0; c < nv; c++) {
            uint32_t v = acc[i][c] + c0;
            if (bz) v -= bz * (uint32_t)colsum[c];
            store_scalar(v, j, e, y, y0 + i * ldy + c);
        }
    }
}

/// Column sums Σ_p x' of a packed block (for nonzero weight zero points), added to cs when `add`.
static void colsums_portable(const int16_t *blk, int32_t kp, int32_t npan, int32_t *cs, int add) {
    for (int32_t t = 0; t < npan; t++)
        for (int j = 0; j < QNR; j++) {
            int32_t s = 0;
            for (int32_t q = 0; q < kp; q++) {
                const int16_t *d = blk + ((ptrdiff_t)t * kp + q) * (2 * QNR);
                s += d[2 * j] + d[2 * j + 1];
            }
            cs[t * QNR + j] = add ? (int32_t)((uint32_t)cs[t * QNR + j] + (uint32_t)s) : s;
        }
}

// ---- AVX2 -------------------------------------------------------------------------------------
#if defined(__x86_64__)

__attribute__((target("avx2,fma")))
static void pack_block_avx2(const ck_conv2d_params *P, const qgeo *g, const uint8_t *xg, const uint8_t *planes,
                            int32_t qa, int32_t kcv, int32_t n0, int32_t nc, uint8_t xx, uint8_t padb, int16_t *dst,
                            uint8_t *r0buf, uint8_t *r1buf) {
    const int32_t npan = (nc + QNR - 1) / QNR;
    const __m128i vx = _mm_set1_epi8((char)xx);
    for (int32_t q = qa; q < qa + kcv; q++) {
        const uint8_t *r0 = patch_row(P, g, xg, planes, 2 * q, n0, nc, padb, r0buf);
        const uint8_t *r1 = 2 * q + 1 < g->k ? patch_row(P, g, xg, planes, 2 * q + 1, n0, nc, padb, r1buf) : NULL;
        int16_t *d = dst + (ptrdiff_t)(q - qa) * (2 * QNR);
        const ptrdiff_t step = (ptrdiff_t)kcv * (2 * QNR);
        for (int32_t t = 0; t < npan; t++, d += step) {
            const __m128i a = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r0 + t * QNR)), vx);
            const __m128i b = r1 ? _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r1 + t * QNR)), vx) : _mm_setzero_si128();
            _mm256_storeu_si256((__m256i *)d, _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(a, b)));
            _mm256_storeu_si256((__m256i *)(d + 16), _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(a, b)));
        }
    }
}

__attribute__((target("avx2,fma")))
static void colsums_avx2(const int16_t *blk, int32_t kp, int32_t npan, int32_t *cs, int add) {
    const __m256i ones = _mm256_set1_epi16(1);
    for (int32_t t = 0; t < npan; t++) {
        __m256i s0 = add ? _mm256_loadu_si256((const __m256i *)(cs + t * QNR)) : _mm256_setzero_si256();
        __m256i s1 = add ? _mm256_loadu_si256((const __m256i *)(cs + t * QNR + 8)) : _mm256_setzero_si256();
        const int16_t *d = blk + (ptrdiff_t)t * kp * (2 * QNR);
        for (int32_t q = 0; q < kp; q++, d += 2 * QNR) {
            s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)d), ones));
            s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(d + 16)), ones));
        }
        _mm256_storeu_si256((__m256i *)(cs + t * QNR), s0);
        _mm256_storeu_si256((__m256i *)(cs + t * QNR + 8), s1);
    }
}

/// round_half_even(v · m + zp) clamped to [lo, hi], for 4 int32 lanes, as int32.
__attribute__((target("avx2,fma"), always_inline))
static inline __m128i rq4(__m128i v, __m256d m, __m256d zp, __m256d lo, __m256d hi) {
    __m256d d = _mm256_mul_pd(_mm256_cvtepi32_pd(v), m);
    d = _mm256_add_pd(d, zp);
    d = _mm256_round_pd(d, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    d = _mm256_min_pd(_mm256_max_pd(d, lo), hi);
    return _mm256_cvtpd_epi32(d);
}

/// rq4 without the clamp, for ck_qconv_epilogue.packs_clamp: the rounded value is an integer below 2^31 in
/// magnitude, so the conversion is exact and the packs saturate it to the type's range.
__attribute__((target("avx2,fma"), always_inline))
static inline __m128i rq4_unclamped(__m128i v, __m256d m, __m256d zp) {
    __m256d d = _mm256_mul_pd(_mm256_cvtepi32_pd(v), m);
    d = _mm256_add_pd(d, zp);
    return _mm256_cvtpd_epi32(_mm256_round_pd(d, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/// rq4_unclamped_rne with one fused multiply-add, for ck_qconv_epilogue.fma_exact (the same result).
__attribute__((target("avx2,fma"), always_inline))
static inline __m128i rq4_fma_rne(__m128i v, __m256d m, __m256d zp) {
    return _mm256_cvtpd_epi32(_mm256_fmadd_pd(_mm256_cvtepi32_pd(v), m, zp));
}

/// rq4_unclamped when MXCSR rounds to nearest even (the default, checked per call in ck_qconv_part): the
/// conversion then rounds exactly as the explicit round did, one instruction instead of two.
__attribute__((target("avx2,fma"), always_inline))
static inline __m128i rq4_unclamped_rne(__m128i v, __m256d m, __m256d zp) {
    return _mm256_cvtpd_epi32(_mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(v), m), zp));
}

/// TFLite's requantization (tfl_requant) of 8 int32 lanes with one multiplier and shift, plus the zero
/// point, clamped to [lo, hi]. 64-bit products of even and odd lanes (vpmuldq); the high half of a
/// rounded doubling product is (v·m + 2^30) >> 31 for either sign of v·m (gemmlowp's nudge and
/// truncating division agree with this floor), of which the low 32 bits are the int32 result.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256i tfl_rq8(__m256i v, int32_t m, int32_t shift, int single, __m256i zp, __m256i lo, __m256i hi) {
    const __m256i mv = _mm256_set1_epi32(m);
    __m256i r;
    if (single) {
        const int total = 31 - shift;
        const __m256i round = _mm256_set1_epi64x((int64_t)1 << (total - 1)), zero = _mm256_setzero_si256();
        const __m128i cnt = _mm_cvtsi32_si128(total);
        __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(v, mv), round);
        __m256i po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(v, 32), mv), round);
        // Arithmetic 64-bit shift as (p ^ s) >>> total ^ s, s the sign mask.
        const __m256i se = _mm256_cmpgt_epi64(zero, pe), so = _mm256_cmpgt_epi64(zero, po);
        pe = _mm256_xor_si256(_mm256_srl_epi64(_mm256_xor_si256(pe, se), cnt), se);
        po = _mm256_xor_si256(_mm256_srl_epi64(_mm256_xor_si256(po, so), cnt), so);
        r = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
    } else {
        const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        const __m256i x = _mm256_sll_epi32(v, _mm_cvtsi32_si128(left));
        const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
        const __m256i pe = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, mv), nudge), 31);
        const __m256i po = _mm256_slli_epi64(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), mv), nudge), 1);
        r = _mm256_blend_epi32(pe, po, 0xAA);
        if (right > 0) {
            // RoundingDivideByPOT: (r >> right) + (remainder > mask/2 + (r < 0)).
            const int32_t maskv = (int32_t)(((int64_t)1 << right) - 1);
            const __m256i mask = _mm256_set1_epi32(maskv);
            const __m256i rem = _mm256_and_si256(r, mask);
            const __m256i thr = _mm256_add_epi32(_mm256_set1_epi32(maskv >> 1), _mm256_srli_epi32(r, 31));
            r = _mm256_sub_epi32(_mm256_sra_epi32(r, _mm_cvtsi32_si128(right)), _mm256_cmpgt_epi32(rem, thr));
        }
    }
    r = _mm256_add_epi32(r, zp);
    return _mm256_min_epi32(_mm256_max_epi32(r, lo), hi);
}

/// The first nv (≤ 16) of 16 output bytes to o.
__attribute__((target("avx2,fma"), always_inline))
static inline void store_bytes16(__m128i bytes, uint8_t *o, int32_t nv) {
    if (nv == 16) {
        _mm_storeu_si128((__m128i *)o, bytes);
    } else {
        uint8_t t[16];
        _mm_storeu_si128((__m128i *)t, bytes);
        memcpy(o, t, (size_t)nv);
    }
}

/// The first nv (≤ 32) of 32 output bytes to o.
__attribute__((target("avx2,fma"), always_inline))
static inline void store_bytes32(__m256i bytes, uint8_t *o, int32_t nv) {
    if (nv == 32) {
        _mm256_storeu_si256((__m256i *)o, bytes);
    } else {
        uint8_t t[32];
        _mm256_storeu_si256((__m256i *)t, bytes);
        memcpy(o, t, (size_t)nv);
    }
}

/// 16 sums through the exact-FMA epilogue (fma_exact, the packs' clamp, conversions rounding to even) as bytes.
__attribute__((target("avx2,fma"), always_inline))
static inline __m128i fma_bytes16(__m256i v0, __m256i v1, __m256d m, __m256d zp, const int out_unsigned) {
    const __m128i a = rq4_fma_rne(_mm256_castsi256_si128(v0), m, zp), b = rq4_fma_rne(_mm256_extracti128_si256(v0, 1), m, zp);
    const __m128i c = rq4_fma_rne(_mm256_castsi256_si128(v1), m, zp), d = rq4_fma_rne(_mm256_extracti128_si256(v1, 1), m, zp);
    const __m128i ab = _mm_packs_epi32(a, b), cd = _mm_packs_epi32(c, d);
    return out_unsigned ? _mm_packus_epi16(ab, cd) : _mm_packs_epi16(ab, cd);
}

/// The epilogue of 16 sums of channel j: 16 bytes (or 16 int32) to y[idx…].
__attribute__((target("avx2,fma"), always_inline))
static inline void store16_avx2(__m256i v0, __m256i v1, int32_t j, const ck_qconv_epilogue *e, void *y, ptrdiff_t idx,
                                int32_t nv) {
    if (e->q_mult) {
        const __m256i zp = _mm256_set1_epi32(e->out_zero);
        const __m256i lo = _mm256_set1_epi32(e->out_min), hi = _mm256_set1_epi32(e->out_max);
        const __m256i a = tfl_rq8(v0, e->q_mult[j], e->q_shift[j], e->q_single_rounding, zp, lo, hi);
        const __m256i b = tfl_rq8(v1, e->q_mult[j], e->q_shift[j], e->q_single_rounding, zp, lo, hi);
        // Lanes a0..3 b0..3 a4..7 b4..7 after the in-lane packs; permute back to 0..15.
        __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
        const __m128i lo16 = _mm256_castsi256_si128(w), hi16 = _mm256_extracti128_si256(w, 1);
        const __m128i bytes = e->out_unsigned ? _mm_packus_epi16(lo16, hi16) : _mm_packs_epi16(lo16, hi16);
        store_bytes16(bytes, (uint8_t *)y + idx, nv);
        return;
    }
    if (!e->multiplier) {
        int32_t *o = (int32_t *)y + idx;
        if (nv == 16) {
            _mm256_storeu_si256((__m256i *)o, v0);
            _mm256_storeu_si256((__m256i *)(o + 8), v1);
        } else {
            int32_t t[16];
            _mm256_storeu_si256((__m256i *)t, v0);
            _mm256_storeu_si256((__m256i *)(t + 8), v1);
            memcpy(o, t, (size_t)nv * 4);
        }
        return;
    }
    const __m256d m = _mm256_set1_pd(e->multiplier[j]), zp = _mm256_set1_pd((double)e->out_zero);
    if (e->packs_clamp && e->cvt_rounds_even && e->fma_exact) {
        store_bytes16(fma_bytes16(v0, v1, m, zp, e->out_unsigned), (uint8_t *)y + idx, nv);
        return;
    }
    __m128i a, b, c, d;
    if (e->packs_clamp && e->cvt_rounds_even) {
        a = rq4_unclamped_rne(_mm256_castsi256_si128(v0), m, zp);
        b = rq4_unclamped_rne(_mm256_extracti128_si256(v0, 1), m, zp);
        c = rq4_unclamped_rne(_mm256_castsi256_si128(v1), m, zp);
        d = rq4_unclamped_rne(_mm256_extracti128_si256(v1, 1), m, zp);
    } else if (e->packs_clamp) {
        a = rq4_unclamped(_mm256_castsi256_si128(v0), m, zp);
        b = rq4_unclamped(_mm256_extracti128_si256(v0, 1), m, zp);
        c = rq4_unclamped(_mm256_castsi256_si128(v1), m, zp);
        d = rq4_unclamped(_mm256_extracti128_si256(v1, 1), m, zp);
    } else {
        const __m256d lo = _mm256_set1_pd((double)e->out_min), hi = _mm256_set1_pd((double)e->out_max);
        a = rq4(_mm256_castsi256_si128(v0), m, zp, lo, hi);
        b = rq4(_mm256_extracti128_si256(v0, 1), m, zp, lo, hi);
        c = rq4(_mm256_castsi256_si128(v1), m, zp, lo, hi);
        d = rq4(_mm256_extracti128_si256(v1, 1), m, zp, lo, hi);
    }
    const __m128i ab = _mm_packs_epi32(a, b), cd = _mm_packs_epi32(c, d);
    const __m128i bytes = e->out_unsigned ? _mm_packus_epi16(ab, cd) : _mm_packs_epi16(ab, cd);
    store_bytes16(bytes, (uint8_t *)y + idx, nv);
}

/// The start of a tile: sums from `part_in` (an earlier K chunk), else `start[i]` for rows i < mv (0 without
/// `start`, and for the padding rows).
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_start_avx2(__m256i acc[QMR][2], const uint32_t *part_in, ptrdiff_t ldp, const int32_t *start,
                                   int32_t mv) {
    if (part_in) {
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) {
            acc[i][0] = _mm256_loadu_si256((const __m256i *)(part_in + i * ldp));
            acc[i][1] = _mm256_loadu_si256((const __m256i *)(part_in + i * ldp + 8));
        }
    } else {
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++)
            acc[i][0] = acc[i][1] = _mm256_set1_epi32(start && i < mv ? start[i] : 0);
    }
}

/// A tile row's sums v = acc + c0[j] − b_zero[j]·Σx' (the column-sum term only with `bz_on`), 16 positions.
__attribute__((target("avx2,fma"), always_inline))
static inline void row_sums_avx2(const __m256i acc[2], int32_t j, const ck_qconv_epilogue *e, __m256i cs0, __m256i cs1,
                                 const int bz_on, __m256i *v0, __m256i *v1) {
    const __m256i c0 = _mm256_set1_epi32(e->c0[j]);
    *v0 = _mm256_add_epi32(acc[0], c0);
    *v1 = _mm256_add_epi32(acc[1], c0);
    if (bz_on) {
        const __m256i bz = _mm256_set1_epi32(e->b_zero[j]);
        *v0 = _mm256_sub_epi32(*v0, _mm256_mullo_epi32(bz, cs0));
        *v1 = _mm256_sub_epi32(*v1, _mm256_mullo_epi32(bz, cs1));
    }
}

/// The rows of a tile through the common ONNX epilogue (exact FMA requantization, the packs' clamp), with the
/// output type and the column-sum term fixed at compile time: per row only the arithmetic and the store, where
/// store16_avx2 re-tested the epilogue's mode for every row.
__attribute__((target("avx2,fma"), always_inline))
static inline void fma_rows_avx2(__m256i acc[QMR][2], int32_t mv, int32_t nv, int32_t j0, __m256i cs0, __m256i cs1,
                                 const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy, const int out_unsigned,
                                 const int bz_on) {
    const __m256d zp = _mm256_set1_pd((double)e->out_zero);
    for (int i = 0; i < mv; i++) {
        const int32_t j = j0 + i;
        __m256i v0, v1;
        row_sums_avx2(acc[i], j, e, cs0, cs1, bz_on, &v0, &v1);
        store_bytes16(fma_bytes16(v0, v1, _mm256_set1_pd(e->multiplier[j]), zp, out_unsigned), (uint8_t *)y + y0 + i * ldy, nv);
    }
}

/// The end of a tile: its sums to `part_out` (a later K chunk follows) or through the epilogue.
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_finish_avx2(__m256i acc[QMR][2], uint32_t *part_out, ptrdiff_t ldp, int32_t mv, int32_t nv,
                                    int32_t j0, const int32_t *colsum, const ck_qconv_epilogue *e, void *y, ptrdiff_t y0,
                                    ptrdiff_t ldy) {
    if (part_out) {
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) {
            _mm256_storeu_si256((__m256i *)(part_out + i * ldp), acc[i][0]);
            _mm256_storeu_si256((__m256i *)(part_out + i * ldp + 8), acc[i][1]);
        }
        return;
    }
    // A local copy: the byte stores below could alias *e, so reading the flags through the pointer
    // reloaded them for every row.
    const ck_qconv_epilogue ev = *e;
    e = &ev;
    const int bzOn = e->b_zero && colsum;
    const __m256i cs0 = bzOn ? _mm256_loadu_si256((const __m256i *)colsum) : _mm256_setzero_si256();
    const __m256i cs1 = bzOn ? _mm256_loadu_si256((const __m256i *)(colsum + 8)) : _mm256_setzero_si256();
    if (e->multiplier && !e->q_mult && e->fma_exact && e->cvt_rounds_even) {
        if (e->out_unsigned) {
            if (bzOn) fma_rows_avx2(acc, mv, nv, j0, cs0, cs1, e, y, y0, ldy, 1, 1);
            else fma_rows_avx2(acc, mv, nv, j0, cs0, cs1, e, y, y0, ldy, 1, 0);
        } else {
            if (bzOn) fma_rows_avx2(acc, mv, nv, j0, cs0, cs1, e, y, y0, ldy, 0, 1);
            else fma_rows_avx2(acc, mv, nv, j0, cs0, cs1, e, y, y0, ldy, 0, 0);
        }
        return;
    }
    for (int i = 0; i < mv; i++) {
        const int32_t j = j0 + i;
        __m256i v0, v1;
        row_sums_avx2(acc[i], j, e, cs0, cs1, bzOn, &v0, &v1);
        store16_avx2(v0, v1, j, e, y, y0 + i * ldy, nv);
    }
}

__attribute__((target("avx2,fma"), always_inline))
static inline void tile_avx2(int32_t kp, const uint32_t *a, const int16_t *b, const uint32_t *part_in, uint32_t *part_out,
                             ptrdiff_t ldp, int32_t mv, int32_t nv, int32_t j0, const int32_t *colsum,
                             const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy) {
    __m256i acc[QMR][2];
    tile_start_avx2(acc, part_in, ldp, NULL, 0);
    for (int32_t q = 0; q < kp; q++) {
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)b), b1 = _mm256_loadu_si256((const __m256i *)(b + 16));
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) {
            const __m256i av = _mm256_set1_epi32((int32_t)a[i]);
            acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(av, b0));
            acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(av, b1));
        }
        a += QMR;
        b += 2 * QNR;
    }
    tile_finish_avx2(acc, part_out, ldp, mv, nv, j0, colsum, e, y, y0, ldy);
}

/// The npan panels of one tile over int16 pairs, one call per tile (see tile_quads_panels_avx2).
__attribute__((target("avx2,fma")))
static void tile_panels_avx2(int32_t npan, int32_t ncv, int32_t kp, const uint32_t *a, const int16_t *blk, uint32_t *tp,
                             int first, int last, ptrdiff_t ldp, int32_t mv, int32_t j0, const int32_t *cs,
                             const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy) {
    for (int32_t pn = 0; pn < npan; pn++) {
        uint32_t *part = tp + pn * QNR;
        tile_avx2(kp, a, blk + (ptrdiff_t)pn * kp * (2 * QNR), first ? NULL : part, last ? NULL : part, ldp, mv,
                  CK_MIN(QNR, ncv - pn * QNR), j0, cs ? cs + pn * QNR : NULL, e, y, y0 + pn * QNR, ldy);
    }
}

/// A row of n sums (v = acc + c0) of channel j through the epilogue, 16 at a time.
__attribute__((target("avx2,fma")))
static void store_row_avx2(const uint32_t *acc, int32_t n, int32_t j, const ck_qconv_epilogue *e, void *y, ptrdiff_t idx) {
    const ck_qconv_epilogue ev = *e;   // see tile_finish_avx2
    e = &ev;
    const __m256i c0 = _mm256_set1_epi32(e->c0[j]);
    for (int32_t c = 0; c < n; c += 16) {
        const int32_t nv = CK_MIN(16, n - c);
        uint32_t t[16];
        const uint32_t *s = acc + c;
        if (nv < 16) {
            memset(t, 0, sizeof t);
            memcpy(t, s, (size_t)nv * 4);
            s = t;
        }
        const __m256i v0 = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)s), c0);
        const __m256i v1 = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(s + 8)), c0);
        store16_avx2(v0, v1, j, e, y, idx + c, nv);
    }
}
#endif

// ---- u8 × s8 quads (AVX2) ---------------------------------------------------------------------
//
// vpmaddubsw multiplies 32 unsigned bytes by 32 signed bytes and adds adjacent products into int16,
// saturating: twice the multiply-adds per instruction of vpmaddwd on int16 pairs (measured here: 1.29×
// the pair kernel's rate in L1, 1.92× the fp32 FMA kernel's). With u = x' + 128 in [0, 255] a pair
// u₀w₀ + u₁w₁ cannot saturate when |w₀| + |w₁| ≤ 128 (255 · 128 = 32,640). So the weights are split
// W = Wa + Wb: Wa keeps every pair within that bound (a pair above it is clamped to ±64 per weight) and
// Wb, the remainder of the clamped pairs, is itself within it (each entry ≤ 64 in magnitude). Wa runs
// densely; Wb only on the quads where some channel of the tile has a remainder, listed at pack time.
// The sums are then exact. A layer whose list would exceed QSPARSE of its quads (e.g. weights drawn
// uniformly from the int8 range) keeps the int16-pair path. Σ w·x' = Σ w·u − 128 Σ w: the −128 Σ w
// starts each channel's sums; column sums (weight zero points) are taken over u and shifted by −128 k.
enum { QSPARSE_NUM = 1, QSPARSE_DEN = 5 };

/// Packed weights begin with a header of QHDR uint32: mode, then for quads the list length, the
/// offsets (uint32 units) of delta[cout], the list bounds [group·tile][chunks + 1], list quad indices,
/// list weights [n][QMR] and the centering m[cout], and whether any m is nonzero.
/// QMODE_QUADS_DOT is the quads form for AVX-512 VNNI (`vpdpbusd` adds the four u8 × s8 products in int32,
/// with no int16 step that could saturate): every weight stays whole in the dense part, the remainder
/// list is empty and no channel is centred, so every layer takes it. Packing and running use one ISA level.
enum { QHDR = 16, QMODE_PAIRS = 0, QMODE_QUADS = 1, QMODE_QUADS_DOT = 2 };

/// Whether the quads tiles run `vpdpbusd` (512-bit, AVX-512 F/BW/DQ/VL + VNNI) at this level.
static int dot_on(int isa) { return isa >= CK_ISA_AVX512VNNI && ck_isa_supported(CK_ISA_AVX512VNNI); }

static int32_t quad_count(const qgeo *g) { return (g->k + 3) / 4; }
/// Quads per K chunk: chunk ch covers quads [ch·kcq, ch·kcq + kcq).
static int32_t quad_chunk(const qgeo *g) { return (quad_count(g) + g->nchunks - 1) / g->nchunks; }

static size_t quads_bound_u32(const ck_conv2d_params *p, const qgeo *g) {
    const size_t tq = (size_t)p->group * g->tiles * quad_count(g);
    const size_t nsp = tq * QSPARSE_NUM / QSPARSE_DEN;
    return tq * QMR + 2 * (size_t)p->cout + (size_t)p->group * g->tiles * (g->nchunks + 1) + nsp * (1 + QMR);
}

static inline int32_t absi(int32_t v) { return v < 0 ? -v : v; }
static inline int32_t clamp64(int32_t v) { return v > 64 ? 64 : (v < -64 ? -64 : v); }

/// Weight k of channel row r (0 beyond the matrix), and its dense (Wa) and remainder (Wb) parts.
static void split_quad(const int8_t *wr, int32_t k, int32_t q, int32_t da[4], int32_t db[4]) {
    int32_t w4[4];
    if (wr && 4 * q + 3 < k) {
        for (int t = 0; t < 4; t++) w4[t] = wr[4 * q + t];
    } else {
        for (int t = 0; t < 4; t++) w4[t] = wr && 4 * q + t < k ? wr[4 * q + t] : 0;
    }
    for (int h = 0; h < 2; h++) {
        const int32_t w0 = w4[2 * h], w1 = w4[2 * h + 1];
        const int over = absi(w0) + absi(w1) > 128;
        da[2 * h] = over ? clamp64(w0) : w0;
        da[2 * h + 1] = over ? clamp64(w1) : w1;
        db[2 * h] = w0 - da[2 * h];
        db[2 * h + 1] = w1 - da[2 * h + 1];
    }
}

/// Pairs (taps 2i, 2i + 1 of one row) whose magnitudes sum above 128 once `m` is taken from each weight.
static int64_t over_pairs(const int8_t *wr, int32_t k, int32_t m) {
    int64_t n = 0;
    for (int32_t i = 0; i < k; i += 2) {
        const int32_t w1 = i + 1 < k ? wr[i + 1] - m : 0;
        n += absi(wr[i] - m) + absi(w1) > 128;
    }
    return n;
}

/// Channel centering. A channel whose weights sit in a narrow band away from zero — all of one sign after
/// BatchNorm folding, or one value (onnx's "light" models: one constant per tensor, so per channel once
/// folded) — has nearly every pair above the bound though its spread is small. Then Σ w·x' =
/// Σ (w − m)·x' + m·Σ x': the quads run on w − m, and m joins the weight zero point, whose column-sum
/// term the epilogue already applies. m is the channel's midrange when that leaves fewer pairs above the
/// bound than m = 0 and every w − m still fits in int8; otherwise 0. Returns whether any m is nonzero.
static int centering(const ck_conv2d_params *p, const qgeo *g, const int8_t *w, int32_t *m) {
    int any = 0;
    for (int32_t j = 0; j < p->cout; j++) {
        const int8_t *wr = w + (size_t)j * g->k;
        int32_t lo = 127, hi = -128;
        for (int32_t kk = 0; kk < g->k; kk++) {
            lo = CK_MIN(lo, (int32_t)wr[kk]);
            hi = CK_MAX(hi, (int32_t)wr[kk]);
        }
        // The midpoint rounded down: w − mid then spans [lo − mid, hi − mid], whose ends differ in
        // magnitude by at most 1.
        const int32_t mid = (lo + hi) >= 0 ? (lo + hi) / 2 : -((-(lo + hi) + 1) / 2);
        m[j] = 0;
        if (mid != 0 && hi - mid <= 127 && lo - mid >= -128 && over_pairs(wr, g->k, mid) < over_pairs(wr, g->k, 0)) {
            m[j] = mid;
            any = 1;
        }
    }
    return any;
}

static uint32_t pack4(const int32_t v[4]) {
    return (uint32_t)(uint8_t)(int8_t)v[0] | (uint32_t)(uint8_t)(int8_t)v[1] << 8 | (uint32_t)(uint8_t)(int8_t)v[2] << 16 |
           (uint32_t)(uint8_t)(int8_t)v[3] << 24;
}

/// Packs the quads form in one pass; returns 0 when the remainder list would pass QSPARSE of the quads
/// (the caller then packs int16 pairs over whatever was written). The list's weights and indices sit at
/// offsets fixed by that bound, so they can be written before their count is known.
static int pack_quads(const ck_conv2d_params *p, const qgeo *g, const int8_t *w0, uint32_t *d, const int dot) {
    const int32_t kq = quad_count(g), kcq = quad_chunk(g);
    const size_t tq = (size_t)p->group * g->tiles * kq, nmax = tq * QSPARSE_NUM / QSPARSE_DEN;
    const size_t offDelta = QHDR + tq * QMR, offStart = offDelta + (size_t)p->cout;
    const size_t offW = offStart + (size_t)p->group * g->tiles * (g->nchunks + 1), offIdx = offW + nmax * QMR;
    const size_t offCenter = offIdx + nmax;
    int32_t *delta = (int32_t *)(d + offDelta), *start = (int32_t *)(d + offStart), *idx = (int32_t *)(d + offIdx);
    int32_t *center = (int32_t *)(d + offCenter);
    uint32_t *dense = d + QHDR, *spw = d + offW;
    size_t n = 0;
    // The weights the quads hold: w − m per channel (a scratch copy), or w itself.
    const int8_t *w = w0;
    int8_t *wc = NULL;
    if (!dot && centering(p, g, w0, center) && (wc = malloc((size_t)p->cout * g->k)) != NULL) {
        for (int32_t j = 0; j < p->cout; j++)
            for (int32_t kk = 0; kk < g->k; kk++)
                wc[(size_t)j * g->k + kk] = (int8_t)(w0[(size_t)j * g->k + kk] - center[j]);
        w = wc;
    } else {
        memset(center, 0, (size_t)p->cout * 4);
    }
    for (int32_t gi = 0; gi < p->group; gi++)
        for (int32_t t = 0; t < g->tiles; t++) {
            int32_t *bounds = start + ((size_t)gi * g->tiles + t) * (g->nchunks + 1);
            const int8_t *wr[QMR];
            for (int i = 0; i < QMR; i++)
                wr[i] = t * QMR + i < g->cout_g ? w + ((size_t)gi * g->cout_g + t * QMR + i) * g->k : NULL;
            for (int32_t q = 0; q < kq; q++) {
                if (q % kcq == 0) bounds[q / kcq] = (int32_t)n;
                uint32_t rem[QMR];
                uint32_t any = 0;
                for (int i = 0; i < QMR; i++) {
                    if (wr[i] && 4 * q + 3 < g->k) {
                        // Common case: both pairs within the bound, the four bytes as they are.
                        const int8_t *b = wr[i] + 4 * q;
                        if (dot || (absi(b[0]) + absi(b[1]) <= 128 && absi(b[2]) + absi(b[3]) <= 128)) {
                            uint32_t raw;
                            memcpy(&raw, b, 4);
                            *dense++ = raw;   // pack4's byte order (little-endian hosts only reach here: AVX2)
                            rem[i] = 0;
                            continue;
                        }
                    }
                    int32_t da[4], db[4];
                    split_quad(wr[i], g->k, q, da, db);
                    if (dot) {
                        // The ragged end of K (or a missing channel): whole weights, zeros beyond.
                        for (int h = 0; h < 4; h++) da[h] += db[h], db[h] = 0;
                    }
                    *dense++ = pack4(da);
                    rem[i] = pack4(db);
                    any |= rem[i];
                }
                if (any) {
                    if (n == nmax) {
                        free(wc);
                        return 0;
                    }
                    idx[n] = q;
                    for (int i = 0; i < QMR; i++) spw[n * QMR + i] = rem[i];
                    n++;
                }
            }
            for (int32_t ch = (kq + kcq - 1) / kcq; ch <= g->nchunks; ch++) bounds[ch] = (int32_t)n;
        }
    for (int32_t j = 0; j < p->cout; j++) {
        int64_t sum = 0;
        for (int32_t kk = 0; kk < g->k; kk++) sum += w[(size_t)j * g->k + kk];
        delta[j] = (int32_t)(uint32_t)(uint64_t)(-128 * sum);   // wrapping, as the int32 sums
    }
    d[6] = (uint32_t)offCenter;
    d[7] = wc != NULL;
    free(wc);
    d[0] = dot ? QMODE_QUADS_DOT : QMODE_QUADS;
    d[1] = (uint32_t)n;
    d[2] = (uint32_t)offDelta;
    d[3] = (uint32_t)offStart;
    d[4] = (uint32_t)offIdx;
    d[5] = (uint32_t)offW;
    return 1;
}

#if defined(__x86_64__)
/// Quads [qa, qa + kcv) of the patch matrix for positions [n0, n0 + nc) as panels [panel][kcv][QNR][4]
/// of u = raw ^ uxor (x' + 128); taps beyond k are 0.
__attribute__((target("avx2,fma")))
static void pack_quads_avx2(const ck_conv2d_params *P, const qgeo *g, const uint8_t *xg, const uint8_t *planes,
                            int32_t qa, int32_t kcv, int32_t n0, int32_t nc, uint8_t uxor, uint8_t padb, uint8_t *dst,
                            uint8_t *rows[5]) {
    const int32_t npan = (nc + QNR - 1) / QNR;
    const __m128i vx = _mm_set1_epi8((char)uxor);
    memset(rows[4], uxor, (size_t)rup(nc, QNR));   // a tap beyond k: u = 0
    for (int32_t q = qa; q < qa + kcv; q++) {
        const uint8_t *r[4];
        for (int t = 0; t < 4; t++)
            r[t] = 4 * q + t < g->k ? patch_row(P, g, xg, planes, 4 * q + t, n0, nc, padb, rows[t]) : rows[4];
        uint8_t *d = dst + (ptrdiff_t)(q - qa) * (4 * QNR);
        const ptrdiff_t step = (ptrdiff_t)kcv * (4 * QNR);
        for (int32_t t = 0; t < npan; t++, d += step) {
            const __m128i a = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r[0] + t * QNR)), vx);
            const __m128i b = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r[1] + t * QNR)), vx);
            const __m128i c = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r[2] + t * QNR)), vx);
            const __m128i e = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r[3] + t * QNR)), vx);
            const __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
            const __m128i ce0 = _mm_unpacklo_epi8(c, e), ce1 = _mm_unpackhi_epi8(c, e);
            _mm_storeu_si128((__m128i *)d, _mm_unpacklo_epi16(ab0, ce0));
            _mm_storeu_si128((__m128i *)(d + 16), _mm_unpackhi_epi16(ab0, ce0));
            _mm_storeu_si128((__m128i *)(d + 32), _mm_unpacklo_epi16(ab1, ce1));
            _mm_storeu_si128((__m128i *)(d + 48), _mm_unpackhi_epi16(ab1, ce1));
        }
    }
}

/// Column sums Σ x' = Σ u − 128·(taps) of a quads block, started (first chunk, `taps` = k) or added to.
__attribute__((target("avx2,fma")))
static void colsums_quads_avx2(const uint8_t *blk, int32_t kcv, int32_t npan, int32_t *cs, int add, int32_t taps) {
    const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
    const __m256i base = _mm256_set1_epi32((int32_t)(0u - 128u * (uint32_t)taps));   // wraps as the sums do
    for (int32_t t = 0; t < npan; t++) {
        __m256i s0 = add ? _mm256_loadu_si256((const __m256i *)(cs + t * QNR)) : base;
        __m256i s1 = add ? _mm256_loadu_si256((const __m256i *)(cs + t * QNR + 8)) : base;
        const uint8_t *d = blk + (ptrdiff_t)t * kcv * (4 * QNR);
        for (int32_t q = 0; q < kcv; q++, d += 4 * QNR) {
            const __m256i u0 = _mm256_loadu_si256((const __m256i *)d), u1 = _mm256_loadu_si256((const __m256i *)(d + 32));
            s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_maddubs_epi16(u0, ones8), ones16));
            s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_maddubs_epi16(u1, ones8), ones16));
        }
        _mm256_storeu_si256((__m256i *)(cs + t * QNR), s0);
        _mm256_storeu_si256((__m256i *)(cs + t * QNR + 8), s1);
    }
}

/// One tile over kcv quads: dense Wa, then the listed Wb quads (indices relative to the chunk). Sums
/// start at `delta` (first chunk) or `part_in`. `wide` 0 computes only the panel's first 8 positions (a
/// ragged last panel of ≤ 8, e.g. one of 7×7's four): the other half's sums are left 0, and the epilogue
/// stores only nv ≤ 8 of them.
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_quads_body(const int wide, int32_t kcv, const uint32_t *a, const uint8_t *b, const int32_t *sidx,
                                   const uint32_t *sw, int32_t ns, int32_t qa, const int32_t *delta, const uint32_t *part_in,
                                   uint32_t *part_out, ptrdiff_t ldp, int32_t mv, int32_t nv, int32_t j0,
                                   const int32_t *colsum, const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy) {
    __m256i acc[QMR][2];
    const __m256i ones = _mm256_set1_epi16(1);
    tile_start_avx2(acc, part_in, ldp, delta + j0, mv);
    for (int32_t q = 0; q < kcv; q++) {
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)b);
        const __m256i b1 = wide ? _mm256_loadu_si256((const __m256i *)(b + 32)) : b0;
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) {
            const __m256i av = _mm256_set1_epi32((int32_t)a[i]);
            acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(_mm256_maddubs_epi16(b0, av), ones));
            if (wide) acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(_mm256_maddubs_epi16(b1, av), ones));
        }
        a += QMR;
        b += 4 * QNR;
    }
    b -= (ptrdiff_t)kcv * (4 * QNR);
    for (int32_t s = 0; s < ns; s++) {
        const uint8_t *bq = b + (ptrdiff_t)(sidx[s] - qa) * (4 * QNR);
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)bq);
        const __m256i b1 = wide ? _mm256_loadu_si256((const __m256i *)(bq + 32)) : b0;
        const uint32_t *ws = sw + (size_t)s * QMR;
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) {
            const __m256i av = _mm256_set1_epi32((int32_t)ws[i]);
            acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(_mm256_maddubs_epi16(b0, av), ones));
            if (wide) acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(_mm256_maddubs_epi16(b1, av), ones));
        }
    }
    if (!wide) {
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) acc[i][1] = _mm256_setzero_si256();
    }
    tile_finish_avx2(acc, part_out, ldp, mv, nv, j0, colsum, e, y, y0, ldy);
}

/// The npan panels of one tile, one call per tile rather than per panel: on small-K layers (PP-OCR's 16- and
/// 32-channel expansions) passing the tile's nineteen arguments had cost a tenth of the tile. Panel pn's
/// packed quads, partial sums, column sums and outputs sit QNR positions after pn − 1's; a ragged last panel
/// of ≤ 8 positions takes the narrow body.
__attribute__((target("avx2,fma")))
static void tile_quads_panels_avx2(int32_t npan, int32_t ncv, int32_t kcv, const uint32_t *a, const uint8_t *qb,
                                   const int32_t *sidx, const uint32_t *sw, int32_t ns, int32_t qa, const int32_t *delta,
                                   uint32_t *tp, int first, int last, ptrdiff_t ldp, int32_t mv, int32_t j0,
                                   const int32_t *cs, const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy) {
    for (int32_t pn = 0; pn < npan; pn++) {
        const int32_t nv = CK_MIN(QNR, ncv - pn * QNR);
        const uint8_t *b = qb + (ptrdiff_t)pn * kcv * (4 * QNR);
        uint32_t *part = tp + pn * QNR;
        const int32_t *colsum = cs ? cs + pn * QNR : NULL;
        if (nv > 8)
            tile_quads_body(1, kcv, a, b, sidx, sw, ns, qa, delta, first ? NULL : part, last ? NULL : part, ldp, mv, nv, j0,
                            colsum, e, y, y0 + pn * QNR, ldy);
        else
            tile_quads_body(0, kcv, a, b, sidx, sw, ns, qa, delta, first ? NULL : part, last ? NULL : part, ldp, mv, nv, j0,
                            colsum, e, y, y0 + pn * QNR, ldy);
    }
}

/// The QMODE_QUADS_DOT tile on 512-bit vectors: a channel row's 16 positions are one register, and one
/// `vpdpbusd` adds a quad's four u8 × s8 products to all 16 sums, where AVX2 needs two `vpmaddubsw`, two
/// `vpmaddwd`, two `vpaddd` and a remainder pass for pairs that would saturate the int16 step. The packed
/// panel quad is 64 bytes, one load; positions past nv are computed and not stored. Same sums, same bytes.
#define DOT_TARGET "avx2,fma,avx512f,avx512bw,avx512dq,avx512vl,avx512vnni"

/// The common ONNX epilogue (fma_exact, the packs' clamp) of 16 sums on 512-bit vectors: the conversions
/// round to nearest even by their own rounding mode, so MXCSR does not matter here, and the saturating
/// narrowing (vpmovsdb; vpmovusdb after a max with 0) clamps as packs then packs/packus did.
__attribute__((target(DOT_TARGET), always_inline))
static inline __m128i fma_bytes16_512(__m512i v, __m512d m, __m512d zp, const int out_unsigned) {
    const __m512d lo = _mm512_fmadd_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(v)), m, zp);
    const __m512d hi = _mm512_fmadd_pd(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(v, 1)), m, zp);
    const __m256i rl = _mm512_cvt_roundpd_epi32(lo, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256i rh = _mm512_cvt_roundpd_epi32(hi, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m512i r = _mm512_inserti64x4(_mm512_castsi256_si512(rl), rh, 1);
    return out_unsigned ? _mm512_cvtusepi32_epi8(_mm512_max_epi32(r, _mm512_setzero_si512())) : _mm512_cvtsepi32_epi8(r);
}

/// The rows of a dot tile through fma_bytes16_512, output type and column-sum term fixed at compile time.
__attribute__((target(DOT_TARGET), always_inline))
static inline void dot_rows(const __m512i acc[QMR], int32_t mv, int32_t nv, int32_t j0, __m512i cs,
                            const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy, const int out_unsigned,
                            const int bz_on) {
    const __m512d zp = _mm512_set1_pd((double)e->out_zero);
    const __mmask16 keep = nv >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nv) - 1);
    // Unrolled with a guard rather than a loop to mv: indexing acc by a variable kept the sums in memory,
    // stored on every quad of the loop above.
    _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) {
        if (i < mv) {
            const int32_t j = j0 + i;
            __m512i v = _mm512_add_epi32(acc[i], _mm512_set1_epi32(e->c0[j]));
            if (bz_on) v = _mm512_sub_epi32(v, _mm512_mullo_epi32(_mm512_set1_epi32(e->b_zero[j]), cs));
            const __m128i bytes = fma_bytes16_512(v, _mm512_set1_pd(e->multiplier[j]), zp, out_unsigned);
            uint8_t *o = (uint8_t *)y + y0 + i * ldy;
            if (nv >= 16) _mm_storeu_si128((__m128i *)o, bytes);
            else _mm_mask_storeu_epi8(o, keep, bytes);
        }
    }
}

/// Every other epilogue of a dot tile (int32 outputs, TFLite's fixed point, the clamped double path): the
/// AVX2 one, on the sums' halves. Out of line: inlined, its indexing by row kept the tile's sums in memory.
__attribute__((target(DOT_TARGET), noinline))
static void dot_finish_general(const __m512i acc[QMR], ptrdiff_t ldp, int32_t mv, int32_t nv, int32_t j0,
                               const int32_t *colsum, const ck_qconv_epilogue *e, void *y, ptrdiff_t y0, ptrdiff_t ldy) {
    __m256i halves[QMR][2];
    for (int i = 0; i < QMR; i++) {
        halves[i][0] = _mm512_castsi512_si256(acc[i]);
        halves[i][1] = _mm512_extracti64x4_epi64(acc[i], 1);
    }
    tile_finish_avx2(halves, NULL, ldp, mv, nv, j0, colsum, e, y, y0, ldy);
}

__attribute__((target(DOT_TARGET), always_inline))
static inline void tile_quads_dot_body(int32_t kcv, const uint32_t *a, const uint8_t *b, const int32_t *delta,
                                       const uint32_t *part_in, uint32_t *part_out, ptrdiff_t ldp, int32_t mv, int32_t nv,
                                       int32_t j0, const int32_t *colsum, const ck_qconv_epilogue *e, void *y, ptrdiff_t y0,
                                       ptrdiff_t ldy) {
    __m512i acc[QMR];
    _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++)
        acc[i] = part_in ? _mm512_loadu_si512(part_in + i * ldp) : _mm512_set1_epi32(i < mv ? delta[j0 + i] : 0);
    for (int32_t q = 0; q < kcv; q++) {
        const __m512i bv = _mm512_loadu_si512(b);
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++)
            acc[i] = _mm512_dpbusd_epi32(acc[i], bv, _mm512_set1_epi32((int32_t)a[i]));
        a += QMR;
        b += 4 * QNR;
    }
    if (part_out) {
        _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) _mm512_storeu_si512(part_out + i * ldp, acc[i]);
        return;
    }
    const ck_qconv_epilogue ev = *e;   // a local copy, as in tile_finish_avx2
    const int bzOn = ev.b_zero && colsum;
    if (ev.multiplier && !ev.q_mult && ev.fma_exact && ev.packs_clamp) {
        const __m512i cs = bzOn ? _mm512_loadu_si512(colsum) : _mm512_setzero_si512();
        if (ev.out_unsigned) {
            if (bzOn) dot_rows(acc, mv, nv, j0, cs, &ev, y, y0, ldy, 1, 1);
            else dot_rows(acc, mv, nv, j0, cs, &ev, y, y0, ldy, 1, 0);
        } else {
            if (bzOn) dot_rows(acc, mv, nv, j0, cs, &ev, y, y0, ldy, 0, 1);
            else dot_rows(acc, mv, nv, j0, cs, &ev, y, y0, ldy, 0, 0);
        }
        return;
    }
    __m512i sums[QMR];   // a copy: passing acc itself made it escape, and the loop stored it on every quad
    _Pragma("clang loop unroll(full)") for (int i = 0; i < QMR; i++) sums[i] = acc[i];
    dot_finish_general(sums, ldp, mv, nv, j0, colsum, &ev, y, y0, ldy);
}

/// tile_quads_panels_avx2 for QMODE_QUADS_DOT (no remainder list, no narrow panel form).
__attribute__((target(DOT_TARGET)))
static void tile_quads_dot_panels(int32_t npan, int32_t ncv, int32_t kcv, const uint32_t *a, const uint8_t *qb,
                                  const int32_t *delta, uint32_t *tp, int first, int last, ptrdiff_t ldp, int32_t mv,
                                  int32_t j0, const int32_t *cs, const ck_qconv_epilogue *e, void *y, ptrdiff_t y0,
                                  ptrdiff_t ldy) {
    for (int32_t pn = 0; pn < npan; pn++) {
        uint32_t *part = tp + pn * QNR;
        tile_quads_dot_body(kcv, a, qb + (ptrdiff_t)pn * kcv * (4 * QNR), delta, first ? NULL : part, last ? NULL : part, ldp,
                            mv, CK_MIN(QNR, ncv - pn * QNR), j0, cs ? cs + pn * QNR : NULL, e, y, y0 + pn * QNR, ldy);
    }
}
#endif

size_t ck_qconv_packed_weights_size(int isa, const ck_conv2d_params *p) {
    qgeo g = geo_of(p);
    const size_t quads = ck_avx2_on(isa) ? quads_bound_u32(p, &g) : 0;
    return (QHDR + CK_MAX(pairs_u32(p, &g), quads)) * 4;
}

void ck_qconv_pack_weights(int isa, const ck_conv2d_params *p, const int8_t *w, void *dst) {
    qgeo g = geo_of(p);
    uint32_t *d = dst;
    memset(d, 0, QHDR * 4);
    if (ck_avx2_on(isa) && pack_quads(p, &g, w, d, dot_on(isa))) return;
    d[0] = QMODE_PAIRS;
    pack_pairs(p, w, d + QHDR);
}

int ck_qconv_packed_uses_quads(const void *packed_w) { return ((const uint32_t *)packed_w)[0] != QMODE_PAIRS; }

/// The caller's epilogue for one call, with cvt_rounds_even read from MXCSR (its rounding-control bits
/// 0: round to nearest even; only the AVX2 store reads the flag), once per call rather than per store.
static ck_qconv_epilogue call_epilogue(const ck_qconv_epilogue *e) {
    ck_qconv_epilogue c = *e;
#if defined(__x86_64__)
    c.cvt_rounds_even = (_mm_getcsr() & 0x6000) == 0;
#endif
    return c;
}

// ---- driver -----------------------------------------------------------------------------------

void ck_qconv_part(int isa, const ck_conv2d_params *P, const void *packed_w, const ck_qconv_epilogue *e, uint8_t x_xor,
                   uint8_t pad_byte, const uint8_t *x, void *y, void *workspace, int32_t part, int32_t parts) {
    const qgeo g = geo_of(P);
    const qlayout L = layout_of(P, &g);
    const int avx = ck_avx2_on(isa);
    const int64_t units0 = (int64_t)P->n * P->group * g.nblocks;
    // Few position blocks (late layers): split the weight tiles too, each part packing its own copy.
    const int64_t rsplit = units0 >= 2 * (int64_t)parts ? 1 : CK_MAX(1, CK_MIN((int64_t)parts, (int64_t)g.tiles));
    const int64_t total = units0 * rsplit;
    const int64_t ub = total * part / parts, ue = total * (part + 1) / parts;
    uint8_t *ws = workspace;
    int16_t *blk = (int16_t *)(ws + L.blk);
    uint8_t *row0 = ws + L.row0, *row1 = ws + L.row1, *planes = ws + L.planes;
    uint8_t *rows[5] = {row0, row1, ws + L.row2, ws + L.row3, ws + L.row4};
    const uint32_t *hdr = packed_w;
#if defined(__x86_64__)
    // A dot-packed layer holds pairs a pair tile would saturate on: it runs only where vpdpbusd does (packing
    // and running share the ISA level; a mismatch runs nothing rather than wrong sums).
    const int dot = hdr[0] == QMODE_QUADS_DOT;
    if (dot && !dot_on(isa)) return;
    const int quads = avx && hdr[0] != QMODE_PAIRS;
#else
    const int quads = 0;
#endif
    const int32_t kq = quad_count(&g), kcq = quad_chunk(&g);
    const int32_t nch = quads ? (kq + kcq - 1) / kcq : g.nchunks;
    ck_qconv_epilogue ec = call_epilogue(e);
    e = &ec;
    // Centered quads: the epilogue's weight zero points become b_zero − m (see centering).
    if (quads && hdr[7]) {
        const int32_t *center = (const int32_t *)(hdr + hdr[6]);
        int32_t *bz = (int32_t *)(ws + L.bz);
        for (int32_t j = 0; j < P->cout; j++)
            bz[j] = (int32_t)((e->b_zero ? (uint32_t)e->b_zero[j] : 0u) - (uint32_t)center[j]);
        ec.b_zero = bz;
    }
    int32_t *cs = (int32_t *)(ws + L.cs);
    uint32_t *pacc = (uint32_t *)(ws + L.acc);
    const ptrdiff_t plane = (ptrdiff_t)P->h * P->w, ldp = g.nc;
    int64_t packed_unit = -1, planes_of = -1;
    for (int64_t u = ub; u < ue; u++) {
        const int64_t rs = u % rsplit, bu = u / rsplit;
        const int32_t blkI = (int32_t)(bu % g.nblocks), gi = (int32_t)((bu / g.nblocks) % P->group);
        const int32_t img = (int32_t)(bu / ((int64_t)g.nblocks * P->group));
        const int32_t t0 = (int32_t)(g.tiles * rs / rsplit), t1 = (int32_t)(g.tiles * (rs + 1) / rsplit);
        if (t0 == t1) continue;
        const int32_t n0 = blkI * g.nc, ncv = CK_MIN(g.nc, g.ohw - n0), npan = (ncv + QNR - 1) / QNR;
        const uint8_t *xg = x + ((ptrdiff_t)img * P->c + (ptrdiff_t)gi * g.cin_g) * plane;
        const int64_t imgGroup = bu / g.nblocks;
        if (!g.pointwise && planes_of != imgGroup) {
            build_planes(P, &g, xg, pad_byte, planes);
            planes_of = imgGroup;
        }
        for (int32_t ch = 0; ch < nch; ch++) {
            const int first = ch == 0, last = ch == nch - 1;
#if defined(__x86_64__)
            if (quads) {
                const int32_t qa = ch * kcq, kcv = CK_MIN(kcq, kq - qa);
                uint8_t *qb = (uint8_t *)blk;
                pack_quads_avx2(P, &g, xg, planes, qa, kcv, n0, ncv, x_xor ^ 0x80, pad_byte, qb, rows);
                if (ec.b_zero) colsums_quads_avx2(qb, kcv, npan, cs, !first, g.k);
                const int32_t *delta = (const int32_t *)(hdr + hdr[2]), *starts = (const int32_t *)(hdr + hdr[3]);
                const int32_t *sidx = (const int32_t *)(hdr + hdr[4]);
                const uint32_t *sw = hdr + hdr[5];
                for (int32_t t = t0; t < t1; t++) {
                    const uint32_t *a = hdr + QHDR + (((size_t)gi * g.tiles + t) * kq + qa) * QMR;
                    const int32_t *bounds = starts + ((size_t)gi * g.tiles + t) * (g.nchunks + 1);
                    const int32_t s0 = bounds[ch], ns = bounds[ch + 1] - s0;
                    const int32_t j0 = gi * g.cout_g + t * QMR, mv = CK_MIN(QMR, g.cout_g - t * QMR);
                    uint32_t *tp = pacc + (size_t)(t - t0) * QMR * ldp;
                    const ptrdiff_t y0 = ((ptrdiff_t)img * P->cout + j0) * g.ohw + n0;
                    if (dot)
                        tile_quads_dot_panels(npan, ncv, kcv, a, qb, delta, tp, first, last, ldp, mv, j0,
                                              ec.b_zero ? cs : NULL, &ec, y, y0, g.ohw);
                    else
                        tile_quads_panels_avx2(npan, ncv, kcv, a, qb, sidx + s0, sw + (size_t)s0 * QMR, ns, qa, delta, tp,
                                               first, last, ldp, mv, j0, ec.b_zero ? cs : NULL, &ec, y, y0, g.ohw);
                }
                packed_unit = -1;
                continue;
            }
#endif
            const int32_t qa = ch * g.kc, kcv = CK_MIN(g.kc, g.kp - qa);
            // One chunk: the packed block is kept for the next unit of the same block (tile split).
            if (g.nchunks > 1 || packed_unit != bu) {
#if defined(__x86_64__)
                if (avx) pack_block_avx2(P, &g, xg, planes, qa, kcv, n0, ncv, x_xor, pad_byte, blk, row0, row1);
                else
#endif
                    pack_block_portable(P, &g, xg, planes, qa, kcv, n0, ncv, x_xor, pad_byte, blk, row0, row1);
                if (e->b_zero) {
#if defined(__x86_64__)
                    if (avx) colsums_avx2(blk, kcv, npan, cs, !first);
                    else
#endif
                        colsums_portable(blk, kcv, npan, cs, !first);
                }
                packed_unit = bu;
            }
            for (int32_t t = t0; t < t1; t++) {
                const uint32_t *a = hdr + QHDR + (((size_t)gi * g.tiles + t) * g.kp + qa) * QMR;
                const int32_t j0 = gi * g.cout_g + t * QMR, mv = CK_MIN(QMR, g.cout_g - t * QMR);
                uint32_t *tp = pacc + (size_t)(t - t0) * QMR * ldp;
#if defined(__x86_64__)
                if (avx) {
                    tile_panels_avx2(npan, ncv, kcv, a, blk, tp, first, last, ldp, mv, j0, e->b_zero ? cs : NULL, e, y,
                                     ((ptrdiff_t)img * P->cout + j0) * g.ohw + n0, g.ohw);
                    continue;
                }
#endif
                for (int32_t pn = 0; pn < npan; pn++) {
                    const int32_t nv = CK_MIN(QNR, ncv - pn * QNR);
                    const ptrdiff_t y0 = ((ptrdiff_t)img * P->cout + j0) * g.ohw + n0 + pn * QNR;
                    const int16_t *b = blk + (ptrdiff_t)pn * kcv * (2 * QNR);
                    const int32_t *c = e->b_zero ? cs + pn * QNR : NULL;
                    const uint32_t *pin = first ? NULL : tp + pn * QNR;
                    uint32_t *pout = last ? NULL : tp + pn * QNR;
                    tile_portable(kcv, a, b, pin, pout, ldp, mv, nv, j0, c, e, y, y0, g.ohw);
                }
            }
        }
    }
}

// ---- depthwise --------------------------------------------------------------------------------

typedef struct {
    int32_t q;      ///< length of one phase row
} dwgeo;

static dwgeo dw_of(const ck_conv2d_params *p) {
    dwgeo g;
    g.q = p->ow + ((p->kw - 1) * p->dw) / p->sw + 1;
    return g;
}

/// Taps up to which the AVX2 depthwise path runs in float: every product (x' − a_zero)(w − b_zero) is an
/// integer of magnitude ≤ 255·255 and a sum of T of them stays below 2^24 for T ≤ 258, so float
/// multiply-adds are exact and equal the reference's int32 sums.
enum { DW_FLOAT_TAPS = 64 };

size_t ck_qdwconv_workspace_size(const ck_conv2d_params *p) {
    dwgeo g = dw_of(p);
    // Phase rows, 48 values of slack (rows are read up to 31 past their end), outputs rounded up to 32,
    // then the AVX2 path's tap lists (dw_taps: OH rows of KH·KW offsets and weight indices, OH counts) and
    // its row pairs' (dw_taps2: OH/2 pairs of (KH + SH)·KW offsets and two weight indices, three counts;
    // only when that is at most 2·DW_FLOAT_TAPS, as ck_qdwconv_part uses them).
    const size_t taps = (size_t)p->kh * p->kw, pairTaps = ((size_t)p->kh + p->sh) * p->kw;
    const size_t per = pairTaps <= 2 * DW_FLOAT_TAPS ? pairTaps : 0;
    return ((size_t)p->sw * p->h * g.q + 48 + (size_t)p->ow + 64) * 4 + 256 + (size_t)p->oh * (2 * taps + 1) * 4 +
           (size_t)(p->oh / 2) * (3 * per + 3) * 4;
}

/// One channel plane: phase rows (x' − a_zero as int32; phase ph holds padded columns q·sw + ph, so
/// tap kx of output ox is row[(kx·dw) % sw][ox + (kx·dw) / sw], contiguous in ox), then per output row
/// the taps multiply-added over the whole row. Shared by both ISAs through always_inline.
static inline __attribute__((always_inline)) void dw_plane_body(const ck_conv2d_params *P, const int16_t *w,
                                                                uint8_t xx, int32_t az, const uint8_t *x,
                                                                int32_t *buf, uint32_t *acc) {
    const dwgeo g = dw_of(P);
    for (int32_t ph = 0; ph < P->sw; ph++)
        for (int32_t iy = 0; iy < P->h; iy++) {
            int32_t *r = buf + ((ptrdiff_t)ph * P->h + iy) * g.q;
            int32_t qa, qb;
            phase_inside(P, ph, g.q, &qa, &qb);
            for (int32_t q = 0; q < qa; q++) r[q] = 0;
            const uint8_t *s = x + (ptrdiff_t)iy * P->w + (ptrdiff_t)qa * P->sw + ph - P->pad_left;
            if (P->sw == 1) {
                for (int32_t q = 0; q < qb - qa; q++) r[qa + q] = (int32_t)(int8_t)(s[q] ^ xx) - az;
            } else {
                for (int32_t q = 0; q < qb - qa; q++) r[qa + q] = (int32_t)(int8_t)(s[q * P->sw] ^ xx) - az;
            }
            for (int32_t q = qb; q < g.q; q++) r[q] = 0;
        }
    (void)acc;
}

static inline __attribute__((always_inline)) void dw_row_body(const ck_conv2d_params *P, const int16_t *w,
                                                              const int32_t *buf, int32_t oy, uint32_t *acc) {
    const dwgeo g = dw_of(P);
    const int32_t ow = P->ow;
    for (int32_t i = 0; i < ow; i++) acc[i] = 0;
    for (int32_t ky = 0; ky < P->kh; ky++) {
        const int32_t iy = oy * P->sh - P->pad_top + ky * P->dh;
        if (iy < 0 || iy >= P->h) continue;
        for (int32_t kx = 0; kx < P->kw; kx++) {
            const int32_t off = kx * P->dw, ph = off % P->sw;
            const int32_t *src = buf + ((ptrdiff_t)ph * P->h + iy) * g.q + off / P->sw;
            const int32_t wv = w[ky * P->kw + kx];
            for (int32_t i = 0; i < ow; i++) acc[i] += (uint32_t)(src[i] * wv);
        }
    }
}

static void dw_plane_portable(const ck_conv2d_params *P, const int16_t *w, uint8_t xx, int32_t az, const uint8_t *x,
                              int32_t *buf, uint32_t *acc) {
    dw_plane_body(P, w, xx, az, x, buf, acc);
}
static void dw_row_portable(const ck_conv2d_params *P, const int16_t *w, const int32_t *buf, int32_t oy, uint32_t *acc) {
    dw_row_body(P, w, buf, oy, acc);
}
#if defined(__x86_64__)

/// dw_plane_body compiled for AVX2: the int32 phase rows of the int32 row path.
__attribute__((target("avx2,fma")))
static void dw_plane_int_avx2(const ck_conv2d_params *P, const int16_t *w, uint8_t xx, int32_t az, const uint8_t *x,
                              int32_t *buf, uint32_t *acc) {
    dw_plane_body(P, w, xx, az, x, buf, acc);
}

/// The phase rows of one plane for the float row path (dw_row_avx2): as dw_plane_body, but written as floats
/// directly (exact: integers of magnitude ≤ 255), eight columns an instruction group when the stride is 1.
/// A phase's inside range [qa, qb) is the same for every input row, so it is worked out once.
__attribute__((target("avx2,fma")))
static void dw_plane_avx2(const ck_conv2d_params *P, uint8_t xx, int32_t az, const uint8_t *x, float *buf) {
    const dwgeo g = dw_of(P);
    const __m256i vx = _mm256_set1_epi32((int32_t)(int8_t)xx), vz = _mm256_set1_epi32(az);
    for (int32_t ph = 0; ph < P->sw; ph++) {
        int32_t qa, qb;
        phase_inside(P, ph, g.q, &qa, &qb);
        for (int32_t iy = 0; iy < P->h; iy++) {
            float *r = buf + ((ptrdiff_t)ph * P->h + iy) * g.q;
            for (int32_t q = 0; q < qa; q++) r[q] = 0;
            const uint8_t *s = x + (ptrdiff_t)iy * P->w + (ptrdiff_t)qa * P->sw + ph - P->pad_left;
            const int32_t n = qb - qa;
            int32_t q = 0;
            if (P->sw == 1) {
                // Sign-extend first, then xor the sign-extended x_xor: (int8)(b ^ xx) == (int8)b ^ (int8)xx.
                for (; q + 8 <= n; q += 8) {
                    const __m256i b = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(s + q)));
                    const __m256i v = _mm256_sub_epi32(_mm256_xor_si256(b, vx), vz);
                    _mm256_storeu_ps(r + qa + q, _mm256_cvtepi32_ps(v));
                }
            }
            for (; q < n; q++) r[qa + q] = (float)((int32_t)(int8_t)(s[(ptrdiff_t)q * P->sw] ^ xx) - az);
            for (int32_t c = qb; c < g.q; c++) r[c] = 0;
        }
    }
}

/// dw_row_body compiled for AVX2: the int32 rows of planes with more than DW_FLOAT_TAPS taps.
__attribute__((target("avx2,fma")))
static void dw_row_int_avx2(const ck_conv2d_params *P, const int16_t *w, const int32_t *buf, int32_t oy, uint32_t *acc) {
    dw_row_body(P, w, buf, oy, acc);
}

/// The taps of every output row, worked out once per call: for row oy, n[oy] taps whose input rows are inside
/// the plane, each as its phase row's offset in the buffer (plus the column shift; the caller checks that it
/// fits int32) and its weight's index.
/// The rows' integer divisions by the stride had cost more than the multiply-adds on short planes.
static void dw_taps(const ck_conv2d_params *P, int32_t *off, int32_t *widx, int32_t *n) {
    const dwgeo g = dw_of(P);
    const int32_t taps = P->kh * P->kw;
    for (int32_t oy = 0; oy < P->oh; oy++) {
        int32_t nt = 0;
        for (int32_t ky = 0; ky < P->kh; ky++) {
            const int32_t iy = oy * P->sh - P->pad_top + ky * P->dh;
            if (iy < 0 || iy >= P->h) continue;
            for (int32_t kx = 0; kx < P->kw; kx++) {
                const int32_t o = kx * P->dw;
                const ptrdiff_t at = (ptrdiff_t)oy * taps + nt++;
                off[at] = (int32_t)(((ptrdiff_t)(o % P->sw) * P->h + iy) * g.q + o / P->sw);
                widx[at] = ky * P->kw + kx;
            }
        }
        n[oy] = nt;
    }
}

/// One output row, 32 outputs at a time in four independent float accumulators, every tap applied in
/// registers (exact, see DW_FLOAT_TAPS); `wf` the plane's weights as floats, `off`/`widx` the row's nt taps
/// (dw_taps). Reads up to 31 values past a phase row's end (the next row, or the slack after the buffer);
/// those lanes are not stored.
__attribute__((target("avx2,fma")))
static void dw_row_avx2(const ck_conv2d_params *P, const float *wf, const float *buf, const int32_t *off,
                        const int32_t *widx, int32_t nt, uint32_t *acc) {
    for (int32_t i = 0; i < P->ow; i += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int32_t t = 0; t < nt; t++) {
            const __m256 wv = _mm256_set1_ps(wf[widx[t]]);
            const float *s = buf + off[t] + i;
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(s), wv, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8), wv, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(s + 16), wv, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(s + 24), wv, a3);
        }
        _mm256_storeu_si256((__m256i *)(acc + i), _mm256_cvtps_epi32(a0));
        _mm256_storeu_si256((__m256i *)(acc + i + 8), _mm256_cvtps_epi32(a1));
        _mm256_storeu_si256((__m256i *)(acc + i + 16), _mm256_cvtps_epi32(a2));
        _mm256_storeu_si256((__m256i *)(acc + i + 24), _mm256_cvtps_epi32(a3));
    }
}

/// The tolerance of the float requantization below: an absolute error bound with a wide margin (see there).
#define DW_RQ_TOL 0x1p-12f

/// round_half_even(f · m + zero) of 8 float lanes holding exact integers, rounded up and down by the
/// tolerance: where both give the same integer, that is the exact value's rounding.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256i dw_rq8(__m256 f, __m256 m, __m256 zhi, __m256 zlo, __m256i *differ) {
    const __m256i hi = _mm256_cvtps_epi32(_mm256_fmadd_ps(f, m, zhi));
    *differ = _mm256_or_si256(*differ, _mm256_xor_si256(hi, _mm256_cvtps_epi32(_mm256_fmadd_ps(f, m, zlo))));
    return hi;
}

/// The float requantization of one row's 32 sums a[0..3] (outputs i … i + nv − 1 of the row at `idx`):
/// bytes where both roundings agree, else the double epilogue through `acc` (see dw_row_rq_avx2).
__attribute__((target("avx2,fma"), always_inline))
static inline void dw_rq_store32(const __m256 a[4], int32_t i, int32_t nv, int32_t j, const ck_qconv_epilogue *e,
                                 __m256 m, __m256 c0, __m256 zhi, __m256 zlo, uint32_t *acc, void *y, ptrdiff_t idx) {
    __m256i differ = _mm256_setzero_si256();
    const __m256i r0 = dw_rq8(_mm256_add_ps(a[0], c0), m, zhi, zlo, &differ);
    const __m256i r1 = dw_rq8(_mm256_add_ps(a[1], c0), m, zhi, zlo, &differ);
    const __m256i r2 = dw_rq8(_mm256_add_ps(a[2], c0), m, zhi, zlo, &differ);
    const __m256i r3 = dw_rq8(_mm256_add_ps(a[3], c0), m, zhi, zlo, &differ);
    if (!_mm256_testz_si256(differ, differ)) {
        // Near a tie somewhere (or lanes past the row, which are not stored): the double epilogue.
        for (int k = 0; k < 4; k++) _mm256_storeu_si256((__m256i *)(acc + i + 8 * k), _mm256_cvtps_epi32(a[k]));
        store_row_avx2(acc + i, nv, j, e, y, idx + i);
        return;
    }
    // packs then packus/packs leave dwords (4 bytes) in the order 0 2 4 6 | 1 3 5 7 of the eight wanted.
    const __m256i p01 = _mm256_packs_epi32(r0, r1), p23 = _mm256_packs_epi32(r2, r3);
    const __m256i b = e->out_unsigned ? _mm256_packus_epi16(p01, p23) : _mm256_packs_epi16(p01, p23);
    const __m256i bytes = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    store_bytes32(bytes, (uint8_t *)y + idx + i, nv);
}

/// dw_row_avx2 with the requantization done on its float sums (`rq_float` in ck_qdwconv_part): one output
/// row straight to bytes, with no int32 row and no double conversions. v = sum + c0 is exact in float
/// (|sum| < 2^22, |c0| ≤ 2^23). The exact value x = v·m + zero is then rounded in float twice, from
/// zero ± 2^-12: an FMA's one rounding errs by at most half an ulp (2^-16 below 512, where the result is not
/// saturated), so the two bracket x, and where they round to the same integer no half-integer lies between —
/// that integer is x's rounding, which the double reference computes exactly under fma_exact's conditions.
/// Beyond ±512 both saturate alike. Where they differ (within 2^-12 of a tie: about one lane in 2,000), the
/// 32 outputs go through the double epilogue (store_row_avx2) instead.
__attribute__((target("avx2,fma")))
static void dw_row_rq_avx2(const ck_conv2d_params *P, const float *wf, const float *buf, const int32_t *off,
                           const int32_t *widx, int32_t nt, int32_t j, const ck_qconv_epilogue *e, uint32_t *acc,
                           void *y, ptrdiff_t idx) {
    const __m256 m = _mm256_set1_ps((float)e->multiplier[j]), c0 = _mm256_set1_ps((float)e->c0[j]);
    const __m256 zhi = _mm256_set1_ps((float)e->out_zero + DW_RQ_TOL), zlo = _mm256_set1_ps((float)e->out_zero - DW_RQ_TOL);
    for (int32_t i = 0; i < P->ow; i += 32) {
        __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (int32_t t = 0; t < nt; t++) {
            const __m256 wv = _mm256_set1_ps(wf[widx[t]]);
            const float *s = buf + off[t] + i;
            for (int k = 0; k < 4; k++) a[k] = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8 * k), wv, a[k]);
        }
        dw_rq_store32(a, i, CK_MIN(32, P->ow - i), j, e, m, c0, zhi, zlo, acc, y, idx);
    }
}

/// The taps of output row pairs (2p, 2p + 1) of a plane with unit vertical dilation, once per call: the input
/// rows inside the plane that either row reads, each with its column shifts (offsets as in dw_taps), in three
/// runs — taps both rows use (weight indices w0, w1), then those of row 2p only (w0), then of row 2p + 1 only
/// (w1) — with the runs' lengths in n[3p … 3p + 2].
static void dw_taps2(const ck_conv2d_params *P, int32_t *off, int32_t *w0, int32_t *w1, int32_t *n) {
    const dwgeo g = dw_of(P);
    const int32_t per = (P->kh + P->sh) * P->kw;
    for (int32_t pi = 0; pi < P->oh / 2; pi++) {
        const int32_t top = 2 * pi * P->sh - P->pad_top;   // the first input row of output row 2·pi
        const int32_t lo = CK_MAX(0, top), hi = CK_MIN(P->h - 1, top + P->sh + P->kh - 1);
        int32_t nt = 0;
        for (int pass = 0; pass < 3; pass++) {
            const int32_t start = nt;
            for (int32_t iy = lo; iy <= hi; iy++) {
                const int32_t ky0 = iy - top, ky1 = iy - top - P->sh;
                const int in0 = ky0 < P->kh, in1 = ky1 >= 0;
                if (pass == 0 ? !(in0 && in1) : pass == 1 ? !(in0 && !in1) : !(in1 && !in0)) continue;
                for (int32_t kx = 0; kx < P->kw; kx++) {
                    const int32_t o = kx * P->dw;
                    const ptrdiff_t at = (ptrdiff_t)pi * per + nt++;
                    off[at] = (int32_t)(((ptrdiff_t)(o % P->sw) * P->h + iy) * g.q + o / P->sw);
                    w0[at] = in0 ? ky0 * P->kw + kx : 0;
                    w1[at] = in1 ? ky1 * P->kw + kx : 0;
                }
            }
            n[3 * pi + pass] = nt - start;
        }
    }
}

/// Two output rows at once (dw_taps2): every input vector loaded for a tap both rows use feeds both rows'
/// sums — one load per two multiply-adds, where dw_row_rq_avx2 needs five loads (four inputs, one weight) for
/// four. The sums are the same exact integers, so the results are those of two dw_row_rq_avx2 calls.
__attribute__((target("avx2,fma")))
static void dw_rows2_rq_avx2(const ck_conv2d_params *P, const float *wf, const float *buf, const int32_t *off,
                             const int32_t *w0, const int32_t *w1, const int32_t *n, int32_t j,
                             const ck_qconv_epilogue *e, uint32_t *acc, void *y, ptrdiff_t idx) {
    const __m256 m = _mm256_set1_ps((float)e->multiplier[j]), c0 = _mm256_set1_ps((float)e->c0[j]);
    const __m256 zhi = _mm256_set1_ps((float)e->out_zero + DW_RQ_TOL), zlo = _mm256_set1_ps((float)e->out_zero - DW_RQ_TOL);
    const int32_t both = n[0], only0 = both + n[1], only1 = only0 + n[2];
    for (int32_t i = 0; i < P->ow; i += 32) {
        __m256 a[4], b[4];
        for (int k = 0; k < 4; k++) a[k] = b[k] = _mm256_setzero_ps();
        int32_t t = 0;
        for (; t < both; t++) {
            const __m256 wa = _mm256_set1_ps(wf[w0[t]]), wb = _mm256_set1_ps(wf[w1[t]]);
            const float *s = buf + off[t] + i;
            for (int k = 0; k < 4; k++) {
                const __m256 v = _mm256_loadu_ps(s + 8 * k);
                a[k] = _mm256_fmadd_ps(v, wa, a[k]);
                b[k] = _mm256_fmadd_ps(v, wb, b[k]);
            }
        }
        for (; t < only0; t++) {
            const __m256 wa = _mm256_set1_ps(wf[w0[t]]);
            const float *s = buf + off[t] + i;
            for (int k = 0; k < 4; k++) a[k] = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8 * k), wa, a[k]);
        }
        for (; t < only1; t++) {
            const __m256 wb = _mm256_set1_ps(wf[w1[t]]);
            const float *s = buf + off[t] + i;
            for (int k = 0; k < 4; k++) b[k] = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8 * k), wb, b[k]);
        }
        const int32_t nv = CK_MIN(32, P->ow - i);
        dw_rq_store32(a, i, nv, j, e, m, c0, zhi, zlo, acc, y, idx);
        dw_rq_store32(b, i, nv, j, e, m, c0, zhi, zlo, acc, y, idx + P->ow);
    }
}
#endif

void ck_qdwconv_part(int isa, const ck_conv2d_params *P, const int16_t *w, const ck_qconv_epilogue *e, uint8_t x_xor,
                     int32_t a_zero, const uint8_t *x, void *y, void *workspace, int32_t part, int32_t parts) {
    const int avx = ck_avx2_on(isa);
    const dwgeo g = dw_of(P);
    const int64_t planes = (int64_t)P->n * P->c;
    const int64_t pb = planes * part / parts, pe = planes * (part + 1) / parts;
    int32_t *buf = workspace;
    uint32_t *acc = (uint32_t *)(buf + (size_t)P->sw * P->h * g.q + 48);
    const ptrdiff_t inPlane = (ptrdiff_t)P->h * P->w, outPlane = (ptrdiff_t)P->oh * P->ow;
    const ck_qconv_epilogue ec = call_epilogue(e);
    e = &ec;
    const int32_t taps = P->kh * P->kw;
#if defined(__x86_64__)
    // The float row path (taps ≤ DW_FLOAT_TAPS): tap lists after the outputs (see the workspace size).
    int32_t *toff = (int32_t *)(acc + P->ow + 64), *twidx = toff + (ptrdiff_t)P->oh * taps, *tn = twidx + (ptrdiff_t)P->oh * taps;
    // Tap offsets are int32: planes whose phase rows hold 2^31 values or more keep the int32 row path.
    const int rows_float = avx && taps <= DW_FLOAT_TAPS && (size_t)P->sw * P->h * g.q + 64 < (size_t)INT32_MAX;
    if (rows_float) dw_taps(P, toff, twidx, tn);
    // Requantizing the float sums directly needs the exact-FMA conditions (float32 multipliers ≥ 2^-19, the
    // packs' clamp) and round-to-nearest-even conversions; TFLite's fixed-point epilogue keeps the int32 rows.
    const int rq_float = rows_float && e->multiplier && !e->q_mult && e->packs_clamp && e->fma_exact && e->cvt_rounds_even;
    // Row pairs (dw_rows2_rq_avx2) where consecutive output rows read consecutive input rows.
    // (Taps per pair in int64: a stride read from a file may be huge; such planes keep single rows.)
    const int64_t per64 = ((int64_t)P->kh + P->sh) * P->kw;
    const int32_t per = per64 <= 2 * DW_FLOAT_TAPS ? (int32_t)per64 : 0, pairs = P->oh / 2;
    int32_t *poff = tn + P->oh, *pw0 = poff + (ptrdiff_t)pairs * per, *pw1 = pw0 + (ptrdiff_t)pairs * per;
    int32_t *pn = pw1 + (ptrdiff_t)pairs * per;
    const int rows2 = rq_float && P->dh == 1 && pairs > 0 && per > 0;
    if (rows2) dw_taps2(P, poff, pw0, pw1, pn);
#endif
    for (int64_t pl = pb; pl < pe; pl++) {
        const int32_t ch = (int32_t)(pl % P->c);
        const int16_t *wc = w + (ptrdiff_t)ch * taps;
        const uint8_t *xp = x + pl * inPlane;
#if defined(__x86_64__)
        if (rows_float) {
            dw_plane_avx2(P, x_xor, a_zero, xp, (float *)buf);
            float wf[DW_FLOAT_TAPS];
            for (int32_t t = 0; t < taps; t++) wf[t] = (float)wc[t];
            // The float requantization (dw_row_rq_avx2) where it is exact: |c0| ≤ 2^23 keeps sum + c0 exact.
            const int rq = rq_float && e->c0[ch] >= -(1 << 23) && e->c0[ch] <= (1 << 23);
            int32_t oy = 0;
            if (rq && rows2) {
                for (; oy + 1 < P->oh; oy += 2) {
                    const ptrdiff_t at = (ptrdiff_t)(oy / 2) * per;
                    dw_rows2_rq_avx2(P, wf, (const float *)buf, poff + at, pw0 + at, pw1 + at, pn + 3 * (oy / 2), ch, e,
                                     acc, y, pl * outPlane + (ptrdiff_t)oy * P->ow);
                }
            }
            for (; oy < P->oh; oy++) {
                const ptrdiff_t idx = pl * outPlane + (ptrdiff_t)oy * P->ow;
                const int32_t *to = toff + (ptrdiff_t)oy * taps, *tw = twidx + (ptrdiff_t)oy * taps;
                if (rq) {
                    dw_row_rq_avx2(P, wf, (const float *)buf, to, tw, tn[oy], ch, e, acc, y, idx);
                } else {
                    dw_row_avx2(P, wf, (const float *)buf, to, tw, tn[oy], acc);
                    store_row_avx2(acc, P->ow, ch, e, y, idx);
                }
            }
            continue;
        }
        if (avx) dw_plane_int_avx2(P, wc, x_xor, a_zero, xp, buf, acc);
        else
#endif
            dw_plane_portable(P, wc, x_xor, a_zero, xp, buf, acc);
        for (int32_t oy = 0; oy < P->oh; oy++) {
            const ptrdiff_t idx = pl * outPlane + (ptrdiff_t)oy * P->ow;
#if defined(__x86_64__)
            if (avx) {
                dw_row_int_avx2(P, wc, buf, oy, acc);
                store_row_avx2(acc, P->ow, ch, e, y, idx);
                continue;
            }
#endif
            dw_row_portable(P, wc, buf, oy, acc);
            const uint32_t c0 = (uint32_t)e->c0[ch];
            for (int32_t i = 0; i < P->ow; i++) store_scalar(acc[i] + c0, ch, e, y, idx + i);
        }
    }
}

// ---- TFLite ADD -------------------------------------------------------------------------------

static inline int32_t tfl_add_one(int32_t av, int32_t bv, const ck_tfl_add_params *p) {
    const int32_t sa = ck_multiply_by_quantized_multiplier((int32_t)((uint32_t)(av - p->a_zero) << p->left_shift), p->a_mult, p->a_shift);
    const int32_t sb = ck_multiply_by_quantized_multiplier((int32_t)((uint32_t)(bv - p->b_zero) << p->left_shift), p->b_mult, p->b_shift);
    int32_t r = ck_multiply_by_quantized_multiplier((int32_t)((uint32_t)sa + (uint32_t)sb), p->y_mult, p->y_shift) + p->y_zero;
    return r < p->lo ? p->lo : (r > p->hi ? p->hi : r);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static int64_t tfl_add_avx2(int64_t n, const uint8_t *a, const uint8_t *b, uint8_t *y, const ck_tfl_add_params *p) {
    const __m256i za = _mm256_set1_epi32(p->a_zero), zb = _mm256_set1_epi32(p->b_zero), zero = _mm256_setzero_si256();
    const __m256i mn = _mm256_set1_epi32(INT32_MIN), mx = _mm256_set1_epi32(INT32_MAX);
    const __m256i yz = _mm256_set1_epi32(p->y_zero), lo = _mm256_set1_epi32(p->lo), hi = _mm256_set1_epi32(p->hi);
    const __m128i ls = _mm_cvtsi32_si128(p->left_shift);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i ra = _mm_loadl_epi64((const __m128i *)(a + i)), rb = _mm_loadl_epi64((const __m128i *)(b + i));
        __m256i va = p->a_unsigned ? _mm256_cvtepu8_epi32(ra) : _mm256_cvtepi8_epi32(ra);
        __m256i vb = p->b_unsigned ? _mm256_cvtepu8_epi32(rb) : _mm256_cvtepi8_epi32(rb);
        va = _mm256_sll_epi32(_mm256_sub_epi32(va, za), ls);
        vb = _mm256_sll_epi32(_mm256_sub_epi32(vb, zb), ls);
        const __m256i sa = tfl_rq8(va, p->a_mult, p->a_shift, 0, zero, mn, mx);
        const __m256i sb = tfl_rq8(vb, p->b_mult, p->b_shift, 0, zero, mn, mx);
        const __m256i r = tfl_rq8(_mm256_add_epi32(sa, sb), p->y_mult, p->y_shift, 0, yz, lo, hi);
        const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
        _mm_storel_epi64((__m128i *)(y + i), p->y_unsigned ? _mm_packus_epi16(w, w) : _mm_packs_epi16(w, w));
    }
    return i;
}
#endif

void ck_tfl_add(int isa, int64_t n, const uint8_t *a, const uint8_t *b, uint8_t *y, const ck_tfl_add_params *p) {
    int64_t i = 0;
#if defined(__x86_64__)
    if (ck_avx2_on(isa)) i = tfl_add_avx2(n, a, b, y, p);
#else
    (void)isa;
#endif
    for (; i < n; i++) {
        const int32_t av = p->a_unsigned ? (int32_t)a[i] : (int32_t)(int8_t)a[i];
        const int32_t bv = p->b_unsigned ? (int32_t)b[i] : (int32_t)(int8_t)b[i];
        y[i] = (uint8_t)tfl_add_one(av, bv, p);
    }
}

// ---- layout -----------------------------------------------------------------------------------

void ck_transpose_u8(int64_t rows, int64_t cols, const uint8_t *src, uint8_t *dst) {
    if (rows == 1 || cols == 1) {
        memcpy(dst, src, (size_t)(rows * cols));
        return;
    }
    enum { B = 32 };
    for (int64_t r0 = 0; r0 < rows; r0 += B)
        for (int64_t c0 = 0; c0 < cols; c0 += B) {
            const int64_t r1 = CK_MIN(rows, r0 + B), c1 = CK_MIN(cols, c0 + B);
            for (int64_t c = c0; c < c1; c++)
                for (int64_t r = r0; r < r1; r++) dst[c * rows + r] = src[r * cols + c];
        }
}
