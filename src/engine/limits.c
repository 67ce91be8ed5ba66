/* The resource limits' defaults, names and parsing (see limits.h). */
#include "envdoctor/limits.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "envdoctor/source.h"

const ed_limits ed_default_limits = {
    .max_file_size = ED_SOURCE_MAX_BYTES, /* the reader's own default (source.h) */
    .max_line_length = (size_t)1 << 20,
    .max_instructions = 100000,
    .max_heredocs = 1000,
    .max_yaml_depth = 512,
    .max_yaml_aliases = 1000000,
    .max_interpolation_depth = 64,
};

#define FIELD(name) offsetof(ed_limits, name)

const ed_limit_info ed_limit_table[] = {
    {"--max-file-size", FIELD(max_file_size), true, (size_t)1 << 40, "bytes in one file"},
    {"--max-line-length", FIELD(max_line_length), true, (size_t)1 << 40,
     "bytes on one line"},
    {"--max-instructions", FIELD(max_instructions), false, SIZE_MAX / 2,
     "instructions in one Dockerfile"},
    {"--max-heredocs", FIELD(max_heredocs), false, SIZE_MAX / 2, "heredocs in one Dockerfile"},
    {"--max-yaml-depth", FIELD(max_yaml_depth), false, 10000, "levels of YAML nesting"},
    {"--max-yaml-aliases", FIELD(max_yaml_aliases), false, SIZE_MAX / 2,
     "YAML nodes reached through aliases"},
    {"--max-interpolation-depth", FIELD(max_interpolation_depth), false, 10000,
     "levels of ${...} nesting"},
    {NULL, 0, false, 0, NULL},
};

size_t ed_limit_value(const ed_limits *limits, const ed_limit_info *info)
{
    return *(const size_t *)(const void *)((const char *)limits + info->offset);
}

void ed_limit_set(ed_limits *limits, const ed_limit_info *info, size_t value)
{
    *(size_t *)(void *)((char *)limits + info->offset) = value;
}

void ed_limits_merge(ed_limits *to, const ed_limits *from, unsigned given)
{
    for (unsigned i = 0; ed_limit_table[i].flag; i++)
        if (given & (1u << i))
            ed_limit_set(to, &ed_limit_table[i], ed_limit_value(from, &ed_limit_table[i]));
}

const char *ed_limit_expected(const ed_limit_info *info, char *buf, size_t len)
{
    if (info->bytes)
        snprintf(buf, len, "a size in bytes, with K, M or G for KiB, MiB or GiB (e.g. 64M)");
    else
        snprintf(buf, len, "a number from 1 to %zu", info->ceiling);
    return buf;
}

bool ed_limit_parse(const ed_limit_info *info, const char *text, size_t *out)
{
    if (!text || *text < '0' || *text > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0)
        return false;
    unsigned shift = 0;
    if (info->bytes && *end) {
        switch (*end == 'k' ? 'K' : *end) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        default: return false;
        }
        end++;
        if (*end == 'i') /* "16MiB" reads as well as "16M" */
            end++;
        if (*end == 'B')
            end++;
    }
    if (*end || v == 0 || v > (unsigned long long)(info->ceiling >> shift))
        return false;
    *out = (size_t)v << shift;
    return true;
}

const char *ed_limit_size_text(size_t bytes, char *buf, size_t len)
{
    if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
        snprintf(buf, len, "%zu MiB", bytes >> 20);
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(buf, len, "%zu KiB", bytes >> 10);
    else
        snprintf(buf, len, "%zu bytes", bytes);
    return buf;
}
