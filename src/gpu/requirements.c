/* Requirements files: `pip install -r requirements.txt` is read from the
 * build context (the file itself, or what an earlier COPY put at that
 * path), so that `torch` on line 3 of it is judged like `pip install torch`
 * and its `--index-url` line like the command's own option. Each file is
 * read and parsed once per model, however many rules ask. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gpu_internal.h"

enum { MAX_FILE = 1 << 20, MAX_DEPTH = 8 };

/* One file of the build context, read (or found unreadable) once. */
typedef struct gpu_file {
    const char *path;      /* as found: context_dir/... */
    const char *name;      /* the same relative to the build context */
    const char *text;      /* NULL when it could not be read */
    sh_reqfile rf;
} gpu_file;

struct gpu_files *gpu_files_new(ed_arena *arena)
{
    struct gpu_files *files = ed_arena_calloc(arena, 1, sizeof *files);
    files->arena = arena;
    return files;
}

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static char *read_small_file(ed_arena *arena, const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = ed_arena_alloc(arena, (size_t)st.st_size + 1);
    *len = fread(data, 1, (size_t)st.st_size, f);
    data[*len] = '\0';
    fclose(f);
    return data;
}

/* The file at `path` (a build-context path), read and parsed on first use. */
static const gpu_file *load(const gpu_model *m, const char *path)
{
    struct gpu_files *files = m->files;
    void *known;
    if (ed_strmap_get(&files->loaded, path, &known))
        return &files->items[(uintptr_t)known - 1];
    files->items = ed_arena_push(files->arena, files->items, files->n, sizeof *files->items);
    gpu_file *f = &files->items[files->n++];
    memset(f, 0, sizeof *f);
    f->path = ed_arena_strdup(files->arena, path);
    ed_strmap_add(files->arena, &files->loaded, f->path, (void *)(uintptr_t)files->n);
    size_t dir = strlen(m->context_dir);
    f->name = strncmp(path, m->context_dir, dir) == 0 && path[dir] == '/' ? f->path + dir + 1
                                                                          : f->path;
    size_t len;
    f->text = read_small_file(files->arena, path, &len);
    if (f->text)
        sh_reqfile_parse(files->arena, f->text, len, &f->rf);
    return f;
}

/* Whether a build-context path exists, asked of the file system once per
 * model: every rule that reads requirements files asks again. */
static bool exists(const gpu_model *m, const char *path)
{
    struct gpu_files *files = m->files;
    void *known;
    if (ed_strmap_get(&files->exists, path, &known))
        return known != NULL;
    struct stat st;
    bool found = stat(path, &st) == 0;
    ed_strmap_add(files->arena, &files->exists, ed_arena_strdup(files->arena, path),
                  found ? files : NULL);
    return found;
}

/* What a stage's COPY/ADDs (not --from) bring from the build context, by
 * the base name of each source, so that finding the copy a `-r` file came
 * from does not scan every instruction before the command (quadratic in a
 * stage of many installs). Entries of one base name are in source order:
 * by instruction, and within one instruction from the last source to the
 * first; `found` is the nearest existing build-context path at or before
 * the entry (NULL: none), filled when the base name is first asked for. */
typedef struct copy_entry {
    const char *base, *source;
    size_t index, order;
    const char *found;
    bool done;
} copy_entry;

struct copy_index {
    copy_entry *items;
    size_t n;
    bool built;
};

static int compare_copies(const void *a, const void *b)
{
    const copy_entry *x = a, *y = b;
    int d = strcmp(x->base, y->base);
    return d ? d : x->order < y->order ? -1 : x->order > y->order;
}

static void build_copy_index(const gpu_model *m, const df_stage *s, struct copy_index *ix)
{
    const df_file *file = m->df->file;
    size_t order = 0;
    for (size_t i = s->first; i < s->end; i++) {
        const df_instr *in = &file->instrs[i];
        if ((in->kind != DF_COPY && in->kind != DF_ADD) || in->nargs < 2)
            continue;
        bool from_stage = false;
        for (size_t k = 0; k < in->nflags; k++)
            from_stage |= strcmp(in->flags[k].name, "from") == 0;
        for (size_t k = in->nargs - 1; !from_stage && k-- > 0;) {
            ix->items = ed_arena_push(m->files->arena, ix->items, ix->n, sizeof *ix->items);
            ix->items[ix->n++] =
                (copy_entry){basename_of(in->args[k].text), in->args[k].text, i, order++, NULL, false};
        }
    }
    if (ix->n) /* items is NULL then, and qsort's base may not be */
        qsort(ix->items, ix->n, sizeof *ix->items, compare_copies);
    ix->built = true;
}

