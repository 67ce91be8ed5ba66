/* A service's own fields: image, build, runtime, environment, volumes,
 * devices (device mappings), extends; GPU requests are in model_gpu.c. */
#include <string.h>

#include "model_internal.h"

static cf_text text_of(cf_reader *r, const cf_node *value, const char *what)
{
    if (value && (value->kind == CF_MAP || value->kind == CF_SEQ))
        cf_shape(r, value, "%s must be a string, not a %s", what,
                       value->kind == CF_MAP ? "mapping" : "list");
    return cf_interpolate(r->arena, r->c, value);
}

static const char **push_str(ed_arena *arena, const char **items, size_t *n, const char *s)
{
    items = ed_arena_push(arena, items, *n, sizeof *items);
    items[(*n)++] = s;
    return items;
}

/* build.args, map or list form, as "KEY=VALUE". An argument without a value
 * (`KEY` or `KEY:`) is taken from the shell environment by Compose, and one
 * with an unknown variable has no known value: both are left out, so the
 * Dockerfile's own default applies. */
static void read_build_args(cf_reader *r, cf_service *s, const cf_node *args)
{
    const char **items = NULL;
    size_t n = 0;
    if (args && args->kind == CF_MAP) {
        for (size_t i = 0; i < args->npairs; i++) {
            const cf_pair *p = &args->pairs[i];
            if (p->key->kind != CF_SCALAR || cf_is_null(p->value))
                continue;
            cf_text v = text_of(r, p->value, "a build argument");
            if (v.value && !v.unknown)
                items = push_str(r->arena, items, &n,
                                 ed_arena_printf(r->arena, "%s=%s", p->key->value, v.value));
        }
    } else if (args && args->kind == CF_SEQ) {
        for (size_t i = 0; i < args->nitems; i++) {
            cf_text v = text_of(r, args->items[i], "a build argument");
            if (v.value && !v.unknown && strchr(v.value, '=') && v.value[0] != '=')
                items = push_str(r->arena, items, &n, v.value);
        }
    } else {
        cf_want_map(r, args, "build.args");
    }
    s->build_args = items;
    s->nbuild_args = n;
}

static void read_build(cf_reader *r, cf_service *s)
{
    s->build = cf_map_pair(s->node, "build");
    if (!s->build)
        return;
    const cf_node *b = s->build->value;
    if (cf_is_null(b)) {
        s->build = NULL;
        return;
    }
    if (b->kind == CF_SCALAR) {
        s->build_context = cf_interpolate(r->arena, r->c, b);
        return;
    }
    if (b->kind != CF_MAP) {
        cf_shape(r, b, "build must be a string (the context) or a mapping, not a list");
        return;
    }
    s->build_context = text_of(r, cf_map_get(b, "context"), "build.context");
    s->build_dockerfile = text_of(r, cf_map_get(b, "dockerfile"), "build.dockerfile");
    s->build_target = text_of(r, cf_map_get(b, "target"), "build.target");
    s->build_dockerfile_inline =
        text_of(r, cf_map_get(b, "dockerfile_inline"), "build.dockerfile_inline");
    read_build_args(r, s, cf_map_get(b, "args"));
}

/* environment: {NAME: value} or [NAME=value, NAME]. */
static void read_env(cf_reader *r, cf_service *s)
{
    const cf_node *env = cf_map_get(s->node, "environment");
    if (!env || cf_is_null(env))
        return;
    if (env->kind == CF_MAP) {
        s->env = ed_arena_calloc(r->arena, env->npairs + 1, sizeof *s->env);
        for (size_t i = 0; i < env->npairs; i++) {
            const cf_pair *p = &env->pairs[i];
            if (p->key->kind != CF_SCALAR)
                continue;
            cf_env *e = &s->env[s->nenv++];
            e->name = p->key->value;
            e->key = p->key;
            e->value = text_of(r, p->value, "an environment value");
            if (cf_is_null(p->value))
                e->value.node = p->value;
        }
    } else if (env->kind == CF_SEQ) {
        s->env = ed_arena_calloc(r->arena, env->nitems + 1, sizeof *s->env);
        for (size_t i = 0; i < env->nitems; i++) {
            const cf_node *item = env->items[i];
            cf_text t = text_of(r, item, "an environment entry");
            if (!t.value)
                continue;
            cf_env *e = &s->env[s->nenv++];
            e->key = item;
            const char *eq = strchr(t.value, '=');
            e->name = eq ? ed_arena_strndup(r->arena, t.value, (size_t)(eq - t.value)) : t.value;
            e->value.node = item;
            e->value.value = eq ? eq + 1 : NULL;
            e->value.unknown = eq && t.unknown;
        }
    } else {
        cf_shape(r, env, "environment must be a mapping or a list, not a string");
    }
}

/* A host path in a volume's short syntax: Compose treats a source that
 * starts with '.', '/' or '~' as a path, anything else as a volume name. */
static bool is_host_path(const char *s)
{
    return s[0] == '/' || s[0] == '.' || s[0] == '~' || s[0] == '$';
}

