/* ED301 nvidia-driver-in-image: an NVIDIA driver is installed into the
 * image (a driver package, a driver module stream, or an NVIDIA-Linux-*.run
 * installer). Containers must use the host's driver, which the NVIDIA
 * Container Toolkit mounts at run time. Host-side container tooling
 * (nvidia-container-toolkit) is reported too, as info. */
#include <fnmatch.h>
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "system_common.h"

#define WHY_NOT                                                                                    \
    "containers get the host's driver from the NVIDIA Container Toolkit at run time, and a "     \
    "driver in the image conflicts with it (driver/library version mismatch)"

static const char *driver_installer_glob = "NVIDIA-Linux-*.run";

/* The toolkit-only package to install instead of a meta package that also
 * pulls the driver: cuda -> cuda-toolkit, cuda-12-4 -> cuda-toolkit-12-4,
 * cuda-runtime-12-4 -> cuda-libraries-12-4; NULL for other packages. */
static const char *driverless_name(ed_arena *arena, const kb_os_package *info, const char *name)
{
    if (strcmp(info->pattern, "cuda") == 0)
        return "cuda-toolkit";
    if (strcmp(info->pattern, "cuda-{ver}") == 0)
        return ed_arena_printf(arena, "cuda-toolkit-%s", name + strlen("cuda-"));
    if (strcmp(info->pattern, "cuda-runtime-{ver}") == 0)
        return ed_arena_printf(arena, "cuda-libraries-%s", name + strlen("cuda-runtime-"));
    return NULL;
}

static void attach_fix(ed_ctx *ctx, ed_finding *f, const char *description, const char *replacement,
                       df_span span)
{
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    size_t from = span.start, to = span.end;
    if (!*replacement) /* a removal takes its blanks or its line along */
        ed_removal_range(ctx->src, span.start, span.end, &from, &to);
    /* removing a package from an install is a judgement: unsafe */
    *fix = (ed_fix){.description = description, .replacement = replacement, .start = from,
                    .end = to, .unsafe = true};
    f->fix = fix;
}

static void report_driver_package(ed_ctx *ctx, const gpu_cmd *c, const sh_req *r,
                                  const kb_os_package *info)
{
    const char *name = *r->raw_name ? r->raw_name : r->name;
    const char *instead = driverless_name(ctx->arena, info, name);
    df_span span = gpu_req_span(c, r);
    ed_finding *f;
    if (instead) {
        f = ed_report_with(ctx, ED_SEV_ERROR, span.start, span.end,
                           "%s%s installs %s, which also installs the NVIDIA driver (%s is the same "
                           "without it): " WHY_NOT,
                           sys_onbuild(c), c->pkg->program, name, instead);
        attach_fix(ctx, f, ed_arena_printf(ctx->arena, "install %s instead", instead), instead, span);
        return;
    }
    f = ed_report_with(ctx, ED_SEV_ERROR, span.start, span.end,
                       "%s%s installs %s, an NVIDIA driver package: " WHY_NOT, sys_onbuild(c),
                       c->pkg->program, name);
    if (r->word && !c->instr->json) /* removing an exec-form element would break the JSON */
        attach_fix(ctx, f, ed_arena_printf(ctx->arena, "remove %s", name), "",
                   gpu_word_span(c, r->word));
}

static void report_driver_module(ed_ctx *ctx, const gpu_cmd *c, const sh_req *r)
{
    df_span span = r->word ? gpu_word_span(c, r->word) : gpu_req_span(c, r);
    ed_report(ctx, span.start, span.end, "%s%s module install %s installs the NVIDIA driver: " WHY_NOT,
              sys_onbuild(c), c->pkg->program, r->word ? r->word->text : r->name);
}

/* nvidia-container-toolkit and friends: useless inside an image unless the
 * image deploys them to hosts, hence info. */
static void report_host_package(ed_ctx *ctx, const gpu_cmd *c, const sh_req *r,
                                const kb_os_package *info)
{
    const char *name = *r->raw_name ? r->raw_name : r->name;
    df_span span = gpu_req_span(c, r);
    ed_report_with(ctx, ED_SEV_INFO, span.start, span.end,
                   "%s%s installs %s, host-side container tooling%s%s%s: it gives containers of this "
                   "image no GPU access (the host's container toolkit does)",
                   sys_onbuild(c), c->pkg->program, name, info->note ? " (" : "",
                   info->note ? info->note : "", info->note ? ")" : "");
}

static void check_packages(ed_ctx *ctx, const gpu_cmd *c)
{
    const sh_pkgcmd *pkg = c->pkg;
    kb_pkg_manager manager;
    if (!pkg || !gpu_native_manager(pkg->manager, &manager) ||
        (pkg->action != SH_ACT_INSTALL && pkg->action != SH_ACT_MODULE_INSTALL))
        return;
    for (size_t i = 0; i < pkg->nreqs; i++) {
        const sh_req *r = &pkg->reqs[i];
        kb_os_package info;
        if (!kb_os_package_find(ctx->gpu->kb, manager, r->name, &info))
            continue;
        if (info.cls == KB_PKG_DRIVER && pkg->action == SH_ACT_MODULE_INSTALL)
            report_driver_module(ctx, c, r);
        else if (info.cls == KB_PKG_DRIVER)
            report_driver_package(ctx, c, r, &info);
        else if (info.cls == KB_PKG_HOST && pkg->action == SH_ACT_INSTALL)
            report_host_package(ctx, c, r, &info);
    }
}

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The NVIDIA-Linux-*.run installer run directly, or by a shell
 * (`sh ./NVIDIA-Linux-x86_64-535.run --silent`). */
static void check_installer(ed_ctx *ctx, const gpu_cmd *c)
{
    const sh_word *w = sh_executable(c->cmd);
    if (!w || fnmatch(driver_installer_glob, basename_of(w->text), 0) != 0)
        return;
    df_span span = gpu_word_span(c, w);
    ed_report(ctx, span.start, span.end, "%s%s is the NVIDIA driver installer: " WHY_NOT,
              sys_onbuild(c), basename_of(w->text));
}

static void check_cmd(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c)
{
    check_packages(ctx, c);
    check_installer(ctx, c);
}

static void check(ed_ctx *ctx)
{
    sys_each_cmd(ctx, check_cmd);
}

ED_RULE(ed301){
    .id = "ED301",
    .name = "nvidia-driver-in-image",
    .severity = ED_SEV_ERROR,
    .summary = "An NVIDIA driver is installed into the image; containers must use the host's driver",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
