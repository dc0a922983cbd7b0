#ifndef CK_GGUF_H
#define CK_GGUF_H
/// Dot products of GGUF block-quantized weight rows with a quantized activation row, with the
/// dequantization fused in (the scheme llama.cpp uses): the activation row is quantized once per
/// matrix-vector product — to Q8_0 blocks (32 values, fp16 scale) for Q8_0/Q4_0 weights, Q8_1 (adds
/// s = d·Σq) for Q4_1, Q8_K (256 values, fp32 scale, 16 partial sums) for Q4_K/Q6_K — then every
/// weight block meets its activation block in integer arithmetic and one scale multiply.
///
/// Block layouts follow ggml (types by their GGUF type id):
///   Q4_0 (2): fp16 d, 16 bytes of nibbles; value j = d·((q_j) − 8), low nibbles are j < 16
///   Q4_1 (3): fp16 d, fp16 m, 16 bytes of nibbles; value = d·q + m
///   Q8_0 (8): fp16 d, 32 int8; value = d·q
///   Q4_K (12): 256 values: fp16 d, fp16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles
///   Q6_K (14): 256 values: 128 bytes low 4 bits, 64 bytes high 2 bits, 16 int8 scales, fp16 d
#include <stddef.h>
#include <stdint.h>

enum { CK_GGUF_Q4_0 = 2, CK_GGUF_Q4_1 = 3, CK_GGUF_Q8_0 = 8, CK_GGUF_Q4_K = 12, CK_GGUF_Q6_K = 14 };

/// Values per block of a weight type (32 or 256); 0 for an unsupported type.
int32_t ck_gguf_block_values(int wtype);
/// Bytes per block of a weight type; 0 for an unsupported type.
int32_t ck_gguf_block_bytes(int wtype);
/// Bytes of the quantized activation row for `n` values (n a multiple of the block size).
size_t ck_gguf_act_size(int wtype, int32_t n);
/// Quantizes x[0..n) into the activation format `wtype`'s dot product expects.
void ck_gguf_quantize_act(int wtype, const float *x, int32_t n, void *dst);
/// Σ over n values of W·x for one weight row (n a multiple of the block size).
float ck_gguf_dot(int isa, int wtype, int32_t n, const void *w_row, const void *act);
/// y[r] = Σ W[r]·x for r < rows, rows `row_bytes` apart.
void ck_gguf_matvec(int isa, int wtype, int32_t n, int32_t rows, const void *w, size_t row_bytes, const void *act, float *y);
/// Dequantizes one row (n values) to float.
void ck_gguf_dequantize_row(int wtype, int32_t n, const void *w_row, float *y);

/// Group-wise int4 weights: n values as nibbles (value 2i in the low nibble of byte i), one float
/// scale per group of `group` values and an optional zero point per group (uint8 0…15; NULL = 8):
/// value = scale·(q − zero). Dot with a float row.
float ck_int4g_dot(int isa, int32_t n, int32_t group, const uint8_t *q, const float *scales, const uint8_t *zeros,
                   const float *x);

float ck_fp16_to_fp32(uint16_t h);
uint16_t ck_fp32_to_fp16(float f);

#endif
