/* The GPU model: commands of every RUN form with exact positions, variables
 * and package indexes as a command sees them, image facts, GPU intent. */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/gpu.h"

static ed_arena *arena;
static ed_source src;
static gpu_model *model;

static gpu_model *build_in(const char *text, gpu_mode mode, const char *context)
{
    if (arena)
        ed_arena_free(arena);
    arena = ed_arena_new();
    ed_source_init(&src, arena, "Dockerfile", text, strlen(text));
    df_file *file = df_parse(&src, arena);
    df_model *df = df_model_build(arena, file, NULL, 0);
    model = gpu_model_build(arena, df, kb_get(), mode, context);
    return model;
}

static gpu_model *build_mode(const char *text, gpu_mode mode)
{
    return build_in(text, mode, NULL);
}

static gpu_model *build(const char *text)
{
    return build_mode(text, GPU_AUTO);
}

static int teardown(void **state)
{
    ed_arena_free(arena);
    arena = NULL;
    return 0;
}

static void assert_at(df_span span, unsigned line, unsigned col, unsigned end_col)
{
    ed_pos a = ed_source_pos(&src, span.start), b = ed_source_pos(&src, span.end);
    assert_int_equal(a.line, line);
    assert_int_equal(a.column, col);
    assert_int_equal(b.column, end_col);
}

/* The first requirement named `name` in the stage, with its command. */
static const sh_req *find_req(const gpu_stage *s, const char *name, const gpu_cmd **cmd)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_pkgcmd *p = s->cmds[i].pkg;
        for (size_t k = 0; p && k < p->nreqs; k++)
            if (strcmp(p->reqs[k].name, name) == 0) {
                *cmd = &s->cmds[i];
                return &p->reqs[k];
            }
    }
    fail_msg("no requirement %s", name);
    return NULL;
}

static void test_shell_form_positions_across_continuations(void **state)
{
    gpu_model *m = build("FROM python:3.12\nRUN apt-get update && \\\n    # tools\n"
                         "    pip3 install --no-cache-dir \\\n        \"torch==2.5.1\" numpy\n");
    const gpu_cmd *c;
    const sh_req *r = find_req(&m->stages[0], "torch", &c);
    assert_string_equal(r->pinned, "2.5.1");
    assert_at(gpu_req_span(c, r), 5, 10, 15);
    assert_string_equal(c->pkg->program, "pip3");
}

static void test_exec_form_positions(void **state)
{
    gpu_model *m = build("FROM python:3.12\nRUN [\"pip\", \"install\", \"torch\"]\n");
    const gpu_cmd *c;
    const sh_req *r = find_req(&m->stages[0], "torch", &c);
    assert_at(gpu_req_span(c, r), 2, 25, 30);
}

static void test_heredoc_script_positions(void **state)
{
    gpu_model *m = build("FROM python:3.12\nRUN <<EOF\nset -e\npip install \\\n  torch\nEOF\n"
                         "RUN python3 <<EOF\nimport os\nEOF\n");
    const gpu_cmd *c;
    const sh_req *r = find_req(&m->stages[0], "torch", &c);
    assert_true(c->direct);
    assert_at(gpu_req_span(c, r), 5, 3, 8);
    /* a python heredoc is not shell: only `python3` itself is a command */
    size_t in_second = 0;
    for (size_t i = 0; i < m->stages[0].ncmds; i++)
        in_second += m->stages[0].cmds[i].instr->start_line == 7;
    assert_int_equal(in_second, 1);
}

static void test_onbuild_and_sh_c(void **state)
{
    gpu_model *m = build("FROM python:3.12\nONBUILD RUN pip install torch\n"
                         "RUN sh -c 'pip install \"jax[cuda12]\"'\n");
    const gpu_cmd *c;
    const sh_req *r = find_req(&m->stages[0], "torch", &c);
    assert_true(c->onbuild);
    assert_at(gpu_req_span(c, r), 2, 25, 30);
    r = find_req(&m->stages[0], "jax", &c);
    assert_at(gpu_req_span(c, r), 3, 25, 28);
    assert_string_equal(r->extras[0], "cuda12");
}

