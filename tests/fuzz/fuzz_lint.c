/* Fuzz target: the whole pipeline. The first byte chooses the kind and the
 * options, the rest is the file:
 *   byte % 3:       0 Dockerfile, 1 Compose file, 2 Apptainer definition
 *   byte / 3 % 3:   --gpu auto, always, never
 *   byte / 9 % 2:   Dockerfile and .def: a build-argument matrix (two
 *                   combinations); Compose: the input is two -f files, split
 *                   at its first form feed
 *   byte / 18 % 2:  colour in the text formats
 *   byte / 36 % 2:  --no-inline-ignores
 * The file is linted as the CLI lints it, and the result is written in every
 * output format, and as text with --show-source; the JSON formats (json,
 * sarif, codeclimate) must be valid JSON, the XML ones (checkstyle, junit)
 * well-formed XML (xml_check.h). */
#include "fuzz.h"

#include <jansson.h>

#include "envdoctor/engine.h"
#include "envdoctor/report.h"
#include "xml_check.h"

static void fuzz_lint_write(const ed_file_result *results, size_t n, bool color)
{
    for (int format = REP_TEXT; format <= REP_CODECLIMATE; format++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        FUZZ_CHECK(out != NULL);
        rep_write(out, (rep_format)format, results, n, color);
        FUZZ_CHECK(fclose(out) == 0);
        if (format == REP_JSON || format == REP_SARIF || format == REP_CODECLIMATE) {
            json_error_t error;
            json_t *j = json_loadb(buf, len, 0, &error);
            if (!j)
                fprintf(stderr, "invalid %s output: %s at %d:%d\n", rep_format_names[format],
                        error.text, error.line, error.column);
            FUZZ_CHECK(j != NULL);
            json_decref(j);
        }
        if (format == REP_CHECKSTYLE || format == REP_JUNIT) {
            size_t where;
            const char *bad = xml_check(buf, len, &where);
            if (bad)
                fprintf(stderr, "invalid %s output: %s at byte %zu\n", rep_format_names[format],
                        bad, where);
            FUZZ_CHECK(bad == NULL);
        }
        free(buf);
    }
    FILE *out = fopen("/dev/null", "w");
    FUZZ_CHECK(out != NULL);
    rep_write_source(out, REP_TEXT, results, n, color, true);
    rep_text_summary(out, results, n, color);
    fclose(out);
    rep_summary s = rep_count(results, n);
    FUZZ_CHECK(s.files == n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < results[i].nfindings; k++) {
            char hex[17];
            rep_fingerprint(&results[i], k, hex);
            FUZZ_CHECK(strlen(hex) == 16);
        }
}

int fuzz_lint(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned sel = data[0];
    data++;
    size--;
    fuzz_enter();
    ed_arena *arena = ed_arena_new();

    ed_options options;
    bool twice = sel / 9 % 2;
    fuzz_options(&options, (int)(sel / 3 % 3), twice);
    options.no_inline_ignores = sel / 36 % 2;

    ed_file_result *results;
    size_t n = 1;
    switch (sel % 3) {
    case 0: {
        results = ed_arena_calloc(arena, 1, sizeof *results);
        ed_source *src = fuzz_source(arena, "Dockerfile", data, size);
        ed_lint_matrix(arena, src, ED_KIND_DOCKERFILE, &options, results);
        break;
    }
    case 1: {
        const uint8_t *ff = twice ? memchr(data, '\f', size) : NULL;
        size_t first = ff ? (size_t)(ff - data) : size;
        const ed_source *files[2];
        files[0] = fuzz_source(arena, "compose.yaml", data, first);
        if (ff)
            files[1] = fuzz_source(arena, "compose.gpu.yaml", ff + 1, size - first - 1);
        ed_lint_compose_files(arena, files, ff ? 2 : 1, &options, &results, &n);
        FUZZ_CHECK(n >= (ff ? 2u : 1u));
        break;
    }
    default: {
        results = ed_arena_calloc(arena, 1, sizeof *results);
        ed_source *src = fuzz_source(arena, "build.def", data, size);
        ed_lint_matrix(arena, src, ED_KIND_APPTAINER, &options, results);
        break;
    }
    }
    fuzz_check_results(results, n);
    fuzz_lint_write(results, n, sel / 18 % 2);

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_lint)
