/* COM1 16550 UART, polled: 115200 8n1. */
#include <hv/console.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/traps.h>

#define COM1 0x3f8

void serial_init(void)
{
    outb(COM1 + 1, 0x00);   /* no interrupts */
    outb(COM1 + 3, 0x80);   /* DLAB */
    outb(COM1 + 0, 0x01);   /* divisor 1: 115200 */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8n1 */
    outb(COM1 + 2, 0x07);   /* FIFO on, cleared, receive interrupt at every byte */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static void serial_putc(char c)
{
    for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
        cpu_relax();
    outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

/* Receive interrupts on: IER "data available", MCR OUT2 (gates the IRQ line). */
void serial_enable_input(void)
{
    ioapic_route_isa_irq(4, VEC_SERIAL);
    outb(COM1 + 4, 0x0b);
    outb(COM1 + 1, 0x01);
}

void serial_interrupt(void)
{
    while (inb(COM1 + 5) & 0x01)
        console_input_byte((char)inb(COM1));
}
