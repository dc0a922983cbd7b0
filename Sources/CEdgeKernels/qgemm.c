#include "ck_qgemm.h"
#include "internal/ck_internal.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Packed B layouts (NR columns per panel, zero-padded):
//   portable   NR 8:  [panel][k][8] int8
//   avx2       NR 16: [panel][k/2][16][2] int16 (k pairs for vpmaddwd)
//   avxvnni    NR 16: [panel][k/4][16][4] int8, then 16-aligned col sums (int32, padded n)
//   avx512vnni NR 32: [panel][k/4][32][4] int8, then col sums
// A is packed per row tile into the workspace: avx2 as int16 pairs in int32 [k/2][MR], VNNI as
// 4 unsigned bytes (a ^ 0x80 ^ a_xor) in int32 [k/4][MR].

typedef enum { Q_PORTABLE, Q_AVX2, Q_AVXVNNI, Q_AVX512VNNI } qkind;

static qkind qkind_for(int isa) {
    if (isa >= CK_ISA_AVX512VNNI && ck_isa_supported(CK_ISA_AVX512VNNI)) return Q_AVX512VNNI;
    if (isa >= CK_ISA_AVXVNNI && ck_isa_supported(CK_ISA_AVXVNNI)) return Q_AVXVNNI;
    if (isa >= CK_ISA_AVX2) return Q_AVX2;
    return Q_PORTABLE;
}

static void tile_of(qkind q, int *mr, int *nr) {
    switch (q) {
    case Q_AVX512VNNI: *mr = 8; *nr = 32; return;
    case Q_AVXVNNI: *mr = 6; *nr = 16; return;
    case Q_AVX2: *mr = 6; *nr = 16; return;
    default: *mr = 4; *nr = 8; return;
    }
}

void ck_qgemm_tile(int isa, int32_t *mr, int32_t *nr) {
    int a, b;
    tile_of(qkind_for(isa), &a, &b);
    *mr = a;
    *nr = b;
}

static int32_t round_up(int32_t v, int32_t m) { return (v + m - 1) / m * m; }

size_t ck_qgemm_packed_b_size(int isa, int32_t k, int32_t n) {
    qkind q = qkind_for(isa);
    int mr, nr;
    tile_of(q, &mr, &nr);
    size_t np = (size_t)round_up(n, nr);
    switch (q) {
    case Q_AVX2: return np * (size_t)round_up(k, 2) * 2;
    case Q_AVXVNNI:
    case Q_AVX512VNNI: return np * (size_t)round_up(k, 4) + np * 4 + 64;
    default: return np * (size_t)k;
    }
}

void ck_qgemm_pack_b(int isa, int32_t k, int32_t n, const int8_t *b, ptrdiff_t rs, ptrdiff_t cs, void *dst,
                     int32_t *col_sums) {
    qkind q = qkind_for(isa);
    int mr, nr;
    tile_of(q, &mr, &nr);
    int32_t np = round_up(n, nr);
#define BV(p, j) ((j) < n && (p) < k ? (int32_t)b[(p) * rs + (j) * cs] : 0)
    if (col_sums)
        for (int32_t j = 0; j < n; j++) {
            int32_t s = 0;
            for (int32_t p = 0; p < k; p++) s += BV(p, j);
            col_sums[j] = s;
        }
    switch (q) {
    case Q_AVX2: {
        int16_t *d = dst;
        int32_t kp = round_up(k, 2) / 2;
        for (int32_t j0 = 0; j0 < np; j0 += nr)
            for (int32_t p = 0; p < kp; p++)
                for (int j = 0; j < nr; j++) {
                    *d++ = (int16_t)BV(2 * p, j0 + j);
                    *d++ = (int16_t)BV(2 * p + 1, j0 + j);
                }
        break;
    }
    case Q_AVXVNNI:
    case Q_AVX512VNNI: {
        int8_t *d = dst;
        int32_t kq = round_up(k, 4) / 4;
        for (int32_t j0 = 0; j0 < np; j0 += nr)
            for (int32_t p = 0; p < kq; p++)
                for (int j = 0; j < nr; j++)
                    for (int t = 0; t < 4; t++) *d++ = (int8_t)BV(4 * p + t, j0 + j);
        // Column sums after the panels, 64-byte aligned, for the +128 correction.
        size_t off = (size_t)np * (size_t)kq * 4;
        off = (off + 63) / 64 * 64;
        int32_t *sums = (int32_t *)((char *)dst + off);
        for (int32_t j = 0; j < np; j++) {
            int32_t s = 0;
            for (int32_t p = 0; p < k; p++) s += BV(p, j);
            sums[j] = s;
        }
        break;
    }
    default: {
        int8_t *d = dst;
        for (int32_t j0 = 0; j0 < np; j0 += nr)
            for (int32_t p = 0; p < k; p++)
                for (int j = 0; j < nr; j++) *d++ = (int8_t)BV(p, j0 + j);
        break;
    }
    }
#undef BV
}

