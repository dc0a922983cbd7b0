#ifndef CK_QCONV_H
#define CK_QCONV_H
/// Quantized 2-D convolution (NCHW, 8-bit input and weights, exact int32 sums) with the requantization
/// fused into the store: the integer counterpart of ck_conv.h.
///
/// GEMM form per image and group: Y[Cout/g × OH·OW] = W[Cout/g × K] · P[K × OH·OW], weights as the A
/// operand packed once — on AVX2 as s8 quads for vpmaddubsw with an exact sparse remainder when the weights
/// allow it (channels centred on their midrange where that helps), else as k pairs of int16 for vpmaddwd —
/// and the patch matrix P written block by block into
/// panels of the same form (a 1×1 stride-1 convolution reads X rows directly), K in chunks when long. Every output
/// element is v = Σ_p w·x' + c0[j] − b_zero[j]·Σ_p x' in wrapping int32, where x' = x ^ x_xor read as
/// int8 (uint8 inputs become x − 128) and padding taps read `pad_byte` — the caller folds the zero
/// points into c0 (bias − a_zero·Σw + k·a_zero·b_zero). Then, as the ONNX reference computes it,
/// y = clamp(round_half_even(v · multiplier[j] + out_zero)) in double, stored as int8 or uint8 — or v
/// itself as int32 when multiplier is NULL (ConvInteger). Results do not depend on the ISA or on how
/// the call is split into parts.
#include <stddef.h>
#include <stdint.h>
#include "ck_conv.h"

typedef struct {
    const int32_t *c0;          ///< Cout entries (all groups)
    const int32_t *b_zero;      ///< Cout entries, or NULL when every weight zero point is 0
    const double *multiplier;   ///< Cout entries, or NULL: int32 output
    int32_t out_zero, out_min, out_max;
    int32_t out_unsigned;       ///< 1: uint8 output, 0: int8
    /// 1 when [out_min, out_max] is the output type's whole range and |v·multiplier + out_zero| < 2^31 for
    /// every int32 v: then the saturating int32 → 16 → 8-bit packs clamp exactly and the double clamp is skipped.
    int32_t packs_clamp;
    /// 1 when every multiplier is a float32 value (24 significant bits) of magnitude 0 or ≥ 2^-19, with
    /// packs_clamp: then for |v| < 2^29 the product v·multiplier is exact in double, so one fused
    /// multiply-add rounds exactly as the reference's multiply, then add; for larger |v| the value is past
    /// ±768 and saturates either way. The requantization may then use an FMA.
    int32_t fma_exact;
    /// TFLite's requantization instead of `multiplier` when non-NULL (Cout entries each):
    /// y = clamp(MultiplyByQuantizedMultiplier(v, q_mult[j], q_shift[j]) + out_zero, out_min, out_max) in
    /// int32 — gemmlowp's two roundings (SaturatingRoundingDoublingHighMul, RoundingDivideByPOT), or with
    /// q_single_rounding one: (v·q_mult + 2^(30 − shift)) >> (31 − shift) in int64 (LiteRT's
    /// FULLY_CONNECTED). `multiplier` is ignored; packs_clamp must be 0.
    const int32_t *q_mult;
    const int32_t *q_shift;
    int32_t q_single_rounding;
    /// Set by ck_qconv_part and ck_qdwconv_part (callers leave 0): the FPU's conversions round to nearest
    /// even, so the double requantization may convert without an explicit round (same result).
    int32_t cvt_rounds_even;
} ck_qconv_epilogue;

/// Bytes of packed weights for the GEMM path (p->nhwc must be 0).
size_t ck_qconv_packed_weights_size(int isa, const ck_conv2d_params *p);
/// Packs W, int8 [Cout][K] (OIHW flattened), for the GEMM path.
void ck_qconv_pack_weights(int isa, const ck_conv2d_params *p, const int8_t *w, void *dst);
/// 1 when packed weights use the u8 × s8 quads form (AVX2, weights whose pairs mostly stay within ±128
/// in sum; see qconv.c), 0 for int16 pairs.
int ck_qconv_packed_uses_quads(const void *packed_w);
/// Bytes of scratch one part of the GEMM path needs.
size_t ck_qconv_workspace_size(int isa, const ck_conv2d_params *p);
/// Part `part` of `parts` of the convolution (X raw bytes, N·C·H·W; Y N·Cout·OH·OW of int8/uint8/int32).
void ck_qconv_part(int isa, const ck_conv2d_params *p, const void *packed_w, const ck_qconv_epilogue *e, uint8_t x_xor,
                   uint8_t pad_byte, const uint8_t *x, void *y, void *workspace, int32_t part, int32_t parts);

/// Depthwise (group = C = Cout): w is [C][KH·KW] int16 holding w − b_zero, a_zero the input zero point in
/// the x' domain (x ^ x_xor as int8); v = Σ (x' − a_zero)(w − b_zero) + c0[c] (padding adds nothing),
/// then the epilogue as above (e->b_zero is ignored). Parts split the N·C channel planes.
size_t ck_qdwconv_workspace_size(const ck_conv2d_params *p);
void ck_qdwconv_part(int isa, const ck_conv2d_params *p, const int16_t *w, const ck_qconv_epilogue *e, uint8_t x_xor,
                     int32_t a_zero, const uint8_t *x, void *y, void *workspace, int32_t part, int32_t parts);

/// TFLite's int8/uint8 ADD of two same-shaped tensors (LiteRT's reference arithmetic): each input
/// `MBQM((x − zero) << left_shift, mult, shift)`, their sum `MBQM(·, y_mult, y_shift) + y_zero`, clamped.
typedef struct {
    int32_t a_zero, a_mult, a_shift, b_zero, b_mult, b_shift, y_mult, y_shift, y_zero, lo, hi, left_shift;
    int32_t a_unsigned, b_unsigned, y_unsigned;
} ck_tfl_add_params;
void ck_tfl_add(int isa, int64_t n, const uint8_t *a, const uint8_t *b, uint8_t *y, const ck_tfl_add_params *p);

/// Byte matrix transpose: dst[c·rows + r] = src[r·cols + c] (NHWC ↔ NCHW of one image).
void ck_transpose_u8(int64_t rows, int64_t cols, const uint8_t *src, uint8_t *dst);

#endif
