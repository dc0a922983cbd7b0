#ifndef CK_QLINEAR_H
#define CK_QLINEAR_H
/// Pieces of the ONNX integer graph ops (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger) around
/// the int8 GEMM of ck_qgemm.h: the patch matrix of a quantized convolution and the epilogue that applies
/// the zero-point corrections and ONNX's float requantization.
#include <stddef.h>
#include <stdint.h>

/// Patch matrix of one image and one group of a 3-D (NCDHW) convolution over 8-bit values.
///
/// Row r = output position (od, oh, ow) in row-major order; column (c, kd, kh, kw) in the weight's
/// [cin/group][kd][kh][kw] order. x points at the group's first channel; channel planes are `plane`
/// bytes apart. Taps that fall in the padding get `pad_value` (the input zero point, so they add nothing
/// once the zero point is subtracted). Bytes are copied unchanged (int8 or uint8).
void ck_qim2col(const uint8_t *x, int32_t channels, ptrdiff_t plane, const int32_t in[3], const int32_t ker[3],
                const int32_t stride[3], const int32_t dil[3], const int32_t pad[3], const int32_t out[3],
                uint8_t pad_value, uint8_t *dst, ptrdiff_t ldd);

/// Epilogue of an integer GEMM C = A·B (raw bytes, A read through a_xor as in ck_qgemm).
///
/// v = acc[i][j] + bias[j] − a_zero·col_sums[j] − b_zero[j]·row_sums[i] + k·a_zero·b_zero[j], in wrapping
/// 32-bit arithmetic (equal mod 2^32 to Σ (a − a_zero)(b − b_zero) + bias).
/// With multiplier == NULL the int32 v is stored. Otherwise y = round_half_even(v · multiplier[j]) + out_zero
/// (or round_half_even(v · multiplier[j] + out_zero) when zero_before_round), in double, saturated to
/// [out_min, out_max] and stored as int8 or uint8. Element (i, j) goes to out[i·out_rs + j·out_cs].
typedef struct {
    int32_t k;
    int32_t a_zero;
    const int32_t *col_sums;   ///< n entries, or NULL (zero)
    const int32_t *b_zero;     ///< n entries, or NULL (zero)
    const int32_t *bias;       ///< n entries, or NULL (zero)
    const double *multiplier;  ///< n entries, or NULL (int32 output)
    int32_t out_zero;
    int32_t out_min, out_max;
    int32_t out_unsigned;      ///< 1: uint8, 0: int8 (ignored for int32 output)
    int32_t zero_before_round;
} ck_qlinear_epilogue;

void ck_qlinear_store(int32_t m, int32_t n, const int32_t *acc, ptrdiff_t ld_acc, const int32_t *row_sums,
                      const ck_qlinear_epilogue *e, void *out, ptrdiff_t out_rs, ptrdiff_t out_cs);

/// Per-tensor QuantizeLinear from float32 with a float32 scale, as the reference computes it:
/// q = x / scale in float32, y = clamp(round_half_even(q) + zero, lo, hi); NaN gives 0.
void ck_quantize_f32(const float *x, size_t n, float scale, int32_t zero, int32_t lo, int32_t hi, int32_t out_unsigned,
                     void *y);

/// Per-tensor DequantizeLinear of 8-bit values with a float32 scale: y = ((float)x − (float)zero) · scale.
void ck_dequantize_8(const void *x, size_t n, int32_t in_unsigned, float scale, int32_t zero, float *y);

/// MaxPool over 8-bit NCDHW planes (planes = N·C, each in[0]·in[1]·in[2] bytes): the maximum of the taps
/// inside the input (padding is ignored); a window with no tap inside gets the type's minimum.
void ck_maxpool_8(const void *x, int32_t planes, int32_t is_signed, const int32_t in[3], const int32_t ker[3],
                  const int32_t stride[3], const int32_t dil[3], const int32_t pad[3], const int32_t out[3], void *y);

#endif
