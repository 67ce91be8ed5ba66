/* One instruction from its logical line: BuildKit's newNodeFromLine with its
 * per-keyword argument parsers, keeping where every word came from. */
#include <string.h>
#include <strings.h>

#include "envdoctor/similar.h"
#include "internal.h"

typedef struct node_ctx {
    ed_arena *arena;
    df_file *file;
    df_instr *in;
    const char *s;
} node_ctx;

static void error_at(node_ctx *c, size_t lstart, size_t lend, const char *msg, const char *arg)
{
    df_span span = df_source_span(c->in, lstart, lend);
    if (arg)
        df_add_error(c->file, c->arena, span, msg, arg);
    else
        df_add_error(c->file, c->arena, span, "%s", msg);
    c->in->has_error = true;
}

/* A word that runs to the end of the logical line shares the line's text,
 * NUL-terminated there; any other word gets a copy of its own. */
static df_word line_word(node_ctx *c, size_t start, size_t end)
{
    if (c->s[end] != '\0')
        return df_make_word(c->arena, c->s + start, end - start, start, end);
    return (df_word){.text = c->s + start, .len = end - start, .lstart = start, .lend = end};
}

static void set_args(node_ctx *c, df_wordlist *list)
{
    c->in->nargs = list->n;
    c->in->args = df_wordlist_finish(c->arena, list);
}

static void parse_string(node_ctx *c, size_t start, size_t end)
{
    if (start >= end)
        return;
    df_word *arg = ed_arena_alloc(c->arena, sizeof *arg);
    *arg = line_word(c, start, end);
    c->in->args = arg;
    c->in->nargs = 1;
}

static void parse_ws_list(node_ctx *c, size_t start, size_t end)
{
    df_wordlist list = {0};
    df_split_ws(c->arena, c->s, start, end, &list);
    set_args(c, &list);
}

/* Exec form when the text is a JSON array of strings; returns false when it
 * is not JSON at all (the caller falls back). */
static bool try_json(node_ctx *c, size_t start, size_t end, bool *hard_error)
{
    df_word *words;
    size_t n, bad_at = 0;
    *hard_error = false;
    switch (df_json_array(c->arena, c->s, start, end, &words, &n, &bad_at)) {
    case DF_JSON_OK:
        c->in->args = words;
        c->in->nargs = n;
        c->in->json = true;
        return true;
    case DF_JSON_NOT_STRING:
        error_at(c, bad_at, bad_at + 1,
                 "when using JSON array syntax, arrays must be comprised of strings only", NULL);
        *hard_error = true;
        return true;
    case DF_JSON_INVALID:
        break;
    }
    return false;
}

static void parse_maybe_json(node_ctx *c, size_t start, size_t end)
{
    bool hard;
    if (start >= end || try_json(c, start, end, &hard))
        return;
    parse_string(c, start, end);
}

static void parse_maybe_json_list(node_ctx *c, size_t start, size_t end)
{
    bool hard;
    if (try_json(c, start, end, &hard))
        return;
    parse_ws_list(c, start, end);
}

/* `KEY value`: the key ends at the first blank, the value is the rest. */
static void parse_legacy_pair(node_ctx *c, size_t start, size_t end, const char *what)
{
    size_t k = start;
    while (k < end && !df_is_ws_class(c->s[k]))
        k++;
    size_t v = k;
    while (v < end && df_is_ws_class(c->s[v]))
        v++;
    if (v >= end) {
        error_at(c, start, end, "%s must have two arguments", what);
        return;
    }
    df_pair *pair = ed_arena_calloc(c->arena, 1, sizeof *pair);
    pair->key = df_make_word(c->arena, c->s + start, k - start, start, k);
    pair->value = line_word(c, v, end);
    pair->legacy = true;
    c->in->pairs = pair;
    c->in->npairs = 1;
}

