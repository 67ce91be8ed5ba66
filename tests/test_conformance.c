/* BuildKit's own parser test data: our dump must equal `result` byte for
 * byte, the negative cases must give ED001, the line case its ranges. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>

#include "conformance.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/engine.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    *len = fread(data, 1, (size_t)n, f);
    data[*len] = '\0';
    fclose(f);
    return data;
}

static void test_positive_case(void **state)
{
    const char *dir = *state;
    char path[1024];
    size_t len, rlen;
    snprintf(path, sizeof path, "%s/Dockerfile", dir);
    char *data = read_file(path, &len);
    snprintf(path, sizeof path, "%s/result", dir);
    char *expected = read_file(path, &rlen);
    assert_non_null(data);
    assert_non_null(expected);
    ed_arena *arena = ed_arena_new();
    ed_source src;
    ed_source_init(&src, arena, "Dockerfile", data, len);
    df_file *file = df_parse(&src, arena);
    assert_int_equal(file->nerrors, 0);
    assert_string_equal(df_dump(file, arena), expected);
    ed_arena_free(arena);
    free(data);
    free(expected);
}

static void test_negative_case(void **state)
{
    const char *dir = *state;
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/Dockerfile", dir);
    char *data = read_file(path, &len);
    assert_non_null(data);
    ed_arena *arena = ed_arena_new();
    ed_source src;
    ed_source_init(&src, arena, "Dockerfile", data, len);
    ed_file_result result;
    ed_lint_dockerfile(arena, &src, NULL, &result);
    size_t syntax_errors = 0;
    for (size_t i = 0; i < result.nfindings; i++)
        syntax_errors += strcmp(result.findings[i].rule->id, "ED001") == 0;
    assert_true(syntax_errors >= 1);
    ed_arena_free(arena);
    free(data);
}

static void test_line_ranges(void **state)
{
    const char *base = *state;
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/testfile-line/Dockerfile", base);
    char *data = read_file(path, &len);
    assert_non_null(data);
    ed_arena *arena = ed_arena_new();
    ed_source src;
    ed_source_init(&src, arena, "Dockerfile", data, len);
    df_file *file = df_parse(&src, arena);
    assert_int_equal(file->ninstrs, 3);
    const unsigned expected[3][2] = {{5, 5}, {11, 12}, {17, 31}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(file->instrs[i].start_line, expected[i][0]);
        assert_int_equal(file->instrs[i].end_line, expected[i][1]);
    }
    ed_arena_free(arena);
    free(data);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct CMUnitTest *)a)->name, ((const struct CMUnitTest *)b)->name);
}

/* One test per case directory below base/sub. */
static size_t add_cases(struct CMUnitTest *tests, size_t n, const char *base, const char *sub,
                        CMUnitTestFunction fn)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", base, sub);
    DIR *d = opendir(path);
    if (!d)
        return n;
    struct dirent *e;
    while ((e = readdir(d)) && n < 255) {
        if (e->d_name[0] == '.')
            continue;
        size_t size = strlen(path) + strlen(e->d_name) + 2;
        char *dir = malloc(size);
        snprintf(dir, size, "%s/%s", path, e->d_name);
        size_t nsize = strlen(sub) + strlen(e->d_name) + 2;
        char *name = malloc(nsize);
        snprintf(name, nsize, "%s/%s", sub, e->d_name);
        tests[n++] = (struct CMUnitTest){name, fn, NULL, NULL, dir};
    }
    closedir(d);
    return n;
}

int main(void)
{
    const char *base = conformance_dir();
    if (!base) {
        printf("SKIPPED: BuildKit conformance data not found (../shared/conformance/buildkit; "
               "set ED_CONFORMANCE_DIR)\n");
        return 0;
    }
    static struct CMUnitTest tests[256];
    size_t n = add_cases(tests, 0, base, "testfiles", test_positive_case);
    size_t positives = n;
    n = add_cases(tests, n, base, "testfiles-negative", test_negative_case);
    qsort(tests, n, sizeof *tests, by_name);
    tests[n++] = (struct CMUnitTest){"testfile-line", test_line_ranges, NULL, NULL, (void *)base};
    printf("BuildKit conformance: %zu positive, %zu negative cases from %s\n", positives,
           n - 1 - positives, base);
    int failed = _cmocka_run_group_tests("buildkit conformance", tests, n, NULL, NULL);
    for (size_t i = 0; i + 1 < n; i++) {
        free((void *)tests[i].name);
        free(tests[i].initial_state);
    }
    return failed;
}
