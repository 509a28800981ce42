/*
 * LCYC: many create -> run -> destroy cycles of a small DomU. Each DomU is
 * built by the toolstack's builder, gives its sign of life (its mailbox
 * marked, its console port signalled) and is destroyed; Dom0 hears
 * VIRQ_DOM_EXC for each destroy. Afterwards nothing is left: the
 * hypervisor has as many free frames as before the first cycle, and Dom0's
 * MMU audit (Xenolith) is clean.
 */
#include "lifecycle.h"

void lc_cycles(void)
{
    unsigned long n = lc_arg("n", 1000), pages = lc_arg("pages", 1024);
    unsigned long up = 0, destroyed = 0, virqs = 0, ids_fresh = 1;
    long before, after, mismatches = 0, rc = 0;
    uint32_t last_id = 0;
    struct lc_dom d = { 0 };

    before = lc_free_frames(&mismatches);
    for (unsigned long i = 0; i < n; i++) {
        unsigned long exc;

        rc = lc_start(&d, pages);
        if (rc) {
            os_printf("lifecycle: cycle %lu: build gave %ld\n", i, rc);
            break;
        }
        up++;
        /* Xen's rover: each new domain takes the next id up. */
        if (i && d.domid != last_id + 1)
            ids_fresh = 0;
        last_id = d.domid;
        exc = lc_dom_exc;
        rc = lc_destroy(&d);
        if (rc) {
            os_printf("lifecycle: cycle %lu: destroy of d%u gave %ld\n", i, d.domid, rc);
            break;
        }
        destroyed++;
        virqs += lc_dom_exc != exc;
        if ((i + 1) % 100 == 0)
            os_printf("lifecycle: %lu cycles done\n", i + 1);
    }
    after = lc_free_frames(&mismatches);
    /* The count is not in the CASE line: Xen 4.17 may run fewer cycles (TCG is slow). */
    os_printf("lifecycle: %lu cycles of %lu-page DomUs\n", n, pages);
    t_check("LCYC0001", "every DomU built from Dom0 gives its sign of life", up == n,
            "(%lu of %lu; rc=%ld)", up, n, rc);
    t_check("LCYC0002", "every one is destroyed (0) and Dom0 hears VIRQ_DOM_EXC each time",
            destroyed == n && virqs == n, "(destroyed %lu, VIRQ_DOM_EXC %lu)", destroyed, virqs);
    t_check("LCYC0003", "each new domain takes the next id up (Xen's rover)", ids_fresh,
            "(last id %u)", last_id);
    t_check("LCYC0004", "the hypervisor has as many free frames as before the first cycle",
            before > 0 && after == before, "(before %ld after %ld)", before, after);
    t_check("LCYC0005", "Dom0's MMU audit is clean afterwards", mismatches == 0,
            "(%ld mismatches)", mismatches);
}
