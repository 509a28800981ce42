/*
 * PT: a long mmuext_op stops for an event upcall, as on Xen 4.17, whose
 * hypercall_preempt_check also asks local_events_need_delivery. An IPI to
 * ourselves is due but undelivered when a batch of pins starts: the
 * hypervisor pins the first table, finds the upcall due, writes pdone and
 * goes back to the guest with a continuation; the upcall runs there and
 * sees one pin done; the rest follow after it.
 */
#include "pt_util.h"

#define BATCH 16
#define TRIES 3

static volatile unsigned int batch_done;    /* the batch's pdone: written at the stop too */
static volatile unsigned int upcalls;
static volatile unsigned int done_at_upcall;

static void note_upcall(unsigned int port, struct os_regs *regs, void *data)
{
    upcalls++;
    done_at_upcall = batch_done;
}

static long pins_with_upcall_due(unsigned int port, struct mmuext_op *ops)
{
    batch_done = 0;
    upcalls = 0;
    done_at_upcall = ~0u;
    t_event_due_undelivered(port);
    return HYPERVISOR_mmuext_op(ops, BATCH, (unsigned int *)&batch_done, DOMID_SELF);
}

void pt_preempt(void)
{
    static struct mmuext_op ops[BATCH];
    void *tables[BATCH];
    unsigned int i, n, unpinned = 0, tries = 0;
    long port = -1, rc;

    for (n = 0; n < BATCH && (tables[n] = pt_get_page(1)); n++)
        ops[n] = (struct mmuext_op){ .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = pt_mfn(tables[n]) };
    if (n < BATCH || (port = t_ipi_open(note_upcall)) < 0) {
        t_case("PT0119", "a batch of 16 pins with an upcall due stops after the first for it",
               T_FAIL, "(%u read-only tables, IPI port %ld)", n, port);
        while (n)
            pt_put_page(tables[--n]);
        return;
    }
    /* An upcall before the batch started (none done): unpin and try again. */
    for (;;) {
        rc = pins_with_upcall_due(port, ops);
        if (done_at_upcall != 0 || ++tries == TRIES)
            break;
        for (i = 0; i < BATCH; i++)
            pt_unpin(pt_mfn(tables[i]));
    }
    t_check("PT0119", "a batch of 16 pins with an upcall due stops after the first for it",
            upcalls == 1 && done_at_upcall == 1, "(upcalls=%u pins done at the upcall=%u)",
            upcalls, done_at_upcall);
    t_check("PT0120", "after the upcall the batch goes on to its end: 0, pdone 16",
            rc == 0 && batch_done == BATCH, "(rc=%ld pdone=%u)", rc, batch_done);
    for (i = 0; i < BATCH; i++)
        unpinned += pt_unpin(pt_mfn(tables[i])) == 0;
    t_check("PT0121", "each of the 16 tables was pinned once: each unpins",
            unpinned == BATCH, "(%u unpinned)", unpinned);
    t_ipi_close(port);
    for (i = 0; i < BATCH; i++)
        pt_put_page(tables[i]);
}
