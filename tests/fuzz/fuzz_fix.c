/* Fuzz target: the autofix passes (--fix, --unsafe-fixes, --diff) as the
 * CLI runs them (src/cli/fix.c). The first byte chooses, the rest is the
 * input:
 *   byte % 3:       0 Dockerfile, 1 Compose file, 2 Apptainer definition
 *   byte / 3 % 2:   --unsafe-fixes
 *   byte / 6 % 2:   Dockerfile and .def: a build-argument matrix (two
 *                   combinations)
 *   byte / 12 % 3:  --gpu auto, always, never
 * A Compose input is cut at form feeds: compose.yaml, the Dockerfile that
 * `build: .` names, a second -f file (compose.override.yaml).
 *
 * The files are read through the options' overlay, linted, every result's
 * fixes applied with ed_apply_fixes and the fixed text put in the overlay
 * for the next pass, at most 10 passes, until no fix changes anything; then
 * the unified diff of each changed file. Besides the checks of every lint
 * (fuzz_check_results), each pass checks:
 *   - the edits of every fix (ed_fix_edits) lie inside the source, in
 *     order, without overlapping, each with a replacement;
 *   - ed_apply_fixes gives what the header says, worked out again here:
 *     fixes taken whole in finding order unless an edit touches one taken
 *     already, unsafe ones only when asked, replacements' line breaks as
 *     the file's first one; so its length is the source's plus the edits'
 *     deltas, and it applies no more fixes than are offered;
 *   - a file whose line breaks are all CRLF keeps them all CRLF;
 *   - a pass that applies fixes changes the text, and never back to a text
 *     the file had before (fixes do not undo each other);
 *   - ed_removal_range, over the file's words, takes in the word, stays in
 *     the source, removes only blanks, backslashes and line breaks besides
 *     it, and leaves CRLF line breaks whole;
 * and the diff, applied to the text as read, gives the fixed text. */
#include "fuzz.h"

#include "envdoctor/report.h"

enum { FUZZ_FIX_PASSES = 10, FUZZ_FIX_WORDS = 512 };

/* The texts a file has had, the first as read (cycles show). */
typedef struct fuzz_fixed {
    const char *path;
    const char **texts;
    size_t *lens;
    size_t ntexts;
} fuzz_fixed;

/* No line break is a lone LF. */
static bool fuzz_no_lone_lf(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
            return false;
    return true;
}

/* Every line break is CRLF (and there is one). */
static bool fuzz_all_crlf(const char *s, size_t len)
{
    return memchr(s, '\n', len) && fuzz_no_lone_lf(s, len);
}

/* The edits of a fix: inside the source, in source order, apart. */
static ed_edit *fuzz_fix_edits(ed_arena *arena, const ed_source *src, const ed_fix *fix,
                               size_t *n)
{
    *n = 1 + fix->nmore;
    ed_edit *edits = ed_arena_calloc(arena, *n, sizeof *edits);
    FUZZ_CHECK(ed_fix_edits(fix, edits, *n) == *n);
    FUZZ_CHECK(ed_fix_edits(fix, edits, 0) == 0);
    FUZZ_CHECK(edits[0].start == fix->start && edits[0].end == fix->end);
    for (size_t e = 0; e < *n; e++) {
        FUZZ_CHECK(edits[e].replacement != NULL);
        FUZZ_CHECK(edits[e].start <= edits[e].end && edits[e].end <= src->len);
        if (e)
            FUZZ_CHECK(edits[e - 1].end <= edits[e].start && edits[e - 1].start < edits[e].start);
    }
    return edits;
}

