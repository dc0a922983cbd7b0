#ifndef CK_POOL_H
#define CK_POOL_H
/// 2-D max and average pooling (NCHW; 1-D as H = 1) and global average pooling.
///
/// Each channel plane is copied once into `sw` padded phase planes (as in depthwise convolution), so
/// every window tap reads a contiguous run for any stride. Max pooling pads with −∞ (so a window of −∞ gives
/// −∞, as the reference does) and keeps a NaN once seen; average pooling pads with 0 and divides output
/// (oy, ox) by row_count[oy] · col_count[ox], the caller's per-axis count of window positions that count
/// (inside the input, or inside the padded input with count_include_pad).
#include <stddef.h>
#include <stdint.h>
#include "ck_activation.h"

typedef struct {
    int32_t n, c, h, w;
    int32_t kh, kw, sh, sw, dh, dw;
    int32_t pad_top, pad_left;
    int32_t oh, ow;
} ck_pool2d_params;

size_t ck_pool2d_workspace_size(const ck_pool2d_params *p);
void ck_maxpool2d(int isa, const ck_pool2d_params *p, ck_activation act, const float *x, float *y, float *ws);
void ck_avgpool2d(int isa, const ck_pool2d_params *p, const float *row_count, const float *col_count, ck_activation act,
                  const float *x, float *y, float *ws);
/// y[i] = mean of x[i·size … (i+1)·size) for i < planes.
void ck_global_avgpool(int isa, int32_t planes, int32_t size, const float *x, float *y);

#endif
