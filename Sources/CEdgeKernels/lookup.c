// Table lookups over 8-bit codes (see ck_lookup.h).
#include "ck_lookup.h"

void ck_lookup_8(const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y) {
    size_t i = 0;
    // Four independent loads per iteration; the table stays in L1.
    for (; i + 4 <= n; i += 4) {
        const uint8_t a = table[x[i]], b = table[x[i + 1]], c = table[x[i + 2]], d = table[x[i + 3]];
        y[i] = a;
        y[i + 1] = b;
        y[i + 2] = c;
        y[i + 3] = d;
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
