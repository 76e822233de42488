/* Runner for the host unit tests: see unit.h. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define UNIT_MAX_CASES 512

static struct {
    const char *name;
    void (*fn)(void);
} cases[UNIT_MAX_CASES];
static int case_count;
static int current_failures;

void unit_register(const char *name, void (*fn)(void))
{
    if (case_count == UNIT_MAX_CASES) {
        fprintf(stderr, "unit: too many test cases\n");
        exit(2);
    }
    cases[case_count].name = name;
    cases[case_count].fn = fn;
    case_count++;
}

void unit_fail(const char *file, int line, const char *msg)
{
    current_failures++;
    printf("  %s:%d: %s\n", file, line, msg);
}

int main(void)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < case_count; i++) {
        current_failures = 0;
        cases[i].fn();
        printf("%s %s\n", current_failures ? "FAIL" : "PASS", cases[i].name);
        if (current_failures)
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
