/*
 * The shell: a command table with xl's command names, a line split into
 * words, and the interactive loop behind the prompt.
 */
#include <os/sched.h>
#include <xl/string.h>
#include "xl.h"

static int cmd_help(int argc, char **argv);
static int cmd_exit(int argc, char **argv);

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
} commands[] = {
    { "create", xl_cmd_create, "create <cfg>          create a domain from a config file" },
    { "list", xl_cmd_list, "list [dom...]         list domains" },
    { "destroy", xl_cmd_destroy, "destroy <dom>         terminate a domain at once" },
    { "shutdown", xl_cmd_shutdown, "shutdown <dom>        shut a domain down (poweroff)" },
    { "pause", xl_cmd_pause, "pause <dom>           pause a domain" },
    { "unpause", xl_cmd_unpause, "unpause <dom>         unpause a domain" },
    { "vcpu-list", xl_cmd_vcpu_list, "vcpu-list [dom]       list the vCPUs of domains" },
    { "vcpu-pin", xl_cmd_vcpu_pin,
      "vcpu-pin [-f] [-i] <dom> <vcpu|all> <hard> [soft]  set vCPUs' CPU affinity (CPU lists, - to keep)" },
    { "sched-credit", xl_cmd_sched_credit,
      "sched-credit [-d <dom> [-w <weight>] [-c <cap>]] [-s [-t <ms>] [-r <us>] [-m <us>]]  credit scheduler parameters" },
    { "info", xl_cmd_info, "info                  information about the host" },
    { "dmesg", xl_cmd_dmesg, "dmesg [-c]            the hypervisor's console ring (-c: clear it)" },
    { "help", cmd_help, "help                  this list" },
    { "exit", cmd_exit, "exit                  power Domain 0 off (stops the machine)" },
};

static int cmd_help(int argc, char **argv)
{
    os_printf("Usage: <command> [args], where <dom> is a domain name or id:\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(commands); i++)
        os_printf(" %s\n", commands[i].usage);
    return 0;
}

static int cmd_exit(int argc, char **argv)
{
    os_printf("xl: powering Domain 0 off\n");
    os_poweroff();
}

static int split(char *line, char **argv)
{
    int argc = 0;

    for (char *p = line; *p && argc < XL_MAX_ARGS;) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    return argc;
}

int xl_run_command(char *line)
{
    char *argv[XL_MAX_ARGS + 1] = { 0 };
    int argc = split(line, argv);

    if (!argc || argv[0][0] == '#')
        return 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(commands); i++)
        if (!strcmp(argv[0], commands[i].name))
            return commands[i].fn(argc, argv);
    os_printf("xl: command not implemented: %s (try help)\n", argv[0]);
    return 1;
}

void xl_shell(void)
{
    static char line[256];

    os_printf("xl: the Domain 0 shell; type help for the commands\n");
    for (;;) {
        xl_readline(line, sizeof(line));
        xl_run_command(line);
    }
}
