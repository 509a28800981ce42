/*
 * VCPUX: the x86 VCPUOPs (24) VCPUOP_register_vcpu_time_memory_area,
 * send_nmi and get_physid, and the periodic timer a new PV vCPU starts with;
 * DEBUGKEYS: XEN_SYSCTL_debug_keys' answers.
 *
 * The NMI cases send to ourselves (vCPU 0): an NMI arrives on the way out
 * of the hypercall, through vector 2 of our trap table (os/core/traps.c),
 * and NMIs stay masked until the handler's iret. The default periodic timer
 * is looked at on vCPU 1 when there is one that never ran (a run with two
 * vCPUs and this suite alone: the SMP suite stops vCPU 1's first thing).
 */
#include <os/events.h>
#include <os/smp.h>
#include <os/time.h>
#include <os/traps.h>
#include <xen/callback.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/sysctl.h>
#include <xen/vcpu.h>
#include <xl/string.h>
#include "test.h"

#define MS 1000000ull
#define HV_AREA_VA 0xffff800000000000ul     /* the hypervisor's part of every address space */

extern char os_trap_nmi[];

/* --- register_vcpu_time_memory_area --- */

static struct vcpu_time_info area __attribute__((aligned(64)));

static long register_area(unsigned int vcpu, uint64_t va)
{
    struct vcpu_register_time_memory_area a = { .addr.p = va };

    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, vcpu, &a);
}

/* A consistent copy of a time record that a hypervisor may rewrite meanwhile. */
static struct vcpu_time_info read_time(const volatile struct vcpu_time_info *t)
{
    struct vcpu_time_info copy;
    uint32_t v;

    do {
        v = t->version;
        os_mb();
        memcpy(&copy, (const void *)t, sizeof(copy));
        os_mb();
    } while ((v & 1) || v != t->version);
    return copy;
}

/* Does the area hold vcpu_info's record (read both until neither changed in between)? */
static int area_matches_vcpu_info(void)
{
    for (unsigned int i = 0; i < 1000; i++) {
        struct vcpu_time_info mine = read_time(&os_this_vcpu_info()->time);
        struct vcpu_time_info copy = read_time(&area);

        if (!memcmp(&mine, &copy, sizeof(mine)))
            return 1;
        if (mine.version == copy.version)
            return 0;                           /* the same version, other contents */
    }
    return 0;
}

static void time_area(void)
{
    long rc;

    memset(&area, 0, sizeof(area));
    rc = register_area(0, (uint64_t)&area);
    t_check("VCPUX0001", "register_vcpu_time_memory_area: the area holds vcpu_info's time at once",
            rc == 0 && area.version && !(area.version & 1) && area_matches_vcpu_info(),
            "(rc=%ld version=%u mul=%u)", rc, area.version, area.tsc_to_system_mul);
    os_sleep_until(os_now_ns() + 2 * MS);       /* a block and a wake: Xen publishes the time again */
    t_check("VCPUX0002", "after a block and a wake the area still holds vcpu_info's time",
            area_matches_vcpu_info(), "(version %u, vcpu_info's %u)", area.version,
            os_this_vcpu_info()->time.version);
    t_rc("VCPUX0003", "register_vcpu_time_memory_area from an unreadable argument gives -EFAULT",
         HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, (void *)T_UNMAPPED_VA),
         -XEN_EFAULT);
    t_rc("VCPUX0004", "an area in the hypervisor's part of the address space gives -EFAULT",
         register_area(0, HV_AREA_VA), -XEN_EFAULT);
    t_rc("VCPUX0005", "a non-canonical area gives -EFAULT", register_area(0, T_NONCANON_VA),
         -XEN_EFAULT);
    t_rc("VCPUX0006", "the area of a vCPU we lack gives -ENOENT",
         register_area(t_vcpu_absent(), (uint64_t)&area), -XEN_ENOENT);
    t_rc("VCPUX0007", "an unmapped area is taken (0: written whenever it can be)",
         register_area(0, T_UNMAPPED_VA), 0);
    rc = register_area(0, 0);
    memset(&area, 0xa5, sizeof(area));
    os_sleep_until(os_now_ns() + 2 * MS);
    t_check("VCPUX0008", "a null area stops the copies: 0, and the old area is left alone",
            rc == 0 && area.version == 0xa5a5a5a5u, "(rc=%ld version=%#x)", rc, area.version);
}

/* --- send_nmi --- */

static volatile unsigned long nmis;
static volatile int nmi_depth, nmi_max_depth, nmi_masked_events;
static volatile int resend, resend_rc = 1;
static volatile unsigned long nmis_after_resend;

