/* The string hash map (strmap.h): lookups, duplicates, growth. */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/strmap.h"

static void test_add_and_get(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    ed_strmap map = ED_STRMAP_INIT;
    void *v = NULL;
    assert_false(ed_strmap_get(&map, "a", &v));
    int one = 1, two = 2;
    assert_true(ed_strmap_add(a, &map, "a", &one));
    assert_true(ed_strmap_add(a, &map, "", NULL));
    assert_false(ed_strmap_add(a, &map, "a", &two)); /* kept: the first value */
    assert_true(ed_strmap_get(&map, "a", &v));
    assert_ptr_equal(v, &one);
    v = &two;
    assert_true(ed_strmap_get(&map, "", &v)); /* present with a NULL value */
    assert_null(v);
    assert_true(ed_strmap_get(&map, "a", NULL));
    assert_false(ed_strmap_get(&map, "b", NULL));
    ed_arena_free(a);
}

static void test_many_keys(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    ed_strmap map = ED_STRMAP_INIT;
    enum { N = 5000 };
    for (int i = 0; i < N; i++) {
        char key[32];
        snprintf(key, sizeof key, "/repo/r%04d/Dockerfile", i);
        assert_true(ed_strmap_add(a, &map, ed_arena_strdup(a, key), (void *)(size_t)(i + 1)));
    }
    assert_int_equal(map.n, N);
    for (int i = 0; i < N; i++) {
        char key[32];
        snprintf(key, sizeof key, "/repo/r%04d/Dockerfile", i);
        void *v;
        assert_true(ed_strmap_get(&map, key, &v));
        assert_int_equal((size_t)v, (size_t)(i + 1));
        assert_false(ed_strmap_add(a, &map, key, NULL));
    }
    assert_false(ed_strmap_get(&map, "/repo/r5000/Dockerfile", NULL));
    ed_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_get),
        cmocka_unit_test(test_many_keys),
    };
    return cmocka_run_group_tests_name("strmap", tests, NULL, NULL);
}
