/* RUN's flag values: --device (commands_rundevice.go), --mount
 * (commands_runmount.go and dispatchRunMounts), --network and --security,
 * checked in the order BuildKit meets them. */
#include <stdint.h>
#include <string.h>

#include "validate_internal.h"

/* ---- the fields of a CSV flag value ---- */

/* Source span of text[off, off+len) of a word, when the word is written
 * verbatim in the line (no quotes or escapes removed); else the whole word. */
static df_span word_part(const df_instr *in, const df_word *w, size_t off, size_t len)
{
    size_t raw = w->lend - w->lstart;
    if (raw != w->len || off + len > raw || memcmp(in->line + w->lstart, w->text, raw) != 0)
        return w->span;
    return df_source_span(in, w->lstart + off, w->lstart + off + len);
}

/* A field's key (lower case) and value, split at the first '='. */
typedef struct key_value {
    const char *key;
    const char *value; /* NULL without '=' */
} key_value;

static key_value split_field(vctx *v, const df_csv_field *f)
{
    const char *eq = strchr(f->text, '=');
    if (!eq)
        return (key_value){df_ascii_lower_dup(v->arena, f->text, strlen(f->text)), NULL};
    return (key_value){df_ascii_lower_dup(v->arena, f->text, (size_t)(eq - f->text)), eq + 1};
}

/* Span of a field of a flag's value. */
static df_span field_span(const df_instr *in, const df_flag *fl, const df_csv_field *f)
{
    size_t off = (size_t)(fl->value - fl->word.text);
    return word_part(in, &fl->word, off + f->at, f->end - f->at);
}

/* ---- RUN --device (commands_rundevice.go) ---- */

static bool check_device(vctx *v, df_instr *in, const df_flag *fl)
{
    static const char *const keys[] = {"name", "required"};
    df_csv_list fields;
    const char *err = df_csv_split(v->arena, fl->value, &fields);
    if (err)
        return dfv_fail(v, in, fl->word.span, "failed to parse csv devices: %s", err);
    const char *name = "";
    for (size_t i = 0; i < fields.n; i++) {
        const df_csv_field *f = &fields.items[i];
        key_value kv = split_field(v, f);
        df_span at = field_span(in, fl, f);
        if (!kv.value && strcmp(kv.key, "required") == 0)
            continue;
        if (strcmp(kv.key, "name") == 0 && kv.value) {
            if (*name)
                return dfv_fail(v, in, at, "device name already set to %s", name);
            name = kv.value;
        } else if (strcmp(kv.key, "required") == 0) {
            if (!df_go_is_bool(kv.value))
                return dfv_fail(v, in, at, "invalid value for %s: %s", kv.key, kv.value);
        } else if (!*name) { /* the first bare word is the name */
            name = f->text;
        } else if (!kv.value) {
            return dfv_fail(v, in, at, "invalid field '%s' must be a key=value pair", f->text);
        } else {
            const char *msg =
                ed_arena_printf(v->arena, "unexpected key '%s' in '%s'", kv.key, f->text);
            return dfv_fail(v, in, at, "%s",
                            df_with_suggestion(v->arena, msg, kv.key, keys, COUNT(keys)));
        }
    }
    return true;
}

/* ---- RUN --mount (commands_runmount.go and dispatchRunMounts) ---- */

typedef enum mount_type { MT_BIND, MT_CACHE, MT_TMPFS, MT_SECRET, MT_SSH, MT_UNKNOWN } mount_type;

static const char *const mount_types[] = {"bind", "cache", "tmpfs", "secret", "ssh"};
static const char *const sharing_modes[] = {"shared", "private", "locked"};
static const char *const mount_keys[] = {
    "type", "from", "source", "target", "readonly", "id",  "sharing",     "required", "size", "mode",
    "uid",  "gid",  "src",    "dst",    "destination", "ro", "rw", "readwrite", "env",
};

