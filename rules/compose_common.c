/* Helpers shared by the Compose rules (ED401-ED411). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose_common.h"

#include "envdoctor/buf.h"

const char *compose_who(ed_arena *arena, const char *const *names, size_t n)
{
    return compose_who_more(arena, names, n, false);
}

const char *compose_who_more(ed_arena *arena, const char *const *names, size_t n, bool more)
{
    if (n == 0)
        return "no service";
    if (n == 1 && !more)
        return ed_arena_printf(arena, "service %s", names[0]);
    /* one pass over the names: building it by repeated printf of the
     * string so far is quadratic in the number of names */
    ed_buf out = ED_BUF_INIT;
    ed_buf_adds(&out, "services ");
    ed_buf_adds(&out, names[0]);
    for (size_t i = 1; i < n; i++) {
        ed_buf_adds(&out, i + 1 == n && !more ? " and " : ", ");
        ed_buf_adds(&out, names[i]);
    }
    if (more)
        ed_buf_adds(&out, " and others");
    const char *text = ed_buf_to_arena(&out, arena);
    ed_buf_free(&out);
    return text;
}

bool compose_same_site(const cf_node *a, const cf_node *b)
{
    if (!a || !b)
        return false;
    return a == b || (a->kind == b->kind && a->start == b->start && a->end == b->end);
}

/* ---- Sites reached from several services ---------------------------------- */

/* qsort has no context argument: the indices to sort carry a pointer to
 * the items with them. */
typedef struct site_ref {
    size_t index;
    const compose_site *items;
} site_ref;

/* By site (kind, start, end: what compose_same_site compares), tag, then
 * index, so that a group's items are together and in order. */
static int by_site(const void *pa, const void *pb)
{
    size_t ia = ((const site_ref *)pa)->index, ib = ((const site_ref *)pb)->index;
    const compose_site *a = &((const site_ref *)pa)->items[ia], *b = &((const site_ref *)pb)->items[ib];
    if (a->node->kind != b->node->kind)
        return a->node->kind < b->node->kind ? -1 : 1;
    if (a->node->start != b->node->start)
        return a->node->start < b->node->start ? -1 : 1;
    if (a->node->end != b->node->end)
        return a->node->end < b->node->end ? -1 : 1;
    if (a->tag != b->tag)
        return a->tag < b->tag ? -1 : 1;
    return (ia > ib) - (ia < ib);
}

compose_groups compose_group_sites(ed_arena *arena, const compose_site *items, size_t n)
{
    compose_groups g = {ed_arena_calloc(arena, n ? n : 1, sizeof *g.later),
                        ed_arena_calloc(arena, n ? n : 1, sizeof *g.next)};
    site_ref *order = ed_arena_calloc(arena, n ? n : 1, sizeof *order);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        g.next[i] = SIZE_MAX;
        if (items[i].node)
            order[m++] = (site_ref){i, items};
    }
    if (m > 1)
        qsort(order, m, sizeof *order, by_site);
    for (size_t k = 1; k < m; k++) {
        const compose_site *a = &items[order[k - 1].index], *b = &items[order[k].index];
        if (a->tag == b->tag && compose_same_site(a->node, b->node)) {
            g.next[order[k - 1].index] = order[k].index;
            g.later[order[k].index] = true;
        }
    }
    return g;
}

const char **compose_group_names(ed_arena *arena, const cf_compose *c, const compose_site *items,
                                 const compose_groups *g, size_t first, size_t *n)
{
    const char **names = NULL;
    *n = 0;
    size_t last = SIZE_MAX;
    for (size_t k = first; k != SIZE_MAX; k = g->next[k]) {
        if (items[k].service == last)
            continue;
        last = items[k].service;
        names = ed_arena_push(arena, names, *n, sizeof *names);
        names[(*n)++] = c->services[last].name;
    }
    return names;
}

bool compose_reported(const ed_ctx *ctx, size_t start, size_t end)
{
    /* rules run one after the other, each appending its findings: the
     * running rule's are the last ones, not every rule's so far */
    for (size_t i = ctx->nfindings; i-- > 0 && ctx->findings[i].rule == ctx->rule;)
        if (ctx->findings[i].start == start && ctx->findings[i].end == end)
            return true;
    return false;
}

