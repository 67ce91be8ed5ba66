/* ED409 invalid-gpu-request-value: a GPU request value Compose or Docker
 * rejects or silently ignores: count neither a positive integer nor `all`,
 * device_ids not a list of strings, an unknown key in a device request
 * (Compose rejects it under deploy; inside gpus: items the schema misses it
 * and Compose ignores it). A request that is not a map, and a gpus: value
 * that is neither `all` nor a list, are shape errors (ED001).
 * Interpolated values that are not known are never judged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose_common.h"

#include "envdoctor/similar.h"

static const char *const KEYS[] = {"capabilities", "count", "device_ids", "driver", "options"};

/* count: a positive integer or all (any case), as compose-go reads it. */
static void check_count(ed_ctx *ctx, const cf_device *d, const char *who)
{
    const cf_node *v = d->count->value;
    size_t start, end;
    cf_node_site(v, &start, &end);
    if (v->kind != CF_SCALAR || cf_is_null(v)) {
        ed_report(ctx, start, end,
                  "%s: count must be a positive integer or all, not %s", who, cf_type_phrase(v));
        return;
    }
    if (d->count_text.unknown)
        return;
    const char *text = d->count_text.value ? d->count_text.value : v->value;
    if (!text)
        return;
    if (strcasecmp(text, "all") == 0)
        return;
    /* go-yaml's type of the value as written; an interpolated value is a
     * string, which Compose parses as a decimal number */
    const char *type = text == v->value ? cf_type_name(v) : "string";
    long long n = 0;
    bool is_int = false;
    if (strcmp(type, "int") == 0) {
        is_int = cf_scalar_int(v, &n);
    } else if (strcmp(type, "string") == 0) {
        char *endp;
        errno = 0;
        n = strtoll(text, &endp, 10);
        is_int = *text && *endp == '\0' && errno == 0;
    }
    if (!is_int) {
        ed_report(ctx, start, end,
                  "%s: count must be a positive integer or all, not %s (%s): Compose rejects it",
                  who, text == v->value ? cf_type_phrase(v) : "a string", text);
    } else if (n == 0) {
        ed_report(ctx, start, end,
                  "%s: count: 0 selects no GPU (Docker sets NVIDIA_VISIBLE_DEVICES=void); use a "
                  "positive count or all, or drop the request",
                  who);
    } else if (n < 0) {
        ed_report(ctx, start, end,
                  "%s: count must be a positive integer or all, not %lld", who, n);
    }
}

/* device_ids: a list of strings ("0", "GPU-<uuid>"). */
static void check_ids(ed_ctx *ctx, const cf_device *d, const char *who)
{
    const cf_node *v = d->device_ids->value;
    size_t start, end;
    cf_node_site(v, &start, &end);
    if (v->kind != CF_SEQ) {
        const char *w = compose_written(ctx->arena, ctx->src, v, 60);
        bool shown = w && !cf_is_null(v);
        ed_report(ctx, start, end,
                  "%s: device_ids must be a list of strings such as [\"0\", \"1\"], not %s%s%s",
                  who, cf_type_phrase(v), shown ? " " : "", shown ? w : "");
        return;
    }
    if (v->nitems == 0) {
        ed_report(ctx, start, end,
                  "%s: device_ids is an empty list, which selects no GPU; list the GPUs "
                  "([\"0\"]) or use count",
                  who);
        return;
    }
    for (size_t i = 0; i < v->nitems; i++) {
        const cf_node *item = v->items[i];
        size_t is, ie;
        cf_node_site(item, &is, &ie);
        if (item->kind != CF_SCALAR || cf_is_null(item)) {
            ed_report(ctx, is, ie, "%s: device_ids must be a list of strings, not one holding %s",
                      who, cf_type_phrase(item));
            continue;
        }
        if (item->quoted || item->tag)
            continue;
        const char *type = cf_type_name(item);
        if (strcmp(type, "string") == 0)
            continue;
        ed_finding *f = ed_report_with(
            ctx, ctx->rule->severity, is, ie,
            "%s: device_ids must be a list of strings, and %s is %s: quote it (\"%s\")",
            who, item->value, cf_type_phrase(item), item->value);
        if (!item->alias && item->style == CF_PLAIN && item->end <= ctx->src->len &&
            item->end - item->start == item->len &&
            memcmp(ctx->src->data + item->start, item->value, item->len) == 0) {
            ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
            fix->start = item->start;
            fix->end = item->end;
            fix->replacement = ed_arena_printf(ctx->arena, "\"%s\"", item->value);
            fix->description = ed_arena_printf(ctx->arena, "Quote %s", item->value);
            f->fix = fix;
        }
    }
}

static void check_keys(ed_ctx *ctx, const cf_device *d, const char *who)
{
    const cf_node *map = d->node;
    for (size_t i = 0; i < map->npairs; i++) {
        const cf_pair *p = &map->pairs[i];
        const cf_node *k = p->key;
        if (k->kind != CF_SCALAR || !k->value)
            continue;
        bool known = strncmp(k->value, "x-", 2) == 0;
        const char *near = NULL;
        for (size_t j = 0; j < sizeof KEYS / sizeof KEYS[0] && !known; j++) {
            if (strcmp(k->value, KEYS[j]) == 0)
                known = true;
            else if (!near && ed_is_typo_of(KEYS[j], strlen(KEYS[j]), k->value, k->len))
                near = KEYS[j];
        }
        if (known)
            continue;
        const char *hint = near ? ed_arena_printf(ctx->arena, " (did you mean %s?)", near) : "";
        size_t start, end;
        cf_node_site(k, &start, &end);
        if (compose_reported(ctx, start, end))
            continue;
        if (d->from_gpus)
            ed_report(ctx, start, end,
                      "%s: unknown key %s in a gpus: entry%s: the Compose schema does not check "
                      "these keys, so Compose silently ignores it; the keys are capabilities, "
                      "count, device_ids, driver and options",
                      who, k->value, hint);
        else
            ed_report(ctx, start, end,
                      "%s: unknown key %s in a device reservation%s: Compose rejects it; the keys "
                      "are capabilities, count, device_ids, driver, options and x-*",
                      who, k->value, hint);
    }
}

static void check_device(ed_ctx *ctx, const cf_service *s, const cf_device *d, const char *who)
{
    /* gpus: all, and shapes the model reports as ED001 (a request that is
     * not a map, gpus: with another scalar) */
    if (d->all || d->node->kind != CF_MAP)
        return;
    if (d->count)
        check_count(ctx, d, who);
    if (d->device_ids)
        check_ids(ctx, d, who);
    check_keys(ctx, d, who);
    (void)s;
}

static void check(ed_ctx *ctx)
{
    compose_each_device(ctx, false, check_device);
}

ED_RULE(ed409){
    .id = "ED409",
    .name = "invalid-gpu-request-value",
    .severity = ED_SEV_ERROR,
    .summary = "A GPU request value Compose rejects or ignores: count, device_ids, unknown keys",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
