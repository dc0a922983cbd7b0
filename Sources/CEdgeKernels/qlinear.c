// Patch matrix and epilogue for the ONNX integer graph ops (see ck_qlinear.h).
#include "ck_qlinear.h"
#include <math.h>
#include <string.h>
#include "ck_cpu.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The reference computes v·multiplier and then adds the zero point as two roundings; a fused
// multiply-add would round once and could differ at a tie.
#pragma STDC FP_CONTRACT OFF

void ck_qim2col(const uint8_t *x, int32_t channels, ptrdiff_t plane, const int32_t in[3], const int32_t ker[3],
                const int32_t stride[3], const int32_t dil[3], const int32_t pad[3], const int32_t out[3],
                uint8_t pad_value, uint8_t *dst, ptrdiff_t ldd) {
    const ptrdiff_t rows = (ptrdiff_t)out[0] * out[1] * out[2];
    const int pointwise = ker[0] == 1 && ker[1] == 1 && ker[2] == 1 && stride[0] == 1 && stride[1] == 1 &&
                          stride[2] == 1 && pad[0] == 0 && pad[1] == 0 && pad[2] == 0 && out[0] == in[0] &&
                          out[1] == in[1] && out[2] == in[2];
    if (pointwise) {
        // A transpose: channel planes become columns. Blocks of 8 channels keep the writes local.
        for (int32_t c0 = 0; c0 < channels; c0 += 8) {
            int32_t cn = channels - c0 < 8 ? channels - c0 : 8;
            for (ptrdiff_t r = 0; r < rows; r++) {
                uint8_t *d = dst + r * ldd + c0;
                const uint8_t *s = x + c0 * plane + r;
                for (int32_t c = 0; c < cn; c++) d[c] = s[c * plane];
            }
        }
        return;
    }
    const int32_t kd = ker[0], kh = ker[1], kw = ker[2];
    for (int32_t od = 0; od < out[0]; od++)
        for (int32_t oh = 0; oh < out[1]; oh++)
            for (int32_t ow = 0; ow < out[2]; ow++) {
                uint8_t *d = dst + (((ptrdiff_t)od * out[1] + oh) * out[2] + ow) * ldd;
                const int32_t d0 = od * stride[0] - pad[0], h0 = oh * stride[1] - pad[1], w0 = ow * stride[2] - pad[2];
                for (int32_t c = 0; c < channels; c++) {
                    const uint8_t *xc = x + c * plane;
                    for (int32_t a = 0; a < kd; a++) {
                        const int32_t id = d0 + a * dil[0];
                        for (int32_t b = 0; b < kh; b++) {
                            const int32_t ih = h0 + b * dil[1];
                            if (id < 0 || id >= in[0] || ih < 0 || ih >= in[1]) {
                                memset(d, pad_value, (size_t)kw);
                                d += kw;
                                continue;
                            }
                            const uint8_t *row = xc + ((ptrdiff_t)id * in[1] + ih) * in[2];
                            for (int32_t e = 0; e < kw; e++) {
                                const int32_t iw = w0 + e * dil[2];
                                *d++ = (iw < 0 || iw >= in[2]) ? pad_value : row[iw];
                            }
                        }
                    }
                }
            }
}

