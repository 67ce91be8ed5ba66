/* ED411 overlapping-gpu-assignment: several services claim the same GPUs.
 * `count: all` (or gpus: all) in two services gives both every GPU;
 * `count: N` takes GPUs 0..N-1 in every service (Docker does not hand out
 * different GPUs to different containers); overlapping device_ids share the
 * GPUs they name. Sharing is sometimes meant, so this is information: the
 * services compete for the GPUs' memory. Services pinned to distinct
 * device_ids are fine and stay silent. Unknown interpolated values and
 * requests with neither count nor device_ids (ED404) claim nothing here. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose_common.h"

/* GPUs a service claims in one place. */
typedef struct claim {
    bool all;
    const char **ids; /* indices or UUIDs as written */
    size_t nids;
    const char *how;  /* "count: all", "count: 2", "device_ids", "gpus: all", ... */
    size_t start, end;
} claim;

typedef struct claims {
    claim *items;
    size_t n;
} claims;

static claim *add(ed_ctx *ctx, claims *cs, const cf_node *at, const char *how)
{
    cs->items = ed_arena_push(ctx->arena, cs->items, cs->n, sizeof *cs->items);
    claim *c = &cs->items[cs->n++];
    memset(c, 0, sizeof *c);
    c->how = how;
    cf_node_site(at, &c->start, &c->end);
    return c;
}

static void add_id(ed_ctx *ctx, claim *c, const char *id)
{
    c->ids = ed_arena_push(ctx->arena, c->ids, c->nids, sizeof *c->ids);
    c->ids[c->nids++] = id;
}

/* A comma list of ids ("0,1", "GPU-..."); false for anything else. */
static bool add_id_list(ed_ctx *ctx, claim *c, const char *v)
{
    while (*v) {
        size_t len = strcspn(v, ",");
        const char *p = v;
        size_t n = len;
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        if (n)
            add_id(ctx, c, ed_arena_strndup(ctx->arena, p, n));
        v += len + (v[len] == ',');
    }
    return c->nids > 0;
}

/* driver: cdi with device_ids: [nvidia.com/gpu=0, ...] */
static void cdi_claims(ed_ctx *ctx, const cf_device *d, claims *cs)
{
    const cf_node *list = d->device_ids->value;
    claim *c = NULL;
    for (size_t i = 0; i < list->nitems; i++) {
        if (!cf_is_string(list->items[i]))
            continue;
        cf_text t = cf_interpolate(ctx->arena, ctx->compose, list->items[i]);
        const char *eq = t.value && !t.unknown ? strchr(t.value, '=') : NULL;
        if (!eq || (strncmp(t.value, "nvidia.com/gpu=", 15) != 0 &&
                    strncmp(t.value, "runtime.nvidia.com/gpu=", 23) != 0))
            continue;
        if (!c)
            c = add(ctx, cs, list, "device_ids");
        if (strcmp(eq + 1, "all") == 0)
            c->all = true;
        else
            add_id(ctx, c, eq + 1);
    }
}

static void device_claims(ed_ctx *ctx, const cf_device *d, claims *cs)
{
    if (d->under_limits)
        return;
    if (compose_device_cdi_gpu(ctx, d) && !d->count) {
        cdi_claims(ctx, d, cs);
        return;
    }
    if (!compose_device_nvidia(ctx, d))
        return;
    if (d->all) {
        add(ctx, cs, d->node, "gpus: all")->all = true;
        return;
    }
    if (d->node->kind != CF_MAP || (d->count && d->device_ids))
        return; /* ED409 / ED403 */
    if (d->count) {
        const char *v = d->count_text.value;
        if (!v || d->count_text.unknown)
            return;
        if (strcasecmp(v, "all") == 0) {
            add(ctx, cs, d->count->value, "count: all")->all = true;
            return;
        }
        char *endp;
        long n = strtol(v, &endp, 10);
        if (*endp || n <= 0 || n > 64)
            return;
        claim *c = add(ctx, cs, d->count->value, ed_arena_printf(ctx->arena, "count: %ld", n));
        for (long i = 0; i < n; i++)
            add_id(ctx, c, ed_arena_printf(ctx->arena, "%ld", i));
        return;
    }
    if (d->device_ids && d->device_ids->value->kind == CF_SEQ) {
        const cf_node *list = d->device_ids->value;
        claim *c = NULL;
        for (size_t i = 0; i < list->nitems; i++) {
            if (!cf_is_string(list->items[i]))
                continue;
            cf_text t = cf_interpolate(ctx->arena, ctx->compose, list->items[i]);
            if (!t.value || t.unknown)
                continue;
            if (!c)
                c = add(ctx, cs, list, "device_ids");
            add_id(ctx, c, t.value);
        }
    }
}

