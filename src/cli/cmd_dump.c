/* `env-doctor dump PATH`: the parsed Dockerfile in BuildKit's dump format,
 * for comparing our parser with the reference; syntax errors on stderr. */
#include <stdio.h>

#include "cli.h"
#include "envdoctor/dockerfile.h"

int cmd_dump(int argc, char **argv)
{
    if (argc != 2)
        return cli_usage_error("'dump' takes one Dockerfile path ('-' for standard input)");
    ed_arena *arena = ed_arena_new();
    ed_source src;
    char err[256];
    if (!ed_source_read(&src, arena, argv[1], NULL, err, sizeof err)) {
        fprintf(stderr, "env-doctor: %s: %s\n", argv[1], err);
        ed_arena_free(arena);
        return EXIT_INPUT;
    }
    df_file *file = df_parse(&src, arena);
    fputs(df_dump(file, arena), stdout);
    for (size_t i = 0; i < file->nerrors; i++) {
        ed_pos p = ed_source_pos(&src, file->errors[i].span.start);
        fprintf(stderr, "%s:%u:%u: %s\n", src.path, p.line, p.column, file->errors[i].message);
    }
    int rc = file->nerrors ? EXIT_FINDINGS : EXIT_CLEAN;
    ed_arena_free(arena);
    return rc;
}
