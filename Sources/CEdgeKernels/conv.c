#include "ck_conv.h"
#include "ck_sgemm.h"
#include "internal/ck_internal.h"
#include <string.h>

// ---------------------------------------------------------------------------------------------
// NCHW im2col, written straight into B panels.

typedef struct {
    const float *x; ///< first channel of this group, planes of h·w
    int32_t h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow;
    float *row;     ///< scratch: one row of the block (nc floats)
} im2col_nchw_ctx;

/// One im2col row p = (ci, ky, kx) for output pixels [n0, n0 + nc) into `row`.
static void im2col_nchw_row(const im2col_nchw_ctx *c, int32_t p, int32_t n0, int32_t nc, float *row) {
    int32_t kx = p % c->kw, ky = (p / c->kw) % c->kh, ci = p / (c->kw * c->kh);
    const float *plane = c->x + (ptrdiff_t)ci * c->h * c->w;
    int32_t oy = n0 / c->ow, ox = n0 % c->ow;
    int32_t done = 0;
    while (done < nc) {
        int32_t run = CK_MIN(c->ow - ox, nc - done);
        int32_t iy = oy * c->sh - c->pt + ky * c->dh;
        float *out = row + done;
        if (iy < 0 || iy >= c->h) {
            memset(out, 0, (size_t)run * sizeof(float));
        } else {
            const float *src = plane + (ptrdiff_t)iy * c->w;
            int32_t ix0 = ox * c->sw - c->pl + kx * c->dw;
            if (c->sw == 1) {
                // Contiguous: zeros left of the image, a copy, zeros right of it.
                int32_t lo = ix0 < 0 ? CK_MIN(-ix0, run) : 0;
                int32_t hi = CK_MAX(lo, CK_MIN(run, c->w - ix0));
                if (lo > 0) memset(out, 0, (size_t)lo * sizeof(float));
                if (hi > lo) memcpy(out + lo, src + ix0 + lo, (size_t)(hi - lo) * sizeof(float));
                if (run > hi) memset(out + hi, 0, (size_t)(run - hi) * sizeof(float));
            } else {
                for (int32_t t = 0; t < run; t++) {
                    int32_t ix = ix0 + t * c->sw;
                    out[t] = ix >= 0 && ix < c->w ? src[ix] : 0.0f;
                }
            }
        }
        done += run;
        ox = 0;
        oy++;
    }
}

static void im2col_nchw_pack(const void *ctx, int32_t k0, int32_t kc, int32_t n0, int32_t nc, int32_t nr, float *dst) {
    const im2col_nchw_ctx *c = ctx;
    int32_t panels = (nc + nr - 1) / nr;
    for (int32_t p = 0; p < kc; p++) {
        im2col_nchw_row(c, k0 + p, n0, nc, c->row);
        for (int32_t q = 0; q < panels; q++) {
            float *d = dst + ((ptrdiff_t)q * kc + p) * nr;
            const float *s = c->row + q * nr;
            int32_t w = CK_MIN(nr, nc - q * nr);
            if (w == nr) {
                for (int32_t j = 0; j < nr; j++) d[j] = s[j];
            } else {
                for (int32_t j = 0; j < nr; j++) d[j] = j < w ? s[j] : 0.0f;
            }
        }
    }
}

static int is_pointwise(const ck_conv2d_params *p) {
    return p->kh == 1 && p->kw == 1 && p->sh == 1 && p->sw == 1 && p->pad_top == 0 && p->pad_left == 0 && p->oh == p->h
        && p->ow == p->w;
}

// NHWC rows per GEMM chunk when im2col is materialized.
enum { CK_NHWC_CHUNK = 192 };

size_t ck_conv2d_packed_weights_size(int isa, const ck_conv2d_params *p) {
    int32_t cpg = p->c / p->group, mpg = p->cout / p->group;
    int32_t k = cpg * p->kh * p->kw;
    if (p->nhwc) return ck_sgemm_packed_b_size(isa, k, p->cout);
    return (size_t)p->group * ck_sgemm_packed_a_size(isa, mpg, k);
}

void ck_conv2d_pack_weights(int isa, const ck_conv2d_params *p, const float *w, float *dst) {
    int32_t cpg = p->c / p->group, mpg = p->cout / p->group;
    int32_t k = cpg * p->kh * p->kw;
    if (p->nhwc) {
        // B(p, co) = W[co][ky][kx][ci], p = (ky, kx, ci): rows of W are columns of B.
        ck_sgemm_pack_b(isa, k, p->cout, w, 1, k, 1.0f, dst);
        return;
    }
    size_t per = ck_sgemm_packed_a_size(isa, mpg, k);
    for (int32_t g = 0; g < p->group; g++) ck_sgemm_pack_a(isa, mpg, k, w + (ptrdiff_t)g * mpg * k, k, 1, dst + g * per);
}

static ck_sgemm_args conv_gemm_shape(const ck_conv2d_params *p) {
    ck_sgemm_args g;
    memset(&g, 0, sizeof g);
    int32_t cpg = p->c / p->group;
    g.k = cpg * p->kh * p->kw;
    if (p->nhwc) {
        g.m = CK_MIN(CK_NHWC_CHUNK, p->oh * p->ow);
        g.n = p->cout;
        g.b_kind = CK_B_PACKED;
    } else {
        g.m = p->cout / p->group;
        g.n = p->oh * p->ow;
        g.b_kind = is_pointwise(p) ? CK_B_STRIDED : CK_B_CALLBACK;
    }
    return g;
}

size_t ck_conv2d_workspace_size(int isa, const ck_conv2d_params *p) {
    ck_sgemm_args g = conv_gemm_shape(p);
    size_t gemm = ck_sgemm_workspace_size(isa, &g);
    size_t extra = 0;
    if (p->nhwc && !is_pointwise(p)) extra = (size_t)g.m * g.k;
    if (!p->nhwc && !is_pointwise(p)) extra = (size_t)g.n + 16;
    return gemm + extra + 16;
}

