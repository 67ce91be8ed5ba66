/* What the files of BuildKit's instruction-stage checks share: validate.c
 * (the driver and the instructions), validate_flags.c (bflag.go) and
 * validate_run.c (RUN's flag values). */
#ifndef ENVDOCTOR_DOCKERFILE_VALIDATE_INTERNAL_H
#define ENVDOCTOR_DOCKERFILE_VALIDATE_INTERNAL_H

#include "internal.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

typedef struct vctx {
    df_file *file;
    ed_arena *arena;
} vctx;

/* --- validate.c --- */

/* Records the instruction's error; returns false so checks can `return dfv_fail(...)`. */
bool dfv_fail(vctx *v, df_instr *in, df_span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether variable expansion leaves the value as it is: BuildKit expands
 * mount options and --chmod with the file's escape character and quotes. */
bool dfv_is_literal(const vctx *v, const char *value);

/* --- validate_flags.c: builder flags (bflag.go) --- */

#define MAX_FLAG_SPECS 8

/* The flags of one instruction once parsed: the last use of each. */
typedef struct flag_set {
    const df_flag *used[MAX_FLAG_SPECS];
} flag_set;

/* BFlags.Parse over the instruction's flags, in order, first error wins. */
bool dfv_check_flags(vctx *v, df_instr *in, flag_set *set);
/* The last use of a flag the instruction defines, or NULL. */
const df_flag *dfv_flag_used(const flag_set *set, const df_instr *in, const char *name);

/* --- validate_run.c --- */

/* RUN: its flags, then --device, --mount, --network and --security in BuildKit's order. */
bool dfv_check_run(vctx *v, df_instr *in);

#endif