static claims service_claims(ed_ctx *ctx, const cf_service *s)
{
    claims cs = {0};
    if (!s->node)
        return cs;
    for (size_t i = 0; i < s->ndevices; i++)
        device_claims(ctx, &s->devices[i], &cs);
    /* runtime: nvidia takes what NVIDIA_VISIBLE_DEVICES says */
    const cf_env *e = cf_service_env(s, "NVIDIA_VISIBLE_DEVICES");
    if (compose_runtime_nvidia(s) && e && e->value.value && !e->value.unknown && e->key) {
        const char *v = e->value.value;
        if (strcmp(v, "all") == 0) {
            add(ctx, &cs, e->key, "NVIDIA_VISIBLE_DEVICES=all")->all = true;
        } else if (*v && strcmp(v, "void") != 0 && strcmp(v, "none") != 0 && !strchr(v, '=')) {
            claim *c = add(ctx, &cs, e->key,
                           ed_arena_printf(ctx->arena, "NVIDIA_VISIBLE_DEVICES=%s", v));
            add_id_list(ctx, c, v);
        }
    }
    /* CDI devices: nvidia.com/gpu=all, nvidia.com/gpu=0 */
    for (size_t i = 0; i < s->ndevice_maps; i++) {
        const char *src = s->device_maps[i].source;
        if (!src || !s->device_maps[i].node || !s->device_maps[i].cdi ||
            s->device_maps[i].unknown)
            continue;
        const char *eq = strchr(src, '=');
        if (!eq || (strncmp(src, "nvidia.com/gpu=", 15) != 0 &&
                    strncmp(src, "runtime.nvidia.com/gpu=", 23) != 0))
            continue;
        claim *c = add(ctx, &cs, s->device_maps[i].node, src);
        if (strcmp(eq + 1, "all") == 0)
            c->all = true;
        else
            add_id(ctx, c, eq + 1);
    }
    return cs;
}

/* The GPUs two claims share, for the message ("every GPU", "GPU 0",
 * "GPUs 0 and 1"), or NULL when they share none. */
static const char *overlap(ed_ctx *ctx, const claim *a, const claim *b)
{
    if (a->all && b->all)
        return "every GPU";
    if (a->all || b->all) {
        const claim *ids = a->all ? b : a;
        if (!ids->nids)
            return NULL;
        a = b = ids;
    }
    const char **common = NULL;
    size_t n = 0;
    for (size_t i = 0; i < a->nids; i++) {
        bool in_b = false;
        for (size_t j = 0; j < b->nids && !in_b; j++)
            in_b = strcmp(a->ids[i], b->ids[j]) == 0;
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcmp(common[k], a->ids[i]) == 0;
        if (in_b && !dup) {
            common = ed_arena_push(ctx->arena, common, n, sizeof *common);
            common[n++] = a->ids[i];
        }
    }
    if (!n)
        return NULL;
    char *out = ed_arena_printf(ctx->arena, "GPU%s %s", n > 1 ? "s" : "", common[0]);
    for (size_t i = 1; i < n; i++)
        out = ed_arena_printf(ctx->arena, "%s%s%s", out, i + 1 == n ? " and " : ", ", common[i]);
    return out;
}

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c || c->nservices < 2)
        return;
    claims *all = ed_arena_calloc(ctx->arena, c->nservices, sizeof *all);
    for (size_t i = 0; i < c->nservices; i++)
        all[i] = service_claims(ctx, &c->services[i]);
    for (size_t i = 1; i < c->nservices; i++) {
        const claims *mine = &all[i];
        for (size_t k = 0; k < mine->n; k++) {
            const claim *m = &mine->items[k];
            const char **others = NULL;
            size_t nothers = 0;
            const char *shared = NULL, *how = NULL;
            for (size_t j = 0; j < i; j++) {
                for (size_t q = 0; q < all[j].n; q++) {
                    const char *o = overlap(ctx, m, &all[j].items[q]);
                    if (!o)
                        continue;
                    if (!shared) {
                        shared = o;
                        how = all[j].items[q].how;
                    }
                    others = ed_arena_push(ctx->arena, others, nothers, sizeof *others);
                    others[nothers++] = c->services[j].name;
                    break;
                }
            }
            if (!nothers)
                continue;
            const char *note = "";
            if (strncmp(m->how, "count: ", 7) == 0 && !m->all)
                note = " (count: N takes GPUs 0 to N-1 in every service; Docker does not give "
                       "each container different GPUs)";
            else if (how && strncmp(how, "count: ", 7) == 0 && strcmp(how, "count: all") != 0)
                note = " (count: N takes GPUs 0 to N-1 in every service)";
            ed_report(ctx, m->start, m->end,
                      "service %s claims %s with %s, and so %s %s (%s): the services share "
                      "those GPUs' memory and compute%s; give each service its own device_ids if "
                      "they should not",
                      c->services[i].name, shared, m->how, nothers == 1 ? "does" : "do",
                      compose_who(ctx->arena, others, nothers), how, note);
            break; /* one finding per service */
        }
    }
}

ED_RULE(ed411){
    .id = "ED411",
    .name = "overlapping-gpu-assignment",
    .severity = ED_SEV_INFO,
    .summary = "Several services claim the same GPUs (count: all twice, overlapping device_ids)",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
