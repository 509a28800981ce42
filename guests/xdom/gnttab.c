/*
 * XGNT: grant table version 1 across domains: the DomU grants, Dom0 maps
 * and copies.
 *
 * The DomU grants three pages to Dom0: XDOM_REF_RW (writable), which Dom0
 * maps and writes a pattern through; XDOM_REF_COPY (writable), which Dom0
 * copies into and out of with GNTTABOP_copy; XDOM_REF_RO (read-only).
 * While Dom0 maps an entry the DomU sees GTF_reading|GTF_writing in it;
 * once Dom0 has unmapped, the DomU ends access (a compare-exchange of the
 * flags to 0 that succeeds only while nobody uses the entry) and a later map
 * is refused. Refused maps: a ref beyond the table, an entry never granted,
 * a read-only grant asked writable, an absent granter.
 */
#include <os/mm.h>
#include "xdom.h"

/* ---- DomU ---- */

enum { R_RW_PATTERN, R_RW_FLAGS, R_COPY_PATTERN, R_COPY_FLAGS, R_END_FLAGS, R_END_RW,
       R_END_COPY, R_END_RO };

static uint8_t *pages[3];

/* gnttab_end_foreign_access_ref: flags to 0 unless the grantee uses the entry. */
static int end_access(grant_ref_t ref)
{
    volatile uint16_t *f = &xdom_gtab[ref].flags;
    uint16_t old = *f;

    do {
        if (old & (GTF_reading | GTF_writing))
            return 0;
    } while (!__atomic_compare_exchange_n(f, &old, 0, 0, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return 1;
}

static int has_pattern(const uint8_t *p, unsigned int seed)
{
    for (unsigned int i = 0; i < OS_PAGE_SIZE; i++)
        if (p[i] != xdom_pattern(seed, i))
            return 0;
    return 1;
}

void xdom_gnttab_domu(enum xdom_step s)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    const uint16_t busy = GTF_reading | GTF_writing;

    switch (s) {
    case XS_GNT_GRANT:
        for (unsigned int i = 0; i < 3; i++) {
            pages[i] = os_alloc_page();
            c->mfn[i] = os_virt_to_mfn(pages[i]);
        }
        for (unsigned int i = 0; i < OS_PAGE_SIZE; i++)
            pages[2][i] = xdom_pattern(3, i);
        xdom_grant(XDOM_REF_RW, GTF_permit_access, 0, c->mfn[0]);
        xdom_grant(XDOM_REF_COPY, GTF_permit_access, 0, c->mfn[1]);
        xdom_grant(XDOM_REF_RO, GTF_permit_access | GTF_readonly, 0, c->mfn[2]);
        break;
    case XS_GNT_CHECK_MAP:
        c->res[R_RW_PATTERN] = has_pattern(pages[0], 1);
        c->res[R_RW_FLAGS] = xdom_gtab[XDOM_REF_RW].flags;
        break;
    case XS_GNT_CHECK_COPY:
        c->res[R_COPY_PATTERN] = has_pattern(pages[1], 2);
        c->res[R_COPY_FLAGS] = xdom_gtab[XDOM_REF_COPY].flags;
        for (unsigned int i = 0; i < OS_PAGE_SIZE; i++)
            pages[1][i] = xdom_pattern(4, i);
        break;
    case XS_GNT_END:
        c->res[R_END_FLAGS] = xdom_gtab[XDOM_REF_RW].flags & busy;
        c->res[R_END_RW] = end_access(XDOM_REF_RW);
        c->res[R_END_COPY] = end_access(XDOM_REF_COPY);
        c->res[R_END_RO] = end_access(XDOM_REF_RO);
        break;
    default:
        break;
    }
}

/* ---- Dom0 ---- */

static long map(void *va, uint32_t flags, grant_ref_t ref, domid_t dom,
                struct gnttab_map_grant_ref *m)
{
    *m = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)va, .flags = flags, .ref = ref,
                                        .dom = dom };
    return xdom_gop(GNTTABOP_map_grant_ref, m, 1);
}

