/*
 * create <cfg>: parse the config (from the initrd), find the kernel and
 * ramdisk it names there, build the domain with xc_dom_build, remember its
 * name and shutdown actions, and connect its console to our back end.
 * As xl, "Parsing config from <cfg>" comes first; a bad config is one line.
 */
#include <xl/string.h>
#include "xl.h"

#define MAX_MEMORY_MIB 256              /* xc_dom_build's P2M is static */

static struct xl_cfg cfg;
static struct xc_dom_image dom;

static void warn(const char *line, void *ctx)
{
    os_printf("%s\n", line);
}

int xl_create_from(const char *file)
{
    struct cpio_file f, kernel, ramdisk = { 0 };
    char err[XL_CFG_MSG_MAX];
    struct xl_domain *d;
    long rc;

    os_printf("Parsing config from %s\n", file);
    if (!xl_initrd_find(file, &f)) {
        os_printf("xl: %s: no such file in Domain 0's initrd\n", file);
        return -1;
    }
    if (xl_cfg_parse(f.data, f.size, file, &cfg, err, warn, NULL)) {
        os_printf("%s\n", err);
        return -1;
    }
    if ((d = xl_domain_by_name(cfg.name))) {
        os_printf("xl: %s: name: a domain called \"%s\" already exists (id %u)\n", file,
                  cfg.name, d->domid);
        return -1;
    }
    if (cfg.memory_mib > MAX_MEMORY_MIB) {
        os_printf("xl: %s: memory: at most %u MiB with this toolstack, got %lu\n", file,
                  MAX_MEMORY_MIB, cfg.memory_mib);
        return -1;
    }
    if (!xl_initrd_find(cfg.kernel, &kernel)) {
        os_printf("xl: %s: kernel: \"%s\" is not in Domain 0's initrd\n", file, cfg.kernel);
        return -1;
    }
    if (cfg.ramdisk[0] && !xl_initrd_find(cfg.ramdisk, &ramdisk)) {
        os_printf("xl: %s: ramdisk: \"%s\" is not in Domain 0's initrd\n", file, cfg.ramdisk);
        return -1;
    }
    dom = (struct xc_dom_image){
        .kernel = kernel.data, .kernel_len = kernel.size,
        .ramdisk = ramdisk.data, .ramdisk_len = ramdisk.size,
        .cmdline = cfg.cmdline, .nr_pages = cfg.memory_mib * 256, .max_vcpus = cfg.maxvcpus,
    };
    if ((rc = xc_dom_build(&dom))) {
        os_printf("xl: %s: building domain \"%s\" failed: %s\n", file, cfg.name, dom.reason);
        return -1;
    }
    if (!(d = xl_domain_add(dom.domid, cfg.name))) {
        os_printf("xl: too many domains: destroying %u again\n", dom.domid);
        xc_domain_destroy(dom.domid);
        return -1;
    }
    memcpy(d->cfg_file, file, strnlen(file, sizeof(d->cfg_file) - 1));
    d->on_poweroff = cfg.on_poweroff;
    d->on_reboot = cfg.on_reboot;
    d->on_crash = cfg.on_crash;
    xl_consback_connect(dom.domid, cfg.name, dom.console_mfn, dom.console_evtchn);
    return 0;
}

int xl_cmd_create(int argc, char **argv)
{
    if (argc != 2) {
        os_printf("'xl create' requires exactly 1 argument: the config file.\n");
        return 1;
    }
    return xl_create_from(argv[1]) ? 1 : 0;
}
