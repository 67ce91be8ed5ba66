/* .gitignore patterns (see gitignore.h; the format is git's
 * gitignore(5)). */
#include <fnmatch.h>
#include <string.h>

#include "envdoctor/glob.h"
#include "gitignore.h"

enum { MAX_PATTERN_SEGS = 256 };

/* One line into a rule; false for blank lines and comments. */
static bool parse_line(ed_arena *arena, const char *line, size_t len, gi_rule *out)
{
    memset(out, 0, sizeof *out);
    if (len && line[len - 1] == '\r')
        len--;
    /* trailing spaces are ignored unless escaped */
    while (len && line[len - 1] == ' ' && !(len >= 2 && line[len - 2] == '\\'))
        len--;
    if (len == 0 || line[0] == '#')
        return false;
    if (line[0] == '!') {
        out->negated = true;
        line++, len--;
    } else if (line[0] == '\\' && len > 1 && (line[1] == '#' || line[1] == '!')) {
        line++, len--; /* a literal leading # or ! */
    }
    if (len && line[len - 1] == '/') {
        out->dir_only = true;
        while (len && line[len - 1] == '/')
            len--;
    }
    if (len == 0)
        return false;
    char *text = ed_arena_strndup(arena, line, len);
    out->anchored = strchr(text, '/') != NULL;
    char *segs[MAX_PATTERN_SEGS];
    size_t n = ed_glob_split(text, segs, MAX_PATTERN_SEGS);
    if (n == 0 || n > MAX_PATTERN_SEGS)
        return false;
    out->segs = ed_arena_alloc(arena, n * sizeof *out->segs);
    memcpy(out->segs, segs, n * sizeof *segs);
    out->nsegs = n;
    return true;
}

gi_level gi_parse(ed_arena *arena, const char *text, size_t len, size_t depth)
{
    gi_level level = {.depth = depth};
    for (size_t i = 0; i < len;) {
        size_t eol = i;
        while (eol < len && text[eol] != '\n')
            eol++;
        gi_rule rule;
        if (parse_line(arena, text + i, eol - i, &rule)) {
            level.rules = ed_arena_push(arena, level.rules, level.nrules, sizeof *level.rules);
            level.rules[level.nrules++] = rule;
        }
        i = eol + 1;
    }
    return level;
}

/* Does the rule match the path below its folder (rest[0..n))? The walk asks
 * for every folder on the way down, so an unanchored rule need only look
 * at the last segment. */
static bool rule_matches(const gi_rule *r, char *const *rest, size_t n, bool is_dir)
{
    if (n == 0 || (r->dir_only && !is_dir))
        return false;
    if (!r->anchored)
        return r->nsegs == 1 && fnmatch(r->segs[0], rest[n - 1], 0) == 0;
    return ed_glob_match_segments(r->segs, r->nsegs, rest, n);
}

bool gi_ignored(const gi_level *levels, size_t nlevels, char *const *path, size_t n, bool is_dir)
{
    for (size_t l = nlevels; l-- > 0;) {
        const gi_level *lv = &levels[l];
        if (lv->depth >= n)
            continue;
        for (size_t k = lv->nrules; k-- > 0;)
            if (rule_matches(&lv->rules[k], path + lv->depth, n - lv->depth, is_dir))
                return !lv->rules[k].negated;
    }
    return false;
}
