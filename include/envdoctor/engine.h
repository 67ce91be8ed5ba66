/* Rule engine: the rule registry, the lint context rules see, findings. */
#ifndef ENVDOCTOR_ENGINE_H
#define ENVDOCTOR_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/limits.h"
#include "envdoctor/source.h"

struct df_file;
struct df_model;
struct gpu_model;
struct cf_compose;

typedef enum ed_severity {
    ED_SEV_OFF = 0,
    ED_SEV_INFO = 1,
    ED_SEV_WARNING = 2,
    ED_SEV_ERROR = 3,
} ed_severity;

typedef enum ed_file_kind {
    ED_KIND_DOCKERFILE = 1,
    ED_KIND_COMPOSE = 2,
    ED_KIND_APPTAINER = 4,
} ed_file_kind;

/* One edit: replace source bytes [start, end) with replacement. */
typedef struct ed_edit {
    size_t start, end;
    const char *replacement;
} ed_edit;

/* A repair: one edit (replacement over [start, end)) and, for fixes that
 * touch several places, more edits; no two edits of a fix overlap. A safe
 * fix keeps the build's meaning apart from the mistake it repairs (--fix
 * applies it); an unsafe one is a judgement, such as another base image
 * (only --unsafe-fixes applies it). */
typedef struct ed_fix {
    const char *description;
    const char *replacement;
    size_t start, end;
    bool unsafe;
    const ed_edit *more; /* the other edits, in source order */
    size_t nmore;
} ed_fix;

struct ed_rule;

/* One combination of a build-argument matrix: "NAME=value", one per axis. */
typedef struct ed_combination {
    const char *const *args;
    size_t nargs;
} ed_combination;

typedef struct ed_finding {
    const struct ed_rule *rule;
    ed_severity severity;
    const char *message;
    size_t start, end;    /* byte offsets of the offending token */
    ed_pos begin, finish; /* 1-based; finish is one past the last character */
    const ed_fix *fix;    /* NULL when there is none */
    /* Linted over a build-argument matrix: the combinations the finding
     * occurs in, when it does not occur in all of them (else none). */
    const ed_combination *combinations;
    size_t ncombinations;
} ed_finding;

/* A rule's severity set by the configuration (.env-doctor.yaml severity:). */
typedef struct ed_severity_override {
    const struct ed_rule *rule;
    ed_severity severity; /* ED_SEV_OFF: the rule is off, as if ignored */
} ed_severity_override;

struct kb_image_hint;

/* A file's content held in memory in place of the file on disk (the
 * autofix passes lint the fixed text before anything is written). */
typedef struct ed_overlay {
    const char *path; /* as the file is named when it is read */
    const char *data;
    size_t len;
} ed_overlay;

/* One axis of a build-argument matrix: a build argument and its values. */
typedef struct ed_matrix_axis {
    const char *name;
    const char *const *values;
    size_t nvalues;
} ed_matrix_axis;

/* At most this many combinations in a build-argument matrix. */
#define ED_MATRIX_MAX 256

typedef struct ed_options {
    const char *const *build_args; /* "KEY=VALUE" (or "KEY": from the environment) */
    size_t nbuild_args;
    int gpu;                 /* gpu_mode: 0 auto, 1 always, 2 never */
    const char *context_dir; /* build context (requirements files); NULL: the file's folder */
    /* Compose: the interpolation variables, "NAME=VALUE" (read from --env-file
     * or the .env beside the file by the caller; the process environment is
     * never read). */
    const char *const *compose_vars;
    size_t ncompose_vars;
    /* --no-inline-ignores: `# env-doctor ... ignore=` pragmas in the files
     * are not read (nothing is suppressed, ED003 reports nothing). */
    bool no_inline_ignores;
    /* Rules turned off (.env-doctor.yaml ignore:): they do not run, their
     * findings (ED001, ED003 reported by the engine) are dropped, and an
     * inline pragma naming one is moot, not stale (no ED003 for it). */
    const struct ed_rule *const *ignored_rules;
    size_t nignored_rules;
    /* Per-rule severities (.env-doctor.yaml severity:), applied after the
     * inline pragmas: every finding of the rule gets the severity, whatever
     * the rule reported; ED_SEV_OFF works like ignored_rules. The last
     * override of a rule wins; ignored_rules wins over all of them. */
    const ed_severity_override *severities;
    size_t nseverities;
    /* Images the user describes (.env-doctor.yaml images:), asked before the
     * knowledge base wherever an image is judged (see kb_with_images). */
    const struct kb_image_hint *image_hints;
    size_t nimage_hints;
    /* A build-argument matrix (--build-arg-matrix): ed_lint_matrix lints a
     * file once per combination of the axes' values. */
    const ed_matrix_axis *matrix;
    size_t nmatrix;
    /* Or explicit combinations, each a set of "NAME=value" build args (the
     * services of a Compose project that build one Dockerfile with
     * different args); they take precedence over matrix. */
    const ed_combination *combinations;
    size_t ncombinations;
    /* Files to read from memory instead of the disk (ed_read_source). */
    const ed_overlay *overlay;
    size_t noverlay;
    /* Resource limits (limits.h); NULL: ed_default_limits. */
    const ed_limits *limits;
} ed_options;

