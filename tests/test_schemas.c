/* The machine-readable reports checked against their schemas, end to end:
 *   json         docs/schema/report.schema.json
 *   sarif        the official SARIF 2.1.0 schema, and Microsoft's SARIF
 *                Multitool (`validate`, SARIF and GitHub rules: no result)
 *   codeclimate  tests/schemas/gitlab-codequality.schema.json (the fields
 *                GitLab requires), and fingerprints unique in each report
 * One test per group of inputs: the examples (Dockerfiles with the build
 * args of examples/expected-findings.txt, Compose projects and files,
 * Apptainer definition files), every Dockerfile, Compose and Apptainer
 * example in rules/ED*.md, several files at once, zero findings, unparsable
 * files, standard input. Each lint run writes the three reports (--format F
 * -o FILE); Python validates each group's reports in one run, and the
 * Multitool all groups' SARIF reports in one run at the end (each takes a
 * second to start).
 *
 * The tools: python3 with jsonschema (scripts/bootstrap --test-tools), and
 * the SARIF schema and Multitool in BUILD/tools/sarif
 * (scripts/fetch-sarif-tools); `make test` provides both. Without them the
 * tests are skipped, unless ED_REQUIRE_TEST_TOOLS=1: then they fail. */
#include "cli_harness.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#define JSON_SCHEMA "docs/schema/report.schema.json"
#define GITLAB_SCHEMA "tests/schemas/gitlab-codequality.schema.json"
#define MULTITOOL_CONFIG "tests/schemas/sarif-multitool.config.xml"
#define VALIDATE "tests/validate_json.py"

/* ---- strings ---- */

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_reserve(strbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    b->cap = (b->len + more + 1) * 2;
    b->s = realloc(b->s, b->cap);
    assert_non_null(b->s);
}

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    sb_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* One shell word: 'text', each ' as '\''. */
static void sb_quote(strbuf *b, const char *word)
{
    sb_printf(b, "'");
    for (const char *p = word; *p; p++)
        sb_printf(b, *p == '\'' ? "'\\''" : "%c", *p);
    sb_printf(b, "'");
}

static char *sb_take(strbuf *b)
{
    char *s = b->s ? b->s : strdup("");
    *b = (strbuf){0};
    return s;
}

static char *str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

typedef struct strlist {
    char **v;
    size_t n;
} strlist;

static void sl_push(strlist *l, char *s)
{
    l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
    assert_non_null(l->v);
    l->v[l->n++] = s;
}

static bool sl_has(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

static void sl_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    *l = (strlist){0};
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files under dir (a path relative to the repository root), recursively,
 * sorted: the order of readdir is the file system's. */
static void list_files(const char *dir, strlist *out)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    strlist names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            sl_push(&names, str_printf("%s/%s", dir, e->d_name));
    closedir(d);
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        struct stat st;
        assert_int_equal(stat(names.v[i], &st), 0);
        if (S_ISDIR(st.st_mode))
            list_files(names.v[i], out);
        else
            sl_push(out, strdup(names.v[i]));
    }
    sl_free(&names);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_compose_file(const char *path)
{
    return ends_with(path, ".yaml") || ends_with(path, ".yml");
}

