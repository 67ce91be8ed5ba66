/* Every input a fuzzer once failed on (the files in
 * tests/fuzz/regressions/<target>/, docs/robustness.md) runs again through
 * the same fuzz target body, built here without clang or libFuzzer, plus a
 * few fixed inputs so that each target body runs even when it has no
 * regression yet. A crash, a leak (under `make asan` or `make valgrind`), a
 * read of standard input or a broken invariant fails. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>

#include "fuzz/fuzz_apptainer.c"
#include "fuzz/fuzz_compose.c"
#include "fuzz/fuzz_config.c"
#include "fuzz/fuzz_dockerfile.c"
#include "fuzz/fuzz_fix.c"
#include "fuzz/fuzz_ignore.c"
#include "fuzz/fuzz_lint.c"
#include "fuzz/fuzz_shell.c"

#define REGRESSIONS "tests/fuzz/regressions"

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void run_text(fuzz_fn fn, const char *text)
{
    assert_int_equal(fn((const uint8_t *)text, strlen(text)), 0);
}

/* Runs every file of tests/fuzz/regressions/<target>/ (read before the
 * target changes directory); returns how many. */
static size_t run_regressions(const char *target, fuzz_fn fn)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", REGRESSIONS, target);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[n] = strdup(e->d_name);
        assert_non_null(names[n]);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        uint8_t *data = NULL;
        size_t len = 0, room = 0, got;
        do {
            if (len == room) {
                room = room ? 2 * room : 4096;
                data = realloc(data, room);
                assert_non_null(data);
            }
            got = fread(data + len, 1, room - len, f);
            len += got;
        } while (got > 0);
        fclose(f);
        print_message("  %s (%zu bytes)\n", path, len);
        assert_int_equal(fn(data, len), 0);
        free(data);
        free(names[i]);
    }
    free(names);
    return n;
}

static void test_dockerfile(void **state)
{
    (void)state;
    run_regressions("dockerfile", fuzz_dockerfile);
    run_text(fuzz_dockerfile, "");
    run_text(fuzz_dockerfile, "# syntax=docker/dockerfile:1\nARG B=ubuntu\nFROM $B AS x\n"
                              "RUN <<EOF\npip install torch\nEOF\nCOPY --from=x / /\n");
}

static void test_shell(void **state)
{
    (void)state;
    run_regressions("shell", fuzz_shell);
    run_text(fuzz_shell, "");
    run_text(fuzz_shell, "pip install -r requirements.txt torch==2.5.1+cu124 --index-url "
                         "https://download.pytorch.org/whl/cu124 && sh -c 'apt-get install -y "
                         "cuda-toolkit-12-4=12.4.1-1'");
    static const uint8_t argv[] = "conda\0install\0-c\0nvidia\0pytorch-cuda=12.4";
    assert_int_equal(fuzz_shell(argv, sizeof argv), 0);
}

static void test_compose(void **state)
{
    (void)state;
    run_regressions("compose", fuzz_compose);
    run_text(fuzz_compose, "");
    run_text(fuzz_compose, "services:\n  app:\n    image: nvidia/cuda:${CUDA_VERSION}-base\n"
                           "    runtime: nvidia\n    build: {context: ., dockerfile: Dockerfile}\n"
                           "x: &a {b: *a}\n");
}

static void test_apptainer(void **state)
{
    (void)state;
    run_regressions("apptainer", fuzz_apptainer);
    run_text(fuzz_apptainer, "");
    run_text(fuzz_apptainer, "Bootstrap: docker\nFrom: {{ IMAGE }}\n\n%arguments\n  X=1\n"
                             "%post\n  pip install torch\n%environment\n  export A=1\n");
}

static void test_config(void **state)
{
    (void)state;
    run_regressions("config", fuzz_config);
    run_text(fuzz_config, "");
    run_text(fuzz_config, "ignore: [ED104]\nseverity: {ED210: error}\nimages:\n  gpu:\n"
                          "    - {image: \"registry.corp/ml/cuda:12.4-*\", cuda: \"12.4.1\"}\n"
                          "build-arg-matrix: {CUDA_VERSION: [11.8.0, 12.4.1]}\n");
    run_text(fuzz_config, "ignore: 3\n");
}

/* A selector byte, then the body, through a target that takes one. */
static void run_selected(fuzz_fn fn, unsigned sel, const char *body)
{
    size_t len = strlen(body);
    uint8_t *input = malloc(len + 1);
    assert_non_null(input);
    input[0] = (uint8_t)sel;
    memcpy(input + 1, body, len);
    assert_int_equal(fn(input, len + 1), 0);
    free(input);
}

