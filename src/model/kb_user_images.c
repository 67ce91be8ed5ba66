/* The user's image hints (.env-doctor.yaml images:): a knowledge-base view
 * that knows them, and how a hint matches an image reference. The shared
 * knowledge base stays immutable: a view is a shallow copy in the caller's
 * arena. */
#include <fnmatch.h>
#include <string.h>

#include "kb_internal.h"

const kb *kb_with_images(const kb *base, ed_arena *arena, const kb_image_hint *hints,
                         size_t nhints)
{
    if (!base || nhints == 0)
        return base;
    kb *view = ed_arena_alloc(arena, sizeof *view);
    *view = *base;
    view->user_images = hints;
    view->nuser_images = nhints;
    return view;
}

static bool has_glob_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '*' || s[i] == '?' || s[i] == '[')
            return true;
    return false;
}

/* The ':' that starts a pattern's tag (after its last '/'), or NULL. */
static const char *tag_colon(const char *pattern)
{
    const char *slash = strrchr(pattern, '/');
    return strchr(slash ? slash : pattern, ':');
}

/* "name" or "name:tag" in the arena. */
static const char *with_tag(ed_arena *arena, const char *name, const char *tag)
{
    return tag ? ed_arena_printf(arena, "%s:%s", name, tag) : name;
}

/* The pattern with a literal name normalised to its canonical form
 * ("python:3.*" -> "docker.io/library/python:3.*"), or NULL when the name
 * has glob characters or is no image name. */
static const char *canonical_pattern(ed_arena *arena, const char *pattern, const char *colon)
{
    size_t n = colon ? (size_t)(colon - pattern) : strlen(pattern);
    img_ref ref;
    const char *error;
    if (has_glob_chars(pattern, n) || !img_ref_parse(arena, pattern, n, &ref, &error) ||
        ref.tag || ref.digest)
        return NULL;
    const char *name = ed_arena_printf(arena, "%s/%s", ref.registry, ref.repository);
    return colon ? ed_arena_printf(arena, "%s%s", name, colon) : name;
}

static bool hint_matches(const kb_image_hint *h, const img_ref *ref, ed_arena *arena)
{
    if (!h->pattern || !*h->pattern)
        return false;
    const char *colon = tag_colon(h->pattern);
    /* a pattern with a tag needs the tag the image is pulled with: the
     * written one, else Docker's implied latest (unknown for a bare digest) */
    const char *tag = NULL;
    if (colon) {
        tag = ref->tag ? ref->tag : ref->digest ? NULL : "latest";
        if (!tag)
            return false;
    }
    const char *canonical = ed_arena_printf(arena, "%s/%s", ref->registry, ref->repository);
    const char *subjects[3] = {with_tag(arena, ref->name, tag), with_tag(arena, ref->familiar, tag),
                               with_tag(arena, canonical, tag)};
    const char *patterns[2] = {h->pattern, canonical_pattern(arena, h->pattern, colon)};
    for (size_t p = 0; p < 2; p++)
        for (size_t s = 0; patterns[p] && s < 3; s++)
            if (subjects[s] && fnmatch(patterns[p], subjects[s], FNM_PATHNAME) == 0)
                return true;
    return false;
}

const kb_image_hint *kb_image_hint_find(const kb *k, const img_ref *ref, ed_arena *arena)
{
    if (!k || !ref || !ref->familiar || !ref->registry || !ref->repository)
        return NULL;
    for (size_t i = 0; i < k->nuser_images; i++)
        if (hint_matches(&k->user_images[i], ref, arena))
            return &k->user_images[i];
    return NULL;
}

void kb_hint_facts(const kb_image_hint *h, ed_arena *arena, kb_image_facts *out)
{
    if (!h->gpu) {
        out->vendor = KB_VENDOR_NONE;
        out->has_nvcc = KB_NO;
        out->has_cudnn = KB_NO;
        out->note = ed_arena_printf(arena, "a CPU-only image by the configuration (images: "
                                           "cpu-only: %s)",
                                    h->pattern);
        return;
    }
    out->vendor = KB_VENDOR_NVIDIA;
    out->cuda = h->cuda;
    out->has_nvcc = h->nvcc;
    out->has_cudnn = h->cudnn;
    out->note = ed_arena_printf(arena, "a CUDA image by the configuration (images: gpu: %s)",
                                h->pattern);
}
