/* Hypervisor log and guest console output, both on the serial line. */
#include <hv/console.h>
#include <asm/io.h>
#include <xl/format.h>
#include <xl/string.h>
#include <hv/machine.h>
#include <hv/spinlock.h>

/*
 * One line at a time on the serial port: lines of different CPUs (and of an
 * interrupt handler) never interleave. Interrupts stay off while it is held,
 * since any code may log. After a panic began, output goes without the lock:
 * the CPU that panics may hold it already.
 */
static DEFINE_SPINLOCK(console_lock, LOCK_CONSOLE);
static bool console_forced;

static unsigned long console_enter(void)
{
    if (console_forced) {
        (void)local_irq_save();     /* interrupts stay off: console_leave restores nothing */
        return 0;
    }
    return spin_lock_irqsave(&console_lock);
}

static void console_leave(unsigned long flags)
{
    if (!console_forced)
        spin_unlock_irqrestore(&console_lock, flags);
}

static int loglvl = LOG_INFO;
static const char *const level_names[] = { "error", "warning", "info", "debug" };

void console_set_loglvl(const char *name)
{
    if (!strcmp(name, "none"))
        loglvl = -1;
    else if (!strcmp(name, "all"))
        loglvl = LOG_DEBUG;
    for (int i = 0; i <= LOG_DEBUG; i++)
        if (!strcmp(name, level_names[i]))
            loglvl = i;
}

int console_loglvl(void)
{
    return loglvl;
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
    char line[512];
    unsigned long flags;
    int n;

    if ((int)lvl > loglvl)
        return;
    memcpy(line, "(HV) ", 5);
    n = xl_vsnprintf(line + 5, sizeof(line) - 6, fmt, ap);
    if (n < 0)
        return;
    n += 5;
    if (n > (int)sizeof(line) - 2)
        n = sizeof(line) - 2;
    if (line[n - 1] != '\n')
        line[n++] = '\n';
    flags = console_enter();
    serial_write(line, n);
    console_leave(flags);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(lvl, fmt, ap);
    va_end(ap);
}

/* Dom0 output goes out raw, as on Xen; other domains get a "(dN) " prefix per line. */
void console_guest_write(unsigned int domid, const char *s, size_t n)
{
    static int at_line_start = 1;
    char prefix[16];
    unsigned long flags = console_enter();

    if (domid == 0) {
        serial_write(s, n);
        console_leave(flags);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (at_line_start) {
            int len = xl_snprintf(prefix, sizeof(prefix), "(d%u) ", domid);
            serial_write(prefix, (size_t)len);
        }
        serial_write(&s[i], 1);
        at_line_start = (s[i] == '\n');
    }
    console_leave(flags);
}

void spin_fail(const spinlock_t *l, const char *why)
{
    panic("lock %s (level %u): %s", l->name, l->level, why);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    local_irq_disable_all();
    console_forced = true;
    printk(LOG_ERR, "****************************************");
    va_start(ap, fmt);
    vprintk(LOG_ERR, fmt, ap);
    va_end(ap);
    printk(LOG_ERR, "Panic: the hypervisor stops here.");
    printk(LOG_ERR, "****************************************");
    machine_exit(EXIT_HV_PANIC);
}
