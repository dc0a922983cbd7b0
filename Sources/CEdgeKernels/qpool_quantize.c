// Quantized global average pooling of table values, summed by pieces (see ck_qlookup.h).
#include <math.h>
#include <string.h>
#include "ck_cpu.h"
#include "ck_qlookup.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Round to nearest, ties to even (the default rounding mode), as nearbyint does, without the library call:
/// below 2^52 adding and removing 2^52 leaves the nearest integer.
static inline double round_even(double x) {
    const double a = fabs(x);
    return a >= 0x1p52 ? x : copysign((a + 0x1p52) - 0x1p52, x);
}

/// QuantizeLinear of the pool's float32 mean (sum / size, ck_lookup_gap_f32's division), by ck_quantize_f32
/// itself: the byte it stores (int8 codes as their byte; comparing bytes compares codes).
static inline uint8_t quantize_mean(float sum, float fsize, float scale, int32_t zero, int32_t lo, int32_t hi,
                                    int32_t out_unsigned) {
    const float mean = sum / fsize;
    uint8_t b;
    ck_quantize_f32(&mean, 1, scale, zero, lo, hi, out_unsigned, &b);
    return b;
}

/// The largest float at most d, and the least float at least d (d finite). Without branches: the
/// comparison goes either way about half the time.
static inline float float_down(double d) {
    float f = (float)d;
    int32_t b;
    memcpy(&b, &f, 4);
    // One step toward −∞ in the float's bit order: down for positive, up for negative, ±0 → −denormal_min.
    const int32_t stepped = f == 0 ? (int32_t)0x80000001u : b + (b < 0 ? 1 : -1);
    b = (double)f > d ? stepped : b;
    memcpy(&f, &b, 4);
    return f;
}
static inline float float_up(double d) { return -float_down(-d); }

/// Per piece: how many codes fall in it, and the sums of t = w − lo and of t² over them.
typedef struct {
    int64_t n, t1, t2;
} piece_sums;

static void piece_sums_scalar(const uint8_t *x, int32_t size, uint8_t flip, const ck_table_piece *pc, piece_sums *r) {
    for (int32_t k = 0; k < size; k++) {
        const int32_t w = x[k] ^ flip;
        if (w < pc->lo || w > pc->hi) continue;
        const int64_t t = w - pc->lo;
        r->n++;
        r->t1 += t;
        r->t2 += t * t;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2"), always_inline)) static inline int64_t sum_u64x4(__m256i v) {
    const __m128i h = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return _mm_cvtsi128_si64(_mm_add_epi64(h, _mm_unpackhi_epi64(h, h)));
}

/// piece_sums_scalar for NP pieces (fixed at compile time) in one pass over the first multiple of 32 codes;
/// returns how many codes it took. For each piece d = w − lo (bytes, wrapping) is below hi − lo + 1 exactly
/// for the piece's codes (vpminub, vpcmpeqb), and is then t: counts and Σt by vpsadbw (the mask's 0xFF
/// counts 255), Σt² by vpmaddwd on t widened to 16 bits. The int32 Σt² lanes gain at most 4·255² a
/// step, so they hold size/32 · 260,100 < 2^31 for size ≤ CK_POOL_PIECES_MAX_SIZE.
__attribute__((target("avx2"), always_inline))
static inline int32_t pieces_avx2_body(const uint8_t *x, int32_t size, uint8_t flip, const ck_table_piece *const *pc,
                                       piece_sums *r, const int NP) {
    const __m256i vflip = _mm256_set1_epi8((char)flip), zero = _mm256_setzero_si256();
    __m256i lo[4], span[4], cnt[4], s1[4], s2[4];
    for (int i = 0; i < NP; i++) {
        lo[i] = _mm256_set1_epi8((char)pc[i]->lo);
        span[i] = _mm256_set1_epi8((char)(pc[i]->hi - pc[i]->lo));
        cnt[i] = s1[i] = s2[i] = zero;
    }
    int32_t k = 0;
    for (; k + 32 <= size; k += 32) {
        const __m256i w = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + k)), vflip);
        _Pragma("clang loop unroll(full)") for (int i = 0; i < NP; i++) {
            const __m256i d = _mm256_sub_epi8(w, lo[i]);
            const __m256i m = _mm256_cmpeq_epi8(_mm256_min_epu8(d, span[i]), d);
            const __m256i t = _mm256_and_si256(m, d);
            cnt[i] = _mm256_add_epi64(cnt[i], _mm256_sad_epu8(m, zero));
            s1[i] = _mm256_add_epi64(s1[i], _mm256_sad_epu8(t, zero));
            if (pc[i]->degree == 2) {  // the same way every step: predicted
                const __m256i a = _mm256_unpacklo_epi8(t, zero), b = _mm256_unpackhi_epi8(t, zero);
                s2[i] = _mm256_add_epi32(s2[i], _mm256_add_epi32(_mm256_madd_epi16(a, a), _mm256_madd_epi16(b, b)));
            }
        }
    }
    for (int i = 0; i < NP; i++) {
        r[i].n = sum_u64x4(cnt[i]) / 255;
        r[i].t1 = sum_u64x4(s1[i]);
        const __m256i w64 = _mm256_add_epi64(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(s2[i])),
                                             _mm256_cvtepu32_epi64(_mm256_extracti128_si256(s2[i], 1)));
        r[i].t2 = sum_u64x4(w64);
    }
    return k;
}