/* An Apptainer/Singularity definition file, by its name. */
static bool is_apptainer_file(const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    return ends_with(base, ".def") || strncmp(base, "Singularity", 11) == 0 ||
           strncmp(base, "Apptainer", 9) == 0;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static int shell(const char *cmd)
{
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- the tools ---- */

static char root[PATH_MAX];  /* the repository: the tests run from there */
static char *python;         /* an interpreter that has jsonschema, or NULL */
static char *fetch_sarif;    /* the command that fetches the two below */
static char *sarif_schema;   /* BUILD/tools/sarif/package/sarif-2.1.0.json */
static char *multitool;      /* BUILD/tools/sarif/package/Sarif.Multitool */
static bool have_sarif;
static bool have_apptainer;  /* the env-doctor has its apptainer subcommand */
/* Every group's SARIF reports, and the lint run behind each, for the one
 * Multitool run at the end (test_sarif_multitool). */
static strlist sarif_reports, sarif_origins;

static bool require_tools(void)
{
    const char *v = getenv("ED_REQUIRE_TEST_TOOLS");
    return v && strcmp(v, "1") == 0;
}

/* ED_PYTHON, else Debian's python3 (what scripts/bootstrap --test-tools
 * installs jsonschema for), else the python3 on PATH. */
static void find_tools(void)
{
    const char *candidates[] = {getenv("ED_PYTHON"), "/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 3 && !python; i++) {
        if (!candidates[i] || !*candidates[i])
            continue;
        strbuf cmd = {0};
        sb_quote(&cmd, candidates[i]);
        sb_printf(&cmd, " -c 'import jsonschema' >/dev/null 2>&1");
        if (shell(cmd.s) == 0)
            python = strdup(candidates[i]);
        free(cmd.s);
    }
    /* ED_TEST_BIN is BUILD/env-doctor; the tools are in BUILD/tools/sarif. */
    const char *slash = strrchr(ED_TEST_BIN, '/');
    int dirlen = slash ? (int)(slash - ED_TEST_BIN) : 1;
    const char *dir = slash ? ED_TEST_BIN : ".";
    fetch_sarif = str_printf("scripts/fetch-sarif-tools %.*s/tools/sarif", dirlen, dir);
    sarif_schema = str_printf("%.*s/tools/sarif/package/sarif-2.1.0.json", dirlen, dir);
    multitool = str_printf("%.*s/tools/sarif/package/Sarif.Multitool", dirlen, dir);
    have_sarif = access(sarif_schema, R_OK) == 0 && access(multitool, X_OK) == 0;
    /* Apptainer support is on its way: lint definition files once it is there. */
    char *probe = str_printf("%s apptainer --help 2>&1 | grep -q 'unknown command'", ED_TEST_BIN);
    have_apptainer = shell(probe) != 0;
    free(probe);
}

/* Skips the test, or fails it under ED_REQUIRE_TEST_TOOLS=1. */
static void missing_tool(const char *what, const char *how, const char *done_anyway)
{
    if (require_tools())
        fail_msg("%s missing and ED_REQUIRE_TEST_TOOLS=1: run %s", what, how);
    printf("SKIPPED: %s missing (run %s)%s\n", what, how, done_anyway);
    skip();
}

/* ---- lint runs and groups ---- */

typedef struct lint_run {
    char *cwd;           /* absolute */
    const char *command; /* dockerfile, docker-compose or apptainer */
    char *args;          /* shell words */
    char *input;         /* a file for standard input, or NULL */
    bool to_stdout;      /* one run per format, the report on standard output */
    bool gitlab;         /* repository-relative paths: a Code Quality report */
    bool expect_empty;   /* no findings at all */
    const char *expect_rule; /* the JSON report has a finding of this rule */
} lint_run;

typedef struct group {
    const char *name;
    lint_run *runs;
    size_t n;
} group;

static lint_run *add_run(group *g, const char *cwd, const char *command, char *args)
{
    g->runs = realloc(g->runs, (g->n + 1) * sizeof *g->runs);
    assert_non_null(g->runs);
    lint_run *r = &g->runs[g->n++];
    *r = (lint_run){.cwd = strdup(cwd), .command = command, .args = args, .gitlab = true};
    return r;
}

static void free_group(group *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->runs[i].cwd);
        free(g->runs[i].args);
        free(g->runs[i].input);
    }
    free(g->runs);
}

static char *quoted(const char *word)
{
    strbuf b = {0};
    sb_quote(&b, word);
    return sb_take(&b);
}

static void print_file(const char *path)
{
    char *text = slurp(path);
    fputs(text, stdout);
    free(text);
}

/* Runs env-doctor: `cd CWD && env-doctor COMMAND FORMATS ARGS`, ED_TEST_WRAPPER
 * (valgrind) included. The exit status must be 0 or 1. */
