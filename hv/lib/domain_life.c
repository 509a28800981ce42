/* Domain lifetime rules: references, the dying state, the pause count (hv/domain_life.h). */
#include <hv/domain_life.h>

void life_init(struct domain_life *l)
{
    l->refcnt = 1;
    l->pause_count = 0;
    l->state = DOMAIN_ALIVE;
}

bool life_get(struct domain_life *l)
{
    if (l->state != DOMAIN_ALIVE || l->refcnt == 0 || l->refcnt >= DOMAIN_REF_MAX)
        return false;
    l->refcnt++;
    return true;
}

bool life_get_any(struct domain_life *l)
{
    if (l->refcnt == 0 || l->refcnt >= DOMAIN_REF_MAX)
        return false;
    l->refcnt++;
    return true;
}

bool life_put(struct domain_life *l)
{
    if (l->refcnt == 0)
        return false;                           /* unbalanced put: never free twice */
    return --l->refcnt == 0;
}

bool life_kill(struct domain_life *l)
{
    if (l->state != DOMAIN_ALIVE)
        return false;
    l->state = DOMAIN_DYING;
    return true;
}

bool life_dead(struct domain_life *l)
{
    if (l->state != DOMAIN_DYING)
        return false;
    l->state = DOMAIN_DEAD;
    return true;
}

bool life_pause(struct domain_life *l)
{
    if (l->pause_count >= DOMAIN_PAUSE_MAX)
        return false;
    l->pause_count++;
    return true;
}

bool life_unpause(struct domain_life *l)
{
    if (l->pause_count == 0)
        return false;
    l->pause_count--;
    return true;
}
