/*
 * xl's text for a CPU bitmap (see cpumap.h): runs of set bits, written and read.
 */
#include <xl/format.h>
#include <xl/string.h>
#include "cpumap.h"

static int cpu_set(const uint8_t *map, unsigned int cpu)
{
    return (map[cpu / 8] >> (cpu % 8)) & 1;
}

void xl_cpumap_format(char *buf, size_t size, const uint8_t *map, unsigned int nr)
{
    size_t used = 0;
    unsigned int cpu = 0;

    if (!size)
        return;
    buf[0] = 0;
    while (cpu < nr && !cpu_set(map, cpu))
        cpu++;
    if (cpu == nr) {
        xl_snprintf(buf, size, "none");
        return;
    }
    if (cpu == 0) {
        unsigned int end = 0;

        while (end < nr && cpu_set(map, end))
            end++;
        if (end == nr) {
            xl_snprintf(buf, size, "all");
            return;
        }
    }
    while (cpu < nr) {
        unsigned int first = cpu;

        while (cpu < nr && cpu_set(map, cpu))
            cpu++;
        if (used < size)
            used += (size_t)xl_snprintf(buf + used, size - used, "%s%u", used ? "," : "", first);
        if (cpu - 1 > first && used < size)
            used += (size_t)xl_snprintf(buf + used, size - used, "-%u", cpu - 1);
        while (cpu < nr && !cpu_set(map, cpu))
            cpu++;
    }
    if (used >= size)
        buf[size - 1] = 0;
}

/* A decimal number of s[0..len) from *at on: 0, or -1 if none is there. */
static int read_number(const char *s, size_t len, size_t *at, unsigned long *out)
{
    unsigned long v = 0;
    size_t start = *at;

    for (; *at < len && s[*at] >= '0' && s[*at] <= '9'; (*at)++) {
        if (v > (~0ul - 9) / 10)
            return -1;
        v = v * 10 + (unsigned long)(s[*at] - '0');
    }
    *out = v;
    return *at > start ? 0 : -1;
}

/* One item of s[0..len): "all", "a" or "a-b", "^" before it to take it out. */
static int parse_item(const char *s, size_t len, uint8_t *map, size_t bytes)
{
    int clear = len && s[0] == '^';
    size_t at = clear ? 1 : 0;
    unsigned long first, last;

    if (len - at == 3 && !strncmp(s + at, "all", 3)) {
        if (clear)
            return XL_CPUMAP_NOT_ALL;
        memset(map, 0xff, bytes);
        return 0;
    }
    if (read_number(s, len, &at, &first))
        return XL_CPUMAP_BAD_RANGE;
    last = first;
    if (at < len && s[at] == '-') {
        at++;
        if (read_number(s, len, &at, &last) || last < first)
            return XL_CPUMAP_BAD_RANGE;
    }
    if (at != len)
        return XL_CPUMAP_BAD_RANGE;
    for (unsigned long cpu = first; cpu <= last && cpu < bytes * 8; cpu++) {
        if (clear)
            map[cpu / 8] &= (uint8_t)~(1u << (cpu % 8));
        else
            map[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
    }
    return 0;
}

int xl_cpumap_parse(const char *s, uint8_t *map, size_t bytes, const char **item, size_t *item_len)
{
    memset(map, 0, bytes);
    while (*s) {
        size_t len = 0;
        int rc;

        while (s[len] && s[len] != ',')
            len++;
        if (len && (rc = parse_item(s, len, map, bytes))) {
            *item = s;
            *item_len = len;
            return rc;
        }
        s += len;
        if (*s)
            s++;
    }
    return 0;
}
