/* Shared reading for the torch rules: see torch_common.h. */
#include "torch_common.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_REQUIREMENTS_FILE = 1 << 20 };

bool torch_is_family(const char *name)
{
    return strcmp(name, "torch") == 0 || strcmp(name, "torchvision") == 0 ||
           strcmp(name, "torchaudio") == 0;
}

/* ---- Which commands ---------------------------------------------------- */

static bool is_python_installer(const sh_pkgcmd *pkg)
{
    bool manager = pkg->manager == SH_PM_PIP || pkg->manager == SH_PM_UV_PIP ||
                   pkg->manager == SH_PM_UV_ADD;
    bool action = pkg->action == SH_ACT_INSTALL || pkg->action == SH_ACT_WHEEL ||
                  pkg->action == SH_ACT_DOWNLOAD;
    return manager && action;
}

/* A requirement that pip resolves through an index (not a file or URL). */
static bool from_index(const sh_req *r)
{
    return !r->url && !r->is_local;
}

static void add_source(ed_ctx *ctx, torch_cmd *t, torch_source src)
{
    t->sources = ed_arena_push(ctx->arena, t->sources, t->nsources, sizeof *t->sources);
    t->sources[t->nsources++] = src;
}

/* ---- Spans ------------------------------------------------------------- */

/* The value of a NAME=value word, as a source span. */
static bool assignment_value_span(const gpu_cmd *c, const sh_word *w, const char *name,
                                  df_span *out)
{
    size_t len = strlen(name);
    if (w->len <= len || strncmp(w->text, name, len) != 0 || w->text[len] != '=')
        return false;
    size_t start, end;
    sh_word_span(w, len + 1, w->len, &start, &end);
    *out = gpu_span(c, start, end);
    return true;
}

/* `export NAME=v` or a bare `NAME=v` command. */
static bool earlier_assignment_span(const gpu_cmd *e, const char *name, df_span *out)
{
    const sh_command *cmd = e->cmd;
    if (cmd->nwords == 0) {
        for (size_t i = cmd->nassigns; i-- > 0;)
            if (assignment_value_span(e, &cmd->assigns[i], name, out))
                return true;
    } else if (strcmp(sh_program(cmd), "export") == 0) {
        for (size_t i = cmd->nwords; i-- > 1;)
            if (assignment_value_span(e, &cmd->words[i], name, out))
                return true;
    }
    return false;
}

/* Where a variable the command sees was set when it was set inside the RUN
 * (`NAME=v pip ...`, `export NAME=v && pip ...`); the model points at the
 * stage's ENV/ARG only. */
static df_span variable_span(const gpu_model *m, const gpu_cmd *c, const char *name,
                             df_span fallback)
{
    df_span span;
    for (size_t i = c->cmd->nassigns; i-- > 0;)
        if (assignment_value_span(c, &c->cmd->assigns[i], name, &span))
            return span;
    const gpu_stage *s = &m->stages[c->stage];
    for (size_t k = (size_t)(c - s->cmds); k-- > 0;) {
        const gpu_cmd *e = &s->cmds[k];
        if (e->instr != c->instr)
            break;
        if (earlier_assignment_span(e, name, &span))
            return span;
    }
    return fallback;
}

df_span torch_text_span(const gpu_cmd *c, const sh_word *w, const char *text, size_t len,
                        df_span fallback)
{
    const char *at = w && text ? strstr(w->text, text) : NULL;
    if (!at || len == 0)
        return fallback;
    size_t a = (size_t)(at - w->text), start, end;
    sh_word_span(w, a, a + len, &start, &end);
    return gpu_span(c, start, end);
}

/* "+cu118" in the word `torch==2.1.0+cu118` (the model keeps the name's
 * position only); the -r word for a requirements-file line. */
static df_span label_span(const gpu_cmd *c, const gpu_req *r)
{
    const char *plus = strchr(r->req->pinned, '+');
    return torch_text_span(c, r->req->word, plus, plus ? strlen(plus) : 0, r->span);
}

/* ---- Sources ----------------------------------------------------------- */

static bool same_span(const gpu_cmd *c, const sh_word *w, df_span span)
{
    df_span s = gpu_word_span(c, w);
    return s.start == span.start && s.end == span.end;
}

