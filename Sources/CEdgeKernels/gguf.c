#include "ck_gguf.h"
#include "internal/ck_internal.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

float ck_fp16_to_fp32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0) {
        float f = (float)mant * (1.0f / 16777216.0f);  // subnormal (or zero): mant · 2^-24
        return sign ? -f : f;
    }
    if (exp == 31) bits = sign | 0x7f800000u | (mant << 13);
    else bits = sign | ((exp + 112) << 23) | (mant << 13);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t ck_fp32_to_fp16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) return sign | (ax > 0x7f800000u ? 0x7e00 : 0x7c00);
    if (ax >= 0x477ff000u) return sign | 0x7c00;  // ≥ 65520 rounds to infinity
    if (ax < 0x38800000u) {                        // below 2^-14: a multiple of 2^-24, round half to even
        float af;
        memcpy(&af, &ax, 4);
        return sign | (uint16_t)lrintf(af * 16777216.0f);
    }
    uint32_t r = ax + 0xfffu + ((ax >> 13) & 1u);  // round to nearest even at bit 13
    return sign | (uint16_t)((r - 0x38000000u) >> 13);
}

static inline float half_at(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return ck_fp16_to_fp32(h);
}

int32_t ck_gguf_block_values(int t) {
    switch (t) {
    case CK_GGUF_Q4_0: case CK_GGUF_Q4_1: case CK_GGUF_Q8_0: return 32;
    case CK_GGUF_Q4_K: case CK_GGUF_Q6_K: return 256;
    default: return 0;
    }
}

int32_t ck_gguf_block_bytes(int t) {
    switch (t) {
    case CK_GGUF_Q4_0: return 18;
    case CK_GGUF_Q4_1: return 20;
    case CK_GGUF_Q8_0: return 34;
    case CK_GGUF_Q4_K: return 144;
    case CK_GGUF_Q6_K: return 210;
    default: return 0;
    }
}

// Activation blocks: Q8_0 {fp16 d; int8 q[32]} 34 B; Q8_1 {fp16 d; fp16 s; int8 q[32]} 36 B;
// Q8_K {float d; int8 q[256]; int16 bsums[16]} 292 B.
enum { A8_0 = 34, A8_1 = 36, A8_K = 292 };

static int act_kind(int t) {
    switch (t) {
    case CK_GGUF_Q4_0: case CK_GGUF_Q8_0: return 0;
    case CK_GGUF_Q4_1: return 1;
    default: return 2;
    }
}

size_t ck_gguf_act_size(int t, int32_t n) {
    switch (act_kind(t)) {
    case 0: return (size_t)(n / 32) * A8_0;
    case 1: return (size_t)(n / 32) * A8_1;
    default: return (size_t)(n / 256) * A8_K;
    }
}

void ck_gguf_quantize_act(int t, const float *x, int32_t n, void *dst) {
    uint8_t *o = dst;
    int kind = act_kind(t);
    if (kind == 2) {
        for (int32_t b = 0; b < n / 256; b++, x += 256, o += A8_K) {
            float amax = 0, max = 0;
            for (int i = 0; i < 256; i++)
                if (fabsf(x[i]) > amax) { amax = fabsf(x[i]); max = x[i]; }
            int8_t *q = (int8_t *)(o + 4);
            int16_t bsums[16];
            float d = 0;
            if (amax == 0) {
                memset(q, 0, 256);
                memset(bsums, 0, sizeof bsums);
            } else {
                // The value of largest magnitude maps to −127 (Q8_K's convention), so d may be negative.
                float iscale = -127.0f / max;
                for (int i = 0; i < 256; i++) {
                    long v = lrintf(iscale * x[i]);
                    q[i] = (int8_t)(v > 127 ? 127 : (v < -128 ? -128 : v));
                }
                for (int j = 0; j < 16; j++) {
                    int s = 0;
                    for (int i = 0; i < 16; i++) s += q[16 * j + i];
                    bsums[j] = (int16_t)s;
                }
                d = 1 / iscale;
            }
            memcpy(o, &d, 4);
            memcpy(o + 4 + 256, bsums, sizeof bsums);
        }
        return;
    }
    int size = kind == 0 ? A8_0 : A8_1, qoff = kind == 0 ? 2 : 4;
    for (int32_t b = 0; b < n / 32; b++, x += 32, o += size) {
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = fmaxf(amax, fabsf(x[i]));
        float d = amax / 127, id = d != 0 ? 1 / d : 0;
        int8_t *q = (int8_t *)(o + qoff);
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            q[i] = (int8_t)roundf(x[i] * id);
            sum += q[i];
        }
        uint16_t hd = ck_fp32_to_fp16(d);
        memcpy(o, &hd, 2);
        if (kind == 1) {
            uint16_t hs = ck_fp32_to_fp16((float)sum * d);
            memcpy(o + 2, &hs, 2);
        }
    }
}

