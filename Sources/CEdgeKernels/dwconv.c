#include "ck_conv.h"
#include "internal/ck_internal.h"
#include <string.h>

// Depthwise convolution, direct.
//
// NCHW: each channel plane is copied once into sh·sw zero-padded *phase planes* (phase (fy, fx) holds
// padded element (qy·sh + fy, qx·sw + fx) at (qy, qx)), so a tap at padded offset (ky·dh, kx·dw) reads
// phase ((ky·dh) % sh, (kx·dw) % sw) shifted by ((ky·dh) / sh, (kx·dw) / sw) — stride 1 for any stride:
//   out[oy][ox] = bias + Σ w[ky][kx] · phase[oy + (ky·dh)/sh][ox + (kx·dw)/sw].
// All phase planes share one row length `cols`, so each tap is one long vector loop over the *wide*
// output oh × cols (columns ≥ ow are computed and dropped): ShuffleNet's 7×7 and 14×14 planes no longer
// run mostly in scalar remainders. The copy costs one pass over the input.
// NHWC: vectorized over channels, one output pixel at a time.

typedef struct {
    int32_t rows, cols; ///< rows and columns per phase plane
} dw_geometry;

static dw_geometry nchw_geometry(const ck_conv2d_params *p) {
    int32_t hp = (p->oh - 1) * p->sh + (p->kh - 1) * p->dh + 1;
    int32_t wp = (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1;
    dw_geometry g = {(hp + p->sh - 1) / p->sh, (wp + p->sw - 1) / p->sw};
    return g;
}

static size_t phase_size(dw_geometry g) { return ck_phase_plane_size(g.rows, g.cols); }

size_t ck_dwconv2d_workspace_size(int isa, const ck_conv2d_params *p) {
    (void)isa;
    if (p->nhwc) return (size_t)p->c + 16;
    dw_geometry g = nchw_geometry(p);
    return phase_size(g) * p->sh * p->sw + (size_t)p->oh * g.cols + 32;
}

static inline __attribute__((always_inline)) void dw_plane_body(const ck_conv2d_params *p, dw_geometry g, const float *ph,
                                                                const float *w, float bias, float *out, float *acc) {
    size_t per_phase = phase_size(g);
    int32_t ow = p->ow, cols = g.cols;
    int32_t wide = p->oh * cols;
    for (int32_t i = 0; i < wide; i++) acc[i] = bias;
    for (int32_t ky = 0; ky < p->kh; ky++) {
        int32_t offy = ky * p->dh;
        for (int32_t kx = 0; kx < p->kw; kx++) {
            int32_t offx = kx * p->dw;
            const float *restrict src = ph + ck_phase_tap(per_phase, cols, p->sh, p->sw, offy, offx);
            float wv = w[ky * p->kw + kx];
            float *restrict a = acc;
            for (int32_t i = 0; i < wide; i++) a[i] += wv * src[i];
        }
    }
    for (int32_t oy = 0; oy < p->oh; oy++) memcpy(out + (size_t)oy * ow, acc + (size_t)oy * cols, (size_t)ow * sizeof(float));
}

/// W channels of one NHWC output pixel, accumulated in registers over the taps (same order and expression
/// per channel as a tap-by-tap accumulation in memory, so the same sums).
#define DW_NHWC_BLOCK(W)                                                                                     \
    for (; ch + (W) <= c; ch += (W)) {                                                                         \
        float acc[W];                                                                                          \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < (W); i++) acc[i] = bias ? bias[ch + i] : 0.0f; \
        for (int32_t ky = 0; ky < p->kh; ky++) {                                                               \
            int32_t iy = oy * p->sh - p->pad_top + ky * p->dh;                                                 \
            if (iy < 0 || iy >= p->h) continue;                                                                \
            for (int32_t kx = 0; kx < p->kw; kx++) {                                                           \
                int32_t ix = ox * p->sw - p->pad_left + kx * p->dw;                                            \
                if (ix < 0 || ix >= p->w) continue;                                                            \
                const float *restrict src = x + ((size_t)iy * p->w + ix) * c + ch;                             \
                const float *restrict wt = w + ((size_t)ky * p->kw + kx) * c + ch;                             \
                _Pragma("clang loop unroll(full)") for (int i = 0; i < (W); i++) acc[i] += wt[i] * src[i];    \
            }                                                                                                  \
        }                                                                                                      \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < (W); i++) o[ch + i] = acc[i];                  \
    }

