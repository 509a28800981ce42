/*
 * Two tables of the same ABI facts (abi_facts.def): one evaluated against
 * Xenolith's headers, one against Xen's.  Kept in separate translation
 * units because both header sets use the same file and type names.
 */
#ifndef TESTS_ABI_ABI_FACTS_H
#define TESTS_ABI_ABI_FACTS_H

#include <stddef.h>

struct abi_row {
    const char *name;
    unsigned long long value;
};

extern const struct abi_row abi_facts_ours[];
extern const size_t abi_facts_ours_count;
extern const struct abi_row abi_facts_xen[];
extern const size_t abi_facts_xen_count;

/* Expand abi_facts.def into rows of struct abi_row. */
#define FACT_SIZE(t)        { "sizeof(" #t ")", sizeof(t) },
#define FACT_OFF(t, f)      { "offsetof(" #t ", " #f ")", offsetof(t, f) },
#define FACT_VAL(c)         { #c, (unsigned long long)(c) },

#endif /* TESTS_ABI_ABI_FACTS_H */