static inline void scale_min_k4(int j, const uint8_t *q, int *d, int *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// Dot bodies, always inlined into per-ISA wrappers so the integer loops vectorize for that target.

static inline __attribute__((always_inline)) float dot_q8_0(int32_t n, const uint8_t *w, const uint8_t *a) {
    float sum = 0;
    for (int32_t b = 0; b < n / 32; b++, w += 34, a += A8_0) {
        const int8_t *qw = (const int8_t *)(w + 2), *qa = (const int8_t *)(a + 2);
        int32_t s = 0;
        for (int i = 0; i < 32; i++) s += (int32_t)qw[i] * qa[i];
        sum += half_at(w) * half_at(a) * (float)s;
    }
    return sum;
}

static inline __attribute__((always_inline)) float dot_q4_0(int32_t n, const uint8_t *w, const uint8_t *a) {
    float sum = 0;
    for (int32_t b = 0; b < n / 32; b++, w += 18, a += A8_0) {
        const uint8_t *qw = w + 2;
        const int8_t *qa = (const int8_t *)(a + 2);
        int32_t s = 0;
        for (int i = 0; i < 16; i++) s += ((qw[i] & 0xF) - 8) * qa[i] + ((qw[i] >> 4) - 8) * qa[i + 16];
        sum += half_at(w) * half_at(a) * (float)s;
    }
    return sum;
}

static inline __attribute__((always_inline)) float dot_q4_1(int32_t n, const uint8_t *w, const uint8_t *a) {
    float sum = 0;
    for (int32_t b = 0; b < n / 32; b++, w += 20, a += A8_1) {
        const uint8_t *qw = w + 4;
        const int8_t *qa = (const int8_t *)(a + 4);
        int32_t s = 0;
        for (int i = 0; i < 16; i++) s += (qw[i] & 0xF) * qa[i] + (qw[i] >> 4) * qa[i + 16];
        // Σ (d·q + m)·x ≈ d·dx·Σ q·qx + m·(dx·Σ qx) = d·dx·s + m·s_x
        sum += half_at(w) * half_at(a) * (float)s + half_at(w + 2) * half_at(a + 2);
    }
    return sum;
}

static inline __attribute__((always_inline)) float dot_q4_k(int32_t n, const uint8_t *w, const uint8_t *a) {
    float sum = 0;
    for (int32_t b = 0; b < n / 256; b++, w += 144, a += A8_K) {
        float dx;
        memcpy(&dx, a, 4);
        const int8_t *qa = (const int8_t *)(a + 4);
        int16_t bsums[16];
        memcpy(bsums, a + 4 + 256, sizeof bsums);
        const uint8_t *scales = w + 4, *qs = w + 16;
        int32_t sumi = 0, summ = 0;
        for (int j = 0; j < 4; j++) {
            int sc0, m0, sc1, m1;
            scale_min_k4(2 * j, scales, &sc0, &m0);
            scale_min_k4(2 * j + 1, scales, &sc1, &m1);
            int32_t s0 = 0, s1 = 0;
            const uint8_t *q = qs + 32 * j;
            const int8_t *x0 = qa + 64 * j, *x1 = qa + 64 * j + 32;
            for (int l = 0; l < 32; l++) {
                s0 += (q[l] & 0xF) * x0[l];
                s1 += (q[l] >> 4) * x1[l];
            }
            sumi += sc0 * s0 + sc1 * s1;
            summ += m0 * (bsums[4 * j] + bsums[4 * j + 1]) + m1 * (bsums[4 * j + 2] + bsums[4 * j + 3]);
        }
        sum += dx * half_at(w) * (float)sumi - dx * half_at(w + 2) * (float)summ;
    }
    return sum;
}

static inline __attribute__((always_inline)) float dot_q6_k(int32_t n, const uint8_t *w, const uint8_t *a) {
    float sum = 0;
    for (int32_t b = 0; b < n / 256; b++, w += 210, a += A8_K) {
        float dx;
        memcpy(&dx, a, 4);
        const int8_t *qa = (const int8_t *)(a + 4);
        const uint8_t *ql = w, *qh = w + 128;
        const int8_t *sc = (const int8_t *)(w + 192);
        int8_t v[256];
        for (int h = 0; h < 2; h++) {
            const uint8_t *l4 = ql + 64 * h, *h2 = qh + 32 * h;
            int8_t *o = v + 128 * h;
            for (int l = 0; l < 32; l++) {
                o[l] = (int8_t)(((l4[l] & 0xF) | (((h2[l] >> 0) & 3) << 4)) - 32);
                o[l + 32] = (int8_t)(((l4[l + 32] & 0xF) | (((h2[l] >> 2) & 3) << 4)) - 32);
                o[l + 64] = (int8_t)(((l4[l] >> 4) | (((h2[l] >> 4) & 3) << 4)) - 32);
                o[l + 96] = (int8_t)(((l4[l + 32] >> 4) | (((h2[l] >> 6) & 3) << 4)) - 32);
            }
        }
        int32_t sumi = 0;
        for (int g = 0; g < 16; g++) {
            int32_t s = 0;
            for (int i = 0; i < 16; i++) s += v[16 * g + i] * qa[16 * g + i];
            sumi += sc[g] * s;
        }
        sum += dx * half_at(w + 208) * (float)sumi;
    }
    return sum;
}

static inline __attribute__((always_inline)) float dot_any(int t, int32_t n, const uint8_t *w, const uint8_t *a) {
    switch (t) {
    case CK_GGUF_Q8_0: return dot_q8_0(n, w, a);
    case CK_GGUF_Q4_0: return dot_q4_0(n, w, a);
    case CK_GGUF_Q4_1: return dot_q4_1(n, w, a);
    case CK_GGUF_Q4_K: return dot_q4_k(n, w, a);
    case CK_GGUF_Q6_K: return dot_q6_k(n, w, a);
    default: return NAN;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma,f16c"))) static inline float half_f16c(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}
#define half_at half_f16c

/// Σ of 32 products u8 nibbles × s8 (no saturation: 15·127·2 < 2^15), as 8 int32 lanes.
__attribute__((target("avx2,fma,f16c"))) static inline __m256i mul_u4_s8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

__attribute__((target("avx2,fma,f16c"))) static inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Q4_1 · Q8_1 with maddubs: 32 nibbles (low half then high half) against 32 int8. The block scales
/// [d, m] of the weight and [d, s] of the activation are converted together (F16C) and multiplied
/// lane-wise, giving d·dx and m·s in one step; two blocks per iteration keep two FMA chains busy.
__attribute__((target("avx2,fma,f16c"))) static inline __m256 q4_1_block(const uint8_t *w, const uint8_t *a, __m256 acc,
                                                                           __m128 *ms) {
    const __m128i lowmask = _mm_set1_epi8(0xF);
    __m128i raw = _mm_loadu_si128((const __m128i *)(w + 4));
    __m256i q = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), lowmask), _mm_and_si128(raw, lowmask));
    __m256i x = _mm256_loadu_si256((const __m256i *)(a + 4));
    __m256 p = _mm256_cvtepi32_ps(mul_u4_s8(q, x));
    int32_t ws, as;
    memcpy(&ws, w, 4);
    memcpy(&as, a, 4);
    __m128 sc = _mm_mul_ps(_mm_cvtph_ps(_mm_cvtsi32_si128(ws)), _mm_cvtph_ps(_mm_cvtsi32_si128(as)));
    *ms = _mm_add_ps(*ms, sc);
    return _mm256_fmadd_ps(_mm256_broadcastss_ps(sc), p, acc);
}

