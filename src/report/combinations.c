/* How reports show the build-argument combinations of a finding (see
 * rep_combinations in report.h). */
#include <jansson.h>
#include <string.h>

#include "envdoctor/buf.h"
#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

const char *rep_combinations(ed_arena *arena, const ed_finding *f)
{
    if (f->ncombinations == 0)
        return "";
    ed_buf b = ED_BUF_INIT;
    ed_buf_adds(&b, " [");
    for (size_t c = 0; c < f->ncombinations; c++) {
        const ed_combination *combo = &f->combinations[c];
        if (c)
            ed_buf_adds(&b, "; ");
        if (combo->nargs == 0)
            ed_buf_adds(&b, "no build args");
        for (size_t k = 0; k < combo->nargs; k++) {
            if (k)
                ed_buf_adds(&b, " ");
            ed_buf_adds(&b, combo->args[k]);
        }
    }
    ed_buf_adds(&b, "]");
    const char *s = ed_buf_to_arena(&b, arena);
    ed_buf_free(&b);
    return s;
}

const char *rep_message(ed_arena *arena, const ed_finding *f)
{
    const char *message = f->message ? f->message : "";
    if (f->ncombinations == 0)
        return message;
    return ed_arena_printf(arena, "%s%s", message, rep_combinations(arena, f));
}

json_t *rep_combinations_json(ed_arena *arena, const ed_finding *f)
{
    json_t *list = json_array();
    for (size_t c = 0; c < f->ncombinations; c++) {
        const ed_combination *combo = &f->combinations[c];
        json_t *args = json_object();
        for (size_t k = 0; k < combo->nargs; k++) {
            const char *eq = strchr(combo->args[k], '=');
            const char *name = eq ? ed_arena_strndup(arena, combo->args[k],
                                                     (size_t)(eq - combo->args[k]))
                                  : combo->args[k];
            json_object_set_new(args, ed_utf8_sanitize(arena, name),
                                json_string(ed_utf8_sanitize(arena, eq ? eq + 1 : "")));
        }
        json_array_append_new(list, args);
    }
    return list;
}
