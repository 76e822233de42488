/* Shared by the unit tests of config rules (test_config.c,
 * test_io_dispatch.c): runs config_check and keeps the first messages it
 * reports, checking that the count it returns is the count it reported. */
#ifndef TEST_CONFIG_CAPTURE_H
#define TEST_CONFIG_CAPTURE_H

#include <stdio.h>
#include <string.h>

#include "hv/config.h"
#include "unit.h"

#define CAPTURE_MAX_MSGS 8

struct capture {
    int count;
    char msg[CAPTURE_MAX_MSGS][256];
};

static inline void capture(const char *msg, void *ctx)
{
    struct capture *cap = ctx;
    if (cap->count < CAPTURE_MAX_MSGS)
        snprintf(cap->msg[cap->count], sizeof cap->msg[0], "%s", msg);
    cap->count++;
}

static inline int check(const struct hv_config *cfg, struct capture *cap)
{
    memset(cap, 0, sizeof *cap);
    int n = config_check(cfg, capture, cap);
    CHECK_EQ(n, cap->count);
    return n;
}

#endif
