/*
 * Hypervisor log and guest console output, both on the serial line; the
 * console ring (Xen's conring) keeps the last of what was written for
 * XEN_SYSCTL_readconsole.
 */
#include <hv/console.h>
#include <xen/errno.h>
#include <xen/sysctl.h>
#include <asm/io.h>
#include <hv/guest_access.h>
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

/*
 * The console ring: Xen 4.17's size on one CPU at loglvl=all (16 KiB), with
 * free-running 32-bit positions: conring_cons is the oldest byte kept (or
 * the first after a clearing read), conring_prod the next one written.
 * Written under console_lock, with the serial line.
 */
#define CONRING_SIZE 16384u
static char conring[CONRING_SIZE];
static uint32_t conring_cons, conring_prod;

static void conring_put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        conring[conring_prod++ & (CONRING_SIZE - 1)] = s[i];
    if (conring_prod - conring_cons > CONRING_SIZE)
        conring_cons = conring_prod - CONRING_SIZE;
}

/* The serial line and the ring. console_lock held (or the console forced). */
static void console_put(const char *s, size_t n)
{
    serial_write(s, n);
    conring_put(s, n);
}

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
    console_put(line, n);
    console_leave(flags);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(lvl, fmt, ap);
    va_end(ap);
}

/*
 * Dom0 output goes out raw and stays out of the ring, as on Xen (without
 * its console_to_ring option); other domains get a "(dN) " prefix per line
 * and are kept in the ring, as Xen's guest lines are.
 */
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
            console_put(prefix, (size_t)len);
        }
        console_put(&s[i], 1);
        at_line_start = (s[i] == '\n');
    }
    console_leave(flags);
}

long console_ring_read(struct xen_sysctl_readconsole *op)
{
    uint32_t c, p, done = 0;
    unsigned long flags = spin_lock_irqsave(&console_lock);

    c = conring_cons;
    p = conring_prod;
    spin_unlock_irqrestore(&console_lock, flags);
    /* An index within what the ring holds (not its oldest byte) is where to go on. */
    if (op->incremental && op->index - c - 1 < p - c)
        c = op->index;
    /* Copied without the lock, as Xen does: bytes overwritten meanwhile are read as they are. */
    while (c != p && done < op->count) {
        uint32_t at = c & (CONRING_SIZE - 1);
        uint32_t len = p - c;

        if (at + len > CONRING_SIZE)
            len = CONRING_SIZE - at;
        if (len > op->count - done)
            len = op->count - done;
        if (copy_to_guest_offset(op->buffer, done, &conring[at], len))
            return -XEN_EFAULT;
        done += len;
        c += len;
    }
    if (op->clear) {
        flags = spin_lock_irqsave(&console_lock);
        conring_cons = p - c > CONRING_SIZE ? p - CONRING_SIZE : c;
        spin_unlock_irqrestore(&console_lock, flags);
    }
    op->count = done;
    op->index = c;
    return 0;
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
