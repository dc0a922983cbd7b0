// Table lookups over 8-bit codes (see ck_qlookup.h).
#include "ck_qlookup.h"
#include <string.h>
#include "ck_cpu.h"
#if defined(__x86_64__)
#include <immintrin.h>

/// Thirty-two lookups in a 256-byte table with `vpshufb`, which indexes a 16-byte row by each byte's low
/// nibble and gives 0 where the index byte's top bit is set. With c7 = c & 0x7F and index c7 − 16i for row i
/// of a 128-entry half, rows 0…row(c7) answer and the rows above give 0; holding each row XOR the row below
/// it, the XOR of the answers telescopes to the entry. Both halves share the indices, and c's top bit picks
/// between them (`vpblendvb` reads exactly that bit). Forty-one single-cycle instructions for 32 codes; the
/// earlier form, a compare and a blend per row (fifteen blends in a chain), took 1.27× as long (its share of
/// PP-OCR cls's int8 run: 8.3 % → 6.5 %). The scalar loop pays a load and a store per code (cls's 19
/// TableLookups: 102 µs scalar, 48 µs with the blend form).
__attribute__((target("avx2"))) static size_t lookup_8_avx2(const uint8_t *x, size_t n, const uint8_t *table,
                                                             uint8_t *y) {
    __m256i lo[8], hi[8];
    for (int k = 0; k < 8; k++) {
        __m128i l = _mm_loadu_si128((const __m128i *)(table + 16 * k));
        __m128i h = _mm_loadu_si128((const __m128i *)(table + 128 + 16 * k));
        if (k > 0) {
            l = _mm_xor_si128(l, _mm_loadu_si128((const __m128i *)(table + 16 * (k - 1))));
            h = _mm_xor_si128(h, _mm_loadu_si128((const __m128i *)(table + 128 + 16 * (k - 1))));
        }
        lo[k] = _mm256_broadcastsi128_si256(l);
        hi[k] = _mm256_broadcastsi128_si256(h);
    }
    const __m256i low7 = _mm256_set1_epi8(0x7F), sixteen = _mm256_set1_epi8(16);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i c = _mm256_loadu_si256((const __m256i *)(x + i));
        __m256i idx = _mm256_and_si256(c, low7);
        __m256i rl = _mm256_shuffle_epi8(lo[0], idx), rh = _mm256_shuffle_epi8(hi[0], idx);
        for (int k = 1; k < 8; k++) {
            idx = _mm256_sub_epi8(idx, sixteen);
            rl = _mm256_xor_si256(rl, _mm256_shuffle_epi8(lo[k], idx));
            rh = _mm256_xor_si256(rh, _mm256_shuffle_epi8(hi[k], idx));
        }
        _mm256_storeu_si256((__m256i *)(y + i), _mm256_blendv_epi8(rl, rh, c));
    }
    return i;
}

/// Sixty-four lookups with AVX-512 VBMI: `vpermt2b` picks bytes from two 64-byte registers by an index's
/// low seven bits, so each half of the table is one permute and the code's top bit picks the half — three
/// instructions for 64 codes where lookup_8_avx2 takes 41 for 32. The last n mod 64 codes go through
/// masked loads and stores (bytes past n are neither read nor written).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi"))) static size_t lookup_8_vbmi(const uint8_t *x, size_t n,
                                                                                         const uint8_t *table, uint8_t *y) {
    const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
    const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512i c = _mm512_loadu_si512(x + i);
        const __m512i lo = _mm512_permutex2var_epi8(t0, c, t1), hi = _mm512_permutex2var_epi8(t2, c, t3);
        _mm512_storeu_si512(y + i, _mm512_mask_blend_epi8(_mm512_movepi8_mask(c), lo, hi));
    }
    if (i < n) {
        const __mmask64 keep = (__mmask64)(~0ull >> (64 - (n - i)));
        const __m512i c = _mm512_maskz_loadu_epi8(keep, x + i);
        const __m512i lo = _mm512_permutex2var_epi8(t0, c, t1), hi = _mm512_permutex2var_epi8(t2, c, t3);
        _mm512_mask_storeu_epi8(y + i, keep, _mm512_mask_blend_epi8(_mm512_movepi8_mask(c), lo, hi));
        i = n;
    }
    return i;
}
#endif

void ck_lookup_8(const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y) {
    ck_lookup_8_isa(ck_isa_selected(), x, n, table, y);
}

