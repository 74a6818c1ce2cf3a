/* The check macro of the C test programs: CHECK(condition, printf-style message) counts a
 * pass or prints the failure; main() ends with CHECK_SUMMARY(), which prints the line
 * "N passed, M failed" that tests/run reads and returns the exit status. */
#ifndef ANN_TEST_CHECK_H
#define ANN_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                                                                    \
    do {                                                                                   \
        if (cond) {                                                                        \
            passed++;                                                                      \
        } else {                                                                           \
            failed++;                                                                      \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                    \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
        }                                                                                  \
    } while (0)

/* CHECK_TRUE(condition): the message is the condition's text. */
#define CHECK_TRUE(cond) CHECK(cond, "%s", #cond)

#define CHECK_SUMMARY() (printf("%d passed, %d failed\n", passed, failed), failed ? 1 : 0)

#endif
