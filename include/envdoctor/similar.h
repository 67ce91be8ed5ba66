/* "Did you mean ...?": closest names by edit distance. */
#ifndef ENVDOCTOR_SIMILAR_H
#define ENVDOCTOR_SIMILAR_H

#include <stddef.h>

/* Levenshtein distance, ASCII case-insensitive; (size_t)-1 for names over
 * 64 bytes (never a typo of anything). */
size_t ed_edit_distance(const char *a, size_t la, const char *b, size_t lb);

/* Whether b is close enough to a to be a typo of it. */
int ed_is_typo_of(const char *a, size_t la, const char *b, size_t lb);

#endif
