/*
 * xl.cfg parser (see cfg.h). Pure: a lexer over the text, one value at a
 * time, each applied to its key as soon as it is read.
 */
#include <stdarg.h>
#include <xl/format.h>
#include <xl/string.h>
#include "cfg.h"

#define STR_MAX XL_CFG_CMDLINE_MAX

enum val_kind { V_STRING, V_NUMBER, V_LIST };

struct val {
    enum val_kind kind;
    char str[STR_MAX];          /* V_STRING: decoded; V_NUMBER: the digits as written */
    unsigned long num;
};

struct parser {
    const char *p, *end;
    const char *source;
    unsigned int line;
    unsigned int stmt_line;     /* where the setting being read starts */
    struct xl_cfg *cfg;
    char *err;
    xl_cfg_warn_fn warn;
    void *ctx;
    struct val v;               /* the value being read */
    /* What was set, and where, for the checks at the end. */
    unsigned int line_name, line_kernel, line_maxmem, line_maxvcpus, line_cmdline;
    char root[STR_MAX / 2], extra[STR_MAX];
};

/* ---- messages ---- */

static int error(struct parser *ps, unsigned int line, const char *fmt, ...)
{
    char what[XL_CFG_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    xl_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (line)
        xl_snprintf(ps->err, XL_CFG_MSG_MAX, "xl: %s:%u: %s", ps->source, line, what);
    else
        xl_snprintf(ps->err, XL_CFG_MSG_MAX, "xl: %s: %s", ps->source, what);
    return -1;
}

static void warning(struct parser *ps, unsigned int line, const char *fmt, ...)
{
    char what[XL_CFG_MSG_MAX], msg[XL_CFG_MSG_MAX];
    va_list ap;

    if (!ps->warn)
        return;
    va_start(ap, fmt);
    xl_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (line)
        xl_snprintf(msg, sizeof(msg), "xl: %s:%u: warning: %s", ps->source, line, what);
    else
        xl_snprintf(msg, sizeof(msg), "xl: %s: warning: %s", ps->source, what);
    ps->warn(msg, ps->ctx);
}

/* How a value reads in a message: "text" (cut short), 16, a list. */
static const char *shown(struct val *v, char *buf, size_t n)
{
    if (v->kind == V_LIST)
        return "a list";
    if (v->kind == V_NUMBER)
        return v->str;
    xl_snprintf(buf, n, strlen(v->str) > 40 ? "\"%.40s...\"" : "\"%s\"", v->str);
    return buf;
}

/* ---- the lexer ---- */

static int at_end(struct parser *ps)
{
    return ps->p >= ps->end;
}

static int is_ident(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && ((c >= '0' && c <= '9') || c == '-'));
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Skip blanks and a comment; newlines too if `lines`. */
static void skip_space(struct parser *ps, int lines)
{
    while (!at_end(ps)) {
        char c = *ps->p;

        if (c == ' ' || c == '\t' || c == '\r')
            ps->p++;
        else if (c == '#')
            while (!at_end(ps) && *ps->p != '\n')
                ps->p++;
        else if (c == '\n' && lines) {
            ps->line++;
            ps->p++;
        } else
            break;
    }
}

/* The word at p (for "got ..." in syntax errors). */
static void word_at(struct parser *ps, char *buf, size_t n)
{
    size_t i = 0;

    for (const char *q = ps->p; q < ps->end && i + 1 < n && *q != '\n' && *q != ' ' &&
                                *q != '\t' && *q != ';' && *q != ','; q++)
        buf[i++] = *q;
    buf[i] = 0;
}

static int read_string(struct parser *ps, const char *key)
{
    char quote = *ps->p++;
    size_t n = 0;

    for (;;) {
        char c;

        if (at_end(ps) || *ps->p == '\n')
            return error(ps, ps->line, "%s: string not closed (missing %c)", key, quote);
        c = *ps->p++;
        if (c == quote)
            break;
        if (c == '\\' && !at_end(ps) && *ps->p != '\n') {
            c = *ps->p++;
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
        }
        if (n + 1 >= STR_MAX)
            return error(ps, ps->line, "%s: string too long (at most %u characters)", key,
                         STR_MAX - 1);
        ps->v.str[n++] = c;
    }
    ps->v.str[n] = 0;
    ps->v.kind = V_STRING;
    return 0;
}

/* Digits as a number: decimal, or hex after 0x. 0 or -1 (not a number, or too large). */
static int to_number(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    unsigned int base = 10, digits = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; *s; s++, digits++) {
        unsigned int d;

        if (is_digit(*s))
            d = (unsigned int)(*s - '0');
        else if (base == 16 && ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f'))
            d = (unsigned int)((*s | 0x20) - 'a' + 10);
        else
            return -1;
        if (v > (~0ul - d) / base)
            return -1;
        v = v * base + d;
    }
    if (!digits)
        return -1;
    *out = v;
    return 0;
}

static int read_number(struct parser *ps, const char *key)
{
    size_t n = 0;

    while (!at_end(ps) && (is_ident(*ps->p, 0)) && n + 1 < 32)
        ps->v.str[n++] = *ps->p++;
    ps->v.str[n] = 0;
    if (to_number(ps->v.str, &ps->v.num))
        return error(ps, ps->line, "%s: not a valid number: %s", key, ps->v.str);
    ps->v.kind = V_NUMBER;
    return 0;
}

static int read_value(struct parser *ps, const char *key, int in_list);

/* [ value, value, ... ] over any number of lines; the items are checked, not kept. */
static int read_list(struct parser *ps, const char *key)
{
    unsigned int first_line = ps->line;

    ps->p++;
    for (;;) {
        skip_space(ps, 1);
        if (at_end(ps))
            return error(ps, first_line, "%s: list not closed (missing ])", key);
        if (*ps->p == ']')
            break;
        if (read_value(ps, key, 1))
            return -1;
        skip_space(ps, 1);
        if (!at_end(ps) && *ps->p == ',')
            ps->p++;
        else if (at_end(ps) || *ps->p != ']') {
            char got[32];

            word_at(ps, got, sizeof(got));
            return error(ps, ps->line, "%s: expected , or ] in the list, got %s", key,
                         got[0] ? got : "the end");
        }
    }
    ps->p++;
    ps->v.kind = V_LIST;
    ps->v.str[0] = 0;
    return 0;
}

static int read_value(struct parser *ps, const char *key, int in_list)
{
    char got[32];

    if (!at_end(ps) && (*ps->p == '"' || *ps->p == '\''))
        return read_string(ps, key);
    if (!at_end(ps) && is_digit(*ps->p))
        return read_number(ps, key);
    if (!at_end(ps) && *ps->p == '[' && !in_list)
        return read_list(ps, key);
    word_at(ps, got, sizeof(got));
    if (!got[0])
        return error(ps, ps->line, "%s: no value after =", key);
    return error(ps, ps->line, "%s: expected \"string\", number or [list], got %s", key, got);
}

/* ---- the keys ---- */

enum key_kind { K_STRING, K_NUMBER, K_ACTION, K_TYPE, K_UNSERVED };

struct key {
    const char *name;
    enum key_kind kind;
    size_t off, size;           /* K_STRING: the field; K_NUMBER/K_ACTION: the field */
    unsigned long min, max;     /* K_NUMBER */
};

#define FIELD(f) offsetof(struct xl_cfg, f), sizeof(((struct xl_cfg *)0)->f)

static const struct key keys[] = {
    { "name", K_STRING, FIELD(name), 0, 0 },
    { "kernel", K_STRING, FIELD(kernel), 0, 0 },
    { "ramdisk", K_STRING, FIELD(ramdisk), 0, 0 },
    { "cmdline", K_STRING, FIELD(cmdline), 0, 0 },
    { "memory", K_NUMBER, FIELD(memory_mib), 1, 1ul << 20 },
    { "maxmem", K_NUMBER, FIELD(maxmem_mib), 1, 1ul << 20 },
    { "vcpus", K_NUMBER, FIELD(vcpus), 1, 128 },
    { "maxvcpus", K_NUMBER, FIELD(maxvcpus), 1, 128 },
    { "on_poweroff", K_ACTION, FIELD(on_poweroff), 0, 0 },
    { "on_reboot", K_ACTION, FIELD(on_reboot), 0, 0 },
    { "on_crash", K_ACTION, FIELD(on_crash), 0, 0 },
    { "type", K_TYPE, 0, 0, 0, 0 },
    { "builder", K_TYPE, 0, 0, 0, 0 },
    /* root and extra go to the parser's own buffers (see finish). */
    { "root", K_STRING, 0, 0, 0, 0 },
    { "extra", K_STRING, 0, 0, 0, 0 },
    /* xl knows these; this toolstack does not serve them (yet). */
    { "disk", K_UNSERVED, 0, 0, 0, 0 },
    { "vif", K_UNSERVED, 0, 0, 0, 0 },
    { "uuid", K_UNSERVED, 0, 0, 0, 0 },
    { "cpus", K_UNSERVED, 0, 0, 0, 0 },
    { "cpu_weight", K_UNSERVED, 0, 0, 0, 0 },
    { "cap", K_UNSERVED, 0, 0, 0, 0 },
    { "bootloader", K_UNSERVED, 0, 0, 0, 0 },
    { "on_watchdog", K_UNSERVED, 0, 0, 0, 0 },
    { "vfb", K_UNSERVED, 0, 0, 0, 0 },
    { "pci", K_UNSERVED, 0, 0, 0, 0 },
};

static const char *const action_names[] = {
    [XL_ACTION_DESTROY] = "destroy",
    [XL_ACTION_RESTART] = "restart",
    [XL_ACTION_RENAME_RESTART] = "rename-restart",
    [XL_ACTION_PRESERVE] = "preserve",
    [XL_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [XL_ACTION_COREDUMP_RESTART] = "coredump-restart",
    [XL_ACTION_SOFT_RESET] = "soft-reset",
};

const char *xl_action_name(enum xl_action a)
{
    return (unsigned int)a < ARRAY_SIZE(action_names) ? action_names[a] : "?";
}

static int set_string(struct parser *ps, const struct key *k, char *dst, size_t size)
{
    char buf[64];

    if (ps->v.kind != V_STRING)
        return error(ps, ps->stmt_line, "%s: expected a string, got %s", k->name,
                     shown(&ps->v, buf, sizeof(buf)));
    if (strlen(ps->v.str) >= size)
        return error(ps, ps->stmt_line, "%s: too long (at most %u characters)", k->name,
                     (unsigned int)size - 1);
    memcpy(dst, ps->v.str, strlen(ps->v.str) + 1);
    return 0;
}

static int set_number(struct parser *ps, const struct key *k, void *field)
{
    unsigned long n = 0;
    char buf[64];

    /* A string of digits is a number too (xl reads numbers with strtol). */
    if (ps->v.kind == V_LIST || (ps->v.kind == V_STRING && to_number(ps->v.str, &n)))
        return error(ps, ps->stmt_line, "%s: expected a number, got %s", k->name,
                     shown(&ps->v, buf, sizeof(buf)));
    if (ps->v.kind == V_NUMBER)
        n = ps->v.num;
    if (n < k->min || n > k->max)
        return error(ps, ps->stmt_line, "%s: must be between %lu and %lu, got %lu", k->name,
                     k->min, k->max, n);
    if (k->size == sizeof(unsigned long))
        *(unsigned long *)field = n;
    else
        *(unsigned int *)field = (unsigned int)n;
    return 0;
}

static int set_action(struct parser *ps, const struct key *k, enum xl_action *field)
{
    char buf[64];

    if (ps->v.kind == V_STRING)
        for (unsigned int a = 0; a < ARRAY_SIZE(action_names); a++)
            if (!strcmp(ps->v.str, action_names[a])) {
                *field = (enum xl_action)a;
                return 0;
            }
    return error(ps, ps->stmt_line, "%s: expected destroy, restart, rename-restart, preserve, "
                 "coredump-destroy, coredump-restart or soft-reset, got %s", k->name,
                 shown(&ps->v, buf, sizeof(buf)));
}

static int apply(struct parser *ps, const char *name)
{
    char *base = (char *)ps->cfg;
    char buf[64];

    for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++) {
        const struct key *k = &keys[i];

        if (strcmp(name, k->name))
            continue;
        switch (k->kind) {
        case K_STRING:
            if (!strcmp(name, "root"))
                return set_string(ps, k, ps->root, sizeof(ps->root));
            if (!strcmp(name, "extra"))
                return set_string(ps, k, ps->extra, sizeof(ps->extra));
            if (!strcmp(name, "name"))
                ps->line_name = ps->stmt_line;
            if (!strcmp(name, "kernel"))
                ps->line_kernel = ps->stmt_line;
            if (!strcmp(name, "cmdline"))
                ps->line_cmdline = ps->stmt_line;
            return set_string(ps, k, base + k->off, k->size);
        case K_NUMBER:
            if (!strcmp(name, "maxmem"))
                ps->line_maxmem = ps->stmt_line;
            if (!strcmp(name, "maxvcpus"))
                ps->line_maxvcpus = ps->stmt_line;
            return set_number(ps, k, base + k->off);
        case K_ACTION:
            return set_action(ps, k, (enum xl_action *)(base + k->off));
        case K_TYPE:
            if (ps->v.kind == V_STRING && !strcmp(ps->v.str, "pv"))
                return 0;
            return error(ps, ps->stmt_line, "%s: only \"pv\" guests are supported, got %s", name,
                         shown(&ps->v, buf, sizeof(buf)));
        case K_UNSERVED:
            warning(ps, ps->stmt_line, "%s: not supported by this toolstack, ignored", name);
            return 0;
        }
    }
    warning(ps, ps->stmt_line, "%s: unknown key, ignored", name);
    return 0;
}

/* ---- statements ---- */

static int statement(struct parser *ps)
{
    char name[32], got[32];
    size_t n = 0;

    ps->stmt_line = ps->line;
    if (!is_ident(*ps->p, 1)) {
        word_at(ps, got, sizeof(got));
        return error(ps, ps->line, "expected a key, got %s", got);
    }
    while (!at_end(ps) && is_ident(*ps->p, 0)) {
        if (n + 1 >= sizeof(name))
            return error(ps, ps->line, "key too long");
        name[n++] = *ps->p++;
    }
    name[n] = 0;
    skip_space(ps, 0);
    if (at_end(ps) || *ps->p != '=') {
        word_at(ps, got, sizeof(got));
        return error(ps, ps->line, "%s: expected = after the key, got %s", name,
                     got[0] ? got : "the end of the line");
    }
    ps->p++;
    skip_space(ps, 0);
    if (read_value(ps, name, 0))
        return -1;
    skip_space(ps, 0);
    if (!at_end(ps) && *ps->p != '\n' && *ps->p != ';') {
        word_at(ps, got, sizeof(got));
        return error(ps, ps->line, "%s: unexpected %s after the value", name, got);
    }
    return apply(ps, name);
}

/* Defaults and the checks that need the whole file. */
static int finish(struct parser *ps)
{
    struct xl_cfg *c = ps->cfg;

    if (!c->name[0])
        return error(ps, ps->line_name, "name: missing (every domain needs a name)");
    if (to_number(c->name, &(unsigned long){ 0 }) == 0)
        return error(ps, ps->line_name, "name: a number cannot be a domain name, got \"%s\"",
                     c->name);
    if (!c->kernel[0])
        return error(ps, ps->line_kernel, "kernel: missing (a PV guest boots a kernel image)");
    if (!c->maxmem_mib)
        c->maxmem_mib = c->memory_mib;
    else if (c->maxmem_mib < c->memory_mib)
        return error(ps, ps->line_maxmem, "maxmem: below memory (%lu < %lu)", c->maxmem_mib,
                     c->memory_mib);
    if (!c->maxvcpus)
        c->maxvcpus = c->vcpus;
    else if (c->maxvcpus < c->vcpus)
        return error(ps, ps->line_maxvcpus, "maxvcpus: below vcpus (%u < %u)", c->maxvcpus,
                     c->vcpus);
    if (ps->line_cmdline) {
        if (ps->root[0] || ps->extra[0])
            warning(ps, ps->line_cmdline, "cmdline: set, so root and extra are ignored");
    } else if (ps->root[0]) {
        if ((size_t)xl_snprintf(c->cmdline, sizeof(c->cmdline), "root=%s%s%s", ps->root,
                                ps->extra[0] ? " " : "", ps->extra) >= sizeof(c->cmdline))
            return error(ps, 0, "extra: root and extra together too long (at most %u)",
                         (unsigned int)sizeof(c->cmdline) - 1);
    } else {
        memcpy(c->cmdline, ps->extra, sizeof(ps->extra));
    }
    return 0;
}

int xl_cfg_parse(const char *text, size_t len, const char *source, struct xl_cfg *cfg,
                 char err[XL_CFG_MSG_MAX], xl_cfg_warn_fn warn, void *ctx)
{
    static struct parser ps;    /* large (two command lines): not on a small stack */

    memset(&ps, 0, sizeof(ps));
    memset(cfg, 0, sizeof(*cfg));
    cfg->memory_mib = 32;
    cfg->vcpus = 1;
    cfg->on_poweroff = XL_ACTION_DESTROY;
    cfg->on_reboot = XL_ACTION_RESTART;
    cfg->on_crash = XL_ACTION_DESTROY;
    ps.p = text;
    ps.end = text + len;
    ps.source = source;
    ps.line = 1;
    ps.cfg = cfg;
    ps.err = err;
    ps.warn = warn;
    ps.ctx = ctx;
    err[0] = 0;
    for (;;) {
        skip_space(&ps, 0);
        if (at_end(&ps))
            break;
        if (*ps.p == '\n') {
            ps.line++;
            ps.p++;
            continue;
        }
        if (*ps.p == ';') {
            ps.p++;
            continue;
        }
        if (*ps.p == 0)
            return error(&ps, ps.line, "a NUL byte: not a text file");
        if (statement(&ps))
            return -1;
    }
    return finish(&ps);
}
