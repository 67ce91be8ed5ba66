/* cf_compose_build: the top of a compose file (version:, services:,
 * include:), every document merged in order, shape errors. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model_internal.h"

void cf_shape(cf_reader *r, const cf_node *node, const char *fmt, ...)
{
    cf_compose *c = r->c;
    if (node && node->end >= r->cut) /* cut short by a syntax error: its shape is unknown */
        return;
    c->errors = ed_arena_push(r->arena, c->errors, c->nerrors, sizeof *c->errors);
    cf_shape_error *e = &c->errors[c->nerrors++];
    cf_node_site(node, &e->start, &e->end);
    va_list ap;
    va_start(ap, fmt);
    e->message = ed_arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
}

static const char *a_type(const cf_node *n)
{
    const char *t = cf_type_name(n);
    if (strcmp(t, "int") == 0)
        return "an integer";
    if (strcmp(t, "map") == 0)
        return "a mapping";
    if (strcmp(t, "list") == 0)
        return "a list";
    return strcmp(t, "null") == 0 ? "null" : t[0] == 'b' ? "a boolean" : t[0] == 'f' ? "a number"
                                                                                 : "a string";
}

bool cf_want_map(cf_reader *r, const cf_node *node, const char *what)
{
    if (!node || cf_is_null(node) || node->kind == CF_MAP)
        return true;
    cf_shape(r, node, "%s must be a mapping, not %s", what, a_type(node));
    return false;
}

bool cf_want_seq(cf_reader *r, const cf_node *node, const char *what)
{
    if (!node || cf_is_null(node) || node->kind == CF_SEQ)
        return true;
    cf_shape(r, node, "%s must be a list, not %s", what, a_type(node));
    return false;
}

const char *cf_path_dir(ed_arena *arena, const char *path)
{
    if (!path || strcmp(path, "<stdin>") == 0 || strcmp(path, "-") == 0)
        return NULL;
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    return ed_arena_strndup(arena, path, (size_t)(slash - path) + (slash == path));
}

/* Lexically cleaned, like Go's filepath.Clean: no "." parts, no doubled
 * slashes, "x/.." removed ("/.." is "/"); "." when nothing is left. */
static const char *path_clean(ed_arena *arena, const char *path)
{
    size_t len = strlen(path);
    const char **parts = ed_arena_calloc(arena, len / 2 + 2, sizeof *parts);
    size_t *lens = ed_arena_calloc(arena, len / 2 + 2, sizeof *lens);
    bool rooted = path[0] == '/';
    size_t k = 0, fixed = 0; /* parts[0..fixed) are leading ".." that stay */
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        size_t n = j - i;
        if (n == 0 || (n == 1 && path[i] == '.')) {
            /* nothing */
        } else if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (k > fixed) {
                k--;
            } else if (!rooted) {
                parts[k] = path + i, lens[k++] = 2;
                fixed = k;
            }
        } else {
            parts[k] = path + i, lens[k++] = n;
        }
        i = j + 1;
    }
    char *out = ed_arena_alloc(arena, len + 2);
    size_t n = 0;
    if (rooted)
        out[n++] = '/';
    for (size_t i = 0; i < k; i++) {
        if (i > 0)
            out[n++] = '/';
        memcpy(out + n, parts[i], lens[i]);
        n += lens[i];
    }
    if (n == 0)
        out[n++] = '.';
    out[n] = '\0';
    return out;
}

const char *cf_path_join(ed_arena *arena, const char *dir, const char *path)
{
    if (!path)
        return NULL;
    const char *joined = path[0] == '/' || !dir
                             ? path_clean(arena, path)
                             : path_clean(arena, ed_arena_printf(arena, "%s/%s", dir, path));
    /* to the file readers "-" is standard input: a file named - is ./- */
    return strcmp(joined, "-") == 0 ? "./-" : joined;
}

/* include: a path, or a list of paths and {path: ...} maps (path may be a
 * list too). Only the paths are kept: the engine lints those files. */
static void read_include(cf_reader *r, const cf_node *value)
{
    if (!cf_want_seq(r, value, "include") || !value || value->kind != CF_SEQ)
        return;
    cf_compose *c = r->c;
    for (size_t i = 0; i < value->nitems; i++) {
        const cf_node *item = value->items[i];
        const cf_node *paths = item->kind == CF_MAP ? cf_map_get(item, "path") : item;
        const cf_node *one = paths;
        size_t count = paths && paths->kind == CF_SEQ ? paths->nitems : 1;
        for (size_t k = 0; k < count; k++) {
            if (paths && paths->kind == CF_SEQ)
                one = paths->items[k];
            cf_text t = cf_interpolate(r->arena, c, one);
            if (!t.value || t.unknown) {
                if (!one || one->kind != CF_SCALAR)
                    cf_shape(r, one ? one : item, "an include entry needs a path");
                continue;
            }
            c->includes = ed_arena_push(r->arena, (void *)c->includes, c->nincludes,
                                        sizeof *c->includes);
            ((const char **)c->includes)[c->nincludes++] = cf_path_join(r->arena, c->dir, t.value);
        }
    }
}

