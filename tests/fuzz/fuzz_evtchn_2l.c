/*
 * libFuzzer harness for the 2-level event-channel bitmaps (lib/evtchn_2l.c).
 * Run with `make fuzz-evtchn-2l` (clang, not part of `make test`).
 *
 * The shared words (pending[64], mask[64], the selector, upcall_pending)
 * live in heap buffers of exactly their size, so ASan catches any access
 * outside them.  The input is a sequence of operations, an opcode byte and
 * its arguments (missing bytes read as 0): the hypervisor's set_pending,
 * clear_pending, mask, unmask and the two queries on any port number
 * (4096 and above included), the guest writing any value into any shared
 * word (the bitmaps are the guest's to scribble on), one guest-side scan
 * step with any private selector and cursor, and a whole guest upcall
 * (take the selector, clear upcall_pending, deliver and clear every port
 * found).
 *
 * Every operation runs on the library and on a plain reference model
 * written here from the contract in lib/include/xl/evtchn_2l.h; return
 * values and every shared word must agree after each step.  The upcall
 * must terminate, deliver only pending unmasked ports of selected words,
 * each once, and leave none of them pending behind.  After a set_pending
 * that raised PENDING, or an unmask that cleared MASK, a pending unmasked
 * port always has its selector bit set (the ABI's "never lost" rule as a
 * sequential property).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xl/evtchn_2l.h>

#define WORDS EVTCHN_2L_NR_WORDS
#define PORTS EVTCHN_2L_NR_PORTS
#define NR_OPS_MAX 512

struct state {
    uint64_t pending[WORDS], mask[WORDS], sel;
    uint8_t upcall;
};

static struct state model;          /* the reference */
static struct evtchn_2l lib;        /* the library's view, heap words */
static const char *op_name;
static unsigned int op_port;

__attribute__((noreturn))
static void fail(const char *why)
{
    fprintf(stderr, "evtchn_2l fuzz: %s (op %s, port %u)\n", why, op_name, op_port);
    abort();
}

#define CHECK(cond, why) do { if (!(cond)) fail(why); } while (0)

struct input {
    const uint8_t *p;
    size_t left;
};

static uint64_t un(struct input *in, unsigned int bytes)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < bytes && in->left; i++, in->left--)
        v |= (uint64_t)*in->p++ << (8 * i);
    return v;
}

/* Mostly a real port; now and then any 32-bit number. */
static unsigned int pick_port(struct input *in)
{
    uint16_t v = (uint16_t)un(in, 2);

    if (v >= 0xf000)
        return (unsigned int)un(in, 4);
    return v % (PORTS + 64);
}

/* ---- the reference model ------------------------------------------------------------ */

static bool m_bit(const uint64_t *words, unsigned int port)
{
    return (words[port / 64] >> (port % 64)) & 1;
}

static bool m_deliverable(const struct state *s, unsigned int port)
{
    return m_bit(s->pending, port) && !m_bit(s->mask, port);
}

/* Raise the selector bit of the port's word and, if it was clear, the upcall flag. */
static bool m_mark(struct state *s, unsigned int port)
{
    uint64_t b = 1ull << (port / 64);

    if (s->sel & b)
        return false;
    s->sel |= b;
    bool kick = s->upcall == 0;
    s->upcall = 1;
    return kick;
}

static bool m_set_pending(struct state *s, unsigned int port)
{
    if (port >= PORTS || m_bit(s->pending, port))
        return false;
    s->pending[port / 64] |= 1ull << (port % 64);
    return !m_bit(s->mask, port) && m_mark(s, port);
}

static bool m_unmask(struct state *s, unsigned int port)
{
    if (port >= PORTS || !m_bit(s->mask, port))
        return false;
    s->mask[port / 64] &= ~(1ull << (port % 64));
    return m_bit(s->pending, port) && m_mark(s, port);
}

/*
 * The scan, port by port: the first deliverable port of a selected word
 * from the cursor on, wrapping once round all 4096.  Selected words that
 * hold nothing deliverable and were passed over are dropped from *sel.
 */
static int m_next(const struct state *s, uint64_t *sel, unsigned int *cursor)
{
    unsigned int start = *cursor % PORTS;

    for (unsigned int k = 0; k < PORTS; k++) {
        unsigned int port = (start + k) % PORTS;
        if ((*sel >> (port / 64)) & 1 && m_deliverable(s, port)) {
            /* Words wholly passed over before this one (in scan order). */
            unsigned int first = start / 64, last = port / 64;
            unsigned int span = port >= start ? last - first : (last + WORDS - first) % WORDS;
            if (port < start && last == first)
                span = WORDS;       /* wrapped all the way back to the cursor's word */
            for (unsigned int i = 0; i < span; i++) {
                unsigned int w = (first + i) % WORDS;
                if (!(s->pending[w] & ~s->mask[w]))
                    *sel &= ~(1ull << w);
            }
            *cursor = (port + 1) % PORTS;
            return (int)port;
        }
    }
    for (unsigned int w = 0; w < WORDS; w++)
        if (!(s->pending[w] & ~s->mask[w]))
            *sel &= ~(1ull << w);
    return -1;
}

/* ---- checks and operations ---------------------------------------------------------- */

static void same_state(void)
{
    CHECK(memcmp(lib.pending, model.pending, sizeof(model.pending)) == 0, "pending differs");
    CHECK(memcmp(lib.mask, model.mask, sizeof(model.mask)) == 0, "mask differs");
    CHECK(*lib.pending_sel == model.sel, "selector differs");
    CHECK(*lib.upcall_pending == model.upcall, "upcall_pending differs");
}

