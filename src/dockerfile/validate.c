/* BuildKit's instruction stage: the checks `docker build` applies to every
 * parsed instruction before it builds anything (frontend/dockerfile/
 * instructions: parse.go, bflag.go and the RUN flag files), plus the few
 * option checks it makes later on values that no variable can change
 * (RUN --mount options, COPY/ADD --chmod). Each problem is recorded as a
 * syntax error on the most exact token; like BuildKit, an instruction
 * gets at most one error, the first one BuildKit would raise.
 *
 * This file holds the driver and the checks of each instruction; the flags
 * are in validate_flags.c, RUN's flag values in validate_run.c. */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "validate_internal.h"

bool dfv_fail(vctx *v, df_instr *in, df_span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ed_arena_vprintf(v->arena, fmt, ap);
    va_end(ap);
    df_add_error(v->file, v->arena, span, "%s", msg);
    in->has_error = true;
    return false;
}

bool dfv_is_literal(const vctx *v, const char *value)
{
    for (const char *p = value; *p; p++)
        if (*p == '$' || *p == '\'' || *p == '"' || *p == v->file->escape)
            return false;
    return true;
}

/* ---- FROM ---- */

/* BuildKit lower-cases the name (Go's strings.ToLower, under which the
 * Kelvin sign is a 'k' and a dotted capital I an 'i') and then wants
 * ^[a-z][a-z0-9-_.]*$. */
static bool is_valid_stage_name(const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0, w; i < len; i += w) {
        unsigned r = df_utf8_decode(name + i, len - i, &w);
        if (r == 0x212A)
            r = 'k';
        else if (r == 0x130)
            r = 'i';
        else if (r < 0x80)
            r = (unsigned char)df_ascii_lower((char)r);
        bool letter = r >= 'a' && r <= 'z';
        if (!(letter || (i > 0 && ((r >= '0' && r <= '9') || r == '-' || r == '_' || r == '.'))))
            return false;
    }
    return len > 0;
}

/* The word to point at when FROM has the wrong number of words. */
static df_span from_count_span(const df_instr *in)
{
    if (in->nargs == 0)
        return in->keyword.span;
    if (in->nargs > 3 && strcasecmp(in->args[1].text, "as") == 0)
        return in->args[3].span;
    return in->args[1].span;
}

static bool check_from(vctx *v, df_instr *in)
{
    flag_set set;
    if (in->nargs == 3 && strcasecmp(in->args[1].text, "as") == 0) {
        if (!is_valid_stage_name(in->args[2].text))
            return dfv_fail(v, in, in->args[2].span,
                            "invalid name for build stage: %s, name can't start with a number or "
                            "contain symbols",
                            df_go_quote(v->arena, in->args[2].text));
    } else if (in->nargs != 1) {
        return dfv_fail(v, in, from_count_span(in), "FROM requires either one or three arguments");
    }
    return dfv_check_flags(v, in, &set);
}

/* ---- COPY and ADD ---- */

/* BuildKit's MustParseHeredoc on one argument: `[fd]<<[-]name` where name is
 * one shell word. */
static bool is_heredoc_word(const char *w)
{
    while (df_is_digit(*w))
        w++;
    if (w[0] != '<' || w[1] != '<')
        return false;
    w += 2;
    if (*w == '-')
        w++;
    while (*w == ' ' || *w == '\t' || *w == '\n' || *w == '\f' || *w == '\r')
        w++;
    if (!*w || strchr(w, '<'))
        return false;
    size_t words = 0;
    bool in_word = false;
    size_t len = strlen(w);
    for (size_t i = 0, width; i < len; i += width) {
        unsigned r = df_utf8_decode(w + i, len - i, &width);
        if (df_is_unicode_space(r)) {
            in_word = false;
            continue;
        }
        words += !in_word;
        in_word = true;
        if (r == '\\' && i + 1 < len) {
            size_t next;
            df_utf8_decode(w + i + 1, len - i - 1, &next);
            width = 1 + next;
        } else if (r == '\'' || r == '"') {
            const char *close = w + i + 1;
            while (*close && *close != (char)r)
                close += *close == '\\' && r == '"' && close[1] ? 2 : 1;
            if (!*close)
                return false; /* unterminated: BuildKit's lexer fails, no heredoc */
            width = (size_t)(close - (w + i)) + 1;
        }
    }
    return words == 1;
}

