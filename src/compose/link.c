/* Build linkage: which Dockerfiles the services build, and which stage of
 * each a service runs. The engine lints each Dockerfile once. */
#include <string.h>
#include <strings.h>

#include "envdoctor/model.h"
#include "model_internal.h"

static bool same_build(const cf_service *s, const cf_build_link *link)
{
    if (link->path)
        return s->dockerfile_path && strcmp(s->dockerfile_path, link->path) == 0;
    return !s->dockerfile_path && s->build_dockerfile_inline.value && link->inline_text &&
           strcmp(s->build_dockerfile_inline.value, link->inline_text) == 0;
}

cf_build_link *cf_compose_links(ed_arena *arena, const cf_compose *c, size_t *n)
{
    cf_build_link *links = NULL;
    *n = 0;
    for (size_t i = 0; c && i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        bool inline_df = s->build && s->build_dockerfile_inline.value &&
                         !s->build_dockerfile_inline.unknown && s->build_context_dir;
        if (!s->dockerfile_path && !inline_df)
            continue;
        bool seen = false;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = same_build(s, &links[k]);
        if (seen)
            continue;
        links = ed_arena_push(arena, links, *n, sizeof *links);
        cf_build_link *l = &links[(*n)++];
        memset(l, 0, sizeof *l);
        l->path = s->dockerfile_path;
        l->inline_text = s->dockerfile_path ? NULL : s->build_dockerfile_inline.value;
        l->first = s;
        l->context_dir = s->build_context_dir;
    }
    return links;
}

/* The stage a service runs: build.target by name (case-insensitive, as
 * BuildKit matches stage names), else the last stage. */
static int stage_of(const cf_service *s, const gpu_model *gpu)
{
    if (!gpu || gpu->nstages == 0)
        return -1;
    const cf_text *target = &s->build_target;
    if (!target->value)
        return (int)gpu->nstages - 1;
    if (target->unknown)
        return -1;
    for (size_t i = 0; i < gpu->nstages; i++) {
        const char *name = gpu->stages[i].stage->name;
        if (name && strcasecmp(name, target->value) == 0)
            return (int)i;
    }
    return -1;
}

void cf_compose_set_built(cf_compose *c, const cf_build_link *link, const gpu_model *gpu)
{
    for (size_t i = 0; c && i < c->nservices; i++) {
        cf_service *s = &c->services[i];
        if (!same_build(s, link))
            continue;
        s->built = gpu;
        s->built_stage = stage_of(s, gpu);
    }
}
