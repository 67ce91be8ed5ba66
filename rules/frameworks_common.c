/* Shared helpers of the framework rules (ED206-ED211). */
#include "frameworks_common.h"

#include <stdio.h>
#include <string.h>

static bool in_scope(const sh_pkgcmd *pkg, fw_scope scope)
{
    if (pkg->action == SH_ACT_INSTALL)
        return true;
    return scope == FW_FETCHES && (pkg->action == SH_ACT_DOWNLOAD || pkg->action == SH_ACT_WHEEL);
}

void fw_each_python_req(ed_ctx *ctx, fw_scope scope, fw_visit visit, void *data)
{
    if (!ctx->gpu)
        return;
    for (size_t i = 0; i < ctx->gpu->nstages; i++) {
        const gpu_stage *s = &ctx->gpu->stages[i];
        for (size_t k = 0; k < s->ncmds; k++) {
            const gpu_cmd *c = &s->cmds[k];
            if (!c->pkg || !sh_pm_is_python(c->pkg->manager) || !in_scope(c->pkg, scope))
                continue;
            size_t n;
            const gpu_req *reqs = gpu_cmd_reqs(ctx->arena, ctx->gpu, c, &n);
            for (size_t r = 0; r < n; r++)
                visit(ctx, &(fw_item){s, c, &reqs[r], reqs[r].req}, data);
        }
    }
}

/* Does any requirement of the command pass the test? */
static bool command_installs(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c, fw_test test,
                             void *data)
{
    size_t n;
    const gpu_req *reqs = gpu_cmd_reqs(ctx->arena, ctx->gpu, c, &n);
    for (size_t r = 0; r < n; r++)
        if (test(ctx, &(fw_item){s, c, &reqs[r], reqs[r].req}, data))
            return true;
    return false;
}

static bool stage_installs(ed_ctx *ctx, const gpu_stage *s, fw_test test)
{
    for (size_t k = 0; k < s->ncmds; k++) {
        const gpu_cmd *c = &s->cmds[k];
        if (c->pkg && c->pkg->action == SH_ACT_INSTALL && command_installs(ctx, s, c, test, NULL))
            return true;
    }
    return false;
}

bool fw_chain_installs(ed_ctx *ctx, const gpu_stage *stage, fw_test test, fw_chain_cache *cache)
{
    const gpu_model *m = ctx->gpu;
    if (!cache->answers)
        cache->answers = ed_arena_calloc(ctx->arena, m->nstages ? m->nstages : 1, 1);
    /* The stages up the chain whose answer is not known yet, then each
     * answer from the top down: its own commands, or its parent's answer.
     * No recursion: a chain can be 100,000 stages long. */
    size_t n = 0;
    const gpu_stage *s = stage;
    for (; s && cache->answers[s - m->stages] == 0; s = s->parent)
        n++;
    bool answer = s && cache->answers[s - m->stages] > 0;
    if (n == 0)
        return answer;
    const gpu_stage **unknown = ed_arena_calloc(ctx->arena, n, sizeof *unknown);
    n = 0;
    for (s = stage; s && cache->answers[s - m->stages] == 0; s = s->parent)
        unknown[n++] = s;
    while (n-- > 0) {
        answer = answer || stage_installs(ctx, unknown[n], test);
        cache->answers[unknown[n] - m->stages] = answer ? 1 : -1;
    }
    return answer;
}

bool fw_from_index(const sh_req *r)
{
    return !r->url && !r->is_local && r->name[0] != '\0';
}

bool fw_has_extra(const sh_req *r, const char *extra)
{
    char want[64], have[64];
    kb_normalise_name(extra, want, sizeof want);
    for (size_t i = 0; i < r->nextras; i++) {
        kb_normalise_name(r->extras[i], have, sizeof have);
        if (strcmp(have, want) == 0)
            return true;
    }
    return false;
}

size_t fw_cmd_index(const fw_item *item)
{
    return (size_t)(item->cmd - item->stage->cmds);
}

const char *fw_display(ed_arena *arena, const sh_req *r)
{
    const char *text = r->raw_name[0] ? r->raw_name : r->name;
    if (r->nextras) {
        text = ed_arena_printf(arena, "%s[%s", text, r->extras[0]);
        for (size_t i = 1; i < r->nextras; i++)
            text = ed_arena_printf(arena, "%s,%s", text, r->extras[i]);
        text = ed_arena_printf(arena, "%s]", text);
    }
    if (r->specifier)
        text = ed_arena_printf(arena, "%s%s", text, r->specifier);
    return text;
}

const char *fw_subject(ed_ctx *ctx, const fw_item *item)
{
    const char *subject = fw_display(ctx->arena, item->r);
    if (item->req->file)
        subject = ed_arena_printf(ctx->arena, "%s (%s:%u)", subject, item->req->file_name,
                                  item->req->file_line);
    if (item->cmd->onbuild)
        subject = ed_arena_printf(ctx->arena, "%s in an ONBUILD trigger", subject);
    return subject;
}

const char *fw_intent(ed_arena *arena, const gpu_stage *stage)
{
    const char *why = stage->intent ? stage->intent : "is meant for a GPU";
    if (strncmp(why, "--", 2) == 0) /* "--gpu always" */
        return ed_arena_printf(arena, "%s is given", why);
    return ed_arena_printf(arena, "it %s", why);
}

