/* Loading the knowledge base: each YAML file is parsed once with libyaml and
 * decoded into the compact C arrays of struct kb, driven by the table and
 * schema descriptions of the modules (kb_cuda.c, kb_images.c, ...). Unknown
 * keys, missing fields and bad values are errors with a file:line:column, so
 * a typo in the data fails the build (scripts/compile-knowledge runs this
 * loader and writes the result out as C tables, see kb_emit.c) and the tests
 * instead of silently losing a fact. The process-wide instance, kb_get, is
 * those compiled tables (kb_builtin.c): no YAML is parsed at run time. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_internal.h"

/* Every module that owns tables; the loader knows no table itself. */
const kb_module *const kb_modules[] = {
    &kb_module_cuda,        &kb_module_images,     &kb_module_pytorch, &kb_module_frameworks,
    &kb_module_pypackages,  &kb_module_ospackages, &kb_module_arch,
};
#define KB_NMODULES (sizeof kb_modules / sizeof kb_modules[0])
const size_t kb_nmodules = KB_NMODULES;

/* A schema has at most this many fields (checked when decoding). */
#define KB_MAX_FIELDS 32

struct kb_ctx {
    kb *kb;
    const char *file;
    char *error;
    size_t error_size;
    bool failed;
};

kb *kb_ctx_kb(kb_ctx *ctx) { return ctx->kb; }

bool kb_fail(kb_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
    if (ctx->failed)
        return false;
    ctx->failed = true;
    if (!ctx->error || ctx->error_size == 0)
        return false;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (node && ctx->file)
        snprintf(ctx->error, ctx->error_size, "%s:%zu:%zu: %s", ctx->file,
                 (size_t)node->start_mark.line + 1, (size_t)node->start_mark.column + 1, msg);
    else
        snprintf(ctx->error, ctx->error_size, "%s: %s", ctx->file ? ctx->file : "knowledge base",
                 msg);
    return false;
}

bool kb_glob(const char *pattern, const char *s) { return fnmatch(pattern, s, 0) == 0; }

const char *kb_verified_name(kb_verified v)
{
    switch (v) {
    case KB_VERIFIED: return "v";
    case KB_THIRD_PARTY: return "3p";
    case KB_UNVERIFIED: break;
    }
    return "unverified";
}

size_t kb_entry_count(const kb *k) { return k ? k->nentries : 0; }

/* ---- Scalars ------------------------------------------------------------- */

static const char *kb_scalar(kb_ctx *c, yaml_node_t *n, const char *key)
{
    if (!n || n->type != YAML_SCALAR_NODE) {
        kb_fail(c, n, "'%s' must be a single value", key);
        return NULL;
    }
    return (const char *)n->data.scalar.value;
}

/* The index of word in the NULL-terminated names, or -1. */
static int kb_word(const char *const *names, const char *word)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], word) == 0)
            return i;
    return -1;
}

static const char *const kb_bool_names[] = {"false", "true", NULL};
static const char *const kb_tri_names[] = {"unknown", "no", "yes", NULL};
static const char *const kb_verified_names[] = {"v", "3p", "unverified", NULL};

static bool kb_parse_int(const char *s, int *out)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || *end != '\0' || n < INT_MIN || n > INT_MAX)
        return false;
    *out = (int)n;
    return true;
}

/* One scalar of a field (also each item of a list field) into dst. */
static bool kb_decode_scalar(kb_ctx *c, const kb_field *f, yaml_node_t *n, void *dst)
{
    ed_arena *arena = c->kb->arena;
    const char *s = kb_scalar(c, n, f->key);
    if (!s)
        return false;
    int w;
    switch (f->type) {
    case KB_F_STR:
    case KB_F_STRS:
        *(const char **)dst = ed_arena_strdup(arena, s);
        return true;
    case KB_F_INT:
    case KB_F_INTS:
        if (!kb_parse_int(s, dst))
            return kb_fail(c, n, "'%s': '%s' is not a whole number", f->key, s);
        return true;
    case KB_F_BOOL:
        if ((w = kb_word(kb_bool_names, s)) < 0)
            return kb_fail(c, n, "'%s': '%s' is not true or false", f->key, s);
        *(bool *)dst = w == 1;
        return true;
    case KB_F_TRI:
        if ((w = kb_word(kb_tri_names, s)) < 0)
            return kb_fail(c, n, "'%s': '%s' is not yes, no or unknown", f->key, s);
        *(kb_tri *)dst = (kb_tri)w;
        return true;
    case KB_F_VERIFIED:
        if ((w = kb_word(kb_verified_names, s)) < 0)
            return kb_fail(c, n, "'%s': '%s' is not v, 3p or unverified", f->key, s);
        *(kb_verified *)dst = (kb_verified)w;
        return true;
    case KB_F_ENUM:
        if ((w = kb_word(f->names, s)) < 0)
            return kb_fail(c, n, "'%s': unknown value '%s'", f->key, s);
        *(int *)dst = f->values ? f->values[w] : w;
        return true;
    case KB_F_VERSION:
        if (!kb_version_parse(s, dst))
            return kb_fail(c, n, "'%s': '%s' is not a version (X, X.Y or X.Y.Z)", f->key, s);
        return true;
    case KB_F_RANGE:
    case KB_F_RANGES:
        if (!kb_range_parse(ed_arena_strdup(arena, s), dst))
            return kb_fail(c, n, "'%s': '%s' is not a version range (X.Y, A..B, A.., ..B)",
                           f->key, s);
        return true;
    case KB_F_SUBS:
        break;
    }
    return kb_fail(c, n, "'%s': unexpected value", f->key);
}

