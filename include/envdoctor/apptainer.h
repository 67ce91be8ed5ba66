/* Apptainer / Singularity definition files (.def): a parser that keeps
 * exact byte spans, `{{ NAME }}` build-argument substitution (%arguments
 * defaults, --build-arg overrides), and the mapping of every stage onto the
 * Dockerfile AST (From: -> FROM, %files -> COPY, %post -> RUN, %environment
 * -> ENV, %labels -> LABEL, %arguments -> ARG), so that the build model, the
 * GPU model and their rules read a definition file as they read a
 * Dockerfile, with every position in the .def. The definition file's own
 * AST stays available for the rules about Apptainer itself. */
#ifndef ENVDOCTOR_APPTAINER_H
#define ENVDOCTOR_APPTAINER_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/shell.h"
#include "envdoctor/source.h"

typedef enum ap_section_kind {
    AP_SECTION_UNKNOWN = 0, /* a name Apptainer rejects (reported as an error) */
    AP_SECTION_SETUP,       /* runs on the host, before %files */
    AP_SECTION_FILES,       /* `%files [from STAGE]`: SRC [DEST] lines */
    AP_SECTION_ENVIRONMENT, /* sourced when the container runs, not during %post */
    AP_SECTION_POST,        /* `%post [-c SHELL]`: the build script, in the container */
    AP_SECTION_RUNSCRIPT,
    AP_SECTION_STARTSCRIPT,
    AP_SECTION_TEST,        /* runs at the end of the build (unless --notest) */
    AP_SECTION_LABELS,      /* KEY VALUE lines */
    AP_SECTION_HELP,
    AP_SECTION_ARGUMENTS,   /* NAME=default lines for {{ NAME }} */
    AP_SECTION_PRE,         /* legacy, accepted by Apptainer */
    /* SCIF app sections: `%appX NAME` */
    AP_SECTION_APPINSTALL,  /* build time, like %post */
    AP_SECTION_APPRUN,
    AP_SECTION_APPSTART,
    AP_SECTION_APPENV,
    AP_SECTION_APPLABELS,
    AP_SECTION_APPFILES,
    AP_SECTION_APPHELP,
    AP_SECTION_APPTEST,
} ap_section_kind;

/* Text after `{{ NAME }}` substitution, with the way back to the source:
 * segments map text offsets to source bytes as an instruction's logical
 * line does (a substituted value maps into its `{{ NAME }}`). */
typedef struct ap_text {
    const char *text; /* NUL-terminated */
    size_t len;
    const df_segment *segs;
    size_t nsegs;
    size_t at;        /* where an empty text stands in the source */
    bool substituted; /* a {{ NAME }} was replaced in it */
} ap_text;

/* Source span of text[start, end). */
df_span ap_text_span(const ap_text *t, size_t start, size_t end);

/* A `Key: value` header line (continuation lines joined). */
typedef struct ap_header {
    const char *key;   /* lower case, e.g. "bootstrap", "from", "stage" */
    ap_text value;     /* trimmed, `# comment` cut, substituted */
    df_span key_span;  /* the key as written */
    df_span value_span; /* the value as written (empty at the line end when none) */
    df_span span;      /* the whole line(s) */
} ap_header;

/* A `%name [args]` section and its body. */
typedef struct ap_section {
    ap_section_kind kind;
    const char *name;  /* lower case without '%': "post", "appinstall" */
    const char *app;   /* app sections: the app name; NULL otherwise */
    ap_text args;      /* the rest of the line, trimmed and substituted:
                          "-c /bin/bash", "from build" */
    df_span name_span; /* "%post" */
    df_span app_span;  /* the app name (empty when none) */
    df_span header;    /* the whole % line */
    df_span body;      /* the lines after it up to the next section or stage */
    ap_text text;      /* the body, substituted */
    /* The body split into shell commands (sh_parse over text) for the
     * script sections (%setup, %post, %environment, %runscript,
     * %startscript, %test, %pre and the app scripts); NULL for the others. */
    const sh_script *script;
    size_t stage;      /* index into ap_file.stages */
} ap_section;

/* A %arguments entry, with the value the build uses. */
typedef struct ap_arg {
    const char *name;
    const char *value;         /* --build-arg when given, else the default (nested
                                  {{ }} replaced once) */
    const char *default_value; /* as written in %arguments */
    bool from_build_arg;
    df_span name_span, value_span;
} ap_arg;

typedef struct ap_stage {
    ap_header *headers;
    size_t nheaders;
    const ap_header *bootstrap; /* NULL when missing */
    const ap_header *from;
    const ap_header *stage;     /* Stage: NAME (multi-stage builds) */
    const char *agent;          /* the Bootstrap value in lower case, or NULL */
    size_t first_section, end_section; /* its sections: file->sections[first .. end) */
    ap_arg *args;               /* its %arguments, in order (later ones win) */
    size_t nargs;
    df_span span;               /* from its first line to the end of its last section */
} ap_stage;

/* The parsed definition file. `dockerfile` comes first so that a rule
 * handed the mapped df_file can get back here (ap_file_of). */
typedef struct ap_file {
    df_file dockerfile;  /* the mapping (errors: the definition file's own) */
    const ed_source *src;
    ap_stage *stages;
    size_t nstages;
    ap_section *sections; /* all stages' sections, in source order */
    size_t nsections;
    /* Per instruction of `dockerfile`: the section it was mapped from
     * (NULL for FROM, which comes from the header). */
    const ap_section **origins;
} ap_file;

/* Parses the whole source and maps it onto file->dockerfile. build_args:
 * "NAME=VALUE" strings (--build-arg; later ones win, others are ignored).
 * Never fails: bad input (an unknown section, a header line without a
 * colon, `{{` without `}}`, an undefined {{ NAME }}, a section before any
 * header, a missing Bootstrap: or From:) becomes an error with its span in
 * file->dockerfile.errors. */
ap_file *ap_parse(const ed_source *src, ed_arena *arena, const char *const *build_args,
                  size_t nbuild_args);

/* ap_parse that stops reading after the first section past max_sections
 * (the engine's instruction limit: it reports the file as over it). */
ap_file *ap_parse_bounded(const ed_source *src, ed_arena *arena, const char *const *build_args,
                          size_t nbuild_args, size_t max_sections);

/* {{ NAME }} substitution may add as many bytes as the file holds, plus
 * this many: a file that names a long value many times would multiply
 * itself, so the references past that are left as written (one error). */
#define AP_SUBSTITUTION_SLACK ((size_t)64 << 10)

/* The definition file a df_file was mapped from. Only for the df_file of an
 * ap_file (ed_ctx.dockerfile while an ED_KIND_APPTAINER file is linted). */
const ap_file *ap_file_of(const df_file *dockerfile);

/* The section an instruction of file->dockerfile was mapped from (FROM: NULL). */
const ap_section *ap_section_of(const ap_file *file, const df_instr *instr);

/* "%post", "%appinstall NAME": the section's name as written in messages. */
const char *ap_section_label(ed_arena *arena, const ap_section *section);

/* The kind for a lower-case section name; AP_SECTION_UNKNOWN when none. */
ap_section_kind ap_section_kind_from_name(const char *name);
/* SCIF app sections (%appinstall, %apprun, ...) */
bool ap_section_is_app(ap_section_kind kind);

#endif