static void run_lint(const lint_run *r, const char *formats, const char *out)
{
    const char *wrapper = getenv("ED_TEST_WRAPPER");
    char *err = str_printf("%s/stderr.txt", tmpdir);
    strbuf cmd = {0};
    sb_printf(&cmd, "cd ");
    sb_quote(&cmd, r->cwd);
    sb_printf(&cmd, " && env -u NO_COLOR -u ENV_DOCTOR_FORMAT -u ENV_DOCTOR_FAILURE_THRESHOLD %s %s %s %s %s <",
              wrapper ? wrapper : "", ED_TEST_BIN, r->command, formats, r->args);
    sb_quote(&cmd, r->input ? r->input : "/dev/null");
    sb_printf(&cmd, " >");
    sb_quote(&cmd, out ? out : "/dev/null");
    sb_printf(&cmd, " 2>");
    sb_quote(&cmd, err);
    int status = shell(cmd.s);
    if (status != 0 && status != 1) {
        printf("exit status %d from: %s\n", status, cmd.s);
        print_file(err);
        fail_msg("env-doctor failed");
    }
    free(cmd.s);
    free(err);
}

/* Runs python3 tests/validate_json.py SCHEMA FILES -- SCHEMA FILES ... (one
 * Python start per group); 0 when all are valid. */
static int validate(const char *label, const char *const schemas[], const strlist *const files[], size_t n)
{
    char *log = str_printf("%s/validate.txt", tmpdir);
    strbuf cmd = {0};
    sb_printf(&cmd, "cd ");
    sb_quote(&cmd, root);
    sb_printf(&cmd, " && ");
    sb_quote(&cmd, python);
    sb_printf(&cmd, " %s", VALIDATE);
    size_t nfiles = 0;
    for (size_t k = 0; k < n; k++) {
        if (files[k]->n == 0)
            continue;
        sb_printf(&cmd, nfiles ? " -- " : " ");
        sb_quote(&cmd, schemas[k]);
        for (size_t i = 0; i < files[k]->n; i++) {
            sb_printf(&cmd, " ");
            sb_quote(&cmd, files[k]->v[i]);
        }
        nfiles += files[k]->n;
    }
    sb_printf(&cmd, " >");
    sb_quote(&cmd, log);
    sb_printf(&cmd, " 2>&1");
    int status = nfiles ? shell(cmd.s) : 0;
    char *text = nfiles ? slurp(log) : strdup("");
    if (status != 0)
        printf("%s: validate_json.py found invalid reports (exit status %d):\n%s", label, status, text);
    else if (*text)
        fputs(text, stdout);
    free(text);
    free(cmd.s);
    free(log);
    return status != 0;
}

static const char *str_at(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *root_value = json_load_file(path, 0, &err);
    if (!root_value)
        fail_msg("%s: not JSON: %s (line %d)", path, err.text, err.line);
    return root_value;
}

/* Sarif.Multitool validate over the SARIF reports: its result log must have
 * no result (errors and warnings; notes are advice). The Multitool takes a
 * second to start and half a second per file, little per run, so it runs
 * once, over every group's reports merged (one run each, the same $schema
 * and version) into logs of at most 20 runs (GitHub's limit); the Python
 * validation checks each file alone. */
#define RUNS_PER_LOG 20

/* The index of the report behind a Multitool result: merged log c (its
 * artifact), the runs[i] its first argument names; files->n if unknown. */
static size_t report_of(json_t *res, const strlist *files)
{
    const char *uri = json_string_value(json_object_get(
        json_object_get(json_object_get(json_array_get(json_object_get(res, "locations"), 0),
                                        "physicalLocation"),
                        "artifactLocation"),
        "uri"));
    const char *arg = json_string_value(
        json_array_get(json_object_get(json_object_get(res, "message"), "arguments"), 0));
    const char *dash = uri ? strrchr(uri, '-') : NULL;
    unsigned c, i;
    if (!dash || !arg || sscanf(dash, "-%u.sarif", &c) != 1 || sscanf(arg, "runs[%u]", &i) != 1 ||
        (size_t)c * RUNS_PER_LOG + i >= files->n)
        return files->n;
    return (size_t)c * RUNS_PER_LOG + i;
}

static void print_result(json_t *res)
{
    json_t *msg = json_object_get(res, "message");
    printf("    %s %s: %s", str_at(res, "ruleId"), str_at(res, "level"),
           *str_at(msg, "text") ? str_at(msg, "text") : str_at(msg, "id"));
    size_t k;
    json_t *arg;
    json_array_foreach(json_object_get(msg, "arguments"), k, arg)
        printf(" | %s", json_string_value(arg) ? json_string_value(arg) : "?");
    printf("\n");
}

