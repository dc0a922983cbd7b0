// PRelu (see ck_prelu.h).
#include "ck_prelu.h"
#include "internal/ck_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static inline __attribute__((always_inline)) void row_scalar(int64_t n, const float *x, const float *s, int64_t ss, float *y) {
    for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        y[i] = v < 0 ? v * s[i * ss] : v;
    }
}

#if defined(__x86_64__)
/// n values; slope s[i] (ss = 1) or s[0] (ss = 0). Lanes where x < 0 take x·s, the others x itself.
__attribute__((target("avx2,fma")))
static void row_avx2(int64_t n, const float *x, const float *s, int64_t ss, float *y) {
    const __m256 zero = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 sv = ss ? _mm256_loadu_ps(s + i) : _mm256_broadcast_ss(s);
        _mm256_storeu_ps(y + i, _mm256_blendv_ps(v, _mm256_mul_ps(v, sv), _mm256_cmp_ps(v, zero, _CMP_LT_OQ)));
    }
    row_scalar(n - i, x + i, s + i * ss, ss, y + i);
}
#endif

void ck_prelu_columns(int isa, int64_t rows, int64_t cols, const float *x, const float *slope, float *y) {
    const int avx = ck_avx2_on(isa);
    for (int64_t r = 0; r < rows; r++) {
#if defined(__x86_64__)
        if (avx) { row_avx2(cols, x + r * cols, slope, 1, y + r * cols); continue; }
#endif
        row_scalar(cols, x + r * cols, slope, 1, y + r * cols);
    }
}

void ck_prelu_blocks(int isa, int64_t blocks, int64_t len, int64_t nslope, const float *x, const float *slope, float *y) {
    const int avx = ck_avx2_on(isa);
    for (int64_t b = 0; b < blocks; b++) {
        const float *s = slope + b % nslope;
#if defined(__x86_64__)
        if (avx) { row_avx2(len, x + b * len, s, 0, y + b * len); continue; }
#endif
        row_scalar(len, x + b * len, s, 0, y + b * len);
    }
}
