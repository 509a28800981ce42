/*
 * The few command-line words the crash guest understands:
 *   mode=<wild-jump|bad-stack|bad-iret|hypercall-garbage|reboot>
 *   seed=N count=N trace=1   (hypercall-garbage only)
 */
#include <os/os.h>
#include <xl/string.h>
#include "crash.h"

/* Find "key=value" as a whole word of start_info's command line. */
int crash_cmdline_get(const char *key, char *buf, unsigned long size)
{
    const char *p = (const char *)os_start_info->cmd_line;
    const char *end = p + strnlen(p, sizeof(os_start_info->cmd_line));
    size_t klen = strlen(key);

    while (p < end) {
        const char *word = p;
        size_t wlen;

        while (p < end && *p != ' ')
            p++;
        wlen = (size_t)(p - word);
        if (wlen > klen && word[klen] == '=' && !strncmp(word, key, klen)) {
            size_t vlen = wlen - klen - 1;

            if (vlen >= size)
                vlen = size - 1;
            memcpy(buf, word + klen + 1, vlen);
            buf[vlen] = 0;
            return 1;
        }
        while (p < end && *p == ' ')
            p++;
    }
    return 0;
}

static int digit_value(char c, unsigned int base)
{
    unsigned int v;

    if (c >= '0' && c <= '9')
        v = (unsigned int)(c - '0');
    else if (c >= 'a' && c <= 'f')
        v = (unsigned int)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
        v = (unsigned int)(c - 'A' + 10);
    else
        return -1;
    return v < base ? (int)v : -1;
}

/* Decimal, or hex after "0x"; anything malformed gives def. */
uint64_t crash_parse_u64(const char *s, uint64_t def)
{
    unsigned int base = 10;
    uint64_t v = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return def;
    for (; *s; s++) {
        int d = digit_value(*s, base);

        if (d < 0)
            return def;
        v = v * base + (uint64_t)d;
    }
    return v;
}
