/* What in a stage compiles CUDA code, and which CUDA toolkits it installs:
 * the shared facts behind the "needs nvcc", "toolkit for nothing" and
 * "unbounded build" rules. */
#include <fnmatch.h>
#include <strings.h>
#include <string.h>

#include "gpu_internal.h"

bool gpu_truthy(const char *value)
{
    static const char *const on[] = {"1", "true", "yes", "on", "y"};
    if (!value)
        return false;
    for (size_t i = 0; i < sizeof on / sizeof *on; i++)
        if (strcasecmp(value, on[i]) == 0)
            return true;
    return false;
}

/* A variable matching `glob` ("DS_BUILD_*") is on, as the command sees it. */
static bool any_var_on(const gpu_model *m, const gpu_cmd *c, const char *glob)
{
    if (!strchr(glob, '*'))
        return gpu_truthy(gpu_cmd_var(m, c, glob));
    for (size_t i = 0; i < c->cmd->nassigns; i++) {
        const sh_word *w = &c->cmd->assigns[i];
        const char *eq = strchr(w->text, '=');
        if (eq) {
            char name[128];
            size_t n = (size_t)(eq - w->text) < sizeof name - 1 ? (size_t)(eq - w->text) : sizeof name - 1;
            memcpy(name, w->text, n);
            name[n] = '\0';
            if (fnmatch(glob, name, 0) == 0 && gpu_truthy(eq + 1))
                return true;
        }
    }
    const df_stage *s = m->stages[c->stage].stage;
    for (size_t i = 0; i < s->nvars; i++)
        if (fnmatch(glob, s->vars[i].name, 0) == 0 &&
            gpu_truthy(df_model_lookup(m->df, c->index, s->vars[i].name)))
            return true;
    return false;
}

static bool any_on(const gpu_model *m, const gpu_cmd *c, const char *const *globs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (any_var_on(m, c, globs[i]))
            return true;
    return false;
}

static bool no_binary_covers(const sh_pkgcmd *pkg, const char *name)
{
    if (!pkg->no_binary)
        return false;
    return strstr(pkg->no_binary, ":all:") || strstr(pkg->no_binary, name);
}

static void add_build(gpu_builder *b, gpu_stage *s, size_t cmd, const char *what,
                      const char *package, const kb_cuda_package *known, df_span span)
{
    s->builds = ed_arena_push(b->arena, s->builds, s->nbuilds, sizeof *s->builds);
    s->builds[s->nbuilds++] = (gpu_build){cmd, s->cmds[cmd].onbuild, what, package, known, span};
}

/* Why installing this requirement compiles CUDA code, or NULL. */
static const char *python_build_reason(gpu_builder *b, const gpu_cmd *c, const sh_req *r,
                                       const kb_cuda_package *p)
{
    const sh_pkgcmd *pkg = c->pkg;
    const char *name = p->name;
    bool from_source = r->url || r->is_local;
    if (any_on(b->model, c, p->skip, p->nskip))
        return NULL;
    if (any_on(b->model, c, p->force, p->nforce))
        return ed_arena_printf(b->arena, "%s is forced to build its CUDA extension", name);
    if (strcmp(p->builds, "always") == 0)
        return ed_arena_printf(b->arena, "%s compiles CUDA code when installed", name);
    if (from_source)
        return ed_arena_printf(b->arena, "%s is built from source (%s)", name, r->url ? r->url : "a local path");
    if (strcmp(p->builds, "no-wheel") == 0) {
        if (pkg->no_build_isolation)
            return ed_arena_printf(b->arena, "%s is built from source (--no-build-isolation)", name);
        if (no_binary_covers(pkg, name))
            return ed_arena_printf(b->arena, "%s is built from source (--no-binary)", name);
    }
    return NULL;
}

static bool is_setup_py_build(const sh_command *cmd)
{
    const char *prog = sh_program(cmd);
    if (strncmp(prog, "python", 6) != 0 || cmd->nwords < 3 || strcmp(cmd->words[1].text, "setup.py") != 0)
        return false;
    static const char *const verbs[] = {"install", "build", "build_ext", "bdist_wheel", "develop"};
    for (size_t i = 2; i < cmd->nwords; i++)
        for (size_t k = 0; k < sizeof verbs / sizeof *verbs; k++)
            if (strcmp(cmd->words[i].text, verbs[k]) == 0)
                return true;
    return false;
}

/* cmake configuring CUDA: -DCMAKE_CUDA_ARCHITECTURES=..., -DGGML_CUDA=ON ... */
static const sh_word *cmake_cuda_flag(const sh_command *cmd)
{
    if (strcmp(sh_program(cmd), "cmake") != 0)
        return NULL;
    for (size_t i = 1; i < cmd->nwords; i++) {
        const char *w = cmd->words[i].text;
        if (strncmp(w, "-D", 2) == 0 && strstr(w, "CUDA") &&
            (strstr(w, "CMAKE_CUDA") || strstr(w, "=ON") || strstr(w, "=on") || strstr(w, "=1")))
            return &cmd->words[i];
    }
    return NULL;
}

