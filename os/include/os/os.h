/*
 * The os/ PV kernel library: global state and the guest's entry point.
 *
 * A guest links the library and provides os_main(); the library's start-up
 * (os/core/setup.c) prepares console, traps, events and time first.
 */
#ifndef OS_OS_H
#define OS_OS_H

#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>

#define OS_PAGE_SIZE  4096ul
#define OS_PAGE_SHIFT 12

/* start_info as handed over by the builder in %rsi (read-only for us). */
extern start_info_t *os_start_info;
/* shared_info, mapped by os_start at a page of our own .bss. */
extern shared_info_t *os_shared_info;
/* vcpu_info of vCPU 0 (inside shared_info unless moved by a test). */
extern struct vcpu_info *os_vcpu_info;

/* Our domain id: 0 when SIF_INITDOMAIN is set; a domU would read xenstore. */
extern unsigned int os_domid;

/* The library's entry, called by start.S with the builder's start_info. */
void os_start(start_info_t *si) __attribute__((noreturn));

/* The guest's main program; its return value is ignored, then poweroff. */
void os_main(void);

#define os_barrier() asm volatile ("" ::: "memory")
#define os_mb()      asm volatile ("mfence" ::: "memory")

#define OS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* OS_OS_H */
