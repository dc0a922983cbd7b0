#ifndef CK_POOL_NHWC_H
#define CK_POOL_NHWC_H
/// Max pooling over NHWC float32 (TFLite's layout), one image: for each output pixel the in-image taps of
/// its window combined channel by channel as the reference does (`v > m` replaces, a NaN once seen stays
/// NaN; a window with no in-image tap gives −∞). Output rows [oy0, oy1).
#include <stdint.h>
#include "ck_conv.h"

void ck_maxpool_nhwc(int isa, const ck_conv2d_params *p, const float *x, float *y, int32_t oy0, int32_t oy1);
#endif
