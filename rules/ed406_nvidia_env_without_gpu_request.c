/* ED406 nvidia-env-without-gpu-request: NVIDIA_VISIBLE_DEVICES or
 * NVIDIA_DRIVER_CAPABILITIES set on a service that requests no GPU and has
 * no runtime: nvidia. The NVIDIA container toolkit reads them only when it
 * runs for the container, that is for a GPU request or the nvidia runtime;
 * here they do nothing. NVIDIA_VISIBLE_DEVICES=void/none/empty says "no
 * GPU" on purpose and is left alone. */
#include <string.h>

#include "compose_common.h"

static const char *const NAMES[] = {"NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES"};

static bool no_gpu(ed_ctx *ctx, const cf_service *s)
{
    return s->node && !compose_requests_gpu(ctx, s) && !compose_runtime_nvidia(s) &&
           !s->runtime_text.unknown;
}

/* The variable set in a way that asks for something (not "no GPU"). */
static const cf_env *asks(const cf_service *s, const char *name)
{
    const cf_env *e = cf_service_env(s, name);
    if (!e || !e->key)
        return NULL;
    const char *v = e->value.value;
    if (strcmp(name, "NVIDIA_VISIBLE_DEVICES") == 0 && v && !e->value.unknown &&
        (!*v || strcmp(v, "void") == 0 || strcmp(v, "none") == 0))
        return NULL;
    return e;
}

enum { NNAMES = sizeof NAMES / sizeof NAMES[0] };

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c)
        return;
    /* an environment written once for several services (anchor, merge key,
     * extends) is reported once */
    size_t n = c->nservices;
    compose_site *sites[NNAMES];
    const cf_env **envs[NNAMES];
    compose_groups groups[NNAMES];
    for (size_t k = 0; k < NNAMES; k++) {
        sites[k] = ed_arena_calloc(ctx->arena, n ? n : 1, sizeof *sites[k]);
        envs[k] = ed_arena_calloc(ctx->arena, n ? n : 1, sizeof *envs[k]);
    }
    for (size_t i = 0; i < n; i++) {
        bool quiet = no_gpu(ctx, &c->services[i]);
        for (size_t k = 0; k < NNAMES; k++) {
            envs[k][i] = quiet ? asks(&c->services[i], NAMES[k]) : NULL;
            sites[k][i] = (compose_site){envs[k][i] ? envs[k][i]->key : NULL, 0, i};
        }
    }
    for (size_t k = 0; k < NNAMES; k++)
        groups[k] = compose_group_sites(ctx->arena, sites[k], n);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < NNAMES; k++) {
            const cf_env *e = envs[k][i];
            if (!e || groups[k].later[i])
                continue;
            size_t nnames;
            const char **names =
                compose_group_names(ctx->arena, c, sites[k], &groups[k], i, &nnames);
            size_t start, end;
            compose_env_name_site(ctx->src, e, &start, &end);
            ed_report(ctx, start, end,
                      "%s: %s is set, but %s no GPU and %s no runtime: nvidia, so the NVIDIA "
                      "container toolkit, which reads it, does not run and it does nothing "
                      "(unless the daemon's default runtime is nvidia); request the GPU with "
                      "deploy.resources.reservations.devices or gpus:",
                      compose_who(ctx->arena, names, nnames), NAMES[k],
                      nnames == 1 ? "the service requests" : "they request",
                      nnames == 1 ? "has" : "have");
        }
    }
}

ED_RULE(ed406){
    .id = "ED406",
    .name = "nvidia-env-without-gpu-request",
    .severity = ED_SEV_WARNING,
    .summary = "NVIDIA_VISIBLE_DEVICES or NVIDIA_DRIVER_CAPABILITIES on a service that requests "
               "no GPU",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
