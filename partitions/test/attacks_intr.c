/* Attacks on LVT and ICR interrupt routes, faults taken on its behalf (attack=KIND, see attacks.h). */
#include "partitions/test/attacks.h"

int attack_intr_run(const struct attack_args *a)
{
    (void)a;
    return 0; /* no kinds of this family yet */
}
