/* ED304 gpu-arch-unsupported-by-cuda: an architecture list (TORCH_CUDA_ARCH_LIST,
 * CUDAARCHS, CMAKE_CUDA_ARCHITECTURES, FLASH_ATTN_CUDA_ARCHS,
 * TCNN_CUDA_ARCHITECTURES, nvcc -gencode / -arch / -code) names a compute
 * capability the stage's CUDA cannot compile for. The stage's CUDA is that
 * of a toolkit it installs, else its image's. */
#include <stdio.h>
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/model.h"
#include "system_common.h"

/* Variables that hold a list of architectures ("8.0;9.0+PTX", "80;90-real"). */
static const char *const arch_variables[] = {"TORCH_CUDA_ARCH_LIST", "CUDAARCHS",
                                             "CMAKE_CUDA_ARCHITECTURES", "FLASH_ATTN_CUDA_ARCHS",
                                             "TCNN_CUDA_ARCHITECTURES"};
static const char list_separators[] = "; ,\t\n\"'";
/* -gencode arch=compute_90,code=[sm_90,compute_90] */
static const char gencode_separators[] = ",=[] \t\"'";

/* Architecture names of the knowledge base, to name a capability in messages. */
static const char *const arch_family_names[] = {"Kepler", "Maxwell", "Pascal", "Volta", "Turing",
                                                "Ampere", "Ada Lovelace", "Hopper", "Blackwell"};

/* One architecture list and how its text maps back to the source. */
typedef struct arch_list {
    const char *what;      /* "TORCH_CUDA_ARCH_LIST", "nvcc -gencode" */
    const char *text;      /* the value the build sees */
    const char *seps;
    const char *onbuild;   /* "ONBUILD " or "" */
    const sh_word *word;   /* a command word holding text at word_offset, or NULL */
    const gpu_cmd *cmd;
    size_t word_offset;
    const df_instr *instr; /* else: an ENV/ARG word with the raw value */
    const df_word *raw;
    size_t raw_offset;     /* where the value starts in raw->text */
} arch_list;

static bool is_arch_variable(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof arch_variables / sizeof *arch_variables; i++)
        if (strlen(arch_variables[i]) == len && strncmp(arch_variables[i], name, len) == 0)
            return true;
    return false;
}

/* ---- Knowledge-base answers, phrased for messages ---- */

static const char *family_of(const kb *k, const kb_arch *a)
{
    char cc[8];
    snprintf(cc, sizeof cc, "%d.%d", a->major, a->minor);
    for (size_t i = 0; i < sizeof arch_family_names / sizeof *arch_family_names; i++) {
        const char *const *ccs;
        size_t n = kb_arch_names(k, arch_family_names[i], &ccs);
        for (size_t j = 0; j < n; j++)
            if (strcmp(ccs[j], cc) == 0)
                return arch_family_names[i];
    }
    return NULL;
}

static kb_version next_minor(kb_version v)
{
    return v.minor >= 9 ? (kb_version){v.major + 1, 0, -1} : (kb_version){v.major, v.minor + 1, -1};
}

static kb_version previous_minor(kb_version v)
{
    return v.minor <= 0 ? (kb_version){v.major - 1, 9, -1} : (kb_version){v.major, v.minor - 1, -1};
}

/* Where support for a capability begins or ends, as seen from a CUDA
 * version that cannot target it. */
typedef struct support_limit {
    bool known;        /* edge found */
    bool added;        /* support begins at edge (else: ends at edge) */
    kb_version edge;
    const char *why;   /* the knowledge base's own reason, for when the edge is not known */
} support_limit;

/* Found by asking the knowledge base about the CUDA releases next to `cuda`. */
static support_limit limit_of(const kb *k, kb_version cuda, const kb_arch *a)
{
    support_limit l = {false, false, KB_VERSION_NONE, NULL};
    kb_cuda_supports_target(k, cuda, a, &l.why);
    kb_version v = {cuda.major, cuda.minor, -1};
    for (int i = 0; i < 30; i++) {
        v = next_minor(v);
        if (kb_cuda_supports_target(k, v, a, NULL) == KB_YES)
            return (support_limit){true, true, v, l.why};
    }
    kb_version last_failing = {cuda.major, cuda.minor, -1};
    for (v = previous_minor(last_failing); v.major > 0; v = previous_minor(v)) {
        kb_tri t = kb_cuda_supports_target(k, v, a, NULL);
        if (t == KB_YES)
            return (support_limit){true, false, last_failing, l.why};
        if (t != KB_NO)
            break;
        last_failing = v;
    }
    return l;
}

