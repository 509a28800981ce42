/* vCPU placement by soft then hard affinity (hv/placement.h). */
#include <hv/placement.h>

static uint64_t bit(unsigned int cpu)
{
    return 1ULL << cpu;
}

/* See placement.h. */
uint64_t placement_soft(uint64_t hard, uint64_t soft)
{
    uint64_t preferred = hard & soft;

    return preferred == hard ? 0 : preferred;
}

/* own if it is idle and in map, else map's first idle CPU; -1: none idle there. */
static int idle_in(unsigned int own, uint64_t map, uint64_t idle)
{
    uint64_t idlers = map & idle;

    if (idlers & bit(own))
        return (int)own;
    return idlers ? __builtin_ctzll(idlers) : -1;
}

/* See placement.h. */
unsigned int placement_pick(unsigned int own, uint64_t hard, uint64_t soft, uint64_t idle)
{
    uint64_t preferred = placement_soft(hard, soft);
    int cpu = preferred ? idle_in(own, preferred, idle) : -1;

    if (cpu < 0)
        cpu = idle_in(own, hard, idle);
    if (cpu >= 0)
        return (unsigned int)cpu;
    return (hard & bit(own)) ? own : (unsigned int)__builtin_ctzll(hard);
}

/* See placement.h. */
bool placement_may_take(enum placement_step step, unsigned int me, uint64_t hard, uint64_t soft)
{
    if (step == PLACEMENT_SOFT)
        return (placement_soft(hard, soft) & bit(me)) != 0;
    return (hard & bit(me)) != 0;
}
