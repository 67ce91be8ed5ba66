/* ED501 host-cuda-environment: %environment (or %appenv) points the
 * container at the host's CUDA or NVIDIA driver: LD_LIBRARY_PATH, PATH,
 * CUDA_HOME, ... entries that only a bind mount of the host can fill (CUDA
 * locations on an image without CUDA, mount points %setup creates, /host
 * paths), and LD_PRELOAD of the driver's libraries. `--nv` binds the driver
 * libraries that match the host's kernel module; CUDA belongs in the image.
 * The Apptainer analogue of ED408 host-cuda-bind-mount. */
#include <string.h>
#include <strings.h>

#include "envdoctor/apptainer.h"
#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"

/* Variables whose every entry is a library (any host entry counts). */
static const char *const library_vars[] = {"LD_LIBRARY_PATH", "LIBRARY_PATH", "LD_PRELOAD"};
/* Variables that name a CUDA installation. */
static const char *const cuda_vars[] = {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT", "CUDA_DIR",
                                        "CUDA_TOOLKIT_ROOT_DIR", "CUDA_BIN_PATH", "CUDNN_PATH"};
/* Variables holding paths (others are left alone). */
static const char *const path_vars[] = {"PATH", "CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
                                        "PYTHONPATH"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

#define IN(s, list) in_list((s), (list), sizeof(list) / sizeof *(list))

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* path is dir or below it */
static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* ---- what %setup prepares ---- */

typedef struct mounts {
    const char **dirs;
    size_t n;
} mounts;

/* `mkdir [-p] $APPTAINER_ROOTFS/DIR` in %setup (which runs on the host):
 * an empty directory in the image, where a bind mount goes. */
static void setup_mounts(ed_ctx *ctx, const ap_file *f, size_t stage, mounts *out)
{
    static const char *const roots[] = {"${APPTAINER_ROOTFS}", "$APPTAINER_ROOTFS",
                                        "${SINGULARITY_ROOTFS}", "$SINGULARITY_ROOTFS"};
    const ap_stage *st = &f->stages[stage];
    for (size_t i = st->first_section; i < st->end_section; i++) {
        const ap_section *sec = &f->sections[i];
        if (sec->kind != AP_SECTION_SETUP || !sec->script)
            continue;
        for (size_t c = 0; c < sec->script->ncmds; c++) {
            const sh_command *cmd = &sec->script->cmds[c];
            if (strcmp(sh_program(cmd), "mkdir") != 0)
                continue;
            for (size_t w = 1; w < cmd->nwords; w++)
                for (size_t r = 0; r < sizeof roots / sizeof *roots; r++) {
                    const char *t = cmd->words[w].text;
                    if (!starts(t, roots[r]) || t[strlen(roots[r])] != '/')
                        continue;
                    out->dirs = ed_arena_push(ctx->arena, out->dirs, out->n, sizeof *out->dirs);
                    out->dirs[out->n++] = t + strlen(roots[r]);
                    break;
                }
        }
    }
}

/* ---- one entry of a path list ---- */

typedef struct site {
    ed_ctx *ctx;
    const df_instr *in;
    const gpu_stage *stage;
    const mounts *mounts;
    const char *var;
    const char *section; /* "%environment" */
} site;

static bool mentions_cuda(const char *path)
{
    for (const char *p = path; *p; p++)
        if (strncasecmp(p, "cuda", 4) == 0 || strncasecmp(p, "nvidia", 6) == 0)
            return true;
    return false;
}

/* The NVIDIA driver's own libraries (what --nv binds). */
static bool driver_library(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return starts(base, "libcuda.so") || starts(base, "libcuda-") || starts(base, "libnvidia-") ||
           starts(base, "libnvcuvid") || starts(base, "libnvoptix");
}

/* The image has no CUDA under the toolkit locations: a known image that is
 * not NVIDIA's, and the stage brings none (apt, conda, runfile, %files). */
static bool image_without_cuda(const gpu_stage *s)
{
    return s->image.vendor != KB_VENDOR_UNKNOWN && s->image.vendor != KB_VENDOR_NVIDIA &&
           !gpu_stage_installs_cuda(s, false);
}

/* Why the entry can only come from the host, or NULL. */
static const char *host_reason(const site *at, const char *path)
{
    ed_ctx *ctx = at->ctx;
    bool relevant = IN(at->var, library_vars) || IN(at->var, cuda_vars) || mentions_cuda(path);
    if (starts(path, "/.singularity.d/"))
        return NULL; /* where --nv puts the driver: Apptainer's own */
    for (size_t i = 0; relevant && i < at->mounts->n; i++)
        if (under(path, at->mounts->dirs[i]))
            return ed_arena_printf(ctx->arena,
                                   "an empty directory %%setup creates for a bind mount of the "
                                   "host (%s)",
                                   at->mounts->dirs[i]);
    if (relevant && starts(path, "/host"))
        return "a host directory bind-mounted at run time";
    if ((under(path, "/usr/local/cuda") || starts(path, "/usr/local/cuda-") ||
         under(path, "/opt/cuda") || under(path, "/usr/local/nvidia")) &&
        image_without_cuda(at->stage))
        return ed_arena_printf(ctx->arena,
                               "but %s has no CUDA there and the stage installs none, so only a "
                               "bind mount of the host's CUDA fills it",
                               gpu_stage_image(at->stage));
    return NULL;
}

static void check_entry(const site *at, const char *path, df_span span)
{
    ed_ctx *ctx = at->ctx;
    if (!*path || strchr(path, '$'))
        return;
    bool preload = strcmp(at->var, "LD_PRELOAD") == 0;
    if (preload && driver_library(path) && !starts(path, "/.singularity.d/")) {
        ed_report(ctx, span.start, span.end,
                  "%s preloads %s, a library of the host's NVIDIA driver: `apptainer run --nv` "
                  "binds the driver libraries that match the host's kernel module and puts them "
                  "on the library path; a preloaded copy ties the container to one host's driver "
                  "and breaks on other hosts and after driver updates",
                  at->section, path);
        return;
    }
    const char *why = host_reason(at, path);
    if (!why)
        return;
    const char *how = preload ? ed_arena_printf(ctx->arena, "preloads %s", path)
                      : IN(at->var, cuda_vars)
                          ? ed_arena_printf(ctx->arena, "sets %s to %s", at->var, path)
                          : ed_arena_printf(ctx->arena, "puts %s on %s", path, at->var);
    ed_report(ctx, span.start, span.end,
              "%s %s, %s: CUDA belongs in the image (an nvidia/cuda base image, or CUDA "
              "installed in %%post) and the driver comes from --nv; a path into the host ties "
              "the container to that host's installation and breaks on other hosts",
              at->section, how, why);
}

/* The entries of a value as written (quotes skipped), split at ':' (and
 * at blanks for LD_PRELOAD). */
static void check_value(const site *at, const df_word *value)
{
    const df_instr *in = at->in;
    const char *raw = in->line + value->lstart;
    size_t len = value->lend - value->lstart;
    bool blanks = strcmp(at->var, "LD_PRELOAD") == 0;
    for (size_t a = 0; a <= len;) {
        size_t b = a;
        while (b < len && raw[b] != ':' && !(blanks && (raw[b] == ' ' || raw[b] == '\t')))
            b++;
        size_t s = a, e = b;
        while (s < e && (raw[s] == '"' || raw[s] == '\''))
            s++;
        while (e > s && (raw[e - 1] == '"' || raw[e - 1] == '\''))
            e--;
        if (e > s && !memchr(raw + s, '"', e - s) && !memchr(raw + s, '\'', e - s)) {
            const char *path = ed_arena_strndup(at->ctx->arena, raw + s, e - s);
            check_entry(at, path, df_source_span(in, value->lstart + s, value->lstart + e));
        }
        a = b + 1;
    }
}

static bool interesting(const char *var)
{
    return IN(var, library_vars) || IN(var, cuda_vars) || IN(var, path_vars);
}

static void check(ed_ctx *ctx)
{
    if (ctx->kind != ED_KIND_APPTAINER || !ctx->dockerfile || !ctx->gpu)
        return;
    const ap_file *f = ap_file_of(ctx->dockerfile);
    const df_file *df = ctx->dockerfile;
    for (size_t i = 0; i < df->ninstrs; i++) {
        const df_instr *in = &df->instrs[i];
        const ap_section *sec = ap_section_of(f, in);
        int stage = ctx->model->stage_of[i];
        if (in->kind != DF_ENV || !sec || stage < 0)
            continue;
        mounts m = {0};
        setup_mounts(ctx, f, sec->stage, &m);
        site at = {ctx, in, &ctx->gpu->stages[stage], &m, NULL,
                   ap_section_label(ctx->arena, sec)};
        for (size_t k = 0; k < in->npairs; k++) {
            const df_pair *p = &in->pairs[k];
            /* the value must stand right after KEY= for its entries to map */
            if (!interesting(p->key.text) || p->value.lstart != p->key.lend + 1)
                continue;
            at.var = p->key.text;
            check_value(&at, &p->value);
        }
    }
}

ED_RULE(ed501){
    .id = "ED501",
    .name = "host-cuda-environment",
    .severity = ED_SEV_WARNING,
    .summary = "%environment points the container at the host's CUDA or NVIDIA driver files",
    .kinds = ED_KIND_APPTAINER,
    .check = check,
};
