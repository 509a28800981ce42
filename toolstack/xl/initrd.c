/*
 * Dom0's initrd: a newc cpio the launcher packs with the configs, the
 * images they name and the script. The builder maps it for us
 * (start_info.mod_start is its address in our region, mod_len its size).
 */
#include <os/os.h>
#include "xl.h"

int xl_initrd_find(const char *name, struct cpio_file *f)
{
    const start_info_t *si = os_start_info;
    int rc;

    if (!si->mod_start || !si->mod_len)
        return 0;
    rc = cpio_find((const void *)si->mod_start, si->mod_len, name, f);
    if (rc < 0) {
        os_printf("xl: the initrd is not a valid newc cpio archive\n");
        return 0;
    }
    return rc;
}
