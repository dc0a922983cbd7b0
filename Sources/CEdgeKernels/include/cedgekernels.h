#ifndef CEDGEKERNELS_H
#define CEDGEKERNELS_H
/// Edgewise's C kernels: SIMD code with per-function ISA targets and runtime dispatch.
#include <stdint.h>
#include "ck_cpu.h"
#include "ck_activation.h"
#include "ck_sgemm.h"
#include "ck_conv.h"
#include "ck_qgemm.h"
#include "ck_qlinear.h"
#include "ck_qconv.h"
#include "ck_gguf.h"
#include "ck_pool.h"
#include "ck_eltwise.h"
#include "ck_prelu.h"
#include "ck_pool_nhwc.h"
#include "ck_resize.h"
#include "ck_workers.h"
#include "ck_qlookup.h"
#include "ck_qglue.h"

/// Version of the C kernel library (bumped when a kernel's numerics change).
int32_t ck_version(void);
#endif
