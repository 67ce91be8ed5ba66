/* Package-manager argument models: every manager and form, the false
 * positives/negatives of the old tool (env-doctor-python.md §4.1) as model
 * assertions, PEP 508 and requirements files. Positions are checked
 * against the script text. */
#include "testutil.h"

#include <stdbool.h>
#include <string.h>

#include "envdoctor/arena.h"
#include "envdoctor/pkgcmd.h"
#include "envdoctor/shell.h"

/* Each test gets a fresh arena through setup/teardown. */
static int setup(void **state)
{
    *state = ed_arena_new();
    return 0;
}

static int teardown(void **state)
{
    ed_arena_free(*state);
    return 0;
}

/* The package command of command `idx` of the script (which must be one). */
static const sh_pkgcmd *pk(ed_arena *arena, const char *text, size_t idx)
{
    sh_script *s = sh_parse(arena, text, strlen(text));
    assert_true(idx < s->ncmds);
    sh_pkgcmd *p = ed_arena_calloc(arena, 1, sizeof *p);
    assert_true(sh_pkgcmd_parse(arena, &s->cmds[idx], p));
    return p;
}

/* Is command `idx` of the script a package command? */
static bool is_pk(ed_arena *arena, const char *text, size_t idx)
{
    sh_script *s = sh_parse(arena, text, strlen(text));
    assert_true(idx < s->ncmds);
    sh_pkgcmd p;
    bool ok = sh_pkgcmd_parse(arena, &s->cmds[idx], &p);
    if (!ok) {
        assert_int_equal(p.manager, SH_PM_NONE);
        assert_int_equal(p.nreqs, 0);
    }
    return ok;
}

static void assert_opt_str(const char *actual, const char *expected)
{
    if (!expected) {
        assert_null(actual);
    } else {
        assert_non_null(actual);
        assert_string_equal(actual, expected);
    }
}

/* text[start..end) is `expected` */
static void assert_at(const char *text, size_t start, size_t end, const char *expected)
{
    assert_true(start <= end);
    assert_mem_str(text + start, end - start, expected);
}

/* A requirement: its name, specifier and pin, and its name token at the
 * position of `token` in the text. */
static void assert_req(const char *text, const sh_req *r, const char *name, const char *spec,
                       const char *pinned, const char *token)
{
    assert_string_equal(r->name, name);
    assert_opt_str(r->specifier, spec);
    assert_opt_str(r->pinned, pinned);
    assert_at(text, r->name_start, r->name_end, token);
}

static void assert_word(const char *text, const sh_word *w, const char *value)
{
    assert_non_null(w);
    assert_string_equal(w->text, value);
    assert_at(text, w->start, w->end, value);
}

/* ---- §4.1 of env-doctor-python.md, as model assertions ---- */

/* 1. pip3 is a pip */
static void test_case1_pip3(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip3 install torch torchvision";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_PIP);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_string_equal(p->program, "pip3");
    assert_int_equal(p->nreqs, 2);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    assert_req(t, &p->reqs[1], "torchvision", NULL, NULL, "torchvision");
    assert_null(p->index_url);
}

static void test_case1_pip_spellings(void **state)
{
    ed_arena *a = *state;
    static const char *const progs[] = {"pip", "pip2", "pip3.11", "pip3.9", "/usr/bin/pip3",
                                        "/opt/conda/bin/pip"};
    static const char *const names[] = {"pip", "pip2", "pip3.11", "pip3.9", "pip3", "pip"};
    for (size_t k = 0; k < sizeof progs / sizeof progs[0]; k++) {
        const char *t = ed_arena_printf(a, "%s install torch", progs[k]);
        const sh_pkgcmd *p = pk(a, t, 0);
        assert_int_equal(p->manager, SH_PM_PIP);
        assert_string_equal(p->program, names[k]);
        assert_string_equal(p->reqs[0].name, "torch");
    }
    assert_false(is_pk(a, "pipenv install torch", 0));
    assert_false(is_pk(a, "pip-compile reqs.in", 0));
}

static void test_case1_python_m_pip(void **state)
{
    ed_arena *a = *state;
    const char *t = "python3 -m pip install --upgrade pip && python3.11 -u -m pip install torch"
                    " && /opt/venv/bin/python -mpip install x && python -X utf8 -m pip install y";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_PIP);
    assert_string_equal(p->program, "python3 -m pip");
    assert_true(p->upgrade);
    assert_req(t, &p->reqs[0], "pip", NULL, NULL, "pip");
    assert_string_equal(p->reqs[0].name, "pip");
    assert_int_equal(p->reqs[0].name_start, (size_t)(strstr(t, "pip &&") - t));
    p = pk(a, t, 1);
    assert_string_equal(p->program, "python3.11 -m pip");
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    p = pk(a, t, 2);
    assert_string_equal(p->program, "python -m pip");
    assert_string_equal(p->reqs[0].name, "x");
    p = pk(a, t, 3);
    assert_string_equal(p->reqs[0].name, "y");
    assert_int_equal(p->nreqs, 1);
}

static void test_case1_python_not_pip(void **state)
{
    ed_arena *a = *state;
    assert_false(is_pk(a, "python -c \"import torch; print(torch.cuda.is_available())\"", 0));
    assert_false(is_pk(a, "python3 setup.py install", 0));
    assert_false(is_pk(a, "python3 -m venv /opt/venv", 0));
    assert_false(is_pk(a, "python3 -m", 0));
    assert_false(is_pk(a, "python", 0));
}

/* 2. uv pip with its own index options */
static void test_case2_uv_pip(void **state)
{
    ed_arena *a = *state;
    const char *t = "uv pip install --system torch --torch-backend=cu126";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_UV_PIP);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_string_equal(p->program, "uv pip");
    assert_true(p->system);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    assert_word(t, p->torch_backend, "cu126");
    t = "uv pip install --torch-backend auto -p 3.12 --index-url https://download.pytorch.org/whl/cu124 torch";
    p = pk(a, t, 0);
    assert_word(t, p->torch_backend, "auto");
    assert_word(t, p->index_url, "https://download.pytorch.org/whl/cu124");
    assert_int_equal(p->nreqs, 1);
    assert_string_equal(p->reqs[0].name, "torch");
}

/* 3. -i is --index-url, in every spelling */
static void test_case3_short_index(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install torch -i https://download.pytorch.org/whl/cu121";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_word(t, p->index_url, "https://download.pytorch.org/whl/cu121");
    assert_int_equal(p->nreqs, 1);
    t = "pip install --index-url=https://download.pytorch.org/whl/cu118 torch";
    p = pk(a, t, 0);
    assert_word(t, p->index_url, "https://download.pytorch.org/whl/cu118");
    t = "pip install -ihttps://x/cu124 torch";
    p = pk(a, t, 0);
    assert_word(t, p->index_url, "https://x/cu124");
    t = "pip install --index https://x/cu126 torch"; /* optparse abbreviation */
    p = pk(a, t, 0);
    assert_word(t, p->index_url, "https://x/cu126");
    assert_int_equal(p->nreqs, 1);
}

