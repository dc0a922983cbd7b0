#include "ck_pool.h"
#include "internal/ck_internal.h"
#include <float.h>
#include <string.h>

typedef struct {
    int32_t rows, cols;
} pool_geometry;

static pool_geometry geometry(const ck_pool2d_params *p) {
    int32_t rows = (p->oh - 1) * p->sh + (p->kh - 1) * p->dh + 1;
    int32_t wp = (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1;
    pool_geometry g = {rows, (wp + p->sw - 1) / p->sw};
    return g;
}

size_t ck_pool2d_workspace_size(const ck_pool2d_params *p) {
    pool_geometry g = geometry(p);
    return (size_t)g.rows * g.cols * p->sw + (size_t)p->ow + 32;
}

static void build_phases(const ck_pool2d_params *p, pool_geometry g, const float *plane, float pad, float *ph) {
    size_t per_phase = (size_t)g.rows * g.cols;
    for (int32_t r = 0; r < g.rows; r++) {
        int32_t iy = r - p->pad_top;
        for (int32_t f = 0; f < p->sw; f++) {
            float *dst = ph + f * per_phase + (size_t)r * g.cols;
            if (iy < 0 || iy >= p->h) {
                for (int32_t q = 0; q < g.cols; q++) dst[q] = pad;
                continue;
            }
            const float *src = plane + (size_t)iy * p->w;
            if (p->sw == 1) {
                int32_t lo = CK_MIN(p->pad_left, g.cols);
                int32_t hi = CK_MAX(lo, CK_MIN(g.cols, p->pad_left + p->w));
                for (int32_t q = 0; q < lo; q++) dst[q] = pad;
                memcpy(dst + lo, src + (lo - p->pad_left), (size_t)(hi - lo) * sizeof(float));
                for (int32_t q = hi; q < g.cols; q++) dst[q] = pad;
            } else {
                for (int32_t q = 0; q < g.cols; q++) {
                    int32_t ix = q * p->sw + f - p->pad_left;
                    dst[q] = ix >= 0 && ix < p->w ? src[ix] : pad;
                }
            }
        }
    }
}

static inline __attribute__((always_inline)) void pool_plane_body(const ck_pool2d_params *p, pool_geometry g, const float *ph,
                                                                  int is_max, const float *rc, const float *cc, float *out,
                                                                  float *acc) {
    size_t per_phase = (size_t)g.rows * g.cols;
    int32_t ow = p->ow;
    for (int32_t oy = 0; oy < p->oh; oy++) {
        for (int32_t ox = 0; ox < ow; ox++) acc[ox] = is_max ? -FLT_MAX : 0.0f;
        for (int32_t ky = 0; ky < p->kh; ky++) {
            int32_t r = oy * p->sh + ky * p->dh;
            for (int32_t kx = 0; kx < p->kw; kx++) {
                int32_t off = kx * p->dw;
                const float *restrict src = ph + (off % p->sw) * per_phase + (size_t)r * g.cols + off / p->sw;
                float *restrict a = acc;
                if (is_max) {
                    for (int32_t ox = 0; ox < ow; ox++) {
                        float v = src[ox];
                        a[ox] = (v > a[ox] || v != v) ? v : a[ox];
                    }
                } else {
                    for (int32_t ox = 0; ox < ow; ox++) a[ox] += src[ox];
                }
            }
        }
        float *o = out + (size_t)oy * ow;
        if (is_max) {
            memcpy(o, acc, (size_t)ow * sizeof(float));
        } else {
            float r = rc[oy];
            for (int32_t ox = 0; ox < ow; ox++) o[ox] = acc[ox] / (r * cc[ox]);
        }
    }
}

static inline __attribute__((always_inline)) void gap_body(int32_t planes, int32_t size, const float *x, float *y) {
    for (int32_t i = 0; i < planes; i++) {
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

static void pool2d(int isa, const ck_pool2d_params *p, int is_max, const float *rc, const float *cc, ck_activation act,
                   const float *x, float *y, float *ws) {
    pool_geometry g = geometry(p);
    float *ph = ws, *acc = ws + (size_t)g.rows * g.cols * p->sw + 16;
    size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    int level = ck_float_level(isa);
    for (int32_t b = 0; b < p->n; b++) {
        for (int32_t ch = 0; ch < p->c; ch++) {
            const float *plane = x + ((size_t)b * p->c + ch) * in_plane;
            float *out = y + ((size_t)b * p->c + ch) * out_plane;
            build_phases(p, g, plane, is_max ? -FLT_MAX : 0.0f, ph);
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
