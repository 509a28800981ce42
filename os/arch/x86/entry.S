/*
 * Exception, event and failsafe entry for an os/ PV guest.
 *
 * Contract (Xen's PV bounce frame, xen-pv-abi-map.md 2.7): Xen enters the
 * handler on the guest kernel stack with, lowest address first,
 *     rcx, r11, [error code], rip, cs, rflags, rsp, ss
 * where the error code is present only for vectors 8, 10-14, 17, 21.
 * The failsafe callback has ds, es, fs, gs between r11 and rip instead.
 *
 * Every stub pops rcx/r11 back into place, so the stack holds a native
 * hardware frame, pushes (error code, vector) and falls into a common
 * path that saves the GPRs as a struct os_regs (os/include/os/traps.h)
 * and calls os_trap_dispatch(regs).  The C code may edit the frame.
 * Return is by the iret hypercall (23): with rsp at the native frame we
 * push flags = 0 and jump to the hypercall page slot, which pushes
 * rcx, r11, rax itself (iret_context).
 */

#define OS_VEC_EVENT    0x100
#define OS_VEC_FAILSAFE 0x101
#define OS_VEC_SYSCALL  0x102

    .text

.macro trap_noerr name, vec
    .globl \name
\name:
    pop     %rcx
    pop     %r11
    push    $0
    push    $\vec
    jmp     os_entry_common
.endm

.macro trap_err name, vec
    .globl \name
\name:
    pop     %rcx
    pop     %r11
    push    $\vec
    jmp     os_entry_common
.endm

trap_noerr os_trap_de,  0
trap_noerr os_trap_db,  1
trap_noerr os_trap_nmi, 2
trap_noerr os_trap_bp,  3
trap_noerr os_trap_of,  4
trap_noerr os_trap_br,  5
trap_noerr os_trap_ud,  6
trap_noerr os_trap_nm,  7
trap_err   os_trap_df,  8
trap_err   os_trap_ts,  10
trap_err   os_trap_np,  11
trap_err   os_trap_ss,  12
trap_err   os_trap_gp,  13
trap_err   os_trap_pf,  14
trap_noerr os_trap_mf,  16
trap_err   os_trap_ac,  17
trap_noerr os_trap_mc,  18
trap_noerr os_trap_xm,  19
trap_noerr os_trap_ve,  20
trap_err   os_trap_cp,  21
/* Software interrupt vectors used by tests: no error code. */
trap_noerr os_trap_soft_0x20, 0x20
trap_noerr os_trap_soft_0x80, 0x80

/* Event upcall (CALLBACKTYPE_event): events are masked on entry. */
trap_noerr os_hypervisor_callback, OS_VEC_EVENT

/* syscall from guest user mode (CALLBACKTYPE_syscall): rcx/r11 are the user's. */
trap_noerr os_syscall_callback, OS_VEC_SYSCALL

/*
 * Failsafe callback: Xen could not reload a data segment selector (that
 * one is null now). Keep the frame's four selector slots, the values Xen
 * tried, in os_failsafe_sel (ds, es, fs, gs), drop them and report.
 */
    .globl os_failsafe_callback
os_failsafe_callback:
    pop     %rcx
    pop     %r11
    push    %rax
    .set i, 0
    .rept 4
    mov     8+8*i(%rsp), %rax
    mov     %rax, os_failsafe_sel+8*i(%rip)
    .set i, i + 1
    .endr
    pop     %rax
    add     $32, %rsp
    push    $0
    push    $OS_VEC_FAILSAFE
    jmp     os_entry_common

os_entry_common:
    push    %rdi
    push    %rsi
    push    %rdx
    push    %rcx
    push    %rax
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, %rdi
    mov     %rsp, %rbx              /* callee-saved: survives the call */
    and     $-16, %rsp              /* SysV alignment for C */
    call    os_trap_dispatch
    mov     %rbx, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rax
    pop     %rcx
    pop     %rdx
    pop     %rsi
    pop     %rdi
    add     $16, %rsp               /* vector, error code */
    /* fall through */

/*
 * os_iret_to_frame: rsp points at a native frame (rip, cs, rflags, rsp, ss).
 * Returns there through HYPERVISOR_iret with flags 0 (rcx/r11 restored from
 * their live values, which the hypercall page pushes).
 */
    .globl os_iret_to_frame
os_iret_to_frame:
    push    $0
    jmp     hypercall_page + 23 * 32

    .bss
    .balign 8
    .globl os_failsafe_sel
os_failsafe_sel:
    .skip 8*4