void ck_lookup_8_isa(int isa, const uint8_t *x, size_t n, const uint8_t *table, uint8_t *y) {
    size_t i = 0;
#if defined(__x86_64__)
    // The feature checks read flags __builtin_cpu_init filled once; only getenv needed caching (ck_isa_selected).
    if (isa >= CK_ISA_AVX512 && ck_isa_supported(CK_ISA_AVX512) && ck_cpu_avx512vbmi()) i = lookup_8_vbmi(x, n, table, y);
    else if (isa >= CK_ISA_AVX2 && ck_isa_supported(CK_ISA_AVX2)) i = lookup_8_avx2(x, n, table, y);
#else
    (void)isa;
#endif
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

#if defined(__x86_64__)
/// Eight planes' sums as eight scalar add chains (SSE add_ss: the same single-precision add as the loop
/// below), each plane's codes read eight to a load and taken apart with shifts, so each element costs one
/// load (its table entry, folded into the add) instead of two. The compiler's own version of the loop below
/// packed the eight sums into vectors with a shuffle per element and was bound by the two loads.
static void gap8_sse(const uint8_t *r, int32_t size, const float *table, float *y) {
    __m128 s[8];
    for (int j = 0; j < 8; j++) s[j] = _mm_setzero_ps();
    int32_t k = 0;
    for (; k + 8 <= size; k += 8) {
        uint64_t w[8];
        for (int j = 0; j < 8; j++) memcpy(&w[j], r + (size_t)j * (size_t)size + (size_t)k, 8);
        for (int b = 0; b < 8; b++)
            for (int j = 0; j < 8; j++) s[j] = _mm_add_ss(s[j], _mm_load_ss(table + ((w[j] >> (8 * b)) & 0xFF)));
    }
    for (; k < size; k++)
        for (int j = 0; j < 8; j++) s[j] = _mm_add_ss(s[j], _mm_load_ss(table + r[(size_t)j * (size_t)size + (size_t)k]));
    for (int j = 0; j < 8; j++) y[j] = _mm_cvtss_f32(s[j]) / (float)size;
}
#endif

void ck_lookup_gap_f32(const uint8_t *x, int32_t planes, int32_t size, const float *table, float *y) {
    int32_t p = 0;
#if defined(__x86_64__)
    for (; p + 8 <= planes; p += 8) gap8_sse(x + (size_t)p * (size_t)size, size, table, y + p);
#endif
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

/// The least and greatest of the n bytes x[i] ^ flip.
static void byte_range(const uint8_t *x, size_t n, uint8_t flip, uint8_t *lo, uint8_t *hi) {
    uint8_t a = 255, b = 0;
    size_t i = 0;
#if defined(__x86_64__)
    const __m128i vf = _mm_set1_epi8((char)flip);
    __m128i va = _mm_set1_epi8((char)0xFF), vb = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(x + i)), vf);
        va = _mm_min_epu8(va, v);
        vb = _mm_max_epu8(vb, v);
    }
    uint8_t ta[16], tb[16];
    _mm_storeu_si128((__m128i *)ta, va);
    _mm_storeu_si128((__m128i *)tb, vb);
    for (int k = 0; k < 16; k++) {
        a = ta[k] < a ? ta[k] : a;
        b = tb[k] > b ? tb[k] : b;
    }
#endif
    for (; i < n; i++) {
        const uint8_t u = x[i] ^ flip;
        a = u < a ? u : a;
        b = u > b ? u : b;
    }
    *lo = a;
    *hi = b;
}

/// codes[b] for the bytes b in [b0, b1] and maybe a few around: quantize(table[b] · g). The run is widened
/// to a multiple of 8 inside [0, 255] so that ck_quantize_f32 takes no scalar tail.
static void gated_codes(const float *table, float g, int32_t b0, int32_t b1, float scale, int32_t zero, int32_t lo,
                        int32_t hi, int32_t out_unsigned, float *tmp, uint8_t *codes) {
    const int32_t n = (b1 - b0 + 8) / 8 * 8;
    if (b0 + n > 256) b0 = 256 - n;
    for (int32_t k = 0; k < n; k++) tmp[k] = table[b0 + k] * g;
    ck_quantize_f32(tmp, (size_t)n, scale, zero, lo, hi, out_unsigned, codes + b0);
}

void ck_lookup_mul_quantize(const uint8_t *x, int32_t in_unsigned, int32_t planes, int32_t size, const float *table,
                            const float *gate, float scale, int32_t zero, int32_t lo, int32_t hi, int32_t out_unsigned,
                            uint8_t *y) {
    float tmp[1024];
    uint8_t codes[256];
    memset(codes, 0, sizeof codes);
    for (int32_t p = 0; p < planes; p++) {
        const float g = gate[p];
        const uint8_t *xp = x + (size_t)p * (size_t)size;
        uint8_t *yp = y + (size_t)p * (size_t)size;
        if (size >= CK_PLANE_TABLE_MIN) {
            // The plane's result is a function of the code alone: quantize the products of the codes between
            // the plane's least and greatest once, then look the codes up. For int8 codes that range is one
            // or two runs of bytes (negative codes are bytes 128…255).
            uint8_t b0, b1;
            if (in_unsigned) {
                byte_range(xp, (size_t)size, 0, &b0, &b1);
                gated_codes(table, g, b0, b1, scale, zero, lo, hi, out_unsigned, tmp, codes);
            } else {
                uint8_t u0, u1;  // the range of b ^ 0x80, which orders int8 codes by value
                byte_range(xp, (size_t)size, 0x80, &u0, &u1);
                const int32_t v0 = (int32_t)u0 - 128, v1 = (int32_t)u1 - 128;  // least and greatest value
                if (v0 < 0 && v1 >= 0) {
                    gated_codes(table, g, 256 + v0, 255, scale, zero, lo, hi, out_unsigned, tmp, codes);
                    gated_codes(table, g, 0, v1, scale, zero, lo, hi, out_unsigned, tmp, codes);
                } else {
                    gated_codes(table, g, v0 & 0xFF, v1 & 0xFF, scale, zero, lo, hi, out_unsigned, tmp, codes);
                }
            }
            ck_lookup_8(xp, (size_t)size, codes, yp);
            continue;
        }
        for (int32_t k0 = 0; k0 < size; k0 += 1024) {
            const int32_t n = size - k0 < 1024 ? size - k0 : 1024;
            for (int32_t k = 0; k < n; k++) tmp[k] = table[xp[k0 + k]] * g;
            ck_quantize_f32(tmp, (size_t)n, scale, zero, lo, hi, out_unsigned, yp + k0);
        }
    }
}
