/* Autofix: the edit sets, golden files for every fix, the properties over
 * every rule example and examples/ (a fixed file re-lints clean for the
 * fixed rules, and fixing twice changes nothing), crash-safe writing, and
 * --fix / --diff end to end. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli_harness.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envdoctor/engine.h"
#include "envdoctor/replace.h"
#include "envdoctor/report.h"

enum { PASSES = 10 };

static ed_file_kind kind_of(const char *name)
{
    if (strstr(name, "compose") || strstr(name, ".yaml"))
        return ED_KIND_COMPOSE;
    if (strstr(name, ".def"))
        return ED_KIND_APPTAINER;
    return ED_KIND_DOCKERFILE;
}

static ed_file_result lint_text(ed_arena *a, ed_file_kind kind, const char *text, size_t len)
{
    ed_source *src = ed_arena_alloc(a, sizeof *src);
    ed_source_init(src, a, kind == ED_KIND_COMPOSE ? "compose.yaml" : "Dockerfile", text, len);
    ed_file_result r;
    if (kind == ED_KIND_COMPOSE) {
        ed_file_result *all;
        size_t n;
        const ed_source *files[1] = {src};
        ed_lint_compose_files(a, files, 1, NULL, &all, &n);
        r = all[0];
    } else if (kind == ED_KIND_APPTAINER) {
        ed_lint_apptainer(a, src, NULL, &r);
    } else {
        ed_lint_dockerfile(a, src, NULL, &r);
    }
    return r;
}

/* Fixes until nothing applies; the text, the passes it took, the rules fixed. */
static const char *fix_all(ed_arena *a, ed_file_kind kind, const char *text, bool unsafe,
                           int *passes, const ed_rule **fixed, size_t *nfixed)
{
    size_t len = strlen(text);
    *passes = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        ed_file_result r = lint_text(a, kind, text, len);
        size_t applied, out_len;
        const char *out =
            ed_apply_fixes(a, r.src, r.findings, r.nfindings, unsafe, &out_len, &applied);
        if (applied == 0)
            return text;
        for (size_t k = 0; fixed && k < r.nfindings; k++) {
            const ed_finding *f = &r.findings[k];
            if (!f->fix || (f->fix->unsafe && !unsafe))
                continue;
            bool seen = false;
            for (size_t i = 0; i < *nfixed; i++)
                seen |= fixed[i] == f->rule;
            if (!seen && *nfixed < 64)
                fixed[(*nfixed)++] = f->rule;
        }
        text = out;
        len = out_len;
        (*passes)++;
    }
    fail_msg("fixes did not settle after %d passes", PASSES);
    return text;
}

static char *read_all(const char *path)
{
    return slurp(path);
}

/* Every tests/golden/fix/NAME.EXT gives NAME.fixed.EXT with --unsafe-fixes. */
static void test_golden_fixes(void **state)
{
    (void)state;
    DIR *d = opendir("tests/golden/fix");
    assert_non_null(d);
    size_t checked = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".fixed."))
            continue;
        char in[PATH_MAX], want[PATH_MAX];
        snprintf(in, sizeof in, "tests/golden/fix/%s", e->d_name);
        const char *dot = strchr(e->d_name, '.');
        snprintf(want, sizeof want, "tests/golden/fix/%.*s.fixed%s", (int)(dot - e->d_name),
                 e->d_name, dot);
        char *text = read_all(in), *expected = read_all(want);
        ed_arena *a = ed_arena_new();
        int passes;
        const char *got = fix_all(a, kind_of(e->d_name), text, true, &passes, NULL, NULL);
        if (strcmp(got, expected) != 0)
            fail_msg("%s: fixed text differs from %s:\n%s", in, want, got);
        /* fixing the fixed text changes nothing */
        int again;
        fix_all(a, kind_of(e->d_name), got, true, &again, NULL, NULL);
        assert_int_equal(again, 0);
        ed_arena_free(a);
        free(text);
        free(expected);
        checked++;
    }
    closedir(d);
    assert_true(checked >= 23);
}

