/* Grant-table pin and entry rules (see hv/gnttab_rules.h); Xen 4.17's semantics. */
#include <hv/gnttab_rules.h>
#include <xen/grant_table.h>

uint32_t gnttab_pin_incr(uint32_t flags)
{
    bool ro = flags & GNTMAP_readonly;
    uint32_t incr = 0;

    if (flags & GNTMAP_device_map)
        incr += ro ? GNTPIN_DEVR_INC : GNTPIN_DEVW_INC;
    if (flags & GNTMAP_host_map)
        incr += ro ? GNTPIN_HSTR_INC : GNTPIN_HSTW_INC;
    return incr;
}

bool gnttab_pin_would_overflow(uint32_t pin, uint32_t incr)
{
    /* Each increment is 1 in its counter; shifted to the counter's top bit it tests "half full". */
    return pin & (incr << (GNTPIN_CNTR_BITS - 1));
}

bool gnttab_pin_writable(uint32_t pin)
{
    return pin & (GNTPIN_HSTW_MASK | GNTPIN_DEVW_MASK);
}

bool gnttab_pin_needs_status(uint32_t pin, bool readonly)
{
    return !pin || (!readonly && !gnttab_pin_writable(pin));
}

uint16_t gnttab_status_to_clear(uint32_t pin, bool readonly)
{
    uint16_t clear = pin ? 0 : GTF_reading;

    if (!readonly && !gnttab_pin_writable(pin))
        clear |= GTF_writing;
    return clear;
}

int gnttab_entry_check(uint16_t flags, uint16_t domid, uint16_t grantee, bool pinned,
                       bool readonly, bool map, bool v2)
{
    uint16_t mask = GTF_type_mask | (map ? GTF_sub_page : 0);
    uint16_t type = flags & mask;

    if (!pinned) {
        bool usable = type == GTF_permit_access || (v2 && !map && type == GTF_transitive);
        if (!usable || domid != grantee)
            return GNTST_general_error;
    }
    if (!readonly && (flags & GTF_readonly))
        return GNTST_general_error;
    return GNTST_okay;
}

unsigned int gnttab_status_frames(unsigned int nr_frames)
{
    const unsigned int per_frame = 4096 / sizeof(union grant_entry_v2);
    const unsigned int per_status = 4096 / sizeof(grant_status_t);

    return (nr_frames * per_frame + per_status - 1) / per_status;
}

bool gnttab_copy_within(uint16_t start, uint16_t length, uint16_t off, uint16_t len)
{
    return off >= start && (uint32_t)off + len <= (uint32_t)start + length;
}
