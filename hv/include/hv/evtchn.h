/* Event channels (2-level ABI): ports, binding, delivery to vCPUs. */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H
#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>

struct domain;
struct vcpu;

/* A fresh port of `d` that domain `remote` may bind to; the port, or 0 if none is free. */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote);
/* Mark a port pending and notify its vCPU (upcall flag, wake-up). */
void evtchn_set_pending(struct domain *d, unsigned int port);
bool evtchn_port_is_pending(struct domain *d, unsigned int port);
/* Deliver a per-vCPU or global VIRQ if the guest bound it. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_global_virq(struct domain *d, unsigned int virq);

#endif
