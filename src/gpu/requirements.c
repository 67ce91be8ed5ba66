/* Requirements files: `pip install -r requirements.txt` is read from the
 * build context (the file itself, or what an earlier COPY put at that
 * path), so that `torch` on line 3 of it is judged like `pip install torch`. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "envdoctor/buf.h"
#include "gpu_internal.h"

enum { MAX_FILE = 1 << 20, MAX_DEPTH = 8 };

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

/* The build-context path of a file the image sees at `path`. */
static const char *context_path(ed_arena *arena, const gpu_model *m, const gpu_cmd *c,
                                const char *path)
{
    if (!m->context_dir)
        return NULL;
    struct stat st;
    if (path[0] != '/') {
        const char *direct = ed_arena_printf(arena, "%s/%s", m->context_dir, path);
        if (stat(direct, &st) == 0)
            return direct;
    }
    /* COPY requirements.txt /app/  then  pip install -r /app/requirements.txt */
    const df_stage *s = m->stages[c->stage].stage;
    const df_file *file = m->df->file;
    for (size_t i = c->index; i-- > s->first;) {
        const df_instr *in = &file->instrs[i];
        if ((in->kind != DF_COPY && in->kind != DF_ADD) || in->nargs < 2)
            continue;
        bool from_stage = false;
        for (size_t k = 0; k < in->nflags; k++)
            from_stage |= strcmp(in->flags[k].name, "from") == 0;
        if (from_stage)
            continue;
        for (size_t k = 0; k + 1 < in->nargs; k++)
            if (strcmp(basename_of(in->args[k].text), basename_of(path)) == 0) {
                const char *candidate = ed_arena_printf(arena, "%s/%s", m->context_dir, in->args[k].text);
                if (stat(candidate, &st) == 0)
                    return candidate;
            }
    }
    return NULL;
}

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

static void add_file(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, req_list *list,
                     const char *path, df_span span, int depth)
{
    const char *found = context_path(arena, m, c, path);
    size_t len;
    char *text = found ? read_small_file(arena, found, &len) : NULL;
    if (!text || depth > MAX_DEPTH)
        return;
    sh_reqfile rf;
    sh_reqfile_parse(arena, text, len, &rf);
    for (size_t i = 0; i < rf.nreqs; i++)
        add(arena, list, (gpu_req){&rf.reqs[i], span, found, line_of(text, rf.reqs[i].name_start)});
    for (size_t i = 0; i < rf.nrequirement_files; i++) {
        /* nested -r paths are relative to the file that names them */
        const char *nested = rf.requirement_files[i];
        const char *slash = strrchr(path, '/');
        if (nested[0] != '/' && slash)
            nested = ed_arena_printf(arena, "%.*s/%s", (int)(slash - path), path, nested);
        add_file(arena, m, c, list, nested, span, depth + 1);
    }
}

gpu_req *gpu_cmd_reqs(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, size_t *n)
{
    req_list list = {0};
    const sh_pkgcmd *pkg = c->pkg;
    *n = 0;
    if (!pkg)
        return NULL;
    for (size_t i = 0; i < pkg->nreqs; i++)
        add(arena, &list, (gpu_req){&pkg->reqs[i], gpu_req_span(c, &pkg->reqs[i]), NULL, 0});
    bool python = pkg->manager == SH_PM_PIP || pkg->manager == SH_PM_UV_PIP ||
                  pkg->manager == SH_PM_UV_ADD || pkg->manager == SH_PM_PIPX;
    for (size_t i = 0; python && i < pkg->nrequirement_files; i++) {
        const sh_word *w = pkg->requirement_files[i];
        add_file(arena, m, c, &list, gpu_expand(arena, m, c, w->text), gpu_word_span(c, w), 0);
    }
    *n = list.n;
    return list.items;
}