/* The option word an index came from, matched by position. */
static const sh_word *option_word(const gpu_cmd *c, df_span span)
{
    const sh_pkgcmd *pkg = c->pkg;
    if (pkg->index_url && same_span(c, pkg->index_url, span))
        return pkg->index_url;
    for (size_t i = 0; i < pkg->nextra_index_urls; i++)
        if (same_span(c, pkg->extra_index_urls[i], span))
            return pkg->extra_index_urls[i];
    for (size_t i = 0; i < pkg->nfind_links; i++)
        if (same_span(c, pkg->find_links[i], span))
            return pkg->find_links[i];
    return NULL;
}

static void add_indexes(ed_ctx *ctx, const gpu_cmd *c, torch_cmd *t)
{
    size_t n;
    gpu_index *ix = gpu_cmd_indexes(ctx->arena, ctx->gpu, c, &n);
    for (size_t i = 0; i < n; i++) {
        torch_source src = {.torch = ix[i].torch, .url = ix[i].url, .extra = ix[i].extra,
                            .find_links = ix[i].find_links, .span = ix[i].span};
        if (ix[i].from_env) {
            src.origin = TORCH_FROM_VARIABLE;
            src.variable = ix[i].variable;
            src.span = variable_span(ctx->gpu, c, ix[i].variable, ix[i].span);
        } else {
            src.origin = TORCH_FROM_OPTION;
            src.word = option_word(c, ix[i].span);
        }
        add_source(ctx, t, src);
    }
}

static char *read_small_file(ed_arena *arena, const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_REQUIREMENTS_FILE)
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

/* A path of the build context as the user knows it ("requirements.txt"). */
static const char *context_relative(const gpu_model *m, const char *path)
{
    size_t n = m->context_dir ? strlen(m->context_dir) : 0;
    if (n && strncmp(path, m->context_dir, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static void add_file_index(ed_ctx *ctx, torch_cmd *t, const gpu_req *r, const char *url,
                           bool extra, bool find_links)
{
    torch_source src = {.origin = TORCH_FROM_FILE, .url = url, .extra = extra,
                        .find_links = find_links, .span = r->span,
                        .file = context_relative(ctx->gpu, r->file)};
    kb_torch_index_parse(url, &src.torch);
    add_source(ctx, t, src);
}

/* The option lines (-i, --extra-index-url, -f, --no-index) of the
 * requirements files the command reads: they apply to the whole command.
 * The model lists the files' requirements but not these options. */
static void add_file_options(ed_ctx *ctx, torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++) {
        const gpu_req *r = &t->reqs[i];
        if (!r->file || (i > 0 && t->reqs[i - 1].file && strcmp(t->reqs[i - 1].file, r->file) == 0))
            continue;
        size_t len;
        char *text = read_small_file(ctx->arena, r->file, &len);
        if (!text)
            continue;
        sh_reqfile rf;
        sh_reqfile_parse(ctx->arena, text, len, &rf);
        if (rf.index_url)
            add_file_index(ctx, t, r, rf.index_url, false, false);
        for (size_t k = 0; k < rf.nextra_index_urls; k++)
            add_file_index(ctx, t, r, rf.extra_index_urls[k], true, false);
        for (size_t k = 0; k < rf.nfind_links; k++)
            add_file_index(ctx, t, r, rf.find_links[k], false, true);
        t->no_index |= rf.no_index;
    }
}

/* torch==2.1.0+cu121 pins a build variant; so does a direct wheel URL. */
static void add_labels_and_urls(ed_ctx *ctx, const gpu_cmd *c, torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++) {
        const gpu_req *r = &t->reqs[i];
        if (!torch_is_family(r->req->name) || r->req->is_local)
            continue;
        torch_source src = {.req = r};
        if (r->req->url && r->req->word && kb_torch_index_parse(r->req->url, &src.torch)) {
            src.origin = TORCH_FROM_URL;
            src.url = r->req->url;
            src.span = gpu_word_span(c, r->req->word);
            add_source(ctx, t, src);
        } else if (!r->req->url && r->req->pinned &&
                   kb_torch_local_label(r->req->pinned, &src.torch)) {
            src.origin = TORCH_FROM_LABEL;
            src.span = label_span(c, r);
            add_source(ctx, t, src);
        }
    }
}

/* uv --torch-backend=cu126|cpu|auto or UV_TORCH_BACKEND (uv only). */
static void add_backend(ed_ctx *ctx, const gpu_cmd *c, torch_cmd *t)
{
    const sh_word *word = c->pkg->torch_backend;
    const char *value = word ? gpu_expand(ctx->arena, ctx->gpu, c, word->text)
                             : gpu_cmd_var(ctx->gpu, c, "UV_TORCH_BACKEND");
    if (!t->uv || !value || !*value)
        return;
    torch_source src = {.origin = TORCH_FROM_BACKEND, .word = word};
    if (!kb_torch_local_label(ed_arena_printf(ctx->arena, "0+%s", value), &src.torch)) {
        src.torch.kind = KB_INDEX_OTHER_PYTORCH; /* auto: uv picks for the machine */
        src.torch.cuda = KB_VERSION_NONE;
    }
    if (word) {
        src.span = gpu_word_span(c, word);
    } else {
        src.variable = "UV_TORCH_BACKEND";
        const df_var *def = df_model_find(ctx->model, c->index, src.variable);
        df_span fallback = def && def->instr ? df_var_span(def)
                                             : gpu_span(c, c->cmd->start, c->cmd->start);
        src.span = variable_span(ctx->gpu, c, src.variable, fallback);
    }
    add_source(ctx, t, src);
}

static void find_torch_reqs(torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++) {
        const sh_req *r = t->reqs[i].req;
        if (!torch_is_family(r->name) || !from_index(r))
            continue;
        if (!t->first)
            t->first = &t->reqs[i];
        if (!t->torch_version && strcmp(r->name, "torch") == 0 && r->pinned)
            t->torch_version = r->pinned;
    }
}

