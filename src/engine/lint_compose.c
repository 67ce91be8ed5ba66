/* Linting Compose files: the YAML front end, the Compose model (several
 * files merged like `docker compose -f a -f b`), the Dockerfiles the
 * services build, every compose rule, findings per file.
 *
 * Several files share one offset space so that rules, which report byte
 * offsets, can point at nodes of any of them: the files are laid end to end
 * (each followed by a newline) in one combined source, each file is parsed
 * from a copy of it where every byte outside the file is a newline (so
 * libyaml sees blank lines there and the positions it gives are offsets in
 * the combined source), and findings are split back per file afterwards. */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"
#include "suppress.h"
#include "envdoctor/compose.h"
#include "envdoctor/kb.h"

enum { MAX_INCLUDE_DEPTH = 8 };

/* A Dockerfile linted in this run, by path (inline ones are not shared). */
typedef struct linted {
    const char *path;
    const struct gpu_model *gpu;
} linted;

typedef struct run {
    ed_arena *arena;
    const ed_options *options;
    const kb *knowledge; /* kb_get(), through the options' image hints */
    cf_vars vars;
    ed_file_result *composes; /* compose files, includes after the files named */
    size_t ncomposes;
    ed_file_result *dockerfiles;
    size_t ndockerfiles;
    linted *done;
    size_t ndone;
    const char **projects; /* compose files already linted (include cycles) */
    size_t nprojects;
} run;

static ed_file_result *push_result(ed_arena *arena, ed_file_result **items, size_t *n)
{
    *items = ed_arena_push(arena, *items, *n, sizeof **items);
    ed_file_result *r = &(*items)[(*n)++];
    memset(r, 0, sizeof *r);
    return r;
}

static bool same_args(const cf_service *a, const ed_combination *b)
{
    if (a->nbuild_args != b->nargs)
        return false;
    for (size_t i = 0; i < b->nargs; i++)
        if (strcmp(a->build_args[i], b->args[i]) != 0)
            return false;
    return true;
}

/* The distinct build-arg sets of the services that build the link's
 * Dockerfile, when there is more than one (else none: the first service's
 * args are the lint's). */
static const ed_combination *arg_sets(ed_arena *arena, const cf_compose *c,
                                      const cf_build_link *link, size_t *n)
{
    ed_combination *sets = NULL;
    *n = 0;
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        if (!s->dockerfile_path || strcmp(s->dockerfile_path, link->path) != 0)
            continue;
        bool seen = false;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = same_args(s, &sets[k]);
        if (seen)
            continue;
        sets = ed_arena_push(arena, sets, *n, sizeof *sets);
        sets[(*n)++] = (ed_combination){s->build_args, s->nbuild_args};
    }
    if (*n < 2)
        *n = 0;
    return *n ? sets : NULL;
}

/* Lints the Dockerfile of one link (once per path in the whole run) and
 * gives its GPU model to the services that build it. */
static void link_dockerfile(run *r, cf_compose *c, const cf_build_link *link)
{
    const struct gpu_model *gpu = NULL;
    bool found = false;
    for (size_t i = 0; link->path && i < r->ndone && !found; i++)
        if (strcmp(r->done[i].path, link->path) == 0) {
            gpu = r->done[i].gpu;
            found = true;
        }
    if (!found) {
        ed_source *src = ed_arena_alloc(r->arena, sizeof *src);
        if (link->path) {
            char err[256];
            /* a missing Dockerfile is `docker compose build`'s error to give:
             * the service is just not linked */
            if (!ed_read_source(src, r->arena, r->options, link->path, link->path, true, err,
                                sizeof err))
                return;
        } else {
            const char *name = ed_arena_printf(r->arena, "%s (services.%s.build.dockerfile_inline)",
                                               c->src->path ? c->src->path : "<stdin>",
                                               link->first->name);
            ed_source_init(src, r->arena, name, link->inline_text, strlen(link->inline_text));
        }
        ed_options opts = {0};
        opts.build_args = link->first->build_args;
        opts.nbuild_args = link->first->nbuild_args;
        opts.gpu = r->options->gpu;
        opts.context_dir = link->context_dir;
        opts.no_inline_ignores = r->options->no_inline_ignores;
        opts.ignored_rules = r->options->ignored_rules;
        opts.nignored_rules = r->options->nignored_rules;
        opts.severities = r->options->severities;
        opts.nseverities = r->options->nseverities;
        opts.image_hints = r->options->image_hints;
        opts.nimage_hints = r->options->nimage_hints;
        opts.overlay = r->options->overlay;
        opts.noverlay = r->options->noverlay;
        opts.limits = r->options->limits;
        /* services that build it with other args: each set is a combination */
        if (link->path)
            opts.combinations = arg_sets(r->arena, c, link, &opts.ncombinations);
        ed_file_result *res = push_result(r->arena, &r->dockerfiles, &r->ndockerfiles);
        ed_lint_matrix(r->arena, src, ED_KIND_DOCKERFILE, &opts, res);
        if (!link->path) /* a YAML value, not a file: its fixes have nowhere to go */
            for (size_t k = 0; k < res->nfindings; k++)
                res->findings[k].fix = NULL;
        gpu = res->gpu;
        if (link->path) {
            r->done = ed_arena_push(r->arena, r->done, r->ndone, sizeof *r->done);
            r->done[r->ndone++] = (linted){link->path, gpu};
        }
    }
    cf_compose_set_built(c, link, gpu);
}