/* For an architecture name: the earliest start, or the latest end, over its capabilities. */
static support_limit wider_limit(support_limit a, support_limit b)
{
    if (!a.known || !b.known)
        return a.known ? a : b;
    if (a.added != b.added)
        return a.added ? b : a; /* a removal explains "cannot target" for every newer CUDA */
    int cmp = kb_version_cmp(a.edge, b.edge);
    return (a.added ? cmp <= 0 : cmp >= 0) ? a : b;
}

/* "which needs CUDA 11.8 or newer" / "which CUDA 12.0 and newer cannot target". */
static const char *limit_phrase(ed_arena *arena, support_limit l)
{
    if (!l.known)
        return ed_arena_printf(arena, "which the stage's CUDA cannot target (%s)",
                               l.why ? l.why : "knowledge base");
    const char *v = sys_cuda_str(arena, l.edge);
    return l.added ? ed_arena_printf(arena, "which needs CUDA %s or newer", v)
                   : ed_arena_printf(arena, "which CUDA %s and newer cannot target", v);
}

/* ---- Tokens ---- */

/* The next token of text[*pos..len) between separators; false at the end. */
static bool next_token(const char *text, size_t len, const char *seps, size_t *pos, size_t *start,
                       size_t *end)
{
    size_t i = *pos;
    while (i < len && strchr(seps, text[i]))
        i++;
    if (i >= len)
        return false;
    *start = i;
    while (i < len && !strchr(seps, text[i]))
        i++;
    *end = i;
    *pos = i;
    return true;
}

/* The capability a token names: "9.0", "sm_90a", "8.6+PTX", CMake's "90-real";
 * false for native/all/all-major, "arch"/"code" keys and anything unknown. */
static bool token_arch(ed_arena *arena, const char *token, size_t len, kb_arch *out)
{
    static const char *const cmake_suffixes[] = {"-real", "-virtual"};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(cmake_suffixes[i]);
        if (len > n && strncmp(token + len - n, cmake_suffixes[i], n) == 0)
            len -= n;
    }
    return kb_arch_parse_full(ed_arena_strndup(arena, token, len), out);
}

/* The token's place in the raw ENV/ARG text (quotes kept): its first
 * occurrence between separators; the whole word when the value came from
 * elsewhere (a variable, --build-arg). */
static df_span raw_token_span(const arch_list *l, const char *token, size_t len)
{
    const char *raw = l->raw->text + l->raw_offset;
    size_t n = strlen(raw);
    for (size_t i = 0; i + len <= n; i++) {
        bool starts = i == 0 || strchr(l->seps, raw[i - 1]);
        bool ends = i + len == n || strchr(l->seps, raw[i + len]);
        if (starts && ends && strncmp(raw + i, token, len) == 0) {
            size_t at = l->raw->lstart + l->raw_offset + i;
            return df_source_span(l->instr, at, at + len);
        }
    }
    return l->raw->span;
}

static df_span token_span(const arch_list *l, size_t start, size_t end)
{
    if (l->word)
        return gpu_word_part(l->cmd, l->word, l->word_offset + start, l->word_offset + end);
    return raw_token_span(l, l->text + start, end - start);
}

/* ---- Checking a list ---- */

static bool already_reported(const kb_arch *seen, size_t nseen, const kb_arch *a)
{
    for (size_t i = 0; i < nseen; i++)
        if (seen[i].major == a->major && seen[i].minor == a->minor && seen[i].variant == a->variant)
            return true;
    return false;
}

/* A capability token ("9.0") the stage cannot target: report it. */
static bool check_capability(ed_ctx *ctx, const sys_cuda *cuda, const arch_list *l, size_t start,
                             size_t end, const kb_arch *a)
{
    const kb *k = ctx->gpu->kb;
    if (kb_cuda_supports_target(k, cuda->version, a, NULL) != KB_NO)
        return false;
    const char *family = family_of(k, a);
    df_span span = token_span(l, start, end);
    ed_report(ctx, span.start, span.end, "%s%s names %.*s%s%s%s, %s; the stage uses CUDA %s (%s)",
              l->onbuild, l->what, (int)(end - start), l->text + start, family ? " (" : "",
              family ? family : "", family ? ")" : "",
              limit_phrase(ctx->arena, limit_of(k, cuda->version, a)),
              sys_cuda_str(ctx->arena, cuda->version), cuda->origin);
    return true;
}

