/* Fuzz target: what `scan` reads from the tree it walks, besides the files
 * it lints: .gitignore files (src/scan/gitignore.c), the configuration's
 * exclude globs (ed_config_excludes over src/core/glob.c) and file kinds
 * told from names (src/engine/filekind.c). The input, up to its first NUL
 * byte, is a .gitignore (the base folder's; after a form feed, the one in
 * the folder of the first path's first segment), each of its lines an
 * exclude glob too; after it, NUL-separated paths relative to the base (a
 * trailing '/' makes a folder). For each path and each folder above it, as
 * the walk asks:
 *   - gi_ignored and ed_config_excludes answer the same when asked twice,
 *     and ed_glob_match_segments, for every rule;
 *   - a literal line naming the path, added as the last line of the base
 *     folder's .gitignore, decides: `/a/b`, `b` (and `/a/b/` for a folder)
 *     ignore it, `!/a/b` re-includes it; `/a/b/` alone ignores a folder
 *     only; a literal exclude glob naming the path or a folder above it
 *     excludes it;
 *   - ed_glob_split gives non-empty segments without '/', no two "**" in a
 *     row, no more than asked for; a path's own segments, "**" before or
 *     after them, and "**" alone match it;
 *   - the kind from a name depends on the base name only, and
 *     ed_detect_kind agrees with ed_kind_from_name, ed_name_may_be_apptainer
 *     and ed_has_bootstrap_header (read over the .gitignore text, held in a
 *     buffer of its exact size). */
#include "fuzz.h"

#include "../../src/scan/gitignore.h"
#include "envdoctor/config.h"
#include "envdoctor/filekind.h"
#include "envdoctor/glob.h"
#include "envdoctor/scan.h"

/* FUZZ_IGNORE_PATH_BYTES: paths this long at most are surely excluded
 * (ed_config_excludes normalises paths into 4096-byte buffers);
 * FUZZ_IGNORE_RULES: the rules of a level whose segments are matched
 * directly too (all of them take too long). */
enum {
    FUZZ_IGNORE_PATHS = 64,
    FUZZ_IGNORE_SEGS = 256,
    FUZZ_IGNORE_EXCLUDES = 64,
    FUZZ_IGNORE_RULES = 64,
    FUZZ_IGNORE_PATH_BYTES = 2048,
};

/* A segment a gitignore line or a glob names literally: no glob
 * characters, nothing the line syntax would take away or read as syntax. */
static bool fuzz_literal(const char *seg)
{
    size_t n = strlen(seg);
    return n && !strpbrk(seg, "*?[\\\n\r") && seg[n - 1] != ' ' && strcmp(seg, ".") != 0 &&
           strcmp(seg, "..") != 0;
}

/* Splits a copy of text into segments, checking what ed_glob_split promises. */
static size_t fuzz_split(ed_arena *arena, const char *text, size_t len, char **segs, size_t max)
{
    char *copy = ed_arena_strndup(arena, text, len);
    size_t n = ed_glob_split(copy, segs, max);
    FUZZ_CHECK(n <= max + 1);
    for (size_t i = 0; i < n && i < max; i++) {
        FUZZ_CHECK(segs[i][0] != '\0' && strchr(segs[i], '/') == NULL);
        if (i)
            FUZZ_CHECK(strcmp(segs[i], "**") != 0 || strcmp(segs[i - 1], "**") != 0);
    }
    return n;
}

/* A .gitignore text as a level, parsed from a buffer of its exact size. */
static gi_level fuzz_level(ed_arena *arena, const char *text, size_t len, size_t depth)
{
    char *exact = malloc(len ? len : 1);
    FUZZ_CHECK(exact != NULL);
    memcpy(exact, text, len);
    gi_level level = gi_parse(arena, exact, len, depth);
    free(exact);
    FUZZ_CHECK(level.depth == depth);
    for (size_t k = 0; k < level.nrules; k++)
        FUZZ_CHECK(level.rules[k].nsegs > 0);
    return level;
}

