/*
 * A CPU bitmap as xl prints affinities: "all" when every one of the nr CPUs
 * is set, "none" when none is, else the runs of set CPUs as "0-2,5,7-9".
 */
#ifndef XL_CPUMAP_H
#define XL_CPUMAP_H

#include <stddef.h>
#include <stdint.h>

/* map: bit n of byte n / 8 is CPU n. Writes at most size bytes, NUL included. */
void xl_cpumap_format(char *buf, size_t size, const uint8_t *map, unsigned int nr);

#endif /* XL_CPUMAP_H */
