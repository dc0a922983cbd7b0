#ifndef CK_CPU_H
#define CK_CPU_H
/// Instruction-set levels the kernels are written for, and runtime detection.
///
/// Kernels are compiled for every level in one binary (per-function `target` attributes) and one is
/// chosen at prepare time; a level is only used when the CPU reports it. The levels are ordered so an
/// override (`EDGEWISE_ISA`) can cap the choice, but each is checked on its own: a CPU can have
/// AVX-512 VNNI without AVX-VNNI (Ice Lake) or the reverse (Alder Lake).
#include <stdint.h>

typedef enum {
    CK_ISA_PORTABLE = 0,   ///< plain C (SSE2 on x86-64, NEON on arm64 by auto-vectorization)
    CK_ISA_AVX2 = 1,       ///< AVX2 + FMA (+ F16C)
    CK_ISA_AVXVNNI = 2,    ///< AVX2 + FMA + AVX-VNNI (256-bit int8 dot products)
    CK_ISA_AVX512 = 3,     ///< AVX-512 F/BW/DQ/VL
    CK_ISA_AVX512VNNI = 4, ///< AVX-512 F/BW/DQ/VL + VNNI
} ck_isa;

/// Whether this CPU can run kernels of `isa` (and the binary was built for x86-64 where needed).
int ck_isa_supported(int isa);

/// The highest level this CPU supports, capped by the EDGEWISE_ISA environment variable
/// (`portable`, `avx2`, `avxvnni`, `avx512`, `avx512vnni`; unknown values are ignored), read once per process.
int ck_isa_selected(void);

/// Whether the CPU has AVX-512 VBMI (byte permutes across a register), which kernels at the AVX-512
/// levels may use beside them: Ice Lake and Zen 4 have it, Skylake-SP does not.
int ck_cpu_avx512vbmi(void);

/// A short name for `isa` ("portable", "avx2", …).
const char *ck_isa_name(int isa);

#endif
