/*
 * selftest: an XTF-like conformance suite for the x86-64 PV ABI.
 *
 * Every case has a stable id (AREA + 4 digits) and prints exactly one line
 *     CASE <ID> <description>: PASS|FAIL|SKIP [details]
 * The run ends with "Test result: SUCCESS" (no FAIL) or "FAILURE".
 * Details are printed only for FAIL and SKIP, so that PASS lines are
 * identical on Xen 4.17 and on Xenolith (tests/system compares them).
 * Expected error codes are Xen 4.17's (see expected-xen-4.17.txt).
 * Ids are never reused or renumbered: a retired case leaves a gap.
 */
#ifndef SELFTEST_TEST_H
#define SELFTEST_TEST_H

#include <stdint.h>
#include <os/console.h>
#include <os/cases.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <xen/errno.h>

/* An address that is canonical, in guest space and never mapped. */
#define T_UNMAPPED_VA 0x00007f0000000000ul
/* A non-canonical address. */
#define T_NONCANON_VA 0x0000900000000000ul

/* The lowest vCPU id this domain lacks (1 with one vCPU): VCPUOP_is_up gives -ENOENT. */
unsigned int t_vcpu_absent(void);

/* An IPI port to our own vCPU, its deliveries to handler: the port, or Xen's error. */
long t_ipi_open(os_evtchn_handler_t handler);
/* Forget and close it. */
void t_ipi_close(unsigned int port);
/*
 * Make port's event pending with events masked, then clear the mask by a
 * plain store: an upcall is due that no hypercall has delivered yet, so the
 * next hypercall's exit (or a long one's preemption check) delivers it. An
 * interrupt in the few instructions before that hypercall delivers it
 * first: cases built on it try again when they see that.
 */
void t_event_due_undelivered(unsigned int port);

struct xen_domctl;
/* domctl cmd on domain dom with *dc (cmd, interface version and domain set here): its answer. */
long t_domctl(struct xen_domctl *dc, uint32_t cmd, domid_t dom);
/* createdomain of id dom with max_vcpus, ports up to 1023, grant v1, default grant frames, into *dc. */
long t_create_domain(struct xen_domctl *dc, domid_t dom, uint32_t max_vcpus);

/* The suites, one per ABI area (one file each). */
/* The physical CPUs online (platform.c), for the cases whose answers depend on their count. */
unsigned int selftest_online_cpus(void);

void suite_console(void);
void suite_ioports(void);
void suite_version(void);
void suite_hypercall(void);
void suite_sched(void);
void suite_sysctl_sched(void);
void suite_traps(void);
void suite_exceptions(void);
void suite_segments(void);
void suite_multicall(void);
void suite_vm_assist(void);
void suite_vcpu(void);
void suite_smp(void);
void suite_vcpu_ops(void);
void suite_smp_fifo(void);
void suite_smp_many(void);
void suite_vcpu_ids(void);
void suite_timers(void);
void suite_memory(void);
void suite_evtchn(void);
void suite_evtchn_fifo(void);
void suite_gnttab(void);
void suite_memory_exchange(void);
void suite_time(void);
void suite_usermode(void);
void suite_trapgates(void);
void suite_mmu(void);
void suite_debugreg(void);
void suite_descriptors(void);
void suite_cpuid(void);
void suite_privop(void);
void suite_iomem(void);
void suite_platform(void);
void suite_physdev(void);
void suite_pirq(void);
void suite_domctl(void);
void suite_domctl_iocaps(void);
void suite_sysctl(void);
void suite_shadow_op(void);

#endif /* SELFTEST_TEST_H */