void ck_qlinear_store(int32_t m, int32_t n, const int32_t *acc, ptrdiff_t ld_acc, const int32_t *row_sums,
                      const ck_qlinear_epilogue *e, void *out, ptrdiff_t out_rs, ptrdiff_t out_cs) {
    const uint32_t az = (uint32_t)e->a_zero, kk = (uint32_t)e->k;
    const double lo = e->out_min, hi = e->out_max, zp = e->out_zero;
    for (int32_t i = 0; i < m; i++) {
        const uint32_t rs = row_sums ? (uint32_t)row_sums[i] : 0;
        const int32_t *a = acc + i * ld_acc;
        for (int32_t j = 0; j < n; j++) {
            const uint32_t cs = e->col_sums ? (uint32_t)e->col_sums[j] : 0;
            const uint32_t bz = e->b_zero ? (uint32_t)e->b_zero[j] : 0;
            const uint32_t bias = e->bias ? (uint32_t)e->bias[j] : 0;
            const int32_t v = (int32_t)((uint32_t)a[j] + bias - az * cs - bz * rs + kk * az * bz);
            const ptrdiff_t o = i * out_rs + j * out_cs;
            if (!e->multiplier) {
                ((int32_t *)out)[o] = v;
                continue;
            }
            double y = (double)v * e->multiplier[j];
            if (e->zero_before_round) {
                y = y + zp;
                y = nearbyint(y);
            } else {
                y = nearbyint(y) + zp;
            }
            y = y < lo ? lo : (y > hi ? hi : y);
            if (e->out_unsigned) ((uint8_t *)out)[o] = (uint8_t)(int32_t)y;
            else ((int8_t *)out)[o] = (int8_t)(int32_t)y;
        }
    }
}

#if defined(__x86_64__)
/// ck_quantize_f32 eight at a time: q = x / scale (the same IEEE division), rounded half to even in
/// float — q is a float, so its nearest integer is too — plus the zero point, NaN → 0, clamped. Where
/// round(q) + zero is inexact in float (|q| ≥ 2^24) the result is far outside [lo, hi] either way.
__attribute__((target("avx2,fma")))
static size_t quantize_avx2(const float *x, size_t n, float scale, int32_t zero, int32_t lo, int32_t hi,
                            int32_t out_unsigned, void *y) {
    const __m256 s = _mm256_set1_ps(scale), z = _mm256_set1_ps((float)zero);
    const __m256 l = _mm256_set1_ps((float)lo), h = _mm256_set1_ps((float)hi);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 q = _mm256_div_ps(_mm256_loadu_ps(x + i), s);
        __m256 v = _mm256_add_ps(_mm256_round_ps(q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
        v = _mm256_blendv_ps(v, _mm256_setzero_ps(), _mm256_cmp_ps(q, q, _CMP_UNORD_Q));
        v = _mm256_min_ps(_mm256_max_ps(v, l), h);
        const __m256i iv = _mm256_cvtps_epi32(v);
        const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(iv), _mm256_extracti128_si256(iv, 1));
        const __m128i b = out_unsigned ? _mm_packus_epi16(w, w) : _mm_packs_epi16(w, w);
        _mm_storel_epi64((__m128i *)((uint8_t *)y + i), b);
    }
    return i;
}
#endif

void ck_quantize_f32(const float *x, size_t n, float scale, int32_t zero, int32_t lo, int32_t hi, int32_t out_unsigned,
                     void *y) {
    const double z = zero, l = lo, h = hi;
    size_t start = 0;
#if defined(__x86_64__)
    if (lo >= -128 && hi <= 255 && ck_isa_selected() >= CK_ISA_AVX2)
        start = quantize_avx2(x, n, scale, zero, lo, hi, out_unsigned, y);
#endif
    for (size_t i = start; i < n; i++) {
        const float q = x[i] / scale;
        double v = nearbyint((double)q) + z;
        if (isnan(v)) v = 0;
        v = v < l ? l : (v > h ? h : v);
        if (out_unsigned) ((uint8_t *)y)[i] = (uint8_t)(int32_t)v;
        else ((int8_t *)y)[i] = (int8_t)(int32_t)v;
    }
}

static inline __attribute__((always_inline)) void dequantize_body(const void *x, size_t n, int32_t in_unsigned, float scale,
                                                                   int32_t zero, float *y) {
    const float z = (float)zero;
    if (in_unsigned) {
        const uint8_t *u = x;
        for (size_t i = 0; i < n; i++) y[i] = ((float)u[i] - z) * scale;
    } else {
        const int8_t *s = x;
        for (size_t i = 0; i < n; i++) y[i] = ((float)s[i] - z) * scale;
    }
}