/* The combined source of several files (the file itself when there is one). */
static const ed_source *combine(ed_arena *arena, const ed_source *const *files, size_t n,
                                size_t *base)
{
    base[0] = 0;
    if (n == 1)
        return files[0];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        base[i] = len;
        len += files[i]->len + 1;
    }
    char *data = ed_arena_alloc(arena, len + 1);
    for (size_t i = 0; i < n; i++) {
        memcpy(data + base[i], files[i]->data, files[i]->len);
        data[base[i] + files[i]->len] = '\n';
    }
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, files[0]->path, data, len);
    return src;
}

/* File i of the combined source as libyaml should see it: everything else
 * blank lines, its own BOM too (only the start of a stream may hold one). */
static const ed_source *padded(ed_arena *arena, const ed_source *combined,
                               const ed_source *file, size_t base)
{
    if (combined == file)
        return file;
    char *data = ed_arena_alloc(arena, combined->len + 1);
    memset(data, '\n', combined->len);
    memcpy(data + base, file->data, file->len);
    if (base > 0 && file->text_start > 0)
        memset(data + base, '\n', file->text_start);
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, file->path, data, combined->len);
    return src;
}

static size_t file_of(const size_t *base, size_t n, size_t offset)
{
    size_t i = n;
    while (i > 1 && base[i - 1] > offset)
        i--;
    return i - 1;
}

/* A fix of the combined text as a fix of the file at [base, base + len)
 * (an edit may end on the line break that combine() put after it: it ends
 * at the file's end); NULL when an edit lies in another file. */
static const ed_fix *rebase_fix(ed_arena *arena, const ed_fix *from, size_t base, size_t len)
{
    size_t n = 1 + from->nmore;
    ed_edit *edits = ed_arena_calloc(arena, n, sizeof *edits);
    ed_fix_edits(from, edits, n);
    for (size_t e = 0; e < n; e++) {
        if (edits[e].start < base || edits[e].start > base + len || edits[e].end > base + len + 1)
            return NULL;
        edits[e].start -= base;
        edits[e].end = edits[e].end - base > len ? len : edits[e].end - base;
    }
    ed_fix *fix = ed_arena_alloc(arena, sizeof *fix);
    *fix = *from;
    fix->start = edits[0].start;
    fix->end = edits[0].end;
    fix->more = edits + 1;
    return fix;
}

/* Moves each finding into the result of the file it points into. */
static void split_findings(ed_arena *arena, const ed_ctx *ctx, const ed_source *const *files,
                           size_t n, const size_t *base, ed_file_result *out)
{
    for (size_t k = 0; k < ctx->nfindings; k++) {
        ed_finding f = ctx->findings[k];
        size_t i = file_of(base, n, f.start);
        f.start -= base[i];
        f.end = f.end >= base[i] ? f.end - base[i] : f.start;
        if (f.start > files[i]->len)
            f.start = files[i]->len;
        if (f.end > files[i]->len)
            f.end = files[i]->len;
        if (f.end < f.start)
            f.end = f.start;
        if (f.fix && n > 1)
            f.fix = rebase_fix(arena, f.fix, base[i], files[i]->len);
        ed_file_result *r = &out[i];
        r->findings = ed_arena_push(arena, r->findings, r->nfindings, sizeof *r->findings);
        r->findings[r->nfindings++] = f;
    }
}

static void lint_project(run *r, const ed_source *const *files, size_t n, int depth);

static void lint_includes(run *r, const cf_compose *c, int depth)
{
    for (size_t i = 0; i < c->nincludes; i++) {
        const char *path = c->includes[i];
        bool seen = false;
        for (size_t k = 0; k < r->nprojects && !seen; k++)
            seen = strcmp(r->projects[k], path) == 0;
        if (seen || depth >= MAX_INCLUDE_DEPTH)
            continue;
        ed_source *src = ed_arena_alloc(r->arena, sizeof *src);
        char err[256];
        /* a missing include is docker compose's error to give */
        if (!ed_read_source(src, r->arena, r->options, path, path, true, err, sizeof err))
            continue;
        const ed_source *one[1] = {src};
        lint_project(r, one, 1, depth + 1);
    }
}

