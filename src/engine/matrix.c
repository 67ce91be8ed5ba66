/* Linting over a build-argument matrix (see ed_lint_matrix in engine.h). */
#include <stdint.h>
#include <string.h>

#include "envdoctor/engine.h"

size_t ed_matrix_size(const ed_matrix_axis *axes, size_t naxes)
{
    size_t n = 1;
    for (size_t i = 0; i < naxes; i++) {
        if (axes[i].nvalues == 0)
            return 0;
        if (n > ED_MATRIX_MAX / axes[i].nvalues)
            return ED_MATRIX_MAX + 1;
        n *= axes[i].nvalues;
    }
    return n;
}

/* The k-th combination, the last axis varying fastest. */
static ed_combination combination(ed_arena *arena, const ed_matrix_axis *axes, size_t naxes,
                                  size_t k)
{
    const char **args = ed_arena_calloc(arena, naxes, sizeof *args);
    for (size_t i = naxes; i-- > 0;) {
        const ed_matrix_axis *a = &axes[i];
        args[i] = ed_arena_printf(arena, "%s=%s", a->name, a->values[k % a->nvalues]);
        k /= a->nvalues;
    }
    return (ed_combination){args, naxes};
}

static void lint_once(ed_arena *arena, const ed_source *src, ed_file_kind kind,
                      const ed_options *options, ed_file_result *out)
{
    if (kind == ED_KIND_APPTAINER)
        ed_lint_apptainer(arena, src, options, out);
    else
        ed_lint_dockerfile(arena, src, options, out);
}

static bool same_finding(const ed_finding *a, const ed_finding *b)
{
    return a->rule == b->rule && a->start == b->start && a->end == b->end &&
           a->severity == b->severity && strcmp(a->message, b->message) == 0;
}

/* Do two fixes make the same edits? */
static bool same_fix(const ed_fix *a, const ed_fix *b)
{
    if (!a || !b)
        return a == b;
    if (a->start != b->start || a->end != b->end || a->unsafe != b->unsafe ||
        a->nmore != b->nmore ||
        strcmp(a->replacement ? a->replacement : "", b->replacement ? b->replacement : "") != 0)
        return false;
    for (size_t i = 0; i < a->nmore; i++)
        if (a->more[i].start != b->more[i].start || a->more[i].end != b->more[i].end ||
            strcmp(a->more[i].replacement, b->more[i].replacement) != 0)
            return false;
    return true;
}

/* A finding of the merged list with the combinations (indexes) it occurs in. */
typedef struct merged {
    ed_finding finding;
    size_t *combos;
    size_t ncombos;
    bool other_fix; /* a combination offered another fix (or none) */
} merged;

/* The merged findings by content (same_finding), so that merging a
 * combination's findings is linear, not a scan of every finding so far:
 * open addressing over indexes into the merged list (+1; 0 is empty). */
typedef struct merge_index {
    size_t *slots;
    size_t cap; /* a power of two, over twice the entries */
} merge_index;

static size_t finding_hash(const ed_finding *f)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)f->message; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    h ^= (uint64_t)(uintptr_t)f->rule * 31 + f->start * 7 + f->end + (uint64_t)f->severity;
    return (size_t)(h ^ (h >> 29));
}

static void merge_index_put(merge_index *x, const merged *all, size_t i)
{
    size_t at = finding_hash(&all[i].finding) & (x->cap - 1);
    while (x->slots[at])
        at = (at + 1) & (x->cap - 1);
    x->slots[at] = i + 1;
}

/* Room for one more entry: doubles the table (and puts all n back). */
static void merge_index_reserve(ed_arena *arena, merge_index *x, const merged *all, size_t n)
{
    if ((n + 1) * 2 <= x->cap)
        return;
    x->cap = x->cap ? x->cap * 2 : 64;
    x->slots = ed_arena_calloc(arena, x->cap, sizeof *x->slots);
    for (size_t i = 0; i < n; i++)
        merge_index_put(x, all, i);
}

/* The merged finding equal to f that combination k has not matched yet. */
static merged *merge_index_find(const merge_index *x, merged *all, const ed_finding *f, size_t k)
{
    if (!x->cap)
        return NULL;
    for (size_t at = finding_hash(f) & (x->cap - 1); x->slots[at]; at = (at + 1) & (x->cap - 1)) {
        merged *m = &all[x->slots[at] - 1];
        if (same_finding(&m->finding, f) && m->combos[m->ncombos - 1] != k)
            return m;
    }
    return NULL;
}

void ed_lint_matrix(ed_arena *arena, const ed_source *src, ed_file_kind kind,
                    const ed_options *options, ed_file_result *out)
{
    bool listed = options && options->ncombinations > 0;
    size_t n = !options ? 1
               : listed ? options->ncombinations
                        : ed_matrix_size(options->matrix, options->nmatrix);
    if (!options || (!listed && options->nmatrix == 0) || n == 0) {
        lint_once(arena, src, kind, options, out);
        return;
    }
    if (n > ED_MATRIX_MAX)
        n = ED_MATRIX_MAX;
    ed_combination *combos = ed_arena_calloc(arena, n, sizeof *combos);
    merged *all = NULL;
    size_t nall = 0;
    merge_index index = {NULL, 0};
    for (size_t k = 0; k < n; k++) {
        combos[k] = listed ? options->combinations[k]
                           : combination(arena, options->matrix, options->nmatrix, k);
        ed_options o = *options;
        const char **args = ed_arena_calloc(arena, o.nbuild_args + combos[k].nargs + 1,
                                            sizeof *args);
        for (size_t i = 0; i < o.nbuild_args; i++)
            args[i] = o.build_args[i];
        for (size_t i = 0; i < combos[k].nargs; i++)
            args[o.nbuild_args + i] = combos[k].args[i];
        o.build_args = args;
        o.nbuild_args += combos[k].nargs;
        ed_file_result res;
        lint_once(arena, src, kind, &o, &res);
        if (k == 0)
            *out = res;
        for (size_t f = 0; f < res.nfindings; f++) {
            merged *m = merge_index_find(&index, all, &res.findings[f], k);
            if (!m) {
                all = ed_arena_push(arena, all, nall, sizeof *all);
                merge_index_reserve(arena, &index, all, nall);
                m = &all[nall];
                *m = (merged){res.findings[f], NULL, 0, false};
                merge_index_put(&index, all, nall++);
            } else if (!same_fix(m->finding.fix, res.findings[f].fix)) {
                m->other_fix = true;
            }
            m->combos = ed_arena_push(arena, m->combos, m->ncombos, sizeof *m->combos);
            m->combos[m->ncombos++] = k;
        }
    }
    ed_finding *findings = ed_arena_calloc(arena, nall ? nall : 1, sizeof *findings);
    for (size_t i = 0; i < nall; i++) {
        findings[i] = all[i].finding;
        /* a fix right for some combinations only could break the others
         * (and the autofix passes would undo each other's work) */
        if (all[i].ncombos < n || all[i].other_fix)
            findings[i].fix = NULL;
        if (all[i].ncombos == n)
            continue; /* everywhere: nothing to say */
        ed_combination *in = ed_arena_calloc(arena, all[i].ncombos, sizeof *in);
        for (size_t c = 0; c < all[i].ncombos; c++)
            in[c] = combos[all[i].combos[c]];
        findings[i].combinations = in;
        findings[i].ncombinations = all[i].ncombos;
    }
    ed_sort_findings(findings, nall, src);
    out->findings = findings;
    out->nfindings = nall;
}
