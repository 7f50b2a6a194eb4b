// libFuzzer's documented driver entry point (compiler-rt FuzzerInterface.h / FuzzerDriver.cpp), declared here so
// Swift can call it: SwiftPM links an executable's entry point as `main=<Target>_main`, which keeps libFuzzer's own
// main() out of the link, so the fuzzer's main must start the driver itself.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
