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
    /* one segment at a time; only "**" branches */
    while (np > 0 && strcmp(pat[0], "**") != 0) {
        if (ns == 0 || fnmatch(pat[0], seg[0], 0) != 0)
            return false;
        pat++, np--, seg++, ns--;
    }
    if (np == 0)
        return ns == 0;
    if (np == 1)
        return true; /* a trailing "**" takes whatever is left */
    for (size_t k = 0; k <= ns; k++)
        if (ed_glob_match_segments(pat + 1, np - 1, seg + k, ns - k))
            return true;
    return false;
}