bool fw_version_prefix(const char *text, kb_version *out)
{
    char buf[32];
    size_t n = 0, dots = 0;
    for (const char *p = text ? text : ""; *p && n + 1 < sizeof buf; p++) {
        if (*p == '.' && ++dots == 3)
            break; /* kb versions have three parts at most */
        if (*p != '.' && (*p < '0' || *p > '9'))
            break;
        buf[n++] = *p;
    }
    while (n && buf[n - 1] == '.')
        n--;
    buf[n] = '\0';
    return n > 0 && kb_version_parse(buf, out);
}

static kb_version zero_filled(kb_version v)
{
    return (kb_version){v.major, v.minor < 0 ? 0 : v.minor, v.patch < 0 ? 0 : v.patch};
}

kb_tri fw_version_reached(const char *version, const char *threshold)
{
    kb_version v, t;
    if (!fw_version_prefix(threshold, &t))
        return KB_UNKNOWN;
    if (!version)
        return KB_YES;
    if (!fw_version_prefix(version, &v))
        return KB_UNKNOWN;
    return kb_version_cmp(zero_filled(v), zero_filled(t)) >= 0 ? KB_YES : KB_NO;
}

/* One clause of a specifier: "==2.15.*", ">=2.1". */
static void read_clause(ed_arena *arena, const char *clause, size_t len, fw_versions *v)
{
    static const char *const ops[] = {"===", "==", "~=", "!=", "<=", ">=", "<", ">"};
    size_t op = 0, oplen = 0;
    while (op < sizeof ops / sizeof *ops) {
        oplen = strlen(ops[op]);
        if (len >= oplen && strncmp(clause, ops[op], oplen) == 0)
            break;
        op++;
    }
    if (op == sizeof ops / sizeof *ops)
        return;
    const char *version = ed_arena_strndup(arena, clause + oplen, len - oplen);
    bool wildcard = strchr(version, '*') != NULL;
    switch (op) {
    case 0: /* === */
    case 1: /* == */
        v->bounded = true;
        v->exact = !wildcard;
        v->lowest = version;
        break;
    case 2: /* ~= */
        v->bounded = true;
        v->lowest = version;
        break;
    case 3: /* != excludes one version; it bounds nothing */
        break;
    case 4: /* <= */
    case 6: /* < */
        v->bounded = true;
        break;
    default: /* >=, > */
        v->lowest = version;
        break;
    }
}

fw_versions fw_req_versions(ed_ctx *ctx, const fw_item *item)
{
    fw_versions v = {false, false, NULL};
    const char *spec = item->r->specifier;
    if (!spec)
        return v;
    if (strchr(spec, '$') && !item->req->file)
        spec = gpu_expand(ctx->arena, ctx->gpu, item->cmd, spec);
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        read_clause(ctx->arena, p, len, &v);
        p += len + (p[len] == ',');
    }
    if (strchr(spec, ','))
        v.exact = false; /* "==2.15.0,!=..." is odd enough not to guess */
    return v;
}

kb_tri fw_picked_version_has(ed_ctx *ctx, const fw_item *item, fw_version_fact fact,
                             const void *data)
{
    fw_versions v = fw_req_versions(ctx, item);
    if (!v.bounded)
        return fact(ctx, NULL, data);
    if (v.exact)
        return fact(ctx, v.lowest, data);
    if (v.lowest && fact(ctx, v.lowest, data) == KB_YES)
        return KB_YES;
    return KB_UNKNOWN;
}

/* The word's source bytes are its text (no quotes, escapes or joins), so
 * it can be rewritten from the source. */
static bool verbatim(const ed_source *src, df_span span, const sh_word *w)
{
    return span.end - span.start == w->len && span.end <= src->len &&
           memcmp(src->data + span.start, w->text, w->len) == 0;
}

ed_fix *fw_fix_name(ed_ctx *ctx, const fw_item *item, const char *name, const char *description)
{
    const char *data = ctx->src->data;
    df_span name_span = item->req->span;
    size_t len = strlen(item->r->raw_name);
    /* only where the token is the name as written (not a -r file line, a
     * #egg= fragment or an exec-form word with escapes) */
    if (item->req->file || name_span.end - name_span.start != len ||
        name_span.end > ctx->src->len ||
        memcmp(data + name_span.start, item->r->raw_name, len) != 0)
        return NULL;
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    fix->description = description;
    fix->replacement = name;
    fix->start = name_span.start;
    fix->end = name_span.end;
    const sh_word *w = item->r->word;
    if (!w || w->quoted || !strpbrk(name, "[]*?"))
        return fix;
    /* pip install tensorflow  ->  pip install "tensorflow[and-cuda]":
     * an unquoted [...] is a shell glob */
    df_span word = gpu_word_span(item->cmd, w);
    if (!verbatim(ctx->src, word, w) || name_span.start < word.start || name_span.end > word.end)
        return fix;
    fix->replacement = ed_arena_printf(ctx->arena, "\"%.*s%s%.*s\"",
                                       (int)(name_span.start - word.start), data + word.start, name,
                                       (int)(word.end - name_span.end), data + name_span.end);
    fix->start = word.start;
    fix->end = word.end;
    return fix;
}

const char *fw_jax_wheel_extra(ed_ctx *ctx, int cuda_major)
{
    char name[16];
    if (cuda_major <= 0)
        return NULL;
    snprintf(name, sizeof name, "cuda%d", cuda_major);
    const kb_jax_extra *e = kb_jax_extra_find(ctx->gpu->kb, name);
    if (!e || e->backend != KB_JAX_CUDA || e->local || e->removed || e->alias_of)
        return NULL;
    return e->name;
}