size_t ck_qgemm_workspace_size(int isa, int32_t k) {
    int mr, nr;
    tile_of(qkind_for(isa), &mr, &nr);
    return (size_t)mr * (size_t)(round_up(k, 4) + 4) * 4 + (size_t)mr * nr * 4 + 128;
}

/// Stores an MR×NR int32 tile (ld nr) into C, only the valid part.
static void store_tile(const int32_t *t, int nr, int32_t *c, ptrdiff_t ldc, int mv, int nv) {
    for (int i = 0; i < mv; i++)
        for (int j = 0; j < nv; j++) c[i * ldc + j] = t[i * nr + j];
}

// ---- portable ------------------------------------------------------------------------------
static void qgemm_portable(int32_t m, int32_t n, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t ax, const int8_t *pb,
                           int32_t *c, ptrdiff_t ldc) {
    enum { MR = 4, NR = 8 };
    for (int32_t i0 = 0; i0 < m; i0 += MR) {
        int mv = CK_MIN(MR, m - i0);
        for (int32_t j0 = 0; j0 < n; j0 += NR) {
            int nv = CK_MIN(NR, n - j0);
            const int8_t *bp = pb + (size_t)(j0 / NR) * k * NR;
            int32_t acc[MR][NR];
            memset(acc, 0, sizeof acc);
            for (int i = 0; i < mv; i++) {
                const int8_t *ar = a + (i0 + i) * lda;
                for (int32_t p = 0; p < k; p++) {
                    int32_t av = (int8_t)((uint8_t)ar[p] ^ ax);
                    for (int j = 0; j < NR; j++) acc[i][j] += av * bp[p * NR + j];
                }
            }
            store_tile(&acc[0][0], NR, c + i0 * ldc + j0, ldc, mv, nv);
        }
    }
}

#if defined(__x86_64__)
// ---- AVX2: int16 pairs, vpmaddwd -------------------------------------------------------------
__attribute__((target("avx2,fma")))
static void qgemm_avx2(int32_t m, int32_t n, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t ax, const int16_t *pb,
                       int32_t *c, ptrdiff_t ldc, int32_t *ws) {
    enum { MR = 6, NR = 16 };
    int32_t kp = (k + 1) / 2;
    int32_t *apk = ws;                          // [kp][MR] pairs
    int32_t *tmp = ws + (size_t)kp * MR + 16;   // MR×NR tile
    for (int32_t i0 = 0; i0 < m; i0 += MR) {
        int mv = CK_MIN(MR, m - i0);
        for (int32_t p = 0; p < kp; p++)
            for (int i = 0; i < MR; i++) {
                int32_t lo = 0, hi = 0;
                if (i < mv) {
                    const int8_t *ar = a + (i0 + i) * lda;
                    lo = (int8_t)((uint8_t)ar[2 * p] ^ ax);
                    hi = 2 * p + 1 < k ? (int8_t)((uint8_t)ar[2 * p + 1] ^ ax) : 0;
                }
                apk[p * MR + i] = (int32_t)((uint32_t)(uint16_t)(int16_t)lo | ((uint32_t)(uint16_t)(int16_t)hi << 16));
            }
        for (int32_t j0 = 0; j0 < n; j0 += NR) {
            int nv = CK_MIN(NR, n - j0);
            const int16_t *bp = pb + (size_t)(j0 / NR) * kp * NR * 2;
            __m256i acc[MR][2];
            for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
            const int32_t *ap = apk;
            for (int32_t p = 0; p < kp; p++) {
                __m256i b0 = _mm256_loadu_si256((const __m256i *)bp), b1 = _mm256_loadu_si256((const __m256i *)(bp + 16));
                for (int i = 0; i < MR; i++) {
                    __m256i av = _mm256_set1_epi32(ap[i]);
                    acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(av, b0));
                    acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(av, b1));
                }
                ap += MR;
                bp += 32;
            }
            int32_t *dst = c + i0 * ldc + j0;
            if (mv == MR && nv == NR) {
                for (int i = 0; i < MR; i++) {
                    _mm256_storeu_si256((__m256i *)(dst + i * ldc), acc[i][0]);
                    _mm256_storeu_si256((__m256i *)(dst + i * ldc + 8), acc[i][1]);
                }
            } else {
                for (int i = 0; i < MR; i++) {
                    _mm256_storeu_si256((__m256i *)(tmp + i * NR), acc[i][0]);
                    _mm256_storeu_si256((__m256i *)(tmp + i * NR + 8), acc[i][1]);
                }
                store_tile(tmp, NR, dst, ldc, mv, nv);
            }
        }
    }
}

