/*
 * The domains this toolstack created: their names (with no xenstore, the
 * toolstack is where a name lives), the actions their configs ask for on
 * shutdown, and what happens when VIRQ_DOM_EXC says one shut down.
 */
#include <os/events.h>
#include <os/hypercall.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xl/string.h>
#include "xl.h"

static struct xl_domain doms[XL_MAX_DOMAINS];

static void on_dom_exc(unsigned int port, struct os_regs *regs, void *data)
{
    xl_event(XL_EV_DOM_EXC);
}

void xl_domains_init(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };

    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind) == 0) {
        os_evtchn_bind(bind.port, on_dom_exc, NULL);
        os_evtchn_unmask(bind.port);
    }
}

struct xl_domain *xl_domain_add(uint32_t domid, const char *name)
{
    for (unsigned int i = 0; i < XL_MAX_DOMAINS; i++)
        if (!doms[i].used) {
            memset(&doms[i], 0, sizeof(doms[i]));
            doms[i].used = 1;
            doms[i].domid = domid;
            memcpy(doms[i].name, name, strnlen(name, sizeof(doms[i].name) - 1));
            return &doms[i];
        }
    return NULL;
}

struct xl_domain *xl_domain_by_id(uint32_t domid)
{
    for (unsigned int i = 0; i < XL_MAX_DOMAINS; i++)
        if (doms[i].used && doms[i].domid == domid)
            return &doms[i];
    return NULL;
}

struct xl_domain *xl_domain_by_name(const char *name)
{
    for (unsigned int i = 0; i < XL_MAX_DOMAINS; i++)
        if (doms[i].used && !strcmp(doms[i].name, name))
            return &doms[i];
    return NULL;
}

void xl_domain_forget(struct xl_domain *d)
{
    d->used = 0;
}

const char *xl_domain_name(uint32_t domid)
{
    struct xl_domain *d = xl_domain_by_id(domid);

    if (domid == 0)
        return "Domain-0";
    return d ? d->name : "(null)";
}

int xl_domain_arg(const char *arg, uint32_t *domid)
{
    const char *p = arg;
    uint32_t id = 0;
    struct xl_domain *d;

    for (; *p >= '0' && *p <= '9' && id < 0x10000; p++)
        id = id * 10 + (uint32_t)(*p - '0');
    if (p != arg && !*p && id < 0x10000) {
        *domid = id;                    /* an id, even of no domain: as xl */
        return 0;
    }
    if (!strcmp(arg, "Domain-0")) {
        *domid = 0;
        return 0;
    }
    if ((d = xl_domain_by_name(arg))) {
        *domid = d->domid;
        return 0;
    }
    os_printf("%s is an invalid domain identifier (rc=-6)\n", arg);
    return -1;
}

long xl_domain_destroy(uint32_t domid)
{
    struct xl_domain *d = xl_domain_by_id(domid);
    struct xen_domctl_getdomaininfo info;
    long rc;

    /* libxl looks the domain up first; a missing one is ERROR_DOMAIN_NOTFOUND (-21). */
    if (xc_domain_getinfo(domid, &info) || info.domain != domid) {
        os_printf("libxl: error: Domain %u:Non-existant domain\n", domid);
        os_printf("destroy failed (rc=-21)\n");
        return -XEN_ESRCH;
    }
    /* Nothing of ours may keep it: its console ring first. */
    xl_consback_disconnect(domid);
    if ((rc = xc_domain_destroy(domid))) {
        os_printf("libxl: error: Domain %u:Destruction of domain failed (%ld)\n", domid, rc);
        os_printf("destroy failed (rc=-3)\n");
        return rc;
    }
    if (d)
        xl_domain_forget(d);
    return 0;
}

static const char *reason_name(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return "poweroff";
    case SHUTDOWN_reboot: return "reboot";
    case SHUTDOWN_suspend: return "suspend";
    case SHUTDOWN_crash: return "crash";
    case SHUTDOWN_watchdog: return "watchdog";
    default: return "unknown";
    }
}

/* What the config asks for after a shutdown for reason. */
static enum xl_action action_for(const struct xl_domain *d, unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return d->on_poweroff;
    case SHUTDOWN_reboot: return d->on_reboot;
    case SHUTDOWN_suspend: return XL_ACTION_PRESERVE;      /* a save would pick it up */
    default: return d->on_crash;
    }
}

static void act(struct xl_domain *d, unsigned int reason)
{
    enum xl_action a = action_for(d, reason);
    char cfg_file[XL_CFG_PATH_MAX];
    uint32_t domid = d->domid;

    xl_output_begin();
    os_printf("xl: domain %u (%s) has shut down, reason %s: %s\n", domid, d->name,
              reason_name(reason), xl_action_name(a));
    d->shutdown_seen = 1;
    switch (a) {
    case XL_ACTION_DESTROY:
    case XL_ACTION_COREDUMP_DESTROY:
        xl_domain_destroy(domid);
        break;
    case XL_ACTION_RESTART:
    case XL_ACTION_RENAME_RESTART:
    case XL_ACTION_COREDUMP_RESTART:
        memcpy(cfg_file, d->cfg_file, sizeof(cfg_file));
        if (xl_domain_destroy(domid) == 0)
            xl_create_from(cfg_file);
        break;
    default:                            /* preserve, soft-reset: left as it is */
        break;
    }
    xl_output_end();
}

void xl_domains_check_shutdown(void)
{
    for (unsigned int i = 0; i < XL_MAX_DOMAINS; i++) {
        struct xen_domctl_getdomaininfo info;
        struct xl_domain *d = &doms[i];

        if (!d->used || d->shutdown_seen)
            continue;
        if (xc_domain_getinfo(d->domid, &info) || info.domain != d->domid) {
            xl_domain_forget(d);        /* gone without us */
            continue;
        }
        if ((info.flags & XEN_DOMINF_shutdown) && !(info.flags & XEN_DOMINF_dying))
            act(d, (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
    }
}