static int multitool_validate(const char *label, const strlist *files, const strlist *origins)
{
    if (files->n == 0)
        return 0;
    char *out = str_printf("%s/multitool.sarif", tmpdir), *log = str_printf("%s/multitool.txt", tmpdir);
    strbuf cmd = {0};
    sb_printf(&cmd, "cd ");
    sb_quote(&cmd, tmpdir);
    /* No ICU needed; the config disables the rule that fetches URIs. */
    sb_printf(&cmd, " && DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 ");
    sb_quote(&cmd, multitool);
    sb_printf(&cmd, " validate --config ");
    char *config = str_printf("%s/%s", root, MULTITOOL_CONFIG);
    sb_quote(&cmd, config);
    free(config);
    sb_printf(&cmd, " --rule-kind 'Sarif;Ghas' --log ForceOverwrite --output ");
    sb_quote(&cmd, out);
    for (size_t c = 0; c * RUNS_PER_LOG < files->n; c++) {
        json_t *all = load(files->v[c * RUNS_PER_LOG]);
        for (size_t i = c * RUNS_PER_LOG + 1; i < files->n && i < (c + 1) * RUNS_PER_LOG; i++) {
            json_t *one = load(files->v[i]);
            assert_int_equal(json_array_size(json_object_get(one, "runs")), 1);
            json_array_extend(json_object_get(all, "runs"), json_object_get(one, "runs"));
            json_decref(one);
        }
        char *merged = str_printf("%s/merged-%s-%zu.sarif", tmpdir, label, c);
        assert_int_equal(json_dump_file(all, merged, JSON_INDENT(1) | JSON_PRESERVE_ORDER), 0);
        json_decref(all);
        sb_printf(&cmd, " ");
        sb_quote(&cmd, merged);
        free(merged);
    }
    sb_printf(&cmd, " >");
    sb_quote(&cmd, log);
    sb_printf(&cmd, " 2>&1");
    unlink(out);
    int status = shell(cmd.s);
    json_error_t jerr;
    json_t *result_log = status == 0 ? json_load_file(out, 0, &jerr) : NULL;
    json_t *results = json_object_get(json_array_get(json_object_get(result_log, "runs"), 0), "results");
    int bad = 0;
    if (!json_is_array(results)) {
        printf("%s: Sarif.Multitool failed (exit status %d):\n", label, status);
        print_file(log);
        bad = 1;
    } else if (json_array_size(results) > 0) {
        printf("%s: Sarif.Multitool: %zu result(s) over %zu report(s):\n", label,
               json_array_size(results), files->n);
        /* by report (files->n: one the result does not name), 10 each */
        for (size_t f = 0; f <= files->n; f++) {
            size_t shown = 0, i;
            json_t *res;
            json_array_foreach(results, i, res) {
                if (report_of(res, files) != f)
                    continue;
                if (shown == 0)
                    printf("  %s:\n", f < files->n ? origins->v[f] : "(report unknown)");
                if (shown++ < 10)
                    print_result(res);
            }
            if (shown > 10)
                printf("    ... and %zu more\n", shown - 10);
        }
        bad = 1;
    }
    json_decref(result_log);
    free(cmd.s);
    free(out);
    free(log);
    return bad;
}

/* GitLab shows one issue per fingerprint: they must be unique in a report. */
static int unique_fingerprints(const strlist *files)
{
    int bad = 0;
    for (size_t f = 0; f < files->n; f++) {
        json_t *issues = load(files->v[f]);
        for (size_t i = 0; i < json_array_size(issues); i++)
            for (size_t j = 0; j < i; j++) {
                json_t *a = json_array_get(issues, i), *b = json_array_get(issues, j);
                if (strcmp(str_at(a, "fingerprint"), str_at(b, "fingerprint")) == 0) {
                    printf("%s: issues %zu and %zu (%s, %s) have the same fingerprint %s\n",
                           files->v[f], j, i, str_at(b, "check_name"), str_at(a, "check_name"),
                           str_at(a, "fingerprint"));
                    bad = 1;
                }
            }
        json_decref(issues);
    }
    return bad;
}

