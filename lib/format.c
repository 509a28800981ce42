/*
 * printf-style formatting into a bounded buffer.
 *
 * The output sink counts every character it is offered but stores only
 * what fits, which gives C99's "return the untruncated length" for free.
 */
#include <xl/format.h>
#include <xl/string.h>

struct sink {
    char *buf;
    size_t cap;     /* bytes usable for characters (buffer size - 1) */
    size_t len;     /* characters produced so far, stored or not */
};

static void put(struct sink *s, char c)
{
    if (s->len < s->cap)
        s->buf[s->len] = c;
    s->len++;
}

static void put_rep(struct sink *s, char c, int count)
{
    while (count-- > 0)
        put(s, c);
}

/* What one conversion specification asked for. */
struct spec {
    bool left;      /* '-' */
    bool zero;      /* '0' */
    bool plus;      /* '+' */
    bool space;     /* ' ' */
    bool alt;       /* '#' */
    int width;      /* -1: none */
    int prec;       /* -1: none */
};

/*
 * Print an unsigned magnitude with an optional sign character and prefix,
 * honouring width, precision and the padding flags.
 */
static void put_number(struct sink *s, const struct spec *sp, uint64_t v,
                       unsigned int base, bool upper, char sign, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];   /* 2^64 in octal needs 22 digits */
    int nd = 0;

    /* C: a zero value with precision 0 prints no digits. */
    if (!(v == 0 && sp->prec == 0)) {
        do {
            tmp[nd++] = digits[v % base];
            v /= base;
        } while (v);
    }

    int plen = (int)strlen(prefix);
    /* '#' with octal: the prefix is a leading zero unless one is there. */
    int zeros = sp->prec > nd ? sp->prec - nd : 0;
    if (base == 8 && sp->alt && zeros == 0 && (nd == 0 || tmp[nd - 1] != '0'))
        zeros = 1;

    int body = nd + zeros + plen + (sign ? 1 : 0);
    int pad = sp->width > body ? sp->width - body : 0;
    /* '0' is ignored with '-' or with an explicit precision (C rules). */
    bool zero_pad = sp->zero && !sp->left && sp->prec < 0;

    if (!sp->left && !zero_pad)
        put_rep(s, ' ', pad);
    if (sign)
        put(s, sign);
    for (int i = 0; i < plen; i++)
        put(s, prefix[i]);
    if (zero_pad)
        put_rep(s, '0', pad);
    put_rep(s, '0', zeros);
    while (nd)
        put(s, tmp[--nd]);
    if (sp->left)
        put_rep(s, ' ', pad);
}

static void put_string(struct sink *s, const struct spec *sp, const char *str)
{
    if (!str)
        str = "(null)";
    /* Never read past the precision: the string need not be terminated. */
    size_t len = sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str);
    int pad = sp->width > (int)len ? sp->width - (int)len : 0;

    if (!sp->left)
        put_rep(s, ' ', pad);
    for (size_t i = 0; i < len; i++)
        put(s, str[i]);
    if (sp->left)
        put_rep(s, ' ', pad);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static int64_t fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR:  return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG:  return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE:  return va_arg(*ap, ptrdiff_t);  /* signed twin of size_t */
    default:        return va_arg(*ap, int);
    }
}

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:  return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE:  return va_arg(*ap, size_t);
    default:        return va_arg(*ap, unsigned int);
    }
}

/* Parse a decimal field or '*'; returns -1 when absent. */
static int parse_field(const char **fmt, va_list *ap, bool *from_star)
{
    const char *f = *fmt;
    int v = -1;

    *from_star = false;
    if (*f == '*') {
        v = va_arg(*ap, int);
        *from_star = true;
        f++;
    } else if (*f >= '0' && *f <= '9') {
        v = 0;
        while (*f >= '0' && *f <= '9') {
            if (v < 100000000)  /* clamp absurd widths instead of overflowing */
                v = v * 10 + (*f - '0');
            f++;
        }
    }
    *fmt = f;
    return v;
}