/// One NHWC im2col row: output pixel `pix`, K = kh·kw·c values in (ky, kx, ci) order.
static void im2col_nhwc_row(const ck_conv2d_params *p, const float *x, int32_t pix, float *dst) {
    int32_t oy = pix / p->ow, ox = pix % p->ow;
    const int32_t ix0 = ox * p->sw - p->pad_left;
    // Taps of one kernel row inside the image with dilation 1 are adjacent pixels: one copy of kw·c values
    // (a first layer with c = 3 would otherwise copy 12 bytes per call).
    const int whole_rows = p->dw == 1 && ix0 >= 0 && ix0 + p->kw <= p->w;
    for (int32_t ky = 0; ky < p->kh; ky++) {
        int32_t iy = oy * p->sh - p->pad_top + ky * p->dh;
        if (whole_rows && iy >= 0 && iy < p->h) {
            const float *src = x + ((ptrdiff_t)iy * p->w + ix0) * p->c;
            const int32_t n = p->kw * p->c;
            for (int32_t i = 0; i < n; i++) dst[i] = src[i];
            dst += n;
            continue;
        }
        for (int32_t kx = 0; kx < p->kw; kx++) {
            int32_t ix = ox * p->sw - p->pad_left + kx * p->dw;
            if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) memset(dst, 0, (size_t)p->c * sizeof(float));
            else memcpy(dst, x + ((ptrdiff_t)iy * p->w + ix) * p->c, (size_t)p->c * sizeof(float));
            dst += p->c;
        }
    }
}

void ck_conv2d(int isa, const ck_conv2d_params *p, const float *packed_w, const float *bias, ck_activation act,
               const float *x, float *y, float *ws) {
    ck_conv2d_part(isa, p, packed_w, bias, act, x, y, ws, 0, 1);
}

void ck_conv2d_part(int isa, const ck_conv2d_params *p, const float *packed_w, const float *bias, ck_activation act,
                    const float *x, float *y, float *ws, int32_t part, int32_t parts) {
    ck_sgemm_args g = conv_gemm_shape(p);
    size_t gemm_ws = ck_sgemm_workspace_size(isa, &g);
    float *extra = ws + (gemm_ws + 15) / 16 * 16;
    int32_t cpg = p->c / p->group, mpg = p->cout / p->group;
    size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    g.epilogue.act = act;
    if (p->nhwc) {
        // Groups other than 1 are not handled on this path (the caller declines them).
        g.b = packed_w;
        g.epilogue.bias = bias;
        g.epilogue.bias_per_row = 0;
        int32_t pixels = p->oh * p->ow;
        for (int32_t b = 0; b < p->n; b++) {
            const float *xb = x + (size_t)b * in_plane * p->c;
            float *yb = y + (size_t)b * out_plane * p->cout;
            if (is_pointwise(p)) {
                g.m = pixels;
                g.a = xb;
                g.a_rs = p->c;
                g.a_cs = 1;
                g.c = yb;
                g.ldc = p->cout;
                ck_sgemm_part(isa, &g, part, parts, ws);
                continue;
            }
            // Every part builds each chunk's im2col rows (K·192 copies, small beside the chunk's
            // 192·Cout·K multiply-adds) and computes its share of the chunk's GEMM.
            for (int32_t i0 = 0; i0 < pixels; i0 += CK_NHWC_CHUNK) {
                int32_t rows = CK_MIN(CK_NHWC_CHUNK, pixels - i0);
                for (int32_t r = 0; r < rows; r++) im2col_nhwc_row(p, xb, i0 + r, extra + (size_t)r * g.k);
                g.m = rows;
                g.a = extra;
                g.a_rs = g.k;
                g.a_cs = 1;
                g.c = yb + (size_t)i0 * p->cout;
                g.ldc = p->cout;
                ck_sgemm_part(isa, &g, part, parts, ws);
            }
        }
        return;
    }
    size_t per = ck_sgemm_packed_a_size(isa, mpg, g.k);
    g.a_packed = 1;
    g.ldc = (ptrdiff_t)out_plane;
    g.epilogue.bias_per_row = 1;
    for (int32_t b = 0; b < p->n; b++) {
        for (int32_t gr = 0; gr < p->group; gr++) {
            const float *xg = x + ((size_t)b * p->c + (size_t)gr * cpg) * in_plane;
            g.a = packed_w + gr * per;
            g.c = y + ((size_t)b * p->cout + (size_t)gr * mpg) * out_plane;
            g.epilogue.bias = bias ? bias + gr * mpg : 0;
            im2col_nchw_ctx ctx = {xg, p->h, p->w, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw,
                                   p->pad_top, p->pad_left, p->oh, p->ow, extra};
            if (p->w == 1 && p->ow == 1 && p->kw == 1 && p->pad_left == 0) {
                // A 1-D convolution along H (Magika's [N, C, L, 1]): the same B read as one row of length L,
                // so each im2col row is one contiguous run instead of L one-element runs.
                im2col_nchw_ctx t = {xg, 1, p->h, 1, p->kh, 1, p->sh, 1, p->dh, 0, p->pad_top, 1, p->oh, extra};
                ctx = t;
            }
            if (g.b_kind == CK_B_STRIDED) {
                g.b = xg;
                g.b_rs = (ptrdiff_t)in_plane;
                g.b_cs = 1;
            } else {
                g.b_pack = im2col_nchw_pack;
                g.b_ctx = &ctx;
            }
            ck_sgemm_part(isa, &g, part, parts, ws);
        }
    }
}
