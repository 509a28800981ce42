/*
 * destroy, pause, unpause and shutdown of one domain, named or by id.
 *
 * shutdown: with no xenstore there is no control/shutdown node to ask a
 * cooperative guest through, so the toolstack shuts the domain down itself
 * with SCHEDOP_remote_shutdown (reason poweroff), which Xen offers a
 * privileged domain for exactly this; VIRQ_DOM_EXC then brings the
 * config's on_poweroff action (destroy by default). See docs/toolstack.md.
 */
#include <os/hypercall.h>
#include <xen/sched.h>
#include <xl/string.h>
#include "xl.h"

/* The one domain argument of command `name`: 0 and *domid, or 1 (said why). */
static int one_domain(int argc, char **argv, uint32_t *domid)
{
    if (argc != 2) {
        os_printf("'xl %s' requires exactly 1 argument: a domain name or id.\n", argv[0]);
        return 1;
    }
    return xl_domain_arg(argv[1], domid) ? 1 : 0;
}

int xl_cmd_destroy(int argc, char **argv)
{
    uint32_t domid;

    if (one_domain(argc, argv, &domid))
        return 1;
    if (domid == 0) {
        os_printf("Not destroying domain 0; use -f to force.\n");
        return 1;
    }
    return xl_domain_destroy(domid) ? 1 : 0;
}

static int pause_or_unpause(int argc, char **argv, int pause)
{
    uint32_t domid;
    long rc;

    if (one_domain(argc, argv, &domid))
        return 1;
    rc = pause ? xc_domain_pause(domid) : xc_domain_unpause(domid);
    if (rc) {
        os_printf("libxl: error: Domain %u:%s domain: %ld\n", domid,
                  pause ? "Pausing" : "Unpausing", rc);
        return 1;
    }
    return 0;
}

int xl_cmd_pause(int argc, char **argv)
{
    return pause_or_unpause(argc, argv, 1);
}

int xl_cmd_unpause(int argc, char **argv)
{
    return pause_or_unpause(argc, argv, 0);
}

int xl_cmd_shutdown(int argc, char **argv)
{
    struct sched_remote_shutdown s = { .reason = SHUTDOWN_poweroff };
    uint32_t domid;
    long rc;

    if (one_domain(argc, argv, &domid))
        return 1;
    if (domid == 0) {
        os_printf("xl: use exit to shut Domain 0 (and the machine) down\n");
        return 1;
    }
    s.domain_id = (domid_t)domid;
    os_printf("Shutting down domain %u\n", domid);
    if ((rc = HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &s))) {
        os_printf("libxl: error: Domain %u:Shutting down domain: %ld\n", domid, rc);
        os_printf("shutdown failed (rc=-3)\n");
        return 1;
    }
    return 0;
}
