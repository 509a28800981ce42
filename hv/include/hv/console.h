/* Hypervisor console: serial output with log levels; every line is prefixed "(HV) ". */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H
#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void serial_init(void);
void serial_write(const char *s, size_t n);

/* Log threshold from "loglvl=" (none|error|warning|info|debug|all). */
void console_set_loglvl(const char *name);
int console_loglvl(void);

/* printk: a hypervisor line at a level; dropped when above the threshold. */
void printk(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vprintk(enum log_level lvl, const char *fmt, va_list ap);
/* Raw guest console output, written as given (Dom0) or prefixed "(dN) ". */
void console_guest_write(unsigned int domid, const char *s, size_t n);

#define log_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define log_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define log_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/*
 * XEN_SYSCTL_readconsole: copy what the console ring holds (the hypervisor's
 * log, other domains' lines) to op->buffer, at most op->count bytes, from
 * its oldest byte or (incremental) from op->index if the ring still holds
 * it; clear: later reads start after what was read. Sets count and index
 * (the position after the last byte read). -XEN_EFAULT: the buffer.
 */
struct xen_sysctl_readconsole;
long console_ring_read(struct xen_sysctl_readconsole *op);

/* Serial input: a byte from the UART; Dom0's reads; deferred debug keys. */
void console_input_byte(char c);
unsigned int console_read(char *buf, unsigned int n);
void console_run_keys(void);
/* Run debug key k now (XEN_SYSCTL_debug_keys); interrupts on, no lock held. */
void console_debug_key(char k);
void serial_enable_input(void);

/* Our own bug: print, dump, stop the machine (exit code "hypervisor panic"). */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define BUG_ON(c) do { if (__builtin_expect(!!(c), 0)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)
#define ASSERT(c) BUG_ON(!(c))

#endif
