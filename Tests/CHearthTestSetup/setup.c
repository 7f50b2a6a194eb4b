/* The test binary is a program that starts children, and like `hearth`
 * it sets the process-wide settings that needs (ProcessSettings) before
 * anything else: its main is XCTest's, so a constructor does it here. */
#include "CHearthSpawn.h"

__attribute__((constructor)) static void prepare_test_process(void) { hearth_prepare_process(); }
