/*
 * CASE lines (os/cases.h): one format for every test guest.
 */
#include <stdarg.h>
#include <xl/format.h>
#include <os/cases.h>
#include <os/console.h>

unsigned int t_failures;

static const char *const names[] = { "PASS", "FAIL", "SKIP" };

static void vcase(const char *id, const char *desc, enum t_result res,
                  const char *detail, va_list ap)
{
    char extra[256] = "";

    /*
     * Details only for FAIL and SKIP: PASS lines must read the same on
     * every hypervisor (the cross-check compares them), and details hold
     * timings and values that legitimately vary.
     */
    if (detail && res != T_PASS) {
        extra[0] = ' ';
        xl_vsnprintf(extra + 1, sizeof(extra) - 1, detail, ap);
    }
    if (res == T_FAIL)
        t_failures++;
    os_printf("CASE %s %s: %s%s\n", id, desc, names[res], extra);
}

/* Print one CASE line. */
void t_case(const char *id, const char *desc, enum t_result res,
            const char *detail, ...)
{
    va_list ap;

    va_start(ap, detail);
    vcase(id, desc, res, detail, ap);
    va_end(ap);
}

/* Compare a hypercall result with the expected one. */
int t_rc(const char *id, const char *desc, long got, long want)
{
    if (got == want) {
        t_case(id, desc, T_PASS, NULL);
        return 1;
    }
    t_case(id, desc, T_FAIL, "(rc=%ld want=%ld)", got, want);
    return 0;
}

/* Report a boolean check. */
int t_check(const char *id, const char *desc, int cond, const char *detail, ...)
{
    va_list ap;

    va_start(ap, detail);
    vcase(id, desc, cond ? T_PASS : T_FAIL, detail, ap);
    va_end(ap);
    return cond;
}
