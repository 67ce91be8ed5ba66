/* Inputs of a linting run, each linted by its kind (see inputs.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "envdoctor/compose.h"
#include "envdoctor/config.h"
#include "envdoctor/filekind.h"
#include "envdoctor/strmap.h"
#include "inputs.h"

const char *cli_display_name(const cli_run *r, const char *path)
{
    if (strcmp(path, "-") != 0)
        return path;
    return r->stdin_filename ? r->stdin_filename : "<stdin>";
}

bool cli_excluded(const cli_run *r, const char *path)
{
    return r->exclude && ed_config_excludes(r->exclude, cli_display_name(r, path));
}

/* The file's real path, or its name when it has none (stdin). */
static const char *identity(cli_run *r, const char *path)
{
    char real[PATH_MAX];
    if (strcmp(path, "-") == 0 || !realpath(path, real))
        return path;
    return ed_arena_strdup(r->arena, real);
}

/* The files linted so far, by identity (real path). realpath costs a
 * getcwd and a readlink per component of the path, so the set is keyed by
 * device and inode (one stat) and a real path is resolved only when two
 * paths name one inode (hard links, links, ./a and a). Paths that cannot be
 * stat'ed (standard input, missing files) are keyed by their name. */
typedef struct seen_file {
    dev_t dev;
    ino_t ino;
    bool by_name;     /* no inode: keyed by a hash of the identity */
    const char *path; /* as named */
    const char *real; /* its identity, NULL until needed */
} seen_file;

struct cli_seen {
    seen_file *slots; /* open addressing; path NULL: free */
    size_t cap, n;
};

static size_t seen_hash(const seen_file *f, size_t cap)
{
    uint64_t h = ((uint64_t)f->dev * 0x9E3779B97F4A7C15u) ^ (uint64_t)f->ino;
    h ^= h >> 29;
    return (size_t)(h * 0xBF58476D1CE4E5B9u) & (cap - 1);
}

static void seen_insert(cli_seen *set, const seen_file *f)
{
    size_t i = seen_hash(f, set->cap);
    while (set->slots[i].path)
        i = (i + 1) & (set->cap - 1);
    set->slots[i] = *f;
    set->n++;
}

/* Records the file as linted; false when it already was. */
static bool first_time(cli_run *r, const char *path)
{
    if (!r->seen)
        r->seen = ed_arena_alloc(r->arena, sizeof *r->seen);
    cli_seen *set = r->seen;
    seen_file f = {.path = path};
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0) {
        f.dev = st.st_dev;
        f.ino = st.st_ino;
    } else {
        f.real = identity(r, path);
        f.by_name = true;
        f.ino = (ino_t)ed_str_hash(f.real);
    }
    if (set->cap) {
        for (size_t i = seen_hash(&f, set->cap); set->slots[i].path; i = (i + 1) & (set->cap - 1)) {
            seen_file *o = &set->slots[i];
            if (o->by_name != f.by_name || o->dev != f.dev || o->ino != f.ino)
                continue;
            if (!o->real)
                o->real = identity(r, o->path);
            if (!f.real)
                f.real = identity(r, path);
            if (strcmp(o->real, f.real) == 0)
                return false;
        }
    }
    if (set->n * 2 >= set->cap) {
        cli_seen bigger = {.cap = set->cap ? set->cap * 2 : 16};
        bigger.slots = ed_arena_calloc(r->arena, bigger.cap, sizeof *bigger.slots);
        for (size_t i = 0; i < set->cap; i++)
            if (set->slots[i].path)
                seen_insert(&bigger, &set->slots[i]);
        *set = bigger;
    }
    f.path = ed_arena_strdup(r->arena, path); /* it may be in a file's scratch arena */
    seen_insert(set, &f);
    return true;
}

static ed_file_result *push_result(cli_run *r)
{
    r->results = ed_arena_push(r->arena, r->results, r->nresults, sizeof *r->results);
    return &r->results[r->nresults++];
}

/* Each input is linted in an arena of its own (its ASTs and models), and
 * only what the reports need of its results is kept in the run's arena
 * (ed_file_result_keep): the memory of a run grows with its inputs and
 * findings, not with the models of every file it read. The inputs
 * themselves are read into the run's arena, so that their results keep
 * them without a copy (own: the source read so; the Dockerfiles a Compose
 * file builds are read by the engine, in the scratch arena, and copied). */
static void keep_result(cli_run *r, const ed_file_result *res, const ed_source *own)
{
    ed_file_result *out = push_result(r);
    if (own && res->src == own) {
        ed_file_result bare = *res;
        bare.src = NULL;
        ed_file_result_keep(r->arena, &bare, false, out);
        out->src = own;
        return;
    }
    ed_file_result_keep(r->arena, res, r->keep_sources, out);
}

/* Reads the input into the run's arena; NULL (after a message) when it
 * cannot be read. */
static const ed_source *read_input(cli_run *r, const char *path)
{
    ed_source *src = ed_arena_alloc(r->arena, sizeof *src);
    char err[256];
    const char *display = cli_display_name(r, path);
    if (!ed_read_source(src, r->arena, r->options, path, display, false, err, sizeof err)) {
        if (!r->quiet)
            fprintf(stderr, "env-doctor: %s: %s\n", display, err);
        r->unreadable = true;
        return NULL;
    }
    return src;
}

