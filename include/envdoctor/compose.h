/* The Compose model: services and what they ask of the GPU, read from the
 * positioned YAML tree (yaml.h) with Compose's interpolation applied, and
 * linked to the Dockerfiles their `build:` sections build. Rules read this
 * model; positions are byte offsets in the compose file. */
#ifndef ENVDOCTOR_COMPOSE_H
#define ENVDOCTOR_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/gpu.h"
#include "envdoctor/imageref.h"
#include "envdoctor/kb.h"
#include "envdoctor/source.h"
#include "envdoctor/yaml.h"

/* A scalar after interpolation (${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e},
 * ${VAR:+a}, $$). */
typedef struct cf_text {
    const cf_node *node;  /* where it is written (NULL when absent; a null value such as
                             `image:` is written: node set, value NULL) */
    const char *value;    /* interpolated text; NULL when absent or not a scalar */
    bool unknown;         /* uses a variable that is unset and has no default: never guessed */
} cf_text;

/* A GPU device request: an entry of deploy.resources.reservations.devices
 * (or, wrongly, of limits.devices), or an item of the service-level `gpus:`
 * list, or `gpus: all`. */
typedef struct cf_device {
    const cf_node *node;           /* the entry (a map, or the `all` scalar) */
    const cf_pair *pair;           /* the `devices:` / `gpus:` key it sits under */
    bool under_limits;             /* deploy.resources.limits.devices */
    bool from_gpus;                /* service-level gpus: (implies the gpu capability) */
    bool all;                      /* gpus: all */
    const cf_pair *capabilities;   /* key/value pairs as written, NULL when absent */
    const cf_pair *count;
    const cf_pair *device_ids;
    const cf_pair *driver;
    const cf_pair *options;
    cf_text count_text, driver_text; /* interpolated values */
    bool nvidia;                   /* a GPU request for NVIDIA: driver nvidia (or none) with the gpu
                                      or an nvidia-* capability, or any gpus: entry; also a
                                      request without a driver whose capabilities are missing,
                                      not a list or unknown (only other capabilities, or another
                                      driver, say it is not) */
} cf_device;

/* One environment variable of a service (map or list form, env_file not read). */
typedef struct cf_env {
    const char *name;
    cf_text value;        /* value.value NULL for `- NAME` / `NAME:` (taken from the shell) */
    const cf_node *key;   /* the name as written: the key (map form) or the list item */
} cf_env;

/* A volume or device mapping of a service. */
typedef struct cf_mount {
    const cf_node *node;  /* the list item */
    const char *source;   /* host side (interpolated), NULL for named volumes without a path */
    const char *target;   /* container side, or NULL */
    /* Additions to the contract: */
    bool unknown;         /* the text uses an unknown variable (source/target may hold it as written) */
    bool cdi;             /* devices: a CDI name such as nvidia.com/gpu=all (in source; target NULL) */
} cf_mount;

typedef struct cf_service {
    const char *name;
    const cf_pair *pair;           /* `name:` under services (the key gives the position) */
    const cf_node *node;           /* the service map; NULL (with a shape error) when not a map */
    cf_text image;                 /* image: */
    bool image_ok;                 /* image parsed as a reference */
    img_ref image_ref;
    kb_image_facts image_facts;    /* facts of the image (vendor UNKNOWN when not known) */
    const cf_pair *build;          /* build: (string or map) */
    cf_text build_context, build_dockerfile, build_target;
    const char *dockerfile_path;   /* the Dockerfile the build uses, resolved against the
                                      compose file's folder; NULL when no build */
    const char *const *build_args; /* "KEY=VALUE" from build.args (map or list), interpolated;
                                      `KEY` alone (from the shell) and values with an unknown
                                      variable are left out: the Dockerfile's default applies */
    size_t nbuild_args;
    const cf_pair *runtime;        /* runtime: */
    cf_text runtime_text;
    const cf_pair *gpus;           /* gpus: */
    cf_device *devices;            /* every GPU device request, in file order */
    size_t ndevices;
    cf_env *env;
    size_t nenv;
    cf_mount *volumes;             /* volumes: (short and long syntax) */
    size_t nvolumes;
    cf_mount *device_maps;         /* devices: (HOST:CONTAINER[:rwm], long syntax, CDI names) */
    size_t ndevice_maps;
    const cf_pair *extends;        /* extends: (already applied to the fields above) */
    bool requests_gpu;             /* an NVIDIA device request, gpus:, runtime: nvidia, or a CDI
                                      nvidia.com/gpu device mapping */
    /* The linked Dockerfile (build:), when it was found and linted. */
    const struct gpu_model *built; /* its GPU model; NULL when none */
    int built_stage;               /* the stage the service runs (build.target, else the last) or -1 */
    /* Additions to the contract: */
    cf_text build_dockerfile_inline; /* build.dockerfile_inline (then dockerfile_path is NULL) */
    const char *build_context_dir; /* the build context folder (NULL when no build, a remote
                                      context or an unknown variable) */
    const char *dir;               /* folder its build context is relative to: the project's, or
                                      that of the file an extends: {file:} took build: from */
    bool incomplete;               /* extends a service that could not be read (another file that
                                      is missing, an unknown name, a cycle): fields may be missing */
} cf_service;

/* Variables for interpolation: NAME=VALUE strings (from --env-file or the
 * .env beside the file); the process environment is not read, so results
 * stay deterministic. */