/* What a string option will hold once BuildKit has expanded it. */
typedef enum opt_value { OPT_EMPTY, OPT_SET, OPT_UNKNOWN } opt_value;

typedef struct mount {
    const df_flag *flag;
    df_csv_list fields;
    mount_type type;
    opt_value from, source, target, id;
    const char *target_text;
    const df_csv_field *sharing, *mode, *uid, *gid, *from_field;
} mount;

static opt_value opt_of(const vctx *v, const char *value)
{
    if (!dfv_is_literal(v, value))
        return OPT_UNKNOWN;
    return *value ? OPT_SET : OPT_EMPTY;
}

/* The checks BuildKit makes when it parses the instruction: the CSV syntax
 * and no variable in from=. */
static bool check_mount_syntax(vctx *v, df_instr *in, mount *m)
{
    const char *err = df_csv_split(v->arena, m->flag->value, &m->fields);
    if (err)
        return dfv_fail(v, in, m->flag->word.span, "failed to parse csv mounts: %s", err);
    for (size_t i = 0; i < m->fields.n; i++) {
        key_value kv = split_field(v, &m->fields.items[i]);
        if (!kv.value || strcmp(kv.key, "from") != 0)
            continue;
        const char *dollar = strchr(kv.value, '$');
        if (dollar && dollar[1])
            return dfv_fail(v, in, field_span(in, m->flag, &m->fields.items[i]),
                            "'%s' doesn't support variable expansion, define alias stage instead",
                            kv.key);
    }
    return true;
}

static bool type_takes(mount_type type, mount_type a, mount_type b)
{
    return type == a || type == b || type == MT_UNKNOWN;
}

/* A field without '=': a flag word (ro, rw, required) or an error. */
static bool check_mount_word(vctx *v, df_instr *in, const mount *m, const df_csv_field *f,
                             const char *key)
{
    static const char *const words[] = {"readonly", "ro", "readwrite", "rw"};
    df_span at = field_span(in, m->flag, f);
    if (df_in_list(key, words, COUNT(words)))
        return true;
    if (strcmp(key, "required") == 0) {
        if (type_takes(m->type, MT_SECRET, MT_SSH))
            return true;
        return dfv_fail(v, in, at, "unexpected key '%s' for mount type '%s'", key,
                        mount_types[m->type]);
    }
    return dfv_fail(v, in, at, "invalid field '%s' must be a key=value pair", f->text);
}

/* type= and sharing=: one of a fixed set, case-insensitively. */
static bool check_mount_choice(vctx *v, df_instr *in, mount *m, const df_csv_field *f,
                               const char *key, const char *value)
{
    df_span at = field_span(in, m->flag, f);
    bool is_type = strcmp(key, "type") == 0;
    const char *const *opts = is_type ? mount_types : sharing_modes;
    size_t n = is_type ? COUNT(mount_types) : COUNT(sharing_modes);
    if (is_type)
        m->type = MT_UNKNOWN;
    else
        m->sharing = f;
    if (!dfv_is_literal(v, value))
        return true;
    const char *lower = df_ascii_lower_dup(v->arena, value, strlen(value));
    for (size_t i = 0; i < n; i++)
        if (strcmp(lower, opts[i]) == 0) {
            if (is_type)
                m->type = (mount_type)i;
            return true;
        }
    const char *msg = ed_arena_printf(v->arena, is_type ? "unsupported mount type %s"
                                                        : "unsupported sharing value %s",
                                      df_go_quote(v->arena, value));
    return dfv_fail(v, in, at, "%s", df_with_suggestion(v->arena, msg, value, opts, n));
}

