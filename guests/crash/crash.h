/*
 * crash: a Dom0 that dies on purpose, in the way its command line names.
 *
 * Each mode is one file; main.c picks it from "mode=<name>" in the
 * start_info command line.  The dying modes print one "crash: ..." line
 * saying what they are about to do (with the address involved), so a test
 * can tell "died where asked" from "died earlier for another reason".
 */
#ifndef CRASH_H
#define CRASH_H

#include <stdint.h>

/*
 * An address no os/ guest maps: user half, far above the image, the
 * builder's page tables and anything a 32..512 MiB Dom0 gets.
 */
#define CRASH_UNMAPPED_VA 0x00007fffdead0000ul

/* The modes; each never returns (they end the domain one way or another). */
void crash_wild_jump(void) __attribute__((noreturn));
void crash_bad_stack(void) __attribute__((noreturn));
void crash_bad_iret(void) __attribute__((noreturn));
void crash_reboot(void) __attribute__((noreturn));
/* Print each console input line back until "q" (not a crash: for input tests). */
void crash_echo(void) __attribute__((noreturn));
/* Check XMM registers and the GS base across domain switches (two-domain runs). */
void crash_fpu_spin(uint64_t seed, uint64_t ms, int dom0, int yield_wait) __attribute__((noreturn));
/* Count events a spinning DomU sends a blocked Dom0, then Dom0's wake-up latency (wake.c). */
void crash_wake(int dom0, unsigned long n, unsigned long m, long ratelimit_us) __attribute__((noreturn));
/*
 * m times: a singleshot timer 1 ms ahead, block until it fired; out[i] the
 * system time from the deadline until this vCPU ran again, sorted (wake.c).
 */
void crash_timer_wake_latency(uint64_t *out, unsigned long m);
/* Xen's credit scheduler from Dom0 with DomUs it builds from its initrd (credit.c: test=...). */
void crash_credit(void) __attribute__((noreturn));
/* A DomU of crash_credit: spins for ever, events open or (masked=1) masked. */
void crash_hog(void) __attribute__((noreturn));
/* Two-domain run: Dom0 destroys the DomU that granted it a page (role=dom0 or domu). */
void crash_destroy(int as_dom0) __attribute__((noreturn));
/* One hypercall from nr= and a1=..a5= in the command line, then poweroff. */
void crash_hypercall_one(void) __attribute__((noreturn));
/* Ask the privileged interfaces as an unprivileged domain, print the answers, power off. */
void crash_unpriv(void) __attribute__((noreturn));
/* As a DomU: leave a selector that no longer loads, wait for the failsafe callback. */
void crash_failsafe(void) __attribute__((noreturn));
/* Fuzz count hypercalls from seed, then power off; trace prints each call. */
void crash_hypercall_garbage(uint64_t seed, unsigned long count, int trace)
    __attribute__((noreturn));

/*
 * Value of "key=..." in the command line (words separated by spaces), copied
 * into buf (NUL-terminated, truncated to size); 1 if found, else 0.
 */
int crash_cmdline_get(const char *key, char *buf, unsigned long size);
/* Parse a decimal or 0x-hex unsigned number; def when s is empty or bad. */
uint64_t crash_parse_u64(const char *s, uint64_t def);

/* Deterministic PRNG (xorshift64*): same seed, same sequence everywhere. */
struct crash_prng {
    uint64_t state;
};
void crash_prng_seed(struct crash_prng *p, uint64_t seed);
uint64_t crash_prng_next(struct crash_prng *p);
/* Uniform-ish value below bound (bound > 0). */
uint64_t crash_prng_below(struct crash_prng *p, uint64_t bound);

#endif /* CRASH_H */