/* The fix of a rule leaves no finding of that rule, unless the rule also
 * had findings without a fix; and a second round changes nothing. */
static void check_properties(const char *what, ed_file_kind kind, const char *text)
{
    for (int unsafe = 0; unsafe < 2; unsafe++) {
        ed_arena *a = ed_arena_new();
        ed_file_result before = lint_text(a, kind, text, strlen(text));
        const ed_rule *fixed[64];
        size_t nfixed = 0;
        int passes;
        const char *after = fix_all(a, kind, text, unsafe, &passes, fixed, &nfixed);
        ed_file_result r = lint_text(a, kind, after, strlen(after));
        for (size_t i = 0; i < nfixed; i++) {
            size_t unfixable = 0, left = 0;
            for (size_t k = 0; k < before.nfindings; k++)
                unfixable += before.findings[k].rule == fixed[i] && !before.findings[k].fix;
            for (size_t k = 0; k < r.nfindings; k++)
                left += r.findings[k].rule == fixed[i];
            if (left > unfixable)
                fail_msg("%s: after %s fixes, %zu %s finding(s) remain:\n%s", what,
                         unsafe ? "unsafe" : "safe", left, fixed[i]->id, after);
        }
        int again;
        fix_all(a, kind, after, unsafe, &again, NULL, NULL);
        if (again != 0)
            fail_msg("%s: a second fix round changed the text", what);
        ed_arena_free(a);
    }
}

static void test_properties_over_rule_examples(void **state)
{
    (void)state;
    static const struct {
        const char *open;
        ed_file_kind kind;
    } fences[] = {{"```dockerfile\n", ED_KIND_DOCKERFILE},
                  {"```yaml\n", ED_KIND_COMPOSE},
                  {"```apptainer\n", ED_KIND_APPTAINER},
                  {"```singularity\n", ED_KIND_APPTAINER}};
    size_t examples = 0;
    for (size_t i = 0; ed_rules_all[i]; i++) {
        const char *doc = ed_rule_doc(ed_rules_all[i]);
        for (size_t f = 0; doc && f < sizeof fences / sizeof *fences; f++)
            for (const char *p = doc; (p = strstr(p, fences[f].open));) {
                p += strlen(fences[f].open);
                const char *end = strstr(p, "```");
                if (!end)
                    break;
                char *code = strndup(p, (size_t)(end - p));
                char what[64];
                snprintf(what, sizeof what, "%s example %zu", ed_rules_all[i]->id, ++examples);
                check_properties(what, fences[f].kind, code);
                free(code);
                p = end;
            }
    }
    assert_true(examples >= 75);
}

static void check_file(const char *path, ed_file_kind kind)
{
    char *text = read_all(path);
    check_properties(path, kind, text);
    free(text);
}

static void test_properties_over_examples_folder(void **state)
{
    (void)state;
    check_file("examples/gpu-training.Dockerfile", ED_KIND_DOCKERFILE);
    check_file("examples/clean.Dockerfile", ED_KIND_DOCKERFILE);
    check_file("examples/linnaeus/Dockerfile", ED_KIND_DOCKERFILE);
    check_file("examples/linnaeus/Dockerfile.two-stage", ED_KIND_DOCKERFILE);
    check_file("examples/pyrrhus/Dockerfile.cuda", ED_KIND_DOCKERFILE);
    check_file("examples/alphafold.def", ED_KIND_APPTAINER);
    check_file("examples/alphafold-fixed.def", ED_KIND_APPTAINER);
    check_file("examples/compose/legacy/docker-compose.yml", ED_KIND_COMPOSE);
    check_file("examples/compose/gpu-app/compose.yaml", ED_KIND_COMPOSE);
}