static bool has_torch_req(const torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++)
        if (torch_is_family(t->reqs[i].req->name))
            return true;
    return false;
}

bool torch_cmd_read(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c, torch_cmd *out)
{
    memset(out, 0, sizeof *out);
    if (!c->pkg || !is_python_installer(c->pkg))
        return false;
    out->stage = s;
    out->cmd = c;
    out->reqs = gpu_cmd_reqs(ctx->arena, ctx->gpu, c, &out->nreqs);
    if (!has_torch_req(out))
        return false;
    out->uv = c->pkg->manager != SH_PM_PIP;
    out->no_index = c->pkg->no_index;
    find_torch_reqs(out);
    add_indexes(ctx, c, out);
    add_file_options(ctx, out);
    add_labels_and_urls(ctx, c, out);
    add_backend(ctx, c, out);
    return true;
}

void torch_each_cmd(ed_ctx *ctx, void (*check)(ed_ctx *ctx, const torch_cmd *cmd))
{
    if (!ctx->gpu)
        return;
    for (size_t i = 0; i < ctx->gpu->nstages; i++) {
        const gpu_stage *s = &ctx->gpu->stages[i];
        for (size_t k = 0; k < s->ncmds; k++) {
            torch_cmd t;
            if (torch_cmd_read(ctx, s, &s->cmds[k], &t))
                check(ctx, &t);
        }
    }
}

/* ---- Words for messages ------------------------------------------------ */

const char *torch_req_label(ed_ctx *ctx, const gpu_req *r)
{
    if (!r->file)
        return r->req->name;
    return ed_arena_printf(ctx->arena, "%s (%s:%u)", r->req->name,
                           context_relative(ctx->gpu, r->file), r->file_line);
}

const char *torch_prefix(const gpu_cmd *c)
{
    return c->onbuild ? "ONBUILD: " : "";
}

const char *torch_image_name(const gpu_stage *s)
{
    return s->root && s->root->base ? s->root->base : "the base image";
}

const char *torch_version_text(ed_ctx *ctx, kb_version v)
{
    char buf[32];
    return ed_arena_strdup(ctx->arena, kb_version_str(v, buf, sizeof buf));
}

const char *torch_plain_version(ed_ctx *ctx, const char *version)
{
    return ed_arena_strndup(ctx->arena, version, strcspn(version, "+"));
}

const char *torch_builds_text(ed_ctx *ctx, const char *torch_version)
{
    const char *const *builds;
    size_t n = kb_torch_builds(ctx->gpu->kb, torch_version, &builds);
    if (n == 0)
        return NULL;
    const char *list = builds[0];
    for (size_t i = 1; i < n; i++)
        list = ed_arena_printf(ctx->arena, "%s, %s", list, builds[i]);
    return list;
}

static const char *index_name(ed_ctx *ctx, const torch_source *src)
{
    const char *kind = src->find_links ? "find-links page" : "index";
    if (src->torch.kind == KB_INDEX_NONE)
        return ed_arena_printf(ctx->arena, "the %s %s", kind, src->url);
    if (!src->torch.suffix[0])
        return ed_arena_printf(ctx->arena, "PyTorch's %s", kind);
    return ed_arena_printf(ctx->arena, "the %s %s", src->torch.suffix, kind);
}

