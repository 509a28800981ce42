/*
 * lifecycle: CASE lines, Dom0's command line, and the choice of part (see
 * lifecycle.h). Dom0's command line:
 *   mode=cycles n=N pages=P     N create -> run -> destroy cycles (LCYC)
 *   mode=pingpong n=N           two DomUs exchange N events, one dies (LPNG)
 *   mode=dying                  a dead domain cannot be mapped anew (LDIE)
 *   mode=race n=N               lookups on vCPU 1 racing N destroys on vCPU 0 (LRCE)
 *   mode=memrace n=N            allocations to a DomU racing N destroys of it (LMRC)
 *   mode=held                   a frame given back while a grant mapping holds it (LHLD)
 *   mode=pause n=N              N pauses of a spinning DomU and N reads of a spinning vCPU (LPAU)
 *   mode=scrub                  a new domain never sees a dead one's memory (LSCR)
 *   mode=bench-*                figures for bench/run.py (bench.c)
 */
#include <xl/string.h>
#include <os/sched.h>
#include "lifecycle.h"

/* The value of "key=value", a whole word of our command line, or NULL. */
static const char *arg_value(const char *key, size_t *len)
{
    const char *p = (const char *)os_start_info->cmd_line;
    const char *end = p + strnlen(p, sizeof(os_start_info->cmd_line));
    size_t klen = strlen(key);

    while (p < end) {
        const char *word = p;

        while (p < end && *p != ' ')
            p++;
        if ((size_t)(p - word) > klen && word[klen] == '=' && !strncmp(word, key, klen)) {
            *len = (size_t)(p - word) - klen - 1;
            return word + klen + 1;
        }
        while (p < end && *p == ' ')
            p++;
    }
    return NULL;
}

unsigned long lc_arg(const char *key, unsigned long dflt)
{
    size_t len;
    const char *v = arg_value(key, &len);
    unsigned long n = 0;

    if (!v || !len)
        return dflt;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return dflt;
        n = n * 10 + (unsigned long)(v[i] - '0');
    }
    return n;
}

int lc_arg_is(const char *key, const char *value)
{
    size_t len;
    const char *v = arg_value(key, &len);

    return v && len == strlen(value) && !strncmp(v, value, len);
}

void os_main(void)
{
    if (!(os_start_info->flags & SIF_INITDOMAIN)) {
        lc_domu_main();
        return;
    }
    lc_dom0_init();
    if (lc_arg_is("mode", "cycles"))
        lc_cycles();
    else if (lc_arg_is("mode", "pingpong"))
        lc_pingpong();
    else if (lc_arg_is("mode", "dying"))
        lc_dying();
    else if (lc_arg_is("mode", "race"))
        lc_race();
    else if (lc_arg_is("mode", "memrace"))
        lc_memrace();
    else if (lc_arg_is("mode", "held"))
        lc_held();
    else if (lc_arg_is("mode", "pause"))
        lc_pause();
    else if (lc_arg_is("mode", "scrub"))
        lc_scrub();
    else
        lc_bench();
    os_printf("Test result: %s\n", t_failures ? "FAILURE" : "SUCCESS");
}