bool compose_runtime_nvidia(const cf_service *s)
{
    return s->runtime && s->runtime_text.value && !s->runtime_text.unknown &&
           strcmp(s->runtime_text.value, "nvidia") == 0;
}

static bool holds(const cf_node *map, const cf_pair *p)
{
    if (!map || map->kind != CF_MAP || p->merged)
        return false;
    for (size_t i = 0; i < map->npairs; i++)
        if (&map->pairs[i] == p)
            return true;
    return false;
}

const cf_node *compose_map_holding(const cf_compose *c, const cf_service *s, const cf_pair *p,
                                   const cf_pair **name)
{
    *name = NULL;
    if (!p)
        return NULL;
    if (holds(s->node, p)) {
        *name = s->pair;
        return s->node;
    }
    for (size_t k = 0; k < c->nyamls; k++) {
        const cf_yaml *y = c->yamls[k];
        for (size_t d = 0; y && d < y->ndocs; d++) {
            const cf_pair *svc = cf_map_pair(cf_map_get(y->docs[d], "services"), s->name);
            if (svc && holds(svc->value, p)) {
                *name = svc;
                return svc->value;
            }
        }
    }
    return NULL;
}

/* ---- Device requests ------------------------------------------------------ */

void compose_each_device(ed_ctx *ctx, bool limits, compose_device_visit visit)
{
    const cf_compose *c = ctx->compose;
    if (!c)
        return;
    /* every request of every service, in order; those written at one place
     * (reached from several services) are visited once, at the first */
    size_t n = 0;
    for (size_t i = 0; i < c->nservices; i++)
        n += c->services[i].ndevices;
    compose_site *items = ed_arena_calloc(ctx->arena, n ? n : 1, sizeof *items);
    const cf_device **devices = ed_arena_calloc(ctx->arena, n ? n : 1, sizeof *devices);
    n = 0;
    for (size_t i = 0; i < c->nservices; i++)
        for (size_t k = 0; k < c->services[i].ndevices; k++) {
            const cf_device *d = &c->services[i].devices[k];
            if (d->under_limits != limits || !d->node)
                continue;
            devices[n] = d;
            items[n++] = (compose_site){d->node, (unsigned)d->from_gpus, i};
        }
    compose_groups g = compose_group_sites(ctx->arena, items, n);
    for (size_t k = 0; k < n; k++) {
        if (g.later[k])
            continue;
        size_t nnames;
        const char **names = compose_group_names(ctx->arena, c, items, &g, k, &nnames);
        visit(ctx, &c->services[items[k].service], devices[k],
              compose_who(ctx->arena, names, nnames));
    }
}

bool compose_nvidia_cap(const char *cap)
{
    static const char *const caps[] = {"gpu",     "nvidia",  "compute", "compat32",
                                       "graphics", "utility", "video",   "display"};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (strcmp(cap, caps[i]) == 0)
            return true;
    return false;
}

compose_driver compose_device_driver(const cf_device *d)
{
    if (!d->driver || cf_is_null(d->driver->value))
        return COMPOSE_DRIVER_ABSENT;
    if (d->driver_text.unknown || !d->driver_text.value)
        return COMPOSE_DRIVER_UNKNOWN;
    return strcmp(d->driver_text.value, "nvidia") == 0 ? COMPOSE_DRIVER_NVIDIA
                                                        : COMPOSE_DRIVER_OTHER;
}

compose_cap *compose_device_caps(ed_ctx *ctx, const cf_device *d, size_t *n)
{
    *n = 0;
    if (!d->capabilities || d->capabilities->value->kind != CF_SEQ)
        return NULL;
    const cf_node *list = d->capabilities->value;
    if (!list->nitems)
        return NULL;
    compose_cap *caps = ed_arena_calloc(ctx->arena, list->nitems, sizeof *caps);
    for (size_t i = 0; i < list->nitems; i++) {
        const cf_node *item = list->items[i];
        caps[i].node = item;
        if (!cf_is_string(item))
            continue;
        cf_text t = cf_interpolate(ctx->arena, ctx->compose, item);
        caps[i].value = t.value;
        caps[i].unknown = t.unknown || !t.value;
    }
    *n = list->nitems;
    return caps;
}

