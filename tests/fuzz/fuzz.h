/* The fuzz targets (docs/robustness.md). Each tests/fuzz/fuzz_X.c defines
 * `int fuzz_X(const uint8_t *data, size_t size)`, the whole body of the
 * target, and, when built with -DED_LIBFUZZER, the libFuzzer entry points
 * that call it; tests/test_fuzz_regressions.c includes the same files to run
 * the saved crashing inputs through the same code without clang.
 *
 * Every run: a fresh arena freed at the end (leaks show), the code under
 * test run with the current directory set to an empty folder that no
 * longer exists (relative paths named in the input - requirements files,
 * Dockerfiles of compose services, include: and extends: files - find
 * nothing there), and
 * standard input replaced by a pipe holding one byte, which must still be
 * there afterwards: a lint never reads standard input unless told to.
 * Absolute paths in the input are read as env-doctor would read them. */
#ifndef ENVDOCTOR_FUZZ_H
#define ENVDOCTOR_FUZZ_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "envdoctor/arena.h"
#include "envdoctor/engine.h"
#include "envdoctor/source.h"

int fuzz_dockerfile(const uint8_t *data, size_t size);
int fuzz_shell(const uint8_t *data, size_t size);
int fuzz_compose(const uint8_t *data, size_t size);
int fuzz_apptainer(const uint8_t *data, size_t size);
int fuzz_config(const uint8_t *data, size_t size);
int fuzz_lint(const uint8_t *data, size_t size);
int fuzz_fix(const uint8_t *data, size_t size);
int fuzz_ignore(const uint8_t *data, size_t size);

/* A broken invariant: a crash the fuzzer reports, with the input saved. */
#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

typedef struct fuzz_env {
    int sandbox; /* the empty folder the code under test runs in */
    int home;    /* the current directory before, to return to */
    bool ready;
} fuzz_env;

/* The process-wide sandbox (one per process, made on first use). */
static inline fuzz_env *fuzz_env_get(void)
{
    static fuzz_env env;
    return &env;
}

/* Standard input: a pipe holding one byte, write end closed. */
static inline void fuzz_plug_stdin(void)
{
    int p[2];
    if (pipe(p) != 0 || write(p[1], "x", 1) != 1) {
        perror("fuzz: pipe");
        abort();
    }
    close(p[1]);
    if (dup2(p[0], 0) < 0) {
        perror("fuzz: dup2");
        abort();
    }
    close(p[0]);
    clearerr(stdin);
}

static inline int fuzz_open_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        perror("fuzz: open");
        abort();
    }
    return fd;
}

/* The sandbox is a new folder, removed at once: the process keeps it open
 * and works in it, nothing can be created in it, and nothing is left
 * behind however the process ends. */
static inline void fuzz_init(void)
{
    fuzz_env *e = fuzz_env_get();
    if (e->ready)
        return;
    char dir[64];
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > sizeof dir - 20)
        tmp = "/tmp";
    snprintf(dir, sizeof dir, "%s/ed-fuzz-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    e->sandbox = fuzz_open_dir(dir);
    rmdir(dir);
    e->home = fuzz_open_dir(".");
    fuzz_plug_stdin();
    e->ready = true;
}

/* Around the code under test: into the empty folder, and back. */
static inline void fuzz_enter(void)
{
    fuzz_init();
    if (fchdir(fuzz_env_get()->sandbox) != 0) {
        perror("fuzz: fchdir");
        abort();
    }
}

static inline void fuzz_leave(void)
{
    int avail = 0;
    /* the byte in the pipe is still there: standard input was not read */
    FUZZ_CHECK(ioctl(0, FIONREAD, &avail) == 0 && avail == 1);
    if (fchdir(fuzz_env_get()->home) != 0) {
        perror("fuzz: fchdir");
        abort();
    }
}

/* The input as a source in the arena (NUL-terminated, as sources are). */
static inline ed_source *fuzz_source(ed_arena *arena, const char *path, const uint8_t *data,
                                     size_t size)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    char *copy = ed_arena_strndup(arena, size ? (const char *)data : "", size);
    ed_source_init(src, arena, path, copy, size);
    return src;
}

/* What every lint result promises: findings with a rule and a message, at
 * byte ranges inside their file, sorted by position, fixes inside it too. */
static inline void fuzz_check_results(const ed_file_result *results, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ed_file_result *r = &results[i];
        FUZZ_CHECK(r->src != NULL && r->path != NULL);
        for (size_t k = 0; k < r->nfindings; k++) {
            const ed_finding *f = &r->findings[k];
            FUZZ_CHECK(f->rule != NULL && f->message != NULL);
            FUZZ_CHECK(f->start <= f->end && f->end <= r->src->len);
            FUZZ_CHECK(f->begin.line >= 1 && f->begin.column >= 1);
            FUZZ_CHECK(f->begin.line < f->finish.line ||
                       (f->begin.line == f->finish.line && f->begin.column <= f->finish.column));
            if (k)
                FUZZ_CHECK(r->findings[k - 1].begin.line < f->begin.line ||
                           (r->findings[k - 1].begin.line == f->begin.line &&
                            r->findings[k - 1].begin.column <= f->begin.column));
            if (f->fix)
                FUZZ_CHECK(f->fix->start <= f->fix->end && f->fix->end <= r->src->len);
        }
    }
}

/* The options of the targets that lint as the CLI does (lint, fix): a
 * build arg, the Compose interpolation variables, --gpu, and with `matrix`
 * a build-arg matrix of two combinations (CUDA_VERSION). */
static inline void fuzz_options(ed_options *o, int gpu, bool matrix)
{
    static const char *const args[] = {"PYTHON_VERSION=3.11"};
    static const char *const cuda[] = {"11.8.0", "12.4.1"};
    static const ed_matrix_axis axes[] = {{"CUDA_VERSION", cuda, 2}};
    static const char *const vars[] = {"CUDA_VERSION=12.4.1", "GPU_COUNT=1", "TAG="};
    memset(o, 0, sizeof *o);
    o->gpu = gpu;
    o->build_args = args;
    o->nbuild_args = 1;
    o->compose_vars = vars;
    o->ncompose_vars = sizeof vars / sizeof *vars;
    if (matrix) {
        o->matrix = axes;
        o->nmatrix = 1;
    }
}

#ifdef ED_LIBFUZZER
#define FUZZ_ENTRY(fn)                                                                       \
    int LLVMFuzzerInitialize(int *argc, char ***argv);                                       \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                            \
    int LLVMFuzzerInitialize(int *argc, char ***argv)                                        \
    {                                                                                        \
        (void)argc;                                                                          \
        (void)argv;                                                                          \
        fuzz_init();                                                                         \
        return 0;                                                                            \
    }                                                                                        \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fn(data, size); }
#else
#define FUZZ_ENTRY(fn)
#endif

#endif
