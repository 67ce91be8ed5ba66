/* Resource limits: how large an input env-doctor lints. A file over a limit
 * gets one ED001 finding that names the limit and the flag that raises it,
 * and is not linted further, so that no input can make a run take
 * unbounded time or memory. Defaults and flags: docs/robustness.md. */
#ifndef ENVDOCTOR_LIMITS_H
#define ENVDOCTOR_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ed_limits {
    size_t max_file_size;           /* bytes in one file */
    size_t max_line_length;         /* bytes on one physical line */
    size_t max_instructions;        /* Dockerfile instructions (Apptainer: sections) */
    size_t max_heredocs;            /* heredocs in one Dockerfile */
    size_t max_yaml_depth;          /* nesting of YAML maps and sequences */
    size_t max_yaml_aliases;        /* nodes YAML aliases may stand for (alias bombs) */
    size_t max_interpolation_depth; /* nesting of Compose ${...:-${...}} */
} ed_limits;

extern const ed_limits ed_default_limits;

/* One limit as the command line names it. */
typedef struct ed_limit_info {
    const char *flag;  /* "--max-file-size" */
    size_t offset;     /* of its field in ed_limits */
    bool bytes;        /* a size: takes K, M, G suffixes */
    size_t ceiling;    /* the largest value accepted (deeper nesting would
                          risk the stack) */
    const char *what;  /* "bytes in one file" */
} ed_limit_info;

/* Every limit, in the order of ed_limits; NULL-flag terminated. */
extern const ed_limit_info ed_limit_table[];

/* The value of a limit in limits, and setting it. */
size_t ed_limit_value(const ed_limits *limits, const ed_limit_info *info);
void ed_limit_set(ed_limits *limits, const ed_limit_info *info, size_t value);

/* The limits given (bit i: ed_limit_table[i]) copied from `from` to `to`. */
void ed_limits_merge(ed_limits *to, const ed_limits *from, unsigned given);

/* The expected form of a limit's value, for error messages: "a size in
 * bytes, with K, M or G for KiB, MiB or GiB (e.g. 64M)", "a number from 1
 * to 10000". */
const char *ed_limit_expected(const ed_limit_info *info, char *buf, size_t len);

/* Parses a limit's value ("16M", "2048", "1G" for sizes; a count
 * otherwise) into *out; false when it is not a number from 1 to the
 * ceiling (with the suffixes a size allows). */
bool ed_limit_parse(const ed_limit_info *info, const char *text, size_t *out);

/* "8 MiB", "1 MiB", "64 KiB" or "1234 bytes": a size for messages. */
const char *ed_limit_size_text(size_t bytes, char *buf, size_t len);

#endif