/* An architecture name ("Hopper", as TORCH_CUDA_ARCH_LIST allows) none of
 * whose capabilities the stage can target: report it. */
static void check_family(ed_ctx *ctx, const sys_cuda *cuda, const arch_list *l, size_t start,
                         size_t end)
{
    const kb *k = ctx->gpu->kb;
    const char *const *ccs;
    size_t n = kb_arch_names(k, ed_arena_strndup(ctx->arena, l->text + start, end - start), &ccs);
    support_limit limit = {false, false, KB_VERSION_NONE, NULL};
    for (size_t i = 0; i < n; i++) {
        kb_arch a;
        if (!kb_arch_parse_full(ccs[i], &a) || kb_cuda_supports_target(k, cuda->version, &a, NULL) != KB_NO)
            return;
        limit = wider_limit(limit, limit_of(k, cuda->version, &a));
    }
    if (n == 0)
        return;
    df_span span = token_span(l, start, end);
    ed_report(ctx, span.start, span.end, "%s%s names %.*s, %s; the stage uses CUDA %s (%s)",
              l->onbuild, l->what, (int)(end - start), l->text + start,
              limit_phrase(ctx->arena, limit),
              sys_cuda_str(ctx->arena, cuda->version), cuda->origin);
}

static void check_list(ed_ctx *ctx, const sys_cuda *cuda, const arch_list *l)
{
    kb_arch seen[16];
    size_t nseen = 0, pos = 0, start, end, len = strlen(l->text);
    while (next_token(l->text, len, l->seps, &pos, &start, &end)) {
        kb_arch a;
        if (!token_arch(ctx->arena, l->text + start, end - start, &a)) {
            check_family(ctx, cuda, l, start, end);
            continue;
        }
        if (already_reported(seen, nseen, &a)) /* arch=compute_90,code=sm_90: once */
            continue;
        if (check_capability(ctx, cuda, l, start, end, &a) && nseen < sizeof seen / sizeof *seen)
            seen[nseen++] = a;
    }
}

/* ---- ENV and ARG definitions of a stage ---- */

/* The raw word that defines var (ENV value, or ARG NAME=value) and where
 * the value starts in it; for `ARG NAME` without a value, the global ARG's. */
static const df_word *definition_word(const df_model *df, const df_var *var, bool follow_global,
                                      const df_instr **instr, size_t *offset)
{
    const df_instr *in = var->instr;
    size_t len = strlen(var->name);
    for (size_t i = 0; in && i < in->npairs; i++)
        if (strcmp(in->pairs[i].key.text, var->name) == 0) {
            *instr = in;
            *offset = 0;
            return &in->pairs[i].value;
        }
    for (size_t i = 0; in && i < in->nargs; i++) {
        const df_word *w = &in->args[i];
        if (strncmp(w->text, var->name, len) != 0)
            continue;
        if (w->text[len] == '=') {
            *instr = in;
            *offset = len + 1;
            return w;
        }
        for (size_t g = df->nglobal_args; follow_global && w->text[len] == '\0' && g-- > 0;)
            if (strcmp(df->global_args[g].name, var->name) == 0 && df->global_args[g].instr)
                return definition_word(df, &df->global_args[g], false, instr, offset);
    }
    return NULL;
}

static void check_definitions(ed_ctx *ctx, const gpu_stage *s, const sys_cuda *cuda)
{
    const df_stage *st = s->stage;
    for (size_t i = 0; i < st->nvars; i++) {
        const df_var *v = &st->vars[i];
        if (!v->value || !is_arch_variable(v->name, strlen(v->name)))
            continue;
        arch_list l = {.what = v->name, .text = v->value, .seps = list_separators, .onbuild = ""};
        l.raw = definition_word(ctx->model, v, true, &l.instr, &l.raw_offset);
        if (l.raw)
            check_list(ctx, cuda, &l);
    }
}

/* ---- Commands ---- */

/* NAME=value prefixes and `export NAME=value`. */
static void check_assignment(ed_ctx *ctx, const sys_cuda *cuda, const gpu_cmd *c, const sh_word *w)
{
    const char *eq = strchr(w->text, '=');
    if (!eq || !is_arch_variable(w->text, (size_t)(eq - w->text)))
        return;
    size_t offset = (size_t)(eq + 1 - w->text);
    arch_list l = {.what = ed_arena_strndup(ctx->arena, w->text, offset - 1), .text = eq + 1,
                   .seps = list_separators, .onbuild = sys_onbuild(c), .word = w, .cmd = c,
                   .word_offset = offset};
    check_list(ctx, cuda, &l);
}