static long unmap(void *va, grant_handle_t handle, struct gnttab_unmap_grant_ref *u)
{
    *u = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)va, .handle = handle };
    return xdom_gop(GNTTABOP_unmap_grant_ref, u, 1);
}

/* A map that must be refused with `want`; undone at once if it was not. */
static void map_refused(const char *id, const char *desc, void *va, uint32_t flags,
                        grant_ref_t ref, domid_t dom, int want)
{
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc = map(va, flags, ref, dom, &m);

    if (rc == 0 && m.status == GNTST_okay)
        unmap(va, m.handle, &u);
    t_check(id, desc, rc == 0 && m.status == want, "(rc=%ld status=%d)", rc, m.status);
}

static long copy(struct gnttab_copy *op)
{
    return xdom_gop(GNTTABOP_copy, op, 1);
}

void xdom_gnttab_dom0(void)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    uint8_t *win = os_alloc_page(), *buf = os_alloc_page();
    uint64_t win_pte = *os_l1e_of((uint64_t)win);
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    struct gnttab_copy op;
    long rc;
    int ok;

    HYPERVISOR_update_va_mapping((unsigned long)win, 0, UVMF_INVLPG);
    xdom_run_step(XS_GNT_GRANT);

    /* Refused maps first, while every entry is fresh. */
    map_refused("XGNT0001", "map of a ref beyond the DomU's table: GNTST_bad_gntref", win,
                GNTMAP_host_map, 1u << 20, XDOM_DOMU, GNTST_bad_gntref);
    map_refused("XGNT0002", "map of an entry the DomU never granted: GNTST_general_error", win,
                GNTMAP_host_map, XDOM_REF_NONE, XDOM_DOMU, GNTST_general_error);
    map_refused("XGNT0003", "writable map of a read-only grant: GNTST_general_error", win,
                GNTMAP_host_map, XDOM_REF_RO, XDOM_DOMU, GNTST_general_error);
    map_refused("XGNT0004", "map naming an absent granter: GNTST_bad_domain", win,
                GNTMAP_host_map, XDOM_REF_RW, XDOM_ABSENT, GNTST_bad_domain);

    /* A read-only grant mapped read-only. */
    rc = map(win, GNTMAP_host_map | GNTMAP_readonly, XDOM_REF_RO, XDOM_DOMU, &m);
    ok = rc == 0 && m.status == GNTST_okay;
    t_check("XGNT0005", "read-only map of the read-only grant: okay", ok, "(rc=%ld status=%d)",
            rc, m.status);
    if (ok) {
        t_check("XGNT0006", "it shows the DomU's page", has_pattern(win, 3), NULL);
        rc = unmap(win, m.handle, &u);
        t_check("XGNT0007", "unmap of the read-only mapping: okay",
                rc == 0 && u.status == GNTST_okay, "(rc=%ld status=%d)", rc, u.status);
    }

    /* Map the writable grant, write a pattern through it; the DomU reads it. */
    rc = map(win, GNTMAP_host_map, XDOM_REF_RW, XDOM_DOMU, &m);
    ok = rc == 0 && m.status == GNTST_okay;
    t_check("XGNT0008", "writable map of the DomU's grant: okay", ok, "(rc=%ld status=%d)", rc,
            m.status);
    if (!ok)
        return;
    t_check("XGNT0009", "dev_bus_addr is the frame's machine address",
            m.dev_bus_addr == c->mfn[0] << OS_PAGE_SHIFT, NULL);
    for (unsigned int i = 0; i < OS_PAGE_SIZE; i++)
        win[i] = xdom_pattern(1, i);
    xdom_run_step(XS_GNT_CHECK_MAP);
    t_check("XGNT0010", "DomU: reads what Dom0 wrote through its mapping",
            c->res[R_RW_PATTERN] == 1, NULL);
    t_check("XGNT0011", "DomU: the mapped entry shows GTF_reading|GTF_writing",
            c->res[R_RW_FLAGS] == (GTF_permit_access | GTF_reading | GTF_writing),
            "(flags=%#lx)", (unsigned long)c->res[R_RW_FLAGS]);

    /* Copies: into the DomU's page, then back out of it. */
    for (unsigned int i = 0; i < OS_PAGE_SIZE; i++)
        buf[i] = xdom_pattern(2, i);
    op = (struct gnttab_copy){ .len = OS_PAGE_SIZE, .flags = GNTCOPY_dest_gref };
    op.source.u.gmfn = os_virt_to_mfn(buf);
    op.source.domid = DOMID_SELF;
    op.dest.u.ref = XDOM_REF_COPY;
    op.dest.domid = XDOM_DOMU;
    rc = copy(&op);
    t_check("XGNT0012", "copy from Dom0's frame into the DomU's grant: okay",
            rc == 0 && op.status == GNTST_okay, "(rc=%ld status=%d)", rc, op.status);
    xdom_run_step(XS_GNT_CHECK_COPY);
    t_check("XGNT0013", "DomU: its page holds what Dom0 copied", c->res[R_COPY_PATTERN] == 1,
            NULL);
    t_check("XGNT0014", "DomU: a copy leaves the entry unused", c->res[R_COPY_FLAGS] ==
            GTF_permit_access, "(flags=%#lx)", (unsigned long)c->res[R_COPY_FLAGS]);
    op = (struct gnttab_copy){ .len = OS_PAGE_SIZE, .flags = GNTCOPY_source_gref };
    op.source.u.ref = XDOM_REF_COPY;
    op.source.domid = XDOM_DOMU;
    op.dest.u.gmfn = os_virt_to_mfn(buf);
    op.dest.domid = DOMID_SELF;
    rc = copy(&op);
    t_check("XGNT0015", "copy from the DomU's grant into Dom0's frame: okay",
            rc == 0 && op.status == GNTST_okay, "(rc=%ld status=%d)", rc, op.status);
    t_check("XGNT0016", "Dom0's frame holds what the DomU wrote", has_pattern(buf, 4), NULL);

    /* Unmap; the DomU ends access; the ref is no longer usable. */
    rc = unmap(win, m.handle, &u);
    t_check("XGNT0017", "unmap of the writable mapping: okay", rc == 0 && u.status == GNTST_okay,
            "(rc=%ld status=%d)", rc, u.status);
    xdom_run_step(XS_GNT_END);
    t_check("XGNT0018", "DomU: after the unmap the entry shows no use", c->res[R_END_FLAGS] == 0,
            "(flags=%#lx)", (unsigned long)c->res[R_END_FLAGS]);
    t_check("XGNT0019", "DomU: ends access to its three grants",
            c->res[R_END_RW] == 1 && c->res[R_END_COPY] == 1 && c->res[R_END_RO] == 1, NULL);
    map_refused("XGNT0020", "map after the DomU revoked the grant: GNTST_general_error", win,
                GNTMAP_host_map, XDOM_REF_RW, XDOM_DOMU, GNTST_general_error);
    op = (struct gnttab_copy){ .len = 8, .flags = GNTCOPY_dest_gref };
    op.source.u.gmfn = os_virt_to_mfn(buf);
    op.source.domid = DOMID_SELF;
    op.dest.u.ref = XDOM_REF_COPY;
    op.dest.domid = XDOM_DOMU;
    rc = copy(&op);
    t_check("XGNT0021", "copy into a revoked grant: GNTST_general_error",
            rc == 0 && op.status == GNTST_general_error, "(rc=%ld status=%d)", rc, op.status);
    HYPERVISOR_update_va_mapping((unsigned long)win, win_pte, UVMF_INVLPG);
}