static bool kb_decode_map(kb_ctx *c, yaml_document_t *doc, const kb_schema *s, yaml_node_t *map,
                          char *dst);

/* A list field: a sequence node into a new array. */
static bool kb_decode_list(kb_ctx *c, yaml_document_t *doc, const kb_field *f, yaml_node_t *n,
                           char *dst)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return kb_fail(c, n, "'%s' must be a list", f->key);
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    size_t elem = f->type == KB_F_STRS    ? sizeof(const char *)
                  : f->type == KB_F_INTS  ? sizeof(int)
                  : f->type == KB_F_RANGES ? sizeof(kb_range)
                                           : f->sub->size;
    char *items = count ? ed_arena_calloc(c->kb->arena, count, elem) : NULL;
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item = yaml_document_get_node(doc, n->data.sequence.items.start[i]);
        bool ok = f->type == KB_F_SUBS ? kb_decode_map(c, doc, f->sub, item, items + i * elem)
                                       : kb_decode_scalar(c, f, item, items + i * elem);
        if (!ok)
            return false;
    }
    if (f->type == KB_F_RANGES) {
        kb_ranges *r = (kb_ranges *)(dst + f->off);
        r->v = (const kb_range *)items;
        r->n = count;
    } else {
        *(void **)(dst + f->off) = items;
        *(size_t *)(dst + f->off_n) = count;
    }
    return true;
}

static bool kb_decode_field(kb_ctx *c, yaml_document_t *doc, const kb_field *f, yaml_node_t *n,
                            char *dst)
{
    switch (f->type) {
    case KB_F_STRS:
    case KB_F_INTS:
    case KB_F_RANGES:
    case KB_F_SUBS:
        return kb_decode_list(c, doc, f, n, dst);
    default:
        return kb_decode_scalar(c, f, n, dst + f->off);
    }
}

/* Defaults before decoding: absent versions are {-1,-1,-1}, not 0.0.0. */
static void kb_apply_defaults(const kb_schema *s, char *dst)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const kb_field *f = &s->fields[i];
        switch (f->type) {
        case KB_F_BOOL: *(bool *)(dst + f->off) = f->def != 0; break;
        case KB_F_TRI: *(kb_tri *)(dst + f->off) = (kb_tri)f->def; break;
        case KB_F_INT:
        case KB_F_ENUM: *(int *)(dst + f->off) = f->def; break;
        case KB_F_VERSION: *(kb_version *)(dst + f->off) = KB_VERSION_NONE; break;
        default: break;
        }
    }
}

static bool kb_decode_map(kb_ctx *c, yaml_document_t *doc, const kb_schema *s, yaml_node_t *map,
                          char *dst)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return kb_fail(c, map, "this %s must be a mapping", s->what);
    if (s->nfields > KB_MAX_FIELDS)
        return kb_fail(c, map, "schema of %s has too many fields", s->what);
    kb_apply_defaults(s, dst);
    bool seen[KB_MAX_FIELDS] = {false};
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        const char *key = kb_scalar(c, k, "key");
        if (!key)
            return false;
        size_t i = 0;
        while (i < s->nfields && (!s->fields[i].key || strcmp(s->fields[i].key, key) != 0))
            i++;
        if (i == s->nfields)
            return kb_fail(c, k, "unknown key '%s' in this %s", key, s->what);
        if (seen[i])
            return kb_fail(c, k, "'%s' given twice", key);
        seen[i] = true;
        if (!kb_decode_field(c, doc, &s->fields[i], v, dst))
            return false;
    }
    for (size_t i = 0; i < s->nfields; i++)
        if (s->fields[i].required && !seen[i])
            return kb_fail(c, map, "missing '%s' in this %s", s->fields[i].key, s->what);
    return true;
}

/* ---- Tables and files ----------------------------------------------------- */

