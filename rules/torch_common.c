/* Shared reading for the torch rules: see torch_common.h. */
#include "torch_common.h"

#include <ctype.h>
#include <string.h>

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

/* "+cu118" in the word `torch==2.1.0+cu118`; the -r word for a
 * requirements-file line. */
static df_span label_span(const gpu_cmd *c, const gpu_req *r)
{
    if (!r->req->word)
        return r->span;
    return gpu_span(c, r->req->label_start, r->req->label_end);
}

/* ---- Sources ----------------------------------------------------------- */

static void add_indexes(ed_ctx *ctx, const gpu_cmd *c, torch_cmd *t)
{
    size_t n;
    gpu_index *ix = gpu_cmd_indexes(ctx->arena, ctx->gpu, c, &n);
    for (size_t i = 0; i < n; i++) {
        torch_source src = {.origin = TORCH_FROM_OPTION, .torch = ix[i].torch, .url = ix[i].url,
                            .extra = ix[i].extra, .find_links = ix[i].find_links,
                            .word = ix[i].word, .option = ix[i].option,
                            .option_span = ix[i].option_span, .span = ix[i].span};
        if (ix[i].from_env) {
            src.origin = TORCH_FROM_VARIABLE;
            src.variable = ix[i].variable;
        } else if (ix[i].file) {
            src.origin = TORCH_FROM_FILE;
            src.file = ix[i].file;
        }
        add_source(ctx, t, src);
    }
}

/* torch==2.1.0+cu121 pins a build variant; so does a direct wheel URL. */
static void add_labels_and_urls(ed_ctx *ctx, const gpu_cmd *c, torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++) {
        const gpu_req *r = &t->reqs[i];
        if (!gpu_is_torch_package(r->req->name) || r->req->is_local)
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
        src.span = gpu_var_span(ctx->gpu, c, src.variable);
    }
    add_source(ctx, t, src);
}

static void find_torch_reqs(torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++) {
        const sh_req *r = t->reqs[i].req;
        if (!gpu_is_torch_package(r->name) || !from_index(r))
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
        if (gpu_is_torch_package(t->reqs[i].req->name))
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
    out->no_index = gpu_cmd_no_index(ctx->arena, ctx->gpu, c);
    find_torch_reqs(out);
    add_indexes(ctx, c, out);
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
    return ed_arena_printf(ctx->arena, "%s (%s:%u)", r->req->name, r->file_name, r->file_line);
}

const char *torch_prefix(const gpu_cmd *c)
{
    return c->onbuild ? "ONBUILD: " : "";
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
