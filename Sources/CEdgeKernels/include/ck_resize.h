#ifndef CK_RESIZE_H
#define CK_RESIZE_H
/// 2-D resampling of NCHW planes with per-axis two-tap tables (nearest and linear Resize).
///
/// Output row o reads input rows row_i0[o], row_i1[o] with weights row_w0[o], row_w1[o]; output column j
/// reads columns col_i0[j], col_i1[j] with col_w0[j], col_w1[j]. A NULL weight array means that axis is
/// nearest: one tap, copied exactly (bit for bit, as the reference kernel's weight-1 tap). Each distinct
/// input row is resampled horizontally once; repeated output rows of nearest are copies of the previous one.
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int32_t planes, ih, iw, oh, ow;
    const int32_t *row_i0, *row_i1;
    const float *row_w0, *row_w1;   // NULL: nearest rows
    const int32_t *col_i0, *col_i1;
    const float *col_w0, *col_w1;   // NULL: nearest columns
} ck_resize2d_params;

/// Floats of scratch `ck_resize2d` needs (two horizontally resampled rows).
size_t ck_resize2d_workspace_size(const ck_resize2d_params *p);
/// Resamples planes [plane_begin, plane_end) of x (planes × ih × iw) into y (planes × oh × ow).
void ck_resize2d(const ck_resize2d_params *p, int32_t plane_begin, int32_t plane_end, const float *x, float *y,
                 float *ws);

#endif
