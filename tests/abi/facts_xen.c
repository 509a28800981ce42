/*
 * abi_facts.def evaluated against Xen 4.17's public headers.  Built with
 * Xen's include directory instead of ours (see mk/abi.mk), so the same
 * <xen/...> names resolve to Xen's files.
 */
#include <stdint.h>
/* domctl.h (and the structures it uses) are visible to control tools only. */
#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/physdev.h>
#include <xen/grant_table.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/io/xenbus.h>
#include <xen/io/protocols.h>

#include "abi_facts.h"

const struct abi_row abi_facts_xen[] = {
#include "abi_facts.def"
};
const size_t abi_facts_xen_count = sizeof(abi_facts_xen) / sizeof(abi_facts_xen[0]);