/* 4. -f only as an option of pip */
static void test_case4_force_reinstall(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install --force-reinstall torch && rm -f /tmp/x";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_true(p->force_reinstall);
    assert_int_equal(p->nfind_links, 0);
    assert_int_equal(p->nreqs, 1);
    assert_string_equal(p->reqs[0].name, "torch");
    assert_false(is_pk(a, t, 1));
    t = "pip install -f https://download.pytorch.org/whl/torch_stable.html torch==1.10.0+cu111";
    p = pk(a, t, 0);
    assert_int_equal(p->nfind_links, 1);
    assert_word(t, p->find_links[0], "https://download.pytorch.org/whl/torch_stable.html");
    assert_req(t, &p->reqs[0], "torch", "==1.10.0+cu111", "1.10.0+cu111", "torch");
}

/* 5. exact package tokens */
static void test_case5_exact_names(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install torchmetrics && python -c \"import torch\"";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "torchmetrics", NULL, NULL, "torchmetrics");
    assert_false(is_pk(a, t, 1));
}

/* 6. tensorflow-* are other packages; quoted extras are seen */
static void test_case6_tensorflow(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install tensorflow-datasets tensorflow_hub \"tensorflow[and-cuda]==2.15.0\"";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 3);
    assert_req(t, &p->reqs[0], "tensorflow-datasets", NULL, NULL, "tensorflow-datasets");
    assert_req(t, &p->reqs[1], "tensorflow-hub", NULL, NULL, "tensorflow_hub");
    assert_string_equal(p->reqs[1].raw_name, "tensorflow_hub");
    assert_req(t, &p->reqs[2], "tensorflow", "==2.15.0", "2.15.0", "tensorflow");
    assert_int_equal(p->reqs[2].nextras, 1);
    assert_string_equal(p->reqs[2].extras[0], "and-cuda");
}

/* 7. quoted and ranged specifiers */
static void test_case7_quoted_specs(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install \"torch==2.5.0\" --index-url https://download.pytorch.org/whl/cu118";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "torch", "==2.5.0", "2.5.0", "torch");
    assert_int_equal(p->reqs[0].name_start, 13); /* inside the quotes */
    assert_word(t, p->index_url, "https://download.pytorch.org/whl/cu118");
    t = "pip install 'torch>=2.1,<2.3' \"jax[cuda12]\" 'jax[cuda12_local] >= 0.4.20'";
    p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 3);
    assert_req(t, &p->reqs[0], "torch", ">=2.1,<2.3", NULL, "torch");
    assert_req(t, &p->reqs[1], "jax", NULL, NULL, "jax");
    assert_int_equal(p->reqs[1].nextras, 1);
    assert_string_equal(p->reqs[1].extras[0], "cuda12");
    assert_req(t, &p->reqs[2], "jax", ">=0.4.20", NULL, "jax");
    assert_string_equal(p->reqs[2].extras[0], "cuda12_local");
}

/* 8. requirements files do not hide the rest of the line */
static void test_case8_requirements(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install -r requirements.txt && pip install torch";
    sh_script *s = sh_parse(a, t, strlen(t));
    assert_int_equal(s->ncmds, 2);
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nrequirement_files, 1);
    assert_word(t, p->requirement_files[0], "requirements.txt");
    assert_int_equal(p->nreqs, 0);
    p = pk(a, t, 1);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    t = "pip install --requirement=reqs/gpu.txt -c constraints.txt --constraint=c2.txt -rr3.txt x";
    p = pk(a, t, 0);
    assert_int_equal(p->nrequirement_files, 2);
    assert_word(t, p->requirement_files[0], "reqs/gpu.txt");
    assert_word(t, p->requirement_files[1], "r3.txt");
    assert_int_equal(p->nconstraint_files, 2);
    assert_word(t, p->constraint_files[0], "constraints.txt");
    assert_word(t, p->constraint_files[1], "c2.txt");
    assert_int_equal(p->nreqs, 1);
    assert_string_equal(p->reqs[0].name, "x");
}

/* 9. heredoc bodies and exec form are commands too */
static void test_case9_heredoc_body(void **state)
{
    ed_arena *a = *state;
    /* the body of RUN <<EOF ... EOF, as the Dockerfile layer hands it over */
    const char *t = "set -e\npip install torch\napt-get install -y nvidia-driver-535\n";
    const sh_pkgcmd *p = pk(a, t, 1);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    p = pk(a, t, 2);
    assert_int_equal(p->manager, SH_PM_APT);
    assert_req(t, &p->reqs[0], "nvidia-driver-535", NULL, NULL, "nvidia-driver-535");
}

static void test_case9_exec_form(void **state)
{
    ed_arena *a = *state;
    const char *t = "RUN [\"pip\", \"install\", \"torch\"]";
    const char *argv[] = {"pip", "install", "torch"};
    const size_t starts[] = {5, 12, 23}, ends[] = {10, 21, 30};
    sh_script *s = sh_from_argv(a, argv, starts, ends, 3);
    sh_pkgcmd p;
    assert_true(sh_pkgcmd_parse(a, &s->cmds[0], &p));
    assert_int_equal(p.action, SH_ACT_INSTALL);
    assert_req(t, &p.reqs[0], "torch", NULL, NULL, "torch");
}

/* 10. continuation lines: comments are gone from Docker's logical line */
static void test_case10_continuations(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install     torch"; /* RUN pip install \ / # gpu lib / torch */
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    t = "pip install \\\n    --no-cache-dir \\\n    torch";
    p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
}

/* 15. compile detection needs exact names and whole URLs */
static void test_case15_build_packages(void **state)
{
    ed_arena *a = *state;
    const char *t = "apt-get install -y build-essential libgcc-s1";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 2);
    assert_req(t, &p->reqs[0], "build-essential", NULL, NULL, "build-essential");
    /* `#egg=` inside a word is not a comment */
    t = "pip install git+https://github.com/Dao-AILab/flash-attention.git#egg=flash-attn "
        "--no-build-isolation";
    p = pk(a, t, 0);
    assert_true(p->no_build_isolation);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "flash-attn", NULL, NULL, "flash-attn");
    assert_string_equal(p->reqs[0].url,
                        "git+https://github.com/Dao-AILab/flash-attention.git#egg=flash-attn");
    assert_false(p->reqs[0].is_local);
}

