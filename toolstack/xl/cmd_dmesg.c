/*
 * dmesg [-c]: the hypervisor's console ring, as xl dmesg prints it: read with
 * XEN_SYSCTL_readconsole in incremental steps from the oldest byte held
 * until a read brings nothing, each piece written out as it came; -c clears
 * the ring (each read clears what it returned).
 */
#include <xl/string.h>
#include "xl.h"

#define CHUNK 16384

int xl_cmd_dmesg(int argc, char **argv)
{
    static char buf[CHUNK];
    uint32_t index = 0, count;
    int clear = 0;
    long rc;

    if (argc == 2 && !strcmp(argv[1], "-c"))
        clear = 1;
    else if (argc != 1) {
        os_printf("Usage: dmesg [-c]\n");
        return 1;
    }
    for (;;) {
        count = CHUNK;
        if ((rc = xc_readconsolering(buf, &count, clear, 1, &index))) {
            os_printf("xl: dmesg: XEN_SYSCTL_readconsole failed (%ld)\n", rc);
            return 1;
        }
        if (!count || count > CHUNK)
            break;
        os_console_write(buf, count);
    }
    return 0;
}