__attribute__((target("avx2")))
static int32_t pieces_avx2(const uint8_t *x, int32_t size, uint8_t flip, const ck_table_piece *const *pc, int32_t np,
                           piece_sums *r) {
    switch (np) {
    case 1: return pieces_avx2_body(x, size, flip, pc, r, 1);
    case 2: return pieces_avx2_body(x, size, flip, pc, r, 2);
    case 3: return pieces_avx2_body(x, size, flip, pc, r, 3);
    default: return pieces_avx2_body(x, size, flip, pc, r, 4);
    }
}
#endif

/// The plane's exact Σ table within ± *err, from the pieces' integer sums (`active`: the pieces that are not all
/// ±0, at most 4), widened by the ordered float sum's own error: the float sum lies within the result.
static double plane_sum(const uint8_t *x, int32_t size, uint8_t flip, const ck_table_piece *const *active, int32_t na,
                        int avx2, double gamma, double *err) {
    const double dbl = 0x1p-53;
    piece_sums r[4] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    int32_t k = 0;
#if defined(__x86_64__)
    if (avx2 && na > 0) k = pieces_avx2(x, size, flip, active, na, r);
#else
    (void)avx2;
#endif
    double sum = 0, spread = 0, absum = 0, terms = 0;
    for (int32_t i = 0; i < na; i++) {
        const ck_table_piece *pc = active[i];
        if (k < size) piece_sums_scalar(x + k, size - k, flip, pc, &r[i]);
        // Σt < 2^26 and Σt² < 2^34 for size ≤ CK_POOL_PIECES_MAX_SIZE: exact in double.
        const double n = (double)r[i].n, t1 = (double)r[i].t1, t2 = (double)r[i].t2;
        const double piece = pc->a * n + pc->b * t1 + pc->c * t2;
        sum += piece;
        spread += n * pc->eps;
        terms += fabs(pc->a) * n + fabs(pc->b) * t1 + fabs(pc->c) * t2;
        absum += pc->same_sign ? fabs(piece) + n * pc->eps : n * pc->mag;
    }
    // |ordered float32 sum − Σ table| ≤ γ·Σ|table|; |Σ table − sum| ≤ spread + the double evaluation's
    // rounding, bounded generously.
    const double e = spread + 16 * dbl * (terms + absum) + gamma * (absum + spread);
    *err = e * (1 + 0x1p-30) + 0x1p-50 * fabs(sum);
    return sum;
}