/* 22. driver packages behind flags, with every manager */
static void test_case22_drivers(void **state)
{
    ed_arena *a = *state;
    const char *t = "apt-get -y install nvidia-driver-535 && apt-get install -y git && "
                    "echo nvidia-utils-535";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_APT);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_string_equal(p->subcommand->text, "install");
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "nvidia-driver-535", NULL, NULL, "nvidia-driver-535");
    p = pk(a, t, 1);
    assert_int_equal(p->nreqs, 1);
    assert_string_equal(p->reqs[0].name, "git"); /* not the echo after && */
    assert_false(is_pk(a, t, 2));
    t = "yum -y install kmod-nvidia-latest-dkms && microdnf install -y nvidia-driver-cuda && "
        "apk add nvidia-utils && zypper -n in nvidia-computeG05";
    p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_DNF);
    assert_req(t, &p->reqs[0], "kmod-nvidia-latest-dkms", NULL, NULL, "kmod-nvidia-latest-dkms");
    p = pk(a, t, 1);
    assert_int_equal(p->manager, SH_PM_DNF);
    assert_string_equal(p->program, "microdnf");
    assert_req(t, &p->reqs[0], "nvidia-driver-cuda", NULL, NULL, "nvidia-driver-cuda");
    p = pk(a, t, 2);
    assert_int_equal(p->manager, SH_PM_APK);
    assert_req(t, &p->reqs[0], "nvidia-utils", NULL, NULL, "nvidia-utils");
    p = pk(a, t, 3);
    assert_int_equal(p->manager, SH_PM_ZYPPER);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_req(t, &p->reqs[0], "nvidia-computeG05", NULL, NULL, "nvidia-computeG05");
}

static void test_case22_dnf_module(void **state)
{
    ed_arena *a = *state;
    const char *t = "dnf module install -y nvidia-driver:latest-dkms";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_DNF);
    assert_int_equal(p->action, SH_ACT_MODULE_INSTALL);
    assert_string_equal(p->subcommand->text, "module");
    assert_string_equal(p->module_spec, "nvidia-driver:latest-dkms");
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "nvidia-driver", "latest-dkms", NULL, "nvidia-driver");
    t = "dnf -y module enable nvidia-driver:535";
    p = pk(a, t, 0);
    assert_int_equal(p->action, SH_ACT_OTHER);
    assert_string_equal(p->module_spec, "nvidia-driver:535");
}

/* 23. cuda-compat is its own package; paths are no packages */
static void test_case23_cuda_compat(void **state)
{
    ed_arena *a = *state;
    const char *t = "apt-get install -y cuda-compat-12-1 && ln -s /usr/local/cuda /opt/cuda";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "cuda-compat-12-1", NULL, NULL, "cuda-compat-12-1");
    assert_false(is_pk(a, t, 1));
}

/* ---- pip forms ---- */

static void test_pip_flash_attn_env(void **state)
{
    ed_arena *a = *state;
    const char *t = "MAX_JOBS=4 pip install flash-attn --no-build-isolation";
    sh_script *s = sh_parse(a, t, strlen(t));
    assert_int_equal(s->cmds[0].nassigns, 1);
    assert_string_equal(s->cmds[0].assigns[0].text, "MAX_JOBS=4");
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_true(p->no_build_isolation);
    assert_int_equal(p->cmd->nassigns, 1);
    assert_string_equal(p->cmd->assigns[0].text, "MAX_JOBS=4");
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "flash-attn", NULL, NULL, "flash-attn");
}

static void test_pip_options_with_values(void **state)
{
    ed_arena *a = *state;
    const char *t =
        "pip install --target /opt/t --prefix /p -t /t2 --platform manylinux2014_x86_64 "
        "--python-version 3.11 --only-binary :all: --no-binary flash-attn --progress-bar off "
        "--cache-dir /c --root /r --src /s --log /l --timeout 60 --retries 3 "
        "--trusted-host h --proxy http://p --upgrade-strategy eager --implementation cp "
        "--abi cp311 --exists-action w --root-user-action ignore --report r.json "
        "--config-settings x=y --global-option --cuda_ext -C y=z torch";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    assert_string_equal(p->only_binary, ":all:");
    assert_string_equal(p->no_binary, "flash-attn");
    assert_false(p->no_binary_all);
    assert_int_equal(p->nbuild_options, 3);
    assert_word(t, p->build_options[1], "--cuda_ext");
}

static void test_pip_flags(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install -qU --pre --user --no-deps --no-index --no-binary=:all: "
                    "--no-cache-dir -v --extra-index-url https://a --extra-index-url=https://b "
                    "--find-links=/wheels x";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_true(p->upgrade);
    assert_true(p->pre);
    assert_true(p->user);
    assert_true(p->no_deps);
    assert_true(p->no_index);
    assert_true(p->no_binary_all);
    assert_string_equal(p->no_binary, ":all:");
    assert_int_equal(p->nextra_index_urls, 2);
    assert_word(t, p->extra_index_urls[0], "https://a");
    assert_word(t, p->extra_index_urls[1], "https://b");
    assert_word(t, p->find_links[0], "/wheels");
    assert_int_equal(p->nreqs, 1);
}

static void test_pip_global_options_before_subcommand(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip --no-cache-dir --proxy http://p:3128 -q install -i https://x torch";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_string_equal(p->subcommand->text, "install");
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_word(t, p->index_url, "https://x");
    assert_int_equal(p->nreqs, 1);
}

static void test_pip_vcs_and_urls(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install git+https://github.com/NVIDIA/apex#egg=apex "
                    "'flash-attn @ https://github.com/x/flash_attn-2.5.8+cu122torch2.3-cp310-cp310-linux_x86_64.whl' "
                    "https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp310-cp310-linux_x86_64.whl "
                    "git+https://github.com/NVlabs/tiny-cuda-nn/#subdirectory=bindings/torch";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 4);
    assert_req(t, &p->reqs[0], "apex", NULL, NULL, "apex");
    assert_string_equal(p->reqs[0].url, "git+https://github.com/NVIDIA/apex#egg=apex");
    assert_false(p->reqs[0].is_local);
    assert_req(t, &p->reqs[1], "flash-attn", NULL, NULL, "flash-attn");
    assert_string_equal(p->reqs[1].url,
                        "https://github.com/x/flash_attn-2.5.8+cu122torch2.3-cp310-cp310-linux_x86_64.whl");
    /* a wheel URL names its package and version */
    assert_req(t, &p->reqs[2], "torch", "==2.1.0%2Bcu121", "2.1.0%2Bcu121", "torch");
    /* no #egg=: no name, the URL says it all */
    assert_string_equal(p->reqs[3].name, "");
    assert_string_equal(p->reqs[3].url,
                        "git+https://github.com/NVlabs/tiny-cuda-nn/#subdirectory=bindings/torch");
    assert_at(t, p->reqs[3].name_start, p->reqs[3].name_end, p->reqs[3].url);
}

