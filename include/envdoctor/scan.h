/* Finding the files to lint under a folder: Dockerfiles, Compose files and
 * Apptainer definitions (by name, see filekind.h), skipping version-control
 * and dependency folders, what .gitignore files ignore and the
 * configuration's exclude: globs. Symbolic links are followed only when
 * they stay inside the tree, and every folder is entered once, so links
 * cannot loop. */
#ifndef ENVDOCTOR_SCAN_H
#define ENVDOCTOR_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/engine.h"

struct ed_config;

typedef struct ed_scan_options {
    const struct ed_config *config; /* its exclude: globs apply; NULL: none */
    bool no_ignore;                 /* do not read .gitignore files */
} ed_scan_options;

typedef struct ed_scan_file {
    const char *path; /* the root joined with the path below it ("./" dropped) */
    const char *real; /* the real path (symbolic links resolved), for identity */
    ed_file_kind kind;
} ed_scan_file;

typedef struct ed_scan_result {
    ed_scan_file *files; /* sorted by path; each real file once (its first path) */
    size_t nfiles;
    const char **problems; /* "PATH: why" for folders that could not be read */
    size_t nproblems;
    size_t skipped; /* links leaving the tree or looping, not followed */
} ed_scan_result;

/* Adds the files under root (a folder, or a single file of a known kind)
 * to *out, keeping it sorted and free of duplicates. False when root itself
 * cannot be read (the reason is in out->problems). */
bool ed_scan(ed_arena *arena, const char *root, const ed_scan_options *options,
             ed_scan_result *out);

/* Folders never entered: version control, dependencies, virtual
 * environments, caches (".git", "node_modules", "vendor", ...). */
bool ed_scan_skips_folder(const char *name);

#endif
