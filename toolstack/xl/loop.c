/*
 * The toolstack's event loop: event handlers only record what happened
 * (xl_event); the shell and the script look at it between commands and
 * while waiting for input, with events masked as os/ wants for sleeping.
 */
#include <os/events.h>
#include <os/os.h>
#include "xl.h"

static volatile unsigned int pending;

void xl_event(unsigned int what)
{
    pending |= what;            /* handlers run with events masked: no race with take */
}

unsigned int xl_take_events(void)
{
    unsigned int got;

    os_irq_disable();
    got = pending;
    pending = 0;
    os_irq_enable();
    return got;
}

void xl_wait(void)
{
    os_irq_disable();
    if (!pending)
        os_block();             /* enables events again */
    else
        os_irq_enable();
}

unsigned int xl_poll(void)
{
    unsigned int ev = xl_take_events();

    if (ev & XL_EV_CONSOLE)
        xl_consback_drain();
    if (ev & XL_EV_DOM_EXC)
        xl_domains_check_shutdown();
    return ev & XL_EV_INPUT;
}
