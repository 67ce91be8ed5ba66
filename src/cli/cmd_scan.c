/* `env-doctor scan [DIR...]`: find every Dockerfile, Compose file and
 * Apptainer definition under the folders (default: the current one) and
 * lint them on several threads. Compose projects go first: a Dockerfile a
 * service builds is linted once, as part of the first project (in path
 * order) that builds it, with its services' build args; the others after.
 * The report lists the files by path, the same whatever the number of
 * threads. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envdoctor/scan.h"
#include "envdoctor/strmap.h"
#include "lint_main.h"
#include "parallel.h"

/* One unit of work: a Compose project (its files) or one other file. */
typedef struct job {
    const char **paths;
    const char **reals; /* the paths' real paths, as the walk found them */
    size_t npaths;
    ed_file_kind kind;
    /* what the job produced, kept in its worker's arena once linted */
    ed_file_result *results;
    const char **ids; /* each result's identity: its real path ("" for none) */
    size_t nresults;
    bool unreadable, unknown_kind;
} job;

typedef struct scan {
    cli_run *main;
    const cli_args *args;
    job *jobs;
    size_t njobs;
    bool progress; /* a progress line on standard error */
    /* one arena per worker thread for what the reports need of its jobs */
    ed_arena **keep;
} scan;

/* A result's identity: the walk's real path for the job's own files, else
 * (a Dockerfile a Compose project builds) its real path, or its name. */
static const char *identity(ed_arena *arena, const job *j, const char *path)
{
    for (size_t i = 0; i < j->npaths; i++)
        if (strcmp(j->paths[i], path) == 0)
            return j->reals[i];
    char real[PATH_MAX];
    return realpath(path, real) ? ed_arena_strdup(arena, real) : path;
}

/* A job's run allocates in its worker's arena, which keeps only what the
 * reports need of each file (inputs.c lints every file in an arena of its
 * own and frees it). */
static void run_job(void *ctx, size_t i, unsigned worker)
{
    scan *s = ctx;
    job *j = &s->jobs[i];
    ed_arena *keep = s->keep[worker];
    cli_run r = {.arena = keep,
                 .options = s->main->options,
                 .env_file = s->args->env_file,
                 .quiet = s->main->quiet,
                 .keep_sources = s->main->keep_sources};
    if (j->kind == ED_KIND_COMPOSE)
        cli_lint_compose_project(&r, j->paths, j->npaths);
    else
        cli_lint_path(&r, j->paths[0], j->kind);
    j->nresults = r.nresults;
    j->results = r.results;
    j->ids = ed_arena_calloc(keep, r.nresults ? r.nresults : 1, sizeof *j->ids);
    for (size_t k = 0; k < r.nresults; k++)
        j->ids[k] = j->results[k].path ? identity(keep, j, j->results[k].path) : "";
    j->unreadable = r.unreadable;
    j->unknown_kind = r.unknown_kind;
}

static void show_progress(void *ctx, size_t done, size_t n)
{
    scan *s = ctx;
    if (!s->progress)
        return;
    if (done < n)
        fprintf(stderr, "\r\033[Kenv-doctor: linted %zu of %zu files", done, n);
    else
        fputs("\r\033[K", stderr);
}

