/* Knowledge base internals shared by src/model/kb*.c and imagefacts.c: the
 * loaded tables, and the schema-driven YAML decoder that fills them.
 *
 * Each module (kb_cuda.c, kb_images.c, ...) describes its tables as data
 * (kb_table + kb_schema: which YAML key fills which struct field) and may
 * check them once loaded (finish). kb_load.c owns libyaml and the loop.
 *
 * The same descriptions drive kb_emit.c, which writes a loaded knowledge
 * base out as C initializers: at build time scripts/compile-knowledge loads
 * the YAML files of rules/knowledge/ and emits $(BUILD)/gen/kb_tables.c,
 * which kb_get (kb_builtin.c) returns without parsing anything at run
 * time. So a schema
 * must name every member of its struct that holds data, including what
 * finish computes (KB_DERIVED); kb_emit checks that no member is left out. */
#ifndef ENVDOCTOR_KB_INTERNAL_H
#define ENVDOCTOR_KB_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <yaml.h>

#include "envdoctor/arena.h"
#include "envdoctor/kb.h"

/* ---- Versions and ranges (kb_version.c) --------------------------------- */

/* The upper end of an open range part. */
#define KB_VMAX INT_MAX

/* An inclusive version range with every part filled: absent parts are 0 in
 * `lo` and KB_VMAX in `hi` ("12.6" = 12.6.0 .. 12.6.MAX). */
typedef struct kb_range {
    kb_version lo, hi;
    const char *text; /* as written in the YAML, for messages */
} kb_range;

typedef struct kb_ranges {
    const kb_range *v;
    size_t n;
} kb_ranges;

bool kb_range_parse(const char *s, kb_range *out);
/* Is v inside? v's absent parts stand for "any": KB_YES when every such
 * version is inside, KB_NO when none is, else KB_UNKNOWN. */
kb_tri kb_range_has(const kb_range *r, kb_version v);
/* Over a union of ranges. */
kb_tri kb_ranges_has(const kb_ranges *rs, kb_version v);
/* v with absent parts filled by `fill` (0 or KB_VMAX). */
kb_version kb_version_fill(kb_version v, int fill);
/* "12.5.1 and newer", "up to 12.4.0", "11.0.3 to 12.9", "12.6" (arena). */
const char *kb_range_describe(ed_arena *arena, const kb_range *r);
/* Reads the leading "X[.Y[.Z]]" of a package version ("2.1.0+cu121",
 * "2.1.0.post1", "2.4.0rc1"); false when it does not start with a number. */
bool kb_version_prefix(const char *s, kb_version *out);
/* The same, returning the end of the version (NULL when there is none). */
const char *kb_version_scan(const char *s, kb_version *out);

/* ---- Tables ------------------------------------------------------------- */

/* cuda-images.yaml */
typedef struct kb_cuda_release {
    kb_version cuda;
    const int *patches;
    size_t npatches;
    bool final, two_part, fresh;
    const char *source;
    kb_verified verified;
} kb_cuda_release;

typedef struct kb_cuda_never {
    kb_version cuda;
    const char *reason, *source;
    kb_verified verified;
} kb_cuda_never;

typedef struct kb_cuda_majors {
    const int *majors;
    size_t nmajors;
    const char *source;
    kb_verified verified;
} kb_cuda_majors;

typedef struct kb_cuda_flavor {
    const char *flavor;
    kb_tri nvcc, cudnn;
    kb_ranges versions, except, partial;
    bool closed;
    const char *ends, *source;
    kb_verified verified;
} kb_cuda_flavor;

typedef struct kb_cuda_os {
    const char *os;
    kb_ranges versions;
    kb_version dropped;
    bool closed;
    const char *source;
    kb_verified verified;
} kb_cuda_os;

typedef struct kb_cuda_eol {
    kb_ranges versions;
    const char *reason, *source;
    kb_verified verified;
} kb_cuda_eol;

/* A single named rule (policy.latest, arch.yaml horizon, ...). Present when
 * source != NULL. */
typedef struct kb_rule {
    kb_version cuda;
    const char *reason, *source;
    kb_verified verified;
} kb_rule;

/* images.yaml */
typedef enum kb_reader {
    KB_READ_NONE,
    KB_READ_CUDA,
    KB_READ_CUDA_LIKE,
    KB_READ_TOKEN,
    KB_READ_NGC,
    KB_READ_TF,
} kb_reader;