static void test_pip_local(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install . ./src /opt/apex dist/flash_attn-2.5.8-cp310-cp310-linux_x86_64.whl "
                    "mamba_ssm-2.2.2.tar.gz -e . --editable=git+https://github.com/x/y#egg=y";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 7);
    /* the editables are recorded as they are read */
    assert_true(p->reqs[0].editable);
    assert_string_equal(p->reqs[0].url, ".");
    assert_true(p->reqs[0].is_local);
    assert_true(p->reqs[1].editable);
    assert_req(t, &p->reqs[1], "y", NULL, NULL, "y");
    assert_int_equal(p->neditables, 2);
    assert_word(t, p->editables[0], ".");
    const sh_req *r = &p->reqs[2];
    assert_string_equal(r->name, "");
    assert_string_equal(r->url, ".");
    assert_true(r->is_local);
    assert_false(r->editable);
    assert_string_equal(p->reqs[3].url, "./src");
    assert_true(p->reqs[3].is_local);
    assert_string_equal(p->reqs[4].url, "/opt/apex");
    assert_req(t, &p->reqs[5], "flash-attn", "==2.5.8", "2.5.8", "flash_attn");
    assert_true(p->reqs[5].is_local);
    assert_req(t, &p->reqs[6], "mamba-ssm", "==2.2.2", "2.2.2", "mamba_ssm");
}

static void test_pip_uninstall_download_wheel(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip uninstall -y torch torchvision; pip download -d /w torch==2.1.0; "
                    "pip wheel -w /wheels --no-deps flash-attn==2.5.8; pip list; pip";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    assert_int_equal(p->nreqs, 2);
    p = pk(a, t, 1);
    assert_int_equal(p->action, SH_ACT_DOWNLOAD);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "torch", "==2.1.0", "2.1.0", "torch");
    p = pk(a, t, 2);
    assert_int_equal(p->action, SH_ACT_WHEEL);
    assert_true(p->no_deps);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "flash-attn", "==2.5.8", "2.5.8", "flash-attn");
    p = pk(a, t, 3);
    assert_int_equal(p->action, SH_ACT_OTHER);
    assert_int_equal(p->nreqs, 0);
    p = pk(a, t, 4);
    assert_null(p->subcommand);
    assert_int_equal(p->action, SH_ACT_OTHER);
}

static void test_pip_config_set(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip config set global.index-url https://download.pytorch.org/whl/cu121 && "
                    "pip3 config set global.extra-index-url https://x";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->action, SH_ACT_OTHER);
    assert_word(t, p->index_url, "https://download.pytorch.org/whl/cu121");
    p = pk(a, t, 1);
    assert_int_equal(p->nextra_index_urls, 1);
    assert_word(t, p->extra_index_urls[0], "https://x");
}

static void test_pip_wrapped_and_payload(void **state)
{
    ed_arena *a = *state;
    const char *t = "sudo -H pip install torch; bash -c 'python3 -m pip install \"torch==2.1\"'";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    assert_false(is_pk(a, t, 1)); /* bash itself */
    p = pk(a, t, 2);
    assert_int_equal(p->cmd->depth, 1);
    assert_req(t, &p->reqs[0], "torch", "==2.1", "2.1", "torch");
}

static void test_pip_variables(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install torch==${TORCH_VERSION}+cu121 $EXTRA_PKGS \"${PKG}[gpu]\"";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 3);
    assert_req(t, &p->reqs[0], "torch", "==${TORCH_VERSION}+cu121", "${TORCH_VERSION}+cu121",
               "torch");
    assert_true(p->reqs[0].word->has_expansion);
    assert_req(t, &p->reqs[1], "$EXTRA_PKGS", NULL, NULL, "$EXTRA_PKGS");
    assert_req(t, &p->reqs[2], "${PKG}", NULL, NULL, "${PKG}");
    assert_string_equal(p->reqs[2].extras[0], "gpu");
}

static void test_pip_non_pkg_commands(void **state)
{
    ed_arena *a = *state;
    assert_false(is_pk(a, "echo pip install torch", 0));
    assert_false(is_pk(a, "ls -la", 0));
    assert_false(is_pk(a, "A=1", 0));
    assert_false(is_pk(a, "nvidia-smi", 0));
    sh_pkgcmd p;
    assert_false(sh_pkgcmd_parse(a, NULL, &p));
}

/* ---- uv ---- */

static void test_uv_indexes(void **state)
{
    ed_arena *a = *state;
    const char *t = "uv pip install --index pytorch=https://download.pytorch.org/whl/cu121 "
                    "--default-index https://pypi.org/simple --extra-index-url https://e "
                    "--no-build-isolation-package flash-attn -r requirements.txt torch";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nextra_index_urls, 2);
    assert_word(t, p->extra_index_urls[0], "https://download.pytorch.org/whl/cu121");
    assert_word(t, p->extra_index_urls[1], "https://e");
    assert_word(t, p->index_url, "https://pypi.org/simple");
    assert_int_equal(p->nno_build_isolation_packages, 1);
    assert_word(t, p->no_build_isolation_packages[0], "flash-attn");
    assert_word(t, p->requirement_files[0], "requirements.txt");
    assert_int_equal(p->nreqs, 1);
    assert_string_equal(p->reqs[0].name, "torch");
}

static void test_uv_add_remove_sync(void **state)
{
    ed_arena *a = *state;
    const char *t = "uv add --index pytorch=https://x torch \"jax[cuda12]>=0.4\"; uv remove numpy; "
                    "uv pip sync requirements.txt; uv pip uninstall torch; uv sync --frozen; "
                    "uv --directory /app pip install --python /usr/bin/python3 x";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_UV_ADD);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_string_equal(p->program, "uv add");
    assert_int_equal(p->nreqs, 2);
    assert_req(t, &p->reqs[1], "jax", ">=0.4", NULL, "jax");
    assert_word(t, p->extra_index_urls[0], "https://x");
    p = pk(a, t, 1);
    assert_int_equal(p->manager, SH_PM_UV_ADD);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    p = pk(a, t, 2);
    assert_int_equal(p->manager, SH_PM_UV_PIP);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_int_equal(p->nreqs, 0);
    assert_word(t, p->requirement_files[0], "requirements.txt");
    p = pk(a, t, 3);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    p = pk(a, t, 4);
    assert_int_equal(p->manager, SH_PM_UV);
    assert_int_equal(p->action, SH_ACT_OTHER);
    assert_string_equal(p->subcommand->text, "sync");
    p = pk(a, t, 5);
    assert_int_equal(p->manager, SH_PM_UV_PIP);
    assert_int_equal(p->nreqs, 1);
    assert_string_equal(p->reqs[0].name, "x");
}

/* ---- pipx ---- */

