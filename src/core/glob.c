/* Segment globs (see glob.h). */
#include <fnmatch.h>
#include <string.h>

#include "envdoctor/glob.h"

size_t ed_glob_split(char *text, char **segs, size_t max)
{
    size_t n = 0;
    char *p = text;
    while (*p) {
        while (*p == '/')
            *p++ = '\0';
        if (!*p)
            break;
        char *s = p;
        p += strcspn(p, "/");
        if (*p)
            *p++ = '\0';
        if (n > 0 && strcmp(s, "**") == 0 && strcmp(segs[n - 1], "**") == 0)
            continue;
        if (n == max)
            return max + 1;
        segs[n++] = s;
    }
    return n;
}

bool ed_glob_match_segments(char *const *pat, size_t np, char *const *seg, size_t ns)
{
    /* Segment by segment; a "**" takes no segment at first, and one more
     * each time what follows it fails. Only the last "**" seen needs trying
     * again: what follows it matches wherever it can start, so an earlier
     * "**" taking more would not help (no backtracking: at most np * ns
     * comparisons, however many "**" there are). */
    size_t p = 0, s = 0, star = np, star_s = 0;
    while (s < ns) {
        if (p < np && strcmp(pat[p], "**") == 0) {
            star = p++;
            star_s = s;
        } else if (p < np && fnmatch(pat[p], seg[s], 0) == 0) {
            p++, s++;
        } else if (star < np) {
            p = star + 1;
            s = ++star_s;
        } else {
            return false;
        }
    }
    while (p < np && strcmp(pat[p], "**") == 0)
        p++; /* a trailing "**" takes nothing */
    return p == np;
}