/* The project a name-less URL or path installs: the last path component
 * ("git+https://github.com/NVIDIA/apex@main" -> "apex", "./flash-attention"). */
static const char *name_from_url(ed_arena *arena, const char *url)
{
    size_t len = strcspn(url, "#?");
    const char *at = memchr(url, '@', len);
    const char *scheme = strstr(url, "://");
    if (at && scheme && at > scheme + 3 && strchr(at, '/') == NULL) /* @ref after the path */
        len = (size_t)(at - url);
    while (len > 0 && url[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && url[start - 1] != '/')
        start--;
    size_t end = len;
    if (end - start > 4 && strncmp(url + end - 4, ".git", 4) == 0)
        end -= 4;
    if (end <= start)
        return "";
    char buf[128];
    char *raw = ed_arena_strndup(arena, url + start, end - start);
    kb_normalise_name(raw, buf, sizeof buf);
    return ed_arena_strdup(arena, buf);
}

static void command_builds(gpu_builder *b, gpu_stage *s, size_t index)
{
    const gpu_cmd *c = &s->cmds[index];
    const sh_command *cmd = c->cmd;
    if (cmd->nwords == 0)
        return;
    if (strcmp(sh_program(cmd), "nvcc") == 0) {
        add_build(b, s, index, "nvcc is run", NULL, NULL, gpu_word_span(c, &cmd->words[0]));
        return;
    }
    const sh_word *flag = cmake_cuda_flag(cmd);
    if (flag) {
        add_build(b, s, index, ed_arena_printf(b->arena, "cmake configures a CUDA build (%s)", flag->text),
                  NULL, NULL, gpu_word_span(c, flag));
        return;
    }
    bool cuda_env = gpu_truthy(gpu_cmd_var(b->model, c, "FORCE_CUDA")) ||
                    gpu_cmd_var(b->model, c, "TORCH_CUDA_ARCH_LIST");
    if (is_setup_py_build(cmd) && cuda_env) {
        add_build(b, s, index, "setup.py builds a CUDA extension (FORCE_CUDA / TORCH_CUDA_ARCH_LIST set)",
                  NULL, NULL, gpu_word_span(c, &cmd->words[1]));
        return;
    }
    const sh_pkgcmd *pkg = c->pkg;
    if (!pkg || (pkg->action != SH_ACT_INSTALL && pkg->action != SH_ACT_WHEEL) ||
        (pkg->manager != SH_PM_PIP && pkg->manager != SH_PM_UV_PIP && pkg->manager != SH_PM_UV_ADD))
        return;
    for (size_t i = 0; i < pkg->nreqs; i++) {
        const sh_req *r = &pkg->reqs[i];
        const char *name = *r->name ? r->name : r->url ? name_from_url(b->arena, r->url) : "";
        const kb_cuda_package *p = *name ? kb_cuda_package_find(b->model->kb, name) : NULL;
        const char *why = NULL;
        if (p)
            why = python_build_reason(b, c, r, p);
        else if (r->is_local && cuda_env)
            why = ed_arena_printf(b->arena, "%s is built with FORCE_CUDA / TORCH_CUDA_ARCH_LIST set",
                                  *r->name ? r->name : r->url);
        if (why)
            add_build(b, s, index, why, p ? p->name : (*name ? name : NULL), p, gpu_req_span(c, r));
    }
}

static void command_toolkits(gpu_builder *b, gpu_stage *s, size_t index)
{
    const gpu_cmd *c = &s->cmds[index];
    const sh_pkgcmd *pkg = c->pkg;
    if (!pkg || pkg->action != SH_ACT_INSTALL)
        return;
    kb_pkg_manager manager;
    if (!gpu_native_manager(pkg->manager, &manager))
        return;
    for (size_t i = 0; i < pkg->nreqs; i++) {
        kb_os_package info;
        if (!kb_os_package_find(b->model->kb, manager, pkg->reqs[i].name, &info) ||
            info.cls != KB_PKG_TOOLKIT)
            continue;
        /* a name without a version (conda cuda-nvcc=12.1): the exact pin's */
        kb_version version = info.version;
        if (version.major < 0 &&
            !(pkg->reqs[i].pinned && kb_version_parse(pkg->reqs[i].pinned, &version)))
            version = KB_VERSION_NONE;
        s->toolkits = ed_arena_push(b->arena, s->toolkits, s->ntoolkits, sizeof *s->toolkits);
        s->toolkits[s->ntoolkits++] = (gpu_toolkit){index, c->onbuild, &pkg->reqs[i], version,
                                                     info.nvcc, gpu_req_span(c, &pkg->reqs[i])};
    }
}

void gpu_find_builds(gpu_builder *b, gpu_stage *s)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        command_toolkits(b, s, i);
        command_builds(b, s, i);
    }
}
