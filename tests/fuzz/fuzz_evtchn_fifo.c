/*
 * libFuzzer harness for FIFO event channels (lib/evtchn_fifo.c).
 * Run with `make fuzz-evtchn-fifo` (clang, not part of `make test`).
 *
 * The event-array pages and the control block are heap buffers of exactly
 * their size, so ASan catches any access outside them.  The input is a
 * sequence of operations, an opcode byte and its arguments (missing bytes
 * read as 0): the hypervisor raising any port number (beyond the two array
 * pages too), EVTCHNOP_unmask, closing (PENDING cleared) and set_priority;
 * the guest masking, taking one event, or draining every queue; and the
 * guest scribbling any value into any event word, queue head or READY.
 *
 * Until the first scribble every operation also runs on the reference model
 * of tests/unit/evtchn_fifo_rig.h: each word's PENDING/MASKED/LINKED bits
 * must equal the model's after every step, BUSY must be clear, the guest must
 * take the model's port, and a pending unmasked port is always linked (the
 * ABI's "no lost event" as a sequential property).  After a scribble only
 * safety is checked: no access outside the buffers, no undefined behaviour,
 * and a drain that ends (libFuzzer's -timeout).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/evtchn_fifo_rig.h"

#define NR_OPS_MAX 512

static struct rig rig;
static const char *op_name;

static void fail(const char *why, int port)
{
    fprintf(stderr, "evtchn_fifo fuzz: %s (op %s, port %d)\n", why, op_name, port);
    abort();
}

struct input {
    const uint8_t *p;
    size_t left;
};

static unsigned int take(struct input *in, unsigned int bytes)
{
    unsigned int v = 0;

    for (unsigned int i = 0; i < bytes; i++) {
        v = v << 8 | (in->left ? *in->p : 0);
        if (in->left) {
            in->p++;
            in->left--;
        }
    }
    return v;
}

static void check(struct rig *r)
{
    int bad = rig_mismatch(r);

    if (bad >= 0)
        fail("event word differs from the model", bad);
    if (r->wild)
        return;
    for (unsigned int p = 0; p < RIG_PORTS; p++)
        if (r->pending[p] && !r->masked[p] && !r->linked[p])
            fail("pending unmasked port on no queue (lost)", (int)p);
}

static void step(struct rig *r)
{
    int want, got = rig_next(r, &want);

    if (got != want)
        fail("guest took another port than the model", got);
    if (got >= (int)RIG_PORTS)
        fail("guest took a port without a word", got);
}

static void drain(struct rig *r)
{
    int want, got;

    do {
        got = rig_next(r, &want);
        if (got != want)
            fail("drain took another port than the model", got);
    } while (got >= 0);
    if (!r->wild && (r->cb->ready || r->ready))
        fail("READY left set after every queue was drained", -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    event_word_t *page0 = malloc(EVTCHN_FIFO_WORDS_PER_PAGE * sizeof(event_word_t));
    event_word_t *page1 = malloc(EVTCHN_FIFO_WORDS_PER_PAGE * sizeof(event_word_t));
    struct evtchn_fifo_control_block *cb = malloc(sizeof(*cb));
    struct input in = { data, size };
    struct rig *r = &rig;

    rig_init(r, page0, page1, cb);
    for (unsigned int n = 0; n < NR_OPS_MAX && in.left; n++) {
        unsigned int opc = take(&in, 1) % 10;
        unsigned int port = take(&in, 2);
        unsigned int in_range = 1 + port % (RIG_PORTS - 1);     /* port 0 is never bound */

        switch (opc) {
        case 0:
            op_name = "raise";
            rig_raise(r, port % 4 == 3 ? port : in_range);       /* beyond the array too */
            break;
        case 1:
            op_name = "mask";
            rig_mask(r, in_range);
            break;
        case 2:
            op_name = "unmask";
            rig_unmask(r, in_range);
            break;
        case 3:
            op_name = "clear";
            rig_clear(r, in_range);
            break;
        case 4:
            op_name = "set_priority";
            r->prio[in_range] = (uint8_t)(take(&in, 1) % RIG_QUEUES);
            break;
        case 5:
            op_name = "next";
            step(r);
            break;
        case 6:
            op_name = "drain";
            drain(r);
            break;
        case 7:
            op_name = "scribble word";
            *rig_word(r, port % RIG_PORTS) = take(&in, 4);
            r->wild = true;
            break;
        case 8:
            op_name = "scribble head";
            cb->head[port % RIG_QUEUES] = take(&in, 4);
            r->wild = true;
            break;
        default:
            op_name = "scribble ready";
            cb->ready = take(&in, 4);
            r->wild = true;
            break;
        }
        check(r);
    }
    op_name = "final drain";
    drain(r);
    check(r);
    free(page0);
    free(page1);
    free(cb);
    return 0;
}
