/* Merging a service with an override of it (another -f file, a later
 * document, or the service that extends a base), by the Compose merge
 * rules as compose-go applies them to the fields the model reads:
 *   - scalars (image, runtime, build context/dockerfile/target/inline) are
 *     replaced;
 *   - environment and build args are merged by name (the override's value
 *     replaces the base's in place; new names are appended);
 *   - volumes and device mappings are merged by container path (a CDI
 *     device by its name): same path replaces, others are appended;
 *   - GPU device requests (gpus:, deploy.resources.*.devices) are appended;
 *   - a value tagged !reset removes the field; !override replaces it
 *     instead of merging.
 * Arrays are always copied: a merge never changes the services it reads. */
#include <string.h>

#include "model_internal.h"

static bool tagged(const cf_node *n, const char *tag)
{
    return n && n->tag && strcmp(n->tag, tag) == 0;
}

static bool is_reset(const cf_node *n)
{
    return tagged(n, "!reset");
}

/* Replaces a text when the override writes it. */
static void merge_text(cf_text *base, const cf_text *over)
{
    if (!over->node)
        return;
    if (is_reset(over->node))
        memset(base, 0, sizeof *base);
    else
        *base = *over;
}

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void merge_env(ed_arena *arena, cf_service *b, const cf_service *o)
{
    if (!o->nenv)
        return;
    cf_env *env = ed_arena_calloc(arena, b->nenv + o->nenv + 1, sizeof *env);
    cf_copy(env, b->env, b->nenv * sizeof *env);
    size_t n = b->nenv;
    for (size_t i = 0; i < o->nenv; i++) {
        size_t k = 0;
        while (k < n && !same(env[k].name, o->env[i].name))
            k++;
        env[k] = o->env[i];
        if (k == n)
            n++;
    }
    b->env = env;
    b->nenv = n;
}

/* "KEY=VALUE" lists merged by KEY. */
static void merge_args(ed_arena *arena, cf_service *b, const cf_service *o)
{
    if (!o->nbuild_args)
        return;
    const char **args = ed_arena_calloc(arena, b->nbuild_args + o->nbuild_args + 1, sizeof *args);
    cf_copy(args, b->build_args, b->nbuild_args * sizeof *args);
    size_t n = b->nbuild_args;
    for (size_t i = 0; i < o->nbuild_args; i++) {
        const char *arg = o->build_args[i];
        size_t klen = strcspn(arg, "=");
        size_t k = 0;
        while (k < n && !(strncmp(args[k], arg, klen) == 0 && args[k][klen] == '='))
            k++;
        args[k] = arg;
        if (k == n)
            n++;
    }
    b->build_args = args;
    b->nbuild_args = n;
}

static const char *mount_key(const cf_mount *m)
{
    return m->cdi || !m->target ? m->source : m->target;
}

static void merge_mounts(ed_arena *arena, cf_mount **bitems, size_t *bn, const cf_mount *oitems,
                         size_t on)
{
    if (!on)
        return;
    cf_mount *items = ed_arena_calloc(arena, *bn + on + 1, sizeof *items);
    cf_copy(items, *bitems, *bn * sizeof *items);
    size_t n = *bn;
    for (size_t i = 0; i < on; i++) {
        size_t k = 0;
        while (k < n && !same(mount_key(&items[k]), mount_key(&oitems[i])))
            k++;
        items[k] = oitems[i];
        if (k == n)
            n++;
    }
    *bitems = items;
    *bn = n;
}

/* The node a list of the service hangs from, to read its !reset/!override tag. */
static const cf_node *field(const cf_service *s, const char *key)
{
    return s->node ? cf_map_get(s->node, key) : NULL;
}

static bool devices_replaced(const cf_service *o)
{
    for (size_t i = 0; i < o->ndevices; i++)
        if (tagged(o->devices[i].pair->value, "!override"))
            return true;
    return false;
}

static void merge_devices(ed_arena *arena, cf_service *b, const cf_service *o)
{
    /* a request list tagged !reset or !override drops what the base had */
    size_t keep = 0;
    cf_device *devices = ed_arena_calloc(arena, b->ndevices + o->ndevices + 1, sizeof *devices);
    bool drop_all = devices_replaced(o) || is_reset(field(o, "deploy")) || is_reset(field(o, "gpus"));
    for (size_t i = 0; i < b->ndevices && !drop_all; i++)
        devices[keep++] = b->devices[i];
    for (size_t i = 0; i < o->ndevices; i++)
        if (!is_reset(o->devices[i].pair->value))
            devices[keep++] = o->devices[i];
    b->devices = devices;
    b->ndevices = keep;
}

void cf_merge_service(ed_arena *arena, cf_service *b, const cf_service *o)
{
    if (!b->node) { /* the base had no usable body: the override's is the service */
        b->node = o->node;
        b->pair = o->pair;
    }
    merge_text(&b->image, &o->image);
    if (o->build) {
        b->dir = o->dir; /* its build paths are relative to the file that writes build: */
        if (is_reset(o->build->value) || !b->build) {
            b->build = is_reset(o->build->value) ? NULL : o->build;
            b->build_context = o->build_context;
            b->build_dockerfile = o->build_dockerfile;
            b->build_target = o->build_target;
            b->build_dockerfile_inline = o->build_dockerfile_inline;
            b->build_args = o->build_args;
            b->nbuild_args = o->nbuild_args;
        } else {
            b->build = o->build;
            merge_text(&b->build_context, &o->build_context);
            merge_text(&b->build_dockerfile, &o->build_dockerfile);
            merge_text(&b->build_target, &o->build_target);
            merge_text(&b->build_dockerfile_inline, &o->build_dockerfile_inline);
            merge_args(arena, b, o);
        }
    }
    if (o->runtime) {
        bool reset = is_reset(o->runtime->value);
        b->runtime = reset ? NULL : o->runtime;
        merge_text(&b->runtime_text, &o->runtime_text);
    }
    if (o->gpus)
        b->gpus = is_reset(o->gpus->value) ? NULL : o->gpus;
    merge_devices(arena, b, o);

    const cf_node *env = field(o, "environment");
    if (is_reset(env) || tagged(env, "!override")) {
        b->env = NULL;
        b->nenv = 0;
    }
    merge_env(arena, b, o);
    const cf_node *vols = field(o, "volumes");
    if (is_reset(vols) || tagged(vols, "!override")) {
        b->volumes = NULL;
        b->nvolumes = 0;
    }
    merge_mounts(arena, &b->volumes, &b->nvolumes, o->volumes, o->nvolumes);
    const cf_node *devs = field(o, "devices");
    if (is_reset(devs) || tagged(devs, "!override")) {
        b->device_maps = NULL;
        b->ndevice_maps = 0;
    }
    merge_mounts(arena, &b->device_maps, &b->ndevice_maps, o->device_maps, o->ndevice_maps);
    if (!b->extends)
        b->extends = o->extends;
    b->incomplete = b->incomplete || o->incomplete;
}