static void test_variables_and_indexes(void **state)
{
    gpu_model *m = build("FROM python:3.12\nARG CU=cu124\n"
                         "ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/${CU}\n"
                         "RUN export PIP_FIND_LINKS=/wheels && pip install torch -i https://pypi.org/simple\n");
    const gpu_cmd *c;
    find_req(&m->stages[0], "torch", &c);
    assert_string_equal(gpu_cmd_var(m, c, "PIP_FIND_LINKS"), "/wheels");
    size_t n;
    gpu_index *ix = gpu_cmd_indexes(arena, m, c, &n);
    assert_int_equal(n, 3);
    assert_string_equal(ix[0].url, "https://pypi.org/simple");
    assert_false(ix[0].extra);
    assert_int_equal(ix[0].torch.kind, KB_INDEX_NONE);
    assert_at(ix[0].span, 4, 59, 82);
    assert_true(ix[1].extra);
    assert_true(ix[1].from_env);
    assert_string_equal(ix[1].variable, "PIP_EXTRA_INDEX_URL");
    assert_string_equal(ix[1].url, "https://download.pytorch.org/whl/cu124");
    assert_int_equal(ix[1].torch.kind, KB_INDEX_CUDA);
    assert_at(ix[1].span, 3, 25, 63);
    assert_true(ix[2].find_links);
}

static void test_index_from_expanded_option(void **state)
{
    gpu_model *m = build("FROM python:3.12\nARG TORCH_INDEX=https://download.pytorch.org/whl/cu121\n"
                         "RUN pip install torch --index-url $TORCH_INDEX\n");
    const gpu_cmd *c;
    find_req(&m->stages[0], "torch", &c);
    size_t n;
    gpu_index *ix = gpu_cmd_indexes(arena, m, c, &n);
    assert_int_equal(n, 1);
    assert_string_equal(ix[0].torch.suffix, "cu121");
}

static void test_image_facts_through_stage_chain(void **state)
{
    gpu_model *m = build("ARG CUDA=12.4.1\nFROM nvidia/cuda:${CUDA}-cudnn-devel-ubuntu22.04 AS base\n"
                         "FROM base AS app\nRUN true\n");
    assert_int_equal(m->nstages, 2);
    const gpu_stage *app = &m->stages[1];
    assert_ptr_equal(app->root, &m->df->stages[0]);
    assert_int_equal(app->image.vendor, KB_VENDOR_NVIDIA);
    assert_int_equal(app->image.cuda.major, 12);
    assert_int_equal(app->image.cuda.minor, 4);
    assert_int_equal(app->image.has_nvcc, KB_YES);
    assert_true(app->gpu_intended);
}

static void test_intent(void **state)
{
    gpu_model *m = build("FROM python:3.12 AS web\nRUN pip install flask torch\n");
    assert_false(m->stages[0].gpu_intended); /* torch from PyPI alone is no evidence */

    m = build("FROM python:3.12\nRUN pip install torch --index-url https://download.pytorch.org/whl/cu124\n");
    assert_true(m->stages[0].gpu_intended);
    assert_string_equal(m->stages[0].intent, "installs torch from the cu124 index");
    assert_at(m->stages[0].intent_span, 2, 17, 22);

    m = build("FROM python:3.12\nENV NVIDIA_VISIBLE_DEVICES=all\n");
    assert_true(m->stages[0].gpu_intended);
    assert_at(m->stages[0].intent_span, 2, 5, 27);

    m = build("FROM python:3.12\nRUN pip install \"jax[cuda12]\"\n");
    assert_true(m->stages[0].gpu_intended);

    m = build("FROM python:3.12\nRUN MAX_JOBS=4 pip install flash-attn --no-build-isolation\n");
    assert_true(m->stages[0].gpu_intended);

    m = build("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN make\n"
              "FROM python:3.12-slim\nCOPY --from=build /app /app\n");
    assert_true(m->stages[1].gpu_intended);
    assert_string_equal(m->stages[1].intent, "copies files from the GPU stage build");

    m = build("FROM rocm/pytorch:latest\nRUN pip install numpy\n");
    assert_false(m->stages[0].gpu_intended); /* AMD, not NVIDIA */

    m = build_mode("FROM python:3.12\n", GPU_ALWAYS);
    assert_true(m->stages[0].gpu_intended);
    m = build_mode("FROM nvidia/cuda:12.4.1-base-ubuntu22.04\n", GPU_NEVER);
    assert_false(m->stages[0].gpu_intended);
}

