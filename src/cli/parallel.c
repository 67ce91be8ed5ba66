/* A small work queue over POSIX threads (see parallel.h). */
#define _GNU_SOURCE /* sched_getaffinity */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "parallel.h"

typedef struct queue {
    void (*fn)(void *ctx, size_t i, unsigned worker);
    void *ctx;
    size_t n;
    atomic_size_t next; /* the next job to take */
    atomic_size_t done;
} queue;

/* One thread's share: the queue and the thread's number. */
typedef struct worker {
    queue *q;
    unsigned id;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    queue *q = w->q;
    for (size_t i; (i = atomic_fetch_add(&q->next, 1)) < q->n;) {
        q->fn(q->ctx, i, w->id);
        atomic_fetch_add(&q->done, 1);
    }
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_parallel(size_t n, unsigned workers, void (*fn)(void *ctx, size_t i, unsigned worker),
                  void *ctx,
                  void (*progress)(void *ctx, size_t done, size_t n))
{
    queue q = {.fn = fn, .ctx = ctx, .n = n};
    atomic_init(&q.next, 0);
    atomic_init(&q.done, 0);
    if (workers > n)
        workers = (unsigned)n;
    pthread_t *threads = workers > 1 ? calloc(workers - 1, sizeof *threads) : NULL;
    worker *ids = workers > 1 ? calloc(workers - 1, sizeof *ids) : NULL;
    unsigned started = 0;
    for (unsigned t = 0; threads && ids && t + 1 < workers; t++) {
        ids[started] = (worker){&q, started + 1};
        if (pthread_create(&threads[started], NULL, work, &ids[started]) == 0)
            started++;
    }
    /* the caller works too, reporting progress between its jobs */
    double last = now();
    for (size_t i; (i = atomic_fetch_add(&q.next, 1)) < q.n;) {
        fn(ctx, i, 0);
        atomic_fetch_add(&q.done, 1);
        if (progress && now() - last >= 0.1) {
            progress(ctx, atomic_load(&q.done), n);
            last = now();
        }
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    free(ids);
    if (progress)
        progress(ctx, n, n);
}

unsigned cli_cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}