/* Splits "A:B[:C]" at the first two colons. */
static void split_colon(ed_arena *arena, const char *text, const char **a, const char **b)
{
    const char *colon = strchr(text, ':');
    if (!colon) {
        *a = text;
        *b = NULL;
        return;
    }
    *a = ed_arena_strndup(arena, text, (size_t)(colon - text));
    const char *rest = colon + 1;
    const char *colon2 = strchr(rest, ':');
    *b = colon2 ? ed_arena_strndup(arena, rest, (size_t)(colon2 - rest)) : rest;
}

static cf_mount *push_mount(ed_arena *arena, cf_mount **items, size_t *n, const cf_node *node)
{
    *items = ed_arena_push(arena, *items, *n, sizeof **items);
    cf_mount *m = &(*items)[(*n)++];
    memset(m, 0, sizeof *m);
    m->node = node;
    return m;
}

static void read_volumes(cf_reader *r, cf_service *s)
{
    const cf_node *vols = cf_map_get(s->node, "volumes");
    if (!cf_want_seq(r, vols, "volumes") || !vols || vols->kind != CF_SEQ)
        return;
    for (size_t i = 0; i < vols->nitems; i++) {
        const cf_node *item = vols->items[i];
        if (item->kind == CF_MAP) {
            cf_text type = cf_interpolate(r->arena, r->c, cf_map_get(item, "type"));
            cf_text src = cf_interpolate(r->arena, r->c, cf_map_get(item, "source"));
            cf_text dst = cf_interpolate(r->arena, r->c, cf_map_get(item, "target"));
            cf_mount *m = push_mount(r->arena, &s->volumes, &s->nvolumes, item);
            bool bind = type.value ? strcmp(type.value, "bind") == 0
                                   : src.value && is_host_path(src.value);
            m->source = bind ? src.value : NULL;
            m->target = dst.value;
            m->unknown = type.unknown || src.unknown || dst.unknown;
        } else if (item->kind == CF_SCALAR && !cf_is_null(item)) {
            cf_text t = cf_interpolate(r->arena, r->c, item);
            cf_mount *m = push_mount(r->arena, &s->volumes, &s->nvolumes, item);
            const char *a, *b;
            split_colon(r->arena, t.value, &a, &b);
            if (b) { /* SOURCE:TARGET[:MODE] */
                m->source = is_host_path(a) ? a : NULL;
                m->target = b;
            } else { /* an anonymous volume at TARGET */
                m->target = a;
            }
            m->unknown = t.unknown;
        } else {
            cf_shape(r, item, "a volume must be a string or a mapping");
        }
    }
}

/* A CDI device name: vendor.com/class=name (no ':' or leading '/' before
 * the '='). */
static bool is_cdi_name(const char *s)
{
    const char *eq = strchr(s, '=');
    if (!eq || s[0] == '/' || eq == s)
        return false;
    const char *slash = memchr(s, '/', (size_t)(eq - s));
    const char *colon = memchr(s, ':', (size_t)(eq - s));
    return slash && !colon;
}

static void read_device_maps(cf_reader *r, cf_service *s)
{
    const cf_node *devs = cf_map_get(s->node, "devices");
    if (!cf_want_seq(r, devs, "devices") || !devs || devs->kind != CF_SEQ)
        return;
    for (size_t i = 0; i < devs->nitems; i++) {
        const cf_node *item = devs->items[i];
        if (item->kind == CF_MAP) {
            cf_text src = cf_interpolate(r->arena, r->c, cf_map_get(item, "source"));
            cf_text dst = cf_interpolate(r->arena, r->c, cf_map_get(item, "target"));
            cf_mount *m = push_mount(r->arena, &s->device_maps, &s->ndevice_maps, item);
            m->source = src.value;
            m->target = dst.value;
            m->unknown = src.unknown || dst.unknown;
            m->cdi = src.value && !dst.value && is_cdi_name(src.value);
        } else if (item->kind == CF_SCALAR && !cf_is_null(item)) {
            cf_text t = cf_interpolate(r->arena, r->c, item);
            cf_mount *m = push_mount(r->arena, &s->device_maps, &s->ndevice_maps, item);
            m->unknown = t.unknown;
            if (is_cdi_name(t.value)) {
                m->source = t.value;
                m->cdi = true;
                continue;
            }
            const char *a, *b;
            split_colon(r->arena, t.value, &a, &b);
            m->source = a;
            m->target = b ? b : a; /* "/dev/x" maps to the same path */
        } else {
            cf_shape(r, item, "a device must be a string or a mapping");
        }
    }
}

void cf_read_service(cf_reader *r, cf_service *s)
{
    const cf_node *n = s->node;
    s->image = text_of(r, cf_map_get(n, "image"), "image");
    read_build(r, s);
    s->runtime = cf_map_pair(n, "runtime");
    if (s->runtime)
        s->runtime_text = text_of(r, s->runtime->value, "runtime");
    read_env(r, s);
    read_volumes(r, s);
    read_device_maps(r, s);
    s->extends = cf_map_pair(n, "extends");
    cf_read_gpu(r, s);
}