static void test_conflicting_fixes_are_dropped_not_merged(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    ed_source src;
    const char *text = "abcdef";
    ed_source_init(&src, a, "f", text, 6);
    const ed_rule *rule = ed_rule_find("ED201");
    ed_edit second = {4, 5, "E"};
    ed_fix f1 = {.description = "x", .replacement = "B", .start = 1, .end = 2};
    ed_fix f2 = {.description = "y", .replacement = "BC", .start = 1, .end = 3}; /* overlaps f1 */
    ed_fix f3 = {.description = "z", .replacement = "", .start = 0, .end = 0, .more = &second,
                 .nmore = 1}; /* two edits */
    ed_fix f4 = {.description = "u", .replacement = "F", .start = 5, .end = 6, .unsafe = true};
    ed_finding fs[4] = {{.rule = rule, .message = "", .fix = &f1},
                        {.rule = rule, .message = "", .fix = &f2},
                        {.rule = rule, .message = "", .fix = &f3},
                        {.rule = rule, .message = "", .fix = &f4}};
    size_t len, applied;
    const char *out = ed_apply_fixes(a, &src, fs, 4, false, &len, &applied);
    assert_int_equal(applied, 2);
    assert_string_equal(out, "aBcdEf");
    out = ed_apply_fixes(a, &src, fs, 4, true, &len, &applied);
    assert_int_equal(applied, 3);
    assert_string_equal(out, "aBcdEF");
    /* one edit of a fix in conflict: the whole fix goes */
    ed_fix f5 = {.description = "v", .replacement = "X", .start = 4, .end = 5};
    ed_finding gs[2] = {{.rule = rule, .message = "", .fix = &f5},
                        {.rule = rule, .message = "", .fix = &f3}};
    out = ed_apply_fixes(a, &src, gs, 2, false, &len, &applied);
    assert_int_equal(applied, 1);
    assert_string_equal(out, "abcdXf");
    ed_arena_free(a);
}

static void test_removal_ranges(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    ed_source src;
    const char *text = "RUN apt-get install -y \\\n"
                       "    nvidia-driver-535 \\\n"
                       "    curl x \\\n"
                       "    last\n";
    ed_source_init(&src, a, "f", text, strlen(text));
    size_t from, to;
    size_t at = (size_t)(strstr(text, "nvidia") - text);
    ed_removal_range(&src, at, at + 17, &from, &to); /* alone on a continued line */
    assert_int_equal(from, 25);
    assert_int_equal(to, (size_t)(strstr(text, "    curl") - text));
    at = (size_t)(strstr(text, " x ") - text) + 1;
    ed_removal_range(&src, at, at + 1, &from, &to); /* with the blank before it */
    assert_int_equal(from, at - 1);
    assert_int_equal(to, at + 1);
    at = (size_t)(strstr(text, "last") - text);
    ed_removal_range(&src, at, at + 4, &from, &to); /* the last line: joined */
    assert_int_equal(from, (size_t)(strstr(text, " \\\n    last") - text));
    assert_int_equal(to, at + 4);
    /* CRLF: the same ranges, each line break left whole */
    text = "RUN apt-get install -y \\\r\n"
           "    nvidia-driver-535 \\\r\n"
           "    last\r\n";
    ed_source_init(&src, a, "f", text, strlen(text));
    at = (size_t)(strstr(text, "nvidia") - text);
    ed_removal_range(&src, at, at + 17, &from, &to);
    assert_int_equal(from, 26);
    assert_int_equal(to, (size_t)(strstr(text, "    last") - text));
    at = (size_t)(strstr(text, "last") - text);
    ed_removal_range(&src, at, at + 4, &from, &to); /* not the '\r' of the last line */
    assert_int_equal(from, (size_t)(strstr(text, " \\\r\n    last") - text));
    assert_int_equal(to, at + 4);
    ed_arena_free(a);
}

/* A diff of 10,000 lines where every other line changed: in linear memory
 * (the O(ND) table of a plain Myers diff would take 3 GB), and right. */
