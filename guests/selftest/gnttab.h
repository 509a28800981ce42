/*
 * The grant-table suite's shared state and helpers (gnttab.c sets them up;
 * gnttab_map.c has the device-mapping and unmap_and_replace cases).
 */
#ifndef SELFTEST_GNTTAB_H
#define SELFTEST_GNTTAB_H

#include <xen/grant_table.h>
#include "pt_util.h"

#define REF_REPL  8     /* unmap_and_replace cases */
#define REF_BAD   9     /* an entry naming a frame no machine has */
#define REF_RW   10     /* permit_access to src, writable */
#define REF_RO   11     /* permit_access to src, GTF_readonly */
#define REF_NONE 12     /* no permit_access */
#define REF_DST  13     /* permit_access to dst, writable */
#define REF_OTHER 14    /* permit_access for another domain */
#define REF_DEV  15     /* device-mapping cases */

#define DOMID_ABSENT 77
#define XEN_VA 0xffff830000000000ul     /* the hypervisor's direct map */

extern volatile struct grant_entry_v1 *gtab;    /* our table frame 0 */
extern uint64_t *src, *dst, *win;               /* pool pages; win starts unmapped */

long gop(unsigned int cmd, void *arg, unsigned int count);
/* PASS iff the hypercall returned 0 and the op's status is want. */
void t_status(const char *id, const char *desc, long rc, int status, int want);
/* Write entry ref: frame and domid first, the flags last. */
void grant(grant_ref_t ref, uint16_t flags, domid_t dom, uint64_t mfn);
long map(uint64_t va, uint32_t flags, grant_ref_t ref, domid_t dom,
         struct gnttab_map_grant_ref *m);
long unmap(uint64_t va, grant_handle_t handle, struct gnttab_unmap_grant_ref *u);
/* A map that must fail: its status (undone at once if it did map). */
void map_refused(const char *id, const char *desc, uint64_t va, uint32_t flags,
                 grant_ref_t ref, domid_t dom, int want);

void gnttab_device_maps(void);
void gnttab_replace(void);
void gnttab_v2(void);
void gnttab_swap(void);

#endif
