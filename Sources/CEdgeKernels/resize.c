#include "ck_resize.h"
#include <string.h>

size_t ck_resize2d_workspace_size(const ck_resize2d_params *p) { return 2 * (size_t)(p->ow > 0 ? p->ow : 1); }

/// One input row resampled along the width into `out` (ow floats).
/// The integer factor f when nearest columns are exactly j ← j / f (asymmetric/floor upsampling by f), else 0.
static int32_t column_factor(const ck_resize2d_params *p) {
    if (p->col_w0 != NULL || p->iw <= 0) return 0;
    int32_t f = p->ow / p->iw;
    if (f < 1 || p->ow != f * p->iw) return 0;
    for (int32_t j = 0; j < p->ow; j++) if (p->col_i0[j] != j / f) return 0;
    return f;
}

static void resample_row(const ck_resize2d_params *p, int32_t f, const float *restrict row, float *restrict out) {
    const int32_t ow = p->ow, iw = p->iw;
    const int32_t *i0 = p->col_i0;
    if (p->col_w0 == NULL) {
        int exact = f > 0;
        if (exact && f == 2) {
            for (int32_t k = 0; k < iw; k++) { float v = row[k]; out[2 * k] = v; out[2 * k + 1] = v; }
        } else if (exact) {
            for (int32_t k = 0; k < iw; k++) {
                float v = row[k];
                float *o = out + (size_t)k * f;
                for (int32_t t = 0; t < f; t++) o[t] = v;
            }
        } else {
            for (int32_t j = 0; j < ow; j++) out[j] = row[i0[j]];
        }
        return;
    }
    const int32_t *i1 = p->col_i1;
    const float *w0 = p->col_w0, *w1 = p->col_w1;
    for (int32_t j = 0; j < ow; j++) out[j] = w0[j] * row[i0[j]] + w1[j] * row[i1[j]];
}

void ck_resize2d(const ck_resize2d_params *p, int32_t plane_begin, int32_t plane_end, const float *x, float *y,
                 float *ws) {
    const size_t ih = (size_t)p->ih, iw = (size_t)p->iw, oh = (size_t)p->oh, ow = (size_t)p->ow;
    const int32_t f = column_factor(p);
    for (int32_t c = plane_begin; c < plane_end; c++) {
        const float *xp = x + (size_t)c * ih * iw;
        float *yp = y + (size_t)c * oh * ow;
        if (p->row_w0 == NULL) {
            for (size_t o = 0; o < oh; o++) {
                float *dst = yp + o * ow;
                if (o > 0 && p->row_i0[o] == p->row_i0[o - 1]) memcpy(dst, dst - ow, ow * sizeof(float));
                else resample_row(p, f, xp + (size_t)p->row_i0[o] * iw, dst);
            }
            continue;
        }
        // Linear rows: keep the last two resampled input rows (a, b) keyed by their input index.
        float *ra = ws, *rb = ws + ow;
        int32_t ka = -1, kb = -1;
        for (size_t o = 0; o < oh; o++) {
            int32_t r0 = p->row_i0[o], r1 = p->row_i1[o];
            // Make ra hold r0 and rb hold r1, reusing whichever is already there.
            if (ka != r0) {
                if (kb == r0) { float *t = ra; ra = rb; rb = t; int32_t kt = ka; ka = kb; kb = kt; }
                else { resample_row(p, f, xp + (size_t)r0 * iw, ra); ka = r0; }
            }
            if (kb != r1) {
                if (r1 == r0) { memcpy(rb, ra, ow * sizeof(float)); }
                else resample_row(p, f, xp + (size_t)r1 * iw, rb);
                kb = r1;
            }
            const float w0 = p->row_w0[o], w1 = p->row_w1[o];
            float *dst = yp + o * ow;
            for (size_t j = 0; j < ow; j++) dst[j] = w0 * ra[j] + w1 * rb[j];
        }
    }
}
