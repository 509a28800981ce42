/*
 * A CPU bitmap as xl prints affinities: "all" when every one of the nr CPUs
 * is set, "none" when none is, else the runs of set CPUs as "0-2,5,7-9";
 * and as vcpu-pin reads one (xl's parse_cpurange).
 */
#ifndef XL_CPUMAP_H
#define XL_CPUMAP_H

#include <stddef.h>
#include <stdint.h>

/* map: bit n of byte n / 8 is CPU n. Writes at most size bytes, NUL included. */
void xl_cpumap_format(char *buf, size_t size, const uint8_t *map, unsigned int nr);

#define XL_CPUMAP_BAD_RANGE (-1)    /* an item is no CPU or range: "Invalid pcpu range: <item>." */
#define XL_CPUMAP_NOT_ALL   (-2)    /* "^all": "Can't combine "^" and "all"." */
/*
 * xl's CPU list: items separated by commas (empty ones skipped), each "all",
 * a CPU "3" or a range "2-5" (not decreasing), set in turn, or taken out
 * with "^" before it; map (bytes bytes) starts empty, CPUs past it are
 * ignored (as libxl's bitmaps). NUMA nodes ("node:") are not read. 0, or an
 * XL_CPUMAP_ error with the item in *item (*item_len characters).
 */
int xl_cpumap_parse(const char *s, uint8_t *map, size_t bytes, const char **item, size_t *item_len);

#endif /* XL_CPUMAP_H */
