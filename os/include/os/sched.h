/*
 * Domain life cycle of the os/ library.
 */
#ifndef OS_SCHED_H
#define OS_SCHED_H

/* SCHEDOP_shutdown with reason poweroff; never returns. */
void os_poweroff(void) __attribute__((noreturn));
/* SCHEDOP_shutdown with reason crash; never returns. */
void os_crash(void) __attribute__((noreturn));

#endif /* OS_SCHED_H */