/* A capability that names an NVIDIA request whatever its spelling. */
static bool nvidia_ish(const char *cap)
{
    static const char *const caps[] = {"gpu",     "nvidia",  "compute", "compat32",
                                       "graphics", "utility", "video",   "display"};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (strcasecmp(cap, caps[i]) == 0)
            return true;
    return strncasecmp(cap, "nvidia-", 7) == 0;
}

bool compose_device_nvidia(ed_ctx *ctx, const cf_device *d)
{
    if (d->from_gpus)
        return true;
    switch (compose_device_driver(d)) {
    case COMPOSE_DRIVER_NVIDIA:
        return true;
    case COMPOSE_DRIVER_OTHER:
    case COMPOSE_DRIVER_UNKNOWN:
        return false;
    case COMPOSE_DRIVER_ABSENT:
        break;
    }
    size_t n;
    compose_cap *caps = compose_device_caps(ctx, d, &n);
    for (size_t i = 0; i < n; i++)
        if (caps[i].value && !caps[i].unknown && nvidia_ish(caps[i].value))
            return true;
    return false;
}

/* A CDI name of an NVIDIA GPU. */
static bool nvidia_cdi_name(const char *s)
{
    return strncmp(s, "nvidia.com/gpu=", 15) == 0 || strncmp(s, "runtime.nvidia.com/gpu=", 23) == 0;
}

bool compose_device_cdi_gpu(ed_ctx *ctx, const cf_device *d)
{
    if (d->from_gpus || compose_device_driver(d) != COMPOSE_DRIVER_OTHER ||
        strcmp(d->driver_text.value, "cdi") != 0 || !d->device_ids ||
        d->device_ids->value->kind != CF_SEQ)
        return false;
    const cf_node *ids = d->device_ids->value;
    for (size_t i = 0; i < ids->nitems; i++) {
        if (!cf_is_string(ids->items[i]))
            continue;
        cf_text t = cf_interpolate(ctx->arena, ctx->compose, ids->items[i]);
        if (t.value && !t.unknown && nvidia_cdi_name(t.value))
            return true;
    }
    return false;
}

bool compose_requests_gpu(ed_ctx *ctx, const cf_service *s)
{
    if (s->requests_gpu)
        return true;
    for (size_t i = 0; i < s->ndevices; i++)
        if (compose_device_nvidia(ctx, &s->devices[i]) || compose_device_cdi_gpu(ctx, &s->devices[i]))
            return true;
    return false;
}

/* The pair of a map written first in the file (merged pairs are written
 * elsewhere), or NULL. */
static const cf_pair *first_written_pair(const cf_node *map)
{
    const cf_pair *best = NULL;
    for (size_t i = 0; map && map->kind == CF_MAP && i < map->npairs; i++) {
        const cf_pair *p = &map->pairs[i];
        if (p->merged || p->key->start < map->start || p->key->start > map->end)
            continue;
        if (!best || p->key->start < best->key->start)
            best = p;
    }
    return best;
}

void compose_entry_site(const cf_device *d, size_t *start, size_t *end)
{
    const cf_node *n = d->node;
    const cf_pair *first = n->kind == CF_MAP && n->style == CF_BLOCK ? first_written_pair(n) : NULL;
    if (first) {
        *start = first->key->start;
        *end = first->key->end;
    } else {
        *start = n->start;
        *end = n->end;
    }
}

/* ---- Environment ---------------------------------------------------------- */

void compose_env_name_site(const ed_source *src, const cf_env *e, size_t *start, size_t *end)
{
    const cf_node *n = e->key;
    if (!n) {
        *start = *end = 0;
        return;
    }
    *start = n->start;
    *end = n->end;
    if (n->kind != CF_SCALAR || !e->name)
        return;
    size_t off = n->start;
    if (n->style == CF_SINGLE_QUOTED || n->style == CF_DOUBLE_QUOTED)
        off++;
    size_t len = strlen(e->name);
    if (off + len <= n->end && off + len <= src->len && memcmp(src->data + off, e->name, len) == 0) {
        *start = off;
        *end = off + len;
    }
}