/* dispatchCopy's --chmod: octal up to 07777, else a chmod(1) symbolic mode
 * ([ugoa]*[-+=][rwxXstugo]*..., clauses joined by commas). */
static const char *chmod_error(vctx *v, const char *s)
{
    uint64_t n;
    const char *nonoctal = "invalid chmod parameter: '%s'. it should be octal string and between "
                           "0 and 07777";
    if (df_go_parse_uint(s, 8, 32, &n) == DF_NUM_OK)
        return n > 07777 ? ed_arena_printf(v->arena, nonoctal, s) : NULL;
    if (df_is_digit(*s))
        return ed_arena_printf(v->arena, nonoctal, s);
    for (;;) {
        while (*s && strchr("augo", *s))
            s++;
        if (!*s)
            return "invalid syntax";
        do {
            if (*s != '+' && *s != '-' && *s != '=')
                return "invalid syntax";
            s++;
            while (*s && strchr("rstwXxugo", *s))
                s++;
        } while (*s && *s != ',');
        if (!*s)
            return NULL;
        s++;
    }
}

static bool check_copy_add(vctx *v, df_instr *in)
{
    const char *name = df_kind_name(in->kind);
    flag_set set;
    if (in->nargs < 2)
        return dfv_fail(v, in, in->keyword.span,
                        "%s requires at least two arguments, but only one was provided. "
                        "Destination could not be determined",
                        name);
    if (!dfv_check_flags(v, in, &set))
        return false;
    const df_word *dest = &in->args[in->nargs - 1];
    if (is_heredoc_word(dest->text))
        return dfv_fail(v, in, dest->span, "%s cannot accept a heredoc as a destination", name);
    const df_flag *chmod = dfv_flag_used(&set, in, "chmod");
    if (chmod && *chmod->value && dfv_is_literal(v, chmod->value)) {
        const char *err = chmod_error(v, chmod->value);
        if (err)
            return dfv_fail(v, in, chmod->word.span, "%s", err);
    }
    return true;
}

/* ---- HEALTHCHECK ---- */

/* --interval and friends: a Go duration, 0 or at least 1ms. */
static bool check_interval(vctx *v, df_instr *in, const df_flag *fl)
{
    int64_t ns;
    if (!fl || !*fl->value)
        return true;
    const char *err = df_go_parse_duration(v->arena, fl->value, &ns);
    if (err)
        return dfv_fail(v, in, fl->word.span, "%s", err);
    if (ns != 0 && ns < 1000000)
        return dfv_fail(v, in, fl->word.span, "Interval %s cannot be less than 1ms",
                        df_go_quote(v->arena, fl->name));
    return true;
}

static bool check_retries(vctx *v, df_instr *in, const df_flag *fl)
{
    int64_t n = 0;
    if (!fl || !*fl->value)
        return true;
    switch (df_go_parse_int32(fl->value, &n)) {
    case DF_NUM_SYNTAX:
        return dfv_fail(v, in, fl->word.span, "strconv.ParseInt: parsing %s: invalid syntax",
                        df_go_quote(v->arena, fl->value));
    case DF_NUM_RANGE:
        return dfv_fail(v, in, fl->word.span, "strconv.ParseInt: parsing %s: value out of range",
                        df_go_quote(v->arena, fl->value));
    case DF_NUM_OK:
        break;
    }
    if (n < 0)
        return dfv_fail(v, in, fl->word.span, "--retries cannot be negative (%lld)", (long long)n);
    return true;
}

