/*
 * xl's text for a CPU bitmap (see cpumap.h): runs of set bits.
 */
#include <xl/format.h>
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
