/*
 * The 64-bit PV hypercall page: 32 bytes per hypercall number. Entry n loads
 * n into EAX and executes SYSCALL, saving RCX/R11 around it (SYSCALL clobbers
 * them); the iret entry leaves RCX, R11 and RAX on the stack because the iret
 * hypercall reads them as part of the iret frame and never returns.
 * Unused bytes are INT3, as on Xen.
 */
#include <xen/xen.h>
#include <xl/string.h>
#include <asm/pv.h>

void hypercall_page_fill(uint8_t *page)
{
    memset(page, 0xcc, 4096);
    for (unsigned int nr = 0; nr < 4096 / 32; nr++) {
        uint8_t *p = page + nr * 32;
        if (nr == __HYPERVISOR_iret) {
            const uint8_t code[] = {
                0x51,                           /* push %rcx */
                0x41, 0x53,                     /* push %r11 */
                0x50,                           /* push %rax */
                0xb8, nr, 0, 0, 0,              /* mov $nr, %eax */
                0x0f, 0x05,                     /* syscall */
            };
            memcpy(p, code, sizeof(code));
            continue;
        }
        const uint8_t code[] = {
            0x51,                               /* push %rcx */
            0x41, 0x53,                         /* push %r11 */
            0xb8, nr, 0, 0, 0,                  /* mov $nr, %eax */
            0x0f, 0x05,                         /* syscall */
            0x41, 0x5b,                         /* pop %r11 */
            0x59,                               /* pop %rcx */
            0xc3,                               /* ret */
        };
        memcpy(p, code, sizeof(code));
    }
}