__attribute__((target("avx2,fma,f16c"))) static float dot_q4_1_avx2(int32_t n, const uint8_t *w, const uint8_t *a) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m128 ms0 = _mm_setzero_ps(), ms1 = _mm_setzero_ps();
    int32_t nb = n / 32, b = 0;
    for (; b + 1 < nb; b += 2, w += 40, a += 2 * A8_1) {
        acc0 = q4_1_block(w, a, acc0, &ms0);
        acc1 = q4_1_block(w + 20, a + A8_1, acc1, &ms1);
    }
    if (b < nb) acc0 = q4_1_block(w, a, acc0, &ms0);
    __m128 ms = _mm_add_ps(ms0, ms1);
    return hsum256(_mm256_add_ps(acc0, acc1)) + _mm_cvtss_f32(_mm_shuffle_ps(ms, ms, 1));
}

/// Q4_0 · Q8_0: nibbles − 8 via maddubs(q, x) − 8·Σx.
__attribute__((target("avx2,fma,f16c"))) static float dot_q4_0_avx2(int32_t n, const uint8_t *w, const uint8_t *a) {
    __m256 acc = _mm256_setzero_ps();
    const __m128i lowmask = _mm_set1_epi8(0xF);
    const __m256i ones8 = _mm256_set1_epi8(1);
    for (int32_t b = 0; b < n / 32; b++, w += 18, a += A8_0) {
        __m128i raw = _mm_loadu_si128((const __m128i *)(w + 2));
        __m256i q = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), lowmask), _mm_and_si128(raw, lowmask));
        __m256i x = _mm256_loadu_si256((const __m256i *)(a + 2));
        __m256i s = _mm256_sub_epi32(mul_u4_s8(q, x), _mm256_slli_epi32(mul_u4_s8(ones8, x), 3));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w) * half_at(a)), _mm256_cvtepi32_ps(s), acc);
    }
    return hsum256(acc);
}