/* See format.h. */
int xl_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap_in)
{
    struct sink s = { .buf = buf, .cap = n ? n - 1 : 0, .len = 0 };
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt) {
        if (*fmt != '%') {
            put(&s, *fmt++);
            continue;
        }
        const char *start = fmt++;
        struct spec sp = { .width = -1, .prec = -1 };
        bool star;

        for (;; fmt++) {
            if (*fmt == '-')      sp.left = true;
            else if (*fmt == '0') sp.zero = true;
            else if (*fmt == '+') sp.plus = true;
            else if (*fmt == ' ') sp.space = true;
            else if (*fmt == '#') sp.alt = true;
            else break;
        }
        sp.width = parse_field(&fmt, &ap, &star);
        if (star && sp.width < 0) {   /* C: negative '*' width means '-' */
            sp.left = true;
            sp.width = sp.width == -2147483647 - 1 ? 2147483647 : -sp.width;
        }
        if (*fmt == '.') {
            fmt++;
            sp.prec = parse_field(&fmt, &ap, &star);
            if (sp.prec < 0 && !star)
                sp.prec = 0;          /* "%.d": precision zero */
            /* a negative '*' precision counts as none (-1 already) */
            if (sp.prec < -1)
                sp.prec = -1;
        }

        enum length len = LEN_INT;
        if (*fmt == 'h') {
            fmt++;
            len = LEN_SHORT;
            if (*fmt == 'h') { fmt++; len = LEN_CHAR; }
        } else if (*fmt == 'l') {
            fmt++;
            len = LEN_LONG;
            if (*fmt == 'l') { fmt++; len = LEN_LLONG; }
        } else if (*fmt == 'z' || *fmt == 't') {
            fmt++;
            len = LEN_SIZE;
        } else if (*fmt == 'j') {
            fmt++;
            len = LEN_LLONG;
        }

        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = fetch_signed(&ap, len);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            char sign = v < 0 ? '-' : sp.plus ? '+' : sp.space ? ' ' : 0;
            put_number(&s, &sp, mag, 10, false, sign, "");
            break;
        }
        case 'u':
            put_number(&s, &sp, fetch_unsigned(&ap, len), 10, false, 0, "");
            break;
        case 'o':
            put_number(&s, &sp, fetch_unsigned(&ap, len), 8, false, 0, "");
            break;
        case 'x':
        case 'X': {
            uint64_t v = fetch_unsigned(&ap, len);
            const char *pfx = (sp.alt && v) ? (*fmt == 'x' ? "0x" : "0X") : "";
            put_number(&s, &sp, v, 16, *fmt == 'X', 0, pfx);
            break;
        }
        case 'p': {
            /* Fixed form: every pointer prints the same width in logs. */
            struct spec pp = sp;
            pp.prec = 16;
            pp.zero = false;
            put_number(&s, &pp, (uintptr_t)va_arg(ap, void *), 16, false, 0, "0x");
            break;
        }
        case 's':
            put_string(&s, &sp, va_arg(ap, const char *));
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            int pad = sp.width > 1 ? sp.width - 1 : 0;
            if (!sp.left)
                put_rep(&s, ' ', pad);
            put(&s, c);
            if (sp.left)
                put_rep(&s, ' ', pad);
            break;
        }
        case '%':
            put(&s, '%');
            break;
        default:
            /* Unknown or truncated specification: show it as written so the
             * mistake is visible in the log rather than silently dropped. */
            while (start < fmt)
                put(&s, *start++);
            if (*fmt)
                put(&s, *fmt);
            else
                continue;
            break;
        }
        fmt++;
    }
    va_end(ap);

    if (n)
        buf[s.len < s.cap ? s.len : s.cap] = '\0';
    return s.len > 2147483647u ? 2147483647 : (int)s.len;
}

/* See format.h. */
int xl_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = xl_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
