/* Attacks on NMIs, INIT, real mode (attack=KIND, see attacks.h). */
#include "partitions/test/attacks.h"

int attack_cpu_run(const struct attack_args *a)
{
    (void)a;
    return 0; /* no kinds of this family yet */
}