static void check_word_value(ed_ctx *ctx, const sys_cuda *cuda, const gpu_cmd *c, const char *what,
                             const sh_word *w, size_t offset, const char *seps)
{
    arch_list l = {.what = what, .text = w->text + offset, .seps = seps, .onbuild = sys_onbuild(c),
                   .word = w, .cmd = c, .word_offset = offset};
    check_list(ctx, cuda, &l);
}

/* cmake -DCMAKE_CUDA_ARCHITECTURES[:TYPE]=... (also `-D NAME=...`). */
static void check_cmake(ed_ctx *ctx, const sys_cuda *cuda, const gpu_cmd *c)
{
    const sh_command *cmd = c->cmd;
    for (size_t i = 1; i < cmd->nwords; i++) {
        const sh_word *w = &cmd->words[i];
        size_t at = strncmp(w->text, "-D", 2) == 0 ? 2 : 0;
        if (at == 0 && !(i > 1 && strcmp(cmd->words[i - 1].text, "-D") == 0))
            continue;
        const char *eq = strchr(w->text + at, '=');
        if (!eq)
            continue;
        size_t name_len = strcspn(w->text + at, ":=");
        if (is_arch_variable(w->text + at, name_len))
            check_word_value(ctx, cuda, c, ed_arena_strndup(ctx->arena, w->text + at, name_len), w,
                             (size_t)(eq + 1 - w->text), list_separators);
    }
}

/* nvcc -gencode/--generate-code, -arch/--gpu-architecture, -code/--gpu-code,
 * with the value attached (`-arch=sm_90`) or as the next word. */
static void check_nvcc(ed_ctx *ctx, const sys_cuda *cuda, const gpu_cmd *c)
{
    static const char *const options[] = {"-gencode", "--generate-code", "-arch",
                                          "--gpu-architecture", "-code", "--gpu-code"};
    const sh_command *cmd = c->cmd;
    for (size_t i = 1; i < cmd->nwords; i++) {
        const sh_word *w = &cmd->words[i];
        for (size_t k = 0; k < sizeof options / sizeof *options; k++) {
            size_t n = strlen(options[k]);
            if (strncmp(w->text, options[k], n) != 0 || (w->text[n] != '=' && w->text[n] != '\0'))
                continue;
            const char *what = ed_arena_printf(ctx->arena, "nvcc %s", options[k]);
            const char *seps = k < 2 ? gencode_separators : list_separators;
            if (w->text[n] == '=')
                check_word_value(ctx, cuda, c, what, w, n + 1, seps);
            else if (i + 1 < cmd->nwords)
                check_word_value(ctx, cuda, c, what, &cmd->words[i + 1], 0, seps);
        }
    }
}

static void check_command(ed_ctx *ctx, const sys_cuda *cuda, const gpu_cmd *c)
{
    const sh_command *cmd = c->cmd;
    for (size_t i = 0; i < cmd->nassigns; i++)
        check_assignment(ctx, cuda, c, &cmd->assigns[i]);
    if (cmd->nwords == 0)
        return;
    const char *program = sh_program(cmd);
    if (strcmp(program, "export") == 0)
        for (size_t i = 1; i < cmd->nwords; i++)
            check_assignment(ctx, cuda, c, &cmd->words[i]);
    else if (strcmp(program, "cmake") == 0)
        check_cmake(ctx, cuda, c);
    else if (strcmp(program, "nvcc") == 0)
        check_nvcc(ctx, cuda, c);
}

static void check(ed_ctx *ctx)
{
    const gpu_model *m = ctx->gpu;
    if (!m || !ctx->model)
        return;
    sys_toolkits tk = sys_find_toolkits(ctx->arena, m);
    for (size_t i = 0; i < m->nstages; i++) {
        const gpu_stage *s = &m->stages[i];
        sys_cuda cuda;
        if (!sys_stage_cuda(ctx->arena, m, &tk, s, &cuda))
            continue;
        check_definitions(ctx, s, &cuda);
        for (size_t k = 0; k < s->ncmds; k++)
            check_command(ctx, &cuda, &s->cmds[k]);
    }
}

ED_RULE(ed304){
    .id = "ED304",
    .name = "gpu-arch-unsupported-by-cuda",
    .severity = ED_SEV_ERROR,
    .summary = "An architecture list names a GPU architecture the stage's CUDA cannot compile for",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
