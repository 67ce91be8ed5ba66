/* ED303 cuda-toolkit-version-mismatch: a CUDA toolkit install whose X.Y
 * differs from the CUDA of the stage's image, so code is compiled for one
 * CUDA and run against the other's libraries. */
#include <stdio.h>
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "system_common.h"

/* The package name with its CUDA version rewritten for another X.Y, in the
 * name's own style (cuda-toolkit-12-1 -> cuda-toolkit-12-4, cuda-nvcc-12.1
 * -> cuda-nvcc-12.4); NULL when the version is not spelled in the name. */
static const char *renamed_for(ed_arena *arena, const char *name, kb_version from, kb_version to)
{
    static const char seps[] = {'-', '.'};
    if (from.minor < 0 || to.minor < 0)
        return NULL;
    for (size_t i = 0; i < sizeof seps; i++) {
        char old[32];
        snprintf(old, sizeof old, "%d%c%d", from.major, seps[i], from.minor);
        size_t n = strlen(name), len = strlen(old);
        /* the version ends the name (the knowledge base's `{ver}` patterns) */
        if (n > len && strcmp(name + n - len, old) == 0 && name[n - len - 1] == '-')
            return ed_arena_printf(arena, "%.*s%d%c%d", (int)(n - len), name, to.major, seps[i],
                                   to.minor);
    }
    return NULL;
}

static void check_toolkit(ed_ctx *ctx, const gpu_stage *s, const gpu_toolkit *t)
{
    kb_version mine = t->version;
    kb_version image = s->image.cuda;
    if (mine.major < 0 || !gpu_stage_is_cuda(s) || image.major < 0 || image.minor < 0 ||
        s->image.cuda_unverified || sys_same_cuda(mine, image))
        return;
    const char *name = t->req->raw_name;
    const char *instead = renamed_for(ctx->arena, name, mine, image);
    ed_finding *f = ed_report_with(
        ctx, ED_SEV_WARNING, t->span.start, t->span.end,
        "%s installs CUDA %s, but %s has CUDA %s: code compiled with one toolkit runs against the "
        "other's libraries%s%s",
        name, sys_cuda_str(ctx->arena, mine), gpu_stage_image(s), sys_cuda_str(ctx->arena, image),
        instead ? "; install " : "", instead ? instead : "");
    if (instead) {
        ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
        *fix = (ed_fix){.description = ed_arena_printf(ctx->arena, "install %s, the image's CUDA",
                                                        instead),
                        .replacement = instead,
                        .start = t->span.start,
                        .end = t->span.end,
                        .unsafe = true}; /* another toolkit: a judgement */
        f->fix = fix;
    }
}

static void check(ed_ctx *ctx)
{
    sys_each_toolkit(ctx, check_toolkit);
}

ED_RULE(ed303){
    .id = "ED303",
    .name = "cuda-toolkit-version-mismatch",
    .severity = ED_SEV_WARNING,
    .summary = "The CUDA toolkit installed differs in version from the image's CUDA",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