static void test_cuda_builds(void **state)
{
    gpu_model *m = build("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                         "RUN apt-get install -y build-essential cuda-compat-12-4\n"
                         "RUN pip install flash-attn\n"
                         "RUN MAX_JOBS=4 pip install flash-attn --no-build-isolation\n"
                         "RUN pip install git+https://github.com/NVIDIA/apex\n"
                         "RUN FLASH_ATTENTION_SKIP_CUDA_BUILD=TRUE pip install flash-attn --no-build-isolation\n"
                         "ENV TORCH_CUDA_ARCH_LIST=\"8.0 9.0\"\nRUN python3 setup.py install\n"
                         "RUN nvcc -o k k.cu\n");
    const gpu_stage *s = &m->stages[0];
    assert_int_equal(s->ntoolkits, 0);
    assert_int_equal(s->nbuilds, 4);
    assert_string_equal(s->builds[0].package, "flash-attn");
    assert_at(s->builds[0].span, 4, 28, 38);
    assert_string_equal(s->builds[0].what, "flash-attn is built from source (--no-build-isolation)");
    assert_string_equal(s->builds[1].package, "apex");
    assert_null(s->builds[2].package);
    assert_at(s->builds[2].span, 8, 13, 21);
    assert_string_equal(s->builds[3].what, "nvcc is run");
    assert_false(gpu_stage_has_nvcc(s, s->builds[0].cmd));
}

static void test_toolkits_and_nvcc(void **state)
{
    gpu_model *m = build("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS base\n"
                         "RUN pip install flash-attn --no-build-isolation\n"
                         "RUN apt-get install -y cuda-nvcc-12-4\n"
                         "RUN pip install flash-attn --no-build-isolation\n"
                         "FROM base\nRUN nvcc --version\n");
    const gpu_stage *s = &m->stages[0];
    assert_int_equal(s->ntoolkits, 1);
    assert_int_equal(s->toolkits[0].version.major, 12);
    assert_int_equal(s->toolkits[0].version.minor, 4);
    assert_at(s->toolkits[0].span, 3, 24, 38);
    assert_int_equal(s->nbuilds, 2);
    assert_false(gpu_stage_has_nvcc(s, s->builds[0].cmd));
    assert_true(gpu_stage_has_nvcc(s, s->builds[1].cmd));
    assert_true(gpu_stage_has_nvcc(&m->stages[1], 0)); /* inherited from the parent stage */
}

static void test_requirements_files(void **state)
{
    char dir[] = "/tmp/env-doctor-gpu-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/requirements.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("numpy\n# the framework\ntorch==2.5.1\n-r more.txt\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/more.txt", dir);
    f = fopen(path, "w");
    fputs("flash-attn\n", f);
    fclose(f);

    gpu_model *m = build_in("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt more.txt /app/\n"
                            "RUN pip install -r /app/requirements.txt jax\n",
                            GPU_AUTO, dir);
    const gpu_stage *s = &m->stages[0];
    size_t n;
    gpu_req *reqs = gpu_cmd_reqs(arena, m, &s->cmds[0], &n);
    assert_int_equal(n, 4);
    assert_string_equal(reqs[0].req->name, "jax");
    assert_null(reqs[0].file);
    assert_string_equal(reqs[2].req->name, "torch");
    assert_int_equal(reqs[2].file_line, 3);
    assert_non_null(strstr(reqs[2].file, "requirements.txt"));
    assert_at(reqs[2].span, 4, 20, 41); /* the -r word */
    assert_string_equal(reqs[3].req->name, "flash-attn");

    /* without a build context nothing is read */
    m = build_in("FROM python:3.12\nRUN pip install -r requirements.txt\n", GPU_AUTO, NULL);
    gpu_cmd_reqs(arena, m, &m->stages[0].cmds[0], &n);
    assert_int_equal(n, 0);

    snprintf(path, sizeof path, "rm -rf %s", dir);
    assert_int_equal(system(path), 0);
}

