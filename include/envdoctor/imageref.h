/* Container image references ("nvidia/cuda:12.4.1-devel-ubuntu22.04",
 * "nvcr.io/nvidia/pytorch:24.05-py3", "python@sha256:...").
 *
 * Follows the Docker/OCI grammar of github.com/distribution/reference as
 * applied by ParseNormalizedNamed: a reference is accepted exactly when
 * `docker pull` would accept its syntax, and it is normalised the same way
 * (`python`, `library/python`, `docker.io/library/python` and
 * `index.docker.io/library/python` are one image). */
#ifndef ENVDOCTOR_IMAGEREF_H
#define ENVDOCTOR_IMAGEREF_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"

/* Longest repository path ("library/python"), registry not counted. */
#define IMG_REPOSITORY_MAX 255
/* Longest tag. */
#define IMG_TAG_MAX 128

typedef struct img_ref {
    const char *registry;   /* "docker.io", "nvcr.io", "ghcr.io", "localhost:5000" */
    const char *repository; /* path in the registry, normalised: "library/python", "nvidia/cuda" */
    const char *familiar;   /* "python", "nvidia/cuda", "nvcr.io/nvidia/pytorch" */
    const char *name;       /* the name exactly as written, without tag and digest */
    const char *tag;        /* NULL when none was written */
    const char *digest;     /* NULL when none was written, e.g. "sha256:..." */
    /* Byte offsets within the parsed string, for pointing at the exact
     * token. [name_start, name_end) is the written name, path_start is where
     * its repository path begins (== name_start when no registry was
     * written). Tag and digest offsets exclude the ':' and '@' and are valid
     * only when present. */
    size_t name_start, name_end, path_start;
    size_t tag_start, tag_end, digest_start, digest_end;
    /* Only after a failed parse: the offending bytes [error_start, error_end)
     * (empty at the end of the text for "something is missing"). */
    size_t error_start, error_end;
} img_ref;

/* Parses text[0..len) (need not be NUL-terminated). Strings in *out live in
 * the arena. Returns false and sets *error to a static string starting with
 * "invalid reference format: " when the text is not a valid reference;
 * *out then holds only error_start/error_end. */
bool img_ref_parse(ed_arena *arena, const char *text, size_t len, img_ref *out,
                   const char **error);

/* Same registry and repository (tag and digest ignored). */
bool img_ref_same_repo(const img_ref *a, const img_ref *b);

/* Is the reference the image `repo`, a name without tag or digest written
 * in any form ("nvidia/cuda", "python", "docker.io/library/python",
 * "nvcr.io/nvidia/pytorch")? An invalid `repo` or one with a tag or digest
 * never matches. */
bool img_ref_is(const img_ref *ref, const char *repo);

/* `FROM scratch`: the reserved empty image. Only the bare word counts, as in
 * Docker: "scratch:latest" or "library/scratch" are pulled (and fail). */
bool img_ref_is_scratch(const img_ref *ref);

/* "python:3.11", "nvidia/cuda@sha256:..." (familiar name, tag, digest). */
const char *img_ref_familiar_string(ed_arena *arena, const img_ref *ref);
/* "docker.io/library/python:3.11" (full name, tag, digest; no implied tag). */
const char *img_ref_canonical_string(ed_arena *arena, const img_ref *ref);

#endif
