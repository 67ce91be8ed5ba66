/* The configuration file, `.env-doctor.yaml` (or `.env-doctor.yml`): which
 * rules to ignore, per-rule severities, the failure threshold, the GPU mode,
 * build args, facts about the user's own images, and paths to exclude.
 *
 *     ignore: [ED104, torch-extra-index-url]   # rule ids (any case) or names
 *     severity: {ED210: error, floating-gpu-base-tag: off}  # error|warning|info|off
 *     failure-threshold: warning               # error|warning|info|never
 *     gpu: auto                                # auto|always|never
 *     build-args: {CUDA_VERSION: "12.4.1"}     # scalars, as written
 *     build-arg-matrix: {CUDA_VERSION: [11.8.0, 12.4.1]}  # lint once per combination
 *     images:
 *       cpu-only: [registry.corp/ml/python-base, "mycorp/py-*:slim"]
 *       gpu:
 *         - registry.corp/ml/cuda-base         # NVIDIA, CUDA unknown
 *         - {image: "registry.corp/ml/cuda:12.4-*", cuda: "12.4.1", nvcc: true, cudnn: true}
 *     exclude: [third_party, "legacy/old-*.Dockerfile"]
 *     limits: {max-file-size: 16M, max-instructions: 200000}  # as the --max-* flags
 *
 * Every key is optional; an empty file is an empty configuration. Anything
 * else (an unknown key, a wrong type, an unknown rule, a bad level or
 * version, a duplicate key, a YAML syntax error) is a configuration error
 * with its position. Everything lives in the caller's arena. */
#ifndef ENVDOCTOR_CONFIG_H
#define ENVDOCTOR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/engine.h"
#include "envdoctor/kb.h"
#include "envdoctor/source.h"

/* One exclude: glob, as written, and where. */
typedef struct ed_config_exclude {
    const char *pattern;
    ed_pos pos;
} ed_config_exclude;

typedef struct ed_config {
    const char *path; /* the file as named when loaded ("<stdin>" for standard input) */
    const char *dir;  /* its folder ("." for standard input): excludes are relative to it */

    /* ignore: the rules turned off, in the order written (ed_options.ignored_rules). */
    const ed_rule **ignored;
    size_t nignored;
    /* severity: one entry per rule, in the order written (ed_options.severities). */
    ed_severity_override *severities;
    size_t nseverities;
    /* failure-threshold: 0 when not set, else the lowest failing ed_severity
     * (ED_SEV_INFO .. ED_SEV_ERROR), ED_SEV_ERROR + 1 for never. */
    int failure_threshold;
    /* gpu: -1 when not set, else 0 auto, 1 always, 2 never (ed_options.gpu). */
    int gpu;
    /* build-args: "KEY=VALUE", in the order written (ed_options.build_args). */
    const char **build_args;
    size_t nbuild_args;
    /* images: cpu-only and gpu entries in the order written; the first that
     * matches an image wins (ed_options.image_hints). A gpu entry's nvcc is
     * KB_NO unless `nvcc: true`, its cudnn KB_UNKNOWN unless given. */
    kb_image_hint *image_hints;
    ed_pos *image_hint_pos; /* where each pattern is written */
    size_t nimage_hints;
    /* build-arg-matrix: {NAME: [values]}, axes in the order written
     * (ed_options.matrix; at most ED_MATRIX_MAX combinations). */
    ed_matrix_axis *matrix;
    size_t nmatrix;
    /* exclude: globs relative to dir (see ed_config_excludes). */
    ed_config_exclude *excludes;
    size_t nexcludes;
    /* limits: the values of those given (bit i: ed_limit_table[i]). */
    ed_limits limits;
    unsigned limits_given;
} ed_config;

/* The nearest configuration file: `.env-doctor.yaml` (else `.env-doctor.yml`)
 * in start_dir (NULL: the current directory), then in each parent folder,
 * stopping after the first folder that holds `.git` (a folder or a file: the
 * repository root) or at `/`. The path is relative to the current directory
 * when the file is inside it, else absolute; NULL when there is none. */
const char *ed_config_find(ed_arena *arena, const char *start_dir);

/* Reads and parses the file at path. On failure returns false and writes one
 * line, "PATH:LINE:COLUMN: what is wrong" (or "PATH: cannot read ...: why"
 * for an unreadable file), to err[0..errsize). */
bool ed_config_load(ed_arena *arena, const char *path, ed_config *out, char *err, size_t errsize);

/* Parses a configuration already in memory (src->path names it in messages
 * and gives dir). Same errors as ed_config_load. */
bool ed_config_parse(ed_arena *arena, const ed_source *src, ed_config *out, char *err,
                     size_t errsize);

/* Whether an exclude glob of the configuration matches path (relative to
 * the current directory, or absolute). The path is made absolute and
 * normalised (`.`, `..`, repeated `/`; symbolic links are not followed),
 * then taken relative to the configuration's folder: paths outside it are
 * never excluded. Globs are gitignore-like: `*` and `?` do not cross `/`,
 * `[...]` as in fnmatch, `**` as a whole segment matches zero or more
 * folders (at the start, between segments, at the end); a glob without a `/`
 * matches a file or folder name at any depth; a glob with a `/` (also a
 * leading `/` or `./`) matches from the configuration's folder; a glob
 * that matches a folder excludes everything under it, and a trailing `/`
 * matches folders only. */
bool ed_config_excludes(const ed_config *config, const char *path);

/* Sets the options the engine takes from a configuration: ignored_rules,
 * severities and image_hints (build args, gpu and the failure threshold
 * are merged with the command line by the caller). */
void ed_config_apply(const ed_config *config, ed_options *options);

#endif
