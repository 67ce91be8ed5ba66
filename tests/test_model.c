/* The build model: stages, the stage graph, ARG/ENV evaluation, base images. */
#include "testutil.h"

#include "envdoctor/model.h"

typedef struct fixture {
    ed_arena *arena;
    ed_source src;
    df_file *file;
    df_model *model;
} fixture;

static fixture fx;

static df_model *build(const char *text, const char *const *args, size_t nargs)
{
    if (fx.arena)
        ed_arena_free(fx.arena);
    fx.arena = ed_arena_new();
    ed_source_init(&fx.src, fx.arena, "Dockerfile", text, strlen(text));
    fx.file = df_parse(&fx.src, fx.arena);
    fx.model = df_model_build(fx.arena, fx.file, args, nargs);
    return fx.model;
}

static int teardown(void **state)
{
    ed_arena_free(fx.arena);
    fx.arena = NULL;
    return 0;
}

/* Index of the first instruction whose logical line starts with `prefix`. */
static size_t at(const char *prefix)
{
    for (size_t i = 0; i < fx.file->ninstrs; i++)
        if (strncmp(fx.file->instrs[i].line, prefix, strlen(prefix)) == 0)
            return i;
    fail_msg("no instruction %s", prefix);
    return 0;
}

static void test_stages_and_names(void **state)
{
    df_model *m = build("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS Build\nRUN make\n"
                        "FROM build AS test\nRUN test\nFROM python:3.12-slim\nCOPY --from=build /a /b\n",
                        NULL, 0);
    assert_int_equal(m->nstages, 3);
    assert_string_equal(m->stages[0].name, "build");
    assert_string_equal(m->stages[0].base, "nvidia/cuda:12.4.1-devel-ubuntu22.04");
    assert_true(m->stages[0].ref_ok);
    assert_string_equal(m->stages[0].ref.repository, "nvidia/cuda");
    assert_string_equal(m->stages[0].ref.tag, "12.4.1-devel-ubuntu22.04");
    assert_int_equal(m->stages[0].first, 0);
    assert_int_equal(m->stages[0].end, 2);
    assert_int_equal(m->stages[1].parent, 0);
    assert_int_equal(m->stages[1].root, 0);
    assert_ptr_equal(df_model_root(m, &m->stages[1]), &m->stages[0]);
    assert_int_equal(m->stages[2].parent, -1);
    assert_string_equal(m->stages[2].ref.familiar, "python");
    assert_null(m->stages[2].name);
    assert_int_equal(m->stage_of[at("RUN test")], 1);
    assert_int_equal(m->nedges, 1);
    assert_int_equal(m->edges[0].stage, 2);
    assert_int_equal(m->edges[0].from_stage, 0);
}

static void test_chain_of_three(void **state)
{
    df_model *m = build("FROM ubuntu:22.04 AS a\nFROM a AS b\nFROM b AS c\n", NULL, 0);
    assert_int_equal(m->stages[2].parent, 1);
    assert_int_equal(m->stages[2].root, 0);
    assert_false(m->stages[2].ref_ok); /* a stage, not an image */
}

static void test_global_args_in_from(void **state)
{
    df_model *m = build("ARG CUDA=12.4.1\nARG FLAVOR=devel\n"
                        "ARG IMAGE=nvidia/cuda:${CUDA}-${FLAVOR}-ubuntu22.04\nFROM ${IMAGE}\n",
                        NULL, 0);
    assert_int_equal(m->nglobal_args, 3);
    assert_string_equal(m->stages[0].base, "nvidia/cuda:12.4.1-devel-ubuntu22.04");
    assert_true(m->stages[0].base_has_vars);
    assert_int_equal(m->nundefined, 0);
}

static void test_build_args_override_defaults(void **state)
{
    const char *args[] = {"CUDA=11.8.0", "CUDA=12.1.1", "UNUSED=x"};
    df_model *m = build("ARG CUDA=12.4.1\nFROM nvidia/cuda:${CUDA}-base-ubuntu22.04\n", args, 3);
    assert_string_equal(m->stages[0].base, "nvidia/cuda:12.1.1-base-ubuntu22.04");
}