static int fuzz_by_start(const void *pa, const void *pb)
{
    const ed_edit *a = pa, *b = pb;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* ed_apply_fixes, checked against the same work done here. */
static const char *fuzz_apply(ed_arena *arena, const ed_source *src, const ed_finding *findings,
                              size_t n, bool unsafe, size_t *len, size_t *applied)
{
    const char *text = ed_apply_fixes(arena, src, findings, n, unsafe, len, applied);
    ed_edit *taken = NULL;
    size_t ntaken = 0, offered = 0, mine = 0;
    for (size_t k = 0; k < n; k++) {
        const ed_fix *fix = findings[k].fix;
        if (!fix)
            continue;
        size_t nedits;
        ed_edit *edits = fuzz_fix_edits(arena, src, fix, &nedits);
        if (fix->unsafe && !unsafe)
            continue;
        offered++;
        /* an edit touches another when they share a byte or start at one place */
        bool clash = false;
        for (size_t e = 0; e < nedits && !clash; e++)
            for (size_t t = 0; t < ntaken && !clash; t++)
                clash = edits[e].start == taken[t].start ||
                        (edits[e].start < taken[t].end && taken[t].start < edits[e].end);
        if (clash)
            continue;
        for (size_t e = 0; e < nedits; e++) {
            taken = ed_arena_push(arena, taken, ntaken, sizeof *taken);
            taken[ntaken++] = edits[e];
        }
        mine++;
    }
    FUZZ_CHECK(*applied == mine && *applied <= offered);
    if (*applied == 0) {
        FUZZ_CHECK(text == src->data && *len == src->len);
        return text;
    }
    qsort(taken, ntaken, sizeof *taken, fuzz_by_start);
    const char *nl = memchr(src->data, '\n', src->len);
    bool crlf = nl && nl > src->data && nl[-1] == '\r';
    size_t want = src->len;
    for (size_t t = 0; t < ntaken; t++) {
        const char *r = taken[t].replacement;
        size_t rlen = strlen(r);
        for (size_t i = 0; crlf && i < rlen; i++)
            want += r[i] == '\n' && (i == 0 || r[i - 1] != '\r');
        want = want + rlen - (taken[t].end - taken[t].start);
    }
    FUZZ_CHECK(*len == want);
    /* the kept bytes as they were, each replacement with the file's breaks */
    size_t at = 0, o = 0;
    for (size_t t = 0; t < ntaken; t++) {
        size_t keep = taken[t].start - at;
        FUZZ_CHECK(memcmp(text + o, src->data + at, keep) == 0);
        o += keep;
        for (const char *r = taken[t].replacement; *r; r++) {
            if (crlf && *r == '\n' && (r == taken[t].replacement || r[-1] != '\r'))
                FUZZ_CHECK(text[o++] == '\r');
            FUZZ_CHECK(text[o++] == *r);
        }
        at = taken[t].end;
    }
    FUZZ_CHECK(o + src->len - at == *len && memcmp(text + o, src->data + at, src->len - at) == 0);
    if (fuzz_all_crlf(src->data, src->len))
        FUZZ_CHECK(fuzz_no_lone_lf(text, *len));
    return text;
}

static bool fuzz_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ed_removal_range over the first words (runs of non-blank bytes). */
static void fuzz_check_removals(const ed_source *src)
{
    const char *d = src->data;
    bool crlf = fuzz_all_crlf(d, src->len);
    size_t words = 0;
    for (size_t i = 0; i < src->len && words < FUZZ_FIX_WORDS;) {
        if (fuzz_blank(d[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < src->len && !fuzz_blank(d[i]))
            i++;
        words++;
        size_t from, to;
        ed_removal_range(src, start, i, &from, &to);
        FUZZ_CHECK(from <= start && i <= to && to <= src->len);
        for (size_t k = from; k < to; k++)
            FUZZ_CHECK((k >= start && k < i) || fuzz_blank(d[k]) || d[k] == '\\');
        if (crlf) { /* what is left around the cut: no lone CR, no lone LF */
            char before = from ? d[from - 1] : 0, after = to < src->len ? d[to] : 0;
            FUZZ_CHECK((before == '\r') == (after == '\n'));
        }
    }
}

/* Applies the unified diff to `before` line by line: it must give `after`. */
static void fuzz_check_diff(ed_arena *arena, const char *path, const char *before, size_t blen,
                            const char *after, size_t alen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    FUZZ_CHECK(out != NULL);
    rep_unified_diff(out, path, before, blen, after, alen);
    FUZZ_CHECK(fclose(out) == 0);
    if (blen == alen && memcmp(before, after, blen) == 0) {
        FUZZ_CHECK(len == 0);
        free(buf);
        return;
    }
    const char *head = ed_arena_printf(arena, "--- a/%s\n+++ b/%s\n", path, path);
    size_t hlen = strlen(head);
    FUZZ_CHECK(len > hlen && memcmp(buf, head, hlen) == 0);

    char *made = ed_arena_alloc(arena, alen + 1);
    size_t mlen = 0, bpos = 0, blines = 0, mlines = 0;
    const char *p = buf + hlen, *end = buf + len;
    while (p < end) {
        unsigned long as, ac = 1, bs, bc = 1;
        int used = 0;
        /* "@@ -as[,ac] +bs[,bc] @@" */
        FUZZ_CHECK(sscanf(p, "@@ -%lu%n", &as, &used) == 1);
        const char *q = p + used;
        if (*q == ',') {
            FUZZ_CHECK(sscanf(q, ",%lu%n", &ac, &used) == 1);
            q += used;
        }
        FUZZ_CHECK(sscanf(q, " +%lu%n", &bs, &used) == 1);
        q += used;
        if (*q == ',') {
            FUZZ_CHECK(sscanf(q, ",%lu%n", &bc, &used) == 1);
            q += used;
        }
        FUZZ_CHECK(strncmp(q, " @@\n", 4) == 0);
        p = q + 4;
        /* the lines before the hunk, unchanged */
        size_t first = ac ? as - 1 : as;
        FUZZ_CHECK((ac == 0 || as >= 1) && first >= blines);
        for (; blines < first; blines++, mlines++) {
            const char *eol = memchr(before + bpos, '\n', blen - bpos);
            FUZZ_CHECK(eol != NULL);
            size_t n = (size_t)(eol - (before + bpos)) + 1;
            FUZZ_CHECK(mlen + n <= alen);
            memcpy(made + mlen, before + bpos, n);
            mlen += n, bpos += n;
        }
        FUZZ_CHECK(mlines == (bc ? bs - 1 : bs));
        /* the hunk's lines, each with the marker of a missing last '\n' */
        size_t seen_a = 0, seen_b = 0, changes = 0, lead = 0, trail = 0;
        while (seen_a < ac || seen_b < bc) {
            FUZZ_CHECK(p < end && (*p == ' ' || *p == '-' || *p == '+'));
            char kind = *p++;
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            FUZZ_CHECK(eol != NULL);
            size_t n = (size_t)(eol - p);
            const char *text = p;
            p = eol + 1;
            static const char missing[] = "\\ No newline at end of file\n";
            bool newline = !((size_t)(end - p) >= sizeof missing - 1 &&
                             memcmp(p, missing, sizeof missing - 1) == 0);
            if (!newline)
                p += sizeof missing - 1;
            if (kind != '+') { /* a line of before, as it is there */
                FUZZ_CHECK(bpos + n + newline <= blen && memcmp(before + bpos, text, n) == 0);
                FUZZ_CHECK(newline ? before[bpos + n] == '\n' : bpos + n == blen);
                bpos += n + newline;
                seen_a++, blines++;
            }
            if (kind != '-') {
                FUZZ_CHECK(mlen + n + newline <= alen);
                memcpy(made + mlen, text, n);
                mlen += n;
                if (newline)
                    made[mlen++] = '\n';
                seen_b++, mlines++;
            }
            FUZZ_CHECK(seen_a <= ac && seen_b <= bc);
            if (kind == ' ') {
                trail++;
                lead += changes == 0;
            } else {
                changes++;
                trail = 0;
            }
        }
        FUZZ_CHECK(changes > 0 && lead <= 3 && trail <= 3);
    }
    FUZZ_CHECK(mlen + blen - bpos == alen);
    memcpy(made + mlen, before + bpos, blen - bpos);
    FUZZ_CHECK(memcmp(made, after, alen) == 0);
    free(buf);
}

/* The overlay entry of a path, added when missing. */
static ed_overlay *fuzz_overlay(ed_arena *arena, ed_options *options, const char *path)
{
    for (size_t i = 0; i < options->noverlay; i++)
        if (strcmp(options->overlay[i].path, path) == 0)
            return (ed_overlay *)&options->overlay[i];
    ed_overlay *grown =
        ed_arena_push(arena, (void *)options->overlay, options->noverlay, sizeof *grown);
    options->overlay = grown;
    grown[options->noverlay] = (ed_overlay){ed_arena_strdup(arena, path), "", 0};
    return &grown[options->noverlay++];
}

static fuzz_fixed *fuzz_fixed_of(ed_arena *arena, fuzz_fixed **files, size_t *n,
                                 const ed_file_result *res)
{
    const ed_source *src = res->src;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*files)[i].path, res->path) == 0)
            return &(*files)[i];
    *files = ed_arena_push(arena, *files, *n, sizeof **files);
    fuzz_fixed *f = &(*files)[(*n)++];
    *f = (fuzz_fixed){ed_arena_strdup(arena, res->path), NULL, NULL, 0};
    f->texts = ed_arena_push(arena, f->texts, 0, sizeof *f->texts);
    f->lens = ed_arena_push(arena, f->lens, 0, sizeof *f->lens);
    f->texts[0] = ed_arena_strndup(arena, src->data, src->len);
    f->lens[0] = src->len;
    f->ntexts = 1;
    return f;
}

