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

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c)
        return;
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        if (!no_gpu(ctx, s))
            continue;
        for (size_t k = 0; k < sizeof NAMES / sizeof NAMES[0]; k++) {
            const cf_env *e = asks(s, NAMES[k]);
            if (!e)
                continue;
            /* an environment written once for several services (anchor,
             * merge key, extends) is reported once */
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++) {
                const cf_env *o = no_gpu(ctx, &c->services[j]) ? asks(&c->services[j], NAMES[k]) : NULL;
                seen = o && compose_same_site(o->key, e->key);
            }
            if (seen)
                continue;
            const char **names = NULL;
            size_t n = 0;
            for (size_t j = i; j < c->nservices; j++) {
                const cf_env *o = no_gpu(ctx, &c->services[j]) ? asks(&c->services[j], NAMES[k]) : NULL;
                if (o && compose_same_site(o->key, e->key)) {
                    names = ed_arena_push(ctx->arena, names, n, sizeof *names);
                    names[n++] = c->services[j].name;
                }
            }
            size_t start, end;
            compose_env_name_site(ctx->src, e, &start, &end);
            ed_report(ctx, start, end,
                      "%s: %s is set, but %s no GPU and %s no runtime: nvidia, so the NVIDIA "
                      "container toolkit, which reads it, does not run and it does nothing "
                      "(unless the daemon's default runtime is nvidia); request the GPU with "
                      "deploy.resources.reservations.devices or gpus:",
                      compose_who(ctx->arena, names, n), NAMES[k],
                      n == 1 ? "the service requests" : "they request",
                      n == 1 ? "has" : "have");
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