static void test_pipx(void **state)
{
    ed_arena *a = *state;
    const char *t = "pipx install --pip-args='--index-url https://p/cu121 --pre' nvitop; "
                    "pipx inject myvenv torch; pipx uninstall nvitop; python3 -m pipx install x";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_PIPX);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_int_equal(p->nreqs, 1);
    assert_string_equal(p->reqs[0].name, "nvitop");
    assert_word(t, p->index_url, "https://p/cu121");
    assert_true(p->pre);
    p = pk(a, t, 1);
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "torch", NULL, NULL, "torch");
    p = pk(a, t, 2);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    p = pk(a, t, 3);
    assert_string_equal(p->program, "python3 -m pipx");
    assert_string_equal(p->reqs[0].name, "x");
}

/* ---- conda ---- */

static void test_conda_pytorch_cuda(void **state)
{
    ed_arena *a = *state;
    const char *t = "conda install -y -c pytorch -c nvidia pytorch pytorch-cuda=12.1";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_CONDA);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_int_equal(p->nreqs, 2);
    assert_req(t, &p->reqs[0], "pytorch", NULL, NULL, "pytorch");
    assert_req(t, &p->reqs[1], "pytorch-cuda", "=12.1", "12.1", "pytorch-cuda");
    assert_int_equal(p->nchannels, 2);
    assert_word(t, p->channels[0], "pytorch");
    assert_word(t, p->channels[1], "nvidia");
    assert_null(p->index_url);
}

static void test_conda_specs(void **state)
{
    ed_arena *a = *state;
    const char *t = "mamba install --channel=conda-forge \"jaxlib=*=*cuda*\" 'conda-forge::numpy>=1.2' "
                    "'pytorch 2.1.0 cuda*' cudatoolkit==11.8 \"pytorch[version='>=2.1',build=*cuda*]\" "
                    "python=3.11.* cuda-nvcc";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_string_equal(p->program, "mamba");
    assert_word(t, p->channels[0], "conda-forge");
    assert_int_equal(p->nreqs, 7);
    assert_req(t, &p->reqs[0], "jaxlib", "=*", NULL, "jaxlib");
    assert_string_equal(p->reqs[0].build, "*cuda*");
    assert_req(t, &p->reqs[1], "numpy", ">=1.2", NULL, "numpy");
    assert_string_equal(p->reqs[1].channel, "conda-forge");
    assert_req(t, &p->reqs[2], "pytorch", "2.1.0", "2.1.0", "pytorch");
    assert_string_equal(p->reqs[2].build, "cuda*");
    assert_req(t, &p->reqs[3], "cudatoolkit", "==11.8", "11.8", "cudatoolkit");
    assert_req(t, &p->reqs[4], "pytorch", ">=2.1", NULL, "pytorch");
    assert_string_equal(p->reqs[4].build, "*cuda*");
    assert_req(t, &p->reqs[5], "python", "=3.11.*", NULL, "python");
    assert_req(t, &p->reqs[6], "cuda-nvcc", NULL, NULL, "cuda-nvcc");
}

static void test_conda_create_env_remove(void **state)
{
    ed_arena *a = *state;
    const char *t = "micromamba create -y -n env -f env.yml -r /opt/mamba python=3.11; "
                    "conda create -n empty; conda env create -f environment.yml; "
                    "conda remove -y --force pytorch; conda update -n base conda";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_string_equal(p->program, "micromamba");
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_word(t, p->requirement_files[0], "env.yml");
    assert_int_equal(p->nreqs, 1);
    assert_req(t, &p->reqs[0], "python", "=3.11", "3.11", "python");
    p = pk(a, t, 1);
    assert_int_equal(p->action, SH_ACT_OTHER); /* nothing to install */
    p = pk(a, t, 2);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_string_equal(p->subcommand->text, "env");
    assert_word(t, p->requirement_files[0], "environment.yml");
    p = pk(a, t, 3);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    assert_string_equal(p->reqs[0].name, "pytorch");
    p = pk(a, t, 4);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_true(p->upgrade);
    assert_string_equal(p->reqs[0].name, "conda");
}

/* ---- apt ---- */

static void test_apt_forms(void **state)
{
    ed_arena *a = *state;
    const char *t = "apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold "
                    "-t jammy-backports nvidia-driver-535=535.104.05-0ubuntu1 libfoo:amd64 "
                    "bar/jammy ./pkgs/nvidia-utils-535_535.104.05-0ubuntu1_amd64.deb "
                    "cuda-toolkit-${CUDA_MAJOR}-${CUDA_MINOR}";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 5);
    assert_req(t, &p->reqs[0], "nvidia-driver-535", "535.104.05-0ubuntu1", "535.104.05-0ubuntu1",
               "nvidia-driver-535");
    assert_req(t, &p->reqs[1], "libfoo", NULL, NULL, "libfoo");
    assert_req(t, &p->reqs[2], "bar", NULL, NULL, "bar");
    assert_req(t, &p->reqs[3], "nvidia-utils-535", "535.104.05-0ubuntu1", "535.104.05-0ubuntu1",
               "nvidia-utils-535");
    assert_true(p->reqs[3].is_local);
    assert_req(t, &p->reqs[4], "cuda-toolkit-${CUDA_MAJOR}-${CUDA_MINOR}", NULL, NULL,
               "cuda-toolkit-${CUDA_MAJOR}-${CUDA_MINOR}");
}

static void test_apt_subcommands(void **state)
{
    ed_arena *a = *state;
    const char *t = "apt-get update; apt install -y x; aptitude install y; apt-get purge -y z; "
                    "apt-get -qq remove w; apt-get -y upgrade; apt-get reinstall v";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->action, SH_ACT_OTHER);
    assert_int_equal(p->nreqs, 0);
    p = pk(a, t, 1);
    assert_string_equal(p->program, "apt");
    assert_int_equal(p->action, SH_ACT_INSTALL);
    p = pk(a, t, 2);
    assert_string_equal(p->program, "aptitude");
    assert_string_equal(p->reqs[0].name, "y");
    p = pk(a, t, 3);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    p = pk(a, t, 4);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    assert_string_equal(p->reqs[0].name, "w");
    p = pk(a, t, 5);
    assert_int_equal(p->action, SH_ACT_OTHER);
    assert_true(p->upgrade);
    p = pk(a, t, 6);
    assert_int_equal(p->action, SH_ACT_INSTALL);
}

/* ---- dnf / yum ---- */

