/* xl's option reading (getopt.h). */
#include <xl/string.h>
#include "getopt.h"

static const struct xl_longopt help_option = { "help", 'h' };

/*
 * The letter a long option names: its name or a prefix of just one name
 * (ours or "help"; an exact name wins). 0: none or several; -1: a value
 * was given ("--force=1"), *bad the letter.
 */
static int long_letter(const char *arg, const struct xl_longopt *longs, char *bad)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct xl_longopt *l = longs, *found = NULL;
    int matches = 0;

    for (;; l++) {
        const struct xl_longopt *o = l->name ? l : &help_option;

        if (!strncmp(o->name, arg, len) && !o->name[len]) {
            found = o;
            matches = 1;
            break;
        }
        if (!strncmp(o->name, arg, len)) {
            found = o;
            matches++;
        }
        if (!l->name)
            break;
    }
    if (matches != 1)
        return 0;
    if (eq) {
        *bad = found->letter;
        return -1;
    }
    return found->letter;
}

/* One option letter: 0 (bit set), or the XL_GETOPT_ answer. */
static int take(char c, const char *letters, unsigned int *seen, char *bad)
{
    const char *at = c ? strchr(letters, c) : NULL;

    if (c == 'h')
        return XL_GETOPT_HELP;
    if (!at) {
        *bad = c;
        return XL_GETOPT_BAD;
    }
    *seen |= 1u << (at - letters);
    return 0;
}

/* See getopt.h. */
int xl_getopt(int argc, char **argv, const char *letters, const struct xl_longopt *longs,
              unsigned int *seen, char **args, int *nargs, char *bad)
{
    int rc = 0, a = 1;

    *seen = 0;
    *nargs = 0;
    *bad = 0;
    for (; a < argc && !rc; a++) {
        const char *arg = argv[a];

        if (!strcmp(arg, "--")) {
            a++;
            break;
        }
        if (arg[0] != '-' || !arg[1]) {
            args[(*nargs)++] = argv[a];
        } else if (arg[1] == '-') {
            int letter = long_letter(arg + 2, longs, bad);

            rc = letter < 0 ? XL_GETOPT_BAD : take((char)letter, letters, seen, bad);
        } else {
            for (const char *c = arg + 1; *c && !rc; c++)
                rc = take(*c, letters, seen, bad);
        }
    }
    for (; a < argc && !rc; a++)
        args[(*nargs)++] = argv[a];
    return rc;
}