typedef struct kb_token_rule {
    const char *token; /* glob */
    const char *flavor;
    int vendor;        /* kb_vendor, or -1 when the rule does not set it */
    kb_tri nvcc, cudnn;
} kb_token_rule;

typedef struct kb_family {
    const char *family;
    const char *const *match;
    size_t nmatch;
    int vendor; /* kb_vendor */
    int reader; /* kb_reader */
    const char *cuda_token;
    kb_tri nvcc, cudnn;
    const kb_token_rule *tokens;
    size_t ntokens;
    bool no_latest, convention;
    const char *eol, *note, *source;
    kb_verified verified;
} kb_family;

typedef struct kb_floating {
    const char *const *tags;
    size_t ntags;
    const char *source;
    kb_verified verified;
} kb_floating;

/* ngc.yaml */
typedef struct kb_ngc_release {
    kb_range release;
    kb_version cuda;
    const char *note, *source;
    kb_verified verified;
} kb_ngc_release;

/* pytorch.yaml */
typedef struct kb_torch_suffix {
    const char *suffix;
    kb_version cuda;
    const char *source;
    kb_verified verified;
} kb_torch_suffix;

typedef struct kb_torch_release {
    kb_version torch;
    const char *const *cuda;
    size_t ncuda;
    const char *const *maybe;
    size_t nmaybe;
    const char *pypi_default;
    int default_verified; /* kb_verified, or -1: the row's */
    const char *rocm, *note, *source;
    kb_verified verified;
} kb_torch_release;

/* tensorflow.yaml */
typedef struct kb_tf_build {
    kb_range tf;
    kb_version cuda, cudnn;
    const char *source;
    kb_verified verified;
} kb_tf_build;

typedef struct kb_tf_and_cuda {
    kb_version from;
    const char *note, *source;
    kb_verified verified;
} kb_tf_and_cuda;

typedef struct kb_tf_stub {
    kb_version stub, same_code_since;
    const char *note, *source;
    kb_verified verified;
} kb_tf_stub;

/* jax.yaml */
typedef struct kb_jax_mono {
    const char *label, *last, *note, *source;
    kb_verified verified;
} kb_jax_mono;

/* cuda-packages.yaml: kb_cuda_package plus its aliases */
typedef struct kb_cuda_pkg_entry {
    kb_cuda_package pkg;
    const char *const *aliases;
    size_t naliases;
    int knobs_verified; /* kb_verified, or -1: the entry's (copied into pkg once loaded) */
} kb_cuda_pkg_entry;

/* os-packages.yaml */
typedef enum kb_pm_filter { KB_PMF_ANY, KB_PMF_SYSTEM, KB_PMF_CONDA } kb_pm_filter;

typedef struct kb_os_entry {
    const char *pattern;
    int manager; /* kb_pm_filter */
    int cls;     /* kb_pkg_class */
    kb_tri nvcc;
    const char *note, *source;
    kb_verified verified;
} kb_os_entry;

/* arch.yaml */
typedef struct kb_arch_name {
    const char *name;
    const char *const *aliases;
    size_t naliases;
    const char *const *cc;
    size_t ncc;
    const char *gpus, *source;
    kb_verified verified;
} kb_arch_name;

typedef struct kb_arch_target {
    const char *const *cc;
    size_t ncc;
    kb_version added, removed;
    const char *note, *source;
    kb_verified verified;
    const char *why; /* built once loaded, for kb_cuda_supports_* */
} kb_arch_target;

/* drivers.yaml */
typedef struct kb_driver_row {
    kb_range cuda;
    const char *driver, *note, *source;
    kb_verified verified;
} kb_driver_row;

typedef struct kb_driver_floor {
    int major;
    const char *driver, *source;
    kb_verified verified;
} kb_driver_floor;

struct kb {
    ed_arena *arena;
    size_t nentries;

    kb_cuda_release *cuda_releases;
    size_t ncuda_releases;
    kb_cuda_never *cuda_never;
    size_t ncuda_never;
    kb_cuda_majors *cuda_complete;
    size_t ncuda_complete;
    kb_cuda_flavor *cuda_flavors;
    size_t ncuda_flavors;
    kb_cuda_os *cuda_os;
    size_t ncuda_os;
    kb_cuda_eol *cuda_eol;
    size_t ncuda_eol;
    kb_rule cuda_latest, cuda_grammar, cuda_three_part, cuda_os_suffix, cuda_superseded,
        cuda_deletion;

