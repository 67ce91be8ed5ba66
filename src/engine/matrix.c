/* Linting over a build-argument matrix (see ed_lint_matrix in engine.h). */
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
            merged *m = NULL;
            for (size_t i = 0; i < nall && !m; i++)
                if (same_finding(&all[i].finding, &res.findings[f]) &&
                    all[i].combos[all[i].ncombos - 1] != k)
                    m = &all[i];
            if (!m) {
                all = ed_arena_push(arena, all, nall, sizeof *all);
                m = &all[nall++];
                *m = (merged){res.findings[f], NULL, 0, false};
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