/* The services of one document, in file order. */
static void read_services(cf_reader *r, const cf_node *value, cf_service **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!value || cf_is_null(value))
        return;
    if (value->kind != CF_MAP) {
        cf_shape(r, value, "services must be a mapping of service names to services, not %s",
                       a_type(value));
        return;
    }
    cf_service *services = ed_arena_calloc(r->arena, value->npairs ? value->npairs : 1,
                                           sizeof *services);
    size_t n = 0;
    for (size_t i = 0; i < value->npairs; i++) {
        const cf_pair *p = &value->pairs[i];
        if (p->value->end >= r->cut)
            continue;
        if (p->key->kind != CF_SCALAR) {
            cf_shape(r, p->key, "a service name must be a string");
            continue;
        }
        cf_service *s = &services[n++];
        s->name = p->key->value;
        s->pair = p;
        s->built_stage = -1;
        s->dir = r->c->dir;
        if (p->value->kind == CF_MAP) {
            s->node = p->value;
            cf_read_service(r, s);
        } else if (cf_is_null(p->value)) {
            cf_shape(r, p->key, "service \"%s\" has no definition: a service must be a mapping",
                           s->name);
        } else {
            cf_shape(r, p->value, "service \"%s\" must be a mapping, not %s", s->name,
                           a_type(p->value));
        }
    }
    cf_apply_extends(r, services, n);
    *out = services;
    *nout = n;
}

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Appends or merges services into c: a service of a name c already has is
 * merged into it (a later document or -f file), a new one is appended. A
 * hash of the names keeps this linear for files with very many services. */
