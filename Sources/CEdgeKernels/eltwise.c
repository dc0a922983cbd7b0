#include "ck_eltwise.h"
#include "internal/ck_internal.h"

static inline __attribute__((always_inline)) float apply_op(int op, float x, float y) {
    switch (op) {
    case CK_BIN_ADD: return x + y;
    case CK_BIN_SUB: return x - y;
    case CK_BIN_MUL: return x * y;
    case CK_BIN_DIV: return x / y;
    case CK_BIN_MAX: return (x != x || x > y) ? x : y;
    default: return (x != x || x < y) ? x : y;
    }
}

/// One run, specialised on the operand steps so the common cases vectorize.
static inline __attribute__((always_inline)) void run_body(int op, int32_t len, const float *restrict a, int32_t as,
                                                           const float *restrict b, int32_t bs, float *restrict y) {
    if (as && bs) {
        for (int32_t i = 0; i < len; i++) y[i] = apply_op(op, a[i], b[i]);
    } else if (as) {
        float v = b[0];
        for (int32_t i = 0; i < len; i++) y[i] = apply_op(op, a[i], v);
    } else if (bs) {
        float v = a[0];
        for (int32_t i = 0; i < len; i++) y[i] = apply_op(op, v, b[i]);
    } else {
        float v = apply_op(op, a[0], b[0]);
        for (int32_t i = 0; i < len; i++) y[i] = v;
    }
}

static inline __attribute__((always_inline)) void runs_body(int op, int32_t runs, int32_t len, const float *a, const int64_t *ao,
                                                            int32_t as, const float *b, const int64_t *bo, int32_t bs, float *y) {
    for (int32_t r = 0; r < runs; r++) {
        float *yr = y + (size_t)r * len;
        const float *ar = a + ao[r], *br = b + bo[r];
        switch (op) {
        case CK_BIN_ADD: run_body(CK_BIN_ADD, len, ar, as, br, bs, yr); break;
        case CK_BIN_SUB: run_body(CK_BIN_SUB, len, ar, as, br, bs, yr); break;
        case CK_BIN_MUL: run_body(CK_BIN_MUL, len, ar, as, br, bs, yr); break;
        case CK_BIN_DIV: run_body(CK_BIN_DIV, len, ar, as, br, bs, yr); break;
        case CK_BIN_MAX: run_body(CK_BIN_MAX, len, ar, as, br, bs, yr); break;
        default: run_body(CK_BIN_MIN, len, ar, as, br, bs, yr); break;
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
static void runs_512(int op, int32_t runs, int32_t len, const float *a, const int64_t *ao, int32_t as, const float *b,
                     const int64_t *bo, int32_t bs, float *y) {
    runs_body(op, runs, len, a, ao, as, b, bo, bs, y);
}
__attribute__((target("avx2,fma")))
static void runs_256(int op, int32_t runs, int32_t len, const float *a, const int64_t *ao, int32_t as, const float *b,
                     const int64_t *bo, int32_t bs, float *y) {
    runs_body(op, runs, len, a, ao, as, b, bo, bs, y);
}
#endif
static void runs_128(int op, int32_t runs, int32_t len, const float *a, const int64_t *ao, int32_t as, const float *b,
                     const int64_t *bo, int32_t bs, float *y) {
    runs_body(op, runs, len, a, ao, as, b, bo, bs, y);
}

void ck_binary_runs(int isa, int op, int32_t runs, int32_t len, const float *a, const int64_t *a_off, int32_t a_step,
                    const float *b, const int64_t *b_off, int32_t b_step, float *y, ck_activation act) {
    switch (ck_float_level(isa)) {
#if defined(__x86_64__)
    case 2: runs_512(op, runs, len, a, a_off, a_step, b, b_off, b_step, y); break;
    case 1: runs_256(op, runs, len, a, a_off, a_step, b, b_off, b_step, y); break;
#endif
    default: runs_128(op, runs, len, a, a_off, a_step, b, b_off, b_step, y); break;
    }
    if (act.kind != CK_ACT_NONE) ck_activation_apply(isa, y, y, (size_t)runs * len, 0, 0, act);
}
