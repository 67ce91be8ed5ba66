/* Shared helpers of the image rules (ED101-ED105). */
#include <string.h>

#include "images_common.h"

/* ---- Where images are named ------------------------------------------------ */

/* Fills the source spans of `use` from the word that names the image: the
 * reference text starts at byte `offset` of the word's text. The tag can be
 * pointed at only when the word's text is the reference as written (no
 * variables, no escapes), byte for byte. */
static void locate(images_use *use, const df_instr *in, const df_word *w, size_t offset,
                   bool literal)
{
    use->word = df_source_span(in, w->lstart + offset, w->lend);
    use->tag = use->word;
    use->exact = false;
    bool verbatim = literal && w->lend - w->lstart == w->len &&
                    strcmp(w->text + offset, use->text) == 0;
    if (verbatim && use->ref.tag) {
        use->tag = df_source_span(in, w->lstart + offset + use->ref.tag_start,
                                  w->lstart + offset + use->ref.tag_end);
        use->exact = true;
    }
}

static images_use *push_use(ed_ctx *ctx, images_use *uses, size_t *n, const char *text)
{
    uses = ed_arena_push(ctx->arena, uses, *n, sizeof *uses);
    images_use *use = &uses[(*n)++];
    memset(use, 0, sizeof *use);
    use->text = text;
    return uses;
}

static images_use *from_uses(ed_ctx *ctx, images_use *uses, size_t *n)
{
    const gpu_model *m = ctx->gpu;
    for (size_t i = 0; i < m->nstages; i++) {
        const gpu_stage *s = &m->stages[i];
        const df_stage *st = s->stage;
        if (st->parent >= 0 || !st->ref_ok || img_ref_is_scratch(&st->ref) || !st->from->nargs)
            continue;
        uses = push_use(ctx, uses, n, st->base);
        images_use *use = &uses[*n - 1];
        use->ref = st->ref;
        use->facts = s->image;
        use->stage = s;
        locate(use, st->from, &st->from->args[0], 0, !st->base_has_vars);
    }
    return uses;
}

/* The --from flag of a COPY, or NULL. */
static const df_flag *copy_from_flag(const df_instr *in)
{
    for (size_t i = 0; in->kind == DF_COPY && i < in->nflags; i++)
        if (strcmp(in->flags[i].name, "from") == 0 && in->flags[i].value)
            return &in->flags[i];
    return NULL;
}

static images_use *copy_uses(ed_ctx *ctx, images_use *uses, size_t *n)
{
    const df_model *df = ctx->model;
    for (size_t i = 0; i < df->nedges; i++) {
        const df_stage_edge *e = &df->edges[i];
        const df_flag *flag = copy_from_flag(e->instr);
        img_ref ref;
        const char *error;
        if (e->from_stage >= 0 || !flag || !*e->from ||
            !img_ref_parse(ctx->arena, e->from, strlen(e->from), &ref, &error))
            continue;
        uses = push_use(ctx, uses, n, e->from);
        images_use *use = &uses[*n - 1];
        use->ref = ref;
        kb_image(ctx->gpu->kb, &ref, ctx->arena, &use->facts);
        /* `--from=IMAGE` written without quotes or variables: the image
         * is the end of the flag word; otherwise point at the whole flag. */
        const df_word *w = &flag->word;
        size_t value_len = strlen(flag->value);
        bool literal = strcmp(flag->value, e->from) == 0 && w->len == w->lend - w->lstart &&
                       w->len >= value_len;
        locate(use, e->instr, w, literal ? w->len - value_len : 0, literal);
    }
    return uses;
}

images_use *images_uses(ed_ctx *ctx, bool with_copies, size_t *n)
{
    *n = 0;
    if (!ctx->gpu || !ctx->model)
        return NULL;
    images_use *uses = from_uses(ctx, NULL, n);
    if (with_copies)
        uses = copy_uses(ctx, uses, n);
    return uses;
}

bool images_is_gpu(const kb_image_facts *facts)
{
    return facts->vendor == KB_VENDOR_NVIDIA || facts->vendor == KB_VENDOR_AMD ||
           facts->vendor == KB_VENDOR_INTEL;
}