/* What a run promised about its findings, read from its reports. */
static void check_expectations(const lint_run *r, const char *json, const char *sarif, const char *cc)
{
    json_t *report = load(json);
    json_t *files = json_object_get(report, "files");
    size_t nfindings = 0;
    bool found_rule = false;
    size_t i, k;
    json_t *file, *finding;
    json_array_foreach(files, i, file) {
        json_t *findings = json_object_get(file, "findings");
        nfindings += json_array_size(findings);
        json_array_foreach(findings, k, finding)
            if (r->expect_rule && strcmp(str_at(finding, "rule"), r->expect_rule) == 0)
                found_rule = true;
    }
    if (r->expect_empty && nfindings > 0)
        fail_msg("%s %s: expected no finding, got %zu", r->command, r->args, nfindings);
    if (r->expect_rule && !found_rule)
        fail_msg("%s %s: expected a %s finding", r->command, r->args, r->expect_rule);
    if (r->expect_empty) {
        json_t *log = load(sarif), *issues = load(cc);
        assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(log, "runs"), 0),
                                                         "results")),
                         0);
        assert_int_equal(json_array_size(issues), 0);
        json_decref(log);
        json_decref(issues);
    }
    json_decref(report);
}

/* Each test starts here: nothing to validate with, nothing to run. */
static void need_python(void)
{
    if (!python)
        missing_tool("python3 with jsonschema", "scripts/bootstrap --test-tools", "");
}

/* Lints every run of the group, writing its three reports, then validates
 * them all (failures print the report, the path in it and the message) and
 * frees the group. */
static void check_group(group *g)
{
    char *dir = str_printf("%s/out-%s", tmpdir, g->name);
    assert_int_equal(mkdir(dir, 0777), 0);
    strlist json = {0}, sarif = {0}, cc = {0};
    for (size_t i = 0; i < g->n; i++) {
        const lint_run *r = &g->runs[i];
        char *j = str_printf("%s/%03zu.json", dir, i), *s = str_printf("%s/%03zu.sarif", dir, i),
             *c = str_printf("%s/%03zu.codeclimate.json", dir, i);
        if (r->to_stdout) {
            run_lint(r, "--format json", j);
            run_lint(r, "--format sarif", s);
            run_lint(r, "--format codeclimate", c);
        } else {
            strbuf formats = {0};
            sb_printf(&formats, "--format json -o ");
            sb_quote(&formats, j);
            sb_printf(&formats, " --format sarif -o ");
            sb_quote(&formats, s);
            sb_printf(&formats, " --format codeclimate -o ");
            sb_quote(&formats, c);
            run_lint(r, formats.s, NULL);
            free(formats.s);
        }
        check_expectations(r, j, s, c);
        sl_push(&json, j);
        sl_push(&sarif, s);
        sl_push(&sarif_reports, strdup(s));
        sl_push(&sarif_origins, str_printf("%s: %s %s (in %s)%s", g->name, r->command, r->args, r->cwd,
                                           r->input ? " with standard input" : ""));
        if (r->gitlab)
            sl_push(&cc, c);
        else
            free(c);
    }
    const char *const schemas[] = {JSON_SCHEMA, GITLAB_SCHEMA, sarif_schema};
    const strlist *const lists[] = {&json, &cc, &sarif};
    int bad = validate(g->name, schemas, lists, have_sarif ? 3 : 2);
    bad += unique_fingerprints(&cc);
    printf("%s: %zu lint run(s); %zu JSON, %zu SARIF, %zu Code Quality report(s) checked\n", g->name,
           g->n, json.n, have_sarif ? sarif.n : 0, cc.n);
    sl_free(&json);
    sl_free(&sarif);
    sl_free(&cc);
    free(dir);
    free_group(g);
    fflush(stdout);
    if (bad)
        fail_msg("%s: %d check(s) failed (above)", g->name, bad);
    if (!have_sarif)
        missing_tool("the SARIF schema and Multitool", fetch_sarif,
                     "; the JSON and Code Quality reports were checked");
}

/* ---- the groups ---- */

/* Every file in examples/ but Compose files: Dockerfiles with each set of
 * build args that examples/expected-findings.txt lists for them (else none),
 * Apptainer definition files. */
