#ifndef CK_ELTWISE_H
#define CK_ELTWISE_H
/// Float binary ops over contiguous runs with per-operand stride 0 (broadcast) or 1, then an
/// optional activation: the inner loop of NumPy-broadcast Add/Sub/Mul/Div once the caller has
/// split the output into runs along which each operand is either constant or contiguous.
#include <stddef.h>
#include <stdint.h>
#include "ck_activation.h"

typedef enum { CK_BIN_ADD = 0, CK_BIN_SUB = 1, CK_BIN_MUL = 2, CK_BIN_DIV = 3, CK_BIN_MAX = 4, CK_BIN_MIN = 5 } ck_binary_op;

/// For r < runs: y[r·len + i] = act(a[a_off[r] + i·a_step] op b[b_off[r] + i·b_step]) for i < len,
/// with a_step, b_step ∈ {0, 1}.
void ck_binary_runs(int isa, int op, int32_t runs, int32_t len, const float *a, const int64_t *a_off, int32_t a_step,
                    const float *b, const int64_t *b_off, int32_t b_step, float *y, ck_activation act);

#endif