/// Q8_0 · Q8_0: s8 × s8 through maddubs(|w|, sign(x, w)); |w| ≤ 128 and x ∈ [−127, 127], so pairs fit int16.
__attribute__((target("avx2,fma,f16c"))) static float dot_q8_0_avx2(int32_t n, const uint8_t *w, const uint8_t *a) {
    __m256 acc = _mm256_setzero_ps();
    for (int32_t b = 0; b < n / 32; b++, w += 34, a += A8_0) {
        __m256i qw = _mm256_loadu_si256((const __m256i *)(w + 2));
        __m256i x = _mm256_loadu_si256((const __m256i *)(a + 2));
        __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_abs_epi8(qw), _mm256_sign_epi8(x, qw)), _mm256_set1_epi16(1));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(w) * half_at(a)), _mm256_cvtepi32_ps(s), acc);
    }
    return hsum256(acc);
}

#undef half_at

__attribute__((target("avx2,fma,f16c"))) static float dot_avx2(int t, int32_t n, const uint8_t *w, const uint8_t *a) {
    switch (t) {
    case CK_GGUF_Q8_0: return dot_q8_0_avx2(n, w, a);
    case CK_GGUF_Q4_0: return dot_q4_0_avx2(n, w, a);
    case CK_GGUF_Q4_1: return dot_q4_1_avx2(n, w, a);
    default: return dot_any(t, n, w, a);
    }
}
#endif

static float dot_portable(int t, int32_t n, const uint8_t *w, const uint8_t *a) { return dot_any(t, n, w, a); }

float ck_gguf_dot(int isa, int t, int32_t n, const void *w, const void *act) {
#if defined(__x86_64__)
    if (isa >= CK_ISA_AVX2) return dot_avx2(t, n, w, act);
#endif
    (void)isa;
    return dot_portable(t, n, w, act);
}

void ck_gguf_matvec(int isa, int t, int32_t n, int32_t rows, const void *w, size_t row_bytes, const void *act, float *y) {
    const uint8_t *wr = w;
    for (int32_t r = 0; r < rows; r++) y[r] = ck_gguf_dot(isa, t, n, wr + (size_t)r * row_bytes, act);
}

