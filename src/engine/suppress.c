/* Inline suppression pragmas (see suppress.h).
 *
 * Dockerfile: a pragma is a comment line (not inside a heredoc body). An
 * `ignore=` or `stage ignore=` pragma is attached to the instruction below
 * it when only comment lines and blank lines stand between them, as BuildKit
 * attaches comments to instructions (blank lines do not break the block, a
 * bare `#` line does). `ignore=` covers that instruction's lines (heredoc
 * bodies and continuation lines included), `stage ignore=` (above a FROM)
 * the stage up to the next FROM, `global ignore=` the whole file.
 *
 * Compose: an `ignore=` comment on its own line covers the key (or list item)
 * that starts on the next line that is neither blank nor a comment; at the
 * end of a line it covers the key (or item) that starts on that line; the
 * key's extent is from the key to the end of its value. */
#include "suppress.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine_internal.h"
#include "envdoctor/compose.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/yaml.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

/* The word data[*at, end) of name characters, moving *at past it. */
static size_t word_at(const char *data, size_t *at, size_t end)
{
    size_t s = *at;
    while (*at < end && is_name_char(data[*at]))
        (*at)++;
    return *at - s;
}

static bool word_is(const char *data, size_t s, size_t len, const char *w)
{
    return len == strlen(w) && strncasecmp(data + s, w, len) == 0;
}

static const ed_rule *find_rule(const char *name)
{
    for (size_t i = 0; ed_rules_all[i]; i++) {
        const ed_rule *r = ed_rules_all[i];
        if (strcasecmp(r->id, name) == 0 || strcasecmp(r->name, name) == 0)
            return r;
    }
    return NULL;
}

static size_t skip_blanks(const char *data, size_t at, size_t end)
{
    while (at < end && is_blank(data[at]))
        at++;
    return at;
}

static void set_malformed(ed_pragma *p, const char *why, size_t s, size_t e)
{
    p->malformed = why;
    p->bad_start = s;
    p->bad_end = e;
}

bool ed_pragma_parse(ed_arena *arena, const char *data, size_t start, size_t end,
                     ed_pragma *out)
{
    memset(out, 0, sizeof *out);
    while (end > start && (data[end - 1] == '\r' || data[end - 1] == '\n' ||
                           is_blank(data[end - 1])))
        end--;
    size_t at = skip_blanks(data, start, end);
    if (at >= end || data[at] != '#')
        return false;
    at = skip_blanks(data, at + 1, end);
    size_t ws = at;
    if (!word_is(data, ws, word_at(data, &at, end), "env-doctor"))
        return false;
    if (at < end && !is_blank(data[at]))
        return false;
    at = skip_blanks(data, at, end);
    ws = at;
    size_t wl = word_at(data, &at, end);
    ed_pragma_scope scope = ED_PRAGMA_NEXT;
    if (word_is(data, ws, wl, "global") || word_is(data, ws, wl, "stage")) {
        scope = word_is(data, ws, wl, "global") ? ED_PRAGMA_GLOBAL : ED_PRAGMA_STAGE;
        at = skip_blanks(data, at, end);
        ws = at;
        wl = word_at(data, &at, end);
    } else if (!word_is(data, ws, wl, "ignore")) {
        return false; /* an ordinary comment that mentions env-doctor */
    }
    out->scope = scope;
    out->start = start;
    out->end = end;
    if (!word_is(data, ws, wl, "ignore")) {
        set_malformed(out, "expected ignore= after the scope", ws, wl ? ws + wl : end);
        return true;
    }
    at = skip_blanks(data, at, end);
    if (at >= end || data[at] != '=') {
        set_malformed(out, "expected '=' and a list of rules after ignore", ws, ws + wl);
        return true;
    }
    at = skip_blanks(data, at + 1, end);
    for (;;) {
        size_t ns = at;
        size_t nl = word_at(data, &at, end);
        if (nl == 0) {
            set_malformed(out, "expected a rule id or name", ns, ns < end ? ns + 1 : end);
            return true;
        }
        out->rules = ed_arena_push(arena, out->rules, out->nrules, sizeof *out->rules);
        ed_pragma_rule *r = &out->rules[out->nrules++];
        memset(r, 0, sizeof *r);
        r->text = ed_arena_strndup(arena, data + ns, nl);
        r->rule = find_rule(r->text);
        r->start = ns;
        r->end = ns + nl;
        size_t after = skip_blanks(data, at, end);
        if (after < end && data[after] == ',') {
            at = skip_blanks(data, after + 1, end);
            continue;
        }
        at = after;
        break;
    }
    if (at >= end)
        return true;
    if (at + 1 < end && data[at] == '-' && data[at + 1] == '-' && at > start &&
        is_blank(data[at - 1]) && (at + 2 == end || is_blank(data[at + 2]))) {
        size_t rs = skip_blanks(data, at + 2, end);
        if (rs < end)
            out->reason = ed_arena_strndup(arena, data + rs, end - rs);
        return true;
    }
    set_malformed(out, "expected ',', ' -- reason' or the end of the line after the rules", at,
                  end);
    return true;
}

