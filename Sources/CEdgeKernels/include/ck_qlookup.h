#ifndef CK_QLOOKUP_H
#define CK_QLOOKUP_H
/// Table lookups over 8-bit codes: the quantized glue of QOperator graphs run on codes (IntegerGlue).
#include <stddef.h>
#include <stdint.h>
#include "ck_qlinear.h"

/// y[i] = table[x[i]] for 8-bit codes and a 256-byte table (int8 codes indexed by their byte).
void ck_lookup_8(const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y);

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

#endif
