/*
 * Serial input. Bytes go to Dom0 (CONSOLEIO_read, announced with VIRQ_CONSOLE)
 * until Ctrl-A is typed three times in a row, as on Xen; then they are debug
 * keys for the hypervisor until the next triple Ctrl-A. Keys run as deferred
 * work, not in the interrupt handler.
 */
#include <xen/xen.h>
#include <hv/console.h>
#include <asm/cpu.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/pv_mmu.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <asm/traps.h>
#include <hv/spinlock.h>

#define INPUT_RING 1024

static char ring[INPUT_RING];
static unsigned int ring_prod, ring_cons;
static bool to_hypervisor;
static unsigned int ctrl_a_run;
static char pending_keys[16];
static unsigned int nr_pending_keys;
/* The ring, the key queue and the Ctrl-A state: filled by the serial interrupt, emptied by hypercalls and softirqs. */
static DEFINE_SPINLOCK(input_lock, LOCK_CONSOLE_IN);

static void key_help(void)
{
    log_info("debug keys: 'h' this help, 'a' MMU audit of every domain, 'd' registers, state and timers of every vCPU, "
             "'q' domain summary, 'e' event channels, 'C' crash the hypervisor on purpose (to test the crash dump); "
             "Ctrl-A x3 gives input back to Dom0");
}

/* Where a vCPU's timers are: they follow it from CPU to CPU (common/vcpu_timer.c). */
static void key_vcpu_timers(struct vcpu *v)
{
    char one[48], periodic[48], poll[48];

    timer_describe(&v->singleshot_timer, one, sizeof(one));
    timer_describe(&v->periodic_timer, periodic, sizeof(periodic));
    timer_describe(&v->poll_timer, poll, sizeof(poll));
    log_info("d%uv%u: singleshot %s; periodic (%lu ms) %s; poll %s", v->domain->id, v->id, one,
             (unsigned long)(v->periodic_period / 1000000), periodic, poll);
}

static void key_domains(bool regs)
{
    struct domain *d;
    struct vcpu *v;

    for_each_domain(d) {
        log_info("domain %u: %lu pages, %s%s, paging %s%s, vm_assist %#lx", d->id, d->tot_pages,
                 domain_is_privileged(d) ? "privileged" : "unprivileged",
                 d->is_shutdown ? ", shut down" : "",
                 d->arch.paging->name, d->arch.shadow.log_dirty ? " + log-dirty" : "",
                 d->vm_assist);
        if (!regs)
            continue;
        for_each_vcpu(d, v) {
            static const char *const states[] = { "running", "runnable", "blocked", "offline" };
            const struct cpu_regs *r = v->running && v == current ? guest_regs() : &v->regs;
            log_info("d%uv%u: %s mode, %s%s on CPU%u, upcall pending %u mask %u", d->id, v->id,
                     v->arch.kernel_mode ? "kernel" : "user", states[v->runstate.state & 3],
                     v->runq.pri == SCHED_PRI_BOOST ? " (boosted)" : "", v->processor,
                     v->vcpu_info->evtchn_upcall_pending, v->vcpu_info->evtchn_upcall_mask);
            log_info("d%uv%u: rip %016lx rsp %016lx rflags %016lx", d->id, v->id, r->rip, r->rsp,
                     r->rflags);
            key_vcpu_timers(v);
        }
    }
}

static void run_key(char k)
{
    struct domain *d;

    switch (k) {
    case 'a':
        for_each_domain(d)
            pv_mmu_audit(d);
        break;
    case 'd': {
        unsigned int cpu;

        /* A snapshot without the scheduler lock: good enough for people. */
        for_each_online_cpu(cpu) {
            const struct vcpu *c = cpu_info_of(cpu)->curr_vcpu;
            if (c)
                log_info("CPU%u: d%uv%u, %u waiting", cpu, c->domain->id, c->id,
                         cpu_info_of(cpu)->runq.nr);
            else
                log_info("CPU%u: idle, %u waiting", cpu, cpu_info_of(cpu)->runq.nr);
        }
        key_domains(true);
        break;
    }
    case 'q':
        key_domains(false);
        break;
    case 'e':
        for_each_domain(d)
            evtchn_dump(d);
        break;
    case 'C':
        /* As Xen's 'C': a deliberate fault in the hypervisor, to see the dump and the stop. */
        log_err("debug key 'C': crashing the hypervisor on purpose");
        *(volatile uint64_t *)0x8000000000000000UL = 0;     /* non-canonical: #GP */
        break;
    default:
        key_help();
        break;
    }
}

/* See console.h. */
void console_debug_key(char k)
{
    run_key(k);
}

/*
 * Softirq work, run with interrupts on: a key typed while another one runs
 * (an audit takes a while) is appended meanwhile, so take them one by one
 * under the input lock, and run each without it.
 */
void console_run_keys(void)
{
    for (;;) {
        unsigned long flags = spin_lock_irqsave(&input_lock);
        char k;

        if (!nr_pending_keys) {
            spin_unlock_irqrestore(&input_lock, flags);
            return;
        }
        k = pending_keys[0];
        nr_pending_keys--;
        memmove(pending_keys, pending_keys + 1, nr_pending_keys);
        spin_unlock_irqrestore(&input_lock, flags);
        run_key(k);
    }
}

/* From the serial interrupt. The log line and the VIRQ go out after the input lock is dropped. */
void console_input_byte(char c)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    bool switched = false, to_hv;

    if (c == 0x01) {
        if (++ctrl_a_run == 3) {
            ctrl_a_run = 0;
            to_hypervisor = !to_hypervisor;
            switched = true;
        }
        to_hv = to_hypervisor;
        spin_unlock_irqrestore(&input_lock, flags);
        if (switched)
            log_info("*** serial input to %s (type Ctrl-A three times to switch)%s",
                     to_hv ? "Xenolith" : "Dom0", to_hv ? "; 'h' for help" : "");
        return;
    }
    ctrl_a_run = 0;
    if (to_hypervisor) {
        if (nr_pending_keys < sizeof(pending_keys))
            pending_keys[nr_pending_keys++] = c;
        spin_unlock_irqrestore(&input_lock, flags);
        raise_softirq(SOFTIRQ_KEYS);
        return;
    }
    if (ring_prod - ring_cons < INPUT_RING)
        ring[ring_prod++ % INPUT_RING] = c;
    spin_unlock_irqrestore(&input_lock, flags);
    if (domain_lookup(0))
        send_global_virq(domain_lookup(0), VIRQ_CONSOLE);
}

unsigned int console_read(char *buf, unsigned int n)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    unsigned int got = 0;

    while (got < n && ring_cons != ring_prod)
        buf[got++] = ring[ring_cons++ % INPUT_RING];
    spin_unlock_irqrestore(&input_lock, flags);
    return got;
}
