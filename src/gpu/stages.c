/* How stages relate and how messages name them. */
#include <stdlib.h>
#include <string.h>

#include "gpu_internal.h"

/* Consumers: every stage that uses what stage p made is p itself and the
 * consumers of each stage built FROM p or copying (or mounting) from it; they
 * all come after p, since FROM, COPY --from and RUN --mount only name
 * earlier stages. So the lists are built from the last stage back, each
 * from its direct users' lists.
 *
 * A FROM chain makes them big: in a chain of n stages, stage k's consumers
 * are all of k..n-1, n^2/2 entries in all. So when p has exactly one direct
 * user c, p's list is stored as [p] followed by c's list, in the same array:
 * along a chain, every list is a tail of the first one's. (Only one stage
 * can put itself before c's list like that; the others get copies.) */

typedef struct consumers {
    size_t n;         /* stages */
    size_t *nkids;    /* direct users per stage */
    size_t **kids;
    size_t *len;      /* size of each stage's consumer list */
    long *next;       /* p's list is [p] + next[p]'s list; -1: stored whole in whole[p] */
    bool *claimed;    /* some stage's list is stored before this one's */
    size_t **whole;   /* lists stored whole (next[p] < 0), ascending */
    size_t *stamp;    /* dedup marks while merging */
} consumers;

static void add_kid(ed_arena *arena, consumers *c, size_t producer, size_t user)
{
    for (size_t i = 0; i < c->nkids[producer]; i++)
        if (c->kids[producer][i] == user)
            return;
    c->kids[producer] = ed_arena_push(arena, c->kids[producer], c->nkids[producer],
                                      sizeof *c->kids[producer]);
    c->kids[producer][c->nkids[producer]++] = user;
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* p's list stored whole: {p} and every list of its direct users, merged. */
static void merge_lists(ed_arena *arena, consumers *c, size_t p)
{
    size_t n = 1;
    for (size_t i = 0; i < c->nkids[p]; i++)
        n += c->len[c->kids[p][i]];
    size_t *list = ed_arena_calloc(arena, n, sizeof *list), k = 0;
    list[k++] = p;
    c->stamp[p] = p + 1;
    for (size_t i = 0; i < c->nkids[p]; i++) {
        size_t x = c->kids[p][i];
        for (; c->next[x] >= 0; x = (size_t)c->next[x])
            if (c->stamp[x] != p + 1) {
                c->stamp[x] = p + 1;
                list[k++] = x;
            }
        for (size_t j = 0; j < c->len[x]; j++)
            if (c->stamp[c->whole[x][j]] != p + 1) {
                c->stamp[c->whole[x][j]] = p + 1;
                list[k++] = c->whole[x][j];
            }
    }
    qsort(list + 1, k - 1, sizeof *list, size_cmp);
    c->whole[p] = list;
    c->len[p] = k;
}

void gpu_find_consumers(gpu_builder *b)
{
    gpu_model *m = b->model;
    const df_model *df = m->df;
    ed_arena *a = b->arena;
    size_t n = m->nstages;
    if (n == 0)
        return;
    consumers c = {n,
                   ed_arena_calloc(a, n, sizeof *c.nkids),
                   ed_arena_calloc(a, n, sizeof *c.kids),
                   ed_arena_calloc(a, n, sizeof *c.len),
                   ed_arena_calloc(a, n, sizeof *c.next),
                   ed_arena_calloc(a, n, sizeof *c.claimed),
                   ed_arena_calloc(a, n, sizeof *c.whole),
                   ed_arena_calloc(a, n, sizeof *c.stamp)};
    for (size_t k = 0; k < n; k++) {
        int parent = m->stages[k].stage->parent;
        if (parent >= 0 && (size_t)parent < k)
            add_kid(a, &c, (size_t)parent, k);
    }
    for (size_t i = 0; i < df->nedges; i++) {
        const df_stage_edge *e = &df->edges[i];
        if (e->from_stage >= 0 && (size_t)e->from_stage < e->stage && e->stage < n)
            add_kid(a, &c, (size_t)e->from_stage, e->stage);
    }
    for (size_t p = n; p-- > 0;) {
        size_t kid = c.nkids[p] == 1 ? c.kids[p][0] : 0;
        if (c.nkids[p] == 1 && !c.claimed[kid]) {
            c.claimed[kid] = true;
            c.next[p] = (long)kid;
            c.len[p] = 1 + c.len[kid];
        } else {
            c.next[p] = -1;
            merge_lists(a, &c, p);
        }
    }
    /* Each chain of shared lists in one array, from the stage no list comes before. */
    for (size_t h = 0; h < n; h++) {
        if (c.claimed[h])
            continue;
        size_t *list = c.whole[h];
        if (c.next[h] >= 0) {
            list = ed_arena_calloc(a, c.len[h], sizeof *list);
            size_t k = 0, x = h;
            for (; c.next[x] >= 0; x = (size_t)c.next[x])
                list[k++] = x;
            memcpy(list + k, c.whole[x], c.len[x] * sizeof *list);
        }
        size_t at = 0;
        for (long x = (long)h;; x = c.next[x]) {
            m->stages[x].consumers = list + at;
            m->stages[x].nconsumers = c.len[x];
            at++;
            if (c.next[x] < 0)
                break;
        }
    }
}

const char *gpu_stage_label(ed_arena *arena, const gpu_model *m, const gpu_stage *s)
{
    if (m->nstages == 1)
        return "the stage";
    if (s->stage->name)
        return ed_arena_printf(arena, "stage %s", s->stage->name);
    return ed_arena_printf(arena, "stage %zu", s->stage->index);
}

const char *gpu_stage_image(const gpu_stage *s)
{
    return s->root && s->root->base ? s->root->base : "the base image";
}
