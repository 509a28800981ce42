/*
 * Command-line option lookup.  Each getter walks the whole line and keeps
 * the last occurrence it can use, so later options override earlier ones
 * the way Xen's left-to-right parser leaves them.
 */
#include <hv/cmdline.h>
#include <hv/lib.h>

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

/* See cmdline.h. */
bool cmdline_get_size(const char *cmdline, const char *key, uint64_t *bytes)
{
    struct option opt;
    bool found = false;
    uint64_t v;

    if (!cmdline || !key || !*key || !bytes)
        return false;
    for (const char *p = cmdline; next_option(&p, &opt);) {
        if (key_is(opt.key, opt.key_len, key) && opt.has_val &&
            parse_size(opt.val, opt.val_len, &v)) {
            *bytes = v;
            found = true;
        }
    }
    return found;
}

/* See cmdline.h. */
bool cmdline_get_uint(const char *cmdline, const char *key, uint64_t *val)
{
    struct option opt;
    bool found = false;
    uint64_t v;
    size_t used;

    if (!cmdline || !key || !*key || !val)
        return false;
    for (const char *p = cmdline; next_option(&p, &opt);) {
        if (key_is(opt.key, opt.key_len, key) && opt.has_val &&
            parse_uint_prefix(opt.val, opt.val_len, &v, &used) &&
            used != 0 && used == opt.val_len) {
            *val = v;
            found = true;
        }
    }
    return found;
}
