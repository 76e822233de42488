/* A minimal host unit-test framework. Each test binary links unit_main.c
 * with one or more test_*.c files; TEST() registers a case, CHECK*() record
 * failures without stopping the case. The runner prints one line per case
 * and ends with "N passed, N failed"; the exit status is non-zero on any
 * failure. */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <inttypes.h>
#include <stdio.h>

void unit_register(const char *name, void (*fn)(void));
void unit_fail(const char *file, int line, const char *msg);

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void unit_reg_##name(void) { unit_register(#name, name); } \
    static void name(void)

#define CHECK(cond)                                        \
    do {                                                   \
        if (!(cond))                                       \
            unit_fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
    } while (0)

#define CHECK_EQ(a, b)                                                                        \
    do {                                                                                      \
        unsigned long long unit_a_ = (unsigned long long)(a), unit_b_ = (unsigned long long)(b); \
        if (unit_a_ != unit_b_) {                                                             \
            char unit_m_[256];                                                                \
            snprintf(unit_m_, sizeof unit_m_, "CHECK_EQ(%s, %s): 0x%llx != 0x%llx", #a, #b,   \
                     unit_a_, unit_b_);                                                       \
            unit_fail(__FILE__, __LINE__, unit_m_);                                           \
        }                                                                                     \
    } while (0)

#define CHECK_STR(a, b)                                                                    \
    do {                                                                                   \
        const char *unit_a_ = (a), *unit_b_ = (b);                                         \
        if (strcmp(unit_a_, unit_b_) != 0) {                                               \
            char unit_m_[512];                                                             \
            snprintf(unit_m_, sizeof unit_m_, "CHECK_STR(%s, %s): \"%.200s\" != \"%.200s\"", #a, #b, \
                     unit_a_, unit_b_);                                                    \
            unit_fail(__FILE__, __LINE__, unit_m_);                                        \
        }                                                                                  \
    } while (0)

#endif