/* The options' limits, or the defaults (options may be NULL). */
const ed_limits *ed_options_limits(const ed_options *options);

/* What a rule sees while it runs. */
typedef struct ed_ctx {
    ed_arena *arena;
    const ed_source *src;
    ed_file_kind kind;
    const struct df_file *dockerfile; /* ED_KIND_DOCKERFILE */
    const struct df_model *model;     /* the build model of the Dockerfile */
    const struct gpu_model *gpu;      /* the GPU view of the build model */
    const struct cf_compose *compose; /* ED_KIND_COMPOSE: the compose model */
    const ed_options *options;
    const struct ed_rule *rule;       /* the rule now running */
    ed_finding *findings;
    size_t nfindings;
} ed_ctx;

typedef struct ed_rule {
    const char *id;       /* "ED201" */
    const char *name;     /* "torch-missing-index-url" */
    ed_severity severity; /* default */
    const char *summary;  /* one line */
    unsigned kinds;       /* ed_file_kind bits the rule applies to */
    void (*check)(ed_ctx *ctx);
} ed_rule;

/* Declares a rule; scripts/gen-rule-list registers every ED_RULE in rules/. */
#define ED_RULE(sym) const ed_rule ed_rule_##sym =

/* All rules, sorted by id, NULL-terminated (generated). */
extern const ed_rule *const ed_rules_all[];

const ed_rule *ed_rule_find(const char *id_or_name);
/* The rule's documentation (Markdown), or NULL. */
const char *ed_rule_doc(const ed_rule *rule);

const char *ed_severity_name(ed_severity severity);