ed_fix *images_tag_fix(ed_ctx *ctx, const images_use *use, const char *tag,
                       const char *description)
{
    if (!use->exact || !tag)
        return NULL;
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    fix->description = description;
    fix->replacement = tag;
    fix->start = use->tag.start;
    fix->end = use->tag.end;
    return fix;
}

const char *images_stage_label(ed_ctx *ctx, const gpu_stage *s)
{
    if (ctx->gpu->nstages == 1)
        return "the stage";
    if (s->stage->name)
        return ed_arena_printf(ctx->arena, "stage %s", s->stage->name);
    return ed_arena_printf(ctx->arena, "stage %zu", s->stage->index);
}

/* ---- Which CUDA image to suggest ------------------------------------------- */

static bool is_python_install(const sh_pkgcmd *pkg)
{
    return pkg && (pkg->action == SH_ACT_INSTALL || pkg->action == SH_ACT_WHEEL) &&
           (pkg->manager == SH_PM_PIP || pkg->manager == SH_PM_UV_PIP ||
            pkg->manager == SH_PM_UV_ADD || pkg->manager == SH_PM_PIPX);
}

/* The CUDA of one pip/uv command's wheels: its PyTorch cuXYZ index, a
 * +cuXYZ label, or a cuXYZ torch backend. */
static bool command_wheel_cuda(ed_ctx *ctx, const gpu_cmd *c, kb_version *out)
{
    size_t n;
    const gpu_index *ix = gpu_cmd_indexes(ctx->arena, ctx->gpu, c, &n);
    for (size_t i = 0; i < n; i++)
        if (ix[i].torch.kind == KB_INDEX_CUDA) {
            *out = ix[i].torch.cuda;
            return true;
        }
    const gpu_req *reqs = gpu_cmd_reqs(ctx->arena, ctx->gpu, c, &n);
    for (size_t i = 0; i < n; i++) {
        kb_torch_index label;
        if (reqs[i].req->pinned && kb_torch_local_label(reqs[i].req->pinned, &label) &&
            label.kind == KB_INDEX_CUDA) {
            *out = label.cuda;
            return true;
        }
    }
    const sh_word *backend = c->pkg->torch_backend;
    return backend && kb_cuda_suffix_version(backend->text, out);
}

bool images_stage_wheel_cuda(ed_ctx *ctx, const gpu_stage *s, kb_version *out)
{
    for (size_t i = 0; i < s->ncmds; i++)
        if (is_python_install(s->cmds[i].pkg) && command_wheel_cuda(ctx, &s->cmds[i], out))
            return true;
    return false;
}

const char *images_cuda_image(ed_ctx *ctx, kb_version cuda, const char *flavor)
{
    static const char *const oses[] = {"ubuntu22.04", "ubuntu24.04", "ubuntu20.04"};
    kb_version v = kb_cuda_image_latest_patch(ctx->gpu->kb, cuda);
    if (v.major < 0)
        return NULL;
    char vs[32];
    kb_version_str(v, vs, sizeof vs);
    /* First a tag that is not end-of-life; else any published one (the
     * wheels' CUDA line itself may be end-of-life). */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sizeof oses / sizeof *oses; i++) {
            const char *text = ed_arena_printf(ctx->arena, "nvidia/cuda:%s-%s-%s", vs, flavor, oses[i]);
            img_ref ref;
            const char *error;
            kb_image_facts facts;
            if (!img_ref_parse(ctx->arena, text, strlen(text), &ref, &error))
                continue;
            kb_image(ctx->gpu->kb, &ref, ctx->arena, &facts);
            if (facts.tag_exists == KB_YES && (pass == 1 || facts.eol != KB_YES))
                return text;
        }
    return NULL;
}

/* ---- CUDA brought in by hand ----------------------------------------------- */

/* A COPY or ADD of /usr/local/cuda (a toolkit copied from a CUDA image or
 * another stage) among the stage's instructions before `before`. */
static bool copies_cuda(ed_ctx *ctx, const gpu_stage *s, size_t before)
{
    const df_file *file = ctx->dockerfile;
    size_t end = before < s->stage->end ? before : s->stage->end;
    for (size_t i = s->stage->first; i < end; i++) {
        const df_instr *in = &file->instrs[i];
        if (in->kind != DF_COPY && in->kind != DF_ADD)
            continue;
        for (size_t k = 0; k < in->nargs; k++)
            if (strncmp(in->args[k].text, "/usr/local/cuda", 15) == 0)
                return true;
    }
    return false;
}

