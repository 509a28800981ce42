/*
 * Guest user mode of the os/ library.
 *
 * Like XTF, user mode runs on the kernel's own L4 (Xen marks every guest
 * mapping user-accessible on 64-bit PV), so user code may be any code and
 * data of the image.  User code returns to the kernel with
 *     mov $OS_USER_EXIT, %eax; mov <result>, %rdi; syscall
 */
#ifndef OS_USER_H
#define OS_USER_H

#include <stdint.h>
#include <os/traps.h>

#define OS_USER_EXIT 0x51

/*
 * Make our L4 the user root (MMUEXT_NEW_USER_BASEPTR) and give Xen a
 * kernel stack for bounces from user mode (stack_switch).  0 or errno.
 */
long os_user_init(void);

/* Run user code at rip with stack rsp; returns its exit result (rdi). */
uint64_t os_exec_user(void *rip, void *rsp);

/* Dispatcher helper: handle an OS_USER_EXIT syscall; 1 if it was one. */
int os_user_syscall_exit(struct os_regs *regs);

#endif /* OS_USER_H */