const char *torch_source_what(ed_ctx *ctx, const torch_source *src)
{
    switch (src->origin) {
    case TORCH_FROM_OPTION:
        return index_name(ctx, src);
    case TORCH_FROM_VARIABLE:
        return ed_arena_printf(ctx->arena, "%s in %s", index_name(ctx, src), src->variable);
    case TORCH_FROM_FILE:
        return ed_arena_printf(ctx->arena, "%s in %s", index_name(ctx, src), src->file);
    case TORCH_FROM_LABEL:
        return ed_arena_printf(ctx->arena, "%s==%s", src->req->req->name, src->req->req->pinned);
    case TORCH_FROM_BACKEND:
        return src->variable
                   ? ed_arena_printf(ctx->arena, "%s=%s", src->variable, src->torch.suffix)
                   : ed_arena_printf(ctx->arena, "uv's --torch-backend=%s", src->torch.suffix);
    case TORCH_FROM_URL:
        return ed_arena_printf(ctx->arena, "the %s wheel URL", src->torch.suffix);
    }
    return "";
}

/* ---- Knowledge --------------------------------------------------------- */

const char *torch_best_suffix(const kb *k, kb_version cuda, const char *torch_version)
{
    const char *const *builds;
    size_t n = torch_version ? kb_torch_builds(k, torch_version, &builds) : 0;
    if (n == 0)
        return kb_torch_suffix_for_cuda(k, cuda);
    const char *best = NULL;
    kb_version best_version = KB_VERSION_NONE;
    for (size_t i = 0; i < n; i++) {
        kb_version v;
        if (kb_cuda_suffix_version(builds[i], &v) && v.major == cuda.major &&
            v.minor <= cuda.minor && (!best || kb_version_cmp(v, best_version) > 0)) {
            best = builds[i];
            best_version = v;
        }
    }
    return best;
}

/* ---- Fixes and bookkeeping --------------------------------------------- */

static bool word_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '.';
}

ed_fix *torch_suffix_fix(ed_ctx *ctx, const torch_source *src, const char *new_suffix,
                         const char *description)
{
    const char *old = src->torch.suffix;
    size_t n = strlen(old);
    if (!new_suffix || !n || src->torch.nightly || src->torch.test ||
        src->origin == TORCH_FROM_URL || src->origin == TORCH_FROM_FILE)
        return NULL;
    const char *data = ctx->src->data;
    /* the last standalone occurrence of the suffix in the token */
    for (size_t at = src->span.end; at >= src->span.start + n; at--) {
        size_t start = at - n;
        if (memcmp(data + start, old, n) != 0 ||
            (start > src->span.start && word_char(data[start - 1])) ||
            (at < src->span.end && word_char(data[at])))
            continue;
        ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
        fix->description = description;
        fix->replacement = new_suffix;
        fix->start = start;
        fix->end = at;
        return fix;
    }
    return NULL;
}

bool torch_reported(const ed_ctx *ctx, df_span span)
{
    for (size_t i = 0; i < ctx->nfindings; i++)
        if (ctx->findings[i].rule == ctx->rule && ctx->findings[i].start == span.start &&
            ctx->findings[i].end == span.end)
            return true;
    return false;
}

/* ---- Index configuration the model cannot read ------------------------- */

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
 * `tee /etc/pip.conf`: anything but an install naming index settings. */
static bool writes_config(const gpu_cmd *e, bool uv)
{
    if (e->pkg && is_python_installer(e->pkg))
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

bool torch_index_configured_elsewhere(const gpu_model *m, const gpu_cmd *c)
{
    bool uv = c->pkg && c->pkg->manager != SH_PM_PIP;
    if (config_variable(m, c, uv ? "UV_CONFIG_FILE" : "PIP_CONFIG_FILE"))
        return true;
    const gpu_stage *own = &m->stages[c->stage];
    const df_file *file = m->df->file;
    for (const gpu_stage *s = own; s; s = s->parent) {
        size_t limit = s == own ? c->index : s->stage->end;
        for (size_t i = s->stage->first; i < limit; i++)
            if (copies_config(&file->instrs[i], uv))
                return true;
        for (const gpu_cmd *e = s->cmds; e < s->cmds + s->ncmds && e != c; e++)
            if (writes_config(e, uv))
                return true;
    }
    return false;
}
