/*
 * Guest user mode: user root, entry stack, and the way back.
 */
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/user.h>

extern char os_user_resume[];
extern uint64_t os_user_kernel_rsp;

/* Xen switches to this stack when it bounces us out of user mode. */
static char entry_stack[4 * OS_PAGE_SIZE] __attribute__((aligned(16)));

/*
 * Install our L4 as the user root and entry_stack as the kernel stack.
 * Returns 0 or the first Xen error.
 */
long os_user_init(void)
{
    struct mmuext_op op = {
        .cmd = MMUEXT_NEW_USER_BASEPTR,
        .arg1.mfn = os_virt_to_mfn((void *)os_start_info->pt_base),
    };
    long rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);

    if (rc)
        return rc;
    return HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
                                   (unsigned long)(entry_stack + sizeof(entry_stack)));
}

/*
 * An OS_USER_EXIT syscall: rewrite the frame to iret to os_user_resume in
 * kernel mode (cs RPL 0 keeps Xen in kernel mode) on the stack that
 * os_exec_user left, with events enabled.  rdi carries the result.
 */
int os_user_syscall_exit(struct os_regs *r)
{
    if (r->rax != OS_USER_EXIT)
        return 0;
    r->rip = (uint64_t)os_user_resume;
    r->cs = FLAT_KERNEL_CS & ~3u;
    r->rflags = 0x200;
    r->rsp = os_user_kernel_rsp;
    r->ss = FLAT_KERNEL_SS;
    return 1;
}