static inline __attribute__((always_inline)) void dw_nhwc_body(const ck_conv2d_params *p, const float *x, const float *w,
                                                               const float *bias, float *y, int32_t oy0, int32_t oy1) {
    int32_t c = p->c;
    for (int32_t oy = oy0; oy < oy1; oy++) {
        for (int32_t ox = 0; ox < p->ow; ox++) {
            float *restrict o = y + ((size_t)oy * p->ow + ox) * c;
            int32_t ch = 0;
            DW_NHWC_BLOCK(32)
            DW_NHWC_BLOCK(8)
            DW_NHWC_BLOCK(1)
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
static void dw_plane_512(const ck_conv2d_params *p, dw_geometry g, const float *ph, const float *w, float b, float *out, float *acc) {
    dw_plane_body(p, g, ph, w, b, out, acc);
}
__attribute__((target("avx2,fma")))
static void dw_plane_256(const ck_conv2d_params *p, dw_geometry g, const float *ph, const float *w, float b, float *out, float *acc) {
    dw_plane_body(p, g, ph, w, b, out, acc);
}
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
static void dw_nhwc_512(const ck_conv2d_params *p, const float *x, const float *w, const float *bias, float *y, int32_t oy0, int32_t oy1) {
    dw_nhwc_body(p, x, w, bias, y, oy0, oy1);
}
__attribute__((target("avx2,fma")))
static void dw_nhwc_256(const ck_conv2d_params *p, const float *x, const float *w, const float *bias, float *y, int32_t oy0, int32_t oy1) {
    dw_nhwc_body(p, x, w, bias, y, oy0, oy1);
}
#endif
static void dw_plane_128(const ck_conv2d_params *p, dw_geometry g, const float *ph, const float *w, float b, float *out, float *acc) {
    dw_plane_body(p, g, ph, w, b, out, acc);
}
static void dw_nhwc_128(const ck_conv2d_params *p, const float *x, const float *w, const float *bias, float *y, int32_t oy0, int32_t oy1) {
    dw_nhwc_body(p, x, w, bias, y, oy0, oy1);
}

void ck_dwconv2d(int isa, const ck_conv2d_params *p, const float *w, const float *bias, ck_activation act, const float *x,
                 float *y, float *ws) {
    ck_dwconv2d_part(isa, p, w, bias, act, x, y, ws, 0, 1);
}

void ck_dwconv2d_part(int isa, const ck_conv2d_params *p, const float *w, const float *bias, ck_activation act,
                      const float *x, float *y, float *ws, int32_t part, int32_t parts) {
    int level = ck_float_level(isa);
    if (parts < 1) parts = 1;
    if (p->nhwc) {
        // This part's output rows.
        int32_t oy0 = (int32_t)((int64_t)p->oh * part / parts), oy1 = (int32_t)((int64_t)p->oh * (part + 1) / parts);
        if (oy1 <= oy0) return;
        size_t in_img = (size_t)p->h * p->w * p->c, out_img = (size_t)p->oh * p->ow * p->c;
        size_t row = (size_t)p->ow * p->c;
        for (int32_t b = 0; b < p->n; b++) {
            float *yb = y + b * out_img;
            switch (level) {
#if defined(__x86_64__)
            case 2: dw_nhwc_512(p, x + b * in_img, w, bias, yb, oy0, oy1); break;
            case 1: dw_nhwc_256(p, x + b * in_img, w, bias, yb, oy0, oy1); break;
#endif
            default: dw_nhwc_128(p, x + b * in_img, w, bias, yb, oy0, oy1); break;
            }
            float *rows = yb + (size_t)oy0 * row;
            if (act.kind != CK_ACT_NONE) ck_activation_apply(isa, rows, rows, (size_t)(oy1 - oy0) * row, 0, 0, act);
        }
        return;
    }
    // This part's channels.
    int32_t c0 = (int32_t)((int64_t)p->c * part / parts), c1 = (int32_t)((int64_t)p->c * (part + 1) / parts);
    dw_geometry g = nchw_geometry(p);
    float *ph = ws;
    float *acc = ws + phase_size(g) * p->sh * p->sw + 16;
    size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    size_t taps = (size_t)p->kh * p->kw;
    for (int32_t b = 0; b < p->n; b++) {
        for (int32_t ch = c0; ch < c1; ch++) {
            const float *plane = x + ((size_t)b * p->c + ch) * in_plane;
            float *out = y + ((size_t)b * p->c + ch) * out_plane;
            ck_phase_planes(plane, ph, g.rows, g.cols, p->h, p->w, p->sh, p->sw, p->pad_top, p->pad_left, 0.0f);
            float bv = bias ? bias[ch] : 0.0f;
            switch (level) {
#if defined(__x86_64__)
            case 2: dw_plane_512(p, g, ph, w + ch * taps, bv, out, acc); break;
            case 1: dw_plane_256(p, g, ph, w + ch * taps, bv, out, acc); break;
#endif
            default: dw_plane_128(p, g, ph, w + ch * taps, bv, out, acc); break;
            }
            if (act.kind != CK_ACT_NONE) ck_activation_apply(isa, out, out, out_plane, 0, 0, act);
        }
    }
}
