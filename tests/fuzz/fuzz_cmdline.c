/*
 * libFuzzer harness for the command-line getters (hv/lib/cmdline.c).
 * Run with `make fuzz-cmdline` (clang, not part of `make test`).
 *
 * Input: "key\0command line" (no NUL: the whole input is the command line
 * and the key is empty).  Key and line are copied into heap buffers of
 * exactly strlen + 1 bytes, so ASan catches any read past the terminating
 * NUL.  Every getter runs with the fuzzed key and with a few fixed keys,
 * and each answer is compared with a small reference model written here
 * from the contract in hv/include/hv/cmdline.h (split on blanks, key up to
 * the first '=', last valid occurrence wins).  get_str is also checked for
 * truncation at every small buffer size and for leaving the buffer alone
 * when it answers false.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/cmdline.h>

__attribute__((noreturn))
static void fail(const char *why, const char *line, const char *key)
{
    fprintf(stderr, "cmdline fuzz: %s\n  key \"%s\"\n  line \"%s\"\n", why, key ? key : "(null)",
            line ? line : "(null)");
    abort();
}

#define CHECK(cond, why) do { if (!(cond)) fail(why, line, key); } while (0)

/* ---- the reference model --------------------------------------------------------- */

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct word {
    const char *key, *val;      /* val: after '=', or NULL without '=' */
    size_t key_len, val_len;
};

/* Split the line into words (at most `max`); returns how many. */
static unsigned int model_words(const char *line, struct word *w, unsigned int max)
{
    const char *p = line;
    unsigned int n = 0;

    for (;;) {
        while (*p && blank(*p))
            p++;
        if (!*p || n == max)
            return n;
        const char *start = p;
        while (*p && !blank(*p))
            p++;
        const char *eq = memchr(start, '=', (size_t)(p - start));
        w[n].key = start;
        w[n].key_len = eq ? (size_t)(eq - start) : (size_t)(p - start);
        w[n].val = eq ? eq + 1 : NULL;
        w[n].val_len = eq ? (size_t)(p - eq - 1) : 0;
        n++;
    }
}

static bool same(const char *s, size_t len, const char *key)
{
    return strlen(key) == len && strncmp(s, key, len) == 0;
}

/* "0x" hex, "0" octal or decimal, all of s[0..len), fitting 64 bits. */
static bool model_number(const char *s, size_t len, uint64_t *out)
{
    unsigned int base = 10;
    size_t i = 0;
    uint64_t v = 0;

    if (len == 0)
        return false;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, i = 2;
    else if (s[0] == '0')
        base = 8;
    for (; i < len; i++) {
        const char *digits = "0123456789abcdef";
        char c = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i];
        const char *d = c ? strchr(digits, c) : NULL;

        if (!d || (unsigned int)(d - digits) >= base)
            return false;
        if (__builtin_mul_overflow(v, base, &v) ||
            __builtin_add_overflow(v, (uint64_t)(d - digits), &v))
            return false;
    }
    *out = v;
    return true;
}

static bool model_size(const char *s, size_t len, uint64_t *bytes)
{
    uint64_t v;
    unsigned int shift = 10;

    if (!model_number(s, len, &v)) {
        const char *units = "BbKkMmGgTt";
        static const unsigned int shifts[] = { 0, 0, 10, 10, 20, 20, 30, 30, 40, 40 };
        const char *u = len && s[len - 1] ? strchr(units, s[len - 1]) : NULL;

        if (!u || !model_number(s, len - 1, &v))
            return false;
        shift = shifts[u - units];
    }
    if (shift && (v >> (64 - shift)))
        return false;
    *bytes = v << shift;
    return true;
}

