/*
 * Domain 0's toolstack: runs xl.script from the initrd if there is one
 * (its `exit` powers off), then the shell on the console.
 */
#include <os/os.h>
#include "xl.h"

void os_main(void)
{
    xl_domains_init();
    xl_input_init();
    xl_run_script();
    xl_shell();
}
