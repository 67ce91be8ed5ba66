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

#include "envdoctor/buf.h"

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

/* The two claims share a GPU (see overlap). */
static bool overlaps(const claim *a, const claim *b)
{
    if (a->all || b->all)
        return (a->all || a->nids) && (b->all || b->nids);
    for (size_t i = 0; i < a->nids; i++)
        for (size_t j = 0; j < b->nids; j++)
            if (strcmp(a->ids[i], b->ids[j]) == 0)
                return true;
    return false;
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
    ed_buf out = ED_BUF_INIT;
    ed_buf_printf(&out, "GPU%s %s", n > 1 ? "s" : "", common[0]);
    for (size_t i = 1; i < n; i++) {
        ed_buf_adds(&out, i + 1 == n ? " and " : ", ");
        ed_buf_adds(&out, common[i]);
    }
    const char *text = ed_buf_to_arena(&out, ctx->arena);
    ed_buf_free(&out);
    return text;
}

/* ---- Which earlier services a claim overlaps ------------------------------ *
 * Comparing every claim with every earlier service is quadratic, and so is
 * naming every earlier service in every finding. Instead the services are
 * indexed once: those with an all claim, those with any claim at all, and
 * for each id the services that name it in a claim without all. The
 * services a claim overlaps are then the union of a few of these ascending
 * lists, merged only as far as the message needs (MAX_NAMED + 1 services). */

/* Services named in a finding; more are "others". */
enum { MAX_NAMED = 10 };

typedef struct id_entry {
    const char *id;
    size_t service;
} id_entry;

/* An ascending list of distinct services (a run of id_entry). */
typedef struct svc_list {
    const id_entry *items;
    size_t n;
} svc_list;

typedef struct claim_index {
    id_entry *ids; /* sorted by (id, service), no repeats */
    size_t nids;
    id_entry *alls; /* services with an all claim */
    size_t nalls;
    id_entry *anys; /* services with a claim that overlaps an all claim */
    size_t nanys;
} claim_index;

static int cmp_entry(const void *pa, const void *pb)
{
    const id_entry *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);
    if (c)
        return c;
    return (a->service > b->service) - (a->service < b->service);
}

static void index_claims(ed_ctx *ctx, const claims *all, size_t nservices, claim_index *x)
{
    size_t total = 0;
    for (size_t j = 0; j < nservices; j++)
        for (size_t q = 0; q < all[j].n; q++)
            if (!all[j].items[q].all)
                total += all[j].items[q].nids;
    x->ids = ed_arena_calloc(ctx->arena, total ? total : 1, sizeof *x->ids);
    x->alls = ed_arena_calloc(ctx->arena, nservices, sizeof *x->alls);
    x->anys = ed_arena_calloc(ctx->arena, nservices, sizeof *x->anys);
    for (size_t j = 0; j < nservices; j++) {
        bool has_all = false, has_any = false;
        for (size_t q = 0; q < all[j].n; q++) {
            const claim *c = &all[j].items[q];
            has_all |= c->all;
            has_any |= c->all || c->nids > 0;
            if (!c->all)
                for (size_t k = 0; k < c->nids; k++)
                    x->ids[x->nids++] = (id_entry){c->ids[k], j};
        }
        if (has_all)
            x->alls[x->nalls++] = (id_entry){NULL, j};
        if (has_any)
            x->anys[x->nanys++] = (id_entry){NULL, j};
    }
    if (x->nids > 1)
        qsort(x->ids, x->nids, sizeof *x->ids, cmp_entry);
    size_t w = 0;
    for (size_t r = 0; r < x->nids; r++)
        if (!w || cmp_entry(&x->ids[w - 1], &x->ids[r]) != 0)
            x->ids[w++] = x->ids[r];
    x->nids = w;
}

/* The first entry of the sorted index whose id is above id (past: true)
 * or not below it (past: false). */
static size_t id_bound(const claim_index *x, const char *id, bool past)
{
    size_t lo = 0, hi = x->nids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(x->ids[mid].id, id);
        if (c < 0 || (past && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The services that name id in a claim without all. */
static svc_list id_services(const claim_index *x, const char *id)
{
    size_t lo = id_bound(x, id, false), hi = id_bound(x, id, true);
    return (svc_list){x->ids + lo, hi - lo};
}

/* The first services before `before` that claim m overlaps, in order, at
 * most max of them: the union of the lists that m's ids and all claims
 * select. Returns how many were stored in out. */
static size_t overlapping_services(ed_ctx *ctx, const claim_index *x, const claim *m,
                                   size_t before, size_t *out, size_t max)
{
    if (m->all) {
        size_t n = 0;
        while (n < x->nanys && n < max && x->anys[n].service < before) {
            out[n] = x->anys[n].service;
            n++;
        }
        return n;
    }
    if (!m->nids)
        return 0;
    size_t nlists = m->nids + 1;
    svc_list *lists = ed_arena_calloc(ctx->arena, nlists, sizeof *lists);
    size_t *at = ed_arena_calloc(ctx->arena, nlists, sizeof *at);
    lists[0] = (svc_list){x->alls, x->nalls};
    for (size_t k = 0; k < m->nids; k++)
        lists[k + 1] = id_services(x, m->ids[k]);
    size_t n = 0;
    while (n < max) {
        size_t low = before;
        for (size_t l = 0; l < nlists; l++)
            if (at[l] < lists[l].n && lists[l].items[at[l]].service < low)
                low = lists[l].items[at[l]].service;
        if (low == before)
            break;
        out[n++] = low;
        for (size_t l = 0; l < nlists; l++)
            if (at[l] < lists[l].n && lists[l].items[at[l]].service == low)
                at[l]++;
    }
    return n;
}

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c || c->nservices < 2)
        return;
    claims *all = ed_arena_calloc(ctx->arena, c->nservices, sizeof *all);
    for (size_t i = 0; i < c->nservices; i++)
        all[i] = service_claims(ctx, &c->services[i]);
    claim_index x = {0};
    index_claims(ctx, all, c->nservices, &x);
    size_t found[MAX_NAMED + 1];
    const char *others[MAX_NAMED];
    for (size_t i = 1; i < c->nservices; i++) {
        const claims *mine = &all[i];
        for (size_t k = 0; k < mine->n; k++) {
            const claim *m = &mine->items[k];
            size_t nfound = overlapping_services(ctx, &x, m, i, found, MAX_NAMED + 1);
            if (!nfound)
                continue;
            /* the GPUs shared with the first of them, and how it claims them */
            const claims *first = &all[found[0]];
            const char *shared = NULL, *how = NULL;
            for (size_t q = 0; q < first->n && !shared; q++)
                if (overlaps(m, &first->items[q])) {
                    shared = overlap(ctx, m, &first->items[q]);
                    how = first->items[q].how;
                }
            size_t nothers = nfound > MAX_NAMED ? MAX_NAMED : nfound;
            for (size_t j = 0; j < nothers; j++)
                others[j] = c->services[found[j]].name;
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
                      c->services[i].name, shared, m->how, nfound == 1 ? "does" : "do",
                      compose_who_more(ctx->arena, others, nothers, nfound > MAX_NAMED), how,
                      note);
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