static int model_bool_word(const char *s, size_t len)
{
    static const char *const yes[] = { "1", "on", "yes", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (unsigned int i = 0; i < 5; i++) {
        if (same(s, len, yes[i]))
            return 1;
        if (same(s, len, no[i]))
            return 0;
    }
    return -1;
}

/* ---- checks ------------------------------------------------------------------------ */

#define MAX_WORDS 4096
#define OUT_SIZE  1024

static struct word words[MAX_WORDS];
static unsigned int nr_words;

static void check_key(const char *line, const char *key)
{
    bool usable = key && *key;
    struct word w, last = { 0 };
    bool found = false, b_value = false, b_found = false, u_found = false, s_found = false;
    uint64_t u_value = 0, s_value = 0, v;

    for (unsigned int i = 0; usable && i < nr_words; i++) {
        w = words[i];
        const char *k = w.key;
        size_t klen = w.key_len;
        bool negated = klen >= 3 && strncmp(k, "no-", 3) == 0;

        if (same(w.key, w.key_len, key)) {
            last = w;
            found = true;
            if (w.val && model_number(w.val, w.val_len, &v))
                u_found = true, u_value = v;
            if (w.val && model_size(w.val, w.val_len, &v))
                s_found = true, s_value = v;
        }
        if (negated)
            k += 3, klen -= 3;
        if (same(k, klen, key)) {
            int b = w.val_len == 0 ? 1 : model_bool_word(w.val, w.val_len);
            if (b >= 0)
                b_found = true, b_value = negated ? !b : b;
        }
    }

    /* get_str at every small size, and a large one; false leaves `out` alone. */
    for (size_t n = 0; n < 20; n++) {
        size_t cap = n == 19 ? OUT_SIZE - 1 : n;
        char out[OUT_SIZE];

        memset(out, 0x5a, cap + 1);
        bool got = cmdline_get_str(line, key, out, cap);
        CHECK(got == (found && cap > 0), "get_str found/absent differs from the model");
        if (!got) {
            for (size_t i = 0; i <= cap; i++)
                CHECK(out[i] == 0x5a, "get_str answered false but wrote the buffer");
            continue;
        }
        size_t want = last.val_len < cap - 1 ? last.val_len : cap - 1;
        CHECK(out[want] == '\0' && strlen(out) == want, "get_str length or terminator wrong");
        CHECK(want == 0 || memcmp(out, last.val, want) == 0, "get_str value differs");
        CHECK(out[cap] == 0x5a, "get_str wrote past its buffer");
    }

    for (int dflt = 0; dflt < 2; dflt++)
        CHECK(cmdline_get_bool(line, key, dflt) == (b_found ? b_value : dflt),
              "get_bool differs from the model");

    uint64_t got = 0x1234;
    bool ok = cmdline_get_uint(line, key, &got);
    CHECK(ok == (usable && u_found), "get_uint found/absent differs from the model");
    CHECK(ok ? got == u_value : got == 0x1234, "get_uint value differs from the model");

    got = 0x1234;
    ok = cmdline_get_size(line, key, &got);
    CHECK(ok == (usable && s_found), "get_size found/absent differs from the model");
    CHECK(ok ? got == s_value : got == 0x1234, "get_size value differs from the model");
}

static char *copy_string(const uint8_t *data, size_t len)
{
    size_t n = strnlen((const char *)data, len);
    char *s = malloc(n + 1);

    if (!s)
        abort();
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

/*
 * dom0_mem, dom0_max_vcpus and the key walker: the contract of cmdline.h.
 * Whatever the line, the pages never exceed the memory available, a parsed
 * amount is within [min, max] when those are satisfiable, Dom0's vCPUs are
 * at most the limit and the CPUs raised to the minimum unless the maximum cut, and the walker
 * stops, giving one key per word of the model.
 */
static void check_dom0_options(const char *line, const char *key)
{
    struct dom0_mem m;
    uint64_t wanted;
    static const uint64_t avails[] = { 0, 1, 4096, 262144, 1ull << 40 };

    bool ok = cmdline_get_dom0_mem(line, &m);
    CHECK(ok || !m.set, "malformed dom0_mem left as set");
    for (unsigned int i = 0; i < sizeof(avails) / sizeof(avails[0]); i++) {
        uint64_t pages = dom0_mem_pages(&m, avails[i], &wanted);
        CHECK(pages <= avails[i], "dom0_mem_pages above the memory available");
        CHECK(pages == (wanted < avails[i] ? wanted : avails[i]), "dom0_mem_pages clamp");
    }
    uint32_t lo, hi;
    if (cmdline_get_dom0_max_vcpus(line, &lo, &hi))
        CHECK(lo >= 1, "dom0_max_vcpus minimum below 1");
    else
        CHECK(lo == 1 && hi == UINT32_MAX, "dom0_max_vcpus defaults");
    for (uint32_t cpus = 1; cpus <= 8; cpus *= 2) {
        uint32_t want, vcpus = dom0_vcpus_count(cpus, lo, hi, 128, &want);
        uint32_t raised = lo > cpus ? lo : cpus;        /* before the maximum cuts */
        CHECK(vcpus <= 128 && vcpus == (want < 128 ? want : 128) && (vcpus || !hi),
              "dom0 vCPU count above the limit, or 0 without a maximum of 0");
        CHECK(want == raised || (want < raised && want == hi),
              "dom0 vCPUs neither the CPUs raised to the minimum nor the maximum");
    }

    const char *p = line;
    char k[16];
    unsigned int n = 0;
    while (cmdline_next_key(&p, k, sizeof(k))) {
        CHECK(strlen(k) < sizeof(k), "next_key overflowed its buffer");
        CHECK(++n <= strlen(line), "next_key does not advance");
    }
    (void)key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fixed[] = { "dom0_mem", "console", "noreboot", "loglvl", "x", "no-" };
    const uint8_t *nul = memchr(data, 0, size);
    char *key = copy_string(data, nul ? (size_t)(nul - data) : 0);
    char *line = nul ? copy_string(nul + 1, size - (size_t)(nul - data) - 1)
                     : copy_string(data, size);

    /* A line of more words than the model holds (far above -max_len) is skipped. */
    nr_words = model_words(line, words, MAX_WORDS);
    if (nr_words < MAX_WORDS) {
        check_key(line, key);
        for (unsigned int i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
            check_key(line, fixed[i]);
    }

    /* NULL anywhere is refused without a crash. */
    char out[8];
    uint64_t v;
    CHECK(!cmdline_get_str(NULL, key, out, sizeof(out)) && !cmdline_get_str(line, NULL, out, 8),
          "get_str accepted NULL");
    CHECK(!cmdline_get_str(line, key, NULL, 8), "get_str accepted a NULL buffer");
    CHECK(cmdline_get_bool(NULL, key, true) && !cmdline_get_bool(line, NULL, false),
          "get_bool ignored its default with NULL");
    CHECK(!cmdline_get_uint(NULL, key, &v) && !cmdline_get_uint(line, key, NULL),
          "get_uint accepted NULL");
    CHECK(!cmdline_get_size(NULL, key, &v) && !cmdline_get_size(line, key, NULL),
          "get_size accepted NULL");
    check_dom0_options(line, key);
    free(key);
    free(line);
    return 0;
}