/* ---- applying pragmas ---- */

typedef struct pragma_list {
    ed_pragma *items;
    size_t n;
} pragma_list;

static void push_pragma(ed_arena *arena, pragma_list *l, const ed_pragma *p)
{
    l->items = ed_arena_push(arena, l->items, l->n, sizeof *l->items);
    l->items[l->n++] = *p;
}

static size_t line_start(const ed_source *src, unsigned line)
{
    size_t s, e;
    ed_source_line_range(src, line, &s, &e);
    return s;
}

/* One past the end of a line, its line ending included. */
static size_t line_after(const ed_source *src, unsigned line)
{
    if (line < src->line_count)
        return line_start(src, line + 1);
    return src->len + 1;
}

/* Drops suppressed findings, then reports the stale pragmas as ED003. */
/* One rule named by an attached pragma, with the bytes it covers. */
typedef struct cover {
    uintptr_t rule;
    size_t from, to;
    ed_pragma_rule *name;
} cover;

/* A finding to judge: its rule, where it starts, its index. */
typedef struct judged {
    uintptr_t rule;
    size_t start, index;
} judged;

static int compare_covers(const void *a, const void *b)
{
    const cover *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return x->from < y->from ? -1 : x->from > y->from;
}

static int compare_judged(const void *a, const void *b)
{
    const judged *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Drops the findings (ED003 aside) that an attached pragma naming their
 * rule covers, and marks the names that dropped one as used. Covers and
 * findings sorted by rule and position are swept together: linear after
 * the sorts, however many pragmas (a scan of every pragma per finding took
 * 5 s for 40,000 of them). */
static void drop_suppressed(ed_ctx *ctx, pragma_list *l, const ed_rule *ed003)
{
    size_t ncovers = 0;
    for (size_t i = 0; i < l->n; i++)
        ncovers += l->items[i].attached ? l->items[i].nrules : 0;
    if (ncovers == 0 || ctx->nfindings == 0)
        return;
    cover *covers = ed_arena_calloc(ctx->arena, ncovers, sizeof *covers);
    ncovers = 0;
    for (size_t i = 0; i < l->n; i++) {
        ed_pragma *p = &l->items[i];
        for (size_t j = 0; p->attached && j < p->nrules; j++)
            if (p->rules[j].rule)
                covers[ncovers++] = (cover){(uintptr_t)p->rules[j].rule, p->from, p->to,
                                            &p->rules[j]};
    }
    judged *found = ed_arena_calloc(ctx->arena, ctx->nfindings, sizeof *found);
    for (size_t k = 0; k < ctx->nfindings; k++)
        found[k] = (judged){(uintptr_t)ctx->findings[k].rule, ctx->findings[k].start, k};
    qsort(covers, ncovers, sizeof *covers, compare_covers);
    qsort(found, ctx->nfindings, sizeof *found, compare_judged);
    bool *drop = ed_arena_calloc(ctx->arena, ctx->nfindings, sizeof *drop);
    size_t c = 0, f = 0;
    while (c < ncovers) {
        uintptr_t rule = covers[c].rule;
        size_t c_end = c;
        while (c_end < ncovers && covers[c_end].rule == rule)
            c_end++;
        while (f < ctx->nfindings && found[f].rule < rule)
            f++;
        size_t f_end = f;
        while (f_end < ctx->nfindings && found[f_end].rule == rule)
            f_end++;
        if (rule != (uintptr_t)ed003) {
            /* a finding is dropped when a cover that starts at or before it
             * reaches past it */
            size_t next = c, reach = 0;
            for (size_t k = f; k < f_end; k++) {
                for (; next < c_end && covers[next].from <= found[k].start; next++)
                    if (covers[next].to > reach)
                        reach = covers[next].to;
                drop[found[k].index] = found[k].start < reach;
            }
            /* a name is used when a finding of its rule starts in its cover */
            size_t k = f;
            for (size_t i = c; i < c_end; i++) {
                while (k < f_end && found[k].start < covers[i].from)
                    k++;
                if (k < f_end && found[k].start < covers[i].to)
                    covers[i].name->used = true;
            }
        }
        c = c_end;
        f = f_end;
    }
    size_t kept = 0;
    for (size_t k = 0; k < ctx->nfindings; k++)
        if (!drop[k])
            ctx->findings[kept++] = ctx->findings[k];
    ctx->nfindings = kept;
}

static void apply(ed_ctx *ctx, pragma_list *l)
{
    const ed_rule *ed003 = ed_rule_find("ED003");
    drop_suppressed(ctx, l, ed003);

    bool ignore_ed003 = false;
    for (size_t i = 0; i < l->n; i++) {
        const ed_pragma *p = &l->items[i];
        for (size_t j = 0; j < p->nrules; j++)
            if (p->rules[j].rule == ed003 && p->scope == ED_PRAGMA_GLOBAL && p->attached)
                ignore_ed003 = true;
    }
    if (ignore_ed003)
        return;

    const ed_rule *saved = ctx->rule;
    ctx->rule = ed003;
    for (size_t i = 0; i < l->n; i++) {
        const ed_pragma *p = &l->items[i];
        if (p->malformed)
            ed_report(ctx, p->bad_start, p->bad_end, "malformed env-doctor pragma: %s",
                      p->malformed);
        for (size_t j = 0; j < p->nrules; j++) {
            const ed_pragma_rule *r = &p->rules[j];
            if (!r->rule)
                ed_report(ctx, r->start, r->end,
                          "unknown rule \"%s\" in env-doctor pragma: it suppresses nothing",
                          r->text);
            else if (r->rule == ed003 && p->scope != ED_PRAGMA_GLOBAL)
                ed_report(ctx, r->start, r->end,
                          "ED003 can only be ignored for the whole file "
                          "(# env-doctor global ignore=ED003)");
            else if (ed_rule_disabled(ctx->options, r->rule))
                continue; /* the configuration turned the rule off: moot, not stale */
            else if (!p->attached)
                ed_report(ctx, r->start, r->end,
                          "env-doctor pragma ignores %s (%s), but %s: it suppresses nothing",
                          r->rule->id, r->rule->name, p->unattached_why);
            else if (!r->used)
                ed_report(ctx, r->start, r->end,
                          "env-doctor pragma ignores %s (%s), but %s reports nothing %s: "
                          "remove it",
                          r->rule->id, r->rule->name, r->rule->id,
                          p->scope == ED_PRAGMA_GLOBAL  ? "in this file"
                          : p->scope == ED_PRAGMA_STAGE ? "in this stage"
                                                        : "here");
        }
    }
    ctx->rule = saved;
}

/* ---- Dockerfiles ---- */

static bool in_heredoc(const df_instr *in, size_t off)
{
    for (; in; in = in->trigger) {
        for (size_t h = 0; h < in->nheredocs; h++)
            if (off >= in->heredocs[h].body.start && off < in->heredocs[h].body.end)
                return true;
        if (in->kind != DF_ONBUILD)
            break;
    }
    return false;
}

/* The '#' of a comment line, or SIZE_MAX when the line is not a comment. */
static size_t comment_at(const ed_source *src, unsigned line)
{
    size_t s, e;
    ed_source_line_range(src, line, &s, &e);
    s = skip_blanks(src->data, s, e);
    return s < e && src->data[s] == '#' ? s : (size_t)-1;
}

static bool blank_line(const ed_source *src, unsigned line)
{
    size_t s, e;
    ed_source_line_range(src, line, &s, &e);
    while (s < e && (is_blank(src->data[s]) || src->data[s] == '\r'))
        s++;
    return s == e;
}

/* A '#' with only blanks after it: it ends BuildKit's comment block. */
static bool bare_comment(const ed_source *src, unsigned line, size_t hash)
{
    size_t s, e;
    ed_source_line_range(src, line, &s, &e);
    size_t at = hash + 1;
    while (at < e && (is_blank(src->data[at]) || src->data[at] == '\r'))
        at++;
    return at == e;
}

/* Where the pragmas of a Dockerfile attach. Pragmas come in line order, so
 * both parts only move forward: a scan from the first instruction, or of
 * the lines below each pragma, was quadratic for many pragmas. */
typedef struct attach_cursor {
    size_t next;       /* the first instruction after the last pragma's line */
    size_t gap_instr;  /* the instruction whose gap above was scanned (SIZE_MAX: none) */
    unsigned gap_stop; /* the last line of that gap that stops a pragma above it
                          from attaching (code, a bare '#'), 0 when none */
} attach_cursor;

/* The last line between instruction i and the one before it that stops a
 * pragma from attaching to instruction i. */
static unsigned gap_stop(const ed_ctx *ctx, size_t i)
{
    const df_file *file = ctx->dockerfile;
    const ed_source *src = ctx->src;
    unsigned top = i > 0 ? file->instrs[i - 1].end_line : 0;
    for (unsigned l = file->instrs[i].start_line - 1; l > top; l--) {
        size_t hash = comment_at(src, l);
        if (hash == (size_t)-1 ? !blank_line(src, l) : bare_comment(src, l, hash))
            return l;
    }
    return 0;
}

static void attach_dockerfile(const ed_ctx *ctx, ed_pragma *p, unsigned line, attach_cursor *c)
{
    const df_file *file = ctx->dockerfile;
    const ed_source *src = ctx->src;
    if (p->scope == ED_PRAGMA_GLOBAL) {
        p->attached = true;
        p->from = 0;
        p->to = (size_t)-1;
        return;
    }
    size_t i = c->next;
    while (i < file->ninstrs && file->instrs[i].start_line <= line)
        i++;
    c->next = i;
    p->unattached_why = "it is not directly above an instruction";
    if (i == file->ninstrs || (i > 0 && file->instrs[i - 1].end_line >= line))
        return;
    const df_instr *in = &file->instrs[i];
    if (c->gap_instr != i) {
        c->gap_instr = i;
        c->gap_stop = gap_stop(ctx, i);
    }
    if (c->gap_stop > line)
        return;
    if (p->scope == ED_PRAGMA_STAGE) {
        if (in->kind != DF_FROM) {
            p->unattached_why = "a stage pragma must stand above a FROM";
            return;
        }
        size_t k = i + 1;
        while (k < file->ninstrs && file->instrs[k].kind != DF_FROM)
            k++;
        p->from = line_start(src, in->start_line);
        p->to = k < file->ninstrs ? line_start(src, file->instrs[k].start_line) : src->len + 1;
    } else {
        p->from = line_start(src, in->start_line);
        p->to = line_after(src, in->end_line);
    }
    p->attached = true;
}

void ed_suppress_dockerfile(ed_ctx *ctx)
{
    if (!ctx->dockerfile || (ctx->options && ctx->options->no_inline_ignores))
        return;
    const ed_source *src = ctx->src;
    const df_file *file = ctx->dockerfile;
    pragma_list l = {0};
    size_t at = 0; /* the instruction the line may belong to */
    attach_cursor cursor = {.next = 0, .gap_instr = SIZE_MAX, .gap_stop = 0};
    for (unsigned line = 1; line <= src->line_count; line++) {
        size_t hash = comment_at(src, line);
        if (hash == (size_t)-1)
            continue;
        while (at < file->ninstrs && file->instrs[at].end_line < line)
            at++;
        if (at < file->ninstrs && file->instrs[at].start_line <= line &&
            in_heredoc(&file->instrs[at], hash))
            continue;
        size_t s, e;
        ed_source_line_range(src, line, &s, &e);
        ed_pragma p;
        if (!ed_pragma_parse(ctx->arena, src->data, hash, e, &p))
            continue;
        attach_dockerfile(ctx, &p, line, &cursor);
        push_pragma(ctx->arena, &l, &p);
    }
    if (l.n)
        apply(ctx, &l);
}

/* ---- Compose files ---- */

typedef struct target {
    size_t lo, hi;     /* the line the key or item must start on */
    bool found, pair;
    size_t from, to;
} target;

static void consider(target *t, size_t from, size_t to, bool pair)
{
    if (from < t->lo || from >= t->hi)
        return;
    if (t->found && (t->pair && !pair))
        return;
    if (t->found && t->pair == pair && from >= t->from)
        return;
    t->found = true;
    t->pair = pair;
    t->from = from;
    t->to = to;
}

/* Every key (with its value) and list item of the file's trees, sorted by
 * where they start, collected once: finding a pragma's key by walking the
 * trees again for each pragma was quadratic. `memo` keeps the last line's
 * answer (the pragmas above one key ask for the same line). */
typedef struct site {
    size_t from, to;
    bool pair;
} site;

typedef struct site_index {
    site *items;
    size_t n;
    bool built;
    target memo;
    bool has_memo;
} site_index;

static void collect(ed_arena *arena, const cf_node *n, site_index *ix)
{
    if (!n || n->alias)
        return;
    if (n->kind == CF_MAP) {
        for (size_t i = 0; i < n->npairs; i++) {
            const cf_pair *p = &n->pairs[i];
            if (p->merged)
                continue;
            size_t vs, ve;
            cf_node_site(p->value, &vs, &ve);
            ix->items = ed_arena_push(arena, ix->items, ix->n, sizeof *ix->items);
            ix->items[ix->n++] = (site){p->key->start, ve > p->key->end ? ve : p->key->end, true};
            collect(arena, p->value, ix);
        }
    } else if (n->kind == CF_SEQ) {
        for (size_t i = 0; i < n->nitems; i++) {
            size_t s, e;
            cf_node_site(n->items[i], &s, &e);
            ix->items = ed_arena_push(arena, ix->items, ix->n, sizeof *ix->items);
            ix->items[ix->n++] = (site){s, e, false};
            collect(arena, n->items[i], ix);
        }
    }
}

static int compare_sites(const void *a, const void *b)
{
    const site *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* The key or item the line [t->lo, t->hi) starts, by consider()'s choice. */
static void find_site(const ed_ctx *ctx, site_index *ix, target *t)
{
    if (!ix->built) {
        const cf_compose *c = ctx->compose;
        for (size_t y = 0; y < c->nyamls; y++) {
            const cf_yaml *yaml = c->yamls[y];
            if (yaml->src->len != ctx->src->len)
                continue;
            for (size_t d = 0; d < yaml->ndocs; d++)
                collect(ctx->arena, yaml->docs[d], ix);
        }
        if (ix->n) /* items is NULL then, and qsort's base may not be */
            qsort(ix->items, ix->n, sizeof *ix->items, compare_sites);
        ix->built = true;
    }
    if (ix->has_memo && ix->memo.lo == t->lo) {
        *t = ix->memo;
        return;
    }
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->items[mid].from < t->lo)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < ix->n && ix->items[i].from < t->hi; i++)
        consider(t, ix->items[i].from, ix->items[i].to, ix->items[i].pair);
    ix->memo = *t;
    ix->has_memo = true;
}

