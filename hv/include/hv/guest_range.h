/* The range check of the one door for guest memory (hv/lib/guest_range.c). */
#ifndef HV_GUEST_RANGE_H
#define HV_GUEST_RANGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* May [gva, gva + n) be accessed for the guest? Canonical, outside our slots, no wrap. */
bool guest_range_ok(uint64_t gva, size_t n);

#endif