/* ro=, rw=, required=, size=, mode=, uid=, gid=: typed values. */
static bool check_mount_typed(vctx *v, df_instr *in, mount *m, const df_csv_field *f,
                              const char *key, const char *value)
{
    df_span at = field_span(in, m->flag, f);
    bool literal = dfv_is_literal(v, value);
    uint64_t n;
    if (strcmp(key, "required") == 0 || strcmp(key, "size") == 0) {
        bool required = key[0] == 'r';
        if (!(required ? type_takes(m->type, MT_SECRET, MT_SSH)
                       : type_takes(m->type, MT_TMPFS, MT_TMPFS)))
            return dfv_fail(v, in, at, "unexpected key '%s' for mount type '%s'", key,
                            mount_types[m->type]);
        if (literal && m->type != MT_UNKNOWN &&
            !(required ? df_go_is_bool(value) : df_go_is_ram_size(v->arena, value)))
            return dfv_fail(v, in, at, "invalid value for %s: %s", key, value);
        return true;
    }
    if (strcmp(key, "mode") == 0 || strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0) {
        *(key[0] == 'm' ? &m->mode : key[0] == 'u' ? &m->uid : &m->gid) = f;
        if (literal && df_go_parse_uint(value, key[0] == 'm' ? 8 : 10, 32, &n) != DF_NUM_OK)
            return dfv_fail(v, in, at, "invalid value %s for %s", value, key);
        return true;
    }
    /* readonly, ro, readwrite, rw */
    if (literal && !df_go_is_bool(value))
        return dfv_fail(v, in, at, "invalid value for %s: %s", key, value);
    return true;
}

/* One key=value field, in BuildKit's order of keys. */
static bool check_mount_field(vctx *v, df_instr *in, mount *m, const df_csv_field *f)
{
    static const char *const typed[] = {"readonly", "ro", "readwrite", "rw", "required",
                                        "size",     "mode", "uid",     "gid"};
    key_value kv = split_field(v, f);
    const char *key = kv.key, *value = kv.value;
    if (!value)
        return check_mount_word(v, in, m, f, key);
    if (strcmp(key, "type") == 0 || strcmp(key, "sharing") == 0)
        return check_mount_choice(v, in, m, f, key, value);
    if (df_in_list(key, typed, COUNT(typed)))
        return check_mount_typed(v, in, m, f, key, value);
    if (strcmp(key, "from") == 0) {
        m->from = opt_of(v, value);
        m->from_field = f;
    } else if (strcmp(key, "source") == 0 || strcmp(key, "src") == 0) {
        m->source = opt_of(v, value);
    } else if (strcmp(key, "target") == 0 || strcmp(key, "dst") == 0 ||
               strcmp(key, "destination") == 0) {
        m->target = opt_of(v, value);
        m->target_text = value;
    } else if (strcmp(key, "id") == 0) {
        m->id = opt_of(v, value);
    } else if (strcmp(key, "env") != 0) {
        const char *msg = ed_arena_printf(v->arena, "unexpected key '%s' in '%s'", key, f->text);
        return dfv_fail(v, in, field_span(in, m->flag, f), "%s",
                        df_with_suggestion(v->arena, msg, key, mount_keys, COUNT(mount_keys)));
    }
    return true;
}

/* The checks after all fields: options the mount type does not take. */
static bool check_mount_combination(vctx *v, df_instr *in, const mount *m)
{
    df_span whole = m->flag->word.span;
    if (m->type == MT_UNKNOWN)
        return true;
    if (m->type == MT_BIND || m->type == MT_TMPFS) {
        const df_csv_field *info[] = {m->mode, m->uid, m->gid};
        static const char *const names[] = {"mode", "uid", "gid"};
        for (size_t i = 0; i < COUNT(info); i++)
            if (info[i])
                return dfv_fail(v, in, field_span(in, m->flag, info[i]),
                                "%s not allowed for %s type mounts", names[i],
                                df_go_quote(v->arena, mount_types[m->type]));
    }
    if (m->type == MT_SECRET) {
        if (m->from == OPT_SET)
            return dfv_fail(v, in, field_span(in, m->flag, m->from_field),
                            "secret mount should not have a from");
        if (m->sharing)
            return dfv_fail(v, in, field_span(in, m->flag, m->sharing),
                            "secret mount should not define sharing");
        if (m->source == OPT_EMPTY && m->target == OPT_EMPTY && m->id == OPT_EMPTY)
            return dfv_fail(v, in, whole, "invalid secret mount. one of source, target required");
        if (m->source == OPT_SET && m->id == OPT_SET)
            return dfv_fail(v, in, whole, "both source and id can't be set");
    }
    if (m->sharing && m->type != MT_CACHE)
        return dfv_fail(v, in, field_span(in, m->flag, m->sharing),
                        "invalid cache sharing set for %s mount", mount_types[m->type]);
    return true;
}