static const char *folder_of(ed_arena *arena, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? ed_arena_strndup(arena, path, (size_t)(slash - path)) : ".";
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Compose's default names: the main file and the override, in lookup order. */
static int main_rank(const char *base)
{
    static const char *const mains[] = {"compose.yaml", "compose.yml", "docker-compose.yml",
                                        "docker-compose.yaml"};
    for (int i = 0; i < 4; i++)
        if (strcmp(base, mains[i]) == 0)
            return i;
    return -1;
}

static int override_rank(const char *base)
{
    static const char *const overrides[] = {"compose.override.yml", "compose.override.yaml",
                                            "docker-compose.override.yml",
                                            "docker-compose.override.yaml"};
    for (int i = 0; i < 4; i++)
        if (strcmp(base, overrides[i]) == 0)
            return i;
    return -1;
}

static job *add_job(ed_arena *arena, scan *s, ed_file_kind kind)
{
    s->jobs = ed_arena_push(arena, s->jobs, s->njobs, sizeof *s->jobs);
    job *j = &s->jobs[s->njobs++];
    memset(j, 0, sizeof *j);
    j->kind = kind;
    j->paths = ed_arena_calloc(arena, 2, sizeof *j->paths);
    j->reals = ed_arena_calloc(arena, 2, sizeof *j->reals);
    return j;
}

static void add_path(job *j, const ed_scan_file *f)
{
    j->reals[j->npaths] = f->real;
    j->paths[j->npaths++] = f->path;
}

/* The Compose projects among the files: in each folder, the file Compose
 * would pick with the override it would merge over it; every other Compose
 * file a project of its own (files are sorted by path, so a folder's files
 * are together). */
static void compose_jobs(ed_arena *arena, scan *s, const ed_scan_result *found)
{
    for (size_t i = 0; i < found->nfiles;) {
        const char *dir = folder_of(arena, found->files[i].path);
        size_t end = i;
        int best_main = 4, best_override = 4;
        size_t main = SIZE_MAX, over = SIZE_MAX;
        for (; end < found->nfiles && strcmp(folder_of(arena, found->files[end].path), dir) == 0;
             end++) {
            if (found->files[end].kind != ED_KIND_COMPOSE)
                continue;
            int m = main_rank(base_of(found->files[end].path));
            int o = override_rank(base_of(found->files[end].path));
            if (m >= 0 && m < best_main)
                best_main = m, main = end;
            if (o >= 0 && o < best_override)
                best_override = o, over = end;
        }
        for (size_t k = i; k < end; k++) {
            if (found->files[k].kind != ED_KIND_COMPOSE || (k == over && main != SIZE_MAX))
                continue;
            job *j = add_job(arena, s, ED_KIND_COMPOSE);
            add_path(j, &found->files[k]);
            if (k == main && over != SIZE_MAX)
                add_path(j, &found->files[over]);
        }
        i = end;
    }
}

/* Moves a finished job's results into the main run: a file linted already
 * (a Dockerfile two projects build) is kept once. */
static void collect(cli_run *r, const job *j, ed_strmap *seen)
{
    r->unreadable |= j->unreadable;
    r->unknown_kind |= j->unknown_kind;
    for (size_t k = 0; k < j->nresults; k++) {
        const ed_file_result *res = &j->results[k];
        if (res->path && !ed_strmap_add(r->arena, seen, j->ids[k], NULL))
            continue;
        r->results = ed_arena_push(r->arena, r->results, r->nresults, sizeof *r->results);
        r->results[r->nresults++] = *res;
    }
}

static int lint_tree(cli_run *r, const cli_args *a)
{
    ed_scan_options options = {.config = r->config, .no_ignore = a->no_ignore};
    ed_scan_result found = {0};
    static const char *const here[] = {"."};
    const char *const *roots = a->npaths ? (const char *const *)a->paths : here;
    size_t nroots = a->npaths ? a->npaths : 1;
    for (size_t i = 0; i < nroots; i++)
        if (strcmp(roots[i], "-") == 0)
            return cli_usage_error("scan reads folders, not standard input: use lint -");
    for (size_t i = 0; i < nroots; i++)
        ed_scan(r->arena, roots[i], &options, &found);
    for (size_t i = 0; i < found.nproblems && !r->quiet; i++)
        fprintf(stderr, "env-doctor: %s\n", found.problems[i]);
    r->unreadable |= found.nproblems > 0;

    scan s = {.main = r, .args = a};
    s.progress = !r->quiet && isatty(STDERR_FILENO) && found.nfiles >= 100;
    unsigned workers = a->jobs ? a->jobs : cli_cpu_count();
    s.keep = ed_arena_calloc(r->arena, workers, sizeof *s.keep);
    for (unsigned w = 0; w < workers; w++) {
        s.keep[w] = ed_arena_new();
        r->arenas = ed_arena_push(r->arena, r->arenas, r->narenas, sizeof *r->arenas);
        r->arenas[r->narenas++] = s.keep[w];
    }

    /* first the Compose projects, then the files none of them built */
    compose_jobs(r->arena, &s, &found);
    cli_parallel(s.njobs, workers, run_job, &s, show_progress);
    ed_strmap seen = ED_STRMAP_INIT;
    for (size_t i = 0; i < s.njobs; i++)
        collect(r, &s.jobs[i], &seen);

    scan rest = s;
    rest.jobs = NULL;
    rest.njobs = 0;
    for (size_t i = 0; i < found.nfiles; i++) {
        const ed_scan_file *f = &found.files[i];
        if (f->kind == ED_KIND_COMPOSE || ed_strmap_get(&seen, f->real, NULL))
            continue;
        job *j = add_job(r->arena, &rest, f->kind);
        add_path(j, f);
    }
    cli_parallel(rest.njobs, workers, run_job, &rest, show_progress);
    for (size_t i = 0; i < rest.njobs; i++)
        collect(r, &rest.jobs[i], &seen);
    cli_sort_results(r);
    return EXIT_CLEAN;
}

int cmd_scan(int argc, char **argv)
{
    return cli_lint_main(argc, argv,
                         CLI_OPT_BUILD_ARG | CLI_OPT_ENV_FILE | CLI_OPT_JOBS | CLI_OPT_NO_IGNORE,
                         lint_tree);
}