static void test_global_args_invisible_in_stage_unless_redeclared(void **state)
{
    df_model *m = build("ARG V=1\nFROM a\nRUN one\nARG V\nRUN two\nFROM b\nARG V=9\nRUN three\n",
                        NULL, 0);
    assert_null(df_model_lookup(m, at("RUN one"), "V"));
    assert_string_equal(df_model_lookup(m, at("RUN two"), "V"), "1");
    assert_string_equal(df_model_lookup(m, at("RUN three"), "V"), "9");
    assert_string_equal(df_model_lookup(m, at("ARG V=1"), "V") ? "set" : "unset", "unset");
}

static void test_env_snapshot_and_precedence(void **state)
{
    df_model *m = build("FROM a\nENV A=hello\nENV A=bye B=$A\nARG A=arg\nENV C=${A}-x\nRUN x\n",
                        NULL, 0);
    assert_string_equal(df_model_lookup(m, at("RUN x"), "B"), "hello"); /* one snapshot per ENV */
    assert_string_equal(df_model_lookup(m, at("RUN x"), "A"), "bye");   /* ENV beats ARG */
    assert_string_equal(df_model_lookup(m, at("RUN x"), "C"), "bye-x");
    assert_string_equal(df_model_lookup(m, at("ENV A=bye"), "A"), "hello"); /* before it runs */
}

static void test_env_inherited_through_stage_chain(void **state)
{
    df_model *m = build("FROM a AS base\nENV PIP_INDEX_URL=https://x/simple\nARG NOT_INHERITED=1\n"
                        "FROM base\nRUN pip install torch\n",
                        NULL, 0);
    size_t run = at("RUN pip");
    assert_string_equal(df_model_lookup(m, run, "PIP_INDEX_URL"), "https://x/simple");
    assert_null(df_model_lookup(m, run, "NOT_INHERITED"));
}

static void test_stage_arg_takes_build_arg(void **state)
{
    const char *args[] = {"TORCH=2.5.1"};
    df_model *m = build("FROM a\nARG TORCH=2.1.0\nRUN pip install torch==$TORCH\n", args, 1);
    assert_string_equal(df_model_lookup(m, at("RUN pip"), "TORCH"), "2.5.1");
}

static void test_expansion_forms_in_values(void **state)
{
    df_model *m = build("FROM a\nARG CUDA=12.4.1\nENV SHORT=${CUDA%.*} NOPATCH=${CUDA%%.*} "
                        "DEF=${UNSET:-fallback} Q=\"a b\"\nRUN x\n",
                        NULL, 0);
    size_t run = at("RUN x");
    assert_string_equal(df_model_lookup(m, run, "SHORT"), "12.4");
    assert_string_equal(df_model_lookup(m, run, "NOPATCH"), "12");
    assert_string_equal(df_model_lookup(m, run, "DEF"), "fallback");
    assert_string_equal(df_model_lookup(m, run, "Q"), "a b");
}

static void test_copy_from_index_image_and_mount(void **state)
{
    df_model *m = build("FROM a AS one\nFROM b\nCOPY --from=0 /x /y\nCOPY --from=nginx:1 /x /y\n"
                        "RUN --mount=type=cache,from=one,target=/c true\n",
                        NULL, 0);
    assert_int_equal(m->nedges, 3);
    assert_int_equal(m->edges[0].from_stage, 0);
    assert_int_equal(m->edges[1].from_stage, -1);
    assert_string_equal(m->edges[1].from, "nginx:1");
    assert_int_equal(m->edges[2].from_stage, 0);
}

