/* GPU device requests of a service: the service-level `gpus:` (all, or a
 * list of requests) and deploy.resources.reservations.devices (and, wrongly,
 * limits.devices), in the order they are written. */
#include <string.h>
#include <strings.h>

#include "model_internal.h"

/* Whether the capabilities of a request without a driver ask for an NVIDIA
 * GPU: `gpu`, or a capability of the nvidia driver (nvidia, nvidia-compute,
 * ...). Missing or malformed capabilities (ED402's to report) and unknown
 * values count as asking: only a list of other capabilities (tpu, ...)
 * says the request is for something else. */
static bool caps_ask_gpu(cf_reader *r, const cf_pair *caps)
{
    if (!caps || caps->value->kind != CF_SEQ)
        return true;
    for (size_t i = 0; i < caps->value->nitems; i++) {
        cf_text t = cf_interpolate(r->arena, r->c, caps->value->items[i]);
        if (!t.value)
            continue;
        if (t.unknown || strcmp(t.value, "gpu") == 0 || strncmp(t.value, "nvidia", 6) == 0)
            return true;
    }
    return false;
}

static cf_device *push_device(cf_reader *r, cf_service *s, const cf_node *node,
                              const cf_pair *pair)
{
    s->devices = ed_arena_push(r->arena, s->devices, s->ndevices, sizeof *s->devices);
    cf_device *d = &s->devices[s->ndevices++];
    memset(d, 0, sizeof *d);
    d->node = node;
    d->pair = pair;
    return d;
}

static void read_request(cf_reader *r, cf_service *s, const cf_node *item, const cf_pair *pair,
                         bool from_gpus, bool under_limits)
{
    if (item->kind != CF_MAP) {
        cf_shape(r, item, "a GPU device request must be a mapping (driver, count, "
                                "device_ids, capabilities), not %s",
                       cf_is_null(item) ? "null" : item->kind == CF_SEQ ? "a list" : "a string");
        return;
    }
    cf_device *d = push_device(r, s, item, pair);
    d->from_gpus = from_gpus;
    d->under_limits = under_limits;
    d->capabilities = cf_map_pair(item, "capabilities");
    d->count = cf_map_pair(item, "count");
    d->device_ids = cf_map_pair(item, "device_ids");
    d->driver = cf_map_pair(item, "driver");
    d->options = cf_map_pair(item, "options");
    if (d->count)
        d->count_text = cf_interpolate(r->arena, r->c, d->count->value);
    if (d->driver)
        d->driver_text = cf_interpolate(r->arena, r->c, d->driver->value);
    if (from_gpus) { /* gpus: implies the gpu capability */
        d->nvidia = true;
    } else if (d->driver_text.value && !d->driver_text.unknown) {
        d->nvidia = strcasecmp(d->driver_text.value, "nvidia") == 0;
    } else {
        /* no driver (or an unknown one): the Engine picks the driver that
         * offers the capabilities */
        d->nvidia = caps_ask_gpu(r, d->capabilities);
    }
}

static void read_gpus(cf_reader *r, cf_service *s, const cf_pair *gpus)
{
    const cf_node *v = gpus->value;
    if (cf_is_null(v))
        return;
    if (v->kind == CF_SCALAR) {
        cf_text t = cf_interpolate(r->arena, r->c, v);
        if (t.value && !t.unknown && strcmp(t.value, "all") != 0) {
            cf_shape(r, v, "gpus must be `all` or a list of device requests, not \"%s\"",
                           t.value);
            return;
        }
        cf_device *d = push_device(r, s, v, gpus);
        d->from_gpus = true;
        d->all = t.value && !t.unknown;
        d->nvidia = true;
        return;
    }
    if (!cf_want_seq(r, v, "gpus"))
        return;
    for (size_t i = 0; i < v->nitems; i++)
        read_request(r, s, v->items[i], gpus, true, false);
}

/* deploy.resources.<section>.devices */
static void read_section(cf_reader *r, cf_service *s, const cf_node *resources, const char *name)
{
    const cf_node *section = cf_map_get(resources, name);
    if (!cf_want_map(r, section, name[0] == 'r' ? "deploy.resources.reservations"
                                                : "deploy.resources.limits"))
        return;
    const cf_pair *devices = cf_map_pair(section, "devices");
    if (!devices || cf_is_null(devices->value))
        return;
    if (!cf_want_seq(r, devices->value, "devices"))
        return;
    for (size_t i = 0; i < devices->value->nitems; i++)
        read_request(r, s, devices->value->items[i], devices, false, name[0] == 'l');
}

static void read_deploy(cf_reader *r, cf_service *s, const cf_node *deploy)
{
    if (!cf_want_map(r, deploy, "deploy") || cf_is_null(deploy))
        return;
    const cf_node *resources = cf_map_get(deploy, "resources");
    if (!cf_want_map(r, resources, "deploy.resources") || cf_is_null(resources))
        return;
    /* in the order written */
    const cf_pair *res = cf_map_pair(resources, "reservations");
    const cf_pair *lim = cf_map_pair(resources, "limits");
    bool limits_first = res && lim && lim->key->start < res->key->start;
    read_section(r, s, resources, limits_first ? "limits" : "reservations");
    read_section(r, s, resources, limits_first ? "reservations" : "limits");
}

void cf_read_gpu(cf_reader *r, cf_service *s)
{
    s->gpus = cf_map_pair(s->node, "gpus");
    const cf_pair *deploy = cf_map_pair(s->node, "deploy");
    bool gpus_first = !deploy || (s->gpus && s->gpus->key->start < deploy->key->start);
    if (s->gpus && gpus_first)
        read_gpus(r, s, s->gpus);
    if (deploy)
        read_deploy(r, s, deploy->value);
    if (s->gpus && !gpus_first)
        read_gpus(r, s, s->gpus);
}
