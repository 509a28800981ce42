/* Ending the machine's run: the outcome is reported to QEMU's isa-debug-exit port. */
#ifndef HV_MACHINE_H
#define HV_MACHINE_H

/* Bytes written to port 0xf4 (QEMU exits with (value << 1) | 1). */
enum machine_exit_code {
    EXIT_DOM0_POWEROFF = 0x10,
    EXIT_DOM0_CRASH    = 0x11,
    EXIT_HV_PANIC      = 0x12,
    EXIT_DOM0_REBOOT   = 0x13,
};

/* Report the outcome, then power off (ACPI on QEMU) or halt forever. */
void machine_exit(enum machine_exit_code code) __attribute__((noreturn));
void local_irq_disable_all(void);
/* "noreboot": stay halted instead of resetting after a crash or reboot. */
extern _Bool machine_noreboot;

#endif