static void test_examples_dockerfiles(void **state)
{
    need_python();
    group g = {.name = "examples-dockerfiles"};
    strlist listed = {0};
    char *expected = slurp("examples/expected-findings.txt");
    for (char *line = strtok(expected, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "== ", 3) != 0)
            continue;
        strbuf args = {0};
        char *save = NULL;
        for (char *w = strtok_r(line + 3, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            if (args.len == 0 && !sl_has(&listed, w))
                sl_push(&listed, strdup(w));
            sb_printf(&args, args.len ? " " : "");
            sb_quote(&args, w);
        }
        add_run(&g, root, "dockerfile", sb_take(&args));
    }
    free(expected);
    /* a build-arg matrix: findings carry their combinations */
    add_run(&g, root, "dockerfile",
            strdup("--build-arg-matrix CUDA_VERSION=11.8.0,12.1.1,12.4.1,12.8.0 "
                   "--build-arg-matrix UBUNTU_VERSION=20.04,22.04 examples/pyrrhus/Dockerfile.cuda"));
    strlist files = {0};
    list_files("examples", &files);
    for (size_t i = 0; i < files.n; i++) {
        if (is_compose_file(files.v[i]) || ends_with(files.v[i], ".txt") ||
            ends_with(files.v[i], ".md") || sl_has(&listed, files.v[i]))
            continue;
        if (!is_apptainer_file(files.v[i]))
            add_run(&g, root, "dockerfile", quoted(files.v[i]));
        else if (have_apptainer)
            add_run(&g, root, "apptainer", quoted(files.v[i]));
        else
            printf("%s: not linted: this env-doctor has no apptainer subcommand\n", files.v[i]);
    }
    sl_free(&files);
    sl_free(&listed);
    check_group(&g);
}

/* Every Compose file in examples/ on its own, and every folder that holds
 * one as a project (its file and override file merged). */
static void test_examples_compose(void **state)
{
    need_python();
    group g = {.name = "examples-compose"};
    strlist files = {0}, dirs = {0};
    list_files("examples", &files);
    for (size_t i = 0; i < files.n; i++) {
        if (!is_compose_file(files.v[i]))
            continue;
        add_run(&g, root, "docker-compose", quoted(files.v[i]));
        char *dir = strdup(files.v[i]);
        *strrchr(dir, '/') = '\0';
        if (sl_has(&dirs, dir))
            free(dir);
        else
            sl_push(&dirs, dir);
    }
    for (size_t i = 0; i < dirs.n; i++)
        add_run(&g, root, "docker-compose", quoted(dirs.v[i]));
    assert_true(g.n > 0);
    sl_free(&files);
    sl_free(&dirs);
    check_group(&g);
}

/* Every ```dockerfile, ```yaml and ```apptainer block of every rules/ED*.md
 * (the bad and good examples, and the fixes shown), each in a file of its
 * own, each linted on its own. Under a wrapper (`make valgrind`), where each
 * start of env-doctor costs a second, one run per kind lints all the files
 * of that kind: the same code over the same inputs, 3 starts instead of 80,
 * and the reports, several files each, are validated the same way. */
