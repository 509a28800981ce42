/*
 * Command-line option lookup.  Each getter walks the whole line and keeps
 * the last occurrence it can use, so later options override earlier ones
 * the way Xen's left-to-right parser leaves them.
 */
#include <hv/cmdline.h>
#include <xl/string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One "key[=value]" word of the command line, as pointers into it. */
struct option {
    const char *key;        /* start of the word */
    size_t key_len;         /* up to '=' or the end of the word */
    const char *val;        /* after '=', or the end of the word */
    size_t val_len;
    bool has_val;           /* the word contained '=' */
};

/*
 * Split the next word off *pos.  Returns false at the end of the line.
 */
static bool next_option(const char **pos, struct option *opt)
{
    const char *p = *pos;

    while (*p && is_blank(*p))
        p++;
    if (!*p)
        return false;

    const char *w = p;
    while (*p && !is_blank(*p))
        p++;
    *pos = p;

    size_t wlen = (size_t)(p - w);
    size_t k = 0;
    while (k < wlen && w[k] != '=')
        k++;
    opt->key = w;
    opt->key_len = k;
    opt->has_val = k < wlen;
    opt->val = opt->has_val ? w + k + 1 : w + wlen;
    opt->val_len = opt->has_val ? wlen - k - 1 : 0;
    return true;
}

static bool key_is(const char *s, size_t len, const char *key)
{
    size_t klen = strlen(key);

    return klen == len && memcmp(s, key, len) == 0;
}

/* See cmdline.h. */
bool cmdline_get_str(const char *cmdline, const char *key, char *out, size_t n)
{
    struct option opt, last = { 0 };
    bool found = false;

    if (!cmdline || !key || !*key || !out || n == 0)
        return false;
    for (const char *p = cmdline; next_option(&p, &opt);) {
        if (key_is(opt.key, opt.key_len, key)) {
            last = opt;
            found = true;
        }
    }
    if (!found)
        return false;

    size_t len = last.val_len < n - 1 ? last.val_len : n - 1;
    memcpy(out, last.val, len);
    out[len] = '\0';
    return true;
}

/* Xen's parse_bool over a counted string: 1, 0, or -1 when not a boolean. */
static int parse_bool_word(const char *s, size_t len)
{
    static const struct { const char *word; bool value; } words[] = {
        { "1", true }, { "on", true }, { "yes", true }, { "true", true },
        { "enable", true },
        { "0", false }, { "no", false }, { "off", false }, { "false", false },
        { "disable", false },
    };

    for (size_t i = 0; i < ARRAY_SIZE(words); i++)
        if (key_is(s, len, words[i].word))
            return words[i].value;
    return -1;
}

