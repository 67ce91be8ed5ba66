/* Reading `.env-doctor.yaml` into an ed_config (see config.h). The file is
 * parsed with the positioned YAML tree, so every error names its line and
 * column; the first error ends the load. */
#include "envdoctor/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "envdoctor/similar.h"
#include "envdoctor/yaml.h"

typedef struct loader {
    ed_arena *arena;
    const ed_source *src;
    const char *path;
    ed_config *out;
    char *err;
    size_t errsize;
} loader;

static const char *const top_keys[] = {"ignore", "severity", "failure-threshold", "gpu",
                                       "build-args", "images", "exclude", "build-arg-matrix",
                                       "limits", NULL};
static const char *const image_keys[] = {"cpu-only", "gpu", NULL};
static const char *const gpu_image_keys[] = {"image", "cuda", "nvcc", "cudnn", NULL};

static size_t node_at(const cf_node *n)
{
    size_t start, end;
    cf_node_site(n, &start, &end);
    return start;
}

/* Writes "PATH:LINE:COL: message" (control characters as spaces) and
 * returns false. */
static bool fail(loader *l, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(loader *l, size_t at, const char *fmt, ...)
{
    if (!l->errsize)
        return false;
    ed_pos pos = ed_source_pos(l->src, at);
    int n = snprintf(l->err, l->errsize, "%s:%u:%u: ", l->path, pos.line, pos.column);
    if (n >= 0 && (size_t)n < l->errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->err + n, l->errsize - (size_t)n, fmt, ap);
        va_end(ap);
    }
    /* one line: values quoted from the file may hold line breaks and
     * other control characters */
    for (char *c = l->err; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    return false;
}

/* Keeps name in *best when it is a closer typo of word than the one there.
 * Distance 0 is a difference in case only (YAML keys are case-sensitive). */
static void consider(const char *word, const char *name, const char **best, size_t *best_d)
{
    size_t lw = strlen(word), ln = strlen(name);
    size_t d = ed_edit_distance(word, lw, name, ln);
    if ((d == 0 || ed_is_typo_of(word, lw, name, ln)) && (!*best || d < *best_d)) {
        *best = name;
        *best_d = d;
    }
}

/* The closest of names[] to word when it looks like a typo of it, or NULL. */
static const char *closest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = 0;
    for (size_t i = 0; names[i]; i++)
        consider(word, names[i], &best, &best_d);
    return best;
}

static bool unknown_key(loader *l, const cf_node *key, const char *where,
                        const char *const *known)
{
    const char *guess = closest(key->value, known);
    if (guess)
        return fail(l, node_at(key), "unknown key '%s'%s%s (did you mean '%s'?)", key->value,
                    where ? " in " : "", where ? where : "", guess);
    char list[256] = "";
    for (size_t i = 0; known[i]; i++) {
        size_t used = strlen(list);
        const char *sep = i == 0 ? "" : known[i + 1] ? ", " : " or ";
        snprintf(list + used, sizeof list - used, "%s%s", sep, known[i]);
    }
    return fail(l, node_at(key), "unknown key '%s'%s%s (expected %s)", key->value,
                where ? " in " : "", where ? where : "", list);
}

/* Is n of the kind (a scalar: not null)? Else the error "WHAT must be EXPECTED, not ...". */
static bool need(loader *l, const cf_node *n, cf_kind kind, const char *what, const char *expected)
{
    if (n->kind == kind && (kind != CF_SCALAR || cf_is_string(n)))
        return true;
    return fail(l, node_at(n), "%s must be %s, not %s", what, expected, cf_type_phrase(n));
}

/* The keys of a map must be strings. */
static bool need_key(loader *l, const cf_node *key)
{
    if (cf_is_string(key))
        return true;
    return fail(l, node_at(key), "keys must be strings, not %s", cf_type_phrase(key));
}

/* ---- rules and levels ---- */

static const ed_rule *find_rule(const char *name)
{
    for (size_t i = 0; ed_rules_all[i]; i++)
        if (strcasecmp(ed_rules_all[i]->id, name) == 0 ||
            strcasecmp(ed_rules_all[i]->name, name) == 0)
            return ed_rules_all[i];
    return NULL;
}