/* `KEY=value ...`, one pair per word. */
static void parse_pairs(node_ctx *c, const df_wordlist *words)
{
    df_pair *pairs = ed_arena_calloc(c->arena, words->n, sizeof *pairs);
    for (size_t i = 0; i < words->n; i++) {
        const df_word *w = &words->items[i];
        const char *eq = strchr(w->text, '=');
        if (!eq) {
            error_at(c, w->lstart, w->lend,
                     "Syntax error - can't find = in \"%s\". Must be of the form: name=value",
                     w->text);
            return;
        }
        size_t klen = (size_t)(eq - w->text);
        /* The '=' sits at the same offset in the source unless the key had escapes. */
        const char *src_eq = memchr(c->s + w->lstart, '=', w->lend - w->lstart);
        size_t lk = src_eq ? (size_t)(src_eq - c->s) : w->lstart + klen;
        pairs[i].key = df_make_word(c->arena, w->text, klen, w->lstart, lk);
        /* The value is the word's tail: its text is shared, not copied. */
        pairs[i].value = (df_word){.text = eq + 1, .len = w->len - klen - 1,
                                   .lstart = lk + 1, .lend = w->lend};
    }
    c->in->pairs = pairs;
    c->in->npairs = words->n;
}

static void parse_name_val(node_ctx *c, size_t start, size_t end, const char *what)
{
    df_wordlist words = {0};
    df_parse_words(c->arena, c->s, start, end, c->file->escape, &words);
    if (words.n > 0 && !strchr(words.items[0].text, '='))
        parse_legacy_pair(c, start, end, what);
    else if (words.n > 0)
        parse_pairs(c, &words);
    df_wordlist_free(&words);
}

static void parse_arg(node_ctx *c, size_t start, size_t end)
{
    df_wordlist words = {0};
    df_parse_words(c->arena, c->s, start, end, c->file->escape, &words);
    set_args(c, &words);
}

static void parse_healthcheck(node_ctx *c, size_t start, size_t end)
{
    size_t sep = start;
    while (sep < end && !df_is_byte_space((unsigned char)c->s[sep]))
        sep++;
    size_t next = sep;
    while (next < end && df_is_byte_space((unsigned char)c->s[next]))
        next++;
    if (sep == start)
        return;
    df_word type = df_make_word(c->arena, c->s + start, sep - start, start, sep);
    parse_maybe_json(c, next, end);
    if (c->in->has_error)
        return;
    df_word *args = ed_arena_calloc(c->arena, c->in->nargs + 1, sizeof *args);
    args[0] = type;
    if (c->in->nargs)
        memcpy(args + 1, c->in->args, c->in->nargs * sizeof *args);
    c->in->args = args;
    c->in->nargs++;
}

static void map_word(const df_instr *in, df_word *w)
{
    w->span = df_source_span(in, w->lstart, w->lend);
}

static void map_spans(df_instr *in)
{
    map_word(in, &in->keyword);
    for (size_t i = 0; i < in->nflags; i++)
        map_word(in, &in->flags[i].word);
    for (size_t i = 0; i < in->nargs; i++)
        map_word(in, &in->args[i]);
    for (size_t i = 0; i < in->npairs; i++) {
        map_word(in, &in->pairs[i].key);
        map_word(in, &in->pairs[i].value);
    }
}

static void set_flags(node_ctx *c, df_wordlist *list)
{
    df_flag *flags = list->n ? ed_arena_calloc(c->arena, list->n, sizeof *flags) : NULL;
    for (size_t i = 0; i < list->n; i++) {
        df_word w = list->items[i];
        flags[i].word = w;
        const char *name = w.text[0] == '-' && w.text[1] == '-' ? w.text + 2 : w.text;
        const char *eq = strchr(name, '=');
        if (eq) {
            flags[i].name = ed_arena_strndup(c->arena, name, (size_t)(eq - name));
            flags[i].value = eq + 1;
        } else {
            flags[i].name = name;
        }
    }
    c->in->flags = flags;
    c->in->nflags = list->n;
    df_wordlist_free(list);
}

