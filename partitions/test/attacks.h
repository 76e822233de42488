/* attack=KIND: one hostile action a partition must not get away with
 * (README.md lists the kinds). */
#ifndef TESTPART_ATTACKS_H
#define TESTPART_ATTACKS_H

#include <stdint.h>

struct attack_ctx {
    uint64_t ram_end;  /* first guest-physical byte past our RAM */
    int gp_continue;   /* recover from #GP in every attack, not only MSR ones */
};

/* One parsed attack=KIND[:A[:B]] for the attack families below. */
struct attack_args {
    const char *spec; /* the whole attack= value, for messages */
    const char *kind;
    const char *arg[2];
    int nargs;
    const struct attack_ctx *ctx;
};

/* Attack families, each in its own file; each returns 1 when the kind is
 * one of its own (and ran it), 0 otherwise. */
int attack_hpet_run(const struct attack_args *a);  /* attacks_hpet.c: the mediated HPET */
int attack_ioapic_run(const struct attack_args *a); /* attacks_ioapic.c: IOAPIC routes */
int attack_intr_run(const struct attack_args *a);  /* attacks_intr.c: LVT, ICR, faults taken on its behalf */
int attack_cpu_run(const struct attack_args *a);   /* attacks_cpu.c: NMIs, INIT, real mode */
int attack_cache_run(const struct attack_args *a); /* attacks_cache.c: WBINVD, cache thrashing */
int attack_pci_run(const struct attack_args *a);   /* attacks_pci.c: PCI configuration space */

/* Prints "attack SPEC: <what>" first and "attack SPEC: survived, <result>"
 * if the action returns. */
void attack_run(const char *spec, const struct attack_ctx *ctx);

#endif