static bool kb_decode_table(kb_ctx *c, yaml_document_t *doc, const kb_table *t, yaml_node_t *n)
{
    char *base = (char *)c->kb;
    if (t->children) {
        if (n->type != YAML_MAPPING_NODE)
            return kb_fail(c, n, "'%s' must be a mapping", t->key);
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            const char *key = kb_scalar(c, k, "key");
            if (!key)
                return false;
            size_t i = 0;
            while (i < t->nchildren && strcmp(t->children[i].key, key) != 0)
                i++;
            if (i == t->nchildren)
                return kb_fail(c, k, "unknown entry '%s' in '%s'", key, t->key);
            if (!kb_decode_table(c, doc, &t->children[i], yaml_document_get_node(doc, p->value)))
                return false;
        }
        return true;
    }
    if (t->one) {
        c->kb->nentries++;
        return kb_decode_map(c, doc, t->schema, n, base + t->off);
    }
    kb_field list = {t->key,  KB_F_SUBS, t->off,    t->off_n,  false,
                     0,       NULL,      NULL,      t->schema, t->member, t->nmember};
    if (!kb_decode_list(c, doc, &list, n, base))
        return false;
    c->kb->nentries += *(size_t *)(base + t->off_n);
    return true;
}

/* The table of file/key, or NULL; *known_file says whether any table is in file. */
static const kb_table *kb_find_table(const char *file, const char *key, bool *known_file)
{
    *known_file = false;
    for (size_t m = 0; m < KB_NMODULES; m++)
        for (size_t i = 0; i < kb_modules[m]->ntables; i++) {
            const kb_table *t = &kb_modules[m]->tables[i];
            if (strcmp(t->file, file) != 0)
                continue;
            *known_file = true;
            if (key && strcmp(t->key, key) == 0)
                return t;
        }
    return NULL;
}

static bool kb_load_file(kb_ctx *c, const kb_text *f, const kb_table **loaded, size_t *nloaded,
                         size_t max_loaded)
{
    bool known;
    c->file = f->name;
    kb_find_table(f->name, NULL, &known);
    if (!known)
        return kb_fail(c, NULL, "not a knowledge file env-doctor knows");

    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return kb_fail(c, NULL, "cannot start the YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)f->text, strlen(f->text));
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_node_t at = {.start_mark = parser.problem_mark};
        kb_fail(c, &at, "YAML error: %s%s%s", parser.problem ? parser.problem : "cannot parse",
                parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return false;
    }
    bool ok = true;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root)
        ok = kb_fail(c, NULL, "empty file");
    else if (root->type != YAML_MAPPING_NODE)
        ok = kb_fail(c, root, "the file must be a mapping of tables");
    for (yaml_node_pair_t *p = ok ? root->data.mapping.pairs.start : NULL;
         ok && p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
        const char *key = kb_scalar(c, k, "table name");
        const kb_table *t = key ? kb_find_table(f->name, key, &known) : NULL;
        if (!key)
            ok = false;
        else if (!t)
            ok = kb_fail(c, k, "unknown table '%s'", key);
        for (size_t i = 0; ok && i < *nloaded; i++)
            if (loaded[i] == t)
                ok = kb_fail(c, k, "table '%s' given twice", key);
        if (ok && *nloaded < max_loaded)
            loaded[(*nloaded)++] = t;
        if (ok)
            ok = kb_decode_table(c, &doc, t, yaml_document_get_node(&doc, p->value));
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return ok;
}

kb *kb_load(const kb_text *files, char *error, size_t error_size)
{
    if (error && error_size)
        error[0] = '\0';
    /* The struct is its own block, so the process-wide instance is plainly
     * reachable (valgrind); the tables live in its arena. */
    kb *k = calloc(1, sizeof *k);
    if (!k)
        ed_out_of_memory();
    ed_arena *arena = ed_arena_new();
    k->arena = arena;
    kb_ctx c = {k, NULL, error, error_size, false};

    size_t ntables = 0;
    for (size_t m = 0; m < KB_NMODULES; m++)
        ntables += kb_modules[m]->ntables;
    const kb_table **loaded = ed_arena_calloc(arena, ntables, sizeof *loaded);
    size_t nloaded = 0;

    bool ok = true;
    for (size_t i = 0; ok && files && files[i].name; i++)
        ok = kb_load_file(&c, &files[i], loaded, &nloaded, ntables);
    c.file = NULL;
    for (size_t m = 0; ok && m < KB_NMODULES; m++)
        if (kb_modules[m]->finish)
            ok = kb_modules[m]->finish(&c);
    if (!ok) {
        if (!c.failed)
            kb_fail(&c, NULL, "cannot load");
        kb_free(k);
        return NULL;
    }
    return k;
}

void kb_free(kb *k)
{
    if (k) {
        ed_arena_free(k->arena);
        free(k);
    }
}
