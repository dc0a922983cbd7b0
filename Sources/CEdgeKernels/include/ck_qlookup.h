#ifndef CK_QLOOKUP_H
#define CK_QLOOKUP_H
/// Table lookups over 8-bit codes: the quantized glue of QOperator graphs run on codes (IntegerGlue).
#include <stddef.h>
#include <stdint.h>
#include "ck_qlinear.h"

/// y[i] = table[x[i]] for 8-bit codes and a 256-byte table (int8 codes indexed by their byte).
void ck_lookup_8(const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y);

/// ck_lookup_8 at a given ISA level (ck_lookup_8 takes ck_isa_selected()): AVX-512 with VBMI, AVX2, or
/// portable C, each where the CPU has it (tests run every level the CPU supports).
void ck_lookup_8_isa(int isa, const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y);

/// y[i] = table[x[i]] with a 256-entry float table.
void ck_lookup_f32(const uint8_t *x, size_t n, const float *table, float *y);

/// Global average pooling of codes through a float table: y[p] = (Σₖ table[x[p·size + k]]) / size, the sum
/// in float32 in order k = 0, 1, … — ck_global_avgpool's arithmetic on the looked-up values, bit for bit.
/// Eight planes are summed side by side (independent chains), which is where the speed comes from.
void ck_lookup_gap_f32(const uint8_t *x, int32_t planes, int32_t size, const float *table, float *y);

/// QuantizeLinear of table[x] · gate[plane] (a squeeze-excitation gate per N·C plane of `size` codes): the
/// product in float32, then ck_quantize_f32 itself on blocks of it, so the result is the unfused
/// Mul → QuantizeLinear's bit for bit. A plane of at least CK_PLANE_TABLE_MIN codes quantizes the products
/// of the codes between its least and greatest once (the same float product and ck_quantize_f32) and then
/// looks its codes up (ck_lookup_8): the per-code gather, multiply and division cost more than that above
/// about 100 codes. `in_unsigned`: x holds uint8 codes (else int8), which orders them for that range.
#define CK_PLANE_TABLE_MIN 128
void ck_lookup_mul_quantize(const uint8_t *x, int32_t in_unsigned, int32_t planes, int32_t size, const float *table,
                            const float *gate, float scale, int32_t zero, int32_t lo, int32_t hi, int32_t out_unsigned,
                            uint8_t *y);

/// One piece of a float table over the ordered code w = byte ^ flip (flip 0x80 for int8 codes, 0 for uint8):
/// for lo ≤ w ≤ hi, |table − (a + b·t + c·t²)| ≤ eps with t = w − lo (the polynomial taken exactly, in
/// real arithmetic); |table| ≤ mag there, and same_sign says the entries are all ≥ 0 or all ≤ 0. `degree`
/// (0, 1, 2) says which of b and c may be nonzero; −1 marks a piece whose entries are all ±0.
typedef struct {
    int32_t lo, hi, degree, same_sign;
    double a, b, c, eps, mag;
} ck_table_piece;

/// Largest plane ck_lookup_gap_quantize settles by pieces (its Σw² lanes are int32).
#define CK_POOL_PIECES_MAX_SIZE (1 << 18)

/// QuantizeLinear (per tensor: scale, zero, clamped to [lo, hi]) of ck_lookup_gap_f32's means, bit for bit.
/// The ordered float sum costs a table load and a dependent add per code; instead, with the table given as
/// pieces (covering 0…255 in order), the exact Σ table over a plane follows from each piece's count, Σt and
/// Σt² (integers, by SIMD) within Σ n·eps, and the ordered float sum lies within γ(size − 1)·Σ|table| of it.
/// Division by the size and quantization never decrease as the sum grows, so when both ends of that bracket
/// give one code, the ordered sum gives it too. Other planes (near a rounding boundary) take the ordered
/// sum. Returns how many planes did.
int32_t ck_lookup_gap_quantize(const uint8_t *x, int32_t planes, int32_t size, const float *table, uint8_t flip,
                               const ck_table_piece *pieces, int32_t npieces, float scale, int32_t zero, int32_t lo,
                               int32_t hi, int32_t out_unsigned, uint8_t *y);

#endif