/* The kind of a name: from its base name only, and ed_detect_kind agrees. */
static void fuzz_check_kind(ed_arena *arena, const char *path, const char *text, size_t len)
{
    ed_file_kind kind = ed_kind_from_name(path);
    FUZZ_CHECK(kind == 0 || kind == ED_KIND_DOCKERFILE || kind == ED_KIND_COMPOSE);
    FUZZ_CHECK(kind == 0 || ed_kind_parse(ed_kind_name(kind)) == kind);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *moved = ed_arena_printf(arena, "x/y/%s", base);
    FUZZ_CHECK(ed_kind_from_name(base) == kind && ed_kind_from_name(moved) == kind);
    bool maybe = ed_name_may_be_apptainer(path);
    FUZZ_CHECK(ed_name_may_be_apptainer(moved) == maybe);
    char *exact = malloc(len ? len : 1);
    FUZZ_CHECK(exact != NULL);
    memcpy(exact, text, len);
    bool header = ed_has_bootstrap_header(exact, len);
    ed_file_kind detected = ed_detect_kind(path, exact, len);
    free(exact);
    FUZZ_CHECK(detected == (kind ? kind : maybe && header ? ED_KIND_APPTAINER : 0));
    (void)ed_scan_skips_folder(base);
}

/* The exclude globs of a configuration at the root. */
static ed_config fuzz_config_of(ed_arena *arena, const char *const *globs, size_t n)
{
    ed_config c = {0};
    c.path = "/.env-doctor.yaml";
    c.dir = "/";
    c.excludes = ed_arena_calloc(arena, n ? n : 1, sizeof *c.excludes);
    for (size_t i = 0; i < n; i++)
        c.excludes[i].pattern = globs[i];
    c.nexcludes = n;
    return c;
}

/* The path's segments joined by '/', after a prefix. */
static const char *fuzz_join(ed_arena *arena, const char *prefix, char *const *segs, size_t n,
                             const char *suffix)
{
    const char *s = prefix;
    for (size_t i = 0; i < n; i++)
        s = ed_arena_printf(arena, "%s%s%s", s, i ? "/" : "", segs[i]);
    return ed_arena_printf(arena, "%s%s", s, suffix);
}

static void fuzz_check_path(ed_arena *arena, const gi_level *levels, size_t nlevels,
                            const char *text, size_t tlen, const ed_config *config,
                            const char *path, size_t plen)
{
    char *segs[FUZZ_IGNORE_SEGS];
    size_t ns = fuzz_split(arena, path, plen, segs, FUZZ_IGNORE_SEGS);
    if (ns == 0 || ns > FUZZ_IGNORE_SEGS)
        return;
    bool path_is_dir = path[plen - 1] == '/';
    fuzz_check_kind(arena, ed_arena_strndup(arena, path, plen), text, tlen);
    fuzz_check_kind(arena, fuzz_join(arena, "", segs, ns, ""), text, tlen);
    const char *abs = fuzz_join(arena, "/", segs, ns, "");
    bool excluded = ed_config_excludes(config, abs);
    FUZZ_CHECK(ed_config_excludes(config, abs) == excluded);

    /* "**" alone, before and after the segments, and the segments themselves */
    char *star[FUZZ_IGNORE_SEGS + 2];
    star[0] = "**";
    memcpy(star + 1, segs, ns * sizeof *segs);
    star[ns + 1] = "**";
    FUZZ_CHECK(ed_glob_match_segments(star, 1, segs, ns));
    FUZZ_CHECK(ed_glob_match_segments(star, 1, segs, 0));
    bool literal = true, plain = true; /* plain: no "." or ".." to normalise away */
    for (size_t i = 0; i < ns; i++) {
        literal = literal && fuzz_literal(segs[i]);
        plain = plain && strcmp(segs[i], ".") != 0 && strcmp(segs[i], "..") != 0;
    }
    if (literal) {
        FUZZ_CHECK(ed_glob_match_segments(segs, ns, segs, ns));
        FUZZ_CHECK(ed_glob_match_segments(star, ns + 1, segs, ns));
        FUZZ_CHECK(ed_glob_match_segments(star + 1, ns + 1, segs, ns));
        FUZZ_CHECK(ed_glob_match_segments(star, ns + 2, segs, ns));
    }

    /* the base folder's rules, room for one more */
    gi_rule *with = ed_arena_calloc(arena, levels[0].nrules + 1, sizeof *with);
    if (levels[0].nrules)
        memcpy(with, levels[0].rules, levels[0].nrules * sizeof *with);

    /* every folder above the path, then the path, as the walk asks */
    for (size_t k = 1; k <= ns; k++) {
        bool is_dir = k < ns || path_is_dir;
        bool ignored = gi_ignored(levels, nlevels, segs, k, is_dir);
        FUZZ_CHECK(gi_ignored(levels, nlevels, segs, k, is_dir) == ignored);
        for (size_t l = 0; l < nlevels; l++)
            for (size_t r = 0; r < levels[l].nrules && r < FUZZ_IGNORE_RULES; r++) {
                const gi_rule *rule = &levels[l].rules[r];
                bool m = ed_glob_match_segments(rule->segs, rule->nsegs, segs, k);
                FUZZ_CHECK(ed_glob_match_segments(rule->segs, rule->nsegs, segs, k) == m);
            }
        bool literal_k = true;
        for (size_t i = 0; i < k; i++)
            literal_k = literal_k && fuzz_literal(segs[i]);
        if (!literal_k)
            continue;
        /* literal lines naming the path: `/a/b`, `!/a/b`, `/a/b/`, `b` */
        const char *named = fuzz_join(arena, "/", segs, k, "");
        bool name_ok = segs[k - 1][0] != '#' && segs[k - 1][0] != '!';
        const char *lines = ed_arena_printf(arena, "%s\n!%s\n%s/\n%s\n", named, named, named,
                                            name_ok ? segs[k - 1] : "");
        gi_level lit = fuzz_level(arena, lines, strlen(lines), 0);
        FUZZ_CHECK(lit.nrules == 3u + name_ok);
        FUZZ_CHECK(lit.rules[0].anchored && lit.rules[0].nsegs == k && !lit.rules[0].negated);
        FUZZ_CHECK(lit.rules[1].negated && lit.rules[2].dir_only);
        /* the last line of the base folder's .gitignore decides */
        for (size_t r = 0; r < lit.nrules; r++) {
            if (r == 2 && !is_dir)
                continue; /* `/a/b/` does not match a file: an earlier line decides */
            with[levels[0].nrules] = lit.rules[r];
            gi_level last = {0, with, levels[0].nrules + 1};
            FUZZ_CHECK(gi_ignored(&last, 1, segs, k, is_dir) == (r != 1));
        }
        /* `/a/b/` alone: a folder only */
        gi_level dir_only = {0, &lit.rules[2], 1};
        FUZZ_CHECK(gi_ignored(&dir_only, 1, segs, k, is_dir) == is_dir);
        /* an exclude glob naming the folder or the path excludes the path */
        if (plain && strlen(abs) < FUZZ_IGNORE_PATH_BYTES) {
            const char *glob = named + 1;
            ed_config one = fuzz_config_of(arena, &glob, 1);
            FUZZ_CHECK(ed_config_excludes(&one, abs));
        }
    }
}

