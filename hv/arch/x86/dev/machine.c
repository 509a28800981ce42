/* Power-off and exit reporting. */
#include <hv/console.h>
#include <hv/io.h>
#include <hv/machine.h>

void local_irq_disable_all(void)
{
    local_irq_disable();
}

void machine_exit(enum machine_exit_code code)
{
    local_irq_disable();
    outb(0xf4, (uint8_t)code);          /* QEMU isa-debug-exit, if present */
    outw(0x604, 0x2000);                /* QEMU q35 ACPI PM1a: S5 */
    outw(0xb004, 0x2000);               /* QEMU pc (PIIX4) ACPI: S5 */
    for (;;)
        __asm__ volatile("hlt");
}