/// Packs A rows i0..i0+MR into 4-byte unsigned groups (a ^ ax ^ 0x80), zero beyond k and mv.
static void pack_a_u8x4(const int8_t *a, ptrdiff_t lda, uint8_t ax, int32_t i0, int mv, int mr, int32_t k, uint8_t *dst) {
    int32_t kq = (k + 3) / 4;
    for (int32_t p = 0; p < kq; p++)
        for (int i = 0; i < mr; i++)
            for (int t = 0; t < 4; t++) {
                int32_t kk = 4 * p + t;
                *dst++ = i < mv && kk < k ? (uint8_t)((uint8_t)a[(i0 + i) * lda + kk] ^ ax ^ 0x80) : 0;
            }
}

// ---- AVX-VNNI (256-bit) ----------------------------------------------------------------------
__attribute__((target("avx2,fma,avxvnni")))
static void qgemm_avxvnni(int32_t m, int32_t n, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t ax, const int8_t *pb,
                          const int32_t *sums, int32_t *c, ptrdiff_t ldc, int32_t *ws) {
    enum { MR = 6, NR = 16 };
    int32_t kq = (k + 3) / 4;
    int32_t *apk = ws;
    int32_t *tmp = ws + (size_t)kq * MR + 16;
    for (int32_t i0 = 0; i0 < m; i0 += MR) {
        int mv = CK_MIN(MR, m - i0);
        pack_a_u8x4(a, lda, ax, i0, mv, MR, k, (uint8_t *)apk);
        for (int32_t j0 = 0; j0 < n; j0 += NR) {
            int nv = CK_MIN(NR, n - j0);
            const int8_t *bp = pb + (size_t)(j0 / NR) * kq * NR * 4;
            __m256i acc[MR][2];
            for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
            const int32_t *ap = apk;
            for (int32_t p = 0; p < kq; p++) {
                __m256i b0 = _mm256_loadu_si256((const __m256i *)bp), b1 = _mm256_loadu_si256((const __m256i *)(bp + 32));
                for (int i = 0; i < MR; i++) {
                    __m256i av = _mm256_set1_epi32(ap[i]);
                    acc[i][0] = _mm256_dpbusd_avx_epi32(acc[i][0], av, b0);
                    acc[i][1] = _mm256_dpbusd_avx_epi32(acc[i][1], av, b1);
                }
                ap += MR;
                bp += 64;
            }
            __m256i s0 = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(sums + j0)), 7);
            __m256i s1 = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(sums + j0 + 8)), 7);
            for (int i = 0; i < MR; i++) {
                _mm256_storeu_si256((__m256i *)(tmp + i * NR), _mm256_sub_epi32(acc[i][0], s0));
                _mm256_storeu_si256((__m256i *)(tmp + i * NR + 8), _mm256_sub_epi32(acc[i][1], s1));
            }
            store_tile(tmp, NR, c + i0 * ldc + j0, ldc, mv, nv);
        }
    }
}

// ---- AVX-512 VNNI ----------------------------------------------------------------------------
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))
static void qgemm_avx512vnni(int32_t m, int32_t n, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t ax, const int8_t *pb,
                             const int32_t *sums, int32_t *c, ptrdiff_t ldc, int32_t *ws) {
    enum { MR = 8, NR = 32 };
    int32_t kq = (k + 3) / 4;
    int32_t *apk = ws;
    int32_t *tmp = ws + (size_t)kq * MR + 16;
    for (int32_t i0 = 0; i0 < m; i0 += MR) {
        int mv = CK_MIN(MR, m - i0);
        pack_a_u8x4(a, lda, ax, i0, mv, MR, k, (uint8_t *)apk);
        for (int32_t j0 = 0; j0 < n; j0 += NR) {
            int nv = CK_MIN(NR, n - j0);
            const int8_t *bp = pb + (size_t)(j0 / NR) * kq * NR * 4;
            __m512i acc[MR][2];
            for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_si512();
            const int32_t *ap = apk;
            for (int32_t p = 0; p < kq; p++) {
                __m512i b0 = _mm512_loadu_si512((const void *)bp), b1 = _mm512_loadu_si512((const void *)(bp + 64));
                for (int i = 0; i < MR; i++) {
                    __m512i av = _mm512_set1_epi32(ap[i]);
                    acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], av, b0);
                    acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], av, b1);
                }
                ap += MR;
                bp += 128;
            }
            __m512i s0 = _mm512_slli_epi32(_mm512_loadu_si512((const void *)(sums + j0)), 7);
            __m512i s1 = _mm512_slli_epi32(_mm512_loadu_si512((const void *)(sums + j0 + 16)), 7);
            for (int i = 0; i < MR; i++) {
                _mm512_storeu_si512((void *)(tmp + i * NR), _mm512_sub_epi32(acc[i][0], s0));
                _mm512_storeu_si512((void *)(tmp + i * NR + 16), _mm512_sub_epi32(acc[i][1], s1));
            }
            store_tile(tmp, NR, c + i0 * ldc + j0, ldc, mv, nv);
        }
    }
}
#endif

