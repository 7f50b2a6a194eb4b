/* Nothing to call: linking this target prepares the test process (setup.c). */
