/*
 * LPNG: an interdomain event channel between two DomUs, not Dom0. Dom0
 * builds both, allocates a port in the first for the second (alloc_unbound
 * naming another domain: the control domain's privilege; a DomU trying it
 * gets -EPERM), the second binds it (bind_interdomain) and they exchange N
 * events. Then the first is destroyed: the survivor's end is unbound,
 * naming the dead peer, as Xen leaves it; a send on it is dropped, a close
 * frees it. The survivor shuts down (VIRQ_DOM_EXC), is destroyed
 * (VIRQ_DOM_EXC again), and every frame is back.
 */
#include <xl/format.h>
#include <os/events.h>
#include <xc/xc.h>
#include "lifecycle.h"

void lc_pingpong(void)
{
    unsigned long n = lc_arg("n", 100), exc;
    static struct lc_dom a, b;
    long before, after, mismatches, port, rc;
    char desc[96];

    before = lc_free_frames(&mismatches);
    rc = lc_start(&a, 1024);
    if (!rc)
        rc = lc_start(&b, 1024);
    if (!t_rc("LPNG0001", "Dom0 builds two DomUs and both run", rc, 0))
        return;
    port = xc_evtchn_alloc_unbound(a.domid, b.domid);
    if (!t_check("LPNG0002", "Dom0 allocates a port in the first for the second (alloc_unbound)",
                 port > 0, "(rc=%ld)", port))
        return;
    a.mbox->port = (uint32_t)port;
    a.mbox->peer = b.domid;
    lc_command(&a, LC_PONG);
    b.mbox->port = (uint32_t)port;
    b.mbox->peer = a.domid;
    b.mbox->n = (uint32_t)n;
    lc_command(&b, LC_PING);
    t_rc("LPNG0003", "a DomU allocating a port in another DomU gets -EPERM", b.mbox->res[1],
         -XEN_EPERM);
    t_rc("LPNG0004", "the second binds it (bind_interdomain)", b.mbox->res[0], 0);
    xl_snprintf(desc, sizeof(desc), "%lu round trips between the two DomUs", n);
    t_check("LPNG0005", desc, b.mbox->count == n && a.mbox->count == n,
            "(pings %lu, pongs %lu)", (unsigned long)b.mbox->count,
            (unsigned long)a.mbox->count);
    lc_command(&b, LC_STATUS);
    t_check("LPNG0006", "the second's end is interdomain with the first",
            b.mbox->res[0] == 0 && b.mbox->res[1] == EVTCHNSTAT_interdomain &&
            b.mbox->res[2] == a.domid, "(rc=%ld status=%ld dom=%ld)", (long)b.mbox->res[0],
            (long)b.mbox->res[1], (long)b.mbox->res[2]);

    exc = lc_dom_exc;
    t_rc("LPNG0007", "Dom0 destroys the first", lc_destroy(&a), 0);
    t_check("LPNG0008", "and hears VIRQ_DOM_EXC", lc_dom_exc != exc, NULL);
    lc_command(&b, LC_STATUS);
    t_check("LPNG0009", "the survivor's end is unbound, naming the destroyed peer",
            b.mbox->res[0] == 0 && b.mbox->res[1] == EVTCHNSTAT_unbound &&
            b.mbox->res[2] == a.domid, "(rc=%ld status=%ld dom=%ld)", (long)b.mbox->res[0],
            (long)b.mbox->res[1], (long)b.mbox->res[2]);
    lc_command(&b, LC_SEND_CLOSE);
    t_rc("LPNG0010", "a send on it is dropped (0)", b.mbox->res[0], 0);
    t_rc("LPNG0011", "closing it gives 0", b.mbox->res[1], 0);
    t_check("LPNG0012", "then its status is closed", b.mbox->res[2] == 0 &&
            b.mbox->res[3] == EVTCHNSTAT_closed, "(rc=%ld status=%ld)", (long)b.mbox->res[2],
            (long)b.mbox->res[3]);

    exc = lc_dom_exc;
    lc_command(&b, LC_EXIT);
    os_irq_disable();
    while (lc_dom_exc == exc) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
    t_check("LPNG0013", "the survivor shuts down: Dom0 hears VIRQ_DOM_EXC", 1, NULL);
    exc = lc_dom_exc;
    t_rc("LPNG0014", "Dom0 destroys it", lc_destroy(&b), 0);
    t_check("LPNG0015", "and hears VIRQ_DOM_EXC again", lc_dom_exc != exc, NULL);
    after = lc_free_frames(&mismatches);
    t_check("LPNG0016", "every frame is back and Dom0's MMU audit is clean",
            before > 0 && after == before && mismatches == 0,
            "(free before %ld after %ld, %ld mismatches)", before, after, mismatches);
}
