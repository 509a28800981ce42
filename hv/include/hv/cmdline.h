/*
 * Reading options from a Xen-style command line such as
 *     "loglvl=all dom0_mem=64M console=com1 noreboot"
 *
 * Options are separated by blanks (space, tab, CR, LF).  Each option is
 * "key" or "key=value"; the key is compared exactly (case matters, '-' and
 * '_' differ, as in Xen 4.17's parse_params).  Where an option appears more
 * than once the last valid occurrence wins, matching Xen, which applies
 * options left to right.  Every function copes with NULL, empty and
 * garbage input and never reads past the terminating NUL.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The hypervisor's own command line, NUL-terminated: copied by the boot code
 * (arch/x86/boot/start.c) before anything reads it, never written after.
 */
extern char hv_command_line[];

/*
 * Value of "key=value" (or "" for a bare "key") copied to out[0..n),
 * NUL-terminated and truncated to fit.  Returns false, leaving out
 * untouched, when the key is absent or n is 0.
 */
bool cmdline_get_str(const char *cmdline, const char *key, char *out, size_t n);

/*
 * Boolean option, with the rules Xen 4.17 applies to its boolean_param
 * options (xen/common/kernel.c, parse_params and parse_bool):
 *   "key" and "key=" are true, "no-key" and "no-key=" false;
 *   "key=V" takes V, "no-key=V" the opposite of V, where V is one of
 *   1 on yes true enable (true) or 0 no off false disable (false).
 * An occurrence with any other value ("key=maybe") is ignored.
 * Returns dflt when no valid occurrence exists.
 */
bool cmdline_get_bool(const char *cmdline, const char *key, bool dflt);

/*
 * Size option, parsed like Xen's parse_size_and_unit (xen/lib/parse-size.c):
 * a C integer (decimal, 0x hex or 0 octal) followed by an optional unit
 * B, K, M, G or T (either case, powers of 1024).  Without a unit the
 * number counts KiB, exactly as in Xen ("dom0_mem=65536" is 64 MiB).
 * Unlike Xen, trailing characters, a missing number or a value that does
 * not fit in 64 bits make the occurrence invalid instead of being half
 * applied.  Returns true and sets *bytes for the last valid occurrence.
 */
bool cmdline_get_size(const char *cmdline, const char *key, uint64_t *bytes);

/*
 * Unsigned integer option "key=N" (decimal, 0x hex or 0 octal), the whole
 * value must be a number that fits in 64 bits.  Returns true and sets *val
 * for the last valid occurrence.
 */
bool cmdline_get_uint(const char *cmdline, const char *key, uint64_t *val);

/*
 * Xen's integer_param on an int ("key=N"): N as cmdline_get_uint, or '-'
 * and one, from INT32_MIN to UINT32_MAX, kept in 32 bits as Xen keeps it
 * (3000000000 reads as a negative number). Returns true and sets *val for
 * the last valid occurrence; one out of that range is invalid (Xen:
 * -EOVERFLOW, the value unchanged).
 */
bool cmdline_get_int32(const char *cmdline, const char *key, int32_t *val);

/*
 * One amount of Xen's dom0_mem grammar (xen/arch/x86/dom0_build.c, 4.17):
 *     [-]<size> | [-]<frac>% | [-]<size>+<frac>%
 * <size> as cmdline_get_size (no unit: KiB); <frac> below 100, a share of
 * the memory available; a leading '-' means "available memory less this".
 */
struct dom0_memsize {
    uint64_t pages;
    unsigned int percent;
    bool minus;
};

/* dom0_mem=[min:<amt>,][max:<amt>,][<amt>] in any order, as Xen reads it. */
struct dom0_mem {
    bool set;                   /* the option was given and parsed */
    struct dom0_memsize amount, min, max;
};

/*
 * Parse the value of the last "dom0_mem=" on the line into *m. Returns
 * false for a malformed value (*m then says not set), true otherwise
 * (also when the option is absent: m->set is false then).
 */
bool cmdline_get_dom0_mem(const char *cmdline, struct dom0_mem *m);

/*
 * Dom0's pages from a parsed dom0_mem and the pages available, Xen's
 * dom0_compute_nr_pages() without its NUMA and IOMMU reservations: the
 * amount (or, without one, all but 1/16 of avail, at most 128 MiB less),
 * raised to min, lowered to max, then to avail. *wanted receives the value
 * before the last clamp, so a caller can tell that avail cut it down.
 */
uint64_t dom0_mem_pages(const struct dom0_mem *m, uint64_t avail, uint64_t *wanted);

/*
 * dom0_max_vcpus=N | N- | N-M | -M (Xen's syntax): the last valid
 * occurrence's bounds; *min 1 and *max UINT32_MAX when absent. Returns
 * false when the option is absent or malformed.
 */
bool cmdline_get_dom0_max_vcpus(const char *cmdline, uint32_t *min, uint32_t *max);

/*
 * Dom0's vCPUs as Xen 4.17 counts them: the CPUs up, raised to `min`,
 * lowered to `max` (in that order, so "4-2" gives 2), then at most `limit`.
 * *wanted gets the count before `limit` (so a caller can tell it cut).
 * "-0" gives 0, for which Xen fails to create Dom0 and panics.
 */
uint32_t dom0_vcpus_count(uint32_t cpus, uint32_t min, uint32_t max, uint32_t limit,
                          uint32_t *wanted);

/*
 * Walk the option words: copies the next word's key (up to '=') to
 * key[0..n) and advances *pos. Returns false at the end of the line.
 */
bool cmdline_next_key(const char **pos, char *key, size_t n);

#endif /* HV_CMDLINE_H */
