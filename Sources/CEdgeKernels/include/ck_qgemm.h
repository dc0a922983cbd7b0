#ifndef CK_QGEMM_H
#define CK_QGEMM_H
/// Integer GEMM, int8 × int8 → int32, exact, and the fixed-point requantization epilogue.
///
/// C[i][j] = Σ_k A[i][k] · B[k][j] over signed 8-bit values with 32-bit accumulation (no saturation
/// anywhere: the AVX2 path multiplies int16 pairs with vpmaddwd; the VNNI paths use vpdpbusd on
/// A + 128 as unsigned and subtract 128·Σ_k B[k][j]). uint8 operands are handled by the caller by
/// flipping the top bit (a − 128) and shifting its zero point by −128. B (the weights) is packed
/// once per ISA; A is read in place, rows `lda` apart.
#include <stddef.h>
#include <stdint.h>

/// Micro-tile shape of `isa`'s int8 kernel.
void ck_qgemm_tile(int isa, int32_t *mr, int32_t *nr);
/// Bytes of packed B for a k×n int8 B.
size_t ck_qgemm_packed_b_size(int isa, int32_t k, int32_t n);
/// Packs B(p, j) = b[p·rs + j·cs]; writes Σ_p B(p, j) into col_sums[j] when col_sums is not NULL.
void ck_qgemm_pack_b(int isa, int32_t k, int32_t n, const int8_t *b, ptrdiff_t rs, ptrdiff_t cs, void *dst,
                     int32_t *col_sums);
/// Bytes of scratch ck_qgemm needs for k.
size_t ck_qgemm_workspace_size(int isa, int32_t k);
/// C = A · B (int32), C(i, j) = c[i·ldc + j]. `a_xor` is XORed into every A byte as it is read: 0 for
/// int8 A, 0x80 for uint8 A (which then reads as a − 128).
void ck_qgemm(int isa, int32_t m, int32_t n, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t a_xor,
              const void *packed_b, int32_t *c, ptrdiff_t ldc, void *workspace);

/// TFLite's MultiplyByQuantizedMultiplier (reference_ops, double rounding): x · M · 2^shift where
/// M = multiplier / 2^31, via SaturatingRoundingDoublingHighMul then RoundingDivideByPOT. `shift` > 0
/// shifts left before the multiply, < 0 divides (rounding half away from zero) after it.
int32_t ck_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift);

/// Per-output-channel requantization of int32 accumulators to 8 bits.
///
/// v = acc[i][j] + bias[j] − a_zero·col_sums[j] − b_zero[j]·row_sums[i] + k·a_zero·b_zero[j];
/// out[i][j] = clamp(out_zero + MBQM(v, multiplier[j], shift[j]), act_min, act_max).
/// Arrays indexed by j have one entry when the matching per_channel flag is 0. NULL bias / col_sums /
/// row_sums / b_zero mean zero.
typedef struct {
    int32_t k;
    const int32_t *bias;
    const int32_t *multiplier;
    const int32_t *shift;
    int32_t quant_per_channel;
    int32_t a_zero;
    const int32_t *col_sums;
    const int32_t *b_zero;
    int32_t b_zero_per_channel;
    int32_t out_zero;
    int32_t act_min, act_max;
    int32_t out_unsigned; ///< 1: store uint8, else int8
} ck_requant_params;

/// Requantizes an m×n block (acc rows ld_acc apart) into out (rows ldo apart).
void ck_requantize(int isa, int32_t m, int32_t n, const int32_t *acc, ptrdiff_t ld_acc, const int32_t *row_sums,
                   const ck_requant_params *p, void *out, ptrdiff_t ldo);

/// row_sums[i] = Σ_p (A[i][p] ^ a_xor) as int8, for the b_zero correction.
void ck_qrow_sums(int32_t m, int32_t k, const int8_t *a, ptrdiff_t lda, uint8_t a_xor, int32_t *row_sums);

#endif
