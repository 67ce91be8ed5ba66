/* ED408 host-cuda-bind-mount: the host's CUDA toolkit or NVIDIA driver
 * files bind-mounted into a service (/usr/local/cuda*, libcuda.so*,
 * libnvidia-*, nvidia-smi), or the GPU device nodes (/dev/nvidia*) mapped by
 * hand. The NVIDIA container toolkit mounts the driver files that belong to
 * the host's kernel module, and creates the device nodes, when the service
 * requests a GPU; hand-made mounts tie the container to one host's driver
 * and break on others and after driver updates. */
#include <string.h>

#include "compose_common.h"

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What kind of host file the path is, or NULL. */
static const char *host_cuda(const char *path)
{
    if (!path || path[0] != '/')
        return NULL;
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    if (starts(path, "/usr/local/cuda") &&
        (len == 15 || path[15] == '/' || path[15] == '-' || path[15] == '.'))
        return "the host's CUDA toolkit";
    const char *base = path + len;
    while (base > path && base[-1] != '/')
        base--;
    if (starts(base, "libcuda.so") || starts(base, "libcuda-"))
        return "the host's CUDA driver library";
    if (starts(base, "libnvidia") || starts(base, "libnvcuvid") || starts(base, "libnvoptix"))
        return "a host NVIDIA driver library";
    if (starts(base, "nvidia-smi") && (base[10] == '\0' || base[10] == '/'))
        return "the host's nvidia-smi";
    return NULL;
}

/* Where a mount's source is written: the source: value of a long-syntax
 * entry, else the item. */
static void source_site(const cf_mount *m, size_t *start, size_t *end)
{
    const cf_node *at = m->node;
    if (at && at->kind == CF_MAP) {
        const cf_node *src = cf_map_get(at, "source");
        if (src)
            at = src;
    }
    cf_node_site(at, start, end);
}

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c)
        return;
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        for (size_t k = 0; k < s->nvolumes; k++) {
            const cf_mount *m = &s->volumes[k];
            const char *what = host_cuda(m->source);
            if (!what || !m->node)
                continue;
            size_t start, end;
            source_site(m, &start, &end);
            if (compose_reported(ctx, start, end))
                continue;
            if (strcmp(what, "the host's CUDA toolkit") == 0)
                ed_report(ctx, start, end,
                          "service %s bind-mounts the host's CUDA toolkit (%s): CUDA belongs in "
                          "the image (an nvidia/cuda base image); a mounted toolkit ties the "
                          "container to this host's installation and breaks on other hosts",
                          s->name, m->source);
            else
                ed_report(ctx, start, end,
                          "service %s bind-mounts %s (%s): the NVIDIA container toolkit mounts "
                          "the driver files that match the host's kernel module when the service "
                          "requests a GPU; a mounted copy ties the container to this host's "
                          "driver and breaks on other hosts and after driver updates",
                          s->name, what, m->source);
        }
        for (size_t k = 0; k < s->ndevice_maps; k++) {
            const cf_mount *m = &s->device_maps[k];
            if (!m->source || !starts(m->source, "/dev/nvidia") || !m->node)
                continue;
            size_t start, end;
            source_site(m, &start, &end);
            if (compose_reported(ctx, start, end))
                continue;
            ed_report(ctx, start, end,
                      "service %s maps the GPU device %s by hand: without the NVIDIA container "
                      "toolkit the container gets the device node but not the driver libraries "
                      "that go with it; request the GPU with "
                      "deploy.resources.reservations.devices or gpus: and let the toolkit add "
                      "the devices",
                      s->name, m->source);
        }
    }
}

ED_RULE(ed408){
    .id = "ED408",
    .name = "host-cuda-bind-mount",
    .severity = ED_SEV_WARNING,
    .summary = "Host CUDA or NVIDIA driver files bind-mounted, or /dev/nvidia* mapped by hand",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
