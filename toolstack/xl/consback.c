/*
 * The console back end: Dom0 reads each DomU's console ring (the page the
 * builder set up, struct xencons_interface) and prints every line the guest
 * wrote as "[name] line". Xen's release builds refuse CONSOLEIO_write from
 * a DomU, so this is how a guest's output reaches the console on both
 * hypervisors. Dom0 maps the ring page (a foreign mapping) and binds the
 * guest's console port (an unbound port the builder made for Dom0).
 */
#include <os/events.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>
#include <xl/string.h>
#include "xl.h"

#define LINE_MAX 160

struct cons {
    int used;
    uint32_t domid;
    char name[XL_CFG_NAME_MAX];
    volatile struct xencons_interface *ring;
    uint64_t old_pte;
    unsigned int port;                  /* our end of the console channel */
    char line[LINE_MAX];
    unsigned int len;
};

static struct cons conss[XL_MAX_DOMAINS];

static void on_console_event(unsigned int port, struct os_regs *regs, void *data)
{
    xl_event(XL_EV_CONSOLE);
}

static struct cons *find(uint32_t domid)
{
    for (unsigned int i = 0; i < XL_MAX_DOMAINS; i++)
        if (conss[i].used && conss[i].domid == domid)
            return &conss[i];
    return NULL;
}

void xl_consback_connect(uint32_t domid, const char *name, uint64_t mfn, uint32_t port)
{
    struct evtchn_bind_interdomain bind = { .remote_dom = (domid_t)domid, .remote_port = port };
    struct cons *c = NULL;
    void *page;
    long rc;

    for (unsigned int i = 0; !c && i < XL_MAX_DOMAINS; i++)
        if (!conss[i].used)
            c = &conss[i];
    if (!c || !(page = os_alloc_page())) {
        os_printf("xl: no console for domain %u: no room\n", domid);
        return;
    }
    memset(c, 0, sizeof(*c));
    if ((rc = xc_map_foreign(page, domid, mfn, 1, &c->old_pte))) {
        os_printf("xl: no console for domain %u: mapping its ring failed (%ld)\n", domid, rc);
        os_free_page(page);
        return;
    }
    if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind))) {
        os_printf("xl: no console for domain %u: binding its port failed (%ld)\n", domid, rc);
        xc_unmap_foreign(page, c->old_pte);
        os_free_page(page);
        return;
    }
    c->used = 1;
    c->domid = domid;
    memcpy(c->name, name, strnlen(name, sizeof(c->name) - 1));
    c->ring = page;
    c->port = bind.local_port;
    os_evtchn_bind(c->port, on_console_event, NULL);
    os_evtchn_unmask(c->port);
    xl_event(XL_EV_CONSOLE);            /* it may have written before we looked */
}

static void print_line(struct cons *c, unsigned int *printed)
{
    if (!(*printed)++)
        xl_output_begin();
    c->line[c->len] = 0;
    os_printf("[%s] %s\n", c->name, c->line);
    c->len = 0;
}

/* Everything the guest wrote so far; a line it has not finished waits. */
static void drain_one(struct cons *c, unsigned int *printed)
{
    volatile struct xencons_interface *r = c->ring;
    xencons_ring_idx_t cons = r->out_cons, prod = r->out_prod;
    struct evtchn_send send = { .port = c->port };

    os_mb();                            /* the bytes after the index */
    if (prod - cons > sizeof(r->out))
        cons = prod - sizeof(r->out);   /* a guest's bad index: skip to what is there */
    if (cons == prod)
        return;
    for (; cons != prod; cons++) {
        char ch = r->out[XENCONS_MASK(cons, r->out)];

        if (ch == '\n' || c->len + 1 >= LINE_MAX)
            print_line(c, printed);
        if (ch != '\n' && ch != '\r')
            c->line[c->len++] = ch;
    }
    os_mb();
    r->out_cons = cons;
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);  /* room in the ring again */
}

void xl_consback_drain(void)
{
    unsigned int printed = 0;

    for (unsigned int i = 0; i < XL_MAX_DOMAINS; i++)
        if (conss[i].used)
            drain_one(&conss[i], &printed);
    if (printed)
        xl_output_end();
}

void xl_consback_disconnect(uint32_t domid)
{
    struct cons *c = find(domid);
    struct evtchn_close close;
    unsigned int printed = 0;

    if (!c)
        return;
    drain_one(c, &printed);
    if (c->len)
        print_line(c, &printed);        /* its last words, even without a newline */
    if (printed)
        xl_output_end();
    close.port = c->port;
    os_evtchn_mask(c->port);
    os_evtchn_unbind(c->port);
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
    xc_unmap_foreign((void *)c->ring, c->old_pte);
    os_free_page((void *)c->ring);
    c->used = 0;
}