/* One pass over one result: true when its text changed. */
static bool fuzz_fix_result(ed_arena *arena, const ed_file_result *res, bool unsafe,
                            ed_options *options, fuzz_fixed **files, size_t *nfiles)
{
    fuzz_check_removals(res->src);
    size_t len, applied;
    const char *text = fuzz_apply(arena, res->src, res->findings, res->nfindings, unsafe, &len,
                                  &applied);
    if (applied == 0)
        return false;
    /* a fix changes what it fixes */
    FUZZ_CHECK(len != res->src->len || memcmp(text, res->src->data, len) != 0);
    fuzz_fixed *f = fuzz_fixed_of(arena, files, nfiles, res);
    for (size_t i = 0; i < f->ntexts; i++) /* and is not undone */
        FUZZ_CHECK(f->lens[i] != len || memcmp(f->texts[i], text, len) != 0);
    f->texts = ed_arena_push(arena, f->texts, f->ntexts, sizeof *f->texts);
    f->lens = ed_arena_push(arena, f->lens, f->ntexts, sizeof *f->lens);
    f->texts[f->ntexts] = text;
    f->lens[f->ntexts++] = len;
    ed_overlay *o = fuzz_overlay(arena, options, f->path);
    o->data = text;
    o->len = len;
    return true;
}

