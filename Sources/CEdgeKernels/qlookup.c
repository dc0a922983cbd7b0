// Table lookups over 8-bit codes (see ck_qlookup.h).
#include "ck_qlookup.h"
#include <string.h>

void ck_lookup_8(const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y) {
    size_t i = 0;
    // Eight codes read as one word, eight table loads, one 8-byte store. Shift k of the word is memory
    // byte k on little-endian hosts and byte 7 − k on big-endian ones; load and store agree either way.
    for (; i + 8 <= n; i += 8) {
        uint64_t c, v = 0;
        memcpy(&c, x + i, 8);
        for (int k = 0; k < 8; k++) v |= (uint64_t)table[(c >> (8 * k)) & 0xFF] << (8 * k);
        memcpy(y + i, &v, 8);
    }
    for (; i < n; i++) y[i] = table[x[i]];
}

void ck_lookup_f32(const uint8_t *x, size_t n, const float *table, float *y) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float a = table[x[i]], b = table[x[i + 1]], c = table[x[i + 2]], d = table[x[i + 3]];
        y[i] = a;
        y[i + 1] = b;
        y[i + 2] = c;
        y[i + 3] = d;
    }
    for (; i < n; i++) y[i] = table[x[i]];
}

void ck_lookup_gap_f32(const uint8_t *x, int32_t planes, int32_t size, const float *table, float *y) {
    int32_t p = 0;
    for (; p + 8 <= planes; p += 8) {
        float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        const uint8_t *r = x + (size_t)p * (size_t)size;
        for (int32_t k = 0; k < size; k++)
            for (int j = 0; j < 8; j++) s[j] += table[r[(size_t)j * (size_t)size + (size_t)k]];
        for (int j = 0; j < 8; j++) y[p + j] = s[j] / (float)size;
    }
    for (; p < planes; p++) {
        const uint8_t *r = x + (size_t)p * (size_t)size;
        float s = 0;
        for (int32_t k = 0; k < size; k++) s += table[r[k]];
        y[p] = s / (float)size;
    }
}

void ck_lookup_mul_quantize(const uint8_t *x, int32_t planes, int32_t size, const float *table, const float *gate,
                            float scale, int32_t zero, int32_t lo, int32_t hi, int32_t out_unsigned, uint8_t *y) {
    float tmp[1024];
    for (int32_t p = 0; p < planes; p++) {
        const float g = gate[p];
        const uint8_t *xp = x + (size_t)p * (size_t)size;
        uint8_t *yp = y + (size_t)p * (size_t)size;
        for (int32_t k0 = 0; k0 < size; k0 += 1024) {
            const int32_t n = size - k0 < 1024 ? size - k0 : 1024;
            for (int32_t k = 0; k < n; k++) tmp[k] = table[xp[k0 + k]] * g;
            ck_quantize_f32(tmp, (size_t)n, scale, zero, lo, hi, out_unsigned, yp + k0);
        }
    }
}