/* The path an earlier COPY/ADD of c's stage put `path`'s file at: the
 * nearest one before c whose source exists in the build context. */
static const char *copied_path(const gpu_model *m, const gpu_cmd *c, const char *path)
{
    struct gpu_files *files = m->files;
    if (!files->copies)
        files->copies = ed_arena_calloc(files->arena, m->nstages ? m->nstages : 1,
                                        sizeof *files->copies);
    struct copy_index *ix = &files->copies[c->stage];
    if (!ix->built)
        build_copy_index(m, m->stages[c->stage].stage, ix);
    const char *base = basename_of(path);
    /* the base name's entries: [lo, hi) */
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->items[mid].base, base) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < ix->n && strcmp(ix->items[end].base, base) == 0)
        end++;
    if (lo == end)
        return NULL;
    if (!ix->items[lo].done)
        for (size_t k = lo; k < end; k++) {
            copy_entry *e = &ix->items[k];
            const char *candidate =
                ed_arena_printf(files->arena, "%s/%s", m->context_dir, e->source);
            e->found = exists(m, candidate) ? candidate : k > lo ? ix->items[k - 1].found : NULL;
            e->done = true;
        }
    /* the last entry of an instruction before c */
    size_t a = lo, b = end;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (ix->items[mid].index < c->index)
            a = mid + 1;
        else
            b = mid;
    }
    return a > lo ? ix->items[a - 1].found : NULL;
}

/* The build-context path of a file the image sees at `path`. */
static const char *context_path(ed_arena *arena, const gpu_model *m, const gpu_cmd *c,
                                const char *path)
{
    if (!m->context_dir)
        return NULL;
    if (path[0] != '/') {
        const char *direct = ed_arena_printf(arena, "%s/%s", m->context_dir, path);
        if (exists(m, direct))
            return direct;
    }
    /* COPY requirements.txt /app/  then  pip install -r /app/requirements.txt */
    return copied_path(m, c, path);
}

/* What to do with each file a command reads (span: its -r word). */
typedef void (*file_visit)(ed_arena *arena, const gpu_file *f, df_span span, void *data);

static void walk_file(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, const char *path,
                      df_span span, int depth, file_visit visit, void *data)
{
    const char *found = context_path(arena, m, c, path);
    const gpu_file *f = found ? load(m, found) : NULL;
    if (!f || !f->text || depth > MAX_DEPTH)
        return;
    visit(arena, f, span, data);
    for (size_t i = 0; i < f->rf.nrequirement_files; i++) {
        /* nested -r paths are relative to the file that names them */
        const char *nested = f->rf.requirement_files[i];
        const char *slash = strrchr(path, '/');
        if (nested[0] != '/' && slash)
            nested = ed_arena_printf(arena, "%.*s/%s", (int)(slash - path), path, nested);
        walk_file(arena, m, c, nested, span, depth + 1, visit, data);
    }
}

/* Calls visit for every requirements file the pip/uv/pipx command reads,
 * nested -r files included. */
static void walk(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, file_visit visit,
                 void *data)
{
    const sh_pkgcmd *pkg = c->pkg;
    if (!pkg || !sh_pm_is_python(pkg->manager))
        return;
    for (size_t i = 0; i < pkg->nrequirement_files; i++) {
        const sh_word *w = pkg->requirement_files[i];
        walk_file(arena, m, c, gpu_expand(arena, m, c, w->text), gpu_word_span(c, w), 0, visit,
                  data);
    }
}

/* ---- Requirements ---- */

typedef struct req_list {
    gpu_req *items;
    size_t n;
} req_list;

static void add(ed_arena *arena, req_list *list, gpu_req r)
{
    list->items = ed_arena_push(arena, list->items, list->n, sizeof *list->items);
    list->items[list->n++] = r;
}

