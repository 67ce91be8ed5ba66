/* The build model of a Dockerfile: stages, the stage graph, ARG/ENV values
 * as BuildKit evaluates them, and the resolved base image of every stage. */
#ifndef ENVDOCTOR_MODEL_H
#define ENVDOCTOR_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/imageref.h"

/* An ARG or ENV definition (or a predefined/build argument). */
typedef struct df_var {
    const char *name;
    const char *value;     /* expanded; NULL for `ARG NAME` with no value from anywhere */
    const df_instr *instr; /* where it is defined; NULL for --build-arg and built-ins */
    bool is_env;
} df_var;

/* A `$NAME` used in a FROM line that nothing defines. */
typedef struct df_undefined_ref {
    const char *name;
    df_span span;         /* the `$NAME` / `${NAME...}` text */
    const df_instr *from; /* the FROM instruction */
    bool given_as_build_arg; /* --build-arg NAME exists but no global ARG declares it */
    const char *suggestion;  /* closest declared name, or NULL */
} df_undefined_ref;

typedef struct df_stage {
    size_t index;
    const char *name;       /* `AS name` lower-cased, or NULL */
    const df_instr *from;   /* the FROM instruction */
    size_t first, end;      /* its instructions: file->instrs[first .. end) */
    const char *base;       /* FROM's image word after variable expansion, or NULL */
    bool base_has_vars;     /* the image word used variables */
    int parent;             /* stage named by FROM, or -1 */
    int root;               /* first stage of the FROM chain (itself when parent < 0) */
    bool ref_ok;            /* base parsed as an image reference (parent < 0 only) */
    img_ref ref;
    const char *ref_error;  /* why not, when base is set and is no stage */
    const char *platform;   /* --platform after expansion, or NULL */
    df_var *vars;           /* ARG/ENV definitions in file order */
    size_t nvars;
} df_stage;

/* A COPY --from / RUN --mount from= edge to another stage. The model lists
 * them in file order (so also by stage). */
typedef struct df_stage_edge {
    size_t stage;          /* the stage holding the instruction */
    int from_stage;        /* the stage it reads, or -1 for an image */
    const char *from;      /* the --from value after expansion */
    const df_instr *instr;
} df_stage_edge;

typedef struct df_model {
    const df_file *file;
    df_var *global_args;   /* ARGs before the first FROM, in order */
    size_t nglobal_args;
    df_stage *stages;
    size_t nstages;
    int *stage_of;         /* per instruction index: its stage, -1 before the first FROM */
    df_stage_edge *edges;
    size_t nedges;
    df_undefined_ref *undefined; /* undefined variables in FROM lines */
    size_t nundefined;
} df_model;

/* build_args: "KEY=VALUE" strings from --build-arg (later ones win). */
df_model *df_model_build(ed_arena *arena, const df_file *file, const char *const *build_args,
                         size_t nbuild_args);

/* Value of a variable as instruction `instr` (an index into file->instrs)
 * of its stage sees it, before that instruction runs; NULL when unset. */
const char *df_model_lookup(const df_model *model, size_t instr, const char *name);

/* The ARG/ENV definition instruction `instr` sees for `name` (ENV first),
 * or NULL; lets a rule point at where a value was set. */
const df_var *df_model_find(const df_model *model, size_t instr, const char *name);
/* Source span of a definition's value (the ENV/ARG word), or its instruction. */
df_span df_var_span(const df_var *var);

/* The stage whose FROM names an image (the end of the FROM chain). */
const df_stage *df_model_root(const df_model *model, const df_stage *stage);

/* The edges of stage `stage`: *n of them from the one returned (NULL when
 * none). Binary search: no walk over every edge of the file. */
const df_stage_edge *df_model_stage_edges(const df_model *model, size_t stage, size_t *n);

/* The edges of instruction `in` of the file (its COPY --from, its RUN
 * --mount from=), the same way; none for an ONBUILD trigger. */
const df_stage_edge *df_model_instr_edges(const df_model *model, const df_instr *in, size_t *n);

#endif
