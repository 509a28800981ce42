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

/* See placement.h. */
unsigned int placement_cycle(unsigned int cpu, uint64_t map)
{
    uint64_t after = cpu >= 63 ? 0 : map & (~0ULL << (cpu + 1));

    return (unsigned int)__builtin_ctzll(after ? after : map);
}

/* See placement.h. */
unsigned int placement_pick(unsigned int own, uint64_t hard, uint64_t soft, uint64_t idle,
                            bool own_queue_empty)
{
    uint64_t preferred = placement_soft(hard, soft);
    unsigned int cpu = own;

    if (own_queue_empty)
        idle |= bit(own);
    for (enum placement_step step = PLACEMENT_SOFT; step <= PLACEMENT_HARD; step++) {
        uint64_t map = step == PLACEMENT_SOFT ? preferred : hard;

        if (!map)
            continue;
        cpu = (map & bit(own)) ? own : placement_cycle(own, map);
        if (!(idle & bit(cpu)) && (map & idle))
            cpu = placement_cycle(cpu, map & idle);
        if (idle & bit(cpu))
            break;
    }
    return cpu;
}

/* See placement.h. */
unsigned int placement_wake(unsigned int own, uint64_t hard, uint64_t soft, uint64_t idle)
{
    uint64_t preferred = placement_soft(hard, soft);

    if (hard & idle & bit(own))
        return own;
    if (preferred & idle)
        return placement_cycle(own, preferred & idle);
    if (hard & idle)
        return placement_cycle(own, hard & idle);
    return (hard & bit(own)) ? own : placement_cycle(own, hard);
}

/* See placement.h. */
bool placement_may_take(enum placement_step step, unsigned int me, uint64_t hard, uint64_t soft)
{
    if (step == PLACEMENT_SOFT)
        return (placement_soft(hard, soft) & bit(me)) != 0;
    return (hard & bit(me)) != 0;
}