static void test_lint(void **state)
{
    (void)state;
    run_regressions("lint", fuzz_lint);
    run_text(fuzz_lint, "");
    /* every kind, with and without the matrix / second file */
    static const char *const bodies[] = {
        "FROM nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu22.04\nRUN pip install torch\n",
        "services:\n  a:\n    image: python:3.12\n    runtime: nvidia\n\f"
        "services:\n  a:\n    gpus: all\n",
        "Bootstrap: docker\nFrom: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n%post\n"
        "  apt-get install -y nvidia-driver-535\n",
    };
    for (unsigned sel = 0; sel < 72; sel++)
        run_selected(fuzz_lint, sel, bodies[sel % 3]);
}

static void test_fix(void **state)
{
    (void)state;
    run_regressions("fix", fuzz_fix);
    run_text(fuzz_fix, "");
    /* every kind, safe and unsafe, with and without the matrix */
    static const char *const bodies[] = {
        "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install torch \\\n"
        "    tensorflow-gpu\nRUN apt-get install -y \\\n    nvidia-driver-535\n",
        "services:\n  a:\n    build: .\n    runtime: nvidia\n\f"
        "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install torch\n\f"
        "services:\n  a:\n    deploy: {resources: {reservations: {devices: [{driver: nvidia}]}}}\n",
        "Bootstrap: docker\nFrom: ubuntu:22.04\n%post\n  pip install torch\n"
        "  apt-get install -y nvidia-driver-535\n",
    };
    for (unsigned sel = 0; sel < 36; sel++)
        run_selected(fuzz_fix, sel, bodies[sel % 3]);
    /* a CRLF Dockerfile whose fixes remove words */
    for (unsigned sel = 0; sel < 36; sel += 3)
        run_selected(fuzz_fix, sel,
                     "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\r\nRUN apt-get install -y \\\r\n"
                     "    nvidia-driver-535\r\nRUN apt-get install -y cuda-toolkit-12-4 \\\r\n"
                     "    curl\r\nRUN pip install torch\r\n");
}

static void test_ignore(void **state)
{
    (void)state;
    run_regressions("ignore", fuzz_ignore);
    run_text(fuzz_ignore, "");
    static const char input[] = "# build output\n/build/\n*.pyc\n!keep.pyc\ndocs/**/*.md\n"
                                "\\#literal\ntrailing \\ \n\fvendor\n"
                                "\0build/Dockerfile\0src/app/x.pyc\0src/keep.pyc\0"
                                "docs/a/b/c.md\0a/Dockerfile.gpu\0x/y.def\0z/compose.yml/\0"
                                "../a/./b\0//a//b//";
    assert_int_equal(fuzz_ignore((const uint8_t *)input, sizeof input - 1), 0);
}

/* The XML check of fuzz_lint accepts what the writers produce and catches
 * each way an XML document can be broken. */
static void expect_xml(const char *doc, const char *wrong)
{
    size_t where;
    const char *bad = xml_check(doc, strlen(doc), &where);
    if (!wrong && bad)
        fail_msg("%s at byte %zu: %s", bad, where, doc);
    if (wrong)
        assert_string_equal(bad ? bad : "(well formed)", wrong);
}

static void test_xml_check(void **state)
{
    (void)state;
#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    expect_xml(DECL "<a x=\"1 &amp; &#10;&#x1F600;\">t &lt;\xc3\xa9<b/></a>\n", NULL);
    expect_xml("<a/>", "no XML declaration");
    expect_xml(DECL, "no root element");
    expect_xml(DECL "<a>", "an element that is not closed");
    expect_xml(DECL "<a></b>", "an end tag that does not match");
    expect_xml(DECL "<a/><b/>", "a second root element");
    expect_xml(DECL "x<a/>", "text outside the root element");
    expect_xml(DECL "<a>&</a>", "a bare '&'");
    expect_xml(DECL "<a>&#1;</a>", "a reference to a character XML does not allow");
    expect_xml(DECL "<a>&#xZ;</a>", "a bad character reference");
    expect_xml(DECL "<a x=\"<\"/>", "a bare '<'");
    expect_xml(DECL "<a x=1/>", "an attribute without =\"value\"");
    expect_xml(DECL "<a>\x01</a>", "a control character");
    expect_xml(DECL "<a>\xff</a>", "invalid UTF-8");
    expect_xml(DECL "<a>\xc2\x85</a>", "a character XML (or our writers) does not allow");
    expect_xml(DECL "<a><!-- c --></a>", "a markup construct these writers never emit");
#undef DECL
    /* the writers, on a file whose name and findings carry every character
     * XML escapes or forbids */
    static const char body[] = "FROM python:3.12\nRUN pip install \"torch<2\" '\x01&\xff'\n";
    for (unsigned sel = 0; sel < 72; sel += 3)
        run_selected(fuzz_lint, sel, body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dockerfile), cmocka_unit_test(test_shell),
        cmocka_unit_test(test_compose),    cmocka_unit_test(test_apptainer),
        cmocka_unit_test(test_config),     cmocka_unit_test(test_lint),
        cmocka_unit_test(test_fix),        cmocka_unit_test(test_ignore),
        cmocka_unit_test(test_xml_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