static void test_dnf_forms(void **state)
{
    ed_arena *a = *state;
    const char *t = "dnf install -y --setopt=install_weak_deps=False --enablerepo cuda "
                    "--disablerepo=epel -x kernel* /tmp/cuda-drivers-535.104.05-1.el8.x86_64.rpm "
                    "\"foo >= 1.0\" @development https://r/x/nvidia-kmod-535.1-1.el9.noarch.rpm "
                    "cuda-toolkit-12-4";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 5);
    assert_req(t, &p->reqs[0], "cuda-drivers", "535.104.05-1.el8", "535.104.05-1.el8",
               "cuda-drivers");
    assert_true(p->reqs[0].is_local);
    assert_req(t, &p->reqs[1], "foo", ">=1.0", NULL, "foo");
    assert_req(t, &p->reqs[2], "@development", NULL, NULL, "@development");
    assert_req(t, &p->reqs[3], "nvidia-kmod", "535.1-1.el9", "535.1-1.el9", "nvidia-kmod");
    assert_false(p->reqs[3].is_local);
    assert_string_equal(p->reqs[3].url, "https://r/x/nvidia-kmod-535.1-1.el9.noarch.rpm");
    assert_req(t, &p->reqs[4], "cuda-toolkit-12-4", NULL, NULL, "cuda-toolkit-12-4");
}

static void test_dnf_subcommands(void **state)
{
    ed_arena *a = *state;
    const char *t = "yum -y update; yum remove -y x; tdnf install y; dnf group install -y "
                    "'Development Tools'; dnf5 in z; yum localinstall ./a-1-1.x86_64.rpm; "
                    "dnf config-manager --add-repo https://r";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->action, SH_ACT_OTHER); /* update without packages */
    assert_true(p->upgrade);
    p = pk(a, t, 1);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    p = pk(a, t, 2);
    assert_string_equal(p->program, "tdnf");
    assert_string_equal(p->reqs[0].name, "y");
    p = pk(a, t, 3);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_string_equal(p->reqs[0].name, "Development Tools");
    p = pk(a, t, 4);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    p = pk(a, t, 5);
    assert_string_equal(p->reqs[0].name, "a");
    assert_string_equal(p->reqs[0].pinned, "1-1");
    p = pk(a, t, 6);
    assert_int_equal(p->action, SH_ACT_OTHER);
    assert_int_equal(p->nreqs, 0);
}

/* ---- apk, zypper ---- */

static void test_apk(void **state)
{
    ed_arena *a = *state;
    const char *t = "apk add --no-cache --virtual .build-deps -X https://r gcc py3-numpy=1.2-r0 "
                    "musl-dev>1.2 cuda@testing && apk del .build-deps";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_APK);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_int_equal(p->nreqs, 4);
    assert_req(t, &p->reqs[0], "gcc", NULL, NULL, "gcc");
    assert_req(t, &p->reqs[1], "py3-numpy", "=1.2-r0", "1.2-r0", "py3-numpy");
    /* unquoted, `>1.2` is a redirection to a file "1.2": the shell never passes it */
    assert_req(t, &p->reqs[2], "musl-dev", NULL, NULL, "musl-dev");
    assert_req(t, &p->reqs[3], "cuda", NULL, NULL, "cuda");
    p = pk(a, t, 1);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    assert_string_equal(p->reqs[0].name, ".build-deps");
}

static void test_zypper(void **state)
{
    ed_arena *a = *state;
    const char *t = "zypper --non-interactive -R /root --gpg-auto-import-keys install -y -r cuda "
                    "--no-recommends nvidia-gl-G06 'foo>=2' bar=1.0; zypper rm -y baz; zypper ref";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->manager, SH_PM_ZYPPER);
    assert_int_equal(p->action, SH_ACT_INSTALL);
    assert_int_equal(p->nreqs, 3);
    assert_req(t, &p->reqs[0], "nvidia-gl-G06", NULL, NULL, "nvidia-gl-G06");
    assert_req(t, &p->reqs[1], "foo", ">=2", NULL, "foo");
    assert_req(t, &p->reqs[2], "bar", "=1.0", "1.0", "bar");
    p = pk(a, t, 1);
    assert_int_equal(p->action, SH_ACT_UNINSTALL);
    p = pk(a, t, 2);
    assert_int_equal(p->action, SH_ACT_OTHER);
}

/* ---- positions through quoting and payloads ---- */

static void test_positions_in_payload(void **state)
{
    ed_arena *a = *state;
    const char *t = "bash -c \"pip install --index-url=https://download.pytorch.org/whl/cu121 "
                    "\\\"torch==2.1.0\\\" && apt-get install -y nvidia-utils-535\"";
    const sh_pkgcmd *p = pk(a, t, 1);
    assert_word(t, p->index_url, "https://download.pytorch.org/whl/cu121");
    assert_req(t, &p->reqs[0], "torch", "==2.1.0", "2.1.0", "torch");
    p = pk(a, t, 2);
    assert_req(t, &p->reqs[0], "nvidia-utils-535", NULL, NULL, "nvidia-utils-535");
}

/* ---- Where the version parts and the index options are ---- */

/* The specifier, pinned version and local label of r, as text at their
 * positions ("" for an empty range). */
static void assert_version_at(const char *text, const sh_req *r, const char *spec,
                              const char *version, const char *label)
{
    assert_at(text, r->spec_start, r->spec_end, spec);
    assert_at(text, r->version_start, r->version_end, version);
    assert_at(text, r->label_start, r->label_end, label);
}

static void test_version_positions(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install \"torch == 2.1.0+cu118\" 'jax[cuda12]>=0.4,<0.5' numpy "
                    "torchvision==0.16.0 ./torch-2.1.0+cu121-cp310-cp310-linux_x86_64.whl";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_int_equal(p->nreqs, 5);
    assert_version_at(t, &p->reqs[0], "== 2.1.0+cu118", "2.1.0+cu118", "+cu118");
    assert_version_at(t, &p->reqs[1], ">=0.4,<0.5", "", "");
    assert_int_equal(p->reqs[1].version_start, p->reqs[1].spec_end);
    assert_version_at(t, &p->reqs[2], "", "", "");
    assert_int_equal(p->reqs[2].spec_start, p->reqs[2].name_end); /* empty, after the name */
    assert_version_at(t, &p->reqs[3], "==0.16.0", "0.16.0", "");
    assert_int_equal(p->reqs[3].label_start, p->reqs[3].version_end);
    assert_version_at(t, &p->reqs[4], "2.1.0+cu121", "2.1.0+cu121", "+cu121"); /* file name */

    /* an escaped newline inside the word: the map keeps the label exact */
    t = "pip install torch==2.1.0\\\n+cu118";
    p = pk(a, t, 0);
    assert_string_equal(p->reqs[0].pinned, "2.1.0+cu118");
    assert_at(t, p->reqs[0].label_start, p->reqs[0].label_end, "+cu118");

    /* conda, apt, dnf, apk */
    t = "conda install -y pytorch-cuda=11.8 \"cudnn 8.9 cuda*\" 'cuda-nvcc>=12'";
    p = pk(a, t, 0);
    assert_version_at(t, &p->reqs[0], "=11.8", "11.8", "");
    assert_version_at(t, &p->reqs[1], "8.9", "8.9", "");
    assert_version_at(t, &p->reqs[2], ">=12", "", "");
    t = "apt-get install -y cuda-toolkit-12-4=12.4.1-1 ./x_1.2+dfsg_amd64.deb git";
    p = pk(a, t, 0);
    assert_version_at(t, &p->reqs[0], "12.4.1-1", "12.4.1-1", "");
    assert_version_at(t, &p->reqs[1], "1.2+dfsg", "1.2+dfsg", ""); /* no pip label */
    assert_version_at(t, &p->reqs[2], "", "", "");
    t = "dnf install -y 'cuda-toolkit = 12.4' 'gcc >= 11'";
    p = pk(a, t, 0);
    assert_version_at(t, &p->reqs[0], "= 12.4", "12.4", "");
    assert_version_at(t, &p->reqs[1], ">= 11", "", "");

    /* requirements-file lines: offsets in the text */
    sh_req r;
    const char *line = "torch (==2.5.1+cu124) ; sys_platform == 'linux'";
    sh_req_parse(a, line, strlen(line), &r);
    assert_version_at(line, &r, "(==2.5.1+cu124)", "2.5.1+cu124", "+cu124");
}

