/* Where a pip or uv command gets its packages from: its own options, then
 * the PIP_* / UV_* variables of the stage, then the option lines of the
 * requirements files it reads. */
#include <stdint.h>
#include <string.h>

#include "gpu_internal.h"

typedef struct index_list {
    gpu_index *items;
    size_t n;
} index_list;

static gpu_index *add(ed_arena *arena, index_list *list, const char *url, df_span span,
                      bool extra, bool find_links, const char *variable)
{
    list->items = ed_arena_push(arena, list->items, list->n, sizeof *list->items);
    gpu_index *ix = &list->items[list->n++];
    memset(ix, 0, sizeof *ix);
    ix->url = url;
    ix->span = ix->option_span = span;
    ix->extra = extra;
    ix->find_links = find_links;
    ix->from_env = variable != NULL;
    ix->variable = variable;
    kb_torch_index_parse(url, &ix->torch);
    return ix;
}

static void add_words(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, index_list *list,
                      const sh_word *const *words, const sh_word *const *options, size_t n,
                      bool extra, bool find_links)
{
    for (size_t i = 0; i < n; i++) {
        gpu_index *ix = add(arena, list, gpu_expand(arena, m, c, words[i]->text),
                            gpu_word_span(c, words[i]), extra, find_links, NULL);
        ix->word = words[i];
        if (options[i]) {
            ix->option = options[i]->text;
            ix->option_span = gpu_word_part(c, options[i], 0, options[i]->len); /* no quotes */
        }
    }
}

/* A variable holding one or more blank-separated URLs (uv's `name=URL` too). */
static void add_variable(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, index_list *list,
                         const char *name, bool extra, bool find_links)
{
    const char *value = gpu_cmd_var(m, c, name);
    if (!value || !*value)
        return;
    df_span span = gpu_var_span(m, c, name), name_span;
    bool named = gpu_var_name_span(m, c, name, &name_span);
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
            gpu_index *ix = add(arena, list, url, span, extra, find_links, name);
            if (named) {
                ix->option = name;
                ix->option_span = name_span;
            }
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
        add_words(arena, m, c, &list, &pkg->index_url, &pkg->index_url_option, 1, false, false);
    add_words(arena, m, c, &list, pkg->extra_index_urls, pkg->extra_index_url_options,
              pkg->nextra_index_urls, true, false);
    add_words(arena, m, c, &list, pkg->find_links, pkg->find_links_options, pkg->nfind_links,
              false, true);
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
    list.items = gpu_files_indexes(arena, m, c, list.items, &list.n);
    *n = list.n;
    return list.items;
}

/* ---- Index configuration the model does not read ---- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* pip reads pip.conf / pip.ini; uv reads uv.toml and pyproject.toml. */
static bool names_config_file(const char *text, bool uv)
{
    return ends_with(text, "pip.conf") || ends_with(text, "pip.ini") ||
           (uv && (ends_with(text, "uv.toml") || ends_with(text, "pyproject.toml")));
}

static bool copies_config(const df_instr *in, bool uv)
{
    if (in->kind != DF_COPY && in->kind != DF_ADD)
        return false;
    for (size_t i = 0; i < in->nargs; i++)
        if (names_config_file(in->args[i].text, uv))
            return true;
    return false;
}

/* `pip config set global.index-url X`, `echo "index-url = X" >> /etc/pip.conf`,
 * `tee /etc/pip.conf`: anything but a pip/uv install naming index settings. */
static bool writes_config(const gpu_cmd *e, bool uv)
{
    const sh_pkgcmd *pkg = e->pkg;
    if (pkg && (pkg->manager == SH_PM_PIP || pkg->manager == SH_PM_UV_PIP ||
                pkg->manager == SH_PM_UV_ADD) &&
        (pkg->action == SH_ACT_INSTALL || pkg->action == SH_ACT_WHEEL ||
         pkg->action == SH_ACT_DOWNLOAD))
        return false;
    for (size_t i = 0; i < e->cmd->nwords; i++) {
        const char *w = e->cmd->words[i].text;
        if (names_config_file(w, uv) || strstr(w, "index-url") || strstr(w, "index_url"))
            return true;
    }
    return false;
}

static bool config_variable(const gpu_model *m, const gpu_cmd *c, const char *name)
{
    const char *v = gpu_cmd_var(m, c, name);
    return v && *v && strcmp(v, "/dev/null") != 0;
}

/* Per stage, for pip [0] and uv [1]: the first instruction that copies a
 * configuration file and the first command that writes one (SIZE_MAX:
 * none). */
struct gpu_config_marks {
    size_t copy[2], write[2];
};

void gpu_index_config(gpu_builder *b, gpu_stage *stage)
{
    gpu_model *m = b->model;
    if (!m->files->config)
        m->files->config =
            ed_arena_calloc(b->arena, m->nstages ? m->nstages : 1, sizeof *m->files->config);
    struct gpu_config_marks *marks = &m->files->config[stage - m->stages];
    const df_file *file = m->df->file;
    for (int uv = 0; uv < 2; uv++) {
        marks->copy[uv] = marks->write[uv] = SIZE_MAX;
        for (size_t i = stage->stage->first; i < stage->stage->end; i++)
            if (copies_config(&file->instrs[i], uv)) {
                marks->copy[uv] = i;
                break;
            }
        for (size_t k = 0; k < stage->ncmds; k++)
            if (writes_config(&stage->cmds[k], uv)) {
                marks->write[uv] = k;
                break;
            }
    }
}

bool gpu_cmd_index_config_unread(const gpu_model *m, const gpu_cmd *c)
{
    bool uv = c->pkg && c->pkg->manager != SH_PM_PIP;
    if (config_variable(m, c, uv ? "UV_CONFIG_FILE" : "PIP_CONFIG_FILE"))
        return true;
    const gpu_stage *own = &m->stages[c->stage];
    for (const gpu_stage *s = own; s; s = s->parent) {
        const struct gpu_config_marks *marks = &m->files->config[s - m->stages];
        /* in c's own stage, only what comes before c counts */
        size_t copy_limit = s == own ? c->index : SIZE_MAX;
        size_t write_limit = s == own ? (size_t)(c - own->cmds) : SIZE_MAX;
        if (marks->copy[uv] < copy_limit || marks->write[uv] < write_limit)
            return true;
    }
    return false;
}
