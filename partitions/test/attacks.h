/* attack=KIND: one hostile action a partition must not get away with
 * (README.md lists the kinds). */
#ifndef TESTPART_ATTACKS_H
#define TESTPART_ATTACKS_H

#include <stdint.h>

struct attack_ctx {
    uint64_t ram_end;  /* first guest-physical byte past our RAM */
    int gp_continue;   /* recover from #GP in every attack, not only MSR ones */
};

/* Prints "attack SPEC: <what>" first and "attack SPEC: survived, <result>"
 * if the action returns. */
void attack_run(const char *spec, const struct attack_ctx *ctx);

#endif