/* A temporary build context holding `name` with `content` (and a second
 * file when name2 is set); the caller removes it with remove_dir. */
static char *make_dir(const char *name, const char *content, const char *name2,
                      const char *content2)
{
    static char dir[64];
    strcpy(dir, "/tmp/env-doctor-gpu-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(content, f);
    fclose(f);
    if (name2) {
        snprintf(path, sizeof path, "%s/%s", dir, name2);
        f = fopen(path, "w");
        fputs(content2, f);
        fclose(f);
    }
    return dir;
}

static void remove_dir(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_requirements_file_indexes(void **state)
{
    char *dir = make_dir("requirements.txt",
                         "--index-url https://download.pytorch.org/whl/cu124\n"
                         "-f /wheels\ntorch==2.5.1\n-r more.txt\n",
                         "more.txt", "--extra-index-url https://pypi.nvidia.com\n--no-index\n");
    gpu_model *m = build_in("FROM python:3.12\nENV PIP_EXTRA_INDEX_URL=https://mirror.example/simple\n"
                            "RUN pip install -r requirements.txt --extra-index-url https://x.example\n",
                            GPU_AUTO, dir);
    const gpu_cmd *c = &m->stages[0].cmds[0];
    size_t n;
    gpu_index *ix = gpu_cmd_indexes(arena, m, c, &n);
    assert_int_equal(n, 5); /* the option, the variable, then the files' lines */
    assert_string_equal(ix[0].url, "https://x.example");
    assert_null(ix[0].file);
    assert_true(ix[1].from_env);
    assert_string_equal(ix[2].url, "https://download.pytorch.org/whl/cu124");
    assert_string_equal(ix[2].file, "requirements.txt");
    assert_int_equal(ix[2].torch.kind, KB_INDEX_CUDA);
    assert_false(ix[2].extra);
    assert_at(ix[2].span, 3, 20, 36); /* the -r word */
    assert_true(ix[3].find_links);
    assert_string_equal(ix[3].url, "/wheels");
    assert_true(ix[4].extra);
    assert_string_equal(ix[4].file, "more.txt");
    assert_true(gpu_cmd_no_index(arena, m, c)); /* in the nested file */

    gpu_req *reqs = gpu_cmd_reqs(arena, m, c, &n);
    assert_int_equal(n, 1);
    assert_string_equal(reqs[0].file_name, "requirements.txt");
    assert_int_equal(reqs[0].file_line, 3);
    assert_non_null(strstr(reqs[0].file, dir));

    /* torch on the command line, its index in the file: GPU intent sees it */
    m = build_in("FROM python:3.12\nRUN pip install torch -r requirements.txt\n", GPU_AUTO, dir);
    assert_true(m->stages[0].gpu_intended);
    assert_string_equal(m->stages[0].intent, "installs torch from the cu124 index");
    m = build_in("FROM python:3.12\nRUN pip install torch\n", GPU_AUTO, dir);
    assert_false(gpu_cmd_no_index(arena, m, &m->stages[0].cmds[0]));
    remove_dir(dir);
}

/* `-r /app/reqs.txt` comes from the nearest COPY before the command whose
 * source exists in the build context: not one after it, not a --from
 * copy, not a missing source; within one COPY the first source wins. */
static void test_requirements_file_from_the_nearest_copy(void **state)
{
    char *dir = make_dir("reqs.txt", "torch==2.5.1\n", "jax.txt", "jax\n");
    char path[256];
    snprintf(path, sizeof path, "mkdir -p %s/b && echo numpy > %s/b/reqs.txt", dir, dir);
    assert_int_equal(system(path), 0);
    gpu_model *m = build_in("FROM python:3.12\n"
                            "COPY b/reqs.txt /app/\n"          /* shadowed by the next one */
                            "COPY reqs.txt missing/reqs.txt /app/\n"
                            "COPY --from=other jax.txt /app/reqs.txt\n"
                            "COPY missing/reqs.txt /app/\n" /* no such source */
                            "RUN pip install -r /app/reqs.txt\n"
                            "COPY b/reqs.txt /app/\n"          /* after the command */
                            "RUN pip install -r /app/reqs.txt\n",
                            GPU_AUTO, dir);
    size_t n;
    gpu_req *reqs = gpu_cmd_reqs(arena, m, &m->stages[0].cmds[0], &n);
    assert_int_equal(n, 1);
    assert_string_equal(reqs[0].req->name, "torch");
    reqs = gpu_cmd_reqs(arena, m, &m->stages[0].cmds[1], &n);
    assert_int_equal(n, 1);
    assert_string_equal(reqs[0].req->name, "numpy");
    remove_dir(dir);
}

static void test_requirements_files_are_read_once(void **state)
{
    char *dir = make_dir("requirements.txt", "torch==2.5.1\n", NULL, NULL);
    gpu_model *m = build_in("FROM python:3.12\nCOPY requirements.txt /app/\n"
                            "RUN pip install -r requirements.txt\n"
                            "RUN pip install -r /app/requirements.txt\n",
                            GPU_AUTO, dir);
    size_t n;
    gpu_req *first = gpu_cmd_reqs(arena, m, &m->stages[0].cmds[0], &n);
    assert_int_equal(n, 1);
    /* rewritten on disk: the model keeps what it read */
    char path[256];
    snprintf(path, sizeof path, "%s/requirements.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("numpy\njax\n", f);
    fclose(f);
    gpu_req *again = gpu_cmd_reqs(arena, m, &m->stages[0].cmds[0], &n);
    assert_int_equal(n, 1);
    assert_ptr_equal(again[0].req, first[0].req); /* the same parse */
    gpu_req *other = gpu_cmd_reqs(arena, m, &m->stages[0].cmds[1], &n);
    assert_int_equal(n, 1);
    assert_ptr_equal(other[0].req, first[0].req); /* another command, the same file */
    remove_dir(dir);
}

static void test_index_options_and_variable_names(void **state)
{
    gpu_model *m = build("FROM python:3.12\n"
                         "RUN pip install torch --extra-index-url=https://download.pytorch.org/whl/cu121 "
                         "-i https://pypi.org/simple\n"
                         "RUN [\"pip\", \"install\", \"torch\", \"--extra-index-url\", \"https://x.example\"]\n");
    const gpu_stage *s = &m->stages[0];
    size_t n;
    gpu_index *ix = gpu_cmd_indexes(arena, m, &s->cmds[0], &n);
    assert_int_equal(n, 2);
    assert_string_equal(ix[0].option, "-i");
    assert_at(ix[0].option_span, 2, 80, 82);
    assert_string_equal(ix[0].word->text, "https://pypi.org/simple");
    assert_string_equal(ix[1].option, "--extra-index-url");
    assert_at(ix[1].option_span, 2, 23, 40);
    assert_at(ix[1].span, 2, 41, 79);
    ix = gpu_cmd_indexes(arena, m, &s->cmds[1], &n);
    assert_string_equal(ix[0].option, "--extra-index-url");
    assert_at(ix[0].option_span, 3, 34, 51); /* inside the quotes */

    m = build("FROM python:3.12\nENV PIP_INDEX_URL=https://a.example\n"
              "ARG PIP_EXTRA_INDEX_URL=https://b.example\n"
              "RUN export PIP_FIND_LINKS=/w && pip install torch\n"
              "RUN UV_INDEX_URL=https://c.example uv pip install torch\n");
    s = &m->stages[0];
    ix = gpu_cmd_indexes(arena, m, &s->cmds[1], &n);
    assert_int_equal(n, 3);
    assert_string_equal(ix[0].option, "PIP_INDEX_URL");
    assert_at(ix[0].option_span, 2, 5, 18);
    assert_at(ix[0].span, 2, 19, 36);
    assert_at(ix[1].option_span, 3, 5, 24);
    assert_at(ix[2].option_span, 4, 12, 26); /* export PIP_FIND_LINKS=/w */
    assert_at(ix[2].span, 4, 27, 29);
    ix = gpu_cmd_indexes(arena, m, &s->cmds[2], &n);
    assert_int_equal(n, 1);
    assert_at(ix[0].option_span, 5, 5, 17);
    assert_at(ix[0].span, 5, 18, 35);
    df_span at = gpu_var_span(m, &s->cmds[2], "UV_INDEX_URL");
    assert_at(at, 5, 18, 35);
    assert_false(gpu_var_name_span(m, &s->cmds[2], "HOME", &at));
}

static void test_onbuild_builds_toolkits_and_intent(void **state)
{
    gpu_model *m = build("FROM python:3.12\n"
                         "ONBUILD RUN apt-get install -y cuda-nvcc-12-4\n"
                         "ONBUILD RUN pip install torch --index-url https://download.pytorch.org/whl/cu124\n"
                         "ONBUILD RUN pip install flash-attn --no-build-isolation\n");
    const gpu_stage *s = &m->stages[0];
    assert_false(s->gpu_intended); /* the triggers run in child images */
    assert_true(s->onbuild_intended);
    assert_string_equal(s->onbuild_intent, "installs cuda-nvcc-12-4");
    assert_at(s->onbuild_intent_span, 2, 32, 46);
    assert_int_equal(s->ntoolkits, 1);
    assert_true(s->toolkits[0].onbuild);
    assert_int_equal(s->nbuilds, 1);
    assert_true(s->builds[0].onbuild);
    assert_string_equal(s->builds[0].what, "flash-attn is built from source (--no-build-isolation)");
    /* in a child image the trigger's toolkit comes first; the stage has none */
    assert_true(gpu_stage_has_nvcc(s, s->builds[0].cmd));
    assert_false(gpu_stage_has_nvcc(s, s->ncmds));
    assert_false(gpu_stage_installs_cuda(s, false));
    assert_true(gpu_stage_installs_cuda(s, true));

    m = build("FROM python:3.12\nONBUILD RUN pip install \"jax[cuda12]\"\n");
    assert_true(m->stages[0].onbuild_intended);
    assert_string_equal(m->stages[0].onbuild_intent, "installs jax[cuda12]");
    m = build_mode("FROM python:3.12\nONBUILD RUN pip install \"jax[cuda12]\"\n", GPU_NEVER);
    assert_false(m->stages[0].onbuild_intended);
    m = build("FROM python:3.12\nONBUILD RUN pip install flask\n");
    assert_false(m->stages[0].onbuild_intended);
}

static void test_cuda_installed_by_hand(void **state)
{
    gpu_model *m = build("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS devel\n"
                         "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS rt\n"
                         "RUN pip install flash-attn --no-build-isolation\n"
                         "COPY --from=devel /usr/local/cuda /usr/local/cuda\n"
                         "RUN pip install flash-attn --no-build-isolation\n"
                         "FROM ubuntu:22.04\n"
                         "COPY --from=nvidia/cuda:12.4.1-runtime-ubuntu22.04 /usr/local/cuda /usr/local/cuda\n"
                         "RUN nvcc -o k k.cu\n"
                         "FROM ubuntu:22.04\nCOPY --from=rt /usr/local/cuda /usr/local/cuda\n");
    const gpu_stage *rt = &m->stages[1];
    assert_int_equal(rt->ncuda_installs, 1);
    const gpu_cuda_install *c = &rt->cuda_installs[0];
    assert_int_equal(c->source, GPU_CUDA_COPY);
    assert_int_equal(c->nvcc, KB_YES);
    assert_int_equal(c->cmd, 1); /* before the second command */
    assert_string_equal(c->what, "/usr/local/cuda from devel");
    assert_at(c->span, 4, 19, 34);
    assert_false(gpu_stage_has_nvcc(rt, rt->builds[0].cmd));
    assert_true(gpu_stage_has_nvcc(rt, rt->builds[1].cmd));
    /* a runtime image's /usr/local/cuda has no nvcc, but it is CUDA */
    const gpu_stage *copied = &m->stages[2];
    assert_int_equal(copied->cuda_installs[0].nvcc, KB_NO);
    assert_false(gpu_stage_has_nvcc(copied, 0));
    assert_true(gpu_stage_installs_cuda(copied, false));
    /* from a stage: what that stage has at its end */
    assert_int_equal(m->stages[3].cuda_installs[0].nvcc, KB_YES);

    m = build("FROM ubuntu:22.04\n"
              "RUN wget -q https://x/cuda_12.4.1_550.54.15_linux.run && "
              "sh cuda_12.4.1_550.54.15_linux.run --silent --toolkit\n"
              "RUN ./cuda_11.8.0_520.61.05_linux.run --silent --driver\n"
              "RUN apt-get install -y cuda-libraries-12-4\n"
              "RUN pip install nvidia-cuda-nvcc-cu12 nvidia-cuda-nvcc-cu13\n"
              "RUN pip install jax\n");
    const gpu_stage *s = &m->stages[0];
    assert_int_equal(s->ncuda_installs, 3);
    c = &s->cuda_installs[0];
    assert_int_equal(c->source, GPU_CUDA_RUNFILE);
    assert_string_equal(c->what, "cuda_12.4.1_550.54.15_linux.run");
    assert_int_equal(c->version.major, 12);
    assert_int_equal(c->version.minor, 4);
    assert_int_equal(c->nvcc, KB_YES);
    assert_at(c->span, 2, 61, 92);
    assert_int_equal(s->cuda_installs[1].source, GPU_CUDA_LIBRARIES); /* --driver alone: none */
    assert_int_equal(s->cuda_installs[1].nvcc, KB_NO);
    c = &s->cuda_installs[2];
    assert_int_equal(c->source, GPU_CUDA_WHEEL); /* -cu13 is only a placeholder */
    assert_string_equal(c->what, "nvidia-cuda-nvcc-cu12");
    assert_int_equal(c->version.major, 12);
    size_t runfile = s->cuda_installs[0].cmd;
    assert_int_equal(runfile, 1); /* after wget in the same RUN */
    assert_false(gpu_stage_has_nvcc(s, runfile));
    assert_true(gpu_stage_has_nvcc(s, runfile + 1));
    assert_true(gpu_stage_installs_cuda(s, false));

    m = build("FROM ubuntu:22.04\nRUN apt-get install -y cuda-libraries-12-4\n"
              "RUN pip install nvidia-cuda-nvcc-cu12\nRUN nvcc --version\n");
    s = &m->stages[0];
    assert_false(gpu_stage_has_nvcc(s, 1));
    assert_true(gpu_stage_has_nvcc(s, 2)); /* the wheel's nvcc */
    m = build("FROM ubuntu:22.04\nRUN pip install nvidia-cuda-nvcc-cu12\n");
    assert_false(gpu_stage_installs_cuda(&m->stages[0], false)); /* wheels are no CUDA install */
}

static void test_toolkit_version_from_pin(void **state)
{
    gpu_model *m = build("FROM continuumio/miniconda3:24.7.1-0\n"
                         "RUN conda install -y -c nvidia cuda-nvcc=12.1 cuda-toolkit\n");
    const gpu_stage *s = &m->stages[0];
    assert_int_equal(s->ntoolkits, 2);
    assert_int_equal(s->toolkits[0].version.major, 12);
    assert_int_equal(s->toolkits[0].version.minor, 1);
    assert_int_equal(s->toolkits[1].version.major, -1);
}

static void test_stage_consumers_labels_and_wheels(void **state)
{
    gpu_model *m = build("FROM python:3.12 AS base\nRUN pip install torch==2.1.0+cu118\n"
                         "FROM base AS build\nRUN true\n"
                         "FROM ubuntu:22.04\nCOPY --from=build /app /app\n"
                         "FROM ubuntu:22.04\nRUN --mount=type=bind,from=base,target=/b true\n"
                         "FROM debian:12\n");
    const gpu_stage *base = &m->stages[0];
    assert_int_equal(base->nconsumers, 4);
    assert_int_equal(base->consumers[0], 0);
    assert_int_equal(base->consumers[1], 1);
    assert_int_equal(base->consumers[2], 2);
    assert_int_equal(base->consumers[3], 3);
    assert_int_equal(m->stages[1].nconsumers, 2);
    assert_int_equal(m->stages[4].nconsumers, 1);
    assert_string_equal(gpu_stage_label(arena, m, base), "stage base");
    assert_string_equal(gpu_stage_label(arena, m, &m->stages[2]), "stage 2");
    assert_string_equal(gpu_stage_image(&m->stages[1]), "python:3.12");
    kb_version cuda;
    assert_true(gpu_stage_wheel_cuda(arena, m, base, &cuda));
    assert_int_equal(cuda.major, 11);
    assert_int_equal(cuda.minor, 8);
    assert_false(gpu_stage_wheel_cuda(arena, m, &m->stages[1], &cuda));

    m = build("FROM python:3.12\nRUN uv pip install --system torch --torch-backend=cu126\n");
    assert_string_equal(gpu_stage_label(arena, m, &m->stages[0]), "the stage");
    assert_true(gpu_stage_wheel_cuda(arena, m, &m->stages[0], &cuda));
    assert_int_equal(cuda.minor, 6);
}

static void test_index_config_unread(void **state)
{
    gpu_model *m = build("FROM python:3.12\nCOPY pip.conf /etc/pip.conf\nRUN pip install torch\n"
                         "FROM python:3.12\nRUN pip config set global.index-url https://x && pip install torch\n"
                         "FROM python:3.12\nRUN pip install torch\n"
                         "FROM python:3.12\nENV PIP_CONFIG_FILE=/etc/p.conf\nRUN pip install torch\n");
    assert_true(gpu_cmd_index_config_unread(m, &m->stages[0].cmds[0]));
    assert_true(gpu_cmd_index_config_unread(m, &m->stages[1].cmds[1]));
    assert_false(gpu_cmd_index_config_unread(m, &m->stages[2].cmds[0]));
    assert_true(gpu_cmd_index_config_unread(m, &m->stages[3].cmds[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_shell_form_positions_across_continuations, teardown),
        cmocka_unit_test_teardown(test_exec_form_positions, teardown),
        cmocka_unit_test_teardown(test_heredoc_script_positions, teardown),
        cmocka_unit_test_teardown(test_onbuild_and_sh_c, teardown),
        cmocka_unit_test_teardown(test_variables_and_indexes, teardown),
        cmocka_unit_test_teardown(test_index_from_expanded_option, teardown),
        cmocka_unit_test_teardown(test_image_facts_through_stage_chain, teardown),
        cmocka_unit_test_teardown(test_intent, teardown),
        cmocka_unit_test_teardown(test_cuda_builds, teardown),
        cmocka_unit_test_teardown(test_toolkits_and_nvcc, teardown),
        cmocka_unit_test_teardown(test_requirements_files, teardown),
        cmocka_unit_test_teardown(test_requirements_file_indexes, teardown),
        cmocka_unit_test_teardown(test_requirements_files_are_read_once, teardown),
        cmocka_unit_test_teardown(test_requirements_file_from_the_nearest_copy, teardown),
        cmocka_unit_test_teardown(test_index_options_and_variable_names, teardown),
        cmocka_unit_test_teardown(test_onbuild_builds_toolkits_and_intent, teardown),
        cmocka_unit_test_teardown(test_cuda_installed_by_hand, teardown),
        cmocka_unit_test_teardown(test_toolkit_version_from_pin, teardown),
        cmocka_unit_test_teardown(test_stage_consumers_labels_and_wheels, teardown),
        cmocka_unit_test_teardown(test_index_config_unread, teardown),
    };
    return cmocka_run_group_tests_name("gpu model", tests, NULL, NULL);
}
