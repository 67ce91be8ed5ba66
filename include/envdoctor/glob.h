/* gitignore-style globs over paths split into segments: `*`, `?` and
 * `[...]` match within one segment (fnmatch), a `**` segment matches any
 * number of segments. Used by the configuration's exclude: globs and by
 * .gitignore files. */
#ifndef ENVDOCTOR_GLOB_H
#define ENVDOCTOR_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Splits text in place at '/' into its non-empty segments (runs of "**"
 * collapse into one: they match the same). Returns the count, or max + 1
 * when there are more than max. */
size_t ed_glob_split(char *text, char **segs, size_t max);

/* Do the pattern segments match the path segments exactly? (At most
 * np * ns segment comparisons, however many "**" the pattern has.) */
bool ed_glob_match_segments(char *const *pattern, size_t np, char *const *path, size_t ns);

#endif
