/* File kinds from names and Apptainer headers. */
#include "testutil.h"

#include "envdoctor/filekind.h"

static void test_dockerfile_names(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "Dockerfile", "Containerfile", "Dockerfile.gpu", "Dockerfile.cuda12.dev",
        "Containerfile.rhel", "train.Dockerfile", "x.dockerfile", "a.Containerfile",
        "b.containerfile", "deep/a/b/Dockerfile", "./svc/api.Dockerfile", "/abs/Dockerfile.x",
    };
    static const char *const no[] = {
        "Dockerfile.", "dockerfile", ".Dockerfile", "Dockerfiles", "MyDockerfile",
        "Dockerfile/compose.txt", "Dockerfile.d/README", "README.md", "", "docs/Dockerfile.md/x",
        /* companions: BuildKit's ignore file, documents, templates */
        "Dockerfile.dockerignore", "app.Dockerfile.dockerignore", "Dockerfile.md",
        "Containerfile.txt", "Dockerfile.j2", "Dockerfile.template", "Dockerfile.orig",
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (ed_kind_from_name(yes[i]) != ED_KIND_DOCKERFILE)
            fail_msg("%s should be a Dockerfile", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        if (ed_kind_from_name(no[i]) != 0)
            fail_msg("%s should be of no kind", no[i]);
    }
    /* the base name decides, not the folders */
    assert_int_equal(ed_kind_from_name("Dockerfile.d/compose.yaml"), ED_KIND_COMPOSE);
}

static void test_compose_names(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
        "compose.override.yml", "docker-compose.prod.yaml", "compose-gpu.yml",
        "svc/deep/compose.yaml",
    };
    static const char *const no[] = {
        "compose.json", "my-compose.yaml", "Compose.yaml", "docker-compose", "compose.yaml.bak",
        "values.yaml", "composer.json",
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (ed_kind_from_name(yes[i]) != ED_KIND_COMPOSE)
            fail_msg("%s should be a Compose file", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        if (ed_kind_from_name(no[i]) != 0)
            fail_msg("%s should be of no kind", no[i]);
    }
}

static void test_apptainer_names_need_a_header(void **state)
{
    (void)state;
    assert_true(ed_name_may_be_apptainer("alphafold.def"));
    assert_true(ed_name_may_be_apptainer("hpc/Singularity"));
    assert_true(ed_name_may_be_apptainer("Singularity.cuda12"));
    assert_true(ed_name_may_be_apptainer("Apptainer"));
    assert_false(ed_name_may_be_apptainer(".def"));
    assert_false(ed_name_may_be_apptainer("Singularity."));
    assert_false(ed_name_may_be_apptainer("defaults.txt"));
    /* the name alone never makes it an Apptainer file */
    assert_int_equal(ed_kind_from_name("alphafold.def"), 0);

    const char *def = "# AlphaFold\n\n  Bootstrap: docker\nFrom: nvidia/cuda:12.2.2-base-ubuntu22.04\n";
    assert_int_equal(ed_detect_kind("af.def", def, strlen(def)), ED_KIND_APPTAINER);
    const char *lower = "\xEF\xBB\xBF" "bootstrap :docker\n";
    assert_int_equal(ed_detect_kind("Singularity", lower, strlen(lower)), ED_KIND_APPTAINER);
    /* a Windows module-definition file is not one */
    const char *module = "LIBRARY mylib\nEXPORTS\n  f1\n";
    assert_int_equal(ed_detect_kind("mylib.def", module, strlen(module)), 0);
    const char *later = "From: ubuntu\nBootstrap: docker\n";
    assert_int_equal(ed_detect_kind("x.def", later, strlen(later)), 0);
    assert_int_equal(ed_detect_kind("x.def", "Bootstrap", 9), 0);
    assert_int_equal(ed_detect_kind("x.def", "", 0), 0);
    /* a Dockerfile name wins without reading */
    assert_int_equal(ed_detect_kind("Dockerfile", def, strlen(def)), ED_KIND_DOCKERFILE);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_int_equal(ed_kind_parse("dockerfile"), ED_KIND_DOCKERFILE);
    assert_int_equal(ed_kind_parse("containerfile"), ED_KIND_DOCKERFILE);
    assert_int_equal(ed_kind_parse("compose"), ED_KIND_COMPOSE);
    assert_int_equal(ed_kind_parse("docker-compose"), ED_KIND_COMPOSE);
    assert_int_equal(ed_kind_parse("apptainer"), ED_KIND_APPTAINER);
    assert_int_equal(ed_kind_parse("singularity"), ED_KIND_APPTAINER);
    assert_int_equal(ed_kind_parse("yaml"), 0);
    assert_int_equal(ed_kind_parse(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dockerfile_names),
        cmocka_unit_test(test_compose_names),
        cmocka_unit_test(test_apptainer_names_need_a_header),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests_name("filekind", tests, NULL, NULL);
}
