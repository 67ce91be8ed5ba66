/* Internal interfaces between the Compose model's files (model*.c,
 * interpolate.c, link.c). */
#ifndef ENVDOCTOR_MODEL_INTERNAL_H
#define ENVDOCTOR_MODEL_INTERNAL_H

#include <string.h>

#include "envdoctor/compose.h"

/* memcpy that accepts an empty (possibly NULL) source. */
static inline void cf_copy(void *dst, const void *src, size_t n)
{
    if (n)
        memcpy(dst, src, n);
}

/* State while one document of a compose file is read into services. */
typedef struct cf_reader {
    ed_arena *arena;
    cf_compose *c;        /* shape errors go here */
    const kb *knowledge;
    int depth;            /* extends: file: nesting (bounded) */
    /* Where a syntax or limit error stopped the parse (SIZE_MAX when none):
     * a service written up to there was cut short and is left out, so
     * that no rule judges half a service. */
    size_t cut;
} cf_reader;

/* Reads the documents (roots) into r->c: root, version, include, services
 * (each document's extends applied, then merged in order), finished. */
void cf_read_documents(cf_reader *r, const cf_node *const *docs, size_t ndocs);

/* The value of NAME (name[0..len)) in vars, or NULL when it is not there. */
const char *cf_vars_get(const cf_vars *vars, const char *name, size_t len);
/* Interpolates s[0..len); *unknown is set when a variable is unset and has no
 * default (its reference is then kept as written). */
const char *cf_interpolate_string(ed_arena *arena, const cf_vars *vars, const char *s, size_t len,
                                  bool *unknown);

/* How deep ${...} may nest with these variables (cf_vars.max_depth). */
size_t cf_interpolation_max_depth(const cf_vars *vars);
/* How deep ${...} nest in s[0..len) ($$ is a literal $). */
size_t cf_interpolation_nesting(const char *s, size_t len);

/* A shape error at the place node is written (model.c). */
void cf_shape(cf_reader *r, const cf_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Shape check helpers: true when node is absent/null or of the kind wanted;
 * otherwise records "<what> must be <a mapping|a list>, not <type>". */
bool cf_want_map(cf_reader *r, const cf_node *node, const char *what);
bool cf_want_seq(cf_reader *r, const cf_node *node, const char *what);

/* Reads the fields of s->node the model knows (model_service.c). */
void cf_read_service(cf_reader *r, cf_service *s);
/* gpus: and deploy.resources.*.devices (model_gpu.c). */
void cf_read_gpu(cf_reader *r, cf_service *s);
/* Derived fields after reading, extends and merges: image facts, the
 * Dockerfile path, requests_gpu (model_finish.c). */
void cf_finish_service(ed_arena *arena, const cf_compose *c, const kb *knowledge, cf_service *s);

/* Merges `over` into `base` by the Compose merge rules (model_merge.c):
 * the result is written into *base. */
void cf_merge_service(ed_arena *arena, cf_service *base, const cf_service *over);

/* Applies extends: within the services of one document (model_extends.c). */
void cf_apply_extends(cf_reader *r, cf_service *services, size_t n);

/* extends: {service:, file:} from another file (model_extends_file.c):
 * the base service read from that file, its nodes placed at the extends:
 * key of s (positions in another file mean nothing in this one). False
 * when the file cannot be read or has no such service. */
bool cf_extends_other_file(cf_reader *r, const cf_service *s, const cf_text *service,
                           const cf_text *file, cf_service *base);

/* Joins dir and path (path kept when absolute or dir is NULL/"."); never
 * "-", which the file readers take for standard input: "./-" instead. */
const char *cf_path_join(ed_arena *arena, const char *dir, const char *path);
/* The folder of a path ("." when it has none; NULL for "<stdin>"/NULL). */
const char *cf_path_dir(ed_arena *arena, const char *path);

#endif
