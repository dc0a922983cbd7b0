#ifndef CEDGEKERNELS_H
#define CEDGEKERNELS_H
#include <stdint.h>
/// Version of the C kernel library (bumped when a kernel's numerics change).
int32_t ck_version(void);
#endif
