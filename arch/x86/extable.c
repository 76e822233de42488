/* Exception fixup table lookup (arch/x86/extable.h). The table is small
 * (one entry per *_safe call site) and a fault on it is rare: a linear
 * scan is enough. */
#include "arch/x86/extable.h"

#define VEC_UD 6
#define VEC_GP 13

struct extable_entry {
    uint64_t insn, fixup;
};

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

bool extable_fixup(struct exception_frame *f)
{
    if (f->vector != VEC_GP && f->vector != VEC_UD)
        return false;
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->insn == f->rip) {
            f->rip = e->fixup;
            return true;
        }
    }
    return false;
}
