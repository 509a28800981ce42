/*
 * Cross-check: every fact in abi_facts.def must have the same value when
 * computed from Xenolith's headers and from Xen 4.17's public headers
 * (Debian's libxen-dev, unpacked under build/ by `make abi-xenref`).
 * Unlike test_abi.c this needs no hand-written expected values: the
 * compiler reads Xen's own headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abi_facts.h"

/* Both tables come from one .def file; a length or name skew is a build bug. */
static void test_tables_line_up(void **state)
{
    (void)state;
    assert_int_equal(abi_facts_ours_count, abi_facts_xen_count);
    for (size_t i = 0; i < abi_facts_ours_count; i++)
        assert_string_equal(abi_facts_ours[i].name, abi_facts_xen[i].name);
}

static void test_values_match_xen(void **state)
{
    size_t bad = 0;

    (void)state;
    assert_true(abi_facts_ours_count > 0);
    for (size_t i = 0; i < abi_facts_ours_count; i++) {
        const struct abi_row *o = &abi_facts_ours[i], *x = &abi_facts_xen[i];

        if (o->value != x->value) {
            print_error("%s: ours %llu (0x%llx), Xen 4.17 %llu (0x%llx)\n", o->name,
                        o->value, o->value, x->value, x->value);
            bad++;
        }
    }
    if (bad)
        fail_msg("%zu of %zu facts differ from Xen 4.17", bad, abi_facts_ours_count);
    print_message("%zu facts identical to Xen 4.17\n", abi_facts_ours_count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_line_up),
        cmocka_unit_test(test_values_match_xen),
    };

    return cmocka_run_group_tests_name("abi-vs-xen-4.17", tests, NULL, NULL);
}
