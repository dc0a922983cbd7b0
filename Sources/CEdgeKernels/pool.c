#include "ck_pool.h"
#include "internal/ck_internal.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Each channel plane is copied into sh·sw padded *phase planes* sharing one row length (as in depthwise
// convolution, dwconv.c), so a window tap at padded offset (ky·dh, kx·dw) reads phase
// ((ky·dh) % sh, (kx·dw) % sw) shifted by ((ky·dh) / sh, (kx·dw) / sw), and each tap is one long loop over
// the wide output oh × cols (columns ≥ ow are computed and dropped).
typedef struct {
    int32_t rows, cols; ///< rows and columns per phase plane
} pool_geometry;

static pool_geometry geometry(const ck_pool2d_params *p) {
    int32_t hp = (p->oh - 1) * p->sh + (p->kh - 1) * p->dh + 1;
    int32_t wp = (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1;
    pool_geometry g = {(hp + p->sh - 1) / p->sh, (wp + p->sw - 1) / p->sw};
    return g;
}

static size_t phase_size(pool_geometry g) { return ck_phase_plane_size(g.rows, g.cols); }

size_t ck_pool2d_workspace_size(const ck_pool2d_params *p) {
    pool_geometry g = geometry(p);
    return phase_size(g) * p->sh * p->sw + (size_t)p->oh * g.cols + 32;
}

static inline __attribute__((always_inline)) void pool_plane_body(const ck_pool2d_params *p, pool_geometry g, const float *ph,
                                                                  int is_max, const float *rc, const float *cc, float *out,
                                                                  float *acc) {
    size_t per_phase = phase_size(g);
    int32_t ow = p->ow, cols = g.cols;
    int32_t wide = p->oh * cols;
    for (int32_t i = 0; i < wide; i++) acc[i] = is_max ? -INFINITY : 0.0f;
    for (int32_t ky = 0; ky < p->kh; ky++) {
        int32_t offy = ky * p->dh;
        for (int32_t kx = 0; kx < p->kw; kx++) {
            int32_t offx = kx * p->dw;
            const float *restrict src = ph + ck_phase_tap(per_phase, cols, p->sh, p->sw, offy, offx);
            float *restrict a = acc;
            if (is_max) {
                for (int32_t i = 0; i < wide; i++) {
                    float v = src[i];
                    a[i] = (v > a[i] || v != v) ? v : a[i];
                }
            } else {
                for (int32_t i = 0; i < wide; i++) a[i] += src[i];
            }
        }
    }
    for (int32_t oy = 0; oy < p->oh; oy++) {
        float *o = out + (size_t)oy * ow;
        const float *w = acc + (size_t)oy * cols;
        if (is_max) {
            memcpy(o, w, (size_t)ow * sizeof(float));
        } else {
            float r = rc[oy];
            for (int32_t ox = 0; ox < ow; ox++) o[ox] = w[ox] / (r * cc[ox]);
        }
    }
}

/// Each plane's mean with its sum in element order (k = 0, 1, …), the arithmetic of the reference kernel.
/// One plane's sum is a chain of dependent adds, bound by the add latency (3–4 cycles); eight planes summed
/// side by side keep each plane's order and run eight chains at once.
static inline __attribute__((always_inline)) void gap_body(int32_t planes, int32_t size, const float *x, float *y) {
    int32_t i = 0;
    for (; i + 8 <= planes; i += 8) {
        float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        const float *r = x + (size_t)i * size;
        for (int32_t k = 0; k < size; k++)
            for (int j = 0; j < 8; j++) s[j] += r[(size_t)j * (size_t)size + (size_t)k];
        for (int j = 0; j < 8; j++) y[i + j] = s[j] / (float)size;
    }
    for (; i < planes; i++) {
        const float *restrict s = x + (size_t)i * size;
        float sum = 0;
        for (int32_t k = 0; k < size; k++) sum += s[k];
        y[i] = sum / (float)size;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
static void pool_plane_512(const ck_pool2d_params *p, pool_geometry g, const float *ph, int m, const float *rc, const float *cc,
                           float *out, float *acc) {
    pool_plane_body(p, g, ph, m, rc, cc, out, acc);
}
__attribute__((target("avx2,fma")))
static void pool_plane_256(const ck_pool2d_params *p, pool_geometry g, const float *ph, int m, const float *rc, const float *cc,
                           float *out, float *acc) {
    pool_plane_body(p, g, ph, m, rc, cc, out, acc);
}
#endif
static void pool_plane_128(const ck_pool2d_params *p, pool_geometry g, const float *ph, int m, const float *rc, const float *cc,
                           float *out, float *acc) {
    pool_plane_body(p, g, ph, m, rc, cc, out, acc);
}

#if defined(__x86_64__)
/// max(a, b) keeping a NaN of either (vmaxps returns b when either is NaN).
__attribute__((target("avx2,fma"), always_inline)) static inline __m256 max_nan(__m256 a, __m256 b) {
    return _mm256_blendv_ps(_mm256_max_ps(a, b), a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
}

/// Max pooling with 2×2 windows at stride 2, no padding or dilation, every window inside the plane (VGG,
/// PP-OCR's last pool): the windows do not overlap, so each pair of rows is reduced directly — the rows'
/// maximum, then even and odd columns split apart with one shuffle each — with no phase-plane copy, whose
/// stride-2 gather had cost more than the maxima. Same results as the general path.
__attribute__((target("avx2,fma"))) static void max2x2_planes(const ck_pool2d_params *p, const float *x, float *y) {
    const size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    for (int64_t pl = 0; pl < (int64_t)p->n * p->c; pl++) {
        for (int32_t oy = 0; oy < p->oh; oy++) {
            const float *r0 = x + (size_t)pl * in_plane + (size_t)(2 * oy) * p->w, *r1 = r0 + p->w;
            float *o = y + (size_t)pl * out_plane + (size_t)oy * p->ow;
            int32_t ox = 0;
            for (; ox + 8 <= p->ow; ox += 8) {
                const __m256 a = max_nan(_mm256_loadu_ps(r0 + 2 * ox), _mm256_loadu_ps(r1 + 2 * ox));
                const __m256 b = max_nan(_mm256_loadu_ps(r0 + 2 * ox + 8), _mm256_loadu_ps(r1 + 2 * ox + 8));
                // Even columns a0 a2 b0 b2 | a4 a6 b4 b6 and odd ones likewise; the 64-bit permute restores order.
                const __m256 m = max_nan(_mm256_shuffle_ps(a, b, 0x88), _mm256_shuffle_ps(a, b, 0xDD));
                _mm256_storeu_ps(o + ox, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(m), 0xD8)));
            }
            for (; ox < p->ow; ox++) {
                const float v[4] = {r0[2 * ox], r0[2 * ox + 1], r1[2 * ox], r1[2 * ox + 1]};
                float m = v[0];
                for (int k = 1; k < 4; k++) m = (v[k] > m || v[k] != v[k]) && m == m ? v[k] : m;
                o[ox] = m;
            }
        }
    }
}
#endif

static void pool2d(int isa, const ck_pool2d_params *p, int is_max, const float *rc, const float *cc, ck_activation act,
                   const float *x, float *y, float *ws) {
#if defined(__x86_64__)
    if (is_max && ck_float_level(isa) >= 1 && p->kh == 2 && p->kw == 2 && p->sh == 2 && p->sw == 2 && p->dh == 1 &&
        p->dw == 1 && p->pad_top == 0 && p->pad_left == 0 && 2 * (int64_t)p->oh <= p->h && 2 * (int64_t)p->ow <= p->w) {
        max2x2_planes(p, x, y);
        if (act.kind != CK_ACT_NONE) ck_activation_apply(isa, y, y, (size_t)p->n * p->c * p->oh * p->ow, 0, 0, act);
        return;
    }
#endif
    pool_geometry g = geometry(p);
    float *ph = ws, *acc = ws + phase_size(g) * p->sh * p->sw + 16;
    size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    int level = ck_float_level(isa);
    for (int32_t b = 0; b < p->n; b++) {
        for (int32_t ch = 0; ch < p->c; ch++) {
            const float *plane = x + ((size_t)b * p->c + ch) * in_plane;
            float *out = y + ((size_t)b * p->c + ch) * out_plane;
            ck_phase_planes(plane, ph, g.rows, g.cols, p->h, p->w, p->sh, p->sw, p->pad_top, p->pad_left, is_max ? -INFINITY : 0.0f);
            switch (level) {
#if defined(__x86_64__)
            case 2: pool_plane_512(p, g, ph, is_max, rc, cc, out, acc); break;
            case 1: pool_plane_256(p, g, ph, is_max, rc, cc, out, acc); break;
#endif
            default: pool_plane_128(p, g, ph, is_max, rc, cc, out, acc); break;
            }
            if (act.kind != CK_ACT_NONE) ck_activation_apply(isa, out, out, out_plane, 0, 0, act);
        }
    }
}

void ck_maxpool2d(int isa, const ck_pool2d_params *p, ck_activation act, const float *x, float *y, float *ws) {
    pool2d(isa, p, 1, 0, 0, act, x, y, ws);
}

void ck_avgpool2d(int isa, const ck_pool2d_params *p, const float *row_count, const float *col_count, ck_activation act,
                  const float *x, float *y, float *ws) {
    pool2d(isa, p, 0, row_count, col_count, act, x, y, ws);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void gap_256(int32_t planes, int32_t size, const float *x, float *y) {
    gap_body(planes, size, x, y);
}
#endif

void ck_global_avgpool(int isa, int32_t planes, int32_t size, const float *x, float *y) {
#if defined(__x86_64__)
    if (ck_float_level(isa) >= 1) {
        gap_256(planes, size, x, y);
        return;
    }
#endif
    gap_body(planes, size, x, y);
}
