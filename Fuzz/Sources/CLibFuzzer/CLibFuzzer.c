// Header-only module: LLVMFuzzerRunDriver is defined in libclang_rt.fuzzer, linked by -sanitize=fuzzer.
#include "CLibFuzzer.h"
