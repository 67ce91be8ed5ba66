/* Dockerfile front end: a tokenizer and parser with BuildKit's semantics.
 * Every node keeps exact byte spans on the original physical lines. */
#ifndef ENVDOCTOR_DOCKERFILE_H
#define ENVDOCTOR_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/source.h"

/* Byte range [start, end) in the source. */
typedef struct df_span {
    size_t start, end;
} df_span;

/* A word of an instruction: its value as BuildKit's parser produces it,
 * where it stands in the source, and where in the instruction's logical
 * (continuation-joined) line. */
typedef struct df_word {
    const char *text; /* NUL-terminated */
    size_t len;
    df_span span;        /* physical position in the source */
    size_t lstart, lend; /* range in the owning instruction's logical line */
} df_word;

/* A builder flag such as `--mount=type=cache,target=/root/.cache`. */
typedef struct df_flag {
    df_word word;      /* the whole flag, quotes removed, e.g. "--from=build" */
    const char *name;  /* "from" */
    const char *value; /* "build", or NULL when the flag has no '=' */
} df_flag;

/* An ENV or LABEL pair; raw text (quotes and escapes kept, as in BuildKit's AST). */
typedef struct df_pair {
    df_word key;
    df_word value;
    bool legacy; /* `ENV key value` rather than `ENV key=value` */
} df_pair;

typedef enum df_kind {
    DF_UNKNOWN = 0,
    DF_ADD,
    DF_ARG,
    DF_CMD,
    DF_COPY,
    DF_ENTRYPOINT,
    DF_ENV,
    DF_EXPOSE,
    DF_FROM,
    DF_HEALTHCHECK,
    DF_LABEL,
    DF_MAINTAINER,
    DF_ONBUILD,
    DF_RUN,
    DF_SHELL,
    DF_STOPSIGNAL,
    DF_USER,
    DF_VOLUME,
    DF_WORKDIR,
} df_kind;

typedef struct df_heredoc {
    df_word word;        /* the redirection word as written, e.g. `<<-"EOF"` */
    const char *name;    /* the delimiter with quotes removed, e.g. "EOF" */
    unsigned fd;         /* `3<<EOF` gives 3; 0 when none is written */
    bool expand;         /* false when any part of the delimiter is quoted */
    bool chomp;          /* `<<-`: leading tabs are stripped */
    const char *content; /* body bytes as in the source (points into it) */
    size_t content_len;
    df_span body;        /* source range of the body, terminator line excluded */
    df_span terminator;  /* source range of the terminator line */
} df_heredoc;

/* Piece of the logical line copied from the source. */
typedef struct df_segment {
    size_t logical, source, len;
} df_segment;

typedef struct df_instr {
    df_kind kind;        /* json and has_error fill the padding after kind */
    bool json;           /* exec (JSON array) form */
    bool has_error;      /* a syntax error was reported for this instruction */
    df_word keyword;     /* as written, e.g. "run" or "RUN" */
    df_flag *flags;
    size_t nflags;
    df_word *args;       /* BuildKit's argument nodes, except ENV/LABEL (see pairs) */
    size_t nargs;
    df_pair *pairs;      /* ENV and LABEL */
    size_t npairs;
    struct df_instr *trigger; /* ONBUILD's nested instruction */
    df_heredoc *heredocs;
    size_t nheredocs;
    unsigned start_line, end_line; /* physical lines, heredoc bodies included */
    df_span span;        /* from the keyword to the end of the last line */
    const char *line;    /* logical line: continuations joined, comments dropped */
    size_t line_len;
    size_t line_base;    /* offset of `line` within the segments' logical text */
    const df_segment *segs;
    size_t nsegs;
    const char **comments; /* comment lines directly above, '#' and blanks trimmed */
    size_t ncomments;
} df_instr;

typedef struct df_error {
    df_span span;
    const char *message;
} df_error;

typedef struct df_directive {
    const char *name;  /* lower case: syntax, escape, check */
    const char *value;
    df_span span;      /* the whole directive line */
} df_directive;

typedef struct df_file {
    const ed_source *src;
    char escape;               /* '\\' or '`' */
    df_instr *instrs;
    size_t ninstrs;
    df_directive *directives;
    size_t ndirectives;
    df_error *errors;          /* syntax errors, in source order */
    size_t nerrors;
    df_span *empty_continuations; /* blank lines inside a continuation */
    size_t nempty_continuations;
} df_file;

/* Parses the whole source. Never fails: problems become errors in the
 * result and parsing resumes at the next instruction. */
df_file *df_parse(const ed_source *src, ed_arena *arena);

/* df_parse that stops after the first instruction past max_instructions,
 * or the first whose heredocs bring their count past max_heredocs (the
 * engine's limits: it reports the file as over them and lints no more). */
df_file *df_parse_bounded(const ed_source *src, ed_arena *arena, size_t max_instructions,
                          size_t max_heredocs);

/* BuildKit's instruction stage: the checks `docker build` makes after
 * parsing (argument counts, flags and their values, RUN --mount options,
 * FROM stage names, ONBUILD triggers, HEALTHCHECK, instructions before the
 * first FROM). Adds errors to the file, kept in source order. */
void df_validate(df_file *file, ed_arena *arena);

/* Source offset of an offset in the instruction's logical line. */
size_t df_source_offset(const df_instr *in, size_t logical_offset);
/* Source span of a logical range [lstart, lend). */
df_span df_source_span(const df_instr *in, size_t lstart, size_t lend);

/* Upper-case keyword for a kind ("RUN"); NULL for DF_UNKNOWN. */
const char *df_kind_name(df_kind kind);
df_kind df_kind_from_word(const char *word, size_t len);

/* Appends a syntax error (used by the parser and the instruction checks). */
void df_add_error(df_file *file, ed_arena *arena, df_span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* BuildKit's `Node.Dump()` of the file plus a final newline (the format of
 * BuildKit's parser test `result` files). Instructions with errors are skipped. */
char *df_dump(const df_file *file, ed_arena *arena);

#endif