/* The inputs of a pass, read through the overlay as the CLI reads files. */
static const ed_source *fuzz_read(ed_arena *arena, const ed_options *options, const char *path)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    char err[256];
    FUZZ_CHECK(ed_read_source(src, arena, options, path, path, false, err, sizeof err));
    return src;
}

int fuzz_fix(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned sel = data[0];
    data++;
    size--;
    fuzz_enter();
    ed_arena *arena = ed_arena_new();

    ed_options options;
    bool unsafe = sel / 3 % 2;
    fuzz_options(&options, (int)(sel / 12 % 3), sel / 6 % 2);
    /* the input files, in the overlay */
    ed_file_kind kind = sel % 3 == 0 ? ED_KIND_DOCKERFILE
                        : sel % 3 == 1 ? ED_KIND_COMPOSE
                                       : ED_KIND_APPTAINER;
    static const char *const compose_paths[] = {"compose.yaml", "Dockerfile",
                                                "compose.override.yaml"};
    const char *paths[3] = {kind == ED_KIND_DOCKERFILE ? "Dockerfile" : "build.def"};
    size_t npaths = 1;
    if (kind == ED_KIND_COMPOSE) {
        const uint8_t *p = data, *end = data + size;
        for (npaths = 0; npaths < 3; npaths++) {
            const uint8_t *ff = npaths < 2 ? memchr(p, '\f', (size_t)(end - p)) : NULL;
            size_t n = ff ? (size_t)(ff - p) : (size_t)(end - p);
            paths[npaths] = compose_paths[npaths];
            ed_overlay *o = fuzz_overlay(arena, &options, paths[npaths]);
            o->data = ed_arena_strndup(arena, (const char *)p, n);
            o->len = n;
            if (!ff) {
                npaths++;
                break;
            }
            p = ff + 1;
        }
    } else {
        ed_overlay *o = fuzz_overlay(arena, &options, paths[0]);
        o->data = ed_arena_strndup(arena, size ? (const char *)data : "", size);
        o->len = size;
    }

    fuzz_fixed *files = NULL;
    size_t nfiles = 0;
    for (int pass = 0; pass < FUZZ_FIX_PASSES; pass++) {
        ed_file_result *results;
        size_t n = 1;
        if (kind == ED_KIND_COMPOSE) {
            /* compose.yaml and the override are the project; the Dockerfile is built */
            const ed_source *project[2] = {fuzz_read(arena, &options, paths[0])};
            size_t nproject = 1;
            if (npaths == 3)
                project[nproject++] = fuzz_read(arena, &options, paths[2]);
            ed_lint_compose_files(arena, project, nproject, &options, &results, &n);
            FUZZ_CHECK(n >= nproject);
        } else {
            results = ed_arena_calloc(arena, 1, sizeof *results);
            ed_lint_matrix(arena, fuzz_read(arena, &options, paths[0]), kind, &options, results);
        }
        fuzz_check_results(results, n);
        bool changed = false;
        for (size_t i = 0; i < n; i++)
            changed |= fuzz_fix_result(arena, &results[i], unsafe, &options, &files, &nfiles);
        if (!changed)
            break;
    }
    for (size_t i = 0; i < nfiles; i++) {
        const fuzz_fixed *f = &files[i];
        fuzz_check_diff(arena, f->path, f->texts[0], f->lens[0], f->texts[f->ntexts - 1],
                        f->lens[f->ntexts - 1]);
    }

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_fix)
