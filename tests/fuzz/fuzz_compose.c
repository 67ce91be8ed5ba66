/* Fuzz target: Compose files. The input is a compose file: the YAML tree
 * with tight limits (to reach the limit paths) and with the defaults, the
 * .env parser over the same bytes, and the whole compose lint
 * (ed_lint_compose_files: YAML tree, compose model, extends, interpolation
 * with a few variables, the linked Dockerfiles, the compose rules). */
#include "fuzz.h"

#include "envdoctor/compose.h"
#include "envdoctor/engine.h"
#include "envdoctor/yaml.h"

static const char *const fuzz_cf_vars[] = {
    "CUDA_VERSION=12.4.1", "GPU_COUNT=1", "TAG=latest", "EMPTY=", "DRIVER=nvidia",
};

/* budget: nodes left to visit (merged pairs share subtrees) */
static void fuzz_cf_check_node(const cf_node *n, size_t len, size_t depth, size_t *budget)
{
    FUZZ_CHECK(n != NULL);
    if (*budget == 0)
        return;
    --*budget;
    FUZZ_CHECK(n->start <= n->end && n->end <= len);
    FUZZ_CHECK(n->props_start <= n->start);
    if (n->kind == CF_SCALAR) {
        FUZZ_CHECK(n->value != NULL);
        (void)cf_type_name(n);
        long long v;
        bool b;
        (void)cf_scalar_int(n, &v);
        (void)cf_scalar_bool(n, &b);
        (void)cf_scalar_bool_loose(n, &b);
    }
    if (n->alias || depth > 600) /* shared subtrees: checked where they are written */
        return;
    for (size_t i = 0; i < n->npairs; i++) {
        fuzz_cf_check_node(n->pairs[i].key, len, depth + 1, budget);
        fuzz_cf_check_node(n->pairs[i].value, len, depth + 1, budget);
    }
    for (size_t i = 0; i < n->nitems; i++)
        fuzz_cf_check_node(n->items[i], len, depth + 1, budget);
}

static void fuzz_cf_check_yaml(const cf_yaml *y, size_t len)
{
    FUZZ_CHECK(y != NULL);
    size_t budget = 100000;
    for (size_t i = 0; i < y->ndocs; i++)
        fuzz_cf_check_node(y->docs[i], len, 0, &budget);
    for (size_t i = 0; i < y->nerrors; i++) {
        FUZZ_CHECK(y->errors[i].message != NULL);
        FUZZ_CHECK(y->errors[i].start <= y->errors[i].end && y->errors[i].end <= len);
    }
    for (size_t i = 0; i < y->ncomments; i++) {
        FUZZ_CHECK(y->comments[i].start <= y->comments[i].end && y->comments[i].end <= len);
        if (i)
            FUZZ_CHECK(y->comments[i - 1].line < y->comments[i].line);
    }
}

int fuzz_compose(const uint8_t *data, size_t size)
{
    fuzz_enter();
    ed_arena *arena = ed_arena_new();
    ed_source *src = fuzz_source(arena, "compose.yaml", data, size);

    cf_limits tight = {16, 256, 1 << 13};
    fuzz_cf_check_yaml(cf_yaml_parse(arena, src, &tight), size);
    fuzz_cf_check_yaml(cf_yaml_parse(arena, src, NULL), size);

    cf_vars dotenv;
    cf_vars_parse(arena, src->data, src->len, &dotenv);
    for (size_t i = 0; i < dotenv.n; i++)
        FUZZ_CHECK(dotenv.items[i] != NULL && strchr(dotenv.items[i], '='));

    ed_options options = {0};
    options.compose_vars = fuzz_cf_vars;
    options.ncompose_vars = sizeof fuzz_cf_vars / sizeof *fuzz_cf_vars;
    const ed_source *files[1] = {src};
    ed_file_result *results;
    size_t n;
    ed_lint_compose_files(arena, files, 1, &options, &results, &n);
    FUZZ_CHECK(n >= 1 && results[0].kind == ED_KIND_COMPOSE);
    fuzz_check_results(results, n);

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_compose)