/* ---- Fixes ---------------------------------------------------------------- */

static size_t line_start(const ed_source *src, size_t offset)
{
    size_t ls = offset;
    while (ls > 0 && src->data[ls - 1] != '\n')
        ls--;
    if (ls < src->text_start)
        ls = src->text_start;
    return ls;
}

long compose_block_column(const ed_source *src, size_t offset)
{
    if (offset > src->len)
        return -1;
    size_t ls = line_start(src, offset);
    for (size_t i = ls; i < offset; i++) {
        char ch = src->data[i];
        if (ch == ' ')
            continue;
        if (ch == '-' && i + 1 < offset && src->data[i + 1] == ' ')
            continue;
        return -1;
    }
    return (long)(offset - ls);
}

const char *compose_spaces(ed_arena *arena, size_t n)
{
    char *s = ed_arena_alloc(arena, n + 1);
    memset(s, ' ', n);
    s[n] = '\0';
    return s;
}

static ed_fix *make_fix(ed_ctx *ctx, size_t start, size_t end, const char *replacement,
                        const char *description)
{
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    fix->description = description;
    fix->replacement = replacement;
    fix->start = start;
    fix->end = end;
    return fix;
}

ed_fix *compose_insert_pair(ed_ctx *ctx, const cf_node *map, const char *pair_text,
                            const char *description)
{
    const ed_source *src = ctx->src;
    if (!map || map->kind != CF_MAP || map->end > src->len)
        return NULL;
    const cf_pair *first = first_written_pair(map);
    if (map->style == CF_FLOW) {
        if (src->data[map->start] != '{')
            return NULL;
        if (!first)
            return make_fix(ctx, map->start + 1, map->start + 1, pair_text, description);
        return make_fix(ctx, first->key->props_start, first->key->props_start,
                        ed_arena_printf(ctx->arena, "%s, ", pair_text), description);
    }
    if (!first)
        return NULL;
    long col = compose_block_column(src, first->key->props_start);
    if (col < 0)
        return NULL;
    return make_fix(ctx, first->key->props_start, first->key->props_start,
                    ed_arena_printf(ctx->arena, "%s\n%s", pair_text,
                                    compose_spaces(ctx->arena, (size_t)col)),
                    description);
}

/* Just past the line break that ends offset's line (the end of the file
 * when there is none). */
static size_t line_end(const ed_source *src, size_t offset)
{
    size_t i = offset;
    while (i < src->len && src->data[i] != '\n')
        i++;
    return i < src->len ? i + 1 : i;
}

ed_fix *compose_remove_pair_lines(ed_ctx *ctx, const cf_pair *p, const char *description)
{
    const ed_source *src = ctx->src;
    if (!p || p->merged)
        return NULL;
    size_t ks = p->key->props_start;
    size_t ls = line_start(src, ks);
    for (size_t i = ls; i < ks; i++)
        if (src->data[i] != ' ')
            return NULL;
    size_t vs, ve;
    cf_node_site(p->value, &vs, &ve);
    if (ve < p->key->end)
        ve = p->key->end;
    if (ve > src->len)
        return NULL;
    /* only blanks and a comment may follow the value on its line */
    size_t i = ve;
    while (i < src->len && (src->data[i] == ' ' || src->data[i] == '\t'))
        i++;
    if (i < src->len && src->data[i] == '#')
        i = line_end(src, i);
    else if (i < src->len && src->data[i] == '\r' && i + 1 < src->len && src->data[i + 1] == '\n')
        i += 2;
    else if (i < src->len && src->data[i] == '\n')
        i++;
    else if (i < src->len)
        return NULL;
    return make_fix(ctx, ls, i, "", description);
}

const char *compose_written(ed_arena *arena, const ed_source *src, const cf_node *n, size_t max)
{
    if (!n || n->end > src->len || n->end < n->start || n->end - n->start > max)
        return NULL;
    if (memchr(src->data + n->start, '\n', n->end - n->start))
        return NULL;
    return ed_arena_strndup(arena, src->data + n->start, n->end - n->start);
}