/* The rule a node names, or NULL after reporting "unknown rule". */
static const ed_rule *rule_of(loader *l, const cf_node *n)
{
    const ed_rule *rule = find_rule(n->value);
    if (rule)
        return rule;
    const char *best = NULL;
    size_t best_d = 0;
    for (size_t i = 0; ed_rules_all[i]; i++) {
        consider(n->value, ed_rules_all[i]->id, &best, &best_d);
        consider(n->value, ed_rules_all[i]->name, &best, &best_d);
    }
    if (best)
        fail(l, node_at(n), "unknown rule '%s' (did you mean '%s'?)", n->value, best);
    else
        fail(l, node_at(n), "unknown rule '%s' (`env-doctor rules` lists them)", n->value);
    return NULL;
}

/* The index of the key in keys[] (exactly: YAML keys are case-sensitive), or -1. */
static int key_index(const char *key, const char *const *keys)
{
    for (int i = 0; keys[i]; i++)
        if (strcmp(key, keys[i]) == 0)
            return i;
    return -1;
}

/* The index of the word in words[] (any case), or -1. */
static int word_index(const char *word, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (strcasecmp(word, words[i]) == 0)
            return i;
    return -1;
}

/* ---- the sections ---- */

static bool read_ignore(loader *l, const cf_node *v)
{
    if (!need(l, v, CF_SEQ, "ignore", "a list of rule ids or names"))
        return false;
    ed_config *c = l->out;
    for (size_t i = 0; i < v->nitems; i++) {
        const cf_node *item = v->items[i];
        if (!need(l, item, CF_SCALAR, "an ignore entry", "a rule id or name"))
            return false;
        const ed_rule *rule = rule_of(l, item);
        if (!rule)
            return false;
        c->ignored = ed_arena_push(l->arena, c->ignored, c->nignored, sizeof *c->ignored);
        c->ignored[c->nignored++] = rule;
    }
    return true;
}

static bool read_severity(loader *l, const cf_node *v)
{
    static const char *const levels[] = {"off", "info", "warning", "error", NULL};
    if (!need(l, v, CF_MAP, "severity", "a map of rule: level"))
        return false;
    ed_config *c = l->out;
    size_t *where = ed_arena_calloc(l->arena, v->npairs + 1, sizeof *where);
    for (size_t i = 0; i < v->npairs; i++) {
        const cf_pair *p = &v->pairs[i];
        if (!need_key(l, p->key))
            return false;
        const ed_rule *rule = rule_of(l, p->key);
        if (!rule)
            return false;
        for (size_t k = 0; k < c->nseverities; k++)
            if (c->severities[k].rule == rule) {
                ed_pos first = ed_source_pos(l->src, where[k]);
                return fail(l, node_at(p->key),
                            "severity of %s (%s) given twice (first at line %u, column %u)",
                            rule->id, rule->name, first.line, first.column);
            }
        if (!need(l, p->value, CF_SCALAR, ed_arena_printf(l->arena, "the severity of %s", rule->id),
                  "error, warning, info or off"))
            return false;
        int level = word_index(p->value->value, levels);
        if (level < 0)
            return fail(l, node_at(p->value),
                        "bad severity '%s' for %s: expected error, warning, info or off",
                        p->value->value, rule->id);
        where[c->nseverities] = node_at(p->key);
        c->severities = ed_arena_push(l->arena, c->severities, c->nseverities,
                                      sizeof *c->severities);
        c->severities[c->nseverities++] = (ed_severity_override){rule, (ed_severity)level};
    }
    return true;
}

static bool read_threshold(loader *l, const cf_node *v)
{
    /* the index is the lowest failing severity; never is ED_SEV_ERROR + 1 */
    static const char *const names[] = {"", "info", "warning", "error", "never", NULL};
    if (!need(l, v, CF_SCALAR, "failure-threshold", "error, warning, info or never"))
        return false;
    int t = word_index(v->value, names);
    if (t <= 0)
        return fail(l, node_at(v),
                    "bad failure-threshold '%s': expected error, warning, info or never",
                    v->value);
    l->out->failure_threshold = t;
    return true;
}

static bool read_gpu(loader *l, const cf_node *v)
{
    static const char *const modes[] = {"auto", "always", "never", NULL};
    if (!need(l, v, CF_SCALAR, "gpu", "auto, always or never"))
        return false;
    int mode = word_index(v->value, modes);
    if (mode < 0)
        return fail(l, node_at(v), "bad gpu mode '%s': expected auto, always or never", v->value);
    l->out->gpu = mode;
    return true;
}

