/*
 * Guest assertions that the pytest harness can parse.
 *
 * A failed check prints one line
 *     ASSERT <file>:<line>: <cond> (a=<value> b=<value>)
 * and crashes the domain (SCHEDOP_shutdown SHUTDOWN_crash).
 */
#ifndef OS_ASSERT_H
#define OS_ASSERT_H

#include <stdint.h>

void os_assert_fail(const char *file, int line, const char *cond,
                    int has_values, uint64_t a, uint64_t b)
    __attribute__((noreturn));

#define OS_ASSERT(cond) do {                                             \
    if (!(cond))                                                         \
        os_assert_fail(__FILE__, __LINE__, #cond, 0, 0, 0);              \
} while (0)

/* Compare two integers with op; both values go on the ASSERT line. */
#define OS_ASSERT_CMP(a, op, b) do {                                     \
    __typeof__(a) a_ = (a);                                              \
    __typeof__(b) b_ = (b);                                              \
    if (!(a_ op b_))                                                     \
        os_assert_fail(__FILE__, __LINE__, #a " " #op " " #b, 1,         \
                       (uint64_t)a_, (uint64_t)b_);                      \
} while (0)

#endif /* OS_ASSERT_H */
