/* Fuzz target: the configuration file (.env-doctor.yaml). The input is the
 * configuration: ed_config_parse; when it is accepted, the settings are
 * applied to the engine's options (ignored rules, severities, image hints,
 * build args, the build-arg matrix), the exclude globs are matched against
 * a few paths, and a small fixed Dockerfile is linted with those options,
 * over the matrix. A rejected configuration must say why in one line. */
#include "fuzz.h"

#include "envdoctor/config.h"
#include "envdoctor/engine.h"

static const char fuzz_cfg_dockerfile[] =
    "ARG CUDA_VERSION=12.4.1\n"
    "FROM nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu22.04 AS base\n"
    "RUN pip install torch==2.5.1 flash-attn --no-build-isolation\n"
    "FROM registry.corp/ml/cuda:12.4-dev\n"
    "FROM mycorp/py-base:slim\n"
    "RUN pip install tensorflow-gpu\n";

static const char *const fuzz_cfg_paths[] = {
    "Dockerfile", "third_party/x/Dockerfile", "legacy/old-1.Dockerfile", "/abs/compose.yaml",
    "a/b/../c/./d.def", ".git/config",
};

int fuzz_config(const uint8_t *data, size_t size)
{
    fuzz_enter();
    ed_arena *arena = ed_arena_new();
    ed_source *src = fuzz_source(arena, "cfg/.env-doctor.yaml", data, size);

    ed_config config;
    char err[512] = "";
    if (!ed_config_parse(arena, src, &config, err, sizeof err)) {
        FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
    } else {
        FUZZ_CHECK(config.nmatrix == 0 || ed_matrix_size(config.matrix, config.nmatrix) <= ED_MATRIX_MAX);
        for (size_t i = 0; i < sizeof fuzz_cfg_paths / sizeof *fuzz_cfg_paths; i++)
            (void)ed_config_excludes(&config, fuzz_cfg_paths[i]);

        ed_options options = {0};
        ed_config_apply(&config, &options);
        options.build_args = config.build_args;
        options.nbuild_args = config.nbuild_args;
        options.gpu = config.gpu < 0 ? 0 : config.gpu;
        options.matrix = config.matrix;
        options.nmatrix = config.nmatrix;
        ed_source *df = fuzz_source(arena, "Dockerfile", (const uint8_t *)fuzz_cfg_dockerfile,
                                    sizeof fuzz_cfg_dockerfile - 1);
        ed_file_result result;
        ed_lint_matrix(arena, df, ED_KIND_DOCKERFILE, &options, &result);
        fuzz_check_results(&result, 1);
    }

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_config)
