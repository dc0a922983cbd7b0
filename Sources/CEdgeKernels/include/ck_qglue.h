#ifndef CK_QGLUE_H
#define CK_QGLUE_H
/// A binary op between two dequantized tensors, requantized (ResNet's residual Sum → Relu, PP-OCR's residual
/// Add): the plan's own kernels (ck_dequantize_8, ck_binary_runs with its activation, ck_quantize_f32) run
/// on blocks of 1024 elements that stay in L1, so every element gets exactly the unfused arithmetic.
/// b may be float32 already (`b_float`: ResNet's identity path, which stays float); `y_float`, when not
/// NULL, receives the float result too (the activation's output, read as float by the next residual Sum).
#include <stddef.h>
#include <stdint.h>
#include "ck_activation.h"

typedef struct {
    int32_t a_unsigned, b_unsigned, out_unsigned;
    int32_t b_float;  ///< 1: b is float32 (b_unsigned, b_scale, b_zero unused)
    float a_scale, b_scale, y_scale;
    int32_t a_zero, b_zero, y_zero;
    int32_t lo, hi;
    int32_t op;  ///< ck_binary_op
    ck_activation act;
} ck_qglue_binary;

void ck_qglue_binary_run(int isa, const ck_qglue_binary *p, const void *a, const void *b, size_t n, void *y, float *y_float);

#endif
