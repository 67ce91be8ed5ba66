/* Internal interfaces between the definition-file parser's files. */
#ifndef ENVDOCTOR_APPTAINER_INTERNAL_H
#define ENVDOCTOR_APPTAINER_INTERNAL_H

#include "envdoctor/apptainer.h"
#include "envdoctor/buf.h"

/* A --build-arg NAME=VALUE. */
typedef struct ap_build_arg {
    const char *name;
    size_t name_len;
    const char *value;
} ap_build_arg;

typedef struct ap_parser {
    ed_arena *arena;
    ap_file *file;
    const ed_source *src;
    const char *data;
    size_t len;
    const ap_build_arg *build_args;
    size_t nbuild_args;
    /* physical lines: [line_start[i], line_end[i]) without the line ending */
    size_t *line_start, *line_end;
    size_t nlines;
    /* {{ NAME }} substitution: bytes added so far, and the bound */
    size_t substituted, max_substituted;
    bool over_substituted; /* the bound was hit (reported once) */
    size_t max_sections;   /* reading stops after the first section past it */
} ap_parser;

/* Appends a syntax error (file->dockerfile.errors). */
void ap_error(ap_parser *p, size_t start, size_t end, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- text.c: substituted text with its segments ---- */

typedef struct ap_text_builder {
    ed_buf buf;
    df_segment *segs;
    size_t nsegs;
    size_t at; /* where the text starts in the source (for an empty text) */
    bool started;
    bool substituted;
} ap_text_builder;

/* Appends source bytes [start, end) with every `{{ NAME }}` the stage
 * defines replaced; reports undefined names and a `{{` without `}}`. */
void ap_text_add(ap_parser *p, ap_text_builder *b, const ap_stage *stage, size_t start,
                 size_t end);
/* The text built so far (the builder is reset). */
ap_text ap_text_finish(ap_parser *p, ap_text_builder *b);
/* The substituted text of source bytes [start, end). */
ap_text ap_text_of(ap_parser *p, const ap_stage *stage, size_t start, size_t end);

/* The value `{{ name }}` stands for in the stage: --build-arg, else the
 * stage's %arguments; NULL when neither defines it. */
const char *ap_lookup(const ap_parser *p, const ap_stage *stage, const char *name, size_t len);

/* ---- arguments.c ---- */

/* Reads the stage's %arguments sections into stage->args (raw values, the
 * build args applied). */
void ap_read_arguments(ap_parser *p, ap_stage *stage);

/* ---- headers.c ---- */

/* Parses the header lines [first, end) (line indexes) of the stage. */
void ap_read_headers(ap_parser *p, ap_stage *stage, size_t first, size_t end);
/* Checks Bootstrap:, From: and Stage: once the stage is read. */
void ap_check_stage(ap_parser *p, ap_stage *stage, size_t index);

/* ---- names.c ---- */

bool ap_is_header_key(const char *key);
/* The closest valid header key (for "did you mean"), or NULL. */
const char *ap_suggest_header_key(const char *key);
const char *ap_suggest_section(const char *name);
/* Bootstrap agents Apptainer knows. */
bool ap_is_agent(const char *agent);
/* Agents that need a From: header. */
bool ap_agent_needs_from(const char *agent);
/* Sections whose body is a shell script. */
bool ap_section_is_script(ap_section_kind kind);

/* ---- map.c, map_env.c: the Dockerfile view ---- */

void ap_map(ap_parser *p);

/* A mapped instruction: a section's logical line and spans. */
df_instr *ap_map_add(ap_parser *p, df_kind kind, const ap_section *section);
/* A word of a section's text [lstart, lend) (its text may differ: quotes). */
df_word ap_map_word(ap_parser *p, const df_instr *in, const char *text, size_t lstart, size_t lend);
/* ENV pairs of an %environment / %appenv section. */
void ap_map_environment(ap_parser *p, df_instr *in, const ap_section *section);

#endif
