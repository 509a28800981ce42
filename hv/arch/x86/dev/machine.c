/*
 * The end of a run. The outcome goes to QEMU's isa-debug-exit port first (the
 * launcher turns it into its exit code); on a machine without that device we
 * power off through ACPI (QEMU's fixed PM1a ports), reset through the keyboard
 * controller, or halt ("noreboot").
 */
#include <hv/smp.h>
#include <stdbool.h>
#include <hv/console.h>
#include <asm/io.h>
#include <hv/machine.h>

bool machine_noreboot;

void local_irq_disable_all(void)
{
    local_irq_disable();
}

void machine_exit(enum machine_exit_code code)
{
    static bool ending;

    local_irq_disable();
    /* Every CPU that finds no domain left comes here: the first ends the machine, once. */
    if (__atomic_exchange_n(&ending, true, __ATOMIC_SEQ_CST))
        for (;;)
            __asm__ volatile("hlt");
    if (code == EXIT_DOM0_POWEROFF) {
        smp_report();
        log_info("powering off the machine");
    }
    else if (code == EXIT_DOM0_REBOOT && !machine_noreboot)
        log_info("rebooting the machine");
    else
        log_info("halting the machine%s", machine_noreboot ? " (noreboot)" : "");

    outb(0xf4, (uint8_t)code);          /* QEMU isa-debug-exit, if present */
    if (code == EXIT_DOM0_POWEROFF) {
        outw(0x604, 0x2000);            /* QEMU q35 ACPI PM1a: sleep type S5 */
        outw(0xb004, 0x2000);           /* QEMU pc (PIIX4) ACPI: S5 */
    } else if (code == EXIT_DOM0_REBOOT && !machine_noreboot) {
        outb(0x64, 0xfe);               /* keyboard controller: pulse reset */
    }
    for (;;)
        __asm__ volatile("hlt");
}