static bool is_cuda_userspace(ed_ctx *ctx, const sh_pkgcmd *pkg, const sh_req *r)
{
    kb_os_package info;
    kb_pkg_manager manager = pkg->manager == SH_PM_CONDA ? KB_PM_CONDA : KB_PM_SYSTEM;
    return kb_os_package_find(ctx->gpu->kb, manager, r->name, &info) &&
           (info.cls == KB_PKG_TOOLKIT || info.cls == KB_PKG_LIBRARY);
}

static bool is_native_install(const sh_pkgcmd *pkg)
{
    return pkg && pkg->action == SH_ACT_INSTALL &&
           (pkg->manager == SH_PM_CONDA || pkg->manager == SH_PM_APT ||
            pkg->manager == SH_PM_DNF || pkg->manager == SH_PM_APK ||
            pkg->manager == SH_PM_ZYPPER);
}

/* A CUDA toolkit or CUDA libraries installed by a command of the stage. */
static bool installs_cuda(ed_ctx *ctx, const gpu_stage *s)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_pkgcmd *pkg = s->cmds[i].pkg;
        if (s->cmds[i].onbuild || !is_native_install(pkg))
            continue;
        for (size_t k = 0; k < pkg->nreqs; k++)
            if (is_cuda_userspace(ctx, pkg, &pkg->reqs[k]))
                return true;
    }
    return false;
}

/* The instruction index before which commands [0, before) of s ran. */
static size_t instr_before(const gpu_stage *s, size_t before)
{
    return before < s->ncmds ? s->cmds[before].index : s->stage->end;
}

bool images_stage_copies_cuda(ed_ctx *ctx, const gpu_stage *s, size_t before)
{
    if (copies_cuda(ctx, s, instr_before(s, before)))
        return true;
    for (const gpu_stage *p = s->parent; p; p = p->parent)
        if (copies_cuda(ctx, p, p->stage->end))
            return true;
    return false;
}

bool images_stage_brings_cuda(ed_ctx *ctx, const gpu_stage *s)
{
    if (images_stage_copies_cuda(ctx, s, s->ncmds))
        return true;
    for (const gpu_stage *t = s; t; t = t->parent)
        if (installs_cuda(ctx, t))
            return true;
    return false;
}

/* ---- ONBUILD triggers ------------------------------------------------------ */

static bool is_torch(const char *name)
{
    return strcmp(name, "torch") == 0 || strcmp(name, "torchvision") == 0 ||
           strcmp(name, "torchaudio") == 0;
}

