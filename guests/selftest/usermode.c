/*
 * USER: guest user mode: a user root (MMUEXT_NEW_USER_BASEPTR), iret to
 * ring-3 user code, `syscall` bounced to the syscall callback, a user #PF
 * bounced to the kernel.  Like XTF, user mode uses the kernel's own L4:
 * Xen marks every guest mapping user-accessible on 64-bit PV.
 */
#include <os/mm.h>
#include <os/traps.h>
#include "test.h"

#define T_USER_PING 0x50
#define T_USER_EXIT 0x51

extern char t_user_syscall[], t_user_fault[], t_user_resume[];
extern uint64_t t_user_kernel_rsp;
uint64_t t_exec_user(void *rip, void *rsp);

static char user_stack[4096] __attribute__((aligned(16)));
static volatile unsigned long pings;
static volatile uint64_t ping_cs, ping_rcx;

/*
 * Syscall callback hook: PING returns to user mode; EXIT irets to
 * t_user_resume in kernel mode (cs RPL 0) on the stack t_exec_user left.
 */
static int syscall_hook(struct os_regs *r)
{
    if (r->rax == T_USER_PING) {
        pings++;
        ping_cs = r->cs;
        ping_rcx = r->rcx;
        return 1;
    }
    if (r->rax == T_USER_EXIT) {
        r->rip = (uint64_t)t_user_resume;
        r->cs = FLAT_KERNEL_CS & ~3u;
        r->rflags = 0x200;
        r->rsp = t_user_kernel_rsp;
        r->ss = FLAT_KERNEL_SS;
        return 1;
    }
    return 0;
}

static long user_root(uint64_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void suite_usermode(void)
{
    uint64_t l4_mfn = os_virt_to_mfn((void *)os_start_info->pt_base);
    uint64_t res, cr2;
    void *data_page = os_alloc_page();
    os_trap_hook_t old;
    long rc;

    if (data_page)
        t_rc("USER0005", "NEW_USER_BASEPTR with a plain data frame gives -EINVAL",
             user_root(os_virt_to_mfn(data_page)), -XEN_EINVAL);
    rc = user_root(l4_mfn);
    if (!t_rc("USER0001", "MMUEXT_NEW_USER_BASEPTR with our L4 returns 0", rc, 0))
        return;

    old = os_set_trap_hook(OS_VEC_SYSCALL, syscall_hook);
    pings = 0;
    res = t_exec_user(t_user_syscall, user_stack + sizeof(user_stack));
    t_check("USER0002", "a user syscall is bounced to the syscall callback from cs 0xe033",
            pings == 1 && ping_cs == FLAT_USER_CS &&
            ping_rcx == (uint64_t)t_user_syscall + 7,
            "(pings=%lu cs=%#lx rcx=%#lx)", pings, (unsigned long)ping_cs,
            (unsigned long)ping_rcx);
    t_check("USER0003", "iret from the callback resumes user mode after syscall",
            res == 0, "(res=%#lx)", (unsigned long)res);

    res = t_exec_user(t_user_fault, user_stack + sizeof(user_stack));
    cr2 = os_vcpu_info->arch.cr2;
    t_check("USER0004", "a user load from an unmapped page raises #PF(U) to the kernel",
            OS_EXINFO_VEC(res) == 14 && OS_EXINFO_ERR(res) == 4 &&
            cr2 == T_UNMAPPED_VA + 0x10, "(exinfo=%#lx cr2=%#lx)",
            (unsigned long)res, (unsigned long)cr2);
    os_set_trap_hook(OS_VEC_SYSCALL, old);
    if (data_page)
        os_free_page(data_page);
}