static void test_index_option_words(void **state)
{
    ed_arena *a = *state;
    const char *t = "pip install torch --extra-index-url=https://x/a -qi https://x/b "
                    "--extra-index-url https://x/c -fhttps://x/d --find-links https://x/e";
    const sh_pkgcmd *p = pk(a, t, 0);
    assert_word(t, p->index_url, "https://x/b");
    assert_word(t, p->index_url_option, "-qi");
    assert_int_equal(p->nextra_index_urls, 2);
    assert_word(t, p->extra_index_url_options[0], "--extra-index-url");
    assert_at(t, p->extra_index_url_options[0]->start, p->extra_index_url_options[0]->end,
              "--extra-index-url");
    assert_int_equal(p->extra_index_url_options[0]->start, 18); /* the one with '=' */
    assert_word(t, p->extra_index_urls[1], "https://x/c");
    assert_word(t, p->extra_index_url_options[1], "--extra-index-url");
    assert_int_equal(p->nfind_links, 2);
    assert_word(t, p->find_links_options[0], "-f");
    assert_word(t, p->find_links[0], "https://x/d");
    assert_word(t, p->find_links_options[1], "--find-links");

    t = "uv pip install torch --index cu=https://x/a; pip config set global.index-url https://x/b";
    p = pk(a, t, 0);
    assert_word(t, p->extra_index_urls[0], "https://x/a");
    assert_word(t, p->extra_index_url_options[0], "--index");
    p = pk(a, t, 1);
    assert_word(t, p->index_url, "https://x/b");
    assert_word(t, p->index_url_option, "global.index-url");
}

static void test_manager_families(void **state)
{
    static const sh_pm python[] = {SH_PM_PIP, SH_PM_UV_PIP, SH_PM_UV_ADD, SH_PM_PIPX};
    static const sh_pm native[] = {SH_PM_CONDA, SH_PM_APT, SH_PM_DNF, SH_PM_APK, SH_PM_ZYPPER};
    for (size_t i = 0; i < sizeof python / sizeof *python; i++) {
        assert_true(sh_pm_is_python(python[i]));
        assert_false(sh_pm_is_native(python[i]));
    }
    for (size_t i = 0; i < sizeof native / sizeof *native; i++) {
        assert_true(sh_pm_is_native(native[i]));
        assert_false(sh_pm_is_python(native[i]));
    }
    assert_false(sh_pm_is_python(SH_PM_UV) || sh_pm_is_native(SH_PM_UV));
    assert_false(sh_pm_is_python(SH_PM_NONE) || sh_pm_is_native(SH_PM_NONE));
}

/* ---- PEP 508 on its own ---- */

static void test_req_parse(void **state)
{
    ed_arena *a = *state;
    sh_req r;
    const char *t = "  Flash_Attn [cuda12 , local] (>= 2.5 , < 3) ; python_version >= \"3.9\"  ";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_null(r.word);
    assert_string_equal(r.name, "flash-attn");
    assert_string_equal(r.raw_name, "Flash_Attn");
    assert_int_equal(r.nextras, 2);
    assert_string_equal(r.extras[0], "cuda12");
    assert_string_equal(r.extras[1], "local");
    assert_string_equal(r.specifier, ">=2.5,<3");
    assert_null(r.pinned);
    assert_string_equal(r.marker, "python_version >= \"3.9\"");
    assert_int_equal(r.name_start, 2);
    assert_int_equal(r.name_end, 12);

    t = "torch===2.1.0+cu121";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_string_equal(r.pinned, "2.1.0+cu121");
    t = "torch==2.1.*";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_null(r.pinned);
    t = "torch==2.1,!=2.1.1";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_null(r.pinned);
    t = "a.b__c--D";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_string_equal(r.name, "a-b-c-d");
}

static void test_req_parse_urls(void **state)
{
    ed_arena *a = *state;
    sh_req r;
    const char *t = "apex[cuda] @ git+https://github.com/NVIDIA/apex@24.04.01 ; sys_platform == 'linux'";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_string_equal(r.name, "apex");
    assert_string_equal(r.extras[0], "cuda");
    assert_string_equal(r.url, "git+https://github.com/NVIDIA/apex@24.04.01");
    assert_string_equal(r.marker, "sys_platform == 'linux'");
    assert_null(r.specifier);
    t = "pkg @ file:///opt/pkg";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_true(r.is_local);
    t = ".";
    assert_false(sh_req_parse(a, t, strlen(t), &r));
    assert_string_equal(r.name, "");
    assert_string_equal(r.url, ".");
    assert_true(r.is_local);
    t = "git+ssh://git@github.com/x/y.git@main#egg=my_pkg[gpu]&subdirectory=py";
    assert_true(sh_req_parse(a, t, strlen(t), &r));
    assert_string_equal(r.name, "my-pkg");
    assert_string_equal(r.extras[0], "gpu");
    assert_at(t, r.name_start, r.name_end, "my_pkg");
    t = ".[gpu, dev]";
    assert_false(sh_req_parse(a, t, strlen(t), &r));
    assert_string_equal(r.url, ".");
    assert_int_equal(r.nextras, 2);
    assert_string_equal(r.extras[1], "dev");
    t = "";
    assert_false(sh_req_parse(a, t, 0, &r));
    t = ">=2";
    assert_false(sh_req_parse(a, t, strlen(t), &r));
}

static void test_req_parse_native(void **state)
{
    ed_arena *a = *state;
    sh_word w = {.text = "pytorch-cuda=12.1", .len = 17, .start = 0, .end = 17};
    sh_req r;
    assert_true(sh_req_parse_native(a, SH_PM_CONDA, &w, &r));
    assert_string_equal(r.name, "pytorch-cuda");
    assert_string_equal(r.pinned, "12.1");
    assert_int_equal(r.name_start, 0); /* no position map: the whole word */
    assert_int_equal(r.name_end, 17);
    sh_word e = {.text = "", .len = 0};
    assert_false(sh_req_parse_native(a, SH_PM_APT, &e, &r));
}

