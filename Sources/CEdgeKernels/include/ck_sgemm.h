#ifndef CK_SGEMM_H
#define CK_SGEMM_H
/// Single-precision GEMM, C[m×n] (+)= A[m×k] · B[k×n], with a fused bias + activation epilogue.
///
/// Register-blocked micro-kernels per ISA (AVX-512 8×32, AVX2+FMA 6×16, portable 4×16) over
/// GotoBLAS-style cache blocking. B is always read from *packed panels* of NR columns ([k][NR],
/// zero-padded): a constant B (a weight) is packed once at prepare time with ``ck_sgemm_pack_b``; a
/// run-time B is packed block by block into the workspace, either from a strided matrix or by a
/// callback (a convolution's im2col writes panels directly). A is read in place through its row and
/// column strides, or from panels of MR rows packed once by ``ck_sgemm_pack_a`` (convolution weights).
#include <stddef.h>
#include <stdint.h>
#include "ck_activation.h"

/// Micro-tile shape of `isa`'s SGEMM kernel: rows (MR) and columns (NR).
void ck_sgemm_tile(int isa, int32_t *mr, int32_t *nr);

/// Floats needed by ``ck_sgemm_pack_a`` for an m×k A (m rounded up to MR).
size_t ck_sgemm_packed_a_size(int isa, int32_t m, int32_t k);
/// Packs A(i, p) = a[i·rs + p·cs] into MR-row panels, [panel][k][MR], zero-padded rows.
void ck_sgemm_pack_a(int isa, int32_t m, int32_t k, const float *a, ptrdiff_t rs, ptrdiff_t cs, float *dst);

/// Floats needed by ``ck_sgemm_pack_b`` for a k×n B (n rounded up to NR).
size_t ck_sgemm_packed_b_size(int isa, int32_t k, int32_t n);
/// Packs B(p, j) = b[p·rs + j·cs] into NR-column panels, [panel][k][NR], zero-padded columns;
/// every element is multiplied by `scale` (Gemm's alpha; 1 otherwise).
void ck_sgemm_pack_b(int isa, int32_t k, int32_t n, const float *b, ptrdiff_t rs, ptrdiff_t cs, float scale, float *dst);

/// Writes the block B(k0..k0+kc, n0..n0+nc) as panels of `nr` columns, [panel][kc][nr], zero-padding
/// the last panel's missing columns.
typedef void (*ck_pack_b_fn)(const void *ctx, int32_t k0, int32_t kc, int32_t n0, int32_t nc, int32_t nr, float *dst);

typedef enum {
    CK_B_PACKED = 0,   ///< `b` holds the whole of B packed by ck_sgemm_pack_b for this ISA
    CK_B_STRIDED = 1,  ///< B(p, j) = b[p·b_rs + j·b_cs], packed per block at run time
    CK_B_CALLBACK = 2, ///< `b_pack(b_ctx, …)` writes each block's panels
} ck_b_kind;

typedef struct {
    int32_t m, n, k;
    /// A(i, p) = a[i·a_rs + p·a_cs], or, if a_packed, panels from ck_sgemm_pack_a (strides ignored).
    const float *a;
    ptrdiff_t a_rs, a_cs;
    int32_t a_packed;
    int32_t b_kind;
    const float *b;
    ptrdiff_t b_rs, b_cs;
    ck_pack_b_fn b_pack;
    const void *b_ctx;
    /// C(i, j) = c[i·ldc + j].
    float *c;
    ptrdiff_t ldc;
    /// Add to C's current contents instead of overwriting them (the epilogue still applies once).
    int32_t accumulate;
    ck_epilogue epilogue;
} ck_sgemm_args;

/// Floats of scratch ``ck_sgemm`` needs for these arguments (0 when B is prepacked).
size_t ck_sgemm_workspace_size(int isa, const ck_sgemm_args *args);

/// Runs the GEMM. `workspace` holds at least ck_sgemm_workspace_size floats, 64-byte aligned.
void ck_sgemm(int isa, const ck_sgemm_args *args, float *workspace);

/// Same, restricted to output columns [n_begin, n_end) (a multiple of NR apart): lets a caller split
/// the columns across threads, each with its own workspace.
void ck_sgemm_columns(int isa, const ck_sgemm_args *args, int32_t n_begin, int32_t n_end, float *workspace);

/// Part `part` of `parts` of the GEMM, for intra-op threading: the output is split along M in whole
/// MR-row tiles or along N in whole NR-column panels, whichever leaves the largest part fewer tiles
/// (N on a tie). Parts write disjoint blocks of C and compute every element exactly as ``ck_sgemm``
/// does (same tiles, same K order), so the result is bit-identical for any number of parts. Each
/// concurrent part needs its own workspace.
void ck_sgemm_part(int isa, const ck_sgemm_args *args, int32_t part, int32_t parts, float *workspace);

#endif
