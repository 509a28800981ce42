/*
 * More vCPUs: start one with its own stack and context, give it jobs, and
 * tell on which vCPU code runs (os/smp.h).
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/smp.h>
#include <os/traps.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

struct os_vcpu {
    os_vcpu_fn_t fn;
    void *arg;
    volatile int done;               /* its job returned */
    struct vcpu_info *info;
};

static struct os_vcpu vcpus[OS_MAX_VCPUS];

extern char os_vcpu_entry[];
void os_vcpu_main(unsigned int id) __attribute__((noreturn));

unsigned int os_vcpu_limit(void)
{
    return os_vcpu_stacks_nr < OS_MAX_VCPUS ? os_vcpu_stacks_nr + 1 : OS_MAX_VCPUS;
}

unsigned int os_vcpu_id(void)
{
    uintptr_t off = (uintptr_t)__builtin_frame_address(0) - (uintptr_t)os_vcpu_stacks;

    return off < (uintptr_t)(os_vcpu_limit() - 1) * OS_VCPU_STACK_SIZE
           ? (unsigned int)(off / OS_VCPU_STACK_SIZE) + 1 : 0;
}

struct vcpu_info *os_this_vcpu_info(void)
{
    unsigned int id = os_vcpu_id();

    return id ? vcpus[id].info : os_vcpu_info;
}

struct vcpu_info *os_vcpu_info_of(unsigned int id)
{
    if (id == 0)
        return os_vcpu_info;
    return id < OS_MAX_VCPUS ? vcpus[id].info : NULL;
}

void os_vcpu_set_info(unsigned int id, struct vcpu_info *info)
{
    if (id == 0)
        os_vcpu_info = info;
    else if (id < OS_MAX_VCPUS)
        vcpus[id].info = info;
}

long os_vcpu_register_info(unsigned int id, void *page, unsigned int offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = os_virt_to_mfn(page), .offset = offset };
    int self = id == os_vcpu_id();
    uint8_t was_masked = self ? os_this_vcpu_info()->evtchn_upcall_mask : 1;
    long rc;

    /*
     * Our own: upcalls held off until the library reads the new one, or the
     * events the move marks pending would be taken on the old one, forever.
     */
    if (self)
        os_irq_disable();
    rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, id, &r);
    if (rc == 0)
        os_vcpu_set_info(id, (struct vcpu_info *)((uint8_t *)page + offset));
    if (!was_masked)
        os_irq_enable();
    return rc;
}

/* The kernel root we run on now (a PV kernel's CR3 read is emulated). */
static uint64_t current_cr3(void)
{
    uint64_t cr3;

    asm volatile ("mov %%cr3, %0" : "=r"(cr3));
    return cr3;
}

void os_vcpu_context(unsigned int id, struct vcpu_guest_context *ctx)
{
    uint64_t top = (uint64_t)&os_vcpu_stacks[id - 1][OS_VCPU_STACK_SIZE];

    for (unsigned int i = 0; i < sizeof(*ctx); i++)
        ((uint8_t *)ctx)[i] = 0;
    ctx->flags = VGCF_in_kernel | VGCF_failsafe_disables_events | VGCF_syscall_disables_events;
    ctx->user_regs.rip = (uint64_t)os_vcpu_entry;
    ctx->user_regs.rsp = top;
    ctx->user_regs.rdi = id;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->user_regs.ds = ctx->user_regs.es = FLAT_KERNEL_DS;
    ctx->user_regs.rflags = 0x202;
    os_traps_fill(ctx->trap_ctxt);
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = top;
    ctx->ctrlreg[3] = current_cr3();
    ctx->event_callback_eip = (uint64_t)os_hypervisor_callback;
    ctx->failsafe_callback_eip = (uint64_t)os_failsafe_callback;
    ctx->syscall_callback_eip = (uint64_t)os_syscall_callback;
}

/* A vCPU's life: run the job it was given, go down, and the next after each VCPUOP_up. */
void os_vcpu_main(unsigned int id)
{
    struct os_vcpu *c = &vcpus[id];

    for (;;) {
        os_barrier();
        os_irq_enable();
        c->fn(c->arg);
        os_irq_disable();
        __atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
        HYPERVISOR_vcpu_op(VCPUOP_down, id, NULL);
    }
}

static void set_job(unsigned int id, os_vcpu_fn_t fn, void *arg)
{
    vcpus[id].fn = fn;
    vcpus[id].arg = arg;
    __atomic_store_n(&vcpus[id].done, 0, __ATOMIC_SEQ_CST);
}

long os_vcpu_start(unsigned int id, os_vcpu_fn_t fn, void *arg)
{
    static struct vcpu_guest_context ctx;
    long rc;

    if (id == 0 || id >= os_vcpu_limit())
        return -XEN_EINVAL;
    if (!vcpus[id].info && id < XEN_LEGACY_MAX_VCPUS)
        vcpus[id].info = &os_shared_info->vcpu_info[id];
    if (vcpus[id].info)
        vcpus[id].info->evtchn_upcall_mask = 1;         /* until its job starts */
    set_job(id, fn, arg);
    os_vcpu_context(id, &ctx);
    rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, id, &ctx);
    return rc ? rc : HYPERVISOR_vcpu_op(VCPUOP_up, id, NULL);
}

long os_vcpu_run(unsigned int id, os_vcpu_fn_t fn, void *arg)
{
    if (id == 0 || id >= os_vcpu_limit())
        return -XEN_EINVAL;
    set_job(id, fn, arg);
    return HYPERVISOR_vcpu_op(VCPUOP_up, id, NULL);
}

int os_vcpu_job_done(unsigned int id)
{
    return __atomic_load_n(&vcpus[id].done, __ATOMIC_SEQ_CST);
}

void os_vcpu_wait(unsigned int id)
{
    while (!os_vcpu_job_done(id) || HYPERVISOR_vcpu_op(VCPUOP_is_up, id, NULL) == 1)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

long os_evtchn_move(unsigned int port, unsigned int vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &b);

    if (rc == 0)
        os_evtchn_set_vcpu(port, vcpu);
    return rc;
}