int fuzz_ignore(const uint8_t *data, size_t size)
{
    fuzz_enter();
    ed_arena *arena = ed_arena_new();
    const char *in = (const char *)data;
    const char *nul = memchr(in, '\0', size);
    size_t tlen = nul ? (size_t)(nul - in) : size;
    const char *text = size ? in : "";

    /* the .gitignore levels: the base folder's, and one below it */
    const char *ff = memchr(text, '\f', tlen);
    size_t rlen = ff ? (size_t)(ff - text) : tlen;
    gi_level levels[2];
    size_t nlevels = 1;
    levels[0] = fuzz_level(arena, text, rlen, 0);
    gi_level again = fuzz_level(arena, text, rlen, 0);
    FUZZ_CHECK(again.nrules == levels[0].nrules);
    for (size_t k = 0; k < again.nrules; k++) {
        const gi_rule *a = &levels[0].rules[k], *b = &again.rules[k];
        FUZZ_CHECK(a->nsegs == b->nsegs && a->negated == b->negated &&
                   a->dir_only == b->dir_only && a->anchored == b->anchored);
        for (size_t s = 0; s < a->nsegs; s++)
            FUZZ_CHECK(strcmp(a->segs[s], b->segs[s]) == 0);
    }
    if (ff)
        levels[nlevels++] = fuzz_level(arena, ff + 1, tlen - rlen - 1, 1);

    /* each line an exclude glob too */
    const char *globs[FUZZ_IGNORE_EXCLUDES];
    size_t nglobs = 0;
    for (size_t i = 0; i < tlen && nglobs < FUZZ_IGNORE_EXCLUDES;) {
        const char *eol = memchr(text + i, '\n', tlen - i);
        size_t n = eol ? (size_t)(eol - (text + i)) : tlen - i;
        if (n)
            globs[nglobs++] = ed_arena_strndup(arena, text + i, n);
        i += n + 1;
    }
    ed_config config = fuzz_config_of(arena, globs, nglobs);

    size_t npaths = 0;
    for (size_t i = tlen + 1; i < size && npaths < FUZZ_IGNORE_PATHS; npaths++) {
        const char *end = memchr(in + i, '\0', size - i);
        size_t n = end ? (size_t)(end - (in + i)) : size - i;
        if (n)
            fuzz_check_path(arena, levels, nlevels, text, tlen, &config, in + i, n);
        i += n + 1;
    }

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_ignore)