    kb_floating floating;
    kb_family *families;
    size_t nfamilies;
    kb_ngc_release *ngc;
    size_t nngc;

    kb_torch_suffix *torch_suffixes;
    size_t ntorch_suffixes;
    kb_torch_release *torch_releases;
    size_t ntorch_releases;

    kb_tf_build *tf_builds;
    size_t ntf_builds;
    kb_tf_and_cuda tf_and_cuda;
    kb_tf_stub tf_stub;

    kb_jax_extra *jax_extras;
    size_t njax_extras;
    kb_jax_plugin *jax_plugins;
    size_t njax_plugins;
    kb_jax_mono jax_mono;

    kb_cuda_pkg_entry *cuda_packages;
    size_t ncuda_packages;
    kb_wrong_entry *wrong_packages;
    size_t nwrong_packages;
    kb_os_entry *os_packages;
    size_t nos_packages;

    kb_rule arch_horizon;
    kb_arch_name *arch_names;
    size_t narch_names;
    kb_arch_target *arch_targets;
    size_t narch_targets;

    kb_driver_row *driver_rows;
    size_t ndriver_rows;
    kb_driver_floor *driver_floors;
    size_t ndriver_floors;

    /* Only in a kb_with_images view: the user's image hints, asked first. */
    const kb_image_hint *user_images;
    size_t nuser_images;
};

/* ---- Schema-driven decoding (kb_load.c) ---------------------------------- */

typedef enum kb_ftype {
    KB_F_STR,      /* const char * */
    KB_F_STRS,     /* const char *const * at off, size_t at off_n */
    KB_F_INT,      /* int */
    KB_F_INTS,     /* const int * at off, size_t at off_n */
    KB_F_BOOL,     /* bool: true | false */
    KB_F_TRI,      /* kb_tri: yes | no | unknown */
    KB_F_VERIFIED, /* kb_verified: v | 3p | unverified */
    KB_F_ENUM,     /* int: index into names[] (values[] when given) */
    KB_F_VERSION,  /* kb_version */
    KB_F_RANGE,    /* kb_range */
    KB_F_RANGES,   /* kb_ranges */
    KB_F_SUBS,     /* a list of mappings decoded with sub: array at off, size_t at off_n */
} kb_ftype;

typedef struct kb_schema kb_schema;

typedef struct kb_field {
    const char *key;                /* NULL: derived, set by finish, not read from YAML */
    kb_ftype type;
    size_t off, off_n;
    bool required;
    int def;                        /* default for BOOL, TRI, ENUM, INT */
    const char *const *names;       /* ENUM: accepted words, NULL-terminated */
    const int *values;              /* ENUM: their values (NULL: the index) */
    const kb_schema *sub;           /* SUBS */
    const char *member, *nmember;   /* the C members at off and off_n ("pkg.name") */
} kb_field;

struct kb_schema {
    const char *what; /* "flavor", for messages */
    size_t size;      /* sizeof the struct */
    const kb_field *fields;
    size_t nfields;
    bool entry;       /* a table entry: must carry source and verified */
    const char *ctype; /* the C type ("kb_cuda_release") */
};

/* A top-level key of one file. A list fills an array in struct kb (off and
 * off_n); a single entry fills a struct in struct kb (off); a mapping of
 * named single entries (policy:) has children instead of a schema. */
typedef struct kb_table {
    const char *file, *key;
    const kb_schema *schema;
    size_t off, off_n;
    bool one;
    const struct kb_table *children;
    size_t nchildren;
    const char *member, *nmember; /* the members of struct kb at off and off_n */
} kb_table;

typedef struct kb_ctx kb_ctx;