static long send_nmi(unsigned int vcpu, void *arg)
{
    return HYPERVISOR_vcpu_op(VCPUOP_send_nmi, vcpu, arg);
}

static int on_nmi(struct os_regs *regs)
{
    if (++nmi_depth > nmi_max_depth)
        nmi_max_depth = nmi_depth;
    nmis++;
    nmi_masked_events = os_this_vcpu_info()->evtchn_upcall_mask;
    if (resend) {
        resend = 0;
        resend_rc = (int)send_nmi(0, NULL);
        resend_rc = resend_rc ? resend_rc : (int)send_nmi(0, NULL);
        nmis_after_resend = nmis;               /* still masked: not delivered yet */
    }
    nmi_depth--;
    return 1;
}

/* Vector 2 of our trap table as os_traps_init sets it (set_trap_table changes only the entries named). */
static long restore_vector2(void)
{
    static struct trap_info t[2] = { { 2, 0, FLAT_KERNEL_CS, 0 }, { 0, 0, 0, 0 } };

    t[0].address = (uint64_t)os_trap_nmi;
    return HYPERVISOR_set_trap_table(t);
}

static long nmi_callback(uint32_t op, uint64_t address)
{
    struct callback_register reg = { .type = CALLBACKTYPE_nmi, .address = address };
    struct callback_unregister unreg = { .type = CALLBACKTYPE_nmi };

    return HYPERVISOR_callback_op(op, op == CALLBACKOP_register ? (void *)&reg : (void *)&unreg);
}

static void nmi(void)
{
    os_trap_hook_t old = os_set_trap_hook(2, on_nmi);
    unsigned long before;
    long rc;

    t_rc("VCPUX0010", "send_nmi with an argument gives -EINVAL", send_nmi(0, (void *)&area),
         -XEN_EINVAL);
    t_rc("VCPUX0011", "send_nmi to a vCPU we lack gives -ENOENT", send_nmi(t_vcpu_absent(), NULL),
         -XEN_ENOENT);

    before = nmis;
    rc = restore_vector2();                     /* earlier suites may have changed the table */
    rc = rc ? rc : send_nmi(0, NULL);
    t_check("VCPUX0012", "send_nmi to ourselves: vector 2 of the trap table runs once, events as they were",
            rc == 0 && nmis == before + 1 && nmi_max_depth == 1 && nmi_masked_events == 0,
            "(rc=%ld nmis=%lu depth=%d mask=%d)", rc, nmis - before, nmi_max_depth,
            nmi_masked_events);

    before = nmis;
    resend = 1;
    rc = send_nmi(0, NULL);
    t_check("VCPUX0013", "two NMIs sent from the NMI handler are one, after its iret, not nested",
            rc == 0 && resend_rc == 0 && nmis_after_resend == before + 1 && nmis == before + 2 &&
            nmi_max_depth == 1, "(rc=%ld/%d in handler %lu, after %lu, depth=%d)", rc, resend_rc,
            nmis_after_resend - before, nmis - before, nmi_max_depth);

    before = nmis;
    rc = nmi_callback(CALLBACKOP_register, (uint64_t)os_trap_nmi);
    rc = rc ? rc : send_nmi(0, NULL);
    t_check("VCPUX0015", "the NMI callback (callback_op) takes vector 2's place, events masked on entry",
            rc == 0 && nmis == before + 1 && nmi_masked_events == 1, "(rc=%ld nmis=%lu mask=%d)",
            rc, nmis - before, nmi_masked_events);

    before = nmis;
    rc = nmi_callback(CALLBACKOP_unregister, 0);
    for (int i = 0; i < 20 && !rc; i++)         /* the hypervisor logs only the first (test_selftest) */
        rc = send_nmi(0, NULL);
    t_check("VCPUX0016", "with the NMI callback unregistered an NMI is dropped: 0, no handler runs",
            rc == 0 && nmis == before, "(rc=%ld nmis=%lu)", rc, nmis - before);

    before = nmis;
    rc = restore_vector2();
    rc = rc ? rc : send_nmi(0, NULL);
    t_check("VCPUX0017", "set_trap_table's vector 2 takes NMIs again", rc == 0 && nmis == before + 1,
            "(rc=%ld nmis=%lu)", rc, nmis - before);
    os_set_trap_hook(2, old);
}

/* --- get_physid --- */

static struct xen_domctl dc;