static unsigned line_of(const char *text, size_t offset)
{
    unsigned line = 1;
    for (size_t i = 0; i < offset && text[i]; i++)
        line += text[i] == '\n';
    return line;
}

static void add_file_reqs(ed_arena *arena, const gpu_file *f, df_span span, void *data)
{
    for (size_t i = 0; i < f->rf.nreqs; i++)
        add(arena, data, (gpu_req){&f->rf.reqs[i], span, f->path, f->name,
                                   line_of(f->text, f->rf.reqs[i].name_start)});
}

static req_list cmd_reqs(ed_arena *arena, const gpu_model *m, const gpu_cmd *c)
{
    req_list list = {0};
    const sh_pkgcmd *pkg = c->pkg;
    for (size_t i = 0; i < pkg->nreqs; i++)
        add(arena, &list, (gpu_req){&pkg->reqs[i], gpu_req_span(c, &pkg->reqs[i]), NULL, NULL, 0});
    walk(arena, m, c, add_file_reqs, &list);
    return list;
}

/* The requirements of a command are asked for by many rules: they are
 * collected once per command of the model (the cache is per stage, made on
 * first use). */
typedef struct req_cache {
    req_list list;
    bool done;
} req_cache;

gpu_req *gpu_cmd_reqs(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, size_t *n)
{
    *n = 0;
    if (!c->pkg)
        return NULL;
    struct gpu_files *files = m->files;
    const gpu_stage *s = c->stage < m->nstages ? &m->stages[c->stage] : NULL;
    uintptr_t at = (uintptr_t)c, base = s ? (uintptr_t)s->cmds : 0;
    if (!s || at < base || at >= base + s->ncmds * sizeof *s->cmds) {
        req_list list = cmd_reqs(arena, m, c); /* not one of the model's commands */
        *n = list.n;
        return list.items;
    }
    if (!files->reqs)
        files->reqs = ed_arena_calloc(files->arena, m->nstages, sizeof *files->reqs);
    if (!files->reqs[c->stage])
        files->reqs[c->stage] = ed_arena_calloc(files->arena, s->ncmds, sizeof **files->reqs);
    req_cache *cache = &files->reqs[c->stage][(at - base) / sizeof *s->cmds];
    if (!cache->done) {
        cache->list = cmd_reqs(files->arena, m, c);
        cache->done = true;
    }
    *n = cache->list.n;
    return cache->list.items;
}

/* ---- Option lines ---- */

typedef struct index_list {
    gpu_index *items;
    size_t n;
} index_list;

static void add_file_index(ed_arena *arena, index_list *list, const gpu_file *f, df_span span,
                           const char *url, bool extra, bool find_links)
{
    list->items = ed_arena_push(arena, list->items, list->n, sizeof *list->items);
    gpu_index *ix = &list->items[list->n++];
    memset(ix, 0, sizeof *ix);
    ix->url = url;
    ix->extra = extra;
    ix->find_links = find_links;
    ix->file = f->name;
    ix->span = ix->option_span = span;
    kb_torch_index_parse(url, &ix->torch);
}

static void add_file_indexes(ed_arena *arena, const gpu_file *f, df_span span, void *data)
{
    if (f->rf.index_url)
        add_file_index(arena, data, f, span, f->rf.index_url, false, false);
    for (size_t k = 0; k < f->rf.nextra_index_urls; k++)
        add_file_index(arena, data, f, span, f->rf.extra_index_urls[k], true, false);
    for (size_t k = 0; k < f->rf.nfind_links; k++)
        add_file_index(arena, data, f, span, f->rf.find_links[k], false, true);
}

gpu_index *gpu_files_indexes(ed_arena *arena, const gpu_model *m, const gpu_cmd *c,
                             gpu_index *items, size_t *n)
{
    index_list list = {items, *n};
    walk(arena, m, c, add_file_indexes, &list);
    *n = list.n;
    return list.items;
}

static void find_no_index(ed_arena *arena, const gpu_file *f, df_span span, void *data)
{
    *(bool *)data |= f->rf.no_index;
}

bool gpu_cmd_no_index(ed_arena *arena, const gpu_model *m, const gpu_cmd *c)
{
    bool no_index = c->pkg && c->pkg->no_index;
    if (!no_index)
        walk(arena, m, c, find_no_index, &no_index);
    return no_index;
}
