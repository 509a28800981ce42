/* Port I/O of PV guests (arch/x86/pv/ioports.c). */
#ifndef HV_IOPORTS_H
#define HV_IOPORTS_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct cpu_regs;

/* An IN/OUT that faulted: emulate it if the vCPU may; false means the guest's #GP. */
bool pv_emulate_io(struct vcpu *v, struct cpu_regs *regs);
/* PHYSDEVOP_set_iobitmap: the bitmap stays in guest memory, read at each access. */
long physdev_set_iobitmap(struct vcpu *v, uint64_t bitmap, uint32_t nr_ports);

#endif