static void lint_project(run *r, const ed_source *const *files, size_t n, int depth)
{
    ed_arena *arena = r->arena;
    size_t first = r->ncomposes;
    for (size_t i = 0; i < n; i++) {
        ed_file_result *res = push_result(arena, &r->composes, &r->ncomposes);
        res->path = files[i]->path;
        res->kind = ED_KIND_COMPOSE;
        res->src = files[i];
        r->projects = ed_arena_push(arena, r->projects, r->nprojects, sizeof *r->projects);
        r->projects[r->nprojects++] = files[i]->path;
    }
    size_t *base = ed_arena_calloc(arena, n, sizeof *base);
    const ed_source *combined = combine(arena, files, n, base);

    ed_ctx ctx = {0};
    ctx.arena = arena;
    ctx.src = combined;
    ctx.kind = ED_KIND_COMPOSE;
    ctx.options = r->options;
    const ed_rule *ed001 = ed_rule_find("ED001");
    const ed_limits *lim = ed_options_limits(r->options);
    cf_limits limits = {lim->max_yaml_depth, lim->max_yaml_aliases, 0};
    cf_compose *c = NULL;
    bool unreadable = false;
    for (size_t i = 0; i < n; i++) {
        size_t at;
        const char *why = ed_unlintable(arena, files[i], lim, &at);
        if (why) {
            ctx.rule = ed001;
            ed_report(&ctx, base[i] + at, base[i] + at + (at < files[i]->len), "%s", why);
            unreadable = true;
            continue;
        }
        const ed_source *view = padded(arena, combined, files[i], base[i]);
        cf_yaml *y = cf_yaml_parse(arena, view, &limits);
        cf_compose *one = cf_compose_build(arena, combined, y, &r->vars, r->knowledge);
        c = c ? cf_compose_merge(arena, c, one, r->knowledge) : one;
    }
    ctx.rule = NULL;
    if (!c) { /* nothing could be read: an empty model for the rules */
        c = cf_compose_build(arena, combined, NULL, &r->vars, r->knowledge);
    } else if (!c->root && !unreadable && c->nerrors == 0) {
        bool syntax = false;
        for (size_t i = 0; i < c->nyamls; i++)
            syntax = syntax || c->yamls[i]->nerrors > 0;
        if (!syntax) {
            ctx.rule = ed001;
            ed_report(&ctx, 0, 0, "empty compose file: Compose needs at least a services: mapping");
            ctx.rule = NULL;
        }
    }

    if (n > 1) {
        c->files = files;
        c->file_starts = base;
        c->nfiles = n;
    }
    size_t nlinks;
    cf_build_link *links = cf_compose_links(arena, c, &nlinks);
    for (size_t i = 0; i < nlinks; i++)
        link_dockerfile(r, c, &links[i]);

    ctx.compose = c;
    ed_run_rules(&ctx);
    ed_suppress_compose(&ctx, files, base, n);
    ed_apply_rule_settings(&ctx);

    split_findings(arena, &ctx, files, n, base, &r->composes[first]);
    for (size_t i = 0; i < n; i++) {
        ed_file_result *res = &r->composes[first + i];
        ed_sort_findings(res->findings, res->nfindings, files[i]);
    }
    lint_includes(r, c, depth);
}

void ed_lint_compose_files(ed_arena *arena, const ed_source *const *files, size_t nfiles,
                           const ed_options *options, ed_file_result **results, size_t *nresults)
{
    static const ed_options no_options = {0};
    run r = {0};
    r.arena = arena;
    r.options = options ? options : &no_options;
    r.knowledge = ed_knowledge(arena, r.options);
    r.vars.items = r.options->compose_vars;
    r.vars.n = r.options->ncompose_vars;
    r.vars.max_depth = ed_options_limits(r.options)->max_interpolation_depth;
    if (nfiles)
        lint_project(&r, files, nfiles, 0);
    ed_file_result *all = ed_arena_calloc(arena, r.ncomposes + r.ndockerfiles + 1, sizeof *all);
    if (r.ncomposes)
        memcpy(all, r.composes, r.ncomposes * sizeof *all);
    if (r.ndockerfiles)
        memcpy(all + r.ncomposes, r.dockerfiles, r.ndockerfiles * sizeof *all);
    *results = all;
    *nresults = r.ncomposes + r.ndockerfiles;
}

void ed_lint_compose(ed_arena *arena, const ed_source *src, const ed_options *options,
                     ed_file_result *out, ed_file_result **linked, size_t *nlinked)
{
    const ed_source *files[1] = {src};
    ed_file_result *all;
    size_t n;
    ed_lint_compose_files(arena, files, 1, options, &all, &n);
    *out = all[0];
    if (linked)
        *linked = all + 1;
    if (nlinked)
        *nlinked = n - 1;
}
