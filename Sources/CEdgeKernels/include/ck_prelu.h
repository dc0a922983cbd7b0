#ifndef CK_PRELU_H
#define CK_PRELU_H
/// PRelu over float32: y = x < 0 ? x · slope : x (the reference's expression, element for element).
#include <stdint.h>

/// `rows` rows of `cols` values, slope[c] per column (TFLite's NHWC slope over the channel axis).
void ck_prelu_columns(int isa, int64_t rows, int64_t cols, const float *x, const float *slope, float *y);
/// `blocks` blocks of `len` values, block b scaled by slope[b % nslope] (ONNX's [C,1,1] slope over NCHW planes;
/// nslope = 1: one slope for everything).
void ck_prelu_blocks(int isa, int64_t blocks, int64_t len, int64_t nslope, const float *x, const float *slope, float *y);
#endif
