"""Log-dirty tracking (shadow paging): guests/logdirty turns it on for itself
through Xenolith's domctl, dirties a known set of pages and reads the bitmap
back; within its arena the bitmap must be exactly that set. Xenolith only:
the control sub-operations are Xenolith's own (include/xen/domctl.h)."""
from sysrun import describe, guest_path, serial_log


def test_log_dirty_bitmap_is_exact(boot):
    result = boot("xenolith", guest_path("logdirty"))
    cases = serial_log.cases(result.output)
    failed = [c for c in cases if c.status != "PASS"]
    assert cases, "logdirty ran no CASE\n" + describe(result)
    assert not failed, "log-dirty cases failing:\n  " + "\n  ".join(map(str, failed)) + \
        "\n" + describe(result, tail=20)
    assert serial_log.test_result(result.output) == "SUCCESS", describe(result)
    assert result.code == 0, describe(result)
