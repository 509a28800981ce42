/*
 * xl's option reading (def_getopt, glibc's getopt_long with opterr off) for
 * commands whose options take no argument: options anywhere among the
 * arguments (glibc permutes them) until "--"; clusters of short ones
 * ("-fi"); long ones by name or by a prefix of one name ("--ign"); "-" alone
 * is an argument. -h and --help ask for the command's help.
 */
#ifndef XL_GETOPT_H
#define XL_GETOPT_H

/* A long option and the short one it stands for. */
struct xl_longopt {
    const char *name;
    char letter;
};

#define XL_GETOPT_HELP  (-1)    /* -h or --help: print the help (exit 0 in xl) */
#define XL_GETOPT_BAD   (-2)    /* "option `<c>' not supported." (exit 2 in xl) */

/*
 * Read argv[1..argc): each option seen sets bit i of *seen, i its letter's
 * place in `letters`; the other arguments go to args in order, *nargs of
 * them (args holds argc). longs ends with a NULL name. 0, XL_GETOPT_HELP
 * (checked before anything after it), or XL_GETOPT_BAD with *bad the
 * unknown letter (0 for a long option that names none, or names several,
 * or is given a value).
 */
int xl_getopt(int argc, char **argv, const char *letters, const struct xl_longopt *longs,
              unsigned int *seen, char **args, int *nargs, char *bad);

#endif /* XL_GETOPT_H */