/* Hard affinity of our vCPU 0: the CPUs of map. */
static long pin_self(uint8_t map)
{
    static uint8_t bits;

    bits = map;
    memset(&dc, 0, sizeof(dc));
    dc.cmd = XEN_DOMCTL_setvcpuaffinity;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = 0;
    dc.u.vcpuaffinity.vcpu = 0;
    dc.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    dc.u.vcpuaffinity.cpumap_hard.bitmap.addr = (uint64_t)&bits;
    dc.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

static void physid(void)
{
    struct vcpu_get_physid id = { .phys_id = ~0ull };
    unsigned int cpus = selftest_online_cpus();
    long rc;

    rc = HYPERVISOR_vcpu_op(VCPUOP_get_physid, 0, &id);
    if (cpus == 1)
        t_check("VCPUX0020", "one CPU: every vCPU of Dom0 counts as pinned, get_physid gives CPU 0's ids",
                rc == 0 && id.phys_id == 0, "(rc=%ld id=%#lx)", rc, (unsigned long)id.phys_id);
    else
        t_rc("VCPUX0020", "get_physid of a vCPU free to run on every CPU gives -EINVAL", rc,
             -XEN_EINVAL);
    t_rc("VCPUX0021", "get_physid of a vCPU we lack gives -ENOENT",
         HYPERVISOR_vcpu_op(VCPUOP_get_physid, t_vcpu_absent(), &id), -XEN_ENOENT);
    rc = pin_self(1);
    id.phys_id = ~0ull;
    rc = rc ? rc : HYPERVISOR_vcpu_op(VCPUOP_get_physid, 0, &id);
    t_check("VCPUX0022", "pinned to CPU 0: get_physid gives 0, APIC id 0 and ACPI id 0",
            rc == 0 && id.phys_id == 0, "(rc=%ld id=%#lx)", rc, (unsigned long)id.phys_id);
    t_rc("VCPUX0023", "pinned: an answer that cannot be written gives -EFAULT",
         HYPERVISOR_vcpu_op(VCPUOP_get_physid, 0, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("VCPUX0024", "every CPU again for our vCPU 0", pin_self(0xff), 0);
}

/* --- the default periodic timer, on a vCPU 1 that never ran --- */

struct ticks { unsigned long n; uint64_t took; long rc; };
static volatile unsigned long vcpu1_ticks;

static void count_tick(unsigned int port, struct os_regs *regs, void *data)
{
    vcpu1_ticks++;
}

/* vCPU 1's job: bind its VIRQ_TIMER, spin until 3 ticks (or 10 s), stop its periodic timer. */
static void job_default_ticks(void *arg)
{
    struct ticks *t = arg;
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 1 };
    struct evtchn_close cl;
    uint64_t start;

    t->rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
    if (t->rc)
        return;
    os_evtchn_set_vcpu(bv.port, 1);
    os_evtchn_bind(bv.port, count_tick, NULL);
    os_evtchn_unmask(bv.port);
    start = os_now_ns();
    while (vcpu1_ticks < 3 && os_now_ns() - start < 10000 * MS)
        asm volatile("pause");
    t->took = os_now_ns() - start;
    t->n = vcpu1_ticks;
    t->rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL);
    cl.port = bv.port;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
}

static void default_periodic(void)
{
    static struct ticks t;
    struct vcpu_runstate_info ri;

    /* Only a vCPU 1 that never ran still has its first timer. */
    if (HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &ri) || ri.time[RUNSTATE_running])
        return;
    t.rc = os_vcpu_start(1, job_default_ticks, &t);
    if (!t.rc)
        os_vcpu_wait(1);
    /* The first tick may come at once; the next two are 10 ms apart or more. */
    t_check("VCPUX0030", "a new vCPU ticks at 100 Hz (VIRQ_TIMER) until it stops its periodic timer",
            t.rc == 0 && t.n >= 3 && t.took >= 15 * MS, "(rc=%ld ticks=%lu took=%luns)", t.rc,
            t.n, (unsigned long)t.took);
}

/* --- XEN_SYSCTL_debug_keys --- */

static long debug_keys(const char *keys, uint32_t n)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_debug_keys,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };

    op.u.debug_keys.keys.addr = (uint64_t)keys;
    op.u.debug_keys.nr_keys = n;
    return os_hypercall1(__HYPERVISOR_sysctl, &op);
}

static void sysctl_debug_keys(void)
{
    t_rc("DEBUGKEYS0001", "debug_keys with no keys gives 0", debug_keys(NULL, 0), 0);
    t_rc("DEBUGKEYS0002", "debug_keys from an unreadable buffer gives -EFAULT",
         debug_keys((const char *)T_UNMAPPED_VA, 1), -XEN_EFAULT);
}

void suite_vcpu_ops(void)
{
    time_area();
    nmi();
    physid();
    default_periodic();
    sysctl_debug_keys();
}
