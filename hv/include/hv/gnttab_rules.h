/*
 * Grant-table rules as pure functions (hv/lib/gnttab_rules.c), shared by the
 * hypervisor and the host unit tests.
 *
 * Pin word: how many mappings and copies use one grant entry, in Xen 4.17's
 * layout of four 8-bit counters (host write, host read, device write,
 * device read). A map with GNTMAP_host_map and GNTMAP_device_map counts in
 * both its host and its device counter; a copy counts as a host use while it
 * runs. A counter whose top bit is set takes no further increment (the use is
 * refused), so no counter can wrap.
 *
 * Status: GTF_reading stays set in the entry (v1) or status word (v2) while
 * any use is pinned, GTF_writing while a writable one is.
 */
#ifndef HV_GNTTAB_RULES_H
#define HV_GNTTAB_RULES_H
#include <stdbool.h>
#include <stdint.h>

#define GNTPIN_CNTR_BITS  8u
#define GNTPIN_CNTR_MASK  ((1u << GNTPIN_CNTR_BITS) - 1)
#define GNTPIN_HSTW_SHIFT 0u
#define GNTPIN_HSTR_SHIFT 8u
#define GNTPIN_DEVW_SHIFT 16u
#define GNTPIN_DEVR_SHIFT 24u
#define GNTPIN_HSTW_INC   (1u << GNTPIN_HSTW_SHIFT)
#define GNTPIN_HSTR_INC   (1u << GNTPIN_HSTR_SHIFT)
#define GNTPIN_DEVW_INC   (1u << GNTPIN_DEVW_SHIFT)
#define GNTPIN_DEVR_INC   (1u << GNTPIN_DEVR_SHIFT)
#define GNTPIN_HSTW_MASK  (GNTPIN_CNTR_MASK << GNTPIN_HSTW_SHIFT)
#define GNTPIN_HSTR_MASK  (GNTPIN_CNTR_MASK << GNTPIN_HSTR_SHIFT)
#define GNTPIN_DEVW_MASK  (GNTPIN_CNTR_MASK << GNTPIN_DEVW_SHIFT)
#define GNTPIN_DEVR_MASK  (GNTPIN_CNTR_MASK << GNTPIN_DEVR_SHIFT)

/* The pin increment a map with GNTMAP_* `flags` takes; 0 if it maps nothing. */
uint32_t gnttab_pin_incr(uint32_t flags);
/* True when adding `incr` to `pin` would take a counter past its top bit. */
bool gnttab_pin_would_overflow(uint32_t pin, uint32_t incr);
/* True while some writable use (host or device) is pinned. */
bool gnttab_pin_writable(uint32_t pin);
/* Must a new use (readonly or not) set status bits in the entry? */
bool gnttab_pin_needs_status(uint32_t pin, bool readonly);
/* GTF_reading/GTF_writing to clear once a use of kind `readonly` has gone and `pin` is left. */
uint16_t gnttab_status_to_clear(uint32_t pin, bool readonly);

/*
 * May entry flags/domid be used by `grantee`? `pinned`: the entry is in use
 * already (its type and domid were checked then); `map`: a mapping (sub-page
 * and transitive grants are for copies only); `v2`: table version 2 (which
 * knows transitive grants). GNTST_okay or GNTST_general_error.
 */
int gnttab_entry_check(uint16_t flags, uint16_t domid, uint16_t grantee, bool pinned,
                       bool readonly, bool map, bool v2);

/* Status frames (2048 words each) a v2 table of nr_frames table frames (256 entries each) needs. */
unsigned int gnttab_status_frames(unsigned int nr_frames);
/*
 * Do bytes [off, off + len) lie within what a granted side of a copy
 * reaches, [start, start + length) (a sub-page grant; else 0 and 4096)?
 */
bool gnttab_copy_within(uint16_t start, uint16_t length, uint16_t off, uint16_t len);

#endif
