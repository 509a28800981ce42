#include "lifecycle.h"

void lc_bench(void)
{
}
