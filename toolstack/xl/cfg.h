/*
 * xl.cfg: a domain's configuration in xl's syntax, parsed without
 * allocation (pure; host-tested in tests/unit/test_xl_cfg.c).
 *
 *   # a comment
 *   name    = "web"              string: "..." or '...' (\\ \" \' \n \t)
 *   memory  = 16                 number: decimal or 0x hex (a numeric string too, as xl)
 *   extra   = "console=hvc0"
 *   disk    = [ "a", "b", ]      list of strings/numbers, may span lines
 * Settings end at a newline or ';'. A later setting of a key wins.
 *
 * Keys used: name, kernel, ramdisk, memory (MiB), maxmem, vcpus, maxvcpus,
 * cmdline, extra, root (cmdline, else "root=<root> <extra>", as xl builds
 * it), on_poweroff, on_reboot, on_crash, type ("pv"). Keys xl knows that
 * this toolstack does not serve (disk, vif, ...) and unknown keys are
 * warnings; anything else wrong is one error line:
 *   xl: guest.cfg:3: memory: expected a number, got "lots"
 */
#ifndef XL_CFG_H
#define XL_CFG_H

#include <stddef.h>
#include <stdint.h>

#define XL_CFG_NAME_MAX   64
#define XL_CFG_PATH_MAX   128
#define XL_CFG_CMDLINE_MAX 1024         /* start_info.cmd_line's size */
#define XL_CFG_MSG_MAX    160

/* What the guest's shutdown leads to (xl.cfg's on_poweroff & co). */
enum xl_action {
    XL_ACTION_DESTROY,
    XL_ACTION_RESTART,
    XL_ACTION_RENAME_RESTART,
    XL_ACTION_PRESERVE,
    XL_ACTION_COREDUMP_DESTROY,
    XL_ACTION_COREDUMP_RESTART,
    XL_ACTION_SOFT_RESET,
};

struct xl_cfg {
    char name[XL_CFG_NAME_MAX];
    char kernel[XL_CFG_PATH_MAX];
    char ramdisk[XL_CFG_PATH_MAX];      /* "" when none */
    char cmdline[XL_CFG_CMDLINE_MAX];
    unsigned long memory_mib;           /* default 32, as libxl's */
    unsigned long maxmem_mib;           /* default memory */
    unsigned int vcpus;                 /* default 1 */
    unsigned int maxvcpus;              /* default vcpus */
    enum xl_action on_poweroff, on_reboot, on_crash;
};

/* Called once per warning with one line (no newline). */
typedef void (*xl_cfg_warn_fn)(const char *line, void *ctx);

/*
 * Parse len bytes of text (source names the file in messages) into *cfg.
 * 0, or -1 with the error's one line (no newline) in err.
 */
int xl_cfg_parse(const char *text, size_t len, const char *source, struct xl_cfg *cfg,
                 char err[XL_CFG_MSG_MAX], xl_cfg_warn_fn warn, void *ctx);

/* The action's name in xl.cfg ("destroy", ...). */
const char *xl_action_name(enum xl_action a);

#endif /* XL_CFG_H */
