// NHWC max pooling (see ck_pool_nhwc.h).
#include "ck_pool_nhwc.h"
#include "internal/ck_internal.h"
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static inline float max_ref(float v, float m) { return ((v > m || v != v) && m == m) ? v : m; }

static void channels_scalar(const ck_conv2d_params *p, const float *x, float *o, int32_t oy, int32_t ox, int32_t c0) {
    for (int32_t ch = c0; ch < p->c; ch++) {
        float m = -INFINITY;
        for (int32_t ky = 0; ky < p->kh; ky++) {
            const int32_t iy = oy * p->sh - p->pad_top + ky * p->dh;
            if (iy < 0 || iy >= p->h) continue;
            for (int32_t kx = 0; kx < p->kw; kx++) {
                const int32_t ix = ox * p->sw - p->pad_left + kx * p->dw;
                if (ix < 0 || ix >= p->w) continue;
                m = max_ref(x[((ptrdiff_t)iy * p->w + ix) * p->c + ch], m);
            }
        }
        o[ch] = m;
    }
}

#if defined(__x86_64__)
/// 8 channels at a time: vmaxps(v, m) is `v > m ? v : m` for ordered values; NaN lanes are tracked apart
/// and written as NaN at the end (once a NaN is seen the reference keeps it).
__attribute__((target("avx2,fma")))
static void pixel_avx2(const ck_conv2d_params *p, const float *x, float *o, int32_t oy, int32_t ox) {
    int32_t ch = 0;
    const __m256 nan = _mm256_set1_ps(NAN);
    for (; ch + 8 <= p->c; ch += 8) {
        __m256 m = _mm256_set1_ps(-INFINITY), bad = _mm256_setzero_ps();
        for (int32_t ky = 0; ky < p->kh; ky++) {
            const int32_t iy = oy * p->sh - p->pad_top + ky * p->dh;
            if (iy < 0 || iy >= p->h) continue;
            for (int32_t kx = 0; kx < p->kw; kx++) {
                const int32_t ix = ox * p->sw - p->pad_left + kx * p->dw;
                if (ix < 0 || ix >= p->w) continue;
                const __m256 v = _mm256_loadu_ps(x + ((ptrdiff_t)iy * p->w + ix) * p->c + ch);
                bad = _mm256_or_ps(bad, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
                m = _mm256_max_ps(v, m);
            }
        }
        _mm256_storeu_ps(o + ch, _mm256_blendv_ps(m, nan, bad));
    }
    if (ch < p->c) channels_scalar(p, x, o, oy, ox, ch);
}
#endif

void ck_maxpool_nhwc(int isa, const ck_conv2d_params *p, const float *x, float *y, int32_t oy0, int32_t oy1) {
#if defined(__x86_64__)
    const int avx = ck_avx2_on(isa);
#else
    const int avx = 0;
    (void)isa;
#endif
    for (int32_t oy = oy0; oy < oy1; oy++)
        for (int32_t ox = 0; ox < p->ow; ox++) {
            float *o = y + ((ptrdiff_t)oy * p->ow + ox) * p->c;
#if defined(__x86_64__)
            if (avx) { pixel_avx2(p, x, o, oy, ox); continue; }
#endif
            channels_scalar(p, x, o, oy, ox, 0);
        }
}
