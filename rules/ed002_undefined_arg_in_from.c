/* ED002 undefined-arg-in-from: FROM uses a variable no global ARG declares. */
#include "envdoctor/engine.h"
#include "envdoctor/model.h"

static void check(ed_ctx *ctx)
{
    const df_model *model = ctx->model;
    if (!model)
        return;
    for (size_t i = 0; i < model->nundefined; i++) {
        const df_undefined_ref *ref = &model->undefined[i];
        const char *hint = "";
        if (ref->given_as_build_arg)
            hint = ed_arena_printf(ctx->arena,
                                   "; --build-arg %s is given, but a build argument reaches FROM "
                                   "only through a global ARG",
                                   ref->name);
        else if (ref->suggestion)
            hint = ed_arena_printf(ctx->arena, " (did you mean %s?)", ref->suggestion);
        ed_report(ctx, ref->span.start, ref->span.end,
                  "FROM uses $%s, which no ARG before the first FROM declares, so it expands to "
                  "an empty string%s",
                  ref->name, hint);
    }
}

ED_RULE(ed002){
    .id = "ED002",
    .name = "undefined-arg-in-from",
    .severity = ED_SEV_ERROR,
    .summary = "FROM uses a variable that no global ARG declares",
    .kinds = ED_KIND_DOCKERFILE,
    .check = check,
};