#if defined(__x86_64__)
/// The same loop compiled for AVX2 (eight lanes; the arithmetic — convert, subtract, multiply — is unchanged).
__attribute__((target("avx2,fma")))
static void dequantize_avx2(const void *x, size_t n, int32_t in_unsigned, float scale, int32_t zero, float *y) {
    dequantize_body(x, n, in_unsigned, scale, zero, y);
}
#endif

void ck_dequantize_8(const void *x, size_t n, int32_t in_unsigned, float scale, int32_t zero, float *y) {
#if defined(__x86_64__)
    if (ck_isa_selected() >= CK_ISA_AVX2) {
        dequantize_avx2(x, n, in_unsigned, scale, zero, y);
        return;
    }
#endif
    dequantize_body(x, n, in_unsigned, scale, zero, y);
}

enum { MP_MAX = 64 };   ///< strides and kernel widths the row-pass pooling path takes

/// dst[t] = src[t·s] for t < n; stride 1 and 2 (the common pools) without a byte loop.
static void strided_copy(uint8_t *dst, const uint8_t *src, int32_t n, int32_t s) {
    int32_t t = 0;
    if (s == 1) {
        memcpy(dst, src, (size_t)n);
        return;
    }
#if defined(__x86_64__)
    if (s == 2 && n >= 16) {
        // Even bytes of 32: mask each 16-bit word to its low byte and pack (SSE2, every x86-64). The last
        // block overlaps the one before; it reads up to src[2n − 1], one byte past the last one copied,
        // which the caller's buffer holds (it is an odd byte, masked away).
        const __m128i lo = _mm_set1_epi16(0x00FF);
        for (;; t += 16) {
            if (t > n - 16) t = n - 16;
            const __m128i a = _mm_and_si128(_mm_loadu_si128((const __m128i *)(src + 2 * t)), lo);
            const __m128i b = _mm_and_si128(_mm_loadu_si128((const __m128i *)(src + 2 * t + 16)), lo);
            _mm_storeu_si128((__m128i *)(dst + t), _mm_packus_epi16(a, b));
            if (t == n - 16) return;
        }
    }
#endif
    for (; t < n; t++) dst[t] = src[(ptrdiff_t)t * s];
}

/// vrow = max(vrow, row ^ flip) over w bytes, or vrow = row ^ flip when `first`. On x86-64 in 16-byte
/// vectors: whole ones, past w, when the input extends that far (`xend`; vrow's bytes past w are then
/// don't-cares), else, when w ≥ 16, the last one overlapping the one before (max is idempotent, so bytes
/// done twice come out the same) — that one's load straddles the previous store, which stalls store
/// forwarding, so it is the exception (a plane's last rows).
static void max_row(uint8_t *vrow, const uint8_t *row, int32_t w, uint8_t flip, int first, const uint8_t *xend) {
    int32_t i = 0;
#if defined(__x86_64__)
    const int32_t wr = (w + 15) & ~15;
    if (xend - row >= wr) {
        const __m128i vf = _mm_set1_epi8((char)flip);
        for (; i < wr; i += 16) {
            __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(row + i)), vf);
            if (!first) v = _mm_max_epu8(v, _mm_loadu_si128((const __m128i *)(vrow + i)));
            _mm_storeu_si128((__m128i *)(vrow + i), v);
        }
        return;
    }
    if (w >= 16) {
        const __m128i vf = _mm_set1_epi8((char)flip);
        for (;; i += 16) {
            if (i > w - 16) i = w - 16;
            __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(row + i)), vf);
            if (!first) v = _mm_max_epu8(v, _mm_loadu_si128((const __m128i *)(vrow + i)));
            _mm_storeu_si128((__m128i *)(vrow + i), v);
            if (i == w - 16) return;
        }
    }
#endif
    for (; i < w; i++) {
        const uint8_t v = row[i] ^ flip;
        vrow[i] = first || v > vrow[i] ? v : vrow[i];
    }
}