/* A build arg's name as a key; NULL after the error. */
static const char *build_arg_name(loader *l, const cf_node *key)
{
    if (!need_key(l, key))
        return NULL;
    if (!*key->value || strchr(key->value, '=')) {
        fail(l, node_at(key), "bad build arg name '%s'", key->value);
        return NULL;
    }
    return key->value;
}

static bool read_build_args(loader *l, const cf_node *v)
{
    if (!need(l, v, CF_MAP, "build-args", "a map of NAME: value"))
        return false;
    ed_config *c = l->out;
    for (size_t i = 0; i < v->npairs; i++) {
        const cf_pair *p = &v->pairs[i];
        const char *name = build_arg_name(l, p->key);
        if (!name)
            return false;
        if (cf_is_null(p->value))
            return fail(l, node_at(p->value),
                        "build arg %s has no value (write \"\" for an empty one)", name);
        if (!need(l, p->value, CF_SCALAR, ed_arena_printf(l->arena, "build arg %s", name),
                  "a string"))
            return false;
        c->build_args = ed_arena_push(l->arena, c->build_args, c->nbuild_args,
                                      sizeof *c->build_args);
        c->build_args[c->nbuild_args++] = ed_arena_printf(l->arena, "%s=%s", name, p->value->value);
    }
    return true;
}

/* build-arg-matrix: {NAME: [value, ...]} */
static bool read_matrix(loader *l, const cf_node *v)
{
    if (!need(l, v, CF_MAP, "build-arg-matrix", "a map of NAME: [values]"))
        return false;
    ed_config *c = l->out;
    for (size_t i = 0; i < v->npairs; i++) {
        const cf_pair *p = &v->pairs[i];
        const char *name = build_arg_name(l, p->key);
        if (!name)
            return false;
        const char *what = ed_arena_printf(l->arena, "the matrix of %s", name);
        if (!need(l, p->value, CF_SEQ, what, "a list of values"))
            return false;
        if (p->value->nitems == 0)
            return fail(l, node_at(p->value), "%s has no values", what);
        const char **values = ed_arena_calloc(l->arena, p->value->nitems, sizeof *values);
        for (size_t k = 0; k < p->value->nitems; k++) {
            const cf_node *item = p->value->items[k];
            if (!need(l, item, CF_SCALAR, ed_arena_printf(l->arena, "a value of %s", what),
                      "a string"))
                return false;
            values[k] = item->value;
        }
        c->matrix = ed_arena_push(l->arena, c->matrix, c->nmatrix, sizeof *c->matrix);
        c->matrix[c->nmatrix++] = (ed_matrix_axis){name, values, p->value->nitems};
    }
    if (ed_matrix_size(c->matrix, c->nmatrix) > ED_MATRIX_MAX)
        return fail(l, node_at(v), "build-arg-matrix has more than %d combinations",
                    ED_MATRIX_MAX);
    return true;
}

/* ---- images ---- */

static bool image_pattern(loader *l, const cf_node *n, const char *what)
{
    if (!need(l, n, CF_SCALAR, what, "an image name or glob"))
        return false;
    if (!*n->value)
        return fail(l, node_at(n), "%s is empty", what);
    if (strchr(n->value, '@'))
        return fail(l, node_at(n),
                    "image pattern '%s' has a digest: patterns match references without it",
                    n->value);
    return true;
}

static kb_image_hint *push_hint(loader *l, const cf_node *pattern, bool gpu)
{
    ed_config *c = l->out;
    c->image_hints = ed_arena_push(l->arena, c->image_hints, c->nimage_hints,
                                   sizeof *c->image_hints);
    c->image_hint_pos = ed_arena_push(l->arena, c->image_hint_pos, c->nimage_hints,
                                      sizeof *c->image_hint_pos);
    c->image_hint_pos[c->nimage_hints] = ed_source_pos(l->src, node_at(pattern));
    kb_image_hint *h = &c->image_hints[c->nimage_hints++];
    *h = (kb_image_hint){.pattern = pattern->value,
                         .gpu = gpu,
                         .cuda = KB_VERSION_NONE,
                         .nvcc = KB_NO, /* nvcc: true says otherwise */
                         .cudnn = gpu ? KB_UNKNOWN : KB_NO};
    return h;
}

