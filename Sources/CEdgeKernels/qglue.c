// Dequantize → binary op → quantize in L1 blocks (see ck_qglue.h).
#include "ck_qglue.h"
#include "ck_eltwise.h"
#include "ck_qlinear.h"

void ck_qglue_binary_run(int isa, const ck_qglue_binary *p, const void *a, const void *b, size_t n, void *y, float *y_float) {
    float ta[1024], tb[1024], tc[1024];
    const int64_t zero_offset = 0;
    for (size_t k = 0; k < n; k += 1024) {
        const size_t m = n - k < 1024 ? n - k : 1024;
        ck_dequantize_8((const uint8_t *)a + k, m, p->a_unsigned, p->a_scale, p->a_zero, ta);
        const float *fb = tb;
        if (p->b_float) fb = (const float *)b + k;
        else ck_dequantize_8((const uint8_t *)b + k, m, p->b_unsigned, p->b_scale, p->b_zero, tb);
        float *fc = y_float ? y_float + k : tc;
        ck_binary_runs(isa, p->op, 1, (int32_t)m, ta, &zero_offset, 1, fb, &zero_offset, 1, fc, p->act);
        ck_quantize_f32(fc, m, p->y_scale, p->y_zero, p->lo, p->hi, p->out_unsigned, (uint8_t *)y + k);
    }
}
