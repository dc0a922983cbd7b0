#ifndef CK_CONV_H
#define CK_CONV_H
/// 2-D convolution (1-D is H = 1): implicit GEMM for general convolutions, direct kernels for depthwise.
///
/// NCHW: Y[g][Cout/g × OH·OW] = W[g][Cout/g × K] · im2col(X[g])[K × OH·OW], K = Cin/g·KH·KW; the weights
/// are the A operand, packed once (``ck_conv2d_pack_weights``); im2col writes B panels block by
/// block, and a 1×1 stride-1 unpadded convolution reads X directly. NHWC: Y[OH·OW × Cout] =
/// im2col(X)[OH·OW × K] · Wᵀ, weights OHWI packed as the B operand.
#include <stddef.h>
#include <stdint.h>
#include "ck_activation.h"

typedef struct {
    int32_t n, c, h, w;        ///< input batch, channels (all groups), height, width
    int32_t cout, group;       ///< output channels (all groups), groups
    int32_t kh, kw, sh, sw, dh, dw;
    int32_t pad_top, pad_left; ///< bottom/right padding follows from oh/ow
    int32_t oh, ow;
    int32_t nhwc;              ///< 1: X, Y and W (OHWI) are channels-last
} ck_conv2d_params;

/// Floats of packed weights for the GEMM path.
size_t ck_conv2d_packed_weights_size(int isa, const ck_conv2d_params *p);
/// Packs W (OIHW for NCHW, OHWI for NHWC) for the GEMM path.
void ck_conv2d_pack_weights(int isa, const ck_conv2d_params *p, const float *w, float *dst);
/// Floats of scratch the GEMM path needs.
size_t ck_conv2d_workspace_size(int isa, const ck_conv2d_params *p);
/// Runs the convolution: Y = act(conv(X, W) + bias). `bias` may be NULL.
void ck_conv2d(int isa, const ck_conv2d_params *p, const float *packed_w, const float *bias, ck_activation act,
               const float *x, float *y, float *workspace);
/// Part `part` of `parts` of ``ck_conv2d`` (each GEMM split by ``ck_sgemm_part``); bit-identical to
/// the whole for any number of parts. Each concurrent part needs its own workspace.
void ck_conv2d_part(int isa, const ck_conv2d_params *p, const float *packed_w, const float *bias, ck_activation act,
                    const float *x, float *y, float *workspace, int32_t part, int32_t parts);

/// Depthwise (group = C = Cout, one filter per channel), any kernel size, stride and dilation.
/// Weights are [C][KH][KW] for NCHW (ONNX's [C,1,KH,KW]) and [KH][KW][C] for NHWC (TFLite's 1HWO).
size_t ck_dwconv2d_workspace_size(int isa, const ck_conv2d_params *p);
void ck_dwconv2d(int isa, const ck_conv2d_params *p, const float *w, const float *bias, ck_activation act,
                 const float *x, float *y, float *workspace);
/// Part `part` of `parts` of ``ck_dwconv2d``: NCHW splits the channels, NHWC the output rows; each
/// output is computed exactly as by the whole. Each concurrent part needs its own workspace.
void ck_dwconv2d_part(int isa, const ck_conv2d_params *p, const float *w, const float *bias, ck_activation act,
                      const float *x, float *y, float *workspace, int32_t part, int32_t parts);

#endif
