/* CUDA a stage has: from its image, from toolkit packages (builds.c), and
 * brought in by hand: CUDA library packages, NVIDIA's runfile installer, a
 * copy of /usr/local/cuda from an image or stage, pip's nvcc wheels. The
 * facts behind "is there nvcc here" (ED105, ED209) and "the stage installs
 * CUDA itself" (ED101). */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "gpu_internal.h"

bool gpu_native_manager(sh_pm manager, kb_pkg_manager *out)
{
    if (manager == SH_PM_CONDA)
        *out = KB_PM_CONDA;
    else if (sh_pm_is_native(manager))
        *out = KB_PM_SYSTEM;
    else
        return false;
    return true;
}

static void add(gpu_builder *b, gpu_stage *s, gpu_cuda_install install)
{
    s->cuda_installs = ed_arena_push(b->arena, s->cuda_installs, s->ncuda_installs,
                                     sizeof *s->cuda_installs);
    s->cuda_installs[s->ncuda_installs++] = install;
}

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- Commands ---- */

/* cuda-libraries-12-4, libcublas-12-4, conda cuda-cudart: CUDA libraries
 * without a toolkit (toolkits are gpu_toolkit's). */
static void library_packages(gpu_builder *b, gpu_stage *s, size_t index)
{
    const gpu_cmd *c = &s->cmds[index];
    kb_pkg_manager manager;
    if (c->pkg->action != SH_ACT_INSTALL || !gpu_native_manager(c->pkg->manager, &manager))
        return;
    for (size_t i = 0; i < c->pkg->nreqs; i++) {
        const sh_req *r = &c->pkg->reqs[i];
        kb_os_package info;
        if (kb_os_package_find(b->model->kb, manager, r->name, &info) && info.cls == KB_PKG_LIBRARY)
            add(b, s, (gpu_cuda_install){GPU_CUDA_LIBRARIES, index, c->onbuild, KB_NO, info.version,
                                         r->raw_name, gpu_req_span(c, r)});
    }
}