/* See cmdline.h. */
bool cmdline_get_bool(const char *cmdline, const char *key, bool dflt)
{
    struct option opt;
    bool value = dflt;

    if (!cmdline || !key || !*key)
        return dflt;
    for (const char *p = cmdline; next_option(&p, &opt);) {
        const char *k = opt.key;
        size_t klen = opt.key_len;
        bool negated = klen >= 3 && memcmp(k, "no-", 3) == 0;

        if (negated) {
            k += 3;
            klen -= 3;
        }
        if (!key_is(k, klen, key))
            continue;
        /* A bare key or an empty value asserts the option (Xen: optval ""). */
        int b = opt.val_len == 0 ? 1 : parse_bool_word(opt.val, opt.val_len);
        if (b < 0)
            continue;               /* not a boolean: ignored, as in Xen */
        value = negated ? !b : b;
    }
    return value;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/*
 * C-style unsigned integer at the start of s[0..len): "0x" hex, leading
 * "0" octal, else decimal.  Sets *used to the characters consumed (0 when
 * there is no number).  Returns false on overflow.
 */
static bool parse_uint_prefix(const char *s, size_t len, uint64_t *out, size_t *used)
{
    unsigned int base = 10;
    size_t i = 0;
    uint64_t v = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        len >= 3 && digit_value(s[2]) < 16) {
        base = 16;
        i = 2;
    } else if (len >= 1 && s[0] == '0') {
        base = 8;
    }

    size_t first = i;
    for (; i < len && digit_value(s[i]) < (int)base; i++) {
        unsigned int d = (unsigned int)digit_value(s[i]);

        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *used = i == first ? 0 : i;
    *out = v;
    return true;
}

/* Xen's parse_size_and_unit over a counted string, strict about the end. */
static bool parse_size(const char *s, size_t len, uint64_t *bytes)
{
    uint64_t v;
    size_t used;
    unsigned int shift;

    if (!parse_uint_prefix(s, len, &v, &used) || used == 0)
        return false;

    if (used == len) {
        shift = 10;                 /* no unit: KiB, as in Xen */
    } else if (used + 1 == len) {
        switch (s[used]) {
        case 'T': case 't': shift = 40; break;
        case 'G': case 'g': shift = 30; break;
        case 'M': case 'm': shift = 20; break;
        case 'K': case 'k': shift = 10; break;
        case 'B': case 'b': shift = 0; break;
        default: return false;
        }
    } else {
        return false;
    }

    if (shift && (v >> (64 - shift)) != 0)
        return false;               /* would not fit in 64 bits */
    *bytes = v << shift;
    return true;
}

/*
 * The value of the last occurrence of "key=value" that parse accepts (parse
 * sets *out only then). False: none did, *out untouched.
 */
static bool last_valid(const char *cmdline, const char *key, bool (*parse)(const char *s, size_t len, void *out),
                       void *out)
{
    struct option opt;
    bool found = false;

    if (!cmdline || !key || !*key || !out)
        return false;
    for (const char *p = cmdline; next_option(&p, &opt);)
        if (key_is(opt.key, opt.key_len, key) && opt.has_val && parse(opt.val, opt.val_len, out))
            found = true;
    return found;
}

static bool size_value(const char *s, size_t len, void *out)
{
    return parse_size(s, len, out);
}

/* A whole number, nothing after it. */
static bool uint_value(const char *s, size_t len, void *out)
{
    uint64_t v;
    size_t used;

    if (!parse_uint_prefix(s, len, &v, &used) || used == 0 || used != len)
        return false;
    *(uint64_t *)out = v;
    return true;
}

/* Xen's int: an optional '-', a whole number, INT32_MIN to UINT32_MAX, kept in 32 bits. */
static bool int32_value(const char *s, size_t len, void *out)
{
    bool minus = len && s[0] == '-';
    uint64_t v;

    if (!uint_value(s + minus, len - minus, &v) || v > (minus ? (uint64_t)INT32_MAX + 1 : UINT32_MAX))
        return false;
    *(int32_t *)out = (int32_t)(uint32_t)(minus ? 0 - v : v);
    return true;
}

/* See cmdline.h. */
bool cmdline_get_size(const char *cmdline, const char *key, uint64_t *bytes)
{
    return last_valid(cmdline, key, size_value, bytes);
}

/* See cmdline.h. */
bool cmdline_get_uint(const char *cmdline, const char *key, uint64_t *val)
{
    return last_valid(cmdline, key, uint_value, val);
}

/* See cmdline.h. */
bool cmdline_get_int32(const char *cmdline, const char *key, int32_t *val)
{
    return last_valid(cmdline, key, int32_value, val);
}

/* One dom0_mem amount at s[0..len): Xen's parse_amt on a counted string. */
static bool parse_amount(const char *s, size_t len, struct dom0_memsize *out)
{
    struct dom0_memsize m = { 0 };
    size_t i = 0;
    unsigned int items = 0;

    if (len && s[0] == '-') {
        m.minus = true;
        i = 1;
    }
    for (;;) {
        if (i >= len || s[i] < '0' || s[i] > '9')
            return false;
        /* The number and its unit run to the next '+', '%' or the end. */
        size_t j = i;
        while (j < len && s[j] != '+' && s[j] != '%')
            j++;
        if (j < len && s[j] == '%') {
            uint64_t v;
            size_t used;
            if (!parse_uint_prefix(s + i, j - i, &v, &used) || used != j - i || v >= 100)
                return false;
            m.percent = (unsigned int)v;
            i = j + 1;
            items = 2;              /* nothing may follow a fraction */
        } else {
            uint64_t bytes;
            if (items || !parse_size(s + i, j - i, &bytes))
                return false;
            m.pages = bytes >> 12;
            i = j;
            items = 1;
        }
        if (i == len)
            break;
        if (s[i] != '+' || items >= 2)
            return false;
        i++;
    }
    *out = m;
    return true;
}

/* See cmdline.h. */
bool cmdline_get_dom0_mem(const char *cmdline, struct dom0_mem *m)
{
    char val[128];

    memset(m, 0, sizeof(*m));
    m->max.pages = UINT64_MAX;
    if (!cmdline_get_str(cmdline, "dom0_mem", val, sizeof(val)))
        return true;
    size_t n = strlen(val);
    if (n == sizeof(val) - 1)
        return false;               /* too long to be real */
    struct dom0_mem t = { .set = true, .max = { .pages = UINT64_MAX } };
    for (size_t i = 0; i < n || i == 0;) {
        size_t j = i;
        while (j < n && val[j] != ',')
            j++;
        const char *item = val + i;
        size_t len = j - i;
        bool ok;
        if (len >= 4 && memcmp(item, "min:", 4) == 0)
            ok = parse_amount(item + 4, len - 4, &t.min);
        else if (len >= 4 && memcmp(item, "max:", 4) == 0)
            ok = parse_amount(item + 4, len - 4, &t.max);
        else
            ok = parse_amount(item, len, &t.amount);
        if (!ok)
            return false;
        if (j == n)
            break;
        i = j + 1;
        if (i == n)
            return false;           /* a trailing comma */
    }
    *m = t;
    return true;
}

static uint64_t memsize_pages(const struct dom0_memsize *sz, uint64_t avail)
{
    uint64_t pages;

    if (sz->pages == UINT64_MAX)
        return UINT64_MAX;          /* no max given */
    pages = sz->pages + sz->percent * (avail / 100) + sz->percent * (avail % 100) / 100;
    return sz->minus ? avail - pages : pages;    /* wraps as in Xen; clamped later */
}

/* See cmdline.h. */
uint64_t dom0_mem_pages(const struct dom0_mem *m, uint64_t avail, uint64_t *wanted)
{
    uint64_t reserve = avail / 16 < (128ull << 8) ? avail / 16 : (128ull << 8);
    uint64_t nr = memsize_pages(&m->amount, avail);

    if (nr == 0)
        nr = avail - reserve;
    uint64_t lo = memsize_pages(&m->min, avail), hi = memsize_pages(&m->max, avail);
    if (nr < lo)
        nr = lo;
    if (nr > hi)
        nr = hi;
    if (wanted)
        *wanted = nr;
    return nr < avail ? nr : avail;
}

/* See cmdline.h. */
uint32_t dom0_vcpus_count(uint32_t cpus, uint32_t min, uint32_t max, uint32_t limit,
                          uint32_t *wanted)
{
    uint32_t n = cpus;

    if (min > n)
        n = min;
    if (max < n)
        n = max;
    *wanted = n;
    return n < limit ? n : limit;
}

/* Xen's simple_strtoul on a counted string: the value and the characters used. */
static uint64_t leading_uint(const char *s, size_t len, size_t *used)
{
    uint64_t v = 0;

    if (!parse_uint_prefix(s, len, &v, used)) {
        *used = 0;
        return 0;
    }
    return v > UINT32_MAX ? UINT32_MAX : v;
}

/* See cmdline.h. */
bool cmdline_get_dom0_max_vcpus(const char *cmdline, uint32_t *min, uint32_t *max)
{
    struct option opt;
    bool found = false;

    *min = 1;
    *max = UINT32_MAX;
    if (!cmdline)
        return false;
    for (const char *p = cmdline; next_option(&p, &opt);) {
        if (!key_is(opt.key, opt.key_len, "dom0_max_vcpus") || !opt.has_val || !opt.val_len)
            continue;
        const char *v = opt.val;
        size_t n = opt.val_len, used;
        uint32_t lo = 1, hi = UINT32_MAX;
        if (v[0] == '-') {                              /* -M */
            hi = (uint32_t)leading_uint(v + 1, n - 1, &used);
            if (used == 0 || used != n - 1)
                continue;
        } else {
            lo = (uint32_t)leading_uint(v, n, &used);
            if (used == 0)
                continue;
            if (lo == 0)
                lo = 1;
            if (used == n) {                            /* N */
                hi = lo;
            } else if (v[used] == '-' && used + 1 == n) {   /* N- */
                hi = UINT32_MAX;
            } else if (v[used] == '-') {                /* N-M */
                size_t u2;
                hi = (uint32_t)leading_uint(v + used + 1, n - used - 1, &u2);
                if (u2 == 0 || used + 1 + u2 != n)
                    continue;
            } else {
                continue;
            }
        }
        *min = lo;
        *max = hi;
        found = true;
    }
    return found;
}

/* See cmdline.h. */
bool cmdline_next_key(const char **pos, char *key, size_t n)
{
    struct option opt;

    if (!pos || !*pos || !key || n == 0 || !next_option(pos, &opt))
        return false;
    size_t len = opt.key_len < n - 1 ? opt.key_len : n - 1;
    memcpy(key, opt.key, len);
    key[len] = '\0';
    return true;
}
