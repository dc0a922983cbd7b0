#include "ck_cpu.h"
#include <stdlib.h>
#include <string.h>

int ck_isa_supported(int isa) {
    if (isa == CK_ISA_PORTABLE) return 1;
#if defined(__x86_64__)
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    switch (isa) {
    case CK_ISA_AVX2: return avx2;
    case CK_ISA_AVXVNNI: return avx2 && __builtin_cpu_supports("avxvnni");
    case CK_ISA_AVX512: return avx512;
    case CK_ISA_AVX512VNNI: return avx512 && __builtin_cpu_supports("avx512vnni");
    default: return 0;
    }
#else
    return 0;
#endif
}

int ck_cpu_avx512vbmi(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vbmi");
#else
    return 0;
#endif
}

const char *ck_isa_name(int isa) {
    switch (isa) {
    case CK_ISA_PORTABLE: return "portable";
    case CK_ISA_AVX2: return "avx2";
    case CK_ISA_AVXVNNI: return "avxvnni";
    case CK_ISA_AVX512: return "avx512";
    case CK_ISA_AVX512VNNI: return "avx512vnni";
    default: return "?";
    }
}

static int isa_choose(void) {
    int cap = CK_ISA_AVX512VNNI;
    const char *env = getenv("EDGEWISE_ISA");
    if (env) {
        for (int i = CK_ISA_PORTABLE; i <= CK_ISA_AVX512VNNI; i++)
            if (strcmp(env, ck_isa_name(i)) == 0) cap = i;
    }
    for (int i = cap; i > CK_ISA_PORTABLE; i--)
        if (ck_isa_supported(i)) return i;
    return CK_ISA_PORTABLE;
}

int ck_isa_selected(void) {
    // Read once per process, as KernelISA.selected is: the quantize/dequantize/lookup kernels ask on every
    // call, and getenv on each of a small model's hundred glue calls was 4 % of its run. Racing first calls
    // compute the same value, so a relaxed atomic is enough.
    static int chosen = -1;
    int v = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (v < 0) {
        v = isa_choose();
        __atomic_store_n(&chosen, v, __ATOMIC_RELAXED);
    }
    return v;
}