static bool comment_only_line(const ed_source *src, unsigned line)
{
    return comment_at(src, line) != (size_t)-1 || blank_line(src, line);
}

static void attach_compose(const ed_ctx *ctx, site_index *sites, ed_pragma *p,
                           const cf_comment *cm, size_t file_from, size_t file_to)
{
    const ed_source *src = ctx->src;
    if (p->scope == ED_PRAGMA_GLOBAL) {
        p->attached = true;
        p->from = file_from;
        p->to = file_to;
        return;
    }
    if (p->scope == ED_PRAGMA_STAGE) {
        p->unattached_why = "stage pragmas apply to Dockerfile stages only";
        return;
    }
    p->unattached_why = "it is not above or beside a key";
    unsigned line = ed_source_pos(src, cm->start).line;
    if (cm->own_line) {
        line++;
        while (line <= src->line_count && line_start(src, line) < file_to &&
               comment_only_line(src, line))
            line++;
        if (line > src->line_count || line_start(src, line) >= file_to)
            return;
    }
    size_t ls, le;
    ed_source_line_range(src, line, &ls, &le);
    target t = {ls, le + 1, false, false, 0, 0};
    find_site(ctx, sites, &t);
    if (!t.found)
        return;
    p->attached = true;
    p->from = t.from;
    p->to = t.to > t.from ? t.to : t.from + 1;
}

