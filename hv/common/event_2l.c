/*
 * The 2-level port mechanism: pending and mask bitmaps in shared_info, the
 * selector word and upcall flag in the notified vCPU's vcpu_info.  The bit
 * logic is the pure lib/evtchn_2l.c; this file binds it to a domain.
 */
#include <xen/xen.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <xl/evtchn_2l.h>
#include <xl/format.h>

static struct evtchn_2l bitmaps(struct domain *d, unsigned int vcpu)
{
    struct vcpu_info *vi = d->vcpu[vcpu]->vcpu_info;
    return (struct evtchn_2l){
        .pending = (uint64_t *)d->shared_info->evtchn_pending,
        .mask = (uint64_t *)d->shared_info->evtchn_mask,
        .pending_sel = (uint64_t *)&vi->evtchn_pending_sel,
        .upcall_pending = &vi->evtchn_upcall_pending,
    };
}

static bool set_pending_2l(struct vcpu *v, unsigned int port)
{
    struct evtchn_2l e = bitmaps(v->domain, v->id);
    return evtchn_2l_set_pending(&e, port);
}

static void clear_pending_2l(struct domain *d, unsigned int port)
{
    struct evtchn_2l e = bitmaps(d, 0);
    evtchn_2l_clear_pending(&e, port);
}

static bool unmask_2l(struct domain *d, unsigned int port)
{
    struct evtchn_2l e = bitmaps(d, d->evtchn[port].notify_vcpu);
    return evtchn_2l_unmask(&e, port);
}

static bool is_pending_2l(struct domain *d, unsigned int port)
{
    struct evtchn_2l e = bitmaps(d, 0);
    return evtchn_2l_is_pending(&e, port);
}

static bool is_masked_2l(struct domain *d, unsigned int port)
{
    struct evtchn_2l e = bitmaps(d, 0);
    return evtchn_2l_is_masked(&e, port);
}

static void print_state_2l(struct domain *d, unsigned int port, char *buf, unsigned int size)
{
    xl_snprintf(buf, size, "%c%c", is_pending_2l(d, port) ? 'P' : '-',
             is_masked_2l(d, port) ? 'M' : '-');
}

const struct evtchn_port_ops evtchn_port_ops_2l = {
    .name = "2-level",
    .set_pending = set_pending_2l,
    .clear_pending = clear_pending_2l,
    .unmask = unmask_2l,
    .is_pending = is_pending_2l,
    .is_masked = is_masked_2l,
    .print_state = print_state_2l,
};
