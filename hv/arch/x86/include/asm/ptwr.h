/* Writable page tables: guest stores into its own L1 tables (arch/x86/pv/ptwr.c). */
#ifndef HV_PTWR_H
#define HV_PTWR_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct cpu_regs;

/*
 * A write fault at `cr2` from guest kernel mode: if it is a store into one of
 * the domain's validated L1 tables and writable page tables are enabled,
 * validate and complete it, advance past the instruction, return true.
 * False: not ours to emulate, or refused; the caller reflects the #PF. Takes
 * v->domain->page_lock once the fault is a kernel write to a present page.
 */
bool ptwr_try_emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2);
/* The same with v->domain->page_lock held (the page-fault path of the batched and shadow modes). */
bool ptwr_try_emulate_locked(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2);

/* Batched mode (arch/x86/pv/ptwr_batch.c). */
#include <hv/mm.h>
struct domain;
bool ptwr_batch_unhook(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2, mfn_t l1);
/* Re-validate and re-hook the unhooked L1, if any (before hypercalls, switches, faults). */
void ptwr_batch_rehook(struct domain *d);
/* The same with d->page_lock held (the page-fault path). */
void ptwr_batch_rehook_locked(struct domain *d);

#endif