/* Reports a finding of the running rule at source bytes [start, end). */
void ed_report(ed_ctx *ctx, size_t start, size_t end, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a severity other than the rule's default, and a fix. */
ed_finding *ed_report_with(ed_ctx *ctx, ed_severity severity, size_t start, size_t end,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Fills begin/finish from the byte offsets and sorts by position, then rule. */
void ed_sort_findings(ed_finding *findings, size_t n, const ed_source *src);

/* Result of linting one file. */
typedef struct ed_file_result {
    const char *path;
    ed_file_kind kind;
    const ed_source *src;
    ed_finding *findings; /* sorted by line, column, rule id */
    size_t nfindings;
    const struct gpu_model *gpu; /* a linted Dockerfile's GPU model (NULL otherwise) */
} ed_file_result;

/* Copies a result into the arena `to` with only what the reports and the
 * fixes read: the path, the findings (messages, fixes, combinations) and
 * the source (text and line index, for positions and excerpts) when there
 * are findings or `with_source`; no models (gpu is NULL, and src is NULL
 * for a result without findings unless with_source). The arena the result
 * was linted in can then be freed. */
void ed_file_result_keep(ed_arena *to, const ed_file_result *from, bool with_source,
                         ed_file_result *out);

/* Lints a Dockerfile held in src; everything is allocated in the arena. */
void ed_lint_dockerfile(ed_arena *arena, const ed_source *src, const ed_options *options,
                        ed_file_result *out);

/* Lints a Compose file: the ED_KIND_COMPOSE rules over its model (YAML and
 * shape errors as ED001), and each Dockerfile its services build, once, as
 * a Dockerfile of its own with the first such service's context and its
 * build args (when services build it with different args: once per set,
 * as with a build-arg matrix) (*linked, *nlinked: those results, kind
 * ED_KIND_DOCKERFILE; a dockerfile_inline one is named after the file and
 * the service, and its findings have no fixes). */
void ed_lint_compose(ed_arena *arena, const ed_source *src, const ed_options *options,
                     ed_file_result *out, ed_file_result **linked, size_t *nlinked);

/* Lints several Compose files as one project, merged in order like
 * `docker compose -f a -f b` (relative paths resolve against the first
 * file's folder). *results holds one result per file (in order, kind
 * ED_KIND_COMPOSE; each finding is reported in the file that holds the node
 * it points at), then the files named by include: (each linted as a project
 * of its own, once), then the linked Dockerfiles. */
void ed_lint_compose_files(ed_arena *arena, const ed_source *const *files, size_t nfiles,
                           const ed_options *options, ed_file_result **results, size_t *nresults);

/* Lints an Apptainer/Singularity definition file held in src: its parse
 * errors as ED001, then the ED_KIND_APPTAINER rules over the build and GPU
 * models of its stages (options->build_args fill {{ NAME }}). */
void ed_lint_apptainer(ed_arena *arena, const ed_source *src, const ed_options *options,
                       ed_file_result *out);

/* The number of combinations of a matrix (the product of the axes'
 * sizes), or ED_MATRIX_MAX + 1 when there are more than ED_MATRIX_MAX. */
size_t ed_matrix_size(const ed_matrix_axis *axes, size_t naxes);

/* Lints a Dockerfile (kind ED_KIND_DOCKERFILE) or an Apptainer definition
 * (ED_KIND_APPTAINER) once per combination of options->matrix (or per
 * options->combinations when there are any), each
 * combination's values after options->build_args (so they win), and
 * reports each finding once: with the combinations it occurs in, unless it
 * occurs in all. Findings are the same when rule, position and message are.
 * A finding keeps its fix only when every combination has it with the same
 * fix (one made for some combinations could break the others).
 * Without a matrix (or with more than ED_MATRIX_MAX combinations: then the
 * first ED_MATRIX_MAX) it is a plain lint. out->gpu is the first
 * combination's model. */
void ed_lint_matrix(ed_arena *arena, const ed_source *src, ed_file_kind kind,
                    const ed_options *options, ed_file_result *out);

/* Reads a file the way the engine does: from options->overlay when it
 * holds the path, else from the disk (ed_source_read_limited with the
 * options' max_file_size: a larger file gives a source with oversize set,
 * which the lint reports as ED001; "-" is standard input). named_by_file:
 * a path another file names (a Compose file's include:, build:), which must
 * be a regular file. False, with a message in err, when it cannot be read. */
bool ed_read_source(ed_source *src, ed_arena *arena, const ed_options *options, const char *path,
                    const char *display_path, bool named_by_file, char *err, size_t errlen);

/* The bytes to delete to remove the word at [start, end) of a command
 * tidily: its whole physical line when the word is alone on a continued
 * line; with the line break before it when it is alone on the last line
 * of a continuation; else with the blanks before it (or after it). */
void ed_removal_range(const ed_source *src, size_t start, size_t end, size_t *from, size_t *to);

/* The edits of a fix, the first edit included: out[0..n), in source order. */
size_t ed_fix_edits(const ed_fix *fix, ed_edit *out, size_t max);

/* Applies the fixes of the findings (the unsafe ones only when `unsafe`)
 * to the source: fixes are taken in finding order, and a fix with an edit
 * that overlaps an edit already taken is left out whole (fixes never
 * merge). Line breaks in replacements follow the file's (CRLF when its
 * first line ends so). Returns the new text in the arena (*len its length)
 * and the number of fixes applied in *applied; the source itself when none
 * is. */
const char *ed_apply_fixes(ed_arena *arena, const ed_source *src, const ed_finding *findings,
                           size_t n, bool unsafe, size_t *len, size_t *applied);

const char *ed_kind_name(ed_file_kind kind);

#endif
