/* The exclude globs of the configuration: gitignore-like patterns over paths
 * relative to the configuration's folder (see ed_config_excludes). No
 * allocation: paths are normalised into fixed buffers (a path longer than
 * the system's limit cannot be opened anyway, so it is never excluded). */
#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "engine_internal.h"
#include "envdoctor/config.h"
#include "envdoctor/glob.h"

enum { PATH_BYTES = ED_PATH_BYTES, MAX_SEGMENTS = PATH_BYTES / 2 };

/* Appends the segments of `path` to the absolute path in out ("/" or
 * "/a/b"): empty and "." segments are skipped, ".." drops the last one. */
static bool append_segments(char *out, size_t size, const char *path)
{
    size_t len = strlen(out);
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 1 && out[len - 1] != '/')
                len--;
            if (len > 1)
                len--; /* the '/' before it, unless it is the root */
            out[len] = '\0';
        } else {
            bool root = len == 1;
            if (len + !root + n + 1 > size)
                return false;
            if (!root)
                out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
            out[len] = '\0';
        }
        p += n;
    }
    return true;
}

bool ed_path_absolute(const char *path, char *out, size_t size)
{
    if (path[0] == '/')
        strcpy(out, "/");
    else if (!getcwd(out, size) || out[0] != '/')
        return false;
    return append_segments(out, size, path);
}

/* Does one glob match the relative path (segments seg[0..ns)) or a folder
 * above it? */
static bool glob_matches(const char *glob, char *const *seg, size_t ns)
{
    char text[PATH_BYTES];
    bool anchored = (glob[0] == '.' && glob[1] == '/') || glob[0] == '/';
    while (glob[0] == '.' && glob[1] == '/')
        glob += 2;
    size_t len = strlen(glob);
    if (len >= sizeof text)
        return false;
    memcpy(text, glob, len + 1);
    bool dir_only = len > 0 && text[len - 1] == '/';
    while (len > 0 && text[len - 1] == '/')
        text[--len] = '\0';
    /* a '/' at the start or in the middle anchors it at the folder */
    anchored = anchored || strchr(text, '/') != NULL;
    char *pat[MAX_SEGMENTS];
    size_t np = ed_glob_split(text, pat, MAX_SEGMENTS);
    if (np == 0 || np > MAX_SEGMENTS)
        return false;
    /* a folder that matches excludes what is under it; a trailing '/'
     * matches folders only, so never the last segment (the path itself) */
    size_t last = dir_only ? ns - 1 : ns;
    if (!anchored) {
        for (size_t i = 0; i < last; i++)
            if (fnmatch(pat[0], seg[i], 0) == 0)
                return true;
        return false;
    }
    for (size_t k = 1; k <= last; k++)
        if (ed_glob_match_segments(pat, np, seg, k))
            return true;
    return false;
}

bool ed_config_excludes(const ed_config *c, const char *path)
{
    if (!c || !path || !*path || c->nexcludes == 0)
        return false;
    char dir[PATH_BYTES], abs[PATH_BYTES];
    if (!ed_path_absolute(c->dir ? c->dir : ".", dir, sizeof dir) ||
        !ed_path_absolute(path, abs, sizeof abs))
        return false;
    size_t dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
    if (strncmp(abs, dir, dl) != 0 || abs[dl] != '/' || abs[dl + 1] == '\0')
        return false; /* outside the configuration's folder, or the folder itself */
    char *seg[MAX_SEGMENTS];
    size_t ns = ed_glob_split(abs + dl + 1, seg, MAX_SEGMENTS);
    if (ns == 0 || ns > MAX_SEGMENTS)
        return false;
    for (size_t i = 0; i < c->nexcludes; i++)
        if (glob_matches(c->excludes[i].pattern, seg, ns))
            return true;
    return false;
}
