/* ED502 gpu-test-without-nv: %test (or %apptest) checks the GPU, but %test
 * runs at the end of `apptainer build`, where the container sees a GPU only
 * when the build is given --nv on a host with an NVIDIA GPU: on a GPU-less
 * build node (a login node, CI) the check fails the build or proves
 * nothing. One finding per section, on its first GPU check. */
#include <string.h>
#include <strings.h>

#include "envdoctor/apptainer.h"
#include "envdoctor/engine.h"

/* Python calls that ask for the GPU. */
static const char *const gpu_calls[] = {
    "torch.cuda.is_available()",
    "torch.cuda.device_count()",
    "torch.cuda.get_device_name(",
    "jax.devices('gpu')",
    "jax.devices(\"gpu\")",
    "jax.devices('cuda')",
    "jax.devices(\"cuda\")",
    "tf.config.list_physical_devices('GPU')",
    "tf.config.list_physical_devices(\"GPU\")",
    "tf.test.is_gpu_available()",
    "cupy.cuda.runtime.getDeviceCount()",
};

static bool is_python(const char *program)
{
    return strncmp(program, "python", 6) == 0;
}

/* The code after -c, or NULL. */
static const sh_word *python_code(const sh_command *cmd)
{
    for (size_t i = 1; i + 1 < cmd->nwords; i++)
        if (strcmp(cmd->words[i].text, "-c") == 0)
            return &cmd->words[i + 1];
    return NULL;
}

/* The script a python command runs (its first word that is no option). */
static const sh_word *python_script(const sh_command *cmd)
{
    for (size_t i = 1; i < cmd->nwords; i++) {
        const char *t = cmd->words[i].text;
        if (strcmp(t, "-c") == 0 || strcmp(t, "-m") == 0)
            return NULL;
        if (t[0] != '-')
            return &cmd->words[i];
    }
    return NULL;
}

static bool named_for_gpu(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *p = base; *p; p++)
        if (strncasecmp(p, "cuda", 4) == 0 || strncasecmp(p, "gpu", 3) == 0)
            return true;
    return false;
}

/* What the command does with the GPU, for the message, and where; NULL
 * when nothing. */
static const char *gpu_check(ed_ctx *ctx, const ap_section *sec, const sh_command *cmd,
                             df_span *at)
{
    const char *program = sh_program(cmd);
    if (strcmp(program, "nvidia-smi") == 0) {
        *at = ap_text_span(&sec->text, cmd->words[0].start, cmd->words[0].end);
        return "runs nvidia-smi";
    }
    if (!is_python(program))
        return NULL;
    const sh_word *code = python_code(cmd);
    if (code) {
        for (size_t i = 0; i < sizeof gpu_calls / sizeof *gpu_calls; i++) {
            const char *hit = strstr(code->text, gpu_calls[i]);
            if (!hit)
                continue;
            size_t a = (size_t)(hit - code->text), s, e;
            sh_word_span(code, a, a + strlen(gpu_calls[i]), &s, &e);
            *at = ap_text_span(&sec->text, s, e);
            return ed_arena_printf(ctx->arena, "calls %.*s", (int)strcspn(gpu_calls[i], "("),
                                   gpu_calls[i]);
        }
        return NULL;
    }
    const sh_word *script = python_script(cmd);
    if (!script || !named_for_gpu(script->text))
        return NULL;
    *at = ap_text_span(&sec->text, script->start, script->end);
    return ed_arena_printf(ctx->arena, "runs %s (a GPU check, by its name)", script->text);
}

static void check(ed_ctx *ctx)
{
    if (ctx->kind != ED_KIND_APPTAINER || !ctx->dockerfile)
        return;
    const ap_file *f = ap_file_of(ctx->dockerfile);
    for (size_t i = 0; i < f->nsections; i++) {
        const ap_section *sec = &f->sections[i];
        if ((sec->kind != AP_SECTION_TEST && sec->kind != AP_SECTION_APPTEST) || !sec->script)
            continue;
        for (size_t c = 0; c < sec->script->ncmds; c++) {
            const sh_command *cmd = &sec->script->cmds[c];
            df_span at;
            const char *what = cmd->nwords ? gpu_check(ctx, sec, cmd, &at) : NULL;
            if (!what)
                continue;
            ed_report(ctx, at.start, at.end,
                      "%s %s at the end of `apptainer build`, where the container sees no GPU "
                      "unless the build is given --nv on a host with an NVIDIA GPU: on a "
                      "GPU-less build node it fails the build or proves nothing; build with "
                      "`apptainer build --nv`, or with --notest and run `apptainer test --nv "
                      "IMAGE` on a GPU node",
                      ap_section_label(ctx->arena, sec), what);
            break; /* one per section */
        }
    }
}

ED_RULE(ed502){
    .id = "ED502",
    .name = "gpu-test-without-nv",
    .severity = ED_SEV_INFO,
    .summary = "%test checks the GPU, which apptainer build only provides with --nv on a GPU host",
    .kinds = ED_KIND_APPTAINER,
    .check = check,
};