static bool has_extra(const sh_req *r, const char *prefix)
{
    for (size_t i = 0; i < r->nextras; i++)
        if (strncmp(r->extras[i], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

/* How a torch install pulls CUDA wheels, worded as GPU intent words it, or
 * NULL: a cuXYZ index, a +cuXYZ label, a cuXYZ uv torch backend. */
static const char *torch_cuda_source(ed_ctx *ctx, const gpu_cmd *c, const sh_req *r)
{
    kb_torch_index label;
    if (r->pinned && kb_torch_local_label(r->pinned, &label) && label.kind == KB_INDEX_CUDA)
        return ed_arena_printf(ctx->arena, "installs %s==%s", r->name, r->pinned);
    size_t n;
    const gpu_index *ix = gpu_cmd_indexes(ctx->arena, ctx->gpu, c, &n);
    for (size_t i = 0; i < n; i++)
        if (ix[i].torch.kind == KB_INDEX_CUDA)
            return ed_arena_printf(ctx->arena, "installs %s from the %s index", r->name,
                                   ix[i].torch.suffix);
    kb_version v;
    const sh_word *backend = c->pkg->torch_backend;
    if (backend && kb_cuda_suffix_version(backend->text, &v))
        return ed_arena_printf(ctx->arena, "installs %s with uv's torch backend %s", r->name,
                               backend->text);
    return NULL;
}

/* Why installing `r` with command `c` means an NVIDIA GPU, or NULL: the
 * same evidence GPU intent reads from ordinary commands. */
static const char *python_gpu_evidence(ed_ctx *ctx, const gpu_cmd *c, const sh_req *r)
{
    const char *name = r->name;
    if (is_torch(name))
        return torch_cuda_source(ctx, c, r);
    if ((strcmp(name, "jax") == 0 || strcmp(name, "jaxlib") == 0) && has_extra(r, "cuda"))
        return ed_arena_printf(ctx->arena, "installs %s[%s]", name, r->extras[0]);
    if (strcmp(name, "tensorflow") == 0 && has_extra(r, "and-cuda"))
        return "installs tensorflow[and-cuda]";
    if (strcmp(name, "tensorflow-gpu") == 0 || strncmp(name, "cupy-cuda", 9) == 0 ||
        strncmp(name, "jax-cuda", 8) == 0)
        return ed_arena_printf(ctx->arena, "installs %s", name);
    if (kb_cuda_package_find(ctx->gpu->kb, name))
        return ed_arena_printf(ctx->arena, "installs %s, which builds CUDA code", name);
    return NULL;
}

const char *images_onbuild_intent(ed_ctx *ctx, const gpu_stage *s)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const gpu_cmd *c = &s->cmds[i];
        if (!c->onbuild || !is_python_install(c->pkg))
            continue;
        for (size_t k = 0; k < c->pkg->nreqs; k++) {
            const char *why = python_gpu_evidence(ctx, c, &c->pkg->reqs[k]);
            if (why)
                return why;
        }
    }
    return NULL;
}

static bool any_set(ed_ctx *ctx, const gpu_cmd *c, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(names[i], '*') && gpu_truthy(gpu_cmd_var(ctx->gpu, c, names[i])))
            return true;
    return false;
}

/* Why installing `r` compiles CUDA code (as the GPU model decides for
 * ordinary commands; variable globs such as DS_BUILD_* are not followed). */
static const char *python_build(ed_ctx *ctx, const gpu_cmd *c, const sh_req *r)
{
    const kb_cuda_package *p = *r->name ? kb_cuda_package_find(ctx->gpu->kb, r->name) : NULL;
    if (!p || any_set(ctx, c, p->skip, p->nskip))
        return NULL;
    if (any_set(ctx, c, p->force, p->nforce))
        return ed_arena_printf(ctx->arena, "%s is forced to build its CUDA extension", p->name);
    if (strcmp(p->builds, "always") == 0)
        return ed_arena_printf(ctx->arena, "%s compiles CUDA code when installed", p->name);
    if (r->url || r->is_local)
        return ed_arena_printf(ctx->arena, "%s is built from source (%s)", p->name,
                               r->url ? r->url : "a local path");
    if (strcmp(p->builds, "no-wheel") == 0 && c->pkg->no_build_isolation)
        return ed_arena_printf(ctx->arena, "%s is built from source (--no-build-isolation)", p->name);
    return NULL;
}

static images_build *push_build(ed_ctx *ctx, images_build *list, size_t *n, size_t cmd,
                                const char *what, df_span span)
{
    list = ed_arena_push(ctx->arena, list, *n, sizeof *list);
    list[(*n)++] = (images_build){cmd, what, span};
    return list;
}

images_build *images_onbuild_builds(ed_ctx *ctx, const gpu_stage *s, size_t *n)
{
    images_build *list = NULL;
    *n = 0;
    for (size_t i = 0; i < s->ncmds; i++) {
        const gpu_cmd *c = &s->cmds[i];
        if (!c->onbuild || c->cmd->nwords == 0)
            continue;
        if (strcmp(sh_program(c->cmd), "nvcc") == 0) {
            list = push_build(ctx, list, n, i, "nvcc is run", gpu_word_span(c, &c->cmd->words[0]));
            continue;
        }
        if (!is_python_install(c->pkg))
            continue;
        for (size_t k = 0; k < c->pkg->nreqs; k++) {
            const char *what = python_build(ctx, c, &c->pkg->reqs[k]);
            if (what)
                list = push_build(ctx, list, n, i, what, gpu_req_span(c, &c->pkg->reqs[k]));
        }
    }
    return list;
}
