/*
 * XMMU: mmu_update's foreign domain id across domains (Xen's foreigndom):
 * Dom0's own page tables map the DomU's frames when Dom0 names the DomU as
 * their owner; the references those mappings hold are the DomU's frames'
 * and go with the mapping.
 *
 * The DomU gives Dom0 two frames: D (a pattern) and Z (zero, later pinned
 * as an L1 table by the DomU). Dom0 maps D read-only and writable through
 * mmu_update, Z writable through update_va_mapping_otherdomain; while Z is
 * mapped writable by Dom0 the DomU cannot pin it, after Dom0's unmap it can.
 * Refusals: the frame's owner named wrongly either way (-EBUSY), an L4
 * update naming another owner (-EINVAL); the unprivileged DomU naming Dom0,
 * DOMID_XEN or an absent domain (-EPERM, -EPERM, -ESRCH).
 */
#include <os/mm.h>
#include <xen/xen.h>
#include "xdom.h"

#define RO   (OS_PTE_PRESENT | OS_PTE_ACCESSED)
#define RW   (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY)
#define SEED_D 5                     /* the DomU's pattern in D */
#define SEED_W 6                     /* what Dom0 writes into D */

/* Results the DomU leaves in res[] (after the grant steps' own). */
enum { R_NAME_DOM0 = 8, R_NAME_XEN, R_NAME_ABSENT, R_UVM_DOM0, R_SEES_WRITE, R_PIN_BUSY,
       R_PIN_FREE, R_RESTORE };

long xdom_map_at(void *va, uint64_t val, unsigned int foreigndom)
{
    const uint64_t *l1e = os_l1e_of((uint64_t)va);
    struct mmu_update req = {
        .ptr = (os_virt_to_mfn(l1e) << OS_PAGE_SHIFT) | ((uint64_t)l1e & (OS_PAGE_SIZE - 8)),
        .val = val,
    };

    struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (uint64_t)va };
    long rc = HYPERVISOR_mmu_update(&req, 1, NULL, foreigndom);

    /*
     * mmu_update flushes nothing: the old translation of va may still be in
     * this CPU's TLB (on one CPU a switch to the other domain used to flush it).
     */
    if (!rc)
        HYPERVISOR_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    return rc;
}

static long uvm_other(void *va, uint64_t val, domid_t dom)
{
    return os_hypercall_dyn(__HYPERVISOR_update_va_mapping_otherdomain, (long)va, (long)val,
                            UVMF_INVLPG, dom, 0);
}

static long pin_l1(uint64_t mfn, unsigned int cmd)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* ---- DomU ---- */

static uint8_t *frame_d, *frame_z, *scratch;

void xdom_mmu_domu(enum xdom_step s)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    uint64_t z = frame_z ? os_virt_to_mfn(frame_z) : 0;
    long rc;

    switch (s) {
    case XS_MMU_FRAMES:
        frame_d = os_alloc_page();
        frame_z = os_alloc_page();
        scratch = os_alloc_page();
        for (unsigned int i = 0; i < OS_PAGE_SIZE; i++)
            frame_d[i] = xdom_pattern(SEED_D, i);
        c->mmu_mfn[0] = os_virt_to_mfn(frame_d);
        c->mmu_mfn[1] = os_virt_to_mfn(frame_z);
        /* Not privileged: naming another owner is refused before any entry is looked at. */
        c->res[R_NAME_DOM0] = xdom_map_at(scratch, (c->mmu_mfn[0] << OS_PAGE_SHIFT) | RW, 0);
        c->res[R_NAME_XEN] = xdom_map_at(scratch, (c->mmu_mfn[0] << OS_PAGE_SHIFT) | RO, DOMID_XEN);
        c->res[R_NAME_ABSENT] = xdom_map_at(scratch, (c->mmu_mfn[0] << OS_PAGE_SHIFT) | RO,
                                       XDOM_ABSENT);
        c->res[R_UVM_DOM0] = uvm_other(scratch, (c->mmu_mfn[0] << OS_PAGE_SHIFT) | RO, 0);
        break;
    case XS_MMU_CHECK: {
        int same = 1;

        for (unsigned int i = 0; i < OS_PAGE_SIZE; i++)
            same &= frame_d[i] == xdom_pattern(SEED_W, i);
        c->res[R_SEES_WRITE] = same;
        /* Z as an L1 table: first our own writable mapping goes; Dom0's still holds it. */
        rc = HYPERVISOR_update_va_mapping((uint64_t)frame_z, (z << OS_PAGE_SHIFT) | RO,
                                          UVMF_INVLPG);
        c->res[R_PIN_BUSY] = rc ? rc : pin_l1(z, MMUEXT_PIN_L1_TABLE);
        break;
    }
    case XS_MMU_PIN:
        c->res[R_PIN_FREE] = pin_l1(z, MMUEXT_PIN_L1_TABLE);
        rc = pin_l1(z, MMUEXT_UNPIN_TABLE);
        if (!rc)
            rc = HYPERVISOR_update_va_mapping((uint64_t)frame_z, (z << OS_PAGE_SHIFT) | RW,
                                              UVMF_INVLPG);
        c->res[R_RESTORE] = rc;
        break;
    default:
        break;
    }
}

