#include "cedgekernels.h"
int32_t ck_version(void) { return 1; }
