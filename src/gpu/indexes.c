/* Where a pip or uv command gets its packages from: its own options, then
 * the PIP_* / UV_* variables of the stage. */
#include <string.h>

#include "envdoctor/gpu.h"

typedef struct index_list {
    gpu_index *items;
    size_t n;
} index_list;

static void add(ed_arena *arena, index_list *list, const char *url, df_span span, bool extra,
                bool find_links, const char *variable)
{
    list->items = ed_arena_push(arena, list->items, list->n, sizeof *list->items);
    gpu_index *ix = &list->items[list->n++];
    memset(ix, 0, sizeof *ix);
    ix->url = url;
    ix->span = span;
    ix->extra = extra;
    ix->find_links = find_links;
    ix->from_env = variable != NULL;
    ix->variable = variable;
    kb_torch_index_parse(url, &ix->torch);
}

static void add_words(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, index_list *list,
                      const sh_word *const *words, size_t n, bool extra, bool find_links)
{
    for (size_t i = 0; i < n; i++)
        add(arena, list, gpu_expand(arena, m, c, words[i]->text), gpu_word_span(c, words[i]),
            extra, find_links, NULL);
}

/* A variable holding one or more blank-separated URLs (uv's `name=URL` too). */
static void add_variable(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, index_list *list,
                         const char *name, bool extra, bool find_links)
{
    const char *value = gpu_cmd_var(m, c, name);
    if (!value || !*value)
        return;
    const df_var *def = df_model_find(m->df, c->index, name);
    df_span span = def && def->instr ? df_var_span(def) : gpu_span(c, c->cmd->start, c->cmd->start);
    for (const char *p = value; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *end = p;
        while (*end && *end != ' ' && *end != '\t' && *end != '\n')
            end++;
        if (end > p) {
            const char *url = ed_arena_strndup(arena, p, (size_t)(end - p));
            const char *eq = strchr(url, '='), *scheme = strstr(url, "://");
            if (eq && (!scheme || eq < scheme)) /* uv's `name=URL` */
                url = eq + 1;
            add(arena, list, url, span, extra, find_links, name);
        }
        p = end;
    }
}

gpu_index *gpu_cmd_indexes(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, size_t *n)
{
    index_list list = {0};
    const sh_pkgcmd *pkg = c->pkg;
    *n = 0;
    if (!pkg)
        return NULL;
    bool uv = pkg->manager == SH_PM_UV_PIP || pkg->manager == SH_PM_UV_ADD;
    if (pkg->manager != SH_PM_PIP && !uv && pkg->manager != SH_PM_PIPX)
        return NULL;
    if (pkg->index_url)
        add_words(arena, m, c, &list, &pkg->index_url, 1, false, false);
    add_words(arena, m, c, &list, pkg->extra_index_urls, pkg->nextra_index_urls, true, false);
    add_words(arena, m, c, &list, pkg->find_links, pkg->nfind_links, false, true);
    if (uv) {
        if (!pkg->index_url) {
            add_variable(arena, m, c, &list, "UV_DEFAULT_INDEX", false, false);
            add_variable(arena, m, c, &list, "UV_INDEX_URL", false, false);
        }
        add_variable(arena, m, c, &list, "UV_INDEX", true, false);
        add_variable(arena, m, c, &list, "UV_EXTRA_INDEX_URL", true, false);
        add_variable(arena, m, c, &list, "UV_FIND_LINKS", false, true);
    } else {
        if (!pkg->index_url)
            add_variable(arena, m, c, &list, "PIP_INDEX_URL", false, false);
        add_variable(arena, m, c, &list, "PIP_EXTRA_INDEX_URL", true, false);
        add_variable(arena, m, c, &list, "PIP_FIND_LINKS", false, true);
    }
    *n = list.n;
    return list.items;
}