static bool read_bool(loader *l, const cf_node *v, const char *what, kb_tri *out)
{
    bool b;
    if (!cf_scalar_bool(v, &b))
        return cf_is_string(v) ? fail(l, node_at(v), "%s must be true or false, not '%s'", what,
                                      v->value)
                               : fail(l, node_at(v), "%s must be true or false, not %s", what,
                                      cf_type_phrase(v));
    *out = b ? KB_YES : KB_NO;
    return true;
}

static bool read_gpu_image(loader *l, const cf_node *item)
{
    if (item->kind != CF_MAP) {
        if (!image_pattern(l, item, "an images.gpu entry"))
            return false;
        push_hint(l, item, true);
        return true;
    }
    for (size_t i = 0; i < item->npairs; i++) {
        const cf_pair *p = &item->pairs[i];
        if (!need_key(l, p->key))
            return false;
        if (key_index(p->key->value, gpu_image_keys) < 0)
            return unknown_key(l, p->key, "an images.gpu entry", gpu_image_keys);
    }
    const cf_node *image = cf_map_get(item, "image");
    if (!image)
        return fail(l, node_at(item), "an images.gpu entry needs an image: key");
    if (!image_pattern(l, image, "image"))
        return false;
    kb_image_hint *h = push_hint(l, image, true);
    const cf_node *cuda = cf_map_get(item, "cuda");
    const cf_node *nvcc = cf_map_get(item, "nvcc");
    const cf_node *cudnn = cf_map_get(item, "cudnn");
    if (cuda && !cf_is_null(cuda)) {
        if (!need(l, cuda, CF_SCALAR, "cuda", "a CUDA version X.Y or X.Y.Z"))
            return false;
        kb_version v;
        if (!kb_version_parse(cuda->value, &v) || v.minor < 0)
            return fail(l, node_at(cuda), "bad CUDA version '%s': expected X.Y or X.Y.Z",
                        cuda->value);
        h->cuda = v;
    }
    if (nvcc && !cf_is_null(nvcc) && !read_bool(l, nvcc, "nvcc", &h->nvcc))
        return false;
    if (cudnn && !cf_is_null(cudnn) && !read_bool(l, cudnn, "cudnn", &h->cudnn))
        return false;
    return true;
}

static bool read_images(loader *l, const cf_node *v)
{
    if (!need(l, v, CF_MAP, "images", "a map with cpu-only: and gpu: lists"))
        return false;
    for (size_t i = 0; i < v->npairs; i++) {
        const cf_pair *p = &v->pairs[i];
        if (!need_key(l, p->key))
            return false;
        const char *key = p->key->value;
        int which = key_index(key, image_keys);
        if (which < 0)
            return unknown_key(l, p->key, "images", image_keys);
        if (cf_is_null(p->value))
            continue;
        bool gpu = which == 1;
        const char *what = gpu ? "images.gpu" : "images.cpu-only";
        if (!need(l, p->value, CF_SEQ, what, "a list of images"))
            return false;
        for (size_t k = 0; k < p->value->nitems; k++) {
            const cf_node *item = p->value->items[k];
            if (gpu ? !read_gpu_image(l, item)
                    : !image_pattern(l, item, "an images.cpu-only entry"))
                return false;
            if (!gpu)
                push_hint(l, item, false);
        }
    }
    return true;
}

static bool read_exclude(loader *l, const cf_node *v)
{
    if (!need(l, v, CF_SEQ, "exclude", "a list of path globs"))
        return false;
    ed_config *c = l->out;
    for (size_t i = 0; i < v->nitems; i++) {
        const cf_node *item = v->items[i];
        if (!need(l, item, CF_SCALAR, "an exclude entry", "a path glob"))
            return false;
        if (!*item->value)
            return fail(l, node_at(item), "an exclude entry is empty");
        c->excludes = ed_arena_push(l->arena, c->excludes, c->nexcludes, sizeof *c->excludes);
        c->excludes[c->nexcludes++] =
            (ed_config_exclude){item->value, ed_source_pos(l->src, node_at(item))};
    }
    return true;
}

/* ---- the file ---- */

