#include "ck_activation.h"
#include "internal/ck_internal.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma"))), apply_to = function)
#define CK_REGION_WIDTH 16
#define CK_REGION_SUFFIX _512
#include "internal/isa_begin.inc"
#include "internal/vecmath.inc"
void ck_act_row_512(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b) {
    act_row_512(x, y, n, bs, bv, kind, a, b);
}
#include "internal/isa_end.inc"
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#define CK_REGION_WIDTH 8
#define CK_REGION_SUFFIX _256
#include "internal/isa_begin.inc"
#include "internal/vecmath.inc"
void ck_act_row_256(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b) {
    act_row_256(x, y, n, bs, bv, kind, a, b);
}
#include "internal/isa_end.inc"
#pragma clang attribute pop
#endif

#define CK_REGION_WIDTH 4
#define CK_REGION_SUFFIX _128
#include "internal/isa_begin.inc"
#include "internal/vecmath.inc"
void ck_act_row_128(const float *x, float *y, size_t n, const float *bs, const float *bv, int kind, float a, float b) {
    act_row_128(x, y, n, bs, bv, kind, a, b);
}
#include "internal/isa_end.inc"

void ck_activation_apply(int isa, const float *x, float *y, size_t n, const float *bias_scalar, const float *bias_vector,
                         ck_activation act) {
    switch (ck_float_level(isa)) {
#if defined(__x86_64__)
    case 2: ck_act_row_512(x, y, n, bias_scalar, bias_vector, act.kind, act.alpha, act.beta); return;
    case 1: ck_act_row_256(x, y, n, bias_scalar, bias_vector, act.kind, act.alpha, act.beta); return;
#endif
    default: ck_act_row_128(x, y, n, bias_scalar, bias_vector, act.kind, act.alpha, act.beta); return;
    }
}
