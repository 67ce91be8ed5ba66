/* Reading a file through the options' in-memory overlay and within their
 * limits (see ed_read_source in engine.h). */
#include <string.h>

#include "envdoctor/engine.h"

const ed_limits *ed_options_limits(const ed_options *options)
{
    return options && options->limits ? options->limits : &ed_default_limits;
}

bool ed_read_source(ed_source *src, ed_arena *arena, const ed_options *options, const char *path,
                    const char *display_path, bool named_by_file, char *err, size_t errlen)
{
    const char *name = display_path ? display_path : path;
    for (size_t i = 0; options && i < options->noverlay; i++) {
        const ed_overlay *o = &options->overlay[i];
        if (strcmp(o->path, name) == 0 || strcmp(o->path, path) == 0) {
            ed_source_init(src, arena, name, o->data, o->len);
            return true;
        }
    }
    ed_read_limit limit = {ed_options_limits(options)->max_file_size, named_by_file};
    return ed_source_read_limited(src, arena, path, display_path, &limit, err, errlen);
}
