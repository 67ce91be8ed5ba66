/* extends: a service starts from another service (of the same document, or
 * of another file when `file:` is given) and overrides it with its own
 * fields, by the merge rules of model_merge.c. */
#include <string.h>

#include "model_internal.h"

enum { UNRESOLVED, RESOLVING, RESOLVED };

typedef struct extends_state {
    cf_reader *r;
    cf_service *services;
    size_t n;
    unsigned char *state;
} extends_state;

static void resolve(extends_state *st, size_t i);

static cf_service *find(extends_state *st, const char *name)
{
    for (size_t k = 0; k < st->n; k++)
        if (strcmp(st->services[k].name, name) == 0)
            return &st->services[k];
    return NULL;
}

/* Where extends: names its base: `extends: base` or {service:, file:}. */
static bool extends_target(cf_reader *r, const cf_pair *ext, cf_text *service, cf_text *file)
{
    const cf_node *v = ext->value;
    memset(file, 0, sizeof *file);
    if (v->kind == CF_SCALAR && !cf_is_null(v)) {
        *service = cf_interpolate(r->arena, r->c, v);
        return true;
    }
    if (v->kind != CF_MAP) {
        cf_shape(r, v, "extends must be a service name or a mapping with service:");
        return false;
    }
    *service = cf_interpolate(r->arena, r->c, cf_map_get(v, "service"));
    *file = cf_interpolate(r->arena, r->c, cf_map_get(v, "file"));
    if (!service->value) {
        cf_shape(r, v, "extends needs service: (the service to extend)");
        return false;
    }
    return true;
}

static void resolve(extends_state *st, size_t i)
{
    cf_service *s = &st->services[i];
    if (st->state[i] != UNRESOLVED)
        return;
    st->state[i] = RESOLVING;
    cf_text service, file;
    if (!s->extends || cf_is_null(s->extends->value) ||
        !extends_target(st->r, s->extends, &service, &file)) {
        st->state[i] = RESOLVED;
        return;
    }
    cf_service base;
    if (file.node) {
        if (!cf_extends_other_file(st->r, s, &service, &file, &base)) {
            s->incomplete = true;
            st->state[i] = RESOLVED;
            return;
        }
    } else {
        cf_service *b = service.unknown ? NULL : find(st, service.value);
        if (!b) {
            if (!service.unknown)
                cf_shape(st->r, service.node, "extends names no service \"%s\" in this file",
                               service.value);
            s->incomplete = true;
            st->state[i] = RESOLVED;
            return;
        }
        size_t bi = (size_t)(b - st->services);
        if (st->state[bi] == RESOLVING) {
            cf_shape(st->r, s->extends->key, "extends cycle: \"%s\" extends itself", s->name);
            s->incomplete = true;
            st->state[i] = RESOLVED;
            return;
        }
        resolve(st, bi);
        base = *b;
    }
    /* the service's own fields override the base's */
    cf_service own = *s;
    base.name = own.name;
    base.pair = own.pair;
    base.node = own.node;
    base.built = NULL;
    base.built_stage = -1;
    cf_merge_service(st->r->arena, &base, &own);
    base.extends = own.extends;
    *s = base;
    st->state[i] = RESOLVED;
}

void cf_apply_extends(cf_reader *r, cf_service *services, size_t n)
{
    if (!n)
        return;
    extends_state st = {r, services, n, ed_arena_calloc(r->arena, n, 1)};
    for (size_t i = 0; i < n; i++)
        resolve(&st, i);
}