static bool has_word(const sh_command *cmd, const sh_word *after, const char *prefix)
{
    for (const sh_word *w = after + 1; w < cmd->words + cmd->nwords; w++)
        if (strncmp(w->text, prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

/* cuda_12.4.1_550.54.15_linux.run [--silent] [--toolkit], run directly or
 * by a shell. Without component options it installs the toolkit (and the
 * driver); --driver or --extract alone bring no toolkit. */
static void runfile(gpu_builder *b, gpu_stage *s, size_t index)
{
    const gpu_cmd *c = &s->cmds[index];
    const sh_word *w = sh_executable(c->cmd);
    const char *name = w ? basename_of(w->text) : "";
    if (!w || fnmatch("cuda_*.run", name, 0) != 0)
        return;
    bool toolkit = has_word(c->cmd, w, "--toolkit");
    if (!toolkit && (has_word(c->cmd, w, "--driver") || has_word(c->cmd, w, "--extract")))
        return;
    kb_version version = KB_VERSION_NONE;
    char buf[32];
    snprintf(buf, sizeof buf, "%.*s", (int)strcspn(name + 5, "_"), name + 5);
    if (!kb_version_parse(buf, &version))
        version = KB_VERSION_NONE;
    add(b, s, (gpu_cuda_install){GPU_CUDA_RUNFILE, index, c->onbuild, KB_YES, version, name,
                                 gpu_word_span(c, w)});
}

/* nvidia-cuda-nvcc-cu12 (CUDA 12 and before) and nvidia-cuda-nvcc (CUDA
 * 13 on) bring nvcc and ptxas; a name the knowledge base lists as wrong
 * (the nvidia-cuda-nvcc-cu13 placeholder) brings nothing. */
static bool nvcc_wheel(const kb *k, const char *name, kb_version *version)
{
    static const char prefix[] = "nvidia-cuda-nvcc";
    size_t n = sizeof prefix - 1;
    if (strncmp(name, prefix, n) != 0 || (name[n] && strncmp(name + n, "-cu", 3) != 0) ||
        kb_wrong_package_find(k, name))
        return false;
    *version = KB_VERSION_NONE;
    if (name[n]) {
        int major = 0;
        for (const char *p = name + n + 3; *p >= '0' && *p <= '9'; p++)
            major = major * 10 + (*p - '0');
        *version = (kb_version){major > 0 ? major : -1, -1, -1};
    }
    return true;
}

static void wheels(gpu_builder *b, gpu_stage *s, size_t index)
{
    const gpu_cmd *c = &s->cmds[index];
    if (c->pkg->action != SH_ACT_INSTALL || !sh_pm_is_python(c->pkg->manager))
        return;
    size_t n;
    const gpu_req *reqs = gpu_cmd_reqs(b->arena, b->model, c, &n);
    for (size_t i = 0; i < n; i++) {
        kb_version version;
        const sh_req *r = reqs[i].req;
        if (!r->url && !r->is_local && nvcc_wheel(b->model->kb, r->name, &version))
            add(b, s, (gpu_cuda_install){GPU_CUDA_WHEEL, index, c->onbuild, KB_YES, version,
                                         r->name, reqs[i].span});
    }
}

/* ---- COPY / ADD of /usr/local/cuda ---- */

/* Whether a stage ends with nvcc: yes, no, or unknown (its image is unknown). */
static kb_tri stage_nvcc(const gpu_stage *s)
{
    if (gpu_stage_has_nvcc(s, s->ncmds))
        return KB_YES;
    return s->image.has_nvcc == KB_NO ? KB_NO : KB_UNKNOWN;
}

/* Whether what `in` copies from (its --from stage or image) has nvcc. */
static kb_tri source_nvcc(gpu_builder *b, const df_instr *in, const char **from)
{
    size_t n;
    const df_stage_edge *edges = df_model_instr_edges(b->model->df, in, &n);
    for (size_t i = 0; i < n; i++) {
        const df_stage_edge *e = &edges[i];
        *from = e->from;
        if (e->from_stage >= 0)
            return stage_nvcc(&b->model->stages[e->from_stage]);
        img_ref ref;
        const char *error;
        kb_image_facts facts;
        if (!img_ref_parse(b->arena, e->from, strlen(e->from), &ref, &error))
            return KB_UNKNOWN;
        kb_image(b->model->kb, &ref, b->arena, &facts);
        return facts.has_nvcc;
    }
    return KB_UNKNOWN; /* from the build context */
}

/* A COPY or ADD of /usr/local/cuda at instruction `index`; `next` is the
 * number of the stage's commands up to that instruction (they are in file
 * order), so none is counted again. */
static void copy(gpu_builder *b, gpu_stage *s, const df_instr *in, size_t index, bool onbuild,
                 size_t next)
{
    if ((in->kind != DF_COPY && in->kind != DF_ADD) || in->has_error)
        return;
    for (size_t k = 0; k < in->nargs; k++) {
        if (strncmp(in->args[k].text, "/usr/local/cuda", 15) != 0)
            continue;
        size_t before = next; /* the commands before the instruction */
        while (before > 0 && s->cmds[before - 1].index >= index)
            before--;
        const char *from = NULL;
        kb_tri nvcc = source_nvcc(b, in, &from);
        const char *what = from ? ed_arena_printf(b->arena, "%s from %s", in->args[k].text, from)
                                : in->args[k].text;
        add(b, s, (gpu_cuda_install){GPU_CUDA_COPY, before, onbuild, nvcc, KB_VERSION_NONE, what,
                                     in->args[k].span});
        return;
    }
}

void gpu_find_cuda_installs(gpu_builder *b, gpu_stage *s)
{
    const df_file *file = b->model->df->file;
    size_t next = 0; /* commands and instructions, in file order */
    for (size_t i = s->stage->first; i < s->stage->end; i++) {
        const df_instr *in = &file->instrs[i];
        for (; next < s->ncmds && s->cmds[next].index == i; next++) {
            if (!s->cmds[next].pkg) {
                runfile(b, s, next);
                continue;
            }
            library_packages(b, s, next);
            wheels(b, s, next);
        }
        if (in->kind == DF_ONBUILD && in->trigger)
            copy(b, s, in->trigger, i, true, next);
        else
            copy(b, s, in, i, false, next);
    }
}

/* ---- Questions ---- */

/* Does an entry of the stage at command position `at` (a COPY: before the
 * command at `at`) come before command `cmd`, as the command sees it? */
static bool comes_before(const gpu_stage *s, bool onbuild, size_t at, bool is_copy, size_t cmd)
{
    bool cmd_onbuild = cmd < s->ncmds && s->cmds[cmd].onbuild;
    if (!onbuild && (cmd_onbuild || cmd >= s->ncmds))
        return true; /* everything the stage did, before its triggers run */
    if (onbuild != cmd_onbuild)
        return false;
    return is_copy ? at <= cmd : at < cmd;
}

bool gpu_stage_has_nvcc(const gpu_stage *s, size_t cmd)
{
    if (s->image.has_nvcc == KB_YES)
        return true;
    for (size_t i = 0; i < s->ntoolkits; i++) {
        const gpu_toolkit *t = &s->toolkits[i];
        if (t->nvcc != KB_NO && comes_before(s, t->onbuild, t->cmd, false, cmd))
            return true;
    }
    for (size_t i = 0; i < s->ncuda_installs; i++) {
        const gpu_cuda_install *c = &s->cuda_installs[i];
        if (c->nvcc != KB_NO &&
            comes_before(s, c->onbuild, c->cmd, c->source == GPU_CUDA_COPY, cmd))
            return true;
    }
    /* FROM <stage>: whatever the parent brought is there */
    return s->parent && gpu_stage_has_nvcc(s->parent, s->parent->ncmds);
}

bool gpu_stage_installs_cuda(const gpu_stage *s, bool onbuild)
{
    for (const gpu_stage *p = s; p; p = p->parent) {
        bool triggers = onbuild && p == s;
        for (size_t i = 0; i < p->ntoolkits; i++)
            if (!p->toolkits[i].onbuild || triggers)
                return true;
        for (size_t i = 0; i < p->ncuda_installs; i++)
            if (p->cuda_installs[i].source != GPU_CUDA_WHEEL &&
                (!p->cuda_installs[i].onbuild || triggers))
                return true;
    }
    return false;
}

/* The CUDA of one pip/uv command's wheels: its PyTorch cuXYZ index, a
 * +cuXYZ label, or a cuXYZ torch backend. */
static bool command_wheel_cuda(ed_arena *arena, const gpu_model *m, const gpu_cmd *c,
                               kb_version *out)
{
    size_t n;
    const gpu_index *ix = gpu_cmd_indexes(arena, m, c, &n);
    for (size_t i = 0; i < n; i++)
        if (ix[i].torch.kind == KB_INDEX_CUDA) {
            *out = ix[i].torch.cuda;
            return true;
        }
    const gpu_req *reqs = gpu_cmd_reqs(arena, m, c, &n);
    for (size_t i = 0; i < n; i++) {
        kb_torch_index label;
        if (reqs[i].req->pinned && kb_torch_local_label(reqs[i].req->pinned, &label) &&
            label.kind == KB_INDEX_CUDA) {
            *out = label.cuda;
            return true;
        }
    }
    const sh_word *backend = c->pkg->torch_backend;
    return backend && kb_cuda_suffix_version(backend->text, out);
}

bool gpu_stage_wheel_cuda(ed_arena *arena, const gpu_model *m, const gpu_stage *s, kb_version *out)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_pkgcmd *pkg = s->cmds[i].pkg;
        if (pkg && (pkg->action == SH_ACT_INSTALL || pkg->action == SH_ACT_WHEEL) &&
            sh_pm_is_python(pkg->manager) && command_wheel_cuda(arena, m, &s->cmds[i], out))
            return true;
    }
    return false;
}