typedef struct cf_vars {
    const char *const *items;
    size_t n;
    /* How deep ${...} may nest in a value (${A:-${B}} is 2); 0: 64. A
     * deeper value is a shape error and is not interpolated. */
    size_t max_depth;
} cf_vars;

/* A structural problem (a null service, services as a list, a string where a
 * list belongs): reported as ED001 findings. */
typedef struct cf_shape_error {
    size_t start, end;
    const char *message;
} cf_shape_error;

typedef struct cf_compose {
    const ed_source *src;
    cf_vars vars;                  /* interpolation variables */
    const cf_yaml *yaml;
    const cf_node *root;           /* first document's root map, or NULL */
    const cf_pair *version;        /* top-level version:, or NULL */
    cf_service *services;
    size_t nservices;
    cf_shape_error *errors;
    size_t nerrors;
    /* Additions to the contract: */
    const char *dir;               /* project folder: relative paths resolve against it (the first
                                      file's folder; NULL for standard input: the current one) */
    const cf_yaml *const *yamls;   /* every YAML tree read (yaml is the first): ED001 reports
                                      their errors */
    size_t nyamls;
    const char *const *includes;   /* include: paths, resolved against dir, in order */
    size_t nincludes;
    /* Several -f files: src is all of them end to end (each followed by a
     * newline), so that offsets name one place in one of them; the files and
     * where each starts in src. NULL/0 for a model of one file. */
    const ed_source *const *files;
    const size_t *file_starts;
    size_t nfiles;
} cf_compose;

/* Builds the model of one compose file (yaml parsed from src, or from a
 * view of src with the same offsets). As compose-go does:
 *   - every document of the file is read and they are merged in order, like
 *     -f files (empty documents are skipped; root and version are the first
 *     ones found);
 *   - extends: is applied within each document first, by the merge rules of
 *     cf_compose_merge; `extends: {file: F}` reads F (relative to the
 *     project folder) when it can, else the service is left incomplete;
 *   - profiles are ignored: every service is in the model and linted;
 *   - include: is not merged in: the paths are listed in includes and the
 *     engine lints each of those files as a project of its own;
 *   - env_file: is not read (environment holds what the file writes).
 * A service written up to where a YAML syntax or limit error stopped the
 * parse is left out. Never NULL; wrong shapes become errors[]. */
cf_compose *cf_compose_build(ed_arena *arena, const ed_source *src, const cf_yaml *yaml,
                             const cf_vars *vars, const kb *knowledge);

/* --- Additions to the contract ------------------------------------------ */

/* `docker compose -f base -f over`: a new model with over's services merged
 * into base's by the Compose merge rules (scalars are replaced, environment
 * and build args merged by name, volumes and devices by container path,
 * device requests appended, `!reset` clears a field and `!override` replaces
 * instead of merging). Both must share one source (cf_compose_build on the
 * same ed_source). Paths keep base's project folder. */
cf_compose *cf_compose_merge(ed_arena *arena, const cf_compose *base, const cf_compose *over,
                             const kb *knowledge);

/* A .env file (Compose's dotenv format: NAME=VALUE, `export ` prefixes,
 * quotes, # comments) as interpolation variables. */
void cf_vars_parse(ed_arena *arena, const char *text, size_t len, cf_vars *out);
/* Reads and parses the file; false (with a message in err) when unreadable. */
bool cf_vars_read(ed_arena *arena, const char *path, cf_vars *out, char *err, size_t errlen);

/* Where an offset of c->src is in its own file: the position, and the
 * file's path in *path (when path is not NULL). Use it for positions named
 * in messages: with several -f files ed_source_pos(c->src, ...) counts lines
 * of all of them. */
ed_pos cf_compose_pos(const cf_compose *c, size_t offset, const char **path);

/* A node read from another file through `extends: {file: ...}`: it is a copy
 * placed at that extends: key (positions in the other file mean nothing in
 * this one), so its text is not written where it points. Report it there,
 * but offer no fix that edits that place. */
bool cf_node_inherited(const cf_compose *c, const cf_node *node);

/* One Dockerfile to lint for the services that build it (link.c). */
typedef struct cf_build_link {
    const char *path;             /* the Dockerfile, or NULL for dockerfile_inline */
    const char *inline_text;      /* dockerfile_inline text, or NULL */
    const cf_service *first;      /* the first service that builds it: its args are used */
    const char *context_dir;      /* that service's build context (requirements files) */
} cf_build_link;

/* The distinct Dockerfiles the services build, in service order (each once). */
cf_build_link *cf_compose_links(ed_arena *arena, const cf_compose *c, size_t *n);
/* Gives every service that builds link (same path or inline text) the GPU
 * model and its stage: build.target by name, else the last stage; -1 when
 * the target names no stage. */
void cf_compose_set_built(cf_compose *c, const cf_build_link *link, const struct gpu_model *gpu);

/* Interpolates a scalar node (also used by rules for values they read).
 * Not a scalar or null: value NULL. A variable that is not in c->vars and
 * has no default (and ${VAR:?err} when it would fail) makes the text
 * unknown; value then keeps that reference as written. $$ is a literal $;
 * ${VAR/a/b} and other shell forms are not Compose's: unknown too. */
cf_text cf_interpolate(ed_arena *arena, const cf_compose *c, const cf_node *node);

/* The service's environment variable, or NULL. */
const cf_env *cf_service_env(const cf_service *s, const char *name);

#endif