/// A pool's column geometry, worked out once per call (it takes divisions).
typedef struct {
    int32_t j0[MP_MAX], i0[MP_MAX], n[MP_MAX];   ///< per phase r: first column, its input column, count (0: none)
    int32_t tap[MP_MAX];                          ///< per column tap: offset of its run in the phase rows
} mp_cols;

static void mp_cols_of(mp_cols *c, int32_t w, int32_t s, int32_t d, int32_t pl, int32_t kw, int32_t phase_len) {
    for (int32_t r = 0; r < s; r++) {
        const int32_t j0 = pl - r > 0 ? (pl - r + s - 1) / s : 0, i0 = j0 * s + r - pl;
        int32_t n = 0;
        if (i0 < w && j0 < phase_len) {
            n = (w - i0 + s - 1) / s;  // columns i0, i0 + s, … below w
            if (n > phase_len - j0) n = phase_len - j0;
        }
        c->j0[r] = j0;
        c->i0[r] = i0;
        c->n[r] = n;
    }
    for (int32_t e = 0; e < kw; e++) c->tap[e] = (e * d) % s * phase_len + (e * d) / s;
}

/// 2-D max pooling of one plane in two passes per output row: the elementwise maximum of the window's
/// rows that lie inside the input, then the maximum over the window's columns. For the second pass the
/// row is split into `stride` phase rows over the padded width (phase[r][j] = padded[j·stride + r],
/// padding 0), so each column tap is one contiguous vector maximum over all output columns. 0 (the
/// flipped minimum) is the identity of both passes, so padding adds nothing and a window with no tap
/// inside gives the type's minimum, as the reference's running maximum does. Buffers: `ph` stride ·
/// phase_len bytes and 16 more, `vrow` w rounded up to 16 and 1 more, `acc` ow_n rounded up to 16.
/// Rows are short (SqueezeNet's 111 → 55; 27 → 13), so the passes run in whole vectors rather than with
/// scalar tails, and the phase copies and tap offsets (`mp_cols`, divisions) are worked out once per
/// call: per row they had cost more than the maxima (SqueezeNet's three pools 0.88 → 0.40 ms).
static void maxpool_plane_2d(const uint8_t *xc, uint8_t *yc, uint8_t flip, const int32_t in[3], const int32_t ker[3],
                             const int32_t stride[3], const int32_t dil[3], const int32_t pad[3], const int32_t out[3],
                             const mp_cols *cols, const uint8_t *xend, uint8_t *vrow, uint8_t *ph, int32_t phase_len,
                             uint8_t *acc) {
    const int32_t w = in[2], s = stride[2], ow_n = out[2];
    for (int32_t oh = 0; oh < out[1]; oh++) {
        int first = 1;
        for (int32_t b = 0; b < ker[1]; b++) {
            const int32_t ih = oh * stride[1] - pad[1] + b * dil[1];
            if (ih < 0 || ih >= in[1]) continue;
            max_row(vrow, xc + (ptrdiff_t)ih * w, w, flip, first, xend);
            first = 0;
        }
        if (first) memset(vrow, 0, (size_t)w);
        vrow[w] = 0;
        // Phase rows: phase r, column j holds padded position j·s + r, i.e. input column j·s + r − pl.
        memset(ph, 0, (size_t)s * (size_t)phase_len);
        for (int32_t r = 0; r < s; r++)
            if (cols->n[r] > 0) strided_copy(ph + (ptrdiff_t)r * phase_len + cols->j0[r], vrow + cols->i0[r], cols->n[r], s);
        uint8_t *yr = yc + (ptrdiff_t)oh * ow_n;
#if defined(__x86_64__)
        // Whole vectors into acc (reads past a phase row stay inside ph, whose slack covers the last
        // vector; the bytes past ow_n are dropped), then ow_n bytes out.
        const __m128i vf = _mm_set1_epi8((char)flip);
        for (int32_t o = 0; o < ow_n; o += 16) {
            __m128i m = _mm_setzero_si128();
            for (int32_t e = 0; e < ker[2]; e++) m = _mm_max_epu8(m, _mm_loadu_si128((const __m128i *)(ph + cols->tap[e] + o)));
            _mm_storeu_si128((__m128i *)(acc + o), _mm_xor_si128(m, vf));
        }
        memcpy(yr, acc, (size_t)ow_n);
#else
        memset(acc, 0, (size_t)ow_n);
        for (int32_t e = 0; e < ker[2]; e++) {
            const uint8_t *src = ph + cols->tap[e];
            for (int32_t o = 0; o < ow_n; o++) acc[o] = src[o] > acc[o] ? src[o] : acc[o];
        }
        for (int32_t o = 0; o < ow_n; o++) yr[o] = acc[o] ^ flip;
#endif
    }
}