/* The guest's upcall handler: take the selector, then drain with the scan. */
static void guest_upcall(unsigned int cursor)
{
    uint64_t sel = __atomic_exchange_n(lib.pending_sel, 0, __ATOMIC_SEQ_CST);
    uint64_t taken = sel;
    static uint8_t seen[PORTS];

    CHECK(sel == model.sel, "selector differs before the upcall");
    model.sel = 0;
    *lib.upcall_pending = 0;
    model.upcall = 0;
    memset(seen, 0, sizeof(seen));
    for (unsigned int n = 0;; n++) {
        CHECK(n <= PORTS, "the upcall does not terminate");
        int port = evtchn_2l_next_pending(lib.pending, lib.mask, &sel, &cursor);
        if (port < 0)
            break;
        op_port = (unsigned int)port;
        CHECK(port < PORTS && (taken >> (port / 64)) & 1 && m_deliverable(&model, (unsigned)port),
              "delivered a port that was not deliverable");
        CHECK(!seen[port]++, "delivered a port twice");
        evtchn_2l_clear_pending(&lib, (unsigned int)port);
        model.pending[port / 64] &= ~(1ull << (port % 64));
    }
    CHECK(sel == 0, "scan gave up with selector bits left");
    for (unsigned int p = 0; p < PORTS; p++)
        CHECK(!((taken >> (p / 64)) & 1) || !m_deliverable(&model, p),
              "the upcall left a deliverable port behind");
}

static void one_op(struct input *in)
{
    uint8_t op = (uint8_t)un(in, 1);
    unsigned int port = 0;
    bool r, mr, fresh;

    switch (op % 9) {
    case 0:
        op_name = "set_pending";
        op_port = port = pick_port(in);
        fresh = port < PORTS && !m_bit(model.pending, port);
        r = evtchn_2l_set_pending(&lib, port);
        mr = m_set_pending(&model, port);
        CHECK(r == mr, "set_pending's kick differs");
        if (fresh && m_deliverable(&model, port))
            CHECK((*lib.pending_sel >> (port / 64)) & 1, "deliverable port without selector bit");
        break;
    case 1:
        op_name = "clear_pending";
        op_port = port = pick_port(in);
        evtchn_2l_clear_pending(&lib, port);
        if (port < PORTS)
            model.pending[port / 64] &= ~(1ull << (port % 64));
        break;
    case 2:
        op_name = "mask";
        op_port = port = pick_port(in);
        evtchn_2l_mask(&lib, port);
        if (port < PORTS)
            model.mask[port / 64] |= 1ull << (port % 64);
        break;
    case 3:
        op_name = "unmask";
        op_port = port = pick_port(in);
        fresh = port < PORTS && m_bit(model.mask, port);
        r = evtchn_2l_unmask(&lib, port);
        mr = m_unmask(&model, port);
        CHECK(r == mr, "unmask's kick differs");
        if (fresh && m_deliverable(&model, port))
            CHECK((*lib.pending_sel >> (port / 64)) & 1, "deliverable port without selector bit");
        break;
    case 4:
        op_name = "queries";
        op_port = port = pick_port(in);
        CHECK(evtchn_2l_is_pending(&lib, port) == (port < PORTS && m_bit(model.pending, port)),
              "is_pending differs");
        CHECK(evtchn_2l_is_masked(&lib, port) == (port >= PORTS || m_bit(model.mask, port)),
              "is_masked differs");
        break;
    case 5: {
        /* The guest writes a whole shared word. */
        uint8_t which = (uint8_t)un(in, 1);
        uint64_t v = un(in, 8);
        op_name = "guest write";
        if (which & 0x80) {
            lib.mask[which % WORDS] = v;
            model.mask[which % WORDS] = v;
        } else if (which & 0x40) {
            *lib.pending_sel = v;
            model.sel = v;
            *lib.upcall_pending = model.upcall = (uint8_t)(which & 1);
        } else {
            lib.pending[which % WORDS] = v;
            model.pending[which % WORDS] = v;
        }
        break;
    }
    case 6: {
        /* One scan step with any private selector and cursor. */
        uint64_t sel = un(in, 8), msel = sel;
        unsigned int cursor = (unsigned int)un(in, 4), mcursor = cursor;
        op_name = "next_pending";
        int p = evtchn_2l_next_pending(lib.pending, lib.mask, &sel, &cursor);
        int mp = m_next(&model, &msel, &mcursor);
        op_port = (unsigned int)p;
        CHECK(p == mp, "next_pending's port differs");
        CHECK(sel == msel, "next_pending's selector differs");
        CHECK(p < 0 || cursor == mcursor, "next_pending's cursor differs");
        break;
    }
    case 7:
        op_name = "upcall";
        guest_upcall((unsigned int)un(in, 2));
        break;
    default: {
        /* Fill: raise a run of ports, as a burst of interrupts would. */
        unsigned int first = pick_port(in), n = (unsigned int)un(in, 1);
        op_name = "burst";
        for (unsigned int i = 0; i < n; i++) {
            op_port = first + i * 61;
            r = evtchn_2l_set_pending(&lib, op_port);
            CHECK(r == m_set_pending(&model, op_port), "set_pending's kick differs");
        }
        break;
    }
    }
    same_state();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };

    memset(&model, 0, sizeof(model));
    lib.pending = calloc(WORDS, sizeof(uint64_t));
    lib.mask = calloc(WORDS, sizeof(uint64_t));
    lib.pending_sel = calloc(1, sizeof(uint64_t));
    lib.upcall_pending = calloc(1, 1);
    if (!lib.pending || !lib.mask || !lib.pending_sel || !lib.upcall_pending)
        abort();
    for (unsigned int n = 0; in.left && n < NR_OPS_MAX; n++)
        one_op(&in);
    free(lib.pending);
    free(lib.mask);
    free(lib.pending_sel);
    free(lib.upcall_pending);
    return 0;
}