void ed_suppress_compose(ed_ctx *ctx, const ed_source *const *files, const size_t *base,
                         size_t nfiles)
{
    const cf_compose *c = ctx->compose;
    if (!c || (ctx->options && ctx->options->no_inline_ignores))
        return;
    const ed_source *src = ctx->src;
    pragma_list l = {0};
    site_index sites = {0};
    /* comments already read, by their start: the trees of one file read
     * twice (an override of itself) have the same comments */
    unsigned char *seen = ed_arena_calloc(ctx->arena, src->len / 8 + 1, 1);
    for (size_t y = 0; y < c->nyamls; y++) {
        const cf_yaml *yaml = c->yamls[y];
        /* trees of other files (extends: file:) have offsets of their own */
        if (yaml->src->len != src->len)
            continue;
        for (size_t k = 0; k < yaml->ncomments; k++) {
            const cf_comment *cm = &yaml->comments[k];
            if (cm->end > src->len || cm->start >= cm->end ||
                memcmp(yaml->src->data + cm->start, src->data + cm->start,
                       cm->end - cm->start) != 0)
                continue;
            if (seen[cm->start / 8] & (1u << (cm->start % 8)))
                continue;
            seen[cm->start / 8] |= (unsigned char)(1u << (cm->start % 8));
            ed_pragma p;
            if (!ed_pragma_parse(ctx->arena, src->data, cm->start, cm->end, &p))
                continue;
            size_t i = nfiles;
            while (i > 1 && base[i - 1] > cm->start)
                i--;
            size_t from = nfiles ? base[i - 1] : 0;
            size_t to = nfiles ? base[i - 1] + files[i - 1]->len + 1 : src->len + 1;
            attach_compose(ctx, &sites, &p, cm, from, to);
            push_pragma(ctx->arena, &l, &p);
        }
    }
    if (l.n)
        apply(ctx, &l);
}