void ck_maxpool_8(const void *x, int32_t planes, int32_t is_signed, const int32_t in[3], const int32_t ker[3],
                  const int32_t stride[3], const int32_t dil[3], const int32_t pad[3], const int32_t out[3], void *y) {
    const ptrdiff_t ip = (ptrdiff_t)in[0] * in[1] * in[2], op = (ptrdiff_t)out[0] * out[1] * out[2];
    const uint8_t flip = is_signed ? 0x80 : 0;  // int8 compares as uint8 after flipping the sign bit
    // Phase rows reach output column ow_n − 1 plus the last tap's offset (ker − 1)·dil / stride.
    const int64_t phase_len = (int64_t)out[2] + ((int64_t)(ker[2] - 1) * dil[2]) / (stride[2] > 0 ? stride[2] : 1) + 1;
    if (in[0] == 1 && out[0] == 1 && ker[0] == 1 && pad[0] == 0 && in[2] <= 8192 && stride[2] > 0 && out[2] <= 8192 &&
        (int64_t)stride[2] * phase_len <= 16384 && stride[2] <= MP_MAX && ker[2] <= MP_MAX) {
        uint8_t vrow[8192 + 16], ph[16384 + 16], acc[8192 + 16];
        mp_cols cols;
        mp_cols_of(&cols, in[2], stride[2], dil[2], pad[2], ker[2], (int32_t)phase_len);
        for (int32_t c = 0; c < planes; c++)
            maxpool_plane_2d((const uint8_t *)x + c * ip, (uint8_t *)y + c * op, flip, in, ker, stride, dil, pad, out, &cols,
                             (const uint8_t *)x + planes * ip, vrow, ph, (int32_t)phase_len, acc);
        return;
    }
    for (int32_t c = 0; c < planes; c++) {
        const uint8_t *xc = (const uint8_t *)x + c * ip;
        uint8_t *yc = (uint8_t *)y + c * op;
        for (int32_t od = 0; od < out[0]; od++)
            for (int32_t oh = 0; oh < out[1]; oh++)
                for (int32_t ow = 0; ow < out[2]; ow++) {
                    uint8_t m = 0;  // the minimum (0 for uint8, 0x80 ^ 0x80 for int8)
                    for (int32_t a = 0; a < ker[0]; a++) {
                        const int32_t id = od * stride[0] - pad[0] + a * dil[0];
                        if (id < 0 || id >= in[0]) continue;
                        for (int32_t b = 0; b < ker[1]; b++) {
                            const int32_t ih = oh * stride[1] - pad[1] + b * dil[1];
                            if (ih < 0 || ih >= in[1]) continue;
                            const uint8_t *row = xc + ((ptrdiff_t)id * in[1] + ih) * in[2];
                            for (int32_t e = 0; e < ker[2]; e++) {
                                const int32_t iw = ow * stride[2] - pad[2] + e * dil[2];
                                if (iw < 0 || iw >= in[2]) continue;
                                const uint8_t v = row[iw] ^ flip;
                                m = v > m ? v : m;
                            }
                        }
                    }
                    yc[((ptrdiff_t)od * out[1] + oh) * out[2] + ow] = m ^ flip;
                }
    }
}
