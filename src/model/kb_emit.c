/* Writing a loaded knowledge base out as C source, for scripts/compile-knowledge:
 * the build loads rules/knowledge/ once with kb_load (every check of the
 * loader and of the modules' finish functions applies) and compiles the
 * result into the binary, so that kb_get costs nothing at run time.
 *
 * Driven by the same table and schema descriptions as the loader: each list
 * becomes a static const array of its C type, filled with designated
 * initializers (".cuda = {12, 4, -1}"), and struct kb becomes
 * kb_builtin_tables. Before writing a struct, its schema is checked to cover
 * every byte of it except alignment padding, so that a member the schema
 * does not name (a value finish computes, say) cannot be silently lost. */
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_internal.h"

typedef struct emitter {
    FILE *out; /* arrays are written here as they are made, before their users */
    unsigned next;
    char *error;
    size_t error_size;
    bool failed;
} emitter;

static bool emit_fail(emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool emit_fail(emitter *e, const char *fmt, ...)
{
    if (!e->failed && e->error && e->error_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->error, e->error_size, fmt, ap);
        va_end(ap);
    }
    e->failed = true;
    return false;
}

/* A C string literal: escapes for '\\', '"', '?' (no trigraphs under
 * -std=c11) and every byte outside printable ASCII (three octal digits, so
 * that a following digit is never taken into the escape). */
static void emit_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("NULL", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == '"' || *p == '?')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\%03o", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void emit_version(FILE *f, kb_version v)
{
    fprintf(f, "{%d, %d, %d}", v.major, v.minor, v.patch);
}

static void emit_range(FILE *f, const kb_range *r)
{
    fputs("{.lo = ", f);
    emit_version(f, r->lo);
    fputs(", .hi = ", f);
    emit_version(f, r->hi);
    fputs(", .text = ", f);
    emit_string(f, r->text);
    fputc('}', f);
}

/* ---- Coverage: does a schema name every member of its struct? ------------- */

/* Size and alignment of what a field stores at off. */
static void field_shape(const kb_field *f, size_t *size, size_t *align)
{
    switch (f->type) {
    case KB_F_STR:
    case KB_F_STRS:
    case KB_F_INTS:
    case KB_F_SUBS: *size = sizeof(void *), *align = alignof(void *); return;
    case KB_F_INT:
    case KB_F_ENUM: *size = sizeof(int), *align = alignof(int); return;
    case KB_F_BOOL: *size = sizeof(bool), *align = alignof(bool); return;
    case KB_F_TRI: *size = sizeof(kb_tri), *align = alignof(kb_tri); return;
    case KB_F_VERIFIED: *size = sizeof(kb_verified), *align = alignof(kb_verified); return;
    case KB_F_VERSION: *size = sizeof(kb_version), *align = alignof(kb_version); return;
    case KB_F_RANGE: *size = sizeof(kb_range), *align = alignof(kb_range); return;
    case KB_F_RANGES: *size = sizeof(kb_ranges), *align = alignof(kb_ranges); return;
    }
    *size = 0, *align = 1;
}

static bool has_count(const kb_field *f)
{
    return f->type == KB_F_STRS || f->type == KB_F_INTS || f->type == KB_F_SUBS;
}

/* Marks [off, off+size) as the member starting at off with that alignment. */
static bool cover(emitter *e, const kb_schema *s, unsigned char *used, size_t *align_at,
                  size_t off, size_t size, size_t align, const char *member)
{
    if (off + size > s->size)
        return emit_fail(e, "%s: member %s lies outside the struct", s->ctype, member);
    for (size_t i = off; i < off + size; i++) {
        if (used[i])
            return emit_fail(e, "%s: member %s overlaps another field", s->ctype, member);
        used[i] = 1;
    }
    align_at[off] = align;
    return true;
}

/* Every byte of the struct is a field's, or padding before an aligned
 * member (or at the end): a gap shorter than the alignment it pads to. */
static bool check_coverage(emitter *e, const kb_schema *s)
{
    unsigned char *used = calloc(s->size + 1, 1);
    size_t *align_at = calloc(s->size + 1, sizeof *align_at);
    if (!used || !align_at)
        ed_out_of_memory();
    size_t max_align = 1;
    bool ok = true;
    for (size_t i = 0; ok && i < s->nfields; i++) {
        const kb_field *f = &s->fields[i];
        size_t size, align;
        field_shape(f, &size, &align);
        max_align = align > max_align ? align : max_align;
        ok = cover(e, s, used, align_at, f->off, size, align, f->member);
        if (ok && has_count(f))
            ok = cover(e, s, used, align_at, f->off_n, sizeof(size_t), alignof(size_t),
                       f->nmember);
    }
    for (size_t i = 0; ok && i < s->size;) {
        if (used[i]) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < s->size && !used[j])
            j++;
        size_t pad_to = j == s->size ? max_align : align_at[j];
        if (j - i >= pad_to || j % pad_to != 0)
            ok = emit_fail(e,
                           "%s: bytes %zu..%zu are no field of the schema: a member the "
                           "knowledge base would lose (name it, or KB_DERIVED if finish "
                           "computes it)",
                           s->ctype, i, j - 1);
        i = j;
    }
    free(used);
    free(align_at);
    return ok;
}

/* ---- Arrays and structs ------------------------------------------------------ */

static unsigned emit_array(emitter *e, const kb_schema *s, const char *items, size_t count);