static void test_diff_of_many_changes(void **state)
{
    (void)state;
    enum { LINES = 5000 };
    size_t len = LINES * 4;
    char *before = malloc(len), *after = malloc(len);
    assert_true(before && after);
    for (size_t i = 0; i < LINES; i++) {
        memcpy(before + 4 * i, "ab\n", 3);
        memcpy(after + 4 * i, "cd\n", 3);
        before[4 * i + 3] = after[4 * i + 3] = '\n';
    }
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    assert_non_null(f);
    rep_unified_diff(f, "D", before, len, after, len);
    fclose(f);
    const char *head = "--- a/D\n+++ b/D\n@@ -1,10000 +1,10000 @@\n-ab\n+cd\n \n-ab\n";
    assert_memory_equal(out, head, strlen(head));
    size_t minus = 0, plus = 0;
    for (size_t i = 0; i < outlen; i++)
        if (i == 0 || out[i - 1] == '\n') {
            minus += out[i] == '-';
            plus += out[i] == '+';
        }
    assert_int_equal(minus, LINES + 1); /* with "--- a/D" */
    assert_int_equal(plus, LINES + 1);
    free(out);
    free(before);
    free(after);
}

static void test_replace_file(void **state)
{
    (void)state;
    write_file("r.Dockerfile", "old\n");
    char path[600], err[256];
    snprintf(path, sizeof path, "%s/r.Dockerfile", tmpdir);
    assert_int_equal(chmod(path, 0640), 0);
    assert_true(ed_replace_file(path, "old\n", 4, "new\n", 4, err, sizeof err));
    char *now = slurp(path);
    assert_string_equal(now, "new\n");
    free(now);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    /* the file changed since it was read: untouched */
    assert_false(ed_replace_file(path, "old\n", 4, "newer\n", 6, err, sizeof err));
    assert_string_equal(err, "it changed since it was read: not changed");
    now = slurp(path);
    assert_string_equal(now, "new\n");
    free(now);
    /* not a regular file */
    assert_false(ed_replace_file(tmpdir, "", 0, "x", 1, err, sizeof err));
    /* no temporary file is left behind */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -c env-doctor- >/dev/null", tmpdir);
    assert_int_not_equal(system(cmd), 0);
}

static const char torch[] = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                            "RUN pip install torch==2.5.1 --extra-index-url "
                            "https://download.pytorch.org/whl/cu121\n";
static const char torch_fixed[] = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                  "RUN pip install torch==2.5.1 --index-url "
                                  "https://download.pytorch.org/whl/cu124\n";
static const char legacy[] = "version: \"3.8\"\n"
                             "services:\n"
                             "  train:\n"
                             "    image: x\n"
                             "    # the GPU\n"
                             "    runtime: nvidia\n";

static void test_fix_writes_and_reports_what_remains(void **state)
{
    (void)state;
    make_dir("w");
    write_file("w/Dockerfile", torch);
    write_file("w/compose.yaml", legacy);
    run_result r = run_in("w", NULL, "lint --no-config --format gnu --fix Dockerfile compose.yaml",
                          NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "env-doctor: fixed 4 problems in 2 files\n"));
    done(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/w/Dockerfile", tmpdir);
    char *now = slurp(path);
    assert_string_equal(now, torch_fixed);
    free(now);
    snprintf(path, sizeof path, "%s/w/compose.yaml", tmpdir);
    now = slurp(path);
    assert_string_equal(now, "services:\n"
                             "  train:\n"
                             "    image: x\n"
                             "    # the GPU\n"
                             "    deploy:\n"
                             "      resources:\n"
                             "        reservations:\n"
                             "          devices:\n"
                             "            - driver: nvidia\n"
                             "              count: all\n"
                             "              capabilities: [gpu]\n");
    free(now);
    /* twice: nothing more to do */
    r = run_in("w", NULL, "lint --no-config --fix Dockerfile compose.yaml", NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.err, "fixed"));
    done(&r);
}