static void test_rule_doc_examples(void **state)
{
    need_python();
    group g = {.name = "rule-docs"};
    static const char *const commands[] = {"dockerfile", "docker-compose", "apptainer"};
    bool batch = getenv("ED_TEST_WRAPPER") != NULL;
    strbuf batched[3] = {{0}};
    char *dir = str_printf("%s/docs", tmpdir);
    assert_int_equal(mkdir(dir, 0777), 0);
    strlist docs = {0};
    list_files("rules", &docs);
    size_t ndocs = 0, nblocks = 0, nskipped = 0;
    for (size_t i = 0; i < docs.n; i++) {
        if (!ends_with(docs.v[i], ".md"))
            continue;
        ndocs++;
        char *text = slurp(docs.v[i]);
        const char *base = strrchr(docs.v[i], '/') + 1;
        int stem = (int)(strlen(base) - 3);
        unsigned block = 0;
        for (const char *p = text; (p = strstr(p, "```")); ) {
            bool df = strncmp(p, "```dockerfile\n", 14) == 0, ym = strncmp(p, "```yaml\n", 8) == 0,
                 def = strncmp(p, "```apptainer\n", 13) == 0 || strncmp(p, "```singularity\n", 15) == 0;
            const char *body = strchr(p, '\n');
            if (!body)
                break;
            body++;
            const char *end = strstr(body, "\n```");
            end = end ? end + 1 : body + strlen(body);
            if (df || ym || def) {
                nblocks++;
                char *name = str_printf("%.*s-%u.%s", stem, base, ++block,
                                        df ? "Dockerfile" : ym ? "compose.yaml" : "def");
                char *path = str_printf("%s/%s", dir, name);
                write_bytes(path, body, (size_t)(end - body));
                int kind = df ? 0 : ym ? 1 : 2;
                if (def && !have_apptainer) {
                    nskipped++;
                } else if (batch) {
                    sb_printf(&batched[kind], batched[kind].len ? " " : "");
                    sb_quote(&batched[kind], name);
                } else {
                    add_run(&g, dir, commands[kind], quoted(name));
                }
                free(name);
                free(path);
            }
            p = *end ? end + 3 : end;
        }
        free(text);
    }
    sl_free(&docs);
    for (int kind = 0; kind < 3; kind++)
        if (batched[kind].len)
            add_run(&g, dir, commands[kind], sb_take(&batched[kind]));
    free(dir);
    assert_true(ndocs > 0);
    assert_true(nblocks >= 2 * ndocs); /* a bad and a good example each */
    if (nskipped)
        printf("rule-docs: %zu Apptainer example(s) not linted: this env-doctor has no apptainer "
               "subcommand\n", nskipped);
    check_group(&g);
}

static const char gpu_df[] = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                             "RUN apt-get update && apt-get install -y nvidia-driver-535 \\\n"
                             " && pip install torch \"jax[cuda12]\" tensorflow-gpu==2.11.0\n"
                             "RUN pip install flash-attn --no-build-isolation\n";
static const char clean_df[] = "FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\n"
                               "RUN pip install --index-url https://download.pytorch.org/whl/cu124 "
                               "torch==2.4.0\n";

/* One run over several files: odd names (spaces, ':', '#', brackets,
 * non-ASCII, a byte that is not UTF-8), a subfolder, a clean file; every
 * example Dockerfile by absolute path (SARIF: file URIs; Code Quality:
 * made relative to the current folder, as GitLab wants); two Compose
 * projects at once. */
static void test_several_files(void **state)
{
    need_python();
    group g = {.name = "several-files"};
    char *dir = str_printf("%s/multi", tmpdir), *sub = str_printf("%s/sub dir", dir);
    assert_int_equal(mkdir(dir, 0777), 0);
    assert_int_equal(mkdir(sub, 0777), 0);
    free(sub);
    static const char *const names[] = {"gpu.Dockerfile", "odd name: \xc3\xa9 #1 [x]%20.Dockerfile",
                                        "bad\377byte.Dockerfile", "sub dir/Containerfile",
                                        "clean.Dockerfile"};
    strbuf args = {0};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *path = str_printf("%s/%s", dir, names[i]);
        const char *text = i + 1 == sizeof names / sizeof *names ? clean_df : gpu_df;
        write_bytes(path, text, strlen(text));
        free(path);
        sb_printf(&args, i ? " " : "");
        sb_quote(&args, names[i]);
    }
    add_run(&g, dir, "dockerfile", sb_take(&args))->expect_rule = "ED301";
    free(dir);

    strlist files = {0};
    list_files("examples", &files);
    for (size_t i = 0; i < files.n; i++)
        if (strstr(files.v[i], "Dockerfile")) {
            char *abs = str_printf("%s/%s", root, files.v[i]);
            sb_printf(&args, args.len ? " " : "");
            sb_quote(&args, abs);
            free(abs);
        }
    sl_free(&files);
    /* absolute paths under the current folder: Code Quality gets them relative */
    lint_run *r = add_run(&g, root, "dockerfile", sb_take(&args));
    r->expect_rule = "ED201";

    add_run(&g, root, "docker-compose", strdup("examples/compose/gpu-app examples/compose/legacy"))
        ->expect_rule = "ED401";
    check_group(&g);
}

