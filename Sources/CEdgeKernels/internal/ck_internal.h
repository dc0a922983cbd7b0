#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "ck_activation.h"
#include "ck_cpu.h"

#define CK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CK_MAX(a, b) ((a) > (b) ? (a) : (b))

/// The float kernel families use three widths: AVX-512 (16 lanes), AVX2 (8), portable (4).
static inline int ck_float_level(int isa) {
    if (isa >= CK_ISA_AVX512) return 2;
    if (isa >= CK_ISA_AVX2) return 1;
    return 0;
}

/// Per-ISA activation rows (defined in activation.c).
void ck_act_row_512(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b);
void ck_act_row_256(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b);
void ck_act_row_128(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b);
#endif