static void add_services(ed_arena *arena, cf_compose *c, cf_service *services, size_t n)
{
    if (!n)
        return;
    /* room for all of them at once (arena arrays that grow by doubling
     * would copy and clear a large array again and again) */
    if (c->nservices == 0) { /* the first: its array is taken over (compacted in place) */
        c->services = services;
    } else {
        cf_service *all = ed_arena_alloc(arena, (c->nservices + n) * sizeof *all);
        cf_copy(all, c->services, c->nservices * sizeof *all);
        c->services = all;
    }
    size_t cap = 16;
    while (cap < 2 * (c->nservices + n))
        cap *= 2;
    size_t *slots = ed_arena_calloc(arena, cap, sizeof *slots); /* index + 1, 0: free */
    for (size_t k = 0; k < c->nservices; k++) {
        size_t h = name_hash(c->services[k].name) & (cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = k + 1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t h = name_hash(services[i].name) & (cap - 1);
        while (slots[h] && strcmp(c->services[slots[h] - 1].name, services[i].name) != 0)
            h = (h + 1) & (cap - 1);
        if (slots[h]) {
            cf_merge_service(arena, &c->services[slots[h] - 1], &services[i]);
        } else {
            c->services[c->nservices++] = services[i];
            slots[h] = c->nservices;
        }
    }
}

/* A value whose ${...} nest deeper than the limit is a shape error (it is
 * not interpolated). Walks the nodes as written, once each: an alias or a
 * merged pair is checked where its anchor is written. */
static void check_nesting(cf_reader *r, const cf_node *node, size_t max)
{
    if (node->target)
        return;
    if (node->kind == CF_SCALAR) {
        size_t depth = node->value && memchr(node->value, '$', node->len)
                           ? cf_interpolation_nesting(node->value, node->len)
                           : 0;
        if (depth > max)
            cf_shape(r, node,
                     "${...} nested %zu levels deep, over the limit of %zu: not interpolated "
                     "(raise the limit with --max-interpolation-depth)",
                     depth, max);
    }
    for (size_t i = 0; i < node->npairs; i++)
        if (!node->pairs[i].merged) {
            check_nesting(r, node->pairs[i].key, max);
            check_nesting(r, node->pairs[i].value, max);
        }
    for (size_t i = 0; i < node->nitems; i++)
        check_nesting(r, node->items[i], max);
}

void cf_read_documents(cf_reader *r, const cf_node *const *docs, size_t ndocs)
{
    cf_compose *c = r->c;
    /* compose-go reads every document of a file and merges them in order,
     * as if each were another -f file; empty documents are skipped */
    for (size_t d = 0; d < ndocs; d++) {
        const cf_node *doc = docs[d];
        if (cf_is_null(doc))
            continue;
        check_nesting(r, doc, cf_interpolation_max_depth(&c->vars));
        if (doc->kind != CF_MAP) {
            cf_shape(r, doc, "a Compose file must be a mapping (services:, volumes:, ...), not %s",
                     a_type(doc));
            continue;
        }
        if (!c->root)
            c->root = doc;
        if (!c->version)
            c->version = cf_map_pair(doc, "version");
        const cf_node *include = cf_map_get(doc, "include");
        if (include)
            read_include(r, include);
        cf_service *services;
        size_t n;
        read_services(r, cf_map_get(doc, "services"), &services, &n);
        add_services(r->arena, c, services, n);
    }
    for (size_t i = 0; i < c->nservices; i++)
        cf_finish_service(r->arena, c, r->knowledge, &c->services[i]);
}

cf_compose *cf_compose_build(ed_arena *arena, const ed_source *src, const cf_yaml *yaml,
                             const cf_vars *vars, const kb *knowledge)
{
    cf_compose *c = ed_arena_alloc(arena, sizeof *c);
    c->src = src;
    if (vars)
        c->vars = *vars;
    c->yaml = yaml;
    c->dir = cf_path_dir(arena, src ? src->path : NULL);
    if (yaml) {
        const cf_yaml **ys = ed_arena_alloc(arena, sizeof *ys);
        ys[0] = yaml;
        c->yamls = ys;
        c->nyamls = 1;
    }
    cf_reader r = {arena, c, knowledge, 0, SIZE_MAX};
    if (yaml && yaml->truncated && yaml->nerrors)
        r.cut = yaml->errors[yaml->nerrors - 1].start;
    if (yaml)
        cf_read_documents(&r, (const cf_node *const *)yaml->docs, yaml->ndocs);
    return c;
}

cf_compose *cf_compose_merge(ed_arena *arena, const cf_compose *base, const cf_compose *over,
                             const kb *knowledge)
{
    cf_compose *c = ed_arena_alloc(arena, sizeof *c);
    *c = *base;
    c->root = base->root ? base->root : over->root;
    c->version = base->version ? base->version : over->version;
    c->services = NULL;
    c->nservices = 0;
    /* copies, so that merging never changes the inputs */
    cf_service *copy = ed_arena_calloc(arena, base->nservices + 1, sizeof *copy);
    cf_copy(copy, base->services, base->nservices * sizeof *copy);
    add_services(arena, c, copy, base->nservices);
    copy = ed_arena_calloc(arena, over->nservices + 1, sizeof *copy);
    cf_copy(copy, over->services, over->nservices * sizeof *copy);
    add_services(arena, c, copy, over->nservices);
    /* errors, trees and includes of both */
    c->errors = NULL;
    c->nerrors = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        const cf_compose *from = pass ? over : base;
        for (size_t i = 0; i < from->nerrors; i++) {
            c->errors = ed_arena_push(arena, c->errors, c->nerrors, sizeof *c->errors);
            c->errors[c->nerrors++] = from->errors[i];
        }
    }
    const cf_yaml **ys = ed_arena_calloc(arena, base->nyamls + over->nyamls + 1, sizeof *ys);
    cf_copy(ys, base->yamls, base->nyamls * sizeof *ys);
    cf_copy(ys + base->nyamls, over->yamls, over->nyamls * sizeof *ys);
    c->yamls = ys;
    c->nyamls = base->nyamls + over->nyamls;
    const char **inc = ed_arena_calloc(arena, base->nincludes + over->nincludes + 1, sizeof *inc);
    cf_copy(inc, base->includes, base->nincludes * sizeof *inc);
    cf_copy(inc + base->nincludes, over->includes, over->nincludes * sizeof *inc);
    c->includes = inc;
    c->nincludes = base->nincludes + over->nincludes;
    for (size_t i = 0; i < c->nservices; i++)
        cf_finish_service(arena, c, knowledge, &c->services[i]);
    return c;
}

const cf_env *cf_service_env(const cf_service *s, const char *name)
{
    if (!s || !name)
        return NULL;
    /* the last definition wins (a list may name a variable twice) */
    for (size_t i = s->nenv; i-- > 0;)
        if (s->env[i].name && strcmp(s->env[i].name, name) == 0)
            return &s->env[i];
    return NULL;
}

ed_pos cf_compose_pos(const cf_compose *c, size_t offset, const char **path)
{
    size_t i = c->nfiles;
    while (i > 1 && c->file_starts[i - 1] > offset)
        i--;
    if (c->nfiles == 0) {
        if (path)
            *path = c->src ? c->src->path : NULL;
        return ed_source_pos(c->src, offset);
    }
    const ed_source *f = c->files[i - 1];
    if (path)
        *path = f->path;
    return ed_source_pos(f, offset - c->file_starts[i - 1]);
}

bool cf_node_inherited(const cf_compose *c, const cf_node *node)
{
    if (!c || !node)
        return false;
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_pair *e = c->services[i].extends;
        if (e && e->key != node && e->key->start == node->start && e->key->end == node->end &&
            node->alias_start == node->start)
            return true;
    }
    return false;
}
