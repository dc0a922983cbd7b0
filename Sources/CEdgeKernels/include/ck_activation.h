#ifndef CK_ACTIVATION_H
#define CK_ACTIVATION_H
/// Activations applied in a kernel's epilogue (fused) or on their own, vectorized per ISA.
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CK_ACT_NONE = 0,
    CK_ACT_RELU = 1,
    CK_ACT_CLIP = 2,        ///< min(max(x, alpha), beta) (ReLU6 is alpha 0, beta 6); NaN passes through
    CK_ACT_HARDSWISH = 3,   ///< x · clip(alpha·x + beta, 0, 1), ONNX defaults alpha 1/6, beta 0.5
    CK_ACT_HARDSIGMOID = 4, ///< clip(alpha·x + beta, 0, 1)
    CK_ACT_LEAKYRELU = 5,   ///< x ≥ 0 ? x : alpha·x
    CK_ACT_SIGMOID = 6,     ///< 1 / (1 + e^-x)
    CK_ACT_SILU = 7,        ///< x · sigmoid(x)
    CK_ACT_TANH = 8,
    CK_ACT_EXP = 9,         ///< e^x (for Softmax and Exp)
} ck_act_kind;

typedef struct {
    int32_t kind;
    float alpha, beta;
} ck_activation;

/// What a GEMM-like kernel does to each output value after accumulating: + bias, then activation.
typedef struct {
    /// NULL, or one value per output row (`bias_per_row` = 1) or per output column.
    const float *bias;
    int32_t bias_per_row;
    ck_activation act;
} ck_epilogue;

/// y[i] = act(x[i] + bias) for i < n, where bias is `*bias_scalar` (if non-NULL) added to every element
/// or `bias_vector[i]` (if non-NULL); x and y may be the same.
void ck_activation_apply(int isa, const float *x, float *y, size_t n, const float *bias_scalar,
                         const float *bias_vector, ck_activation act);

#endif