/* What BuildKit checks when it runs the stage, on the literal values. */
static bool check_mount_options(vctx *v, df_instr *in, mount *m)
{
    for (size_t i = 0; i < m->fields.n; i++)
        if (!check_mount_field(v, in, m, &m->fields.items[i]))
            return false;
    return check_mount_combination(v, in, m);
}

/* An absolute path that filepath.Clean turns into "/". */
static bool cleans_to_root(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n && !(n == 1 && p[0] == '.') && !(n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
    }
    return true;
}

/* dispatchRunMounts: a bind, cache or tmpfs mount cannot cover "/". */
static bool check_mount_target(vctx *v, df_instr *in, const mount *m)
{
    if (m->type == MT_SECRET || m->type == MT_SSH || m->type == MT_UNKNOWN)
        return true;
    if (m->target == OPT_SET && cleans_to_root(m->target_text))
        return dfv_fail(v, in, m->flag->word.span, "invalid mount target \"/\"");
    return true;
}

/* ---- RUN ---- */

/* --network and --security: one of a fixed set, exactly as written. */
static bool check_run_modes(vctx *v, df_instr *in, const flag_set *set)
{
    static const char *const networks[] = {"default", "none", "host"};
    static const char *const securities[] = {"sandbox", "insecure"};
    const df_flag *net = dfv_flag_used(set, in, "network");
    const df_flag *sec = dfv_flag_used(set, in, "security");
    if (net && !df_in_list(net->value, networks, COUNT(networks)))
        return dfv_fail(v, in, net->word.span, "invalid network mode %s",
                        df_go_quote(v->arena, net->value));
    if (sec && !df_in_list(sec->value, securities, COUNT(securities)))
        return dfv_fail(v, in, sec->word.span, "security %s is not valid",
                        df_go_quote(v->arena, sec->value));
    return true;
}

/* The mounts in three passes, in BuildKit's order: syntax when parsing,
 * options when expanding, targets when mounting. */
static bool check_run_mounts(vctx *v, df_instr *in, mount *mounts, size_t n, int pass)
{
    for (size_t i = 0; i < n; i++) {
        bool ok = pass == 0   ? check_mount_syntax(v, in, &mounts[i])
                  : pass == 1 ? check_mount_options(v, in, &mounts[i])
                              : check_mount_target(v, in, &mounts[i]);
        if (!ok)
            return false;
    }
    return true;
}

bool dfv_check_run(vctx *v, df_instr *in)
{
    flag_set set;
    if (!dfv_check_flags(v, in, &set))
        return false;
    size_t nmounts = 0;
    for (size_t i = 0; i < in->nflags; i++)
        nmounts += strcmp(in->flags[i].name, "mount") == 0;
    mount *mounts = nmounts ? ed_arena_calloc(v->arena, nmounts, sizeof *mounts) : NULL;
    nmounts = 0;
    for (size_t i = 0; i < in->nflags; i++) { /* the device hook runs first */
        const df_flag *fl = &in->flags[i];
        if (strcmp(fl->name, "device") == 0 && !check_device(v, in, fl))
            return false;
        if (strcmp(fl->name, "mount") == 0)
            mounts[nmounts++].flag = fl;
    }
    return check_run_mounts(v, in, mounts, nmounts, 0) && check_run_modes(v, in, &set) &&
           check_run_mounts(v, in, mounts, nmounts, 1) &&
           check_run_mounts(v, in, mounts, nmounts, 2);
}