void ck_gguf_dequantize_row(int t, int32_t n, const void *wv, float *y) {
    const uint8_t *w = wv;
    switch (t) {
    case CK_GGUF_Q8_0:
        for (int32_t b = 0; b < n / 32; b++, w += 34)
            for (int i = 0; i < 32; i++) *y++ = half_at(w) * (float)((const int8_t *)(w + 2))[i];
        return;
    case CK_GGUF_Q4_0:
    case CK_GGUF_Q4_1: {
        int q41 = t == CK_GGUF_Q4_1, size = q41 ? 20 : 18;
        for (int32_t b = 0; b < n / 32; b++, w += size, y += 32) {
            float d = half_at(w), m = q41 ? half_at(w + 2) : 0;
            const uint8_t *q = w + (q41 ? 4 : 2);
            for (int i = 0; i < 16; i++) {
                int lo = q[i] & 0xF, hi = q[i] >> 4;
                y[i] = q41 ? d * (float)lo + m : d * (float)(lo - 8);
                y[i + 16] = q41 ? d * (float)hi + m : d * (float)(hi - 8);
            }
        }
        return;
    }
    case CK_GGUF_Q4_K:
        for (int32_t b = 0; b < n / 256; b++, w += 144) {
            float d = half_at(w), dmin = half_at(w + 2);
            for (int j = 0; j < 4; j++) {
                int sc0, m0, sc1, m1;
                scale_min_k4(2 * j, w + 4, &sc0, &m0);
                scale_min_k4(2 * j + 1, w + 4, &sc1, &m1);
                const uint8_t *q = w + 16 + 32 * j;
                for (int l = 0; l < 32; l++) y[l] = d * (float)sc0 * (float)(q[l] & 0xF) - dmin * (float)m0;
                for (int l = 0; l < 32; l++) y[32 + l] = d * (float)sc1 * (float)(q[l] >> 4) - dmin * (float)m1;
                y += 64;
            }
        }
        return;
    case CK_GGUF_Q6_K:
        for (int32_t b = 0; b < n / 256; b++, w += 210) {
            float d = half_at(w + 208);
            const int8_t *sc = (const int8_t *)(w + 192);
            for (int h = 0; h < 2; h++) {
                const uint8_t *ql = w + 64 * h, *qh = w + 128 + 32 * h;
                const int8_t *s = sc + 8 * h;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    y[l] = d * s[is] * (float)(((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
                    y[l + 32] = d * s[is + 2] * (float)(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
                    y[l + 64] = d * s[is + 4] * (float)(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                    y[l + 96] = d * s[is + 6] * (float)(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
                }
                y += 128;
            }
        }
        return;
    default:
        for (int32_t i = 0; i < n; i++) y[i] = NAN;
    }
}

static inline __attribute__((always_inline)) float int4g_body(int32_t n, int32_t group, const uint8_t *q, const float *scales,
                                                              const uint8_t *zeros, const float *x) {
    float sum = 0;
    for (int32_t g0 = 0, gi = 0; g0 < n; g0 += group, gi++) {
        int32_t len = CK_MIN(group, n - g0);
        float z = zeros ? (float)zeros[gi] : 8.0f, s = 0, sx = 0;
        for (int32_t i = 0; i < len; i++) {
            int32_t idx = g0 + i;
            float v = (float)((q[idx >> 1] >> ((idx & 1) * 4)) & 0xF);
            s += v * x[idx];
            sx += x[idx];
        }
        sum += scales[gi] * (s - z * sx);
    }
    return sum;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma,f16c"))) static float int4g_avx2(int32_t n, int32_t g, const uint8_t *q, const float *s,
                                                              const uint8_t *z, const float *x) {
    return int4g_body(n, g, q, s, z, x);
}
#endif

float ck_int4g_dot(int isa, int32_t n, int32_t group, const uint8_t *q, const float *scales, const uint8_t *zeros,
                   const float *x) {
#if defined(__x86_64__)
    if (isa >= CK_ISA_AVX2) return int4g_avx2(n, group, q, scales, zeros, x);
#endif
    (void)isa;
    return int4g_body(n, group, q, scales, zeros, x);
}