/* "unknown instruction: RUNN (did you mean RUN?)" */
static void unknown_instruction(node_ctx *c, size_t start, size_t end)
{
    const char *kw = c->in->keyword.text;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int k = DF_ADD; k <= DF_WORKDIR; k++) {
        const char *name = df_kind_name((df_kind)k);
        if (!ed_is_typo_of(kw, strlen(kw), name, strlen(name)))
            continue;
        size_t d = ed_edit_distance(kw, strlen(kw), name, strlen(name));
        if (d < best_d) {
            best = name;
            best_d = d;
        }
    }
    df_span span = df_source_span(c->in, start, end);
    kw = ed_utf8_abbrev(c->arena, kw, 40);
    if (best)
        df_add_error(c->file, c->arena, span, "unknown instruction: %s (did you mean %s?)", kw, best);
    else
        df_add_error(c->file, c->arena, span, "unknown instruction: %s", kw);
    c->in->has_error = true;
}

/* The keyword as written: nearly always the upper-case name, whose static
 * text it then shares instead of a copy. */
static df_word keyword_word(ed_arena *arena, const char *s, size_t start, size_t end, df_kind kind)
{
    const char *name = df_kind_name(kind); /* of the same length when not NULL */
    if (name && memcmp(name, s + start, end - start) == 0)
        return (df_word){.text = name, .len = end - start, .lstart = start, .lend = end};
    return df_make_word(arena, s + start, end - start, start, end);
}

void df_build_node(ed_arena *arena, df_file *file, df_instr *in, const char *s, size_t len)
{
    node_ctx c = {arena, file, in, s};
    size_t start = 0, end = len;
    df_trim_space(s, &start, &end);
    size_t kw_end = start;
    while (kw_end < end && !df_is_ws_class(s[kw_end]))
        kw_end++;
    in->kind = df_kind_from_word(s + start, kw_end - start);
    in->keyword = keyword_word(arena, s, start, kw_end, in->kind);

    size_t args = end;
    if (kw_end < end) {
        size_t rest = kw_end;
        while (rest < end && df_is_ws_class(s[rest]))
            rest++;
        df_wordlist flags = {0};
        args = df_extract_flags(arena, s, rest, end, file->escape, &flags);
        set_flags(&c, &flags);
        size_t trimmed_end = end;
        df_trim_space(s, &args, &trimmed_end);
        end = trimmed_end;
    }

    switch (in->kind) {
    case DF_ADD:
    case DF_COPY:
    case DF_VOLUME:
        parse_maybe_json_list(&c, args, end);
        break;
    case DF_ARG:
        parse_arg(&c, args, end);
        break;
    case DF_CMD:
    case DF_ENTRYPOINT:
    case DF_RUN:
    case DF_SHELL:
        parse_maybe_json(&c, args, end);
        break;
    case DF_ENV:
        parse_name_val(&c, args, end, "ENV");
        break;
    case DF_LABEL:
        parse_name_val(&c, args, end, "LABEL");
        break;
    case DF_EXPOSE:
    case DF_FROM:
        parse_ws_list(&c, args, end);
        break;
    case DF_HEALTHCHECK:
        parse_healthcheck(&c, args, end);
        break;
    case DF_MAINTAINER:
    case DF_STOPSIGNAL:
    case DF_USER:
    case DF_WORKDIR:
        parse_string(&c, args, end);
        break;
    case DF_ONBUILD:
        if (args < end) {
            df_instr *trigger = ed_arena_alloc(arena, sizeof *trigger);
            trigger->segs = in->segs;
            trigger->nsegs = in->nsegs;
            trigger->line_base = in->line_base + args;
            trigger->line = s + args;
            trigger->line_len = end - args;
            trigger->start_line = in->start_line;
            trigger->span = in->span;
            df_build_node(arena, file, trigger, s + args, end - args);
            in->trigger = trigger;
            if (trigger->has_error)
                in->has_error = true;
        }
        break;
    case DF_UNKNOWN:
        unknown_instruction(&c, start, kw_end);
        break;
    }
    map_spans(in);
}