static void test_edges_of_a_stage_and_an_instruction(void **state)
{
    df_model *m = build("FROM a AS one\nCOPY --from=x /x /y\n"
                        "FROM b AS two\nRUN true\n"
                        "FROM c\nCOPY --from=one /x /y\nONBUILD COPY --from=two /x /y\n"
                        "RUN --mount=from=one,target=/c --mount=from=two,target=/d true\n",
                        NULL, 0);
    const df_file *f = m->file;
    assert_int_equal(m->nedges, 4);
    size_t n;
    const df_stage_edge *e = df_model_stage_edges(m, 0, &n);
    assert_int_equal(n, 1);
    assert_ptr_equal(e, &m->edges[0]);
    assert_null(df_model_stage_edges(m, 1, &n)); /* no edges */
    assert_int_equal(n, 0);
    e = df_model_stage_edges(m, 2, &n);
    assert_int_equal(n, 3);
    assert_ptr_equal(e, &m->edges[1]);
    assert_null(df_model_stage_edges(m, 3, &n)); /* past the last stage */
    /* the RUN with two mounts has two edges; the ONBUILD trigger none */
    e = df_model_instr_edges(m, &f->instrs[7], &n);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].from, "one");
    assert_string_equal(e[1].from, "two");
    e = df_model_instr_edges(m, &f->instrs[5], &n);
    assert_int_equal(n, 1);
    assert_int_equal(e->from_stage, 0);
    assert_null(df_model_instr_edges(m, &f->instrs[6], &n));
    assert_null(df_model_instr_edges(m, f->instrs[6].trigger, &n));
    assert_int_equal(n, 0);
    assert_null(df_model_instr_edges(m, &f->instrs[3], &n));
}

static void test_platform_and_invalid_reference(void **state)
{
    df_model *m = build("ARG ARCH=arm64\nFROM --platform=linux/${ARCH} Nvidia/CUDA:12\n", NULL, 0);
    assert_string_equal(m->stages[0].platform, "linux/arm64");
    assert_false(m->stages[0].ref_ok);
    assert_non_null(m->stages[0].ref_error);
}

static void test_scratch_and_no_stages(void **state)
{
    df_model *m = build("FROM scratch\nCOPY x /\n", NULL, 0);
    assert_true(m->stages[0].ref_ok);
    assert_true(img_ref_is_scratch(&m->stages[0].ref));
    m = build("ARG X=1\n", NULL, 0);
    assert_int_equal(m->nstages, 0);
    assert_int_equal(m->stage_of[0], -1);
}

static void test_undefined_refs_recorded(void **state)
{
    df_model *m = build("ARG CUDA_VERSION=12\nFROM img:$CUDA_VERSON AS x\n", NULL, 0);
    assert_int_equal(m->nundefined, 1);
    assert_string_equal(m->undefined[0].name, "CUDA_VERSON");
    assert_string_equal(m->undefined[0].suggestion, "CUDA_VERSION");
    assert_false(m->undefined[0].given_as_build_arg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_stages_and_names, teardown),
        cmocka_unit_test_teardown(test_chain_of_three, teardown),
        cmocka_unit_test_teardown(test_edges_of_a_stage_and_an_instruction, teardown),
        cmocka_unit_test_teardown(test_global_args_in_from, teardown),
        cmocka_unit_test_teardown(test_build_args_override_defaults, teardown),
        cmocka_unit_test_teardown(test_global_args_invisible_in_stage_unless_redeclared, teardown),
        cmocka_unit_test_teardown(test_env_snapshot_and_precedence, teardown),
        cmocka_unit_test_teardown(test_env_inherited_through_stage_chain, teardown),
        cmocka_unit_test_teardown(test_stage_arg_takes_build_arg, teardown),
        cmocka_unit_test_teardown(test_expansion_forms_in_values, teardown),
        cmocka_unit_test_teardown(test_copy_from_index_image_and_mount, teardown),
        cmocka_unit_test_teardown(test_platform_and_invalid_reference, teardown),
        cmocka_unit_test_teardown(test_scratch_and_no_stages, teardown),
        cmocka_unit_test_teardown(test_undefined_refs_recorded, teardown),
    };
    return cmocka_run_group_tests_name("build model", tests, NULL, NULL);
}
