#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "ck_activation.h"
#include "ck_cpu.h"

#define CK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CK_MAX(a, b) ((a) > (b) ? (a) : (b))

/// The float kernel families use three widths: AVX-512 (16 lanes), AVX2 (8), portable (4).
static inline int ck_float_level(int isa) {
    if (isa >= CK_ISA_AVX512) return 2;
    if (isa >= CK_ISA_AVX2) return 1;
    return 0;
}

/// Whether a kernel asked for `isa` may take its AVX2 path: asked for at least AVX2 and this CPU has it
/// (always false off x86-64, where the portable path runs).
static inline int ck_avx2_on(int isa) {
#if defined(__x86_64__)
    return isa >= CK_ISA_AVX2 && ck_isa_supported(CK_ISA_AVX2);
#else
    (void)isa;
    return 0;
#endif
}

/// One row of a phase plane (depthwise convolution, pooling): dst[q] = src[q·sw + fx − pad_left] where that
/// column is inside the input row of w values, `pad` elsewhere. The inside range is worked out once, so the
/// copy itself has no per-element test.
static inline void ck_phase_row(const float *src, float *dst, int32_t cols, int32_t sw, int32_t fx, int32_t pad_left,
                                int32_t w, float pad) {
    int32_t s = fx - pad_left;  // input column of q is q·sw + s
    int32_t lo = s >= 0 ? 0 : (-s + sw - 1) / sw;
    int32_t hi = w - 1 - s >= 0 ? (w - 1 - s) / sw + 1 : 0;
    lo = CK_MIN(lo, cols);
    hi = CK_MIN(CK_MAX(hi, lo), cols);
    for (int32_t q = 0; q < lo; q++) dst[q] = pad;
    if (sw == 1) {
        for (int32_t q = lo; q < hi; q++) dst[q] = src[q + s];
    } else {
        for (int32_t q = lo; q < hi; q++) dst[q] = src[q * sw + s];
    }
    for (int32_t q = hi; q < cols; q++) dst[q] = pad;
}

/// Floats per phase plane of `rows` × `cols`, with one spare padding row: wide-output columns past the last
/// row's end read it.
static inline size_t ck_phase_plane_size(int32_t rows, int32_t cols) { return ((size_t)rows + 1) * (size_t)cols; }

/// Where a window tap at padded offset (offy, offx) starts in ``ck_phase_planes``' output: phase
/// (offy % sh, offx % sw) shifted by (offy / sh, offx / sw), so the whole wide output reads one run.
static inline size_t ck_phase_tap(size_t per_phase, int32_t cols, int32_t sh, int32_t sw, int32_t offy, int32_t offx) {
    return (size_t)((offy % sh) * sw + offx % sw) * per_phase + (size_t)(offy / sh) * cols + offx / sw;
}

/// The sh·sw phase planes of one h × w input plane (depthwise convolution, pooling): plane (fy, fx) row q is
/// input row q·sh + fy − pad_top sampled by ``ck_phase_row``, rows outside the input and the spare row all
/// `pad`. With the planes, every filter tap is one long loop over the wide output.
static inline void ck_phase_planes(const float *plane, float *ph, int32_t rows, int32_t cols, int32_t h, int32_t w,
                                   int32_t sh, int32_t sw, int32_t pad_top, int32_t pad_left, float pad) {
    size_t per_phase = ck_phase_plane_size(rows, cols);
    for (int32_t fy = 0; fy < sh; fy++) {
        for (int32_t fx = 0; fx < sw; fx++) {
            float *base = ph + (size_t)(fy * sw + fx) * per_phase;
            for (int32_t q = 0; q < rows; q++) {
                int32_t iy = q * sh + fy - pad_top;
                float *dst = base + (size_t)q * cols;
                if (iy < 0 || iy >= h) {
                    for (int32_t k = 0; k < cols; k++) dst[k] = pad;
                    continue;
                }
                ck_phase_row(plane + (size_t)iy * w, dst, cols, sw, fx, pad_left, w, pad);
            }
            float *spare = base + (size_t)rows * cols;
            for (int32_t k = 0; k < cols; k++) spare[k] = pad;
        }
    }
}

/// Per-ISA activation rows (defined in activation.c).
void ck_act_row_512(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b);
void ck_act_row_256(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b);
void ck_act_row_128(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b);
#endif
