/* Reading a file through the options' in-memory overlay (see
 * ed_read_source in engine.h). */
#include <string.h>

#include "envdoctor/engine.h"

bool ed_read_source(ed_source *src, ed_arena *arena, const ed_options *options, const char *path,
                    const char *display_path, char *err, size_t errlen)
{
    const char *name = display_path ? display_path : path;
    for (size_t i = 0; options && i < options->noverlay; i++) {
        const ed_overlay *o = &options->overlay[i];
        if (strcmp(o->path, name) == 0 || strcmp(o->path, path) == 0) {
            ed_source_init(src, arena, name, o->data, o->len);
            return true;
        }
    }
    return ed_source_read(src, arena, path, display_path, err, errlen);
}
