/* ED306 gpu-query-at-build-time: `nvidia-smi` or a CUDA availability check
 * runs in RUN, but `docker build` gives RUN no GPU (BuildKit's experimental
 * `RUN --device` is the exception), so it fails or proves nothing. */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "system_common.h"

/* A GPU query in Python code and whether it fails by itself without a GPU
 * (jax.devices('gpu') raises) or only when the code acts on its answer. */
typedef struct gpu_call {
    const char *text;
    bool raises;
} gpu_call;

static const gpu_call gpu_calls[] = {
    {"torch.cuda.is_available()", false},
    {"torch.cuda.device_count()", false},
    {"tf.config.list_physical_devices('GPU')", false},
    {"tf.config.list_physical_devices(\"GPU\")", false},
    {"tf.config.experimental.list_physical_devices('GPU')", false},
    {"tf.config.experimental.list_physical_devices(\"GPU\")", false},
    {"tf.test.is_gpu_available()", false},
    {"jax.devices('gpu')", true},
    {"jax.devices(\"gpu\")", true},
    {"jax.devices('cuda')", true},
    {"jax.devices(\"cuda\")", true},
    {"cupy.cuda.runtime.getDeviceCount()", true},
};

/* Python statements that turn a False / 0 / [] answer into a failed build. */
static const char *const failing_statements[] = {"assert", "raise", "exit("};

static bool has_device_flag(const df_instr *in)
{
    for (size_t i = 0; i < in->nflags; i++)
        if (strcmp(in->flags[i].name, "device") == 0)
            return true;
    return false;
}

static void check_nvidia_smi(ed_ctx *ctx, const gpu_cmd *c)
{
    if (strcmp(sh_program(c->cmd), "nvidia-smi") != 0)
        return;
    df_span span = gpu_word_span(c, &c->cmd->words[0]);
    ed_report(ctx, span.start, span.end,
              "%snvidia-smi runs during docker build, where no GPU is visible: it always fails "
              "here (`|| true` only hides that); check the GPU when the container runs",
              sys_onbuild(c));
}

/* The code after `-c` of a python command (`python3 -u -c "..."`). */
static const sh_word *python_code(const sh_command *cmd)
{
    if (strncmp(sh_program(cmd), "python", 6) != 0)
        return NULL;
    for (size_t i = 1; i + 1 < cmd->nwords; i++)
        if (strcmp(cmd->words[i].text, "-c") == 0)
            return &cmd->words[i + 1];
    return NULL;
}

static bool code_acts_on_answer(const char *code)
{
    for (size_t i = 0; i < sizeof failing_statements / sizeof *failing_statements; i++)
        if (strstr(code, failing_statements[i]))
            return true;
    return false;
}

static void check_python(ed_ctx *ctx, const gpu_cmd *c)
{
    const sh_word *code = python_code(c->cmd);
    if (!code)
        return;
    bool acts = code_acts_on_answer(code->text);
    for (size_t i = 0; i < sizeof gpu_calls / sizeof *gpu_calls; i++) {
        const gpu_call *call = &gpu_calls[i];
        const char *at = strstr(code->text, call->text);
        if (!at || (!call->raises && !acts)) /* a print of the answer is harmless */
            continue;
        size_t start = (size_t)(at - code->text);
        df_span span = gpu_word_part(c, code, start, start + strlen(call->text));
        ed_report(ctx, span.start, span.end,
                  "%s%s runs during docker build, where no GPU is visible: %s; check the GPU when "
                  "the container runs",
                  sys_onbuild(c), call->text,
                  call->raises ? "it raises and fails the build" : "the check fails the build");
        return; /* one finding per check */
    }
}

static void check_cmd(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c)
{
    if (c->cmd->nwords == 0 || has_device_flag(c->instr))
        return;
    check_nvidia_smi(ctx, c);
    check_python(ctx, c);
}

static void check(ed_ctx *ctx)
{
    sys_each_cmd(ctx, check_cmd);
}

ED_RULE(ed306){
    .id = "ED306",
    .name = "gpu-query-at-build-time",
    .severity = ED_SEV_WARNING,
    .summary = "nvidia-smi or a CUDA availability check runs during docker build, where there is no GPU",
    .kinds = ED_KIND_DOCKERFILE,
    .check = check,
};
