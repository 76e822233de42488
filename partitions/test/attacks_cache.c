/* Attacks on the shared caches (WBINVD, thrashing) (attack=KIND, see attacks.h). */
#include "partitions/test/attacks.h"

int attack_cache_run(const struct attack_args *a)
{
    (void)a;
    return 0; /* no kinds of this family yet */
}
