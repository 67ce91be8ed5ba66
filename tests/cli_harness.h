/* Running the env-doctor program in end-to-end tests: a temporary
 * directory, files in it, and the program's exit status and output. */
#ifndef ENVDOCTOR_TESTS_CLI_HARNESS_H
#define ENVDOCTOR_TESTS_CLI_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

typedef struct run_result {
    int status;
    char *out;
    char *err;
} run_result;

/* Each test program makes it with mkdtemp in its setup. */
static char tmpdir[] = "/tmp/env-doctor-test-XXXXXX";

static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *data = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            data = realloc(data, cap);
        }
        memcpy(data + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!data)
        data = calloc(1, 1);
    data[len] = '\0';
    return data;
}

static inline void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

/* Runs a shell command whose standard output and error go to stdout.txt
 * and stderr.txt in the temporary directory, and collects them. */
static inline run_result run_collecting(const char *cmd)
{
    int status = system(cmd);
    run_result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    char path[512];
    snprintf(path, sizeof path, "%s/stdout.txt", tmpdir);
    r.out = slurp(path);
    snprintf(path, sizeof path, "%s/stderr.txt", tmpdir);
    r.err = slurp(path);
    return r;
}

/* Runs `env-doctor ARGS` in the temporary directory (or its subdirectory
 * `dir`) with `input` on stdin and the environment prefix `env`. */
static inline run_result run_in(const char *dir, const char *env, const char *args, const char *input)
{
    write_file("stdin.txt", input ? input : "");
    /* ED_TEST_WRAPPER runs the program under a checker (tests/run sets it to
     * valgrind for `make valgrind`). */
    const char *wrapper = getenv("ED_TEST_WRAPPER");
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd %s/%s && env -u NO_COLOR %s %s %s %s <%s/stdin.txt >%s/stdout.txt 2>%s/stderr.txt",
             tmpdir, dir ? dir : ".", env ? env : "", wrapper ? wrapper : "", ED_TEST_BIN, args,
             tmpdir, tmpdir, tmpdir);
    return run_collecting(cmd);
}

static inline run_result run_env(const char *env, const char *args, const char *input)
{
    return run_in(NULL, env, args, input);
}

static inline run_result run(const char *args, const char *input)
{
    return run_in(NULL, NULL, args, input);
}

/* cmocka group setup and teardown: the temporary directory. */
static inline int harness_setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int harness_teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static inline void done(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* Makes a subdirectory of the temporary directory. */
static inline void make_dir(const char *name)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/%s", tmpdir, name);
    assert_int_equal(system(cmd), 0);
}

#endif