/* Lints a file already read, in a scratch arena; keeps its result. */
static void lint_read(cli_run *r, const ed_source *src, ed_file_kind kind)
{
    ed_arena *scratch = ed_arena_new();
    ed_file_result res;
    ed_lint_matrix(scratch, src, kind, r->options, &res);
    keep_result(r, &res, src);
    ed_arena_free(scratch);
}

static void lint_one(cli_run *r, const char *path, ed_file_kind kind)
{
    if (cli_excluded(r, path) || !first_time(r, path))
        return;
    const ed_source *src = read_input(r, path);
    if (src)
        lint_read(r, src, kind);
}

void cli_lint_dockerfile_path(cli_run *r, const char *path)
{
    lint_one(r, path, ED_KIND_DOCKERFILE);
}

void cli_lint_apptainer_path(cli_run *r, const char *path)
{
    lint_one(r, path, ED_KIND_APPTAINER);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The .env beside the project's first file, when there is one. */
static const char *default_env_file(ed_arena *arena, const char *first)
{
    if (strcmp(first, "<stdin>") == 0)
        return NULL;
    const char *slash = strrchr(first, '/');
    const char *env = slash ? ed_arena_printf(arena, "%.*s/.env", (int)(slash - first), first)
                            : ".env";
    return is_file(env) ? env : NULL;
}

void cli_lint_compose_project(cli_run *r, const char *const *paths, size_t n)
{
    const ed_source **files = ed_arena_calloc(r->arena, n + 1, sizeof *files);
    size_t nfiles = 0;
    for (size_t i = 0; i < n; i++) {
        if (cli_excluded(r, paths[i]) || !first_time(r, paths[i]))
            continue;
        const ed_source *src = read_input(r, paths[i]);
        if (src)
            files[nfiles++] = src;
    }
    if (!nfiles)
        return;
    ed_arena *scratch = ed_arena_new();

    /* --env-file, else the .env beside the first file */
    cf_vars vars = {0};
    const char *env_file = r->env_file ? r->env_file : default_env_file(scratch, files[0]->path);
    if (env_file) {
        char err[256];
        if (!cf_vars_read(scratch, env_file, &vars, err, sizeof err) && r->env_file) {
            if (!r->quiet)
                fprintf(stderr, "env-doctor: %s: %s\n", env_file, err);
            r->unreadable = true;
        }
    }

    ed_options options = *r->options;
    options.compose_vars = vars.items;
    options.ncompose_vars = vars.n;
    ed_file_result *res;
    size_t nres;
    ed_lint_compose_files(scratch, files, nfiles, &options, &res, &nres);
    for (size_t i = 0; i < nres; i++) {
        /* an include or a Dockerfile shared with another project: once */
        if (i >= nfiles && res[i].path && !first_time(r, res[i].path))
            continue;
        keep_result(r, &res[i], i < nfiles ? files[i] : NULL);
    }
    ed_arena_free(scratch);
}

void cli_lint_path(cli_run *r, const char *path, ed_file_kind kind)
{
    if (cli_excluded(r, path))
        return;
    if (!kind) {
        const char *name = cli_display_name(r, path);
        kind = ed_kind_from_name(name);
        if (!kind && ed_name_may_be_apptainer(name)) {
            /* the header decides: read the file once here, lint it below */
            const ed_source *src = read_input(r, path);
            bool apptainer = src && ed_has_bootstrap_header(src->data, src->len);
            if (apptainer && first_time(r, path))
                lint_read(r, src, ED_KIND_APPTAINER);
            if (!src || apptainer)
                return;
        }
    }
    switch (kind) {
    case ED_KIND_DOCKERFILE:
        cli_lint_dockerfile_path(r, path);
        return;
    case ED_KIND_COMPOSE:
        cli_lint_compose_project(r, &path, 1);
        return;
    case ED_KIND_APPTAINER:
        cli_lint_apptainer_path(r, path);
        return;
    }
    if (!r->quiet)
        fprintf(stderr,
            "env-doctor: %s: cannot tell what kind of file this is (a Dockerfile, Compose file or "
            "Apptainer definition); name it so, or use --kind\n",
            cli_display_name(r, path));
    r->unknown_kind = true;
}

typedef struct ordered {
    ed_file_result result;
    size_t index;
} ordered;

static int compare_paths(const void *pa, const void *pb)
{
    const ordered *a = pa, *b = pb;
    int c = strcmp(a->result.path ? a->result.path : "", b->result.path ? b->result.path : "");
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

void cli_sort_results(cli_run *r)
{
    if (r->nresults < 2)
        return;
    ordered *items = ed_arena_calloc(r->arena, r->nresults, sizeof *items);
    for (size_t i = 0; i < r->nresults; i++)
        items[i] = (ordered){r->results[i], i};
    qsort(items, r->nresults, sizeof *items, compare_paths);
    for (size_t i = 0; i < r->nresults; i++)
        r->results[i] = items[i].result;
}