/* Records the first error: "file:line:column: message" (node may be NULL). */
bool kb_fail(kb_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
kb *kb_ctx_kb(kb_ctx *ctx);

typedef struct kb_module {
    const kb_table *tables;
    size_t ntables;
    /* Checks and indexes the loaded tables (cross references). May be NULL. */
    bool (*finish)(kb_ctx *ctx);
} kb_module;

extern const kb_module kb_module_cuda, kb_module_images, kb_module_pytorch,
    kb_module_frameworks, kb_module_pypackages, kb_module_ospackages, kb_module_arch;

/* Every module that owns tables, in loading order (kb_load.c). */
extern const kb_module *const kb_modules[];
extern const size_t kb_nmodules;

/* Writes k as C source (kb_emit.c): one static array per table, and
 * `const kb kb_builtin_tables` pointing at them. False, with a message in
 * error[], when a schema leaves a member of its struct out. */
bool kb_emit_c(const kb *k, FILE *out, char *error, size_t error_size);

/* The compiled tables kb_get returns ($(BUILD)/gen/kb_tables.c). */
extern const kb kb_builtin_tables;

/* Helpers for the field tables. */
#define KB_FIELD(T, k, ty, member, req)                                                       \
    {k, ty, offsetof(T, member), 0, req, 0, NULL, NULL, NULL, #member, NULL}
#define KB_FIELD_DEF(T, k, ty, member, d)                                                     \
    {k, ty, offsetof(T, member), 0, false, d, NULL, NULL, NULL, #member, NULL}
#define KB_FIELD_N(T, k, ty, member, nmember, req)                                            \
    {k, ty, offsetof(T, member), offsetof(T, nmember), req, 0, NULL, NULL, NULL, #member, #nmember}
#define KB_FIELD_ENUM(T, k, member, req, d, names, values)                                    \
    {k, KB_F_ENUM, offsetof(T, member), 0, req, d, names, values, NULL, #member, NULL}
#define KB_FIELD_SUBS(T, k, member, nmember, schema)                                          \
    {k, KB_F_SUBS, offsetof(T, member), offsetof(T, nmember), false, 0, NULL, NULL, schema,   \
     #member, #nmember}
/* A member not read from YAML: one finish() computes, or one this table leaves
 * NULL/0; named so that the compiled tables keep it (see kb_emit.c). */
#define KB_DERIVED(T, ty, member)                                                             \
    {NULL, ty, offsetof(T, member), 0, false, 0, NULL, NULL, NULL, #member, NULL}
#define KB_META(T)                                                                            \
    KB_FIELD(T, "source", KB_F_STR, source, true),                                            \
        KB_FIELD(T, "verified", KB_F_VERIFIED, verified, true)
#define KB_SCHEMA(name, T, what, fields)                                                      \
    static const kb_schema name = {what, sizeof(T), fields, sizeof fields / sizeof fields[0], \
                                   true, #T}
#define KB_LIST(file, key, schema, member, nmember)                                           \
    {file, key, &schema, offsetof(kb, member), offsetof(kb, nmember), false, NULL, 0, #member, \
     #nmember}
#define KB_ONE(file, key, schema, member)                                                     \
    {file, key, &schema, offsetof(kb, member), 0, true, NULL, 0, #member, NULL}
/* A mapping of named single entries (policy:). */
#define KB_GROUP(file, key, children)                                                         \
    {file, key, NULL, 0, 0, false, children, sizeof children / sizeof children[0], NULL, NULL}

/* ---- Shared helpers ------------------------------------------------------ */

/* Glob match (fnmatch without FNM_PATHNAME: '*' crosses '/'). */
bool kb_glob(const char *pattern, const char *s);
/* A marker that may support a "no" verdict ([v] or [3p]). */
static inline bool kb_solid(kb_verified v) { return v != KB_UNVERIFIED; }

/* The nvidia/cuda reader (kb_cuda.c) and the generic "<X.Y[.Z]>-<flavor>[-<os>]"
 * reader for look-alikes (cudagl). Both fill cuda, flavor, os, has_nvcc,
 * has_cudnn, tag_exists, eol and friends of out. */
void kb_cuda_read_tag(const kb *kb, const char *tag, ed_arena *arena, kb_image_facts *out);
void kb_cuda_like_read_tag(const char *tag, ed_arena *arena, kb_image_facts *out);

/* NGC release YY.MM -> its row, or NULL (kb_images.c). */
const kb_ngc_release *kb_ngc_find(const kb *kb, kb_version release);
/* The first family whose globs match the familiar name, or NULL. */
const kb_family *kb_family_find(const kb *kb, const char *familiar);
/* Does the tag float (a tag from images.yaml floating:)? */
bool kb_tag_floats(const kb *kb, const char *tag);

/* The facts a user's image hint gives (kb_user_images.c): vendor, CUDA,
 * nvcc, cuDNN and a note; the rest of out is left as it is. */
void kb_hint_facts(const kb_image_hint *hint, ed_arena *arena, kb_image_facts *out);

/* Verification marker names ("v", "3p", "unverified"). */
const char *kb_verified_name(kb_verified v);

#endif