/* ---- Dom0 ---- */

void xdom_mmu_dom0(void)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    uint8_t *win = os_alloc_page(), *win2 = os_alloc_page();
    uint64_t pte = *os_l1e_of((uint64_t)win), pte2 = *os_l1e_of((uint64_t)win2);
    uint64_t d, z, mine = os_virt_to_mfn(win);
    struct mmu_update req;
    int same = 1;
    long rc;

    xdom_run_step(XS_MMU_FRAMES);
    d = c->mmu_mfn[0];
    z = c->mmu_mfn[1];
    t_rc("XMMU0001", "the DomU naming Dom0 as the frames' owner gets -EPERM",
         c->res[R_NAME_DOM0], -XEN_EPERM);
    t_rc("XMMU0002", "the DomU naming DOMID_XEN gets -EPERM", c->res[R_NAME_XEN], -XEN_EPERM);
    t_rc("XMMU0003", "the DomU naming an absent domain gets -ESRCH", c->res[R_NAME_ABSENT],
         -XEN_ESRCH);
    t_rc("XMMU0004", "the DomU's update_va_mapping_otherdomain naming Dom0 gets -EPERM",
         c->res[R_UVM_DOM0], -XEN_EPERM);

    rc = xdom_map_at(win, (d << OS_PAGE_SHIFT) | RO, XDOM_DOMU);
    for (unsigned int i = 0; !rc && i < OS_PAGE_SIZE; i++)
        same &= win[i] == xdom_pattern(SEED_D, i);
    t_check("XMMU0005", "Dom0 maps a DomU frame read-only naming the DomU, reads its pattern",
            rc == 0 && same, "(rc=%ld same=%d)", rc, same);
    rc = xdom_map_at(win, (d << OS_PAGE_SHIFT) | RW, XDOM_DOMU);
    for (unsigned int i = 0; !rc && i < OS_PAGE_SIZE; i++)
        win[i] = xdom_pattern(SEED_W, i);
    t_rc("XMMU0006", "Dom0 maps it writable naming the DomU and writes", rc, 0);
    t_rc("XMMU0007", "naming DOMID_SELF for the DomU's frame gives -EBUSY",
         xdom_map_at(win2, (d << OS_PAGE_SHIFT) | RO, DOMID_SELF), -XEN_EBUSY);
    t_rc("XMMU0008", "naming the DomU for a frame of Dom0's gives -EBUSY",
         xdom_map_at(win2, (mine << OS_PAGE_SHIFT) | RO, XDOM_DOMU), -XEN_EBUSY);
    req = (struct mmu_update){ .ptr = (os_virt_to_mfn((void *)os_start_info->pt_base)
                                       << OS_PAGE_SHIFT) + 255 * 8, .val = 0 };
    t_rc("XMMU0009", "an L4 update naming the DomU as the frames' owner gives -EINVAL",
         HYPERVISOR_mmu_update(&req, 1, NULL, XDOM_DOMU), -XEN_EINVAL);
    req = (struct mmu_update){ .ptr = (d << OS_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                               .val = os_mfn_to_pfn(d) };
    t_rc("XMMU0010", "MMU_MACHPHYS_UPDATE of the DomU's frame naming the DomU is done",
         HYPERVISOR_mmu_update(&req, 1, NULL, XDOM_DOMU), 0);
    t_rc("XMMU0011", "update_va_mapping_otherdomain maps another DomU frame writable",
         uvm_other(win2, (z << OS_PAGE_SHIFT) | RW, XDOM_DOMU), 0);

    xdom_run_step(XS_MMU_CHECK);
    t_check("XMMU0012", "the DomU sees what Dom0 wrote through its mapping",
            c->res[R_SEES_WRITE] == 1, NULL);
    t_rc("XMMU0013", "while Dom0 maps it writable, the DomU cannot pin it as an L1",
         c->res[R_PIN_BUSY], -XEN_EINVAL);

    rc = HYPERVISOR_update_va_mapping((uint64_t)win, pte, UVMF_INVLPG);
    if (!rc)
        rc = HYPERVISOR_update_va_mapping((uint64_t)win2, pte2, UVMF_INVLPG);
    t_rc("XMMU0014", "Dom0 puts its own frames back in both windows", rc, 0);
    xdom_run_step(XS_MMU_PIN);
    t_rc("XMMU0015", "unmapped by Dom0, the frame pins as an L1 of the DomU's",
         c->res[R_PIN_FREE], 0);
    t_rc("XMMU0016", "the DomU unpins it and maps it writable again", c->res[R_RESTORE], 0);
    os_free_page(win);
    os_free_page(win2);
}