/* The folder of a path: "." when it has none (and for standard input). */
/* limits: {max-file-size: 16M, ...}: the --max-* flags without their dashes. */
static bool read_limits(loader *l, const cf_node *v)
{
    const char *names[16];
    size_t n = 0;
    for (; ed_limit_table[n].flag && n + 1 < sizeof names / sizeof *names; n++)
        names[n] = ed_limit_table[n].flag + 2;
    names[n] = NULL;
    if (!need(l, v, CF_MAP, "limits", "a map of limit: value (max-file-size: 16M, ...)"))
        return false;
    for (size_t i = 0; i < v->npairs; i++) {
        const cf_pair *p = &v->pairs[i];
        if (!need_key(l, p->key))
            return false;
        int k = key_index(p->key->value, names);
        if (k < 0)
            return unknown_key(l, p->key, "limits", names);
        const ed_limit_info *info = &ed_limit_table[k];
        char expected[96];
        ed_limit_expected(info, expected, sizeof expected);
        if (!need(l, p->value, CF_SCALAR, names[k], expected))
            return false;
        size_t value;
        if (!ed_limit_parse(info, p->value->value, &value))
            return fail(l, node_at(p->value), "bad %s '%s': expected %s", names[k],
                        p->value->value, expected);
        ed_limit_set(&l->out->limits, info, value);
        l->out->limits_given |= 1u << k;
    }
    return true;
}

static const char *dir_of(ed_arena *arena, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || strcmp(path, "<stdin>") == 0)
        return ".";
    if (slash == path)
        return "/";
    return ed_arena_strndup(arena, path, (size_t)(slash - path));
}

static bool read_root(loader *l, const cf_node *root)
{
    if (root->kind != CF_MAP)
        return fail(l, node_at(root),
                    "the configuration must be a map of keys (ignore:, severity:, ...), not %s",
                    cf_type_phrase(root));
    for (size_t i = 0; i < root->npairs; i++) {
        const cf_pair *p = &root->pairs[i];
        if (!need_key(l, p->key))
            return false;
        const char *key = p->key->value;
        int k = key_index(key, top_keys);
        if (k < 0)
            return unknown_key(l, p->key, NULL, top_keys);
        if (cf_is_null(p->value))
            continue; /* written without a value: not set */
        bool ok = true;
        switch (k) {
        case 0: ok = read_ignore(l, p->value); break;
        case 1: ok = read_severity(l, p->value); break;
        case 2: ok = read_threshold(l, p->value); break;
        case 3: ok = read_gpu(l, p->value); break;
        case 4: ok = read_build_args(l, p->value); break;
        case 5: ok = read_images(l, p->value); break;
        case 6: ok = read_exclude(l, p->value); break;
        case 7: ok = read_matrix(l, p->value); break;
        default: ok = read_limits(l, p->value); break;
        }
        if (!ok)
            return false;
    }
    return true;
}

bool ed_config_parse(ed_arena *arena, const ed_source *src, ed_config *out, char *err,
                     size_t errsize)
{
    memset(out, 0, sizeof *out);
    out->path = src->path ? src->path : "<stdin>";
    out->dir = dir_of(arena, out->path);
    out->gpu = -1;
    if (errsize)
        err[0] = '\0';
    loader l = {arena, src, out->path, out, err, errsize};
    size_t at;
    const char *why = ed_source_not_text(src, &at);
    if (why)
        return fail(&l, at, "%s", why);
    cf_yaml *y = cf_yaml_parse(arena, src, NULL);
    if (y->nerrors) {
        const cf_error *e = &y->errors[0];
        return fail(&l, e->start, "%s%s",
                    e->kind == CF_ERR_SYNTAX ? "YAML syntax error: " : "", e->message);
    }
    if (y->ndocs > 1)
        return fail(&l, node_at(y->docs[1]),
                    "a second YAML document: the configuration is one document");
    if (y->ndocs == 0 || cf_is_null(y->docs[0]))
        return true;
    return read_root(&l, y->docs[0]);
}

bool ed_config_load(ed_arena *arena, const char *path, ed_config *out, char *err, size_t errsize)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    char why[256];
    if (!ed_source_read(src, arena, path, path, why, sizeof why)) {
        memset(out, 0, sizeof *out);
        out->gpu = -1;
        if (errsize)
            snprintf(err, errsize, "%s: cannot read the configuration file: %s", path, why);
        return false;
    }
    return ed_config_parse(arena, src, out, err, errsize);
}

void ed_config_apply(const ed_config *c, ed_options *options)
{
    options->ignored_rules = c->ignored;
    options->nignored_rules = c->nignored;
    options->severities = c->severities;
    options->nseverities = c->nseverities;
    options->image_hints = c->image_hints;
    options->nimage_hints = c->nimage_hints;
}