static void test_unsafe_fixes_only_when_asked(void **state)
{
    (void)state;
    make_dir("u");
    write_file("u/Dockerfile", "FROM nvidia/cuda:12.4.0-runtime-ubuntu22.04\n");
    run_result r = run_in("u", NULL, "dockerfile --no-config --format gnu --fix", NULL);
    assert_int_equal(r.status, 0); /* ED103 is a warning */
    assert_non_null(strstr(r.out, "[ED103]"));
    done(&r);
    r = run_in("u", NULL, "dockerfile --no-config --format gnu --fix --unsafe-fixes", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/u/Dockerfile", tmpdir);
    char *now = slurp(path);
    assert_string_equal(now, "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n");
    free(now);
}

static void test_stdin_fix_prints_the_text(void **state)
{
    (void)state;
    run_result r = run("dockerfile --no-config --fix -", torch);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, torch_fixed);
    assert_non_null(strstr(r.err, "env-doctor: fixed 2 problems in 1 file\n"));
    done(&r);
    /* nothing to fix: the text as it came */
    r = run("dockerfile --no-config --fix -", torch_fixed);
    assert_string_equal(r.out, torch_fixed);
    done(&r);
}

static void test_diff_applies_with_patch(void **state)
{
    (void)state;
    make_dir("p/sub");
    write_file("p/sub/Dockerfile", torch);
    write_file("p/compose.yaml", legacy);
    run_result r = run_in("p", NULL, "lint --no-config --diff sub/Dockerfile compose.yaml", NULL);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "--- a/compose.yaml\n+++ b/compose.yaml\n@@ -1,6 +1,11 @@\n", 54) ==
                0);
    assert_non_null(strstr(r.out, "--- a/sub/Dockerfile\n+++ b/sub/Dockerfile\n@@ -1,2 +1,2 @@\n"
                                  " FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                  "-RUN pip install torch==2.5.1 --extra-index-url "));
    /* --diff changes nothing */
    char path[600];
    snprintf(path, sizeof path, "%s/p/sub/Dockerfile", tmpdir);
    char *now = slurp(path);
    assert_string_equal(now, torch);
    free(now);
    write_file("p/fix.patch", r.out);
    done(&r);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "cd %s/p && patch -s -p1 < fix.patch", tmpdir);
    assert_int_equal(system(cmd), 0);
    now = slurp(path);
    assert_string_equal(now, torch_fixed);
    free(now);
}

/* The writer killed while it writes (the file size limit stops it with
 * SIGXFSZ in the middle of the temporary file): the original is intact. */
static void test_killed_writer_leaves_the_original(void **state)
{
    (void)state;
    make_dir("k");
    /* a long file, so the fixed copy exceeds the 1 KiB limit mid-write */
    char big[8192] = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                     "RUN pip install torch==2.5.1 --extra-index-url "
                     "https://download.pytorch.org/whl/cu121\n";
    for (int i = 0; i < 100; i++)
        strcat(big, "# padding padding padding padding padding padding padding\n");
    write_file("k/Dockerfile", big);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "cd %s/k && (ulimit -f 1; exec %s dockerfile --no-config --fix "
                              "Dockerfile) >/dev/null 2>&1",
             tmpdir, ED_TEST_BIN);
    int status = system(cmd);
    assert_int_not_equal(status, 0);
    char path[600];
    snprintf(path, sizeof path, "%s/k/Dockerfile", tmpdir);
    char *now = slurp(path);
    assert_string_equal(now, big);
    free(now);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_fixes),
        cmocka_unit_test(test_properties_over_rule_examples),
        cmocka_unit_test(test_properties_over_examples_folder),
        cmocka_unit_test(test_conflicting_fixes_are_dropped_not_merged),
        cmocka_unit_test(test_removal_ranges),
        cmocka_unit_test(test_diff_of_many_changes),
        cmocka_unit_test(test_replace_file),
        cmocka_unit_test(test_fix_writes_and_reports_what_remains),
        cmocka_unit_test(test_unsafe_fixes_only_when_asked),
        cmocka_unit_test(test_stdin_fix_prints_the_text),
        cmocka_unit_test(test_diff_applies_with_patch),
        cmocka_unit_test(test_killed_writer_leaves_the_original),
    };
    return cmocka_run_group_tests_name("fix", tests, harness_setup, harness_teardown);
}