/* An array of scalars (strings, ints, ranges); returns its number. */
static unsigned emit_scalars(emitter *e, kb_ftype type, const void *items, size_t count)
{
    unsigned id = e->next++;
    const char *ctype = type == KB_F_STRS   ? "const char *const"
                        : type == KB_F_INTS ? "const int"
                                            : "const kb_range";
    fprintf(e->out, "static %s kb%u[%zu] = {\n", ctype, id, count);
    for (size_t i = 0; i < count; i++) {
        fputs("    ", e->out);
        if (type == KB_F_STRS)
            emit_string(e->out, ((const char *const *)items)[i]);
        else if (type == KB_F_INTS)
            fprintf(e->out, "%d", ((const int *)items)[i]);
        else
            emit_range(e->out, &((const kb_range *)items)[i]);
        fputs(",\n", e->out);
    }
    fputs("};\n", e->out);
    return id;
}

/* The designated initializer of one struct into f; its arrays go to e->out. */
static bool emit_struct(emitter *e, const kb_schema *s, const char *base, FILE *f)
{
    if (!check_coverage(e, s))
        return false;
    fputc('{', f);
    const char *sep = "";
    for (size_t i = 0; i < s->nfields; i++) {
        const kb_field *fd = &s->fields[i];
        const char *p = base + fd->off;
        size_t n = has_count(fd) ? *(const size_t *)(base + fd->off_n) : 0;
        if ((fd->type == KB_F_STR && !*(const char *const *)p) || (has_count(fd) && n == 0))
            continue; /* NULL, or an empty list: the zero of the initializer */
        unsigned id = 0;
        if (fd->type == KB_F_STRS || fd->type == KB_F_INTS)
            id = emit_scalars(e, fd->type, *(const void *const *)p, n);
        else if (fd->type == KB_F_SUBS &&
                 !(id = emit_array(e, fd->sub, *(const char *const *)p, n)))
            return false;
        else if (fd->type == KB_F_RANGES && ((const kb_ranges *)p)->n)
            id = emit_scalars(e, KB_F_RANGE, ((const kb_ranges *)p)->v, ((const kb_ranges *)p)->n);
        fprintf(f, "%s.%s = ", sep, fd->member);
        sep = ", ";
        switch (fd->type) {
        case KB_F_STR: emit_string(f, *(const char *const *)p); break;
        case KB_F_INT:
        case KB_F_ENUM: fprintf(f, "%d", *(const int *)p); break;
        case KB_F_BOOL: fputs(*(const bool *)p ? "true" : "false", f); break;
        case KB_F_TRI: fprintf(f, "%d", (int)*(const kb_tri *)p); break;
        case KB_F_VERIFIED: fprintf(f, "%d", (int)*(const kb_verified *)p); break;
        case KB_F_VERSION: emit_version(f, *(const kb_version *)p); break;
        case KB_F_RANGE: emit_range(f, (const kb_range *)p); break;
        case KB_F_RANGES:
            if (((const kb_ranges *)p)->n)
                fprintf(f, "{.v = kb%u, .n = %zu}", id, ((const kb_ranges *)p)->n);
            else
                fputs("{NULL, 0}", f);
            break;
        case KB_F_STRS:
        case KB_F_INTS: fprintf(f, "kb%u, .%s = %zu", id, fd->nmember, n); break;
        case KB_F_SUBS:
            fprintf(f, "(%s *)kb%u, .%s = %zu", fd->sub->ctype, id, fd->nmember, n);
            break;
        }
    }
    fputc('}', f);
    return true;
}

/* A static const array of count structs of schema s; its number, 0 on error. */
static unsigned emit_array(emitter *e, const kb_schema *s, const char *items, size_t count)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        ed_out_of_memory();
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        fputs("    ", f);
        ok = emit_struct(e, s, items + i * s->size, f);
        fputs(",\n", f);
    }
    fclose(f);
    unsigned id = 0;
    if (ok) {
        id = e->next++;
        fprintf(e->out, "static const %s kb%u[%zu] = {\n%s};\n", s->ctype, id, count, text);
    }
    free(text);
    return id;
}

/* One table (or group of tables) of struct kb into f, its arrays to e->out. */
static bool emit_table(emitter *e, const kb *k, const kb_table *t, FILE *f)
{
    const char *base = (const char *)k;
    if (t->children) {
        for (size_t i = 0; i < t->nchildren; i++)
            if (!emit_table(e, k, &t->children[i], f))
                return false;
        return true;
    }
    if (t->one) {
        fprintf(f, "    .%s = ", t->member);
        if (!emit_struct(e, t->schema, base + t->off, f))
            return false;
        fputs(",\n", f);
        return true;
    }
    size_t n = *(const size_t *)(base + t->off_n);
    if (n == 0)
        return true;
    unsigned id = emit_array(e, t->schema, *(const char *const *)(base + t->off), n);
    if (!id)
        return false;
    fprintf(f, "    .%s = (%s *)kb%u,\n    .%s = %zu,\n", t->member, t->schema->ctype, id,
            t->nmember, n);
    return true;
}

bool kb_emit_c(const kb *k, FILE *out, char *error, size_t error_size)
{
    emitter e = {out, 1, error, error_size, false};
    if (error && error_size)
        error[0] = '\0';
    fputs("/* Generated by scripts/compile-knowledge from rules/knowledge/: the knowledge\n"
          " * base as C tables (src/model/kb_emit.c). Do not edit. */\n"
          "#include \"kb_internal.h\"\n\n",
          out);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        ed_out_of_memory();
    bool ok = true;
    for (size_t m = 0; ok && m < kb_nmodules; m++)
        for (size_t i = 0; ok && i < kb_modules[m]->ntables; i++)
            ok = emit_table(&e, k, &kb_modules[m]->tables[i], f);
    fclose(f);
    if (ok)
        fprintf(out, "\nconst kb kb_builtin_tables = {\n    .nentries = %zu,\n%s};\n",
                kb_entry_count(k), text);
    free(text);
    return ok && !ferror(out);
}