/// Planes per block: their brackets are worked out first, then mapped to codes, so that the short dependent
/// chains of one plane (sums, bracket, two divisions) overlap with the next plane's instead of waiting.
enum { POOL_BLOCK = 32 };

int32_t ck_lookup_gap_quantize(const uint8_t *x, int32_t planes, int32_t size, const float *table, uint8_t flip,
                               const ck_table_piece *pieces, int32_t npieces, float scale, int32_t zero, int32_t lo,
                               int32_t hi, int32_t out_unsigned, uint8_t *y) {
    const float fsize = (float)size;
    const double z = zero, l = lo, h = hi, inv = 1 / ((double)fsize * (double)scale);
    const int avx2 = ck_isa_selected() >= CK_ISA_AVX2;
    // Pieces cannot settle a plane when none are given, when the plane is too large for the int32 lanes, or
    // when the scale leaves the code not monotone in the sum.
    const ck_table_piece *active[4];
    int32_t na = 0, fits = npieces > 0;
    for (int32_t i = 0; i < npieces && fits; i++) {
        if (pieces[i].degree < 0) continue;  // entries all ±0: nothing to add, no error
        if (na == 4) fits = 0;
        else active[na++] = &pieces[i];
    }
    const int by_pieces = fits && size > 0 && size <= CK_POOL_PIECES_MAX_SIZE && scale > 0 && isfinite(scale);
    // Recursive summation of size terms: size − 1 roundings, each within u = 2^-24 of its result, so the
    // ordered float32 sum is within γ(size − 1)·Σ|terms| of the exact one.
    const double um = (double)(size - 1) * 0x1p-24, gamma = um / (1 - um);
    int32_t ordered = 0;
    for (int32_t p0 = 0; p0 < planes; p0 += POOL_BLOCK) {
        const int32_t np = planes - p0 < POOL_BLOCK ? planes - p0 : POOL_BLOCK;
        const uint8_t *xb = x + (size_t)p0 * (size_t)size;
        uint8_t *yb = y + p0;
        int settled[POOL_BLOCK];
        if (by_pieces) {
            double sum[POOL_BLOCK], err[POOL_BLOCK];
            for (int32_t j = 0; j < np; j++) sum[j] = plane_sum(xb + (size_t)j * (size_t)size, size, flip, active, na, avx2, gamma, &err[j]);
            for (int32_t j = 0; j < np; j++) {
                // Mostly the code is plain from the bracket's middle: c = sum / (size · scale) in double is
                // within err/(size · scale) plus the two float divisions' rounding (2^-23·|c|) of the float
                // quotient the quantization rounds, so if c is farther than that from a half-integer, both
                // ends round as c does (and then the zero point and the clamp, as ck_quantize_f32 adds them).
                // Otherwise both ends go through the quantization itself.
                const double c = sum[j] * inv, r = round_even(c);
                const double w = err[j] * inv + 0x1p-21 * fabs(c);
                if (0.5 - fabs(c - r) > w) {
                    const double v = r + z;
                    yb[j] = (uint8_t)(int32_t)(v < l ? l : (v > h ? h : v));
                    settled[j] = 1;
                } else {
                    yb[j] = quantize_mean(float_down(sum[j] - err[j]), fsize, scale, zero, lo, hi, out_unsigned);
                    settled[j] = yb[j] == quantize_mean(float_up(sum[j] + err[j]), fsize, scale, zero, lo, hi, out_unsigned);
                }
            }
        } else {
            for (int32_t j = 0; j < np; j++) settled[j] = 0;
        }
        // The rest: the float kernel's means (sums in element order), eight planes at once where all are needed.
        for (int32_t j = 0; j < np; j++) {
            if (settled[j]) continue;
            float means[8];
            const int32_t run = !by_pieces && j + 8 <= np ? 8 : 1;
            ck_lookup_gap_f32(xb + (size_t)j * (size_t)size, run, size, table, means);
            ck_quantize_f32(means, (size_t)run, scale, zero, lo, hi, out_unsigned, yb + j);
            ordered += run;
            j += run - 1;
        }
    }
    return ordered;
}
