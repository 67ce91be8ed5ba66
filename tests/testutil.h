/* Shared helpers for the cmocka test programs. */
#ifndef ENVDOCTOR_TESTUTIL_H
#define ENVDOCTOR_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* assert_string_equal with lengths, for strings that may hold NUL. */
#define assert_mem_str(ptr, len, expected)                                                   \
    do {                                                                                     \
        assert_int_equal((len), strlen(expected));                                           \
        assert_memory_equal((ptr), (expected), (len));                                       \
    } while (0)

#endif
