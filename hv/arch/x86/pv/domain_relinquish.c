/*
 * The x86 PV part of destroying a domain (Xen's PV domain_relinquish_
 * resources): what the domain holds through the MMU, in this order:
 *
 *   1. a batched writable L1 goes back into its L2; shadow paging and the
 *      log-dirty bitmap are turned off (their frames are the hypervisor's);
 *      the GDT and LDT frames' descriptor-page references and the PIRQ EOI
 *      page's writable reference are dropped;
 *   2. the page tables, bottom-up, one level per pass over the frame table
 *      (hv/pt_relinquish.h): each step releases one table's entries, so the
 *      passes stop and resume between any two frames;
 *   3. the vCPUs' root references (their counts only: nothing is validated).
 *
 * Progress lives in d->destroy.arch_stage and d->destroy.cursor.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/descriptors.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <asm/pt_relinquish.h>
#include <asm/pv_mmu.h>
#include <asm/ptwr.h>
#include <asm/shadow.h>

enum { AS_START, AS_TABLES, AS_ROOTS = AS_TABLES + PT_RELINQUISH_PASSES, AS_DONE };

/* One pass over the frame table for tables of `level`; -ERESTART with the cursor saved. */
static int tables_pass(struct domain *d, unsigned int level)
{
    for (mfn_t m = d->destroy.cursor; m < max_mfn; m++) {
        spin_lock(&d->page_lock);
        bool table = pt_relinquish_frame(&pv_mmu_env, d->id, m, level);
        spin_unlock(&d->page_lock);
        /* A table's 512 entries weigh more than a frame that is not one. */
        if (domain_destroy_should_stop(d, table ? 16 : 1)) {
            d->destroy.cursor = m + 1;
            return -XEN_ERESTART;
        }
    }
    d->destroy.cursor = 0;
    return 0;
}

int arch_domain_relinquish(struct domain *d)
{
    int rc;

    switch (d->destroy.arch_stage) {
    case AS_START:
        ptwr_batch_rehook(d);
        shadow_disable(d);
        spin_lock(&d->page_lock);
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            if (d->vcpu[i]) {
                gdt_release(d->vcpu[i]);
                ldt_release(d->vcpu[i]);
            }
        if (d->arch.pirq_eoi_mfn) {
            pv_put_writable_frame(d->arch.pirq_eoi_mfn);
            d->arch.pirq_eoi_mfn = 0;
        }
        spin_unlock(&d->page_lock);
        d->destroy.arch_stage = AS_TABLES;
        d->destroy.cursor = 0;
        /* fall through */
    default:
        while (d->destroy.arch_stage < AS_ROOTS) {
            rc = tables_pass(d, 1u + d->destroy.arch_stage - AS_TABLES);
            if (rc)
                return rc;
            d->destroy.arch_stage++;
        }
        /* fall through */
    case AS_ROOTS:
        spin_lock(&d->page_lock);
        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            struct vcpu *v = d->vcpu[i];
            if (!v)
                continue;
            BUG_ON(pv_set_root(v, false, 0) || pv_set_root(v, true, 0));
        }
        spin_unlock(&d->page_lock);
        d->destroy.arch_stage = AS_DONE;
        /* fall through */
    case AS_DONE:
        return 0;
    }
}