void ck_qgemm(int isa, int32_t m, int32_t n, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t a_xor,
              const void *packed_b, int32_t *c, ptrdiff_t ldc, void *workspace) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (int32_t i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(int32_t));
        return;
    }
    qkind q = qkind_for(isa);
    int32_t *ws = (int32_t *)(((uintptr_t)workspace + 63) & ~(uintptr_t)63);
    switch (q) {
#if defined(__x86_64__)
    case Q_AVX512VNNI:
    case Q_AVXVNNI: {
        int mr, nr;
        tile_of(q, &mr, &nr);
        int32_t np = round_up(n, nr);
        size_t off = (size_t)np * (size_t)(round_up(k, 4) / 4) * 4;
        off = (off + 63) / 64 * 64;
        const int32_t *sums = (const int32_t *)((const char *)packed_b + off);
        if (q == Q_AVX512VNNI) qgemm_avx512vnni(m, n, k, a, lda, a_xor, packed_b, sums, c, ldc, ws);
        else qgemm_avxvnni(m, n, k, a, lda, a_xor, packed_b, sums, c, ldc, ws);
        return;
    }
    case Q_AVX2: qgemm_avx2(m, n, k, a, lda, a_xor, packed_b, c, ldc, ws); return;
#endif
    default: qgemm_portable(m, n, k, a, lda, a_xor, packed_b, c, ldc); return;
    }
}

void ck_qrow_sums(int32_t m, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t a_xor, int32_t *row_sums) {
    for (int32_t i = 0; i < m; i++) {
        int32_t s = 0;
        for (int32_t p = 0; p < k; p++) s += (int8_t)((uint8_t)a[i * lda + p] ^ a_xor);
        row_sums[i] = s;
    }
}

// ---- requantization ----------------------------------------------------------------------------

static inline int32_t srdhm(int32_t a, int32_t b) {
    // SaturatingRoundingDoublingHighMul (gemmlowp): the high 32 bits of 2·a·b, rounded half away from zero.
    if (a == b && a == INT32_MIN) return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
    return (int32_t)((ab + nudge) / (1ll << 31));  // C division truncates toward zero, as gemmlowp's does
}

static inline int32_t rdbpot(int32_t x, int exponent) {
    // RoundingDivideByPOT (gemmlowp): x / 2^exponent rounded to nearest, ties away from zero.
    int32_t mask = (int32_t)((1ll << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t ck_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    // TFLite computes x · 2^left in int32; wrap the same way instead of invoking undefined behaviour.
    int32_t shifted = (int32_t)((uint32_t)x << left);
    return rdbpot(srdhm(shifted, multiplier), right);
}

void ck_requantize(int isa, int32_t m, int32_t n, const int32_t *acc, ptrdiff_t ld_acc, const int32_t *row_sums,
                   const ck_requant_params *p, void *out, ptrdiff_t ldo) {
    (void)isa;
    for (int32_t i = 0; i < m; i++) {
        int32_t rs = row_sums ? row_sums[i] : 0;
        for (int32_t j = 0; j < n; j++) {
            int32_t q = p->quant_per_channel ? j : 0;
            int32_t zb = p->b_zero ? p->b_zero[p->b_zero_per_channel ? j : 0] : 0;
            // Zero-point terms in wrapping 32-bit arithmetic, as the int32 accumulators of the reference are.
            uint32_t v = (uint32_t)acc[i * ld_acc + j];
            if (p->bias) v += (uint32_t)p->bias[j];
            if (p->col_sums) v -= (uint32_t)p->a_zero * (uint32_t)p->col_sums[j];
            if (zb) v -= (uint32_t)zb * (uint32_t)rs - (uint32_t)p->k * (uint32_t)p->a_zero * (uint32_t)zb;
            int32_t r = ck_multiply_by_quantized_multiplier((int32_t)v, p->multiplier[q], p->shift[q]) + p->out_zero;
            r = r < p->act_min ? p->act_min : (r > p->act_max ? p->act_max : r);
            if (p->out_unsigned) ((uint8_t *)out)[i * ldo + j] = (uint8_t)r;
            else ((int8_t *)out)[i * ldo + j] = (int8_t)r;
        }
    }
}
