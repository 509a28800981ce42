/* Event channels (2-level ABI): ports, binding, delivery to vCPUs. */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H
#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;

/* Mark a port pending and notify its vCPU (upcall flag, wake-up). */
void evtchn_set_pending(struct domain *d, unsigned int port);
bool evtchn_port_is_pending(struct domain *d, unsigned int port);
/* Deliver a per-vCPU or global VIRQ if the guest bound it. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_global_virq(struct domain *d, unsigned int virq);

#endif
