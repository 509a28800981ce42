/*
 * xl: the Domain 0 toolstack's shell, on os/ and toolstack/xc.
 *
 * Dom0 boots with an initrd (a newc cpio) holding xl.cfg files, the kernels
 * and ramdisks they name and, for tests, a script of commands (xl.script).
 * It runs the script, or reads commands from the console (CONSOLEIO_read on
 * VIRQ_CONSOLE) after a prompt. Commands have xl's names and output shapes
 * (docs/toolstack.md). Each DomU's console ring is read by Dom0's console
 * back end and printed line by line, prefixed with the domain's name.
 *
 * One concept per file: loop.c (events and waiting), input.c (console
 * lines), initrd.c, domains.c (the domains we created, shutdown actions),
 * consback.c, script.c, shell.c (the command table), cmd_*.c (commands).
 */
#ifndef XL_XL_H
#define XL_XL_H

#include <stdint.h>
#include <os/console.h>
#include <xc/xc.h>
#include "cfg.h"
#include "cpio.h"

#define XL_PROMPT "xl> "

/* ---- loop.c: what happened since the last look (set from event handlers) ---- */
#define XL_EV_INPUT    1u       /* VIRQ_CONSOLE: serial input for us */
#define XL_EV_DOM_EXC  2u       /* VIRQ_DOM_EXC: a domain shut down or died */
#define XL_EV_CONSOLE  4u       /* a DomU's console ring has output */
void xl_event(unsigned int what);
/* The events since the last call (cleared), without waiting. */
unsigned int xl_take_events(void);
/* Block until some event is pending. */
void xl_wait(void);
/* Deal with pending guest events: console output, shutdowns. Returns the input flag. */
unsigned int xl_poll(void);

/* ---- input.c ---- */
void xl_input_init(void);
/* A line typed at the console (echoed as typed), without its newline. */
void xl_readline(char *buf, unsigned int size);
/*
 * Output that is not the command's own (guest console lines, shutdown news)
 * goes between these two: if the prompt is on screen, it moves to a new line
 * first and the prompt and what was typed so far come back after.
 */
void xl_output_begin(void);
void xl_output_end(void);

/* ---- initrd.c ---- */
/* The regular file called name in Dom0's initrd: 1, or 0 when absent (or no initrd). */
int xl_initrd_find(const char *name, struct cpio_file *f);

/* ---- domains.c ---- */
#define XL_MAX_DOMAINS 32

struct xl_domain {
    int used;
    uint32_t domid;
    char name[XL_CFG_NAME_MAX];
    char cfg_file[XL_CFG_PATH_MAX];     /* to restart it */
    enum xl_action on_poweroff, on_reboot, on_crash;
    int shutdown_seen;                  /* its shutdown has been acted on */
};

void xl_domains_init(void);
struct xl_domain *xl_domain_add(uint32_t domid, const char *name);
struct xl_domain *xl_domain_by_id(uint32_t domid);
struct xl_domain *xl_domain_by_name(const char *name);
void xl_domain_forget(struct xl_domain *d);
/* The name list shows for domid: ours, "Domain-0", or "(null)" as xl without one. */
const char *xl_domain_name(uint32_t domid);
/*
 * Resolve a command's domain argument as xl does: digits are an id (which
 * may not exist), anything else a name. 0 and *domid, or -1 with xl's
 * message printed ("<arg> is an invalid domain identifier (rc=-6)").
 */
int xl_domain_arg(const char *arg, uint32_t *domid);
/* Look at every domain of ours that shut down and do what its config says. */
void xl_domains_check_shutdown(void);
/* Destroy domid (its console back end first): 0 or the error, printed as xl does. */
long xl_domain_destroy(uint32_t domid);

/* ---- consback.c: DomU console rings ---- */
void xl_consback_connect(uint32_t domid, const char *name, uint64_t mfn, uint32_t port);
void xl_consback_disconnect(uint32_t domid);
/* Print every complete line the guests wrote. */
void xl_consback_drain(void);

/* ---- shell.c ---- */
/* Run one command line; the command's status (0 = success). */
int xl_run_command(char *line);
/* The interactive shell (never returns). */
void xl_shell(void) __attribute__((noreturn));

/* ---- script.c ---- */
/* Run xl.script from the initrd if there is one: 1 if it ran, 0 if there is none. */
int xl_run_script(void);

/* ---- commands (cmd_*.c): argc/argv as split by the shell ---- */
int xl_cmd_list(int argc, char **argv);
int xl_cmd_create(int argc, char **argv);
int xl_cmd_destroy(int argc, char **argv);
int xl_cmd_pause(int argc, char **argv);
int xl_cmd_unpause(int argc, char **argv);
int xl_cmd_shutdown(int argc, char **argv);
/* The most words a shell line is split into (the command's argv). */
#define XL_MAX_ARGS 16

int xl_cmd_info(int argc, char **argv);
int xl_cmd_sched_credit(int argc, char **argv);
int xl_cmd_vcpu_pin(int argc, char **argv);
int xl_cmd_vcpu_list(int argc, char **argv);
int xl_cmd_dmesg(int argc, char **argv);
/* create's work, also for restarts: 0 or -1 (the reason printed). */
int xl_create_from(const char *cfg_file);

#endif /* XL_XL_H */