/* The test type: CMD with a command, or NONE alone (checked by the caller). */
static bool check_healthcheck_type(vctx *v, df_instr *in, const char *type)
{
    if (strcmp(type, "CMD") != 0)
        return dfv_fail(v, in, in->args[0].span, "Unknown type %s in HEALTHCHECK (try CMD)",
                        df_go_quote(v->arena, type));
    if (in->nargs < 2)
        return dfv_fail(v, in, in->args[0].span, "Missing command after HEALTHCHECK CMD");
    return true;
}

static bool check_healthcheck(vctx *v, df_instr *in)
{
    static const char *const intervals[] = {"interval", "timeout", "start-period",
                                            "start-interval"};
    flag_set set;
    if (in->nargs == 0)
        return dfv_fail(v, in, in->keyword.span, "HEALTHCHECK requires at least one argument");
    char *type = ed_arena_strdup(v->arena, in->args[0].text);
    for (char *p = type; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    if (strcmp(type, "NONE") == 0) { /* BuildKit does not look at the flags then */
        if (in->nargs > 1)
            return dfv_fail(v, in, in->args[1].span, "HEALTHCHECK NONE takes no arguments");
        return true;
    }
    if (!dfv_check_flags(v, in, &set) || !check_healthcheck_type(v, in, type))
        return false;
    for (size_t k = 0; k < COUNT(intervals); k++)
        if (!check_interval(v, in, dfv_flag_used(&set, in, intervals[k])))
            return false;
    return check_retries(v, in, dfv_flag_used(&set, in, "retries"));
}

/* ---- the instructions with simple argument rules ---- */

static bool at_least_one(vctx *v, df_instr *in, size_t n)
{
    if (n > 0)
        return true;
    return dfv_fail(v, in, in->keyword.span, "%s requires at least one argument",
                    df_kind_name(in->kind));
}

/* MAINTAINER, USER, WORKDIR: one argument, then the flags. */
static bool check_one_argument(vctx *v, df_instr *in)
{
    flag_set set;
    if (in->nargs != 1)
        return dfv_fail(v, in, in->keyword.span, "%s requires exactly one argument",
                        df_kind_name(in->kind));
    return dfv_check_flags(v, in, &set);
}

/* BuildKit never parses STOPSIGNAL's flags. */
static bool check_stopsignal(vctx *v, df_instr *in)
{
    if (in->nargs != 1)
        return dfv_fail(v, in, in->keyword.span, "STOPSIGNAL requires exactly one argument");
    return true;
}

/* CMD, ENTRYPOINT: only the flags. */
static bool check_flags_only(vctx *v, df_instr *in)
{
    flag_set set;
    return dfv_check_flags(v, in, &set);
}

static bool check_expose(vctx *v, df_instr *in)
{
    flag_set set;
    return at_least_one(v, in, in->nargs) && dfv_check_flags(v, in, &set);
}

static bool check_volume(vctx *v, df_instr *in)
{
    flag_set set;
    if (!at_least_one(v, in, in->nargs) || !dfv_check_flags(v, in, &set))
        return false;
    for (size_t i = 0; i < in->nargs; i++) {
        size_t s = 0, e = in->args[i].len;
        df_trim_space(in->args[i].text, &s, &e);
        if (s >= e)
            return dfv_fail(v, in, in->args[i].span, "VOLUME specified can not be an empty string");
    }
    return true;
}

/* ENV, LABEL: the flags, then at least one pair, none without a name. */
static bool check_pairs(vctx *v, df_instr *in)
{
    flag_set set;
    if (!dfv_check_flags(v, in, &set) || !at_least_one(v, in, in->npairs))
        return false;
    for (size_t i = 0; i < in->npairs; i++)
        if (in->pairs[i].key.len == 0)
            return dfv_fail(v, in, in->pairs[i].key.span, "%s names can not be blank",
                            df_kind_name(in->kind));
    return true;
}

/* BuildKit never parses ARG's flags. */
static bool check_arg(vctx *v, df_instr *in)
{
    if (!at_least_one(v, in, in->nargs))
        return false;
    for (size_t i = 0; i < in->nargs; i++)
        if (in->args[i].text[0] == '=')
            return dfv_fail(v, in, in->args[i].span, "ARG names can not be blank");
    return true;
}

static bool check_shell(vctx *v, df_instr *in)
{
    flag_set set;
    if (!dfv_check_flags(v, in, &set) || !at_least_one(v, in, in->nargs))
        return false;
    if (!in->json)
        return dfv_fail(v, in, in->args[0].span, "SHELL requires the arguments to be in JSON form");
    return true;
}

static bool validate_instr(vctx *v, df_instr *in);

/* ONBUILD's own rules, then the trigger's (which BuildKit only meets when
 * an image built FROM this one runs it, and then fails every such build). */
static bool check_onbuild(vctx *v, df_instr *in)
{
    flag_set set;
    df_instr *trigger = in->trigger;
    if (!trigger)
        return at_least_one(v, in, 0);
    if (!dfv_check_flags(v, in, &set))
        return false;
    if (trigger->kind == DF_ONBUILD)
        return dfv_fail(v, in, trigger->keyword.span,
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (trigger->kind == DF_FROM || trigger->kind == DF_MAINTAINER)
        return dfv_fail(v, in, trigger->keyword.span, "%s isn't allowed as an ONBUILD trigger",
                        df_kind_name(trigger->kind));
    if (!validate_instr(v, trigger)) {
        in->has_error = true;
        return false;
    }
    return true;
}

/* ---- the table and the driver ---- */

typedef bool (*instr_check)(vctx *v, df_instr *in);

/* The check of each instruction (NULL: none). */
static const instr_check checks[] = {
    [DF_UNKNOWN] = NULL,
    [DF_ADD] = check_copy_add,
    [DF_ARG] = check_arg,
    [DF_CMD] = check_flags_only,
    [DF_COPY] = check_copy_add,
    [DF_ENTRYPOINT] = check_flags_only,
    [DF_ENV] = check_pairs,
    [DF_EXPOSE] = check_expose,
    [DF_FROM] = check_from,
    [DF_HEALTHCHECK] = check_healthcheck,
    [DF_LABEL] = check_pairs,
    [DF_MAINTAINER] = check_one_argument,
    [DF_ONBUILD] = check_onbuild,
    [DF_RUN] = dfv_check_run,
    [DF_SHELL] = check_shell,
    [DF_STOPSIGNAL] = check_stopsignal,
    [DF_USER] = check_one_argument,
    [DF_VOLUME] = check_volume,
    [DF_WORKDIR] = check_one_argument,
};

static bool validate_instr(vctx *v, df_instr *in)
{
    instr_check check = (size_t)in->kind < COUNT(checks) ? checks[in->kind] : NULL;
    return !check || check(v, in);
}

/* Stable merge sort of the errors by where they start. */
static void sort_errors(df_error *e, df_error *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t half = n / 2;
    sort_errors(e, tmp, half);
    sort_errors(e + half, tmp, n - half);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n)
        tmp[k++] = e[j].span.start < e[i].span.start ? e[j++] : e[i++];
    while (i < half)
        tmp[k++] = e[i++];
    while (j < n)
        tmp[k++] = e[j++];
    memcpy(e, tmp, n * sizeof *e);
}

void df_validate(df_file *file, ed_arena *arena)
{
    vctx v = {file, arena};
    size_t before = file->nerrors;
    bool in_stage = false;
    for (size_t i = 0; i < file->ninstrs; i++) {
        df_instr *in = &file->instrs[i];
        in_stage |= in->kind == DF_FROM; /* a broken FROM still opens a stage */
        if (in->has_error || !validate_instr(&v, in))
            continue;
        if (!in_stage && in->kind != DF_ARG && in->kind != DF_FROM)
            dfv_fail(&v, in, in->keyword.span, "no build stage in current context");
    }
    if (file->nerrors > before) {
        df_error *tmp = ed_arena_calloc(arena, file->nerrors, sizeof *tmp);
        sort_errors(file->errors, tmp, file->nerrors);
    }
}
