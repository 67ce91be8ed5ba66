/* Hostile inputs (docs/robustness.md): every resource limit with its flag,
 * and the pathological files of the robustness issue. Each run of the
 * program is bounded by the limits of the issue, enforced rather than
 * timed: `ulimit -t 2` (a process over 2 s of CPU is killed by SIGXCPU) and
 * `ulimit -v` 256 MiB (an allocation past it fails: exit 3, never a pass).
 * Under AddressSanitizer or valgrind (ED_TEST_WRAPPER) the memory bound
 * cannot apply and the CPU bound is scaled. Each test asserts the finding
 * (rule, line, column, message) or the clean result and the exit status. */
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli_harness.h"
#include "envdoctor/utf8.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

enum { CPU_SECONDS = 2, MEMORY_KIB = 256 * 1024 };

/* `env-doctor ARGS` in the temporary directory with stdin from the file
 * `input` (NULL: empty), within the bounds. A process killed by a bound
 * exits 128 + its signal (SIGXCPU: 152), which no test accepts. */
static run_result run_bounded(const char *args, const char *input)
{
    const char *wrapper = getenv("ED_TEST_WRAPPER");
    int cpu = CPU_SECONDS;
    char memory[64] = "";
#ifdef UNDER_ASAN
    cpu *= 10;
#else
    if (wrapper)
        cpu *= 50;
    else
        snprintf(memory, sizeof memory, "ulimit -v %d;", MEMORY_KIB);
#endif
    char in[600];
    if (input)
        snprintf(in, sizeof in, "%s/%s", tmpdir, input);
    else
        snprintf(in, sizeof in, "/dev/null");
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd %s && (ulimit -t %d; %s exec env -u NO_COLOR %s %s %s) <%s >%s/stdout.txt "
             "2>%s/stderr.txt",
             tmpdir, cpu, memory, wrapper ? wrapper : "", ED_TEST_BIN, args, in, tmpdir, tmpdir);
    return run_collecting(cmd);
}

static FILE *create(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    return f;
}

static void remove_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

