/*
 * USER: guest user mode: a user root (MMUEXT_NEW_USER_BASEPTR), iret to
 * ring-3 user code, `syscall` bounced to the syscall callback, a user #PF
 * bounced to the kernel.  User mode shares the kernel's L4 (os/user.h).
 */
#include <os/mm.h>
#include <os/traps.h>
#include <os/user.h>
#include "test.h"

#define T_USER_PING 0x50

extern char t_user_syscall[], t_user_fault[];

static char user_stack[4096] __attribute__((aligned(16)));
static volatile unsigned long pings;
static volatile uint64_t ping_cs, ping_rcx;

/* Syscall hook: count PINGs and return to user mode by iret. */
static int ping_hook(struct os_regs *r)
{
    if (r->rax != T_USER_PING)
        return 0;
    pings++;
    ping_cs = r->cs;
    ping_rcx = r->rcx;
    return 1;
}

static long user_root(uint64_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void suite_usermode(void)
{
    void *data_page = os_alloc_page();
    uint64_t res, cr2;
    os_trap_hook_t old;

    if (data_page) {
        t_rc("USER0005", "NEW_USER_BASEPTR with a plain data frame gives -EINVAL",
             user_root(os_virt_to_mfn(data_page)), -XEN_EINVAL);
        os_free_page(data_page);
    }
    if (!t_rc("USER0001", "user root (NEW_USER_BASEPTR, our L4) and stack_switch",
              os_user_init(), 0))
        return;

    old = os_set_trap_hook(OS_VEC_SYSCALL, ping_hook);
    pings = 0;
    res = os_exec_user(t_user_syscall, user_stack + sizeof(user_stack));
    t_check("USER0002", "a user syscall is bounced to the syscall callback from cs 0xe033",
            pings == 1 && ping_cs == FLAT_USER_CS &&
            ping_rcx == (uint64_t)t_user_syscall + 7,
            "(pings=%lu cs=%#lx rcx=%#lx)", pings, (unsigned long)ping_cs,
            (unsigned long)ping_rcx);
    t_check("USER0003", "iret from the callback resumes user mode after syscall",
            res == 0, "(res=%#lx)", (unsigned long)res);
    os_set_trap_hook(OS_VEC_SYSCALL, old);

    res = os_exec_user(t_user_fault, user_stack + sizeof(user_stack));
    cr2 = os_vcpu_info->arch.cr2;
    t_check("USER0004", "a user load from an unmapped page raises #PF(U) to the kernel",
            OS_EXINFO_VEC(res) == 14 && OS_EXINFO_ERR(res) == 4 &&
            cr2 == T_UNMAPPED_VA + 0x10, "(exinfo=%#lx cr2=%#lx)",
            (unsigned long)res, (unsigned long)cr2);
}