/* Reports with nothing in them. */
static void test_zero_findings(void **state)
{
    need_python();
    group g = {.name = "zero-findings"};
    write_file("clean.Dockerfile", clean_df);
    make_dir("clean-compose");
    write_file("clean-compose/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n");
    add_run(&g, tmpdir, "dockerfile", strdup("clean.Dockerfile"))->expect_empty = true;
    add_run(&g, tmpdir, "docker-compose", strdup("clean-compose"))->expect_empty = true;
    add_run(&g, root, "dockerfile", strdup("examples/clean.Dockerfile"))->expect_empty = true;
    check_group(&g);
}

/* Files that cannot be parsed: ED001 with a position. */
static void test_unparsable(void **state)
{
    need_python();
    group g = {.name = "unparsable"};
    make_dir("bad");
    static const struct {
        const char *name;
        const char *text;
        size_t len;
    } files[] = {
        {"syntax.Dockerfile",
         "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUNN pip install torch\nENV CUDA_HOME\n"
         "COPY --chmown=1000 a /app/\nRUN <<EOF\necho unterminated\n",
         0},
        {"empty.Dockerfile", "", 0},
        {"comments.Dockerfile", "# only a comment\n", 0},
        {"binary.Dockerfile", "FROM x\0\nRUN a\n", 14},
        {"utf16.Dockerfile", "\xff\xfe" "F\0R\0O\0M\0 \0x\0\n\0", 16},
        {"broken.yaml", "services: [\n  - :\n", 0},
        {"list.yaml", "- a\n- b\n", 0},
        {"tabs.yaml", "services:\n\tweb:\n\t\timage: x\n", 0},
    };
    char *dir = str_printf("%s/bad", tmpdir);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *path = str_printf("%s/%s", dir, files[i].name);
        write_bytes(path, files[i].text, files[i].len ? files[i].len : strlen(files[i].text));
        free(path);
        add_run(&g, dir, is_compose_file(files[i].name) ? "docker-compose" : "dockerfile",
                strdup(files[i].name))
            ->expect_rule = "ED001";
    }
    free(dir);
    check_group(&g);
}

/* Standard input (`-`, reported as <stdin>), each report on standard output. */
static void test_stdin(void **state)
{
    need_python();
    group g = {.name = "stdin"};
    write_file("input.Dockerfile", gpu_df);
    write_file("input-empty.Dockerfile", "");
    lint_run *r = add_run(&g, tmpdir, "dockerfile", strdup("-"));
    r->input = str_printf("%s/input.Dockerfile", tmpdir);
    r->to_stdout = true;
    r->expect_rule = "ED301";
    r = add_run(&g, root, "dockerfile", strdup("--build-arg CUDA_VERSION=12.4.1 -"));
    r->input = str_printf("%s/examples/pyrrhus/Dockerfile.cuda", root);
    r->to_stdout = true;
    r->expect_rule = "ED102";
    r = add_run(&g, tmpdir, "dockerfile", strdup("-"));
    r->input = str_printf("%s/input-empty.Dockerfile", tmpdir);
    r->to_stdout = true;
    r->expect_rule = "ED001";
    check_group(&g);
}

/* The Multitool over every SARIF report the groups above wrote: it runs
 * last, once (see multitool_validate). */
static void test_sarif_multitool(void **state)
{
    need_python();
    if (!have_sarif)
        missing_tool("the SARIF schema and Multitool", fetch_sarif, "");
    assert_true(sarif_reports.n > 0);
    int bad = multitool_validate("sarif-multitool", &sarif_reports, &sarif_origins);
    printf("sarif-multitool: %zu SARIF report(s) checked\n", sarif_reports.n);
    fflush(stdout);
    if (bad)
        fail_msg("Sarif.Multitool found problems (above)");
}

static int setup(void **state)
{
    if (!mkdtemp(tmpdir) || !getcwd(root, sizeof root))
        return -1;
    find_tools();
    return 0;
}

static int teardown(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    free(python);
    free(fetch_sarif);
    free(sarif_schema);
    free(multitool);
    sl_free(&sarif_reports);
    sl_free(&sarif_origins);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples_dockerfiles),
        cmocka_unit_test(test_examples_compose),
        cmocka_unit_test(test_rule_doc_examples),
        cmocka_unit_test(test_several_files),
        cmocka_unit_test(test_zero_findings),
        cmocka_unit_test(test_unparsable),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_sarif_multitool),
    };
    return cmocka_run_group_tests_name("env-doctor report schemas", tests, setup, teardown);
}
