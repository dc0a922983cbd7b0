#ifndef CK_LOOKUP_H
#define CK_LOOKUP_H
/// Table lookups over 8-bit codes: the quantized glue of QOperator graphs run on codes (IntegerGlue).
#include <stddef.h>
#include <stdint.h>

/// y[i] = table[x[i]] for 8-bit codes and a 256-byte table (int8 codes indexed by their byte).
void ck_lookup_8(const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y);

/// y[i] = table[x[i]] with a 256-entry float table.
void ck_lookup_f32(const uint8_t *x, size_t n, const float *table, float *y);

#endif
