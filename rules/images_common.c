/* Shared helpers of the image rules (ED101-ED105). */
#include <string.h>

#include "envdoctor/buf.h"
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

/* A new use at the end of the list (heap scratch; see images_uses). */
static images_use *push_use(ed_buf *uses, const char *text)
{
    images_use use = {.text = text};
    ed_buf_add(uses, (const char *)&use, sizeof use);
    return (images_use *)(void *)(uses->data + uses->len - sizeof use);
}

static void from_uses(ed_ctx *ctx, ed_buf *uses)
{
    const gpu_model *m = ctx->gpu;
    for (size_t i = 0; i < m->nstages; i++) {
        const gpu_stage *s = &m->stages[i];
        const df_stage *st = s->stage;
        if (st->parent >= 0 || !st->ref_ok || img_ref_is_scratch(&st->ref) || !st->from->nargs)
            continue;
        images_use *use = push_use(uses, st->base);
        use->ref = st->ref;
        use->facts = s->image;
        use->stage = s;
        locate(use, st->from, &st->from->args[0], 0, !st->base_has_vars);
    }
}

/* The --from flag of a COPY, or NULL. */
static const df_flag *copy_from_flag(const df_instr *in)
{
    for (size_t i = 0; in->kind == DF_COPY && i < in->nflags; i++)
        if (strcmp(in->flags[i].name, "from") == 0 && in->flags[i].value)
            return &in->flags[i];
    return NULL;
}

static void copy_uses(ed_ctx *ctx, ed_buf *uses)
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
        images_use *use = push_use(uses, e->from);
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
}

images_use *images_uses(ed_ctx *ctx, bool with_copies, size_t *n)
{
    *n = 0;
    if (!ctx->gpu || !ctx->model)
        return NULL;
    ed_buf list = ED_BUF_INIT; /* copied to the arena at its exact size */
    from_uses(ctx, &list);
    if (with_copies)
        copy_uses(ctx, &list);
    images_use *uses = ed_buf_copy(&list, ctx->arena);
    *n = list.len / sizeof *uses;
    ed_buf_free(&list);
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
    fix->unsafe = true; /* another base image: a judgement */
    return fix;
}

/* ---- Which CUDA image to suggest ------------------------------------------- */

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
