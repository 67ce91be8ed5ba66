/* Derived fields of a service once its own fields, extends and merges are
 * in place: image facts, the Dockerfile path, requests_gpu. */
#include <string.h>

#include "model_internal.h"

static void finish_image(ed_arena *arena, const kb *knowledge, cf_service *s)
{
    s->image_ok = false;
    memset(&s->image_ref, 0, sizeof s->image_ref);
    memset(&s->image_facts, 0, sizeof s->image_facts);
    s->image_facts.vendor = KB_VENDOR_UNKNOWN;
    /* an unknown variable makes the reference unknown: never guess it */
    if (!s->image.value || s->image.unknown || !*s->image.value)
        return;
    const char *error;
    if (!img_ref_parse(arena, s->image.value, strlen(s->image.value), &s->image_ref, &error))
        return;
    s->image_ok = true;
    if (knowledge)
        kb_image(knowledge, &s->image_ref, arena, &s->image_facts);
}

/* A context that is a Git repository or URL, not a folder. */
static bool is_remote(const char *context)
{
    return strstr(context, "://") || strncmp(context, "git@", 4) == 0 ||
           strncmp(context, "github.com/", 11) == 0;
}

static void finish_build(ed_arena *arena, cf_service *s)
{
    s->dockerfile_path = NULL;
    s->build_context_dir = NULL;
    if (!s->build)
        return;
    const cf_text *ctx = &s->build_context;
    if (ctx->unknown || (ctx->value && is_remote(ctx->value)))
        return;
    /* the context defaults to the project folder */
    const char *context = ctx->value && *ctx->value ? ctx->value : ".";
    s->build_context_dir = cf_path_join(arena, s->dir, context);
    if (s->build_dockerfile_inline.value)
        return;
    const cf_text *df = &s->build_dockerfile;
    if (df->unknown)
        return;
    const char *name = df->value && *df->value ? df->value : "Dockerfile";
    s->dockerfile_path = cf_path_join(arena, s->build_context_dir, name);
}

/* A CDI name of an NVIDIA GPU: nvidia.com/gpu=... or runtime.nvidia.com/gpu=... */
static bool is_nvidia_cdi(const cf_mount *m)
{
    return m->cdi && m->source &&
           (strncmp(m->source, "nvidia.com/gpu=", 15) == 0 ||
            strncmp(m->source, "runtime.nvidia.com/gpu=", 23) == 0);
}

static void finish_gpu(cf_service *s)
{
    s->requests_gpu = false;
    /* devices under limits count as a request: they show the intent, and
     * ED407 reports where they belong */
    for (size_t i = 0; i < s->ndevices; i++)
        if (s->devices[i].nvidia)
            s->requests_gpu = true;
    /* gpus: asks for a GPU even when its value is malformed (a shape error) */
    if (s->gpus && !cf_is_null(s->gpus->value))
        s->requests_gpu = true;
    if (s->runtime_text.value && !s->runtime_text.unknown &&
        strcmp(s->runtime_text.value, "nvidia") == 0)
        s->requests_gpu = true;
    for (size_t i = 0; i < s->ndevice_maps; i++)
        if (is_nvidia_cdi(&s->device_maps[i]))
            s->requests_gpu = true;
}

void cf_finish_service(ed_arena *arena, const cf_compose *c, const kb *knowledge, cf_service *s)
{
    (void)c;
    finish_image(arena, knowledge, s);
    finish_build(arena, s);
    finish_gpu(s);
}
