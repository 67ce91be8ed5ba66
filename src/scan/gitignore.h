/* .gitignore rules, level by level as a walk descends (git's precedence:
 * a deeper file over a shallower one, a later line over an earlier one,
 * `!` re-includes). Paths are segments relative to the walk's base. */
#ifndef ENVDOCTOR_SCAN_GITIGNORE_H
#define ENVDOCTOR_SCAN_GITIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"

typedef struct gi_rule {
    char **segs; /* the pattern's segments */
    size_t nsegs;
    bool negated;  /* `!pattern` */
    bool dir_only; /* `pattern/` */
    bool anchored; /* a '/' before the end: relative to the file's folder */
} gi_rule;

typedef struct gi_level {
    size_t depth; /* the number of base segments of the folder that holds the file */
    gi_rule *rules;
    size_t nrules;
} gi_level;

/* Parses the text of a .gitignore in a folder `depth` segments below the base. */
gi_level gi_parse(ed_arena *arena, const char *text, size_t len, size_t depth);

/* Is the path (segments from the base; is_dir when it is a folder) ignored
 * by the levels (outermost first)? */
bool gi_ignored(const gi_level *levels, size_t nlevels, char *const *path, size_t n, bool is_dir);

#endif