/* ---- requirements files ---- */

static void test_requirements_file(void **state)
{
    ed_arena *a = *state;
    const char *t = "# GPU stack\n"
                    "--index-url https://download.pytorch.org/whl/cu121\n"
                    "--extra-index-url=https://pypi.org/simple\n"
                    "-f https://data.pyg.org/whl/torch-2.1.0+cu121.html\n"
                    "-r base.txt\n"
                    "-c constraints.txt\n"
                    "torch==2.1.0+cu121 \\\n"
                    "    --hash=sha256:abc \\\n"
                    "    --hash=sha256:def\n"
                    "jax[cuda12] >= 0.4 ; python_version >= \"3.9\"  # trailing comment\n"
                    "flash-attn @ git+https://github.com/Dao-AILab/flash-attention#egg=flash-attn\n"
                    "-e ./local_pkg\n"
                    "numpy\\\n"
                    "<2\n"
                    "   \n"
                    "--pre\n";
    sh_reqfile f;
    sh_reqfile_parse(a, t, strlen(t), &f);
    assert_string_equal(f.index_url, "https://download.pytorch.org/whl/cu121");
    assert_int_equal(f.nextra_index_urls, 1);
    assert_string_equal(f.extra_index_urls[0], "https://pypi.org/simple");
    assert_int_equal(f.nfind_links, 1);
    assert_string_equal(f.requirement_files[0], "base.txt");
    assert_string_equal(f.constraint_files[0], "constraints.txt");
    assert_true(f.pre);
    assert_false(f.no_index);
    assert_int_equal(f.nreqs, 5);
    assert_req(t, &f.reqs[0], "torch", "==2.1.0+cu121", "2.1.0+cu121", "torch");
    assert_req(t, &f.reqs[1], "jax", ">=0.4", NULL, "jax");
    assert_string_equal(f.reqs[1].marker, "python_version >= \"3.9\"");
    assert_req(t, &f.reqs[2], "flash-attn", NULL, NULL, "flash-attn");
    assert_string_equal(f.reqs[2].url,
                        "git+https://github.com/Dao-AILab/flash-attention#egg=flash-attn");
    assert_true(f.reqs[3].editable);
    assert_string_equal(f.reqs[3].url, "./local_pkg");
    /* joined across the continuation: the name is on the first line */
    assert_req(t, &f.reqs[4], "numpy", "<2", NULL, "numpy");
}

static void test_requirements_out_params(void **state)
{
    ed_arena *a = *state;
    const char *t = "-i https://x/cu118\r\n--extra-index-url https://y\r\ntorch\r\n# c \\\nnumpy";
    sh_req *reqs;
    const char *index;
    const char **extra;
    size_t nextra;
    size_t n = sh_requirements_parse(a, t, strlen(t), &reqs, &index, &extra, &nextra);
    assert_int_equal(n, 2);
    assert_string_equal(index, "https://x/cu118");
    assert_int_equal(nextra, 1);
    assert_string_equal(extra[0], "https://y");
    assert_req(t, &reqs[0], "torch", NULL, NULL, "torch");
    assert_req(t, &reqs[1], "numpy", NULL, NULL, "numpy");
    assert_int_equal(sh_requirements_parse(a, NULL, 0, NULL, NULL, NULL, NULL), 0);
}

static void test_requirements_continued_comment(void **state)
{
    ed_arena *a = *state;
    /* pip: a comment line ends a continuation */
    const char *t = "torch \\\n# gpu\nnumpy --no-index\n--no-index";
    sh_reqfile f;
    sh_reqfile_parse(a, t, strlen(t), &f);
    assert_int_equal(f.nreqs, 2);
    assert_req(t, &f.reqs[0], "torch", NULL, NULL, "torch");
    assert_req(t, &f.reqs[1], "numpy", NULL, NULL, "numpy");
    assert_true(f.no_index);
}

/* Every prefix of a long command line: never a crash, names in range. */
static void test_every_prefix(void **state)
{
    ed_arena *a = *state;
    static const char t[] =
        "sudo -E env X=1 python3 -m pip install -qU -i https://x/cu121 --extra-index-url=https://y "
        "'torch==2.1.0+cu121' \"jax[cuda12]>=0.4 ; python_version>'3.9'\" -r r.txt -e . "
        "git+https://g/x#egg=x && conda install -c nvidia pytorch-cuda=12.1 'p[build=*cuda*]' && "
        "apt-get -y install ./a_1_amd64.deb x=1 && dnf module install m:s && apk add y@t && "
        "zypper -n in z>=1 && uv pip install --torch-backend=cu126 w && pipx install --pip-args='-i u' v";
    for (size_t len = 0; len < sizeof t; len++) {
        sh_script *s = sh_parse(a, t, len);
        for (size_t i = 0; i < s->ncmds; i++) {
            sh_pkgcmd p;
            if (!sh_pkgcmd_parse(a, &s->cmds[i], &p))
                continue;
            for (size_t k = 0; k < p.nreqs; k++) {
                assert_non_null(p.reqs[k].name);
                assert_true(p.reqs[k].name_start <= p.reqs[k].name_end);
                assert_true(p.reqs[k].name_end <= len);
            }
        }
    }
    sh_script *s = sh_parse(a, t, sizeof t - 1);
    assert_int_equal(s->ncmds, 8);
    size_t npk = 0;
    for (size_t i = 0; i < s->ncmds; i++) {
        sh_pkgcmd p;
        npk += sh_pkgcmd_parse(a, &s->cmds[i], &p);
    }
    assert_int_equal(npk, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_case1_pip3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case1_pip_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case1_python_m_pip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case1_python_not_pip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case2_uv_pip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case3_short_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case4_force_reinstall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case5_exact_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case6_tensorflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case7_quoted_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case8_requirements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case9_heredoc_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case9_exec_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case10_continuations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case15_build_packages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case22_drivers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case22_dnf_module, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case23_cuda_compat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_flash_attn_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_options_with_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_global_options_before_subcommand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_vcs_and_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_local, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_uninstall_download_wheel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_config_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_wrapped_and_payload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_variables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_non_pkg_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uv_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uv_add_remove_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conda_pytorch_cuda, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conda_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conda_create_env_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apt_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apt_subcommands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dnf_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dnf_subcommands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zypper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_positions_in_payload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_option_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manager_families, setup, teardown),
        cmocka_unit_test_setup_teardown(test_req_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_req_parse_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_req_parse_native, setup, teardown),
        cmocka_unit_test_setup_teardown(test_requirements_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_requirements_out_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_requirements_continued_comment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_prefix, setup, teardown),
    };
    return cmocka_run_group_tests_name("package commands", tests, NULL, NULL);
}