/* The output holds this line exactly. */
static void assert_line(const char *out, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = out; (p = strstr(p, line)); p += n)
        if ((p == out || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return;
    fail_msg("no line \"%s\" in:\n%.2000s", line, out);
}

static size_t count_lines_with(const char *out, const char *text)
{
    size_t n = 0;
    for (const char *p = out; (p = strstr(p, text)); p += strlen(text))
        n++;
    return n;
}

/* Exit 0, no finding, and the summary (on standard error) says so. */
static void assert_clean(const run_result *r)
{
    assert_int_equal(r->status, 0);
    assert_string_equal(r->out, "");
    assert_non_null(strstr(r->err, "No problems found in 1 file."));
}

/* ---- file size ---- */

static void write_comments(const char *name, size_t bytes)
{
    FILE *f = create(name);
    fputs("FROM ubuntu:22.04\n", f);
    char line[101];
    memset(line, 'x', 99);
    line[0] = '#';
    line[99] = '\n';
    line[100] = '\0';
    for (size_t n = 18; n < bytes; n += 100)
        fputs(line, f);
    fclose(f);
}

static void test_file_size_limit(void **state)
{
    (void)state;
    write_comments("big.Dockerfile", (size_t)9 << 20);
    run_result r = run_bounded("dockerfile big.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "big.Dockerfile:1:1: error: file is larger than the 8 MiB limit: not "
                       "linted (raise the limit with --max-file-size) [ED001 syntax-error]");
    done(&r);
    r = run_bounded("dockerfile --max-file-size 16M big.Dockerfile", NULL);
    assert_clean(&r);
    done(&r);
    /* a stream says nothing of its size: reading stops past the limit */
    r = run_bounded("dockerfile --stdin-filename Dockerfile -", "big.Dockerfile");
    assert_int_equal(r.status, 1);
    assert_line(r.out, "Dockerfile:1:1: error: file is larger than the 8 MiB limit: not linted "
                       "(raise the limit with --max-file-size) [ED001 syntax-error]");
    done(&r);
    remove_file("big.Dockerfile");
}

static void test_fifty_megabyte_single_line(void **state)
{
    (void)state;
    FILE *f = create("line.Dockerfile");
    fputs("FROM ubuntu:22.04\nRUN echo ", f);
    static char chunk[1 << 16];
    memset(chunk, 'a', sizeof chunk);
    for (int i = 0; i < 50 * 16; i++)
        fwrite(chunk, 1, sizeof chunk, f);
    fputs("\n", f);
    fclose(f);
    run_result r = run_bounded("dockerfile line.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "line.Dockerfile:1:1: error: file is larger than the 8 MiB limit: not "
                       "linted (raise the limit with --max-file-size) [ED001 syntax-error]");
    done(&r);
    remove_file("line.Dockerfile");
}

/* A device named on the command line reads like a stream: /dev/zero never
 * ends, so the file size limit ends it. */
static void test_device_on_the_command_line(void **state)
{
    (void)state;
    run_result r = run_bounded("dockerfile /dev/zero", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "/dev/zero:1:1: error: file is larger than the 8 MiB limit: not linted "
                       "(raise the limit with --max-file-size) [ED001 syntax-error]");
    done(&r);
    r = run_bounded("dockerfile --max-file-size 64K /dev/zero", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "/dev/zero:1:1: error: file is larger than the 64 KiB limit: not linted "
                       "(raise the limit with --max-file-size) [ED001 syntax-error]");
    done(&r);
}

/* ---- line length ---- */

static void test_line_length_limit(void **state)
{
    (void)state;
    FILE *f = create("long.Dockerfile");
    fputs("FROM ubuntu:22.04\nRUN echo ", f);
    for (size_t i = 0; i < ((size_t)2 << 20); i++)
        fputc('a', f);
    fputs("\n", f);
    fclose(f);
    run_result r = run_bounded("dockerfile long.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "long.Dockerfile:2:1: error: line 2 is 2097162 bytes long, over the 1 MiB "
                       "limit: the file is not linted (raise the limit with --max-line-length) "
                       "[ED001 syntax-error]");
    done(&r);
    r = run_bounded("dockerfile --max-line-length 4M long.Dockerfile", NULL);
    assert_clean(&r);
    done(&r);
}

/* ---- instructions and heredocs ---- */

static void test_instruction_limit(void **state)
{
    (void)state;
    FILE *f = create("many.Dockerfile");
    fputs("FROM ubuntu:22.04\n", f);
    for (int i = 0; i < 100000; i++)
        fputs("RUN true\n", f);
    fclose(f);
    run_result r = run_bounded("dockerfile many.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "many.Dockerfile:100001:1: error: more than 100000 instructions (the "
                       "limit): the file is not linted (raise the limit with --max-instructions) "
                       "[ED001 syntax-error]");
    assert_int_equal(count_lines_with(r.out, "[ED"), 1);
    done(&r);
    write_file("few.Dockerfile", "FROM ubuntu:22.04\nRUN true\nRUN true\nCMD [\"true\"]\n");
    r = run_bounded("dockerfile --max-instructions 3 few.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "few.Dockerfile:4:1: error: more than 3 instructions (the limit): the "
                       "file is not linted (raise the limit with --max-instructions) [ED001 "
                       "syntax-error]");
    done(&r);
    r = run_bounded("dockerfile --max-instructions 4 few.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    /* Apptainer: sections; reading stops at the first past the limit */
    f = create("many.def");
    fputs("Bootstrap: docker\nFrom: ubuntu:22.04\n", f);
    for (int i = 0; i < 1000000; i++)
        fputs("%post\n", f);
    fclose(f);
    r = run_bounded("apptainer many.def", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "many.def:100002:1: error: more than 100000 sections (the limit): the "
                       "file is not linted (raise the limit with --max-instructions) [ED001 "
                       "syntax-error]");
    assert_int_equal(count_lines_with(r.out, "[ED"), 1);
    done(&r);
    remove_file("many.def");
    remove_file("many.Dockerfile");
}

static void test_heredoc_limit(void **state)
{
    (void)state;
    /* 1,001 heredocs on one RUN, each with its body */
    FILE *f = create("heredocs.Dockerfile");
    fputs("FROM ubuntu:22.04\nRUN cat", f);
    size_t column = 7, at1001 = 0;
    for (int i = 0; i < 1001; i++) {
        if (i == 1000)
            at1001 = column + 1;
        column += (size_t)fprintf(f, " <<E%d", i);
    }
    fputs("\n", f);
    for (int i = 0; i < 1001; i++)
        fprintf(f, "body\nE%d\n", i);
    fclose(f);
    run_result r = run_bounded("dockerfile heredocs.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    char expected[512];
    snprintf(expected, sizeof expected,
             "heredocs.Dockerfile:2:%zu: error: more than 1000 heredocs (the limit): the file is "
             "not linted (raise the limit with --max-heredocs) [ED001 syntax-error]",
             at1001 + 1);
    assert_line(r.out, expected);
    done(&r);
    r = run_bounded("dockerfile --max-heredocs 2000 heredocs.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    /* 200,000 unterminated heredocs on one line */
    f = create("unterminated.Dockerfile");
    fputs("FROM ubuntu:22.04\nRUN", f);
    for (int i = 0; i < 200000; i++)
        fputs(" <<A", f);
    fputs("\n", f);
    fclose(f);
    r = run_bounded("dockerfile unterminated.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "unterminated.Dockerfile:2:4005: error: more than 1000 heredocs (the "
                       "limit): the file is not linted (raise the limit with --max-heredocs) "
                       "[ED001 syntax-error]");
    done(&r);
}

/* ---- YAML ---- */

static void test_yaml_depth_limit(void **state)
{
    (void)state;
    FILE *f = create("deep.yaml");
    fputs("services:\n  app:\n    image: nginx\n    labels: ", f);
    for (int i = 0; i < 100000; i++)
        fputc('[', f);
    for (int i = 0; i < 100000; i++)
        fputc(']', f);
    fputs("\n", f);
    fclose(f);
    run_result r = run_bounded("compose deep.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "deep.yaml:4:522: error: nesting deeper than 512 (raise the limit with "
                       "--max-yaml-depth) [ED001 syntax-error]");
    done(&r);
    f = create("deep600.yaml");
    fputs("services:\n  app:\n    image: nginx\n    x-deep: ", f);
    for (int i = 0; i < 600; i++)
        fputc('[', f);
    for (int i = 0; i < 600; i++)
        fputc(']', f);
    fputs("\n", f);
    fclose(f);
    r = run_bounded("compose deep600.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(count_lines_with(r.out, "nesting deeper than 512"), 1);
    done(&r);
    r = run_bounded("compose --max-yaml-depth 1000 deep600.yaml", NULL);
    assert_clean(&r);
    done(&r);
}

/* Billion laughs: nine levels of ten aliases stand for 10^9 nodes. */
static void test_yaml_alias_bomb(void **state)
{
    (void)state;
    FILE *f = create("bomb.yaml");
    fputs("x-a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", "
          "\"lol\", \"lol\"]\n",
          f);
    for (char c = 'b'; c <= 'j'; c++) {
        fprintf(f, "x-%c: &%c [", c, c);
        for (int i = 0; i < 10; i++)
            fprintf(f, "%s*%c", i ? ", " : "", c - 1);
        fputs("]\n", f);
    }
    fputs("services:\n  app:\n    image: nginx\n", f);
    fclose(f);
    run_result r = run_bounded("compose bomb.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "bomb.yaml:6:38: error: alias expansion exceeds 1000000 nodes (raise the "
                       "limit with --max-yaml-aliases) [ED001 syntax-error]");
    done(&r);
    r = run_bounded("compose --max-yaml-aliases 100 bomb.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "bomb.yaml:2:46: error: alias expansion exceeds 100 nodes (raise the "
                       "limit with --max-yaml-aliases) [ED001 syntax-error]");
    done(&r);
}

static void write_interpolation(const char *name, int depth)
{
    FILE *f = create(name);
    fputs("services:\n  app:\n    image: \"", f);
    for (int i = 0; i < depth; i++)
        fputs("${TAG:-", f);
    fputs("nginx", f);
    for (int i = 0; i < depth; i++)
        fputc('}', f);
    fputs("\"\n", f);
    fclose(f);
}

static void test_interpolation_depth_limit(void **state)
{
    (void)state;
    write_interpolation("interp.yaml", 100000);
    run_result r = run_bounded("compose interp.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "interp.yaml:3:12: error: ${...} nested 100000 levels deep, over the "
                       "limit of 64: not interpolated (raise the limit with "
                       "--max-interpolation-depth) [ED001 syntax-error]");
    done(&r);
    write_interpolation("interp70.yaml", 70);
    r = run_bounded("compose interp70.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(count_lines_with(r.out, "nested 70 levels deep"), 1);
    done(&r);
    r = run_bounded("compose --max-interpolation-depth 100 interp70.yaml", NULL);
    assert_clean(&r);
    done(&r);
}

static void test_limit_flag_errors(void **state)
{
    (void)state;
    write_file("Dockerfile", "FROM ubuntu:22.04\n");
    static const struct {
        const char *args, *message;
    } cases[] = {
        {"dockerfile --max-file-size 0 Dockerfile",
         "--max-file-size takes a size in bytes, with K, M or G for KiB, MiB or GiB (e.g. 64M)"},
        {"dockerfile --max-file-size 12X Dockerfile",
         "--max-file-size takes a size in bytes, with K, M or G for KiB, MiB or GiB (e.g. 64M)"},
        {"dockerfile --max-line-length Dockerfile",
         "--max-line-length takes a size in bytes, with K, M or G for KiB, MiB or GiB (e.g. "
         "64M)"},
        {"dockerfile --max-instructions -5 Dockerfile",
         "--max-instructions takes a number from 1 to"},
        {"compose --max-yaml-depth 10001 compose.yaml",
         "--max-yaml-depth takes a number from 1 to 10000"},
        {"compose --max-interpolation-depth 1k compose.yaml",
         "--max-interpolation-depth takes a number from 1 to 10000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_result r = run_bounded(cases[i].args, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, cases[i].message));
        done(&r);
    }
    /* the forms a size takes */
    static const char *const sizes[] = {"8388608", "8192K", "8M", "8MiB", "1G"};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char args[128];
        snprintf(args, sizeof args, "dockerfile --max-file-size %s Dockerfile", sizes[i]);
        run_result r = run_bounded(args, NULL);
        assert_int_equal(r.status, 0);
        done(&r);
    }
}

/* limits: in .env-doctor.yaml, under the command line's flags */
static void test_limits_in_the_configuration(void **state)
{
    (void)state;
    make_dir("configured");
    write_file("configured/.env-doctor.yaml", "limits:\n  max-instructions: 2\n");
    write_file("configured/Dockerfile", "FROM ubuntu:22.04\nRUN true\nRUN true\n");
    run_result r = run_bounded("dockerfile configured/Dockerfile --config "
                               "configured/.env-doctor.yaml",
                               NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "configured/Dockerfile:3:1: error: more than 2 instructions (the limit): "
                       "the file is not linted (raise the limit with --max-instructions) [ED001 "
                       "syntax-error]");
    done(&r);
    r = run_bounded("dockerfile configured/Dockerfile --config configured/.env-doctor.yaml "
                    "--max-instructions 3",
                    NULL);
    assert_clean(&r);
    done(&r);
    /* a flag for another limit leaves the configuration's in place */
    r = run_bounded("dockerfile configured/Dockerfile --config configured/.env-doctor.yaml "
                    "--max-heredocs 5",
                    NULL);
    assert_int_equal(r.status, 1);
    done(&r);
}

/* ---- pathological Dockerfiles ---- */

static void test_deeply_nested_substitutions(void **state)
{
    (void)state;
    static const char *const opens[] = {"$( ( ", "$(", "`echo ", "${A:-"};
    static const char *const closes[] = {" ) )", ")", "`", "}"};
    for (size_t k = 0; k < 4; k++) {
        FILE *f = create("nested.Dockerfile");
        fputs("FROM ubuntu:22.04\nRUN ", f);
        int depth = k == 0 ? 100000 : 150000;
        for (int i = 0; i < depth; i++)
            fputs(opens[k], f);
        fputs("true", f);
        for (int i = 0; i < depth; i++)
            fputs(closes[k], f);
        fputs("\n", f);
        fclose(f);
        run_result r = run_bounded("dockerfile --max-line-length 2M nested.Dockerfile", NULL);
        assert_clean(&r);
        done(&r);
    }
    remove_file("nested.Dockerfile");
}

/* Shells whose -c payloads hold unclosed substitutions holding more shells:
 * each payload was split again at every level (20 KB took 10 s). */
static void test_nested_shell_payloads(void **state)
{
    (void)state;
    FILE *f = create("payloads.Dockerfile");
    fputs("FROM ubuntu:22.04\nRUN <<EOF\n", f);
    for (int i = 0; i < 10000; i++)
        fputs("sh -c x$(sh -c y$( \n", f);
    fputs("EOF\n", f);
    fclose(f);
    run_result r = run_bounded("dockerfile payloads.Dockerfile", NULL);
    assert_clean(&r);
    done(&r);
    remove_file("payloads.Dockerfile");
}

/* Many installs in one stage: each looked back over every instruction
 * before it for a pip.conf (30,000 took 3.5 s); a matrix merged each
 * combination's findings by scanning all the findings so far. Found by a
 * sweep of 2,500 against 10,000 copies of each kind of line. */
static void write_installs(const char *name, int n, const char *each)
{
    FILE *f = create(name);
    fputs("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n", f);
    for (int i = 0; i < n; i++)
        fputs(each, f);
    fclose(f);
}

static void test_thirty_thousand_installs(void **state)
{
    (void)state;
    write_installs("installs.Dockerfile", 30000, "RUN pip install torch\n");
    run_result r = run_bounded("dockerfile installs.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(count_lines_with(r.out, "[ED201 torch-missing-index-url]"), 30000);
    done(&r);
    write_installs("installs.Dockerfile", 10000, "RUN pip install torch\n");
    r = run_bounded("dockerfile --build-arg-matrix A=1,2,3,4 installs.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(count_lines_with(r.out, "[ED201 torch-missing-index-url]"), 10000);
    done(&r);
    /* each finding was checked against every pragma (40,000 took 5.2 s) */
    write_installs("installs.Dockerfile", 30000,
                   "# env-doctor ignore=ED201,ED210\nRUN pip install torch\n");
    r = run_bounded("dockerfile installs.Dockerfile", NULL);
    assert_clean(&r);
    done(&r);
    /* each -r file missing from the context was looked for in every COPY
     * before the command */
    write_installs("installs.Dockerfile", 60000, "RUN pip install -r requirements.txt\n");
    r = run_bounded("dockerfile installs.Dockerfile", NULL);
    assert_clean(&r);
    done(&r);
    remove_file("installs.Dockerfile");
}

/* 60,000 pragmas stacked above one RUN, a bare '#' in the middle: each
 * pragma looked for its instruction from the first one, and checked every
 * line below it (40,000 stacked took 4.2 s). Found by `make bench-sweep`. */
static void test_stacked_pragmas(void **state)
{
    (void)state;
    FILE *f = create("stacked.Dockerfile");
    fputs("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n", f);
    for (int i = 0; i < 30000; i++)
        fputs("# env-doctor ignore=ED201\n", f);
    fputs("#\n", f); /* the pragmas above it attach to nothing */
    for (int i = 0; i < 30000; i++)
        fputs("# env-doctor ignore=ED210\n", f);
    fputs("RUN pip install torch\n", f);
    fclose(f);
    run_result r = run_bounded("dockerfile stacked.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(count_lines_with(r.out, "[ED201 torch-missing-index-url]"), 1);
    assert_int_equal(count_lines_with(r.out, "[ED210"), 0);
    assert_int_equal(count_lines_with(r.out, "it is not directly above an instruction"), 30000);
    assert_int_equal(count_lines_with(r.out, "[ED"), 30001);
    done(&r);
    remove_file("stacked.Dockerfile");
}

/* A pragma above each of 20,000 services: each pragma walked every tree
 * to find its key, and each comment was compared with all before it. */
static void test_twenty_thousand_compose_pragmas(void **state)
{
    (void)state;
    FILE *f = create("compose.yaml");
    fputs("services:\n", f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "  # env-doctor ignore=ED401\n  s%d:\n    image: python:3.12\n"
                   "    runtime: nvidia\n", i);
    fclose(f);
    run_result r = run_bounded("compose compose.yaml", NULL);
    assert_clean(&r);
    done(&r);
    remove_file("compose.yaml");
}

static void test_ten_thousand_stages(void **state)
{
    (void)state;
    FILE *f = create("stages.Dockerfile");
    for (int i = 0; i < 10000; i++)
        fprintf(f, "FROM ubuntu:22.04 AS s%d\nRUN echo %d\n", i, i);
    fclose(f);
    run_result r = run_bounded("dockerfile stages.Dockerfile", NULL);
    assert_clean(&r);
    done(&r);
    /* a chain: each stage built on the one before */
    f = create("chain.Dockerfile");
    fputs("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS s0\n", f);
    for (int i = 0; i < 10000; i++)
        fprintf(f, "FROM s%d AS s%d\nENV V%d=%d\n", i, i + 1, i, i);
    fclose(f);
    r = run_bounded("dockerfile chain.Dockerfile", NULL);
    assert_clean(&r);
    done(&r);
    /* every stage wants a GPU it cannot have: 10,000 findings */
    f = create("gpu.Dockerfile");
    for (int i = 0; i < 10000; i++)
        fprintf(f, "FROM ubuntu:22.04 AS s%d\nRUN nvcc --version\n", i);
    fclose(f);
    r = run_bounded("dockerfile gpu.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(count_lines_with(r.out, "[ED105 cuda-build-on-runtime-image]"), 10000);
    assert_non_null(strstr(r.out, "gpu.Dockerfile:20000:5: error: nvcc is run"));
    done(&r);
}

/* ---- bytes that are not text ---- */

static bool valid_utf8(const char *s)
{
    for (size_t len = strlen(s), i = 0; i < len;) {
        size_t width;
        if (ed_utf8_decode(s + i, len - i, &width) == 0xFFFD &&
            memcmp(s + i, "\xEF\xBF\xBD", width < 3 ? width : 3) != 0)
            return false;
        i += width;
    }
    return true;
}

static void test_invalid_utf8_everywhere(void **state)
{
    (void)state;
    static const struct {
        const char *name, *head, *kind;
    } files[] = {
        {"bad.Dockerfile", "FROM ubuntu:22.04\nRUN pip install torch\n", "dockerfile"},
        {"bad.yaml", "services:\n  app:\n    image: nginx\n", "compose"},
        /* junk in the header (in %post it would be shell text, not an error) */
        {"bad.def", "Bootstrap: docker\nFrom: ubuntu:22.04\n", "apptainer"},
    };
    unsigned seed = 7;
    for (size_t k = 0; k < 3; k++) {
        FILE *f = create(files[k].name);
        fputs(files[k].head, f);
        for (int line = 0; line < 2000; line++) {
            for (int i = 0; i < 60; i++) {
                seed = seed * 1103515245u + 12345u;
                fputc(0x80 | (int)((seed >> 16) & 0x7F), f);
            }
            fputs(line % 3 == 0 ? " \xff\xfe\xc3\x28 \xe2\x82 \xf0\x9f\x98\n" : "\n", f);
        }
        fclose(f);
        char args[256];
        snprintf(args, sizeof args, "%s --format json %s", files[k].kind, files[k].name);
        run_result r = run_bounded(args, NULL);
        if (r.status != 1)
            fail_msg("%s: exit %d: %.300s", files[k].name, r.status, r.out);
        /* the report is valid JSON, and valid UTF-8, whatever the file held */
        json_error_t error;
        json_t *report = json_loads(r.out, 0, &error);
        if (!report)
            fail_msg("%s: JSON report does not parse: %s", files[k].name, error.text);
        assert_true(valid_utf8(r.out));
        json_t *findings = json_object_get(json_array_get(json_object_get(report, "files"), 0),
                                           "findings");
        assert_true(json_array_size(findings) >= 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(findings, 0), "rule")),
                            "ED001");
        json_decref(report);
        done(&r);
        /* the text report too */
        snprintf(args, sizeof args, "%s %s", files[k].kind, files[k].name);
        r = run_bounded(args, NULL);
        assert_int_equal(r.status, 1);
        assert_true(valid_utf8(r.out));
        done(&r);
    }
}

static void test_nul_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *name, *kind;
        const char *text;
        size_t len;
        const char *line;
    } files[] = {
        {"nul.Dockerfile", "dockerfile", "FROM ubuntu\nRUN echo a\0b\n", 24,
         "nul.Dockerfile:2:11: error: file is not text (contains a NUL byte) [ED001 "
         "syntax-error]"},
        {"nul.yaml", "compose", "services:\n  a:\n    image: x\0y\n", 28,
         "nul.yaml:3:13: error: file is not text (contains a NUL byte) [ED001 syntax-error]"},
        {"nul.def", "apptainer", "Bootstrap: docker\nFrom: ubuntu\n%post\n  echo \0\n", 45,
         "nul.def:4:8: error: file is not text (contains a NUL byte) [ED001 syntax-error]"},
    };
    for (size_t k = 0; k < 3; k++) {
        FILE *f = create(files[k].name);
        fwrite(files[k].text, 1, files[k].len, f);
        fclose(f);
        char args[256];
        snprintf(args, sizeof args, "%s %s", files[k].kind, files[k].name);
        run_result r = run_bounded(args, NULL);
        assert_int_equal(r.status, 1);
        assert_line(r.out, files[k].line);
        done(&r);
    }
}

/* ---- files that are not plain files ---- */

static void test_directory_fifo_and_unreadable(void **state)
{
    (void)state;
    make_dir("folder.Dockerfile");
    run_result r = run_bounded("dockerfile folder.Dockerfile", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "env-doctor: folder.Dockerfile: is a directory"));
    done(&r);

    /* a FIFO that no one writes to reads as empty: no wait */
    char path[512];
    snprintf(path, sizeof path, "%s/fifo.Dockerfile", tmpdir);
    assert_int_equal(mkfifo(path, 0600), 0);
    r = run_bounded("dockerfile fifo.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "fifo.Dockerfile:1:1: error: file with no instructions [ED001 syntax-error]");
    done(&r);

    /* /proc/self/mem opens, but reading its first page fails */
    r = run_bounded("dockerfile /proc/self/mem", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "env-doctor: /proc/self/mem: read error: "));
    done(&r);

    if (geteuid() != 0) { /* root reads whatever the mode says */
        write_file("secret.Dockerfile", "FROM ubuntu\n");
        snprintf(path, sizeof path, "%s/secret.Dockerfile", tmpdir);
        assert_int_equal(chmod(path, 0), 0);
        r = run_bounded("dockerfile secret.Dockerfile", NULL);
        assert_int_equal(r.status, 3);
        assert_non_null(strstr(r.err, "env-doctor: secret.Dockerfile: cannot open: Permission "
                                      "denied"));
        done(&r);
    }
}

/* A Compose file may name any path: devices and FIFOs are not read. */
static void test_compose_names_devices_and_fifos(void **state)
{
    (void)state;
    make_dir("devices");
    char path[512];
    snprintf(path, sizeof path, "%s/devices/pipe", tmpdir);
    assert_int_equal(mkfifo(path, 0600), 0);
    static const char *const files[] = {
        "include:\n  - /dev/zero\nservices:\n  app:\n    image: nginx\n",
        "include:\n  - pipe\nservices:\n  app:\n    image: nginx\n",
        "services:\n  app:\n    extends:\n      file: /dev/zero\n      service: base\n",
        "services:\n  app:\n    extends:\n      file: pipe\n      service: base\n",
        "services:\n  app:\n    build:\n      context: /dev\n      dockerfile: zero\n",
        "services:\n  app:\n    build:\n      context: .\n      dockerfile: pipe\n",
        "services:\n  app:\n    image: nginx\n    env_file: /dev/zero\n",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        write_file("devices/compose.yaml", files[i]);
        run_result r = run_bounded("compose devices/compose.yaml", NULL);
        assert_clean(&r);
        done(&r);
    }
}

/* A file that grows all the time it is read: the read ends at the end it
 * finds, or at the size limit, and the lint with it. */
static void test_file_growing_while_read(void **state)
{
    (void)state;
    write_file("growing.Dockerfile", "FROM ubuntu:22.04\n");
    char path[512];
    snprintf(path, sizeof path, "%s/growing.Dockerfile", tmpdir);
    pid_t writer = fork();
    assert_true(writer >= 0);
    if (writer == 0) {
        int fd = open(path, O_WRONLY | O_APPEND);
        static const char line[] = "RUN echo growing\n";
        for (int i = 0; i < 2000000 && fd >= 0; i++)
            if (write(fd, line, sizeof line - 1) < 0)
                break;
        _exit(0);
    }
    for (int i = 0; i < 5; i++) {
        run_result r = run_bounded("dockerfile growing.Dockerfile", NULL);
        if (r.status != 0 && r.status != 1)
            fail_msg("exit %d: %s", r.status, r.err);
        done(&r);
    }
    kill(writer, SIGKILL);
    waitpid(writer, NULL, 0);
    remove_file("growing.Dockerfile");
}

/* ---- Apptainer ---- */

static void test_apptainer_substitution_bomb(void **state)
{
    (void)state;
    FILE *f = create("bomb.def");
    fputs("Bootstrap: docker\nFrom: ubuntu:22.04\n%arguments\n    X=", f);
    for (int i = 0; i < 100000; i++)
        fputc('x', f);
    fputs("\n%post\n", f);
    for (int line = 0; line < 20; line++) {
        fputs("    echo ", f);
        for (int i = 0; i < 10000; i++)
            fputs("{{X}}", f);
        fputs("\n", f);
    }
    fclose(f);
    run_result r = run_bounded("apptainer bomb.def", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(count_lines_with(r.out, "{{ }} substitution would more than double the "
                                             "file"),
                     1);
    assert_non_null(strstr(r.out, "bomb.def:6:"));
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_size_limit),
        cmocka_unit_test(test_fifty_megabyte_single_line),
        cmocka_unit_test(test_device_on_the_command_line),
        cmocka_unit_test(test_line_length_limit),
        cmocka_unit_test(test_instruction_limit),
        cmocka_unit_test(test_heredoc_limit),
        cmocka_unit_test(test_yaml_depth_limit),
        cmocka_unit_test(test_yaml_alias_bomb),
        cmocka_unit_test(test_interpolation_depth_limit),
        cmocka_unit_test(test_limit_flag_errors),
        cmocka_unit_test(test_limits_in_the_configuration),
        cmocka_unit_test(test_deeply_nested_substitutions),
        cmocka_unit_test(test_nested_shell_payloads),
        cmocka_unit_test(test_thirty_thousand_installs),
        cmocka_unit_test(test_stacked_pragmas),
        cmocka_unit_test(test_twenty_thousand_compose_pragmas),
        cmocka_unit_test(test_ten_thousand_stages),
        cmocka_unit_test(test_invalid_utf8_everywhere),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_directory_fifo_and_unreadable),
        cmocka_unit_test(test_compose_names_devices_and_fifos),
        cmocka_unit_test(test_file_growing_while_read),
        cmocka_unit_test(test_apptainer_substitution_bomb),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
