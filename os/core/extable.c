/*
 * Exception table lookup: sorted order is not required, the table is tiny.
 */
#include <os/traps.h>

struct extable_entry {
    uint64_t fault, fixup;
};

extern const struct extable_entry _extable_start[], _extable_end[];

/* Resume address for a fault at rip, or 0 when rip is not listed. */
uint64_t os_extable_find(uint64_t rip)
{
    const struct extable_entry *e;

    for (e = _extable_start; e < _extable_end; e++)
        if (e->fault == rip)
            return e->fixup;
    return 0;
}
