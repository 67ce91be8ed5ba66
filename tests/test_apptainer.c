/* Apptainer definition files: headers and sections with exact spans,
 * {{ NAME }} substitution, stages, errors, the Dockerfile view, and the GPU
 * rules at the right .def line:column. */
#include "testutil.h"

#include <stdio.h>
#include <strings.h>
#include <unistd.h>

#include "envdoctor/apptainer.h"
#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/model.h"

static ed_arena *arena;
static ed_source src;
static ap_file *file;

static ap_file *parse_with(const char *text, const char *const *args, size_t nargs)
{
    if (arena)
        ed_arena_free(arena);
    arena = ed_arena_new();
    ed_source_init(&src, arena, "test.def", text, strlen(text));
    file = ap_parse(&src, arena, args, nargs);
    return file;
}

static ap_file *parse(const char *text)
{
    return parse_with(text, NULL, 0);
}

static int teardown(void **state)
{
    ed_arena_free(arena);
    arena = NULL;
    return 0;
}

/* [start, end) is at line:col to end_line:end_col. */
static void assert_span(df_span span, unsigned line, unsigned col, unsigned end_line,
                        unsigned end_col)
{
    ed_pos a = ed_source_pos(&src, span.start), b = ed_source_pos(&src, span.end);
    if (a.line != line || a.column != col || b.line != end_line || b.column != end_col)
        fail_msg("span %u:%u-%u:%u, expected %u:%u-%u:%u", a.line, a.column, b.line, b.column,
                 line, col, end_line, end_col);
}

static void assert_no_errors(void)
{
    const df_file *df = &file->dockerfile;
    for (size_t i = 0; i < df->nerrors; i++) {
        ed_pos p = ed_source_pos(&src, df->errors[i].span.start);
        print_message("  %u:%u %s\n", p.line, p.column, df->errors[i].message);
    }
    assert_int_equal(df->nerrors, 0);
}

/* The error at line:col..end_col whose message contains `text`. */
static void assert_error(unsigned line, unsigned col, unsigned end_col, const char *text)
{
    const df_file *df = &file->dockerfile;
    for (size_t i = 0; i < df->nerrors; i++) {
        ed_pos a = ed_source_pos(&src, df->errors[i].span.start);
        ed_pos b = ed_source_pos(&src, df->errors[i].span.end);
        if (a.line == line && a.column == col && b.column == end_col &&
            strstr(df->errors[i].message, text))
            return;
    }
    for (size_t i = 0; i < df->nerrors; i++) {
        ed_pos a = ed_source_pos(&src, df->errors[i].span.start);
        ed_pos b = ed_source_pos(&src, df->errors[i].span.end);
        print_message("  %u:%u-%u %s\n", a.line, a.column, b.column, df->errors[i].message);
    }
    fail_msg("no error at %u:%u-%u with \"%s\"", line, col, end_col, text);
}

static const ap_header *header(const ap_stage *st, const char *key)
{
    for (size_t i = 0; i < st->nheaders; i++)
        if (strcmp(st->headers[i].key, key) == 0)
            return &st->headers[i];
    return NULL;
}

/* ---- headers ---- */

static void test_every_header_key(void **state)
{
    parse("BootStrap: docker\n"
          "FROM:nvidia/cuda:12.4.1-devel-ubuntu22.04   # the base\n"
          "Stage: build\n"
          "Registry: nvcr.io\n"
          "Namespace: nvidia\n"
          "Include: curl\n"
          "MirrorURL: http://archive.ubuntu.com/ubuntu/\n"
          "OSVersion: jammy\n"
          "Fingerprints: 1234ABCD\n"
          "IncludeCmd: yes\n"
          "UpdateURL: http://example.org/updates\n"
          "Library: https://library.example.org\n"
          "Product: SLES\n"
          "User: someone\n"
          "Regcode: 42\n"
          "ProductPGP: key.asc\n"
          "RegisterURL: http://scc.example.org\n"
          "Modules: sle-module-basesystem\n"
          "OtherURL0: http://other.example.org\n"
          "ConfURL: http://conf.example.org\n"
          "SetOpt: install_weak_deps=False\n");
    assert_no_errors();
    assert_int_equal(file->nstages, 1);
    const ap_stage *st = &file->stages[0];
    assert_int_equal(st->nheaders, 21);
    static const char *const keys[] = {
        "bootstrap", "from",       "stage",     "registry",     "namespace",   "include",
        "mirrorurl", "osversion",  "fingerprints", "includecmd", "updateurl",  "library",
        "product",   "user",       "regcode",   "productpgp",   "registerurl", "modules",
        "otherurl0", "confurl",    "setopt",
    };
    for (size_t i = 0; i < 21; i++) {
        const ap_header *h = &st->headers[i];
        assert_string_equal(h->key, keys[i]);
        ed_pos p = ed_source_pos(&src, h->key_span.start);
        assert_int_equal(p.line, i + 1);
        assert_int_equal(p.column, 1);
        /* the key span is the key as written, the value span the value */
        assert_int_equal(h->key_span.end - h->key_span.start, strlen(keys[i]));
        assert_int_equal(strncasecmp(src.data + h->key_span.start, keys[i], strlen(keys[i])), 0);
        assert_int_equal(h->value_span.end - h->value_span.start, h->value.len);
        assert_memory_equal(src.data + h->value_span.start, h->value.text, h->value.len);
        assert_int_equal(ed_source_pos(&src, h->span.start).line, i + 1);
    }
    assert_ptr_equal(st->bootstrap, &st->headers[0]);
    assert_string_equal(st->agent, "docker");
    assert_span(st->headers[0].key_span, 1, 1, 1, 10);
    assert_span(st->headers[0].value_span, 1, 12, 1, 18);
    /* no blank after the colon; the comment and the blanks before it cut */
    assert_string_equal(st->from->value.text, "nvidia/cuda:12.4.1-devel-ubuntu22.04");
    assert_span(st->from->key_span, 2, 1, 2, 5);
    assert_span(st->from->value_span, 2, 6, 2, 42);
    assert_span(st->from->span, 2, 1, 2, 55);
    assert_string_equal(st->stage->value.text, "build");
    assert_string_equal(header(st, "setopt")->value.text, "install_weak_deps=False");
    assert_span(header(st, "setopt")->value_span, 21, 9, 21, 32);
}

static void test_header_continuation_and_comments(void **state)
{
    parse("# a comment before anything\n"
          "\n"
          "Bootstrap: yum\n"
          "  # indented comment\n"
          "OSVersion: 9\n"
          "MirrorURL: http://dl.rockylinux.org/pub/rocky/%{OSVERSION}/\\\n"
          "   BaseOS/x86_64/os\n"
          "Include: dnf\n");
    assert_no_errors();
    const ap_stage *st = &file->stages[0];
    assert_int_equal(st->nheaders, 4);
    const ap_header *m = header(st, "mirrorurl");
    assert_string_equal(m->value.text,
                        "http://dl.rockylinux.org/pub/rocky/%{OSVERSION}/BaseOS/x86_64/os");
    assert_span(m->span, 6, 1, 7, 20);
    assert_span(m->value_span, 6, 12, 7, 20);
    /* the joined value maps back to both lines */
    size_t at = strlen("http://dl.rockylinux.org/pub/rocky/%{OSVERSION}/");
    assert_span(ap_text_span(&m->value, at, at + 6), 7, 4, 7, 10);
    assert_null(st->from);
    assert_span(st->span, 3, 1, 9, 1);
}

/* ---- sections ---- */

static void test_every_section_form(void **state)
{
    parse("Bootstrap: docker\n"                 /* 1 */
          "From: ubuntu:22.04\n"                /* 2 */
          "%setup\n"                            /* 3 */
          "    touch ${APPTAINER_ROOTFS}/x\n"   /* 4 */
          "%files\n"                            /* 5 */
          "    a.txt /opt/a.txt\n"              /* 6 */
          "%environment\n"                      /* 7 */
          "    export A=1\n"                    /* 8 */
          "%post -c /bin/bash\n"                /* 9 */
          "    echo hi\n"                       /* 10 */
          "%runscript\n"                        /* 11 */
          "    exec echo \"$@\"\n"              /* 12 */
          "%startscript\n"                      /* 13 */
          "    exec server\n"                   /* 14 */
          "%test\n"                             /* 15 */
          "    true\n"                          /* 16 */
          "%labels\n"                           /* 17 */
          "    Author me\n"                     /* 18 */
          "%help\n"                             /* 19 */
          "    Usage: run it\n"                 /* 20 */
          "%arguments\n"                        /* 21 */
          "    X=1\n"                           /* 22 */
          "  %PRE\n"                            /* 23 */
          "%apprun foo\n"                       /* 24 */
          "    exec foo\n"                      /* 25 */
          "%appinstall foo\n"                   /* 26 */
          "    make install\n"                  /* 27 */
          "%appenv foo\n"                       /* 28 */
          "    export FOO=1\n"                  /* 29 */
          "%applabels foo\n"                    /* 30 */
          "    Maintainer me\n"                 /* 31 */
          "%appfiles foo\n"                     /* 32 */
          "    foo.cfg\n"                       /* 33 */
          "%apphelp foo\n"                      /* 34 */
          "    foo help\n"                      /* 35 */
          "%apptest foo\n"                      /* 36 */
          "    foo --version\n"                 /* 37 */
          "%appstart foo\n"                     /* 38 */
          "    exec foo serve\n");              /* 39 */
    assert_no_errors();
    static const struct {
        const char *name;
        ap_section_kind kind;
        unsigned line;
    } want[] = {
        {"setup", AP_SECTION_SETUP, 3},          {"files", AP_SECTION_FILES, 5},
        {"environment", AP_SECTION_ENVIRONMENT, 7}, {"post", AP_SECTION_POST, 9},
        {"runscript", AP_SECTION_RUNSCRIPT, 11}, {"startscript", AP_SECTION_STARTSCRIPT, 13},
        {"test", AP_SECTION_TEST, 15},           {"labels", AP_SECTION_LABELS, 17},
        {"help", AP_SECTION_HELP, 19},           {"arguments", AP_SECTION_ARGUMENTS, 21},
        {"pre", AP_SECTION_PRE, 23},             {"apprun", AP_SECTION_APPRUN, 24},
        {"appinstall", AP_SECTION_APPINSTALL, 26}, {"appenv", AP_SECTION_APPENV, 28},
        {"applabels", AP_SECTION_APPLABELS, 30}, {"appfiles", AP_SECTION_APPFILES, 32},
        {"apphelp", AP_SECTION_APPHELP, 34},     {"apptest", AP_SECTION_APPTEST, 36},
        {"appstart", AP_SECTION_APPSTART, 38},
    };
    assert_int_equal(file->nsections, sizeof want / sizeof *want);
    for (size_t i = 0; i < file->nsections; i++) {
        const ap_section *s = &file->sections[i];
        assert_string_equal(s->name, want[i].name);
        assert_int_equal(s->kind, want[i].kind);
        assert_int_equal(ed_source_pos(&src, s->header.start).line, want[i].line);
        assert_int_equal(s->stage, 0);
        if (ap_section_is_app(s->kind)) {
            assert_string_equal(s->app, "foo");
        } else {
            assert_null(s->app);
        }
        /* the name span is "%name" as written, the body starts on the next line */
        assert_int_equal(src.data[s->name_span.start], '%');
        assert_int_equal(
            strncasecmp(src.data + s->name_span.start + 1, s->name, strlen(s->name)), 0);
        assert_int_equal(ed_source_pos(&src, s->body.start).line, want[i].line + 1);
        assert_int_equal(s->body.end, i + 1 < file->nsections ? file->sections[i + 1].header.start
                                                               : src.len);
        bool script = s->kind == AP_SECTION_SETUP || s->kind == AP_SECTION_ENVIRONMENT ||
                      s->kind == AP_SECTION_POST || s->kind == AP_SECTION_RUNSCRIPT ||
                      s->kind == AP_SECTION_STARTSCRIPT || s->kind == AP_SECTION_TEST ||
                      s->kind == AP_SECTION_PRE || s->kind == AP_SECTION_APPRUN ||
                      s->kind == AP_SECTION_APPINSTALL || s->kind == AP_SECTION_APPENV ||
                      s->kind == AP_SECTION_APPTEST || s->kind == AP_SECTION_APPSTART;
        assert_int_equal(s->script != NULL, script);
    }
    const ap_section *post = &file->sections[3];
    assert_span(post->name_span, 9, 1, 9, 6);
    assert_span(post->header, 9, 1, 9, 19);
    assert_string_equal(post->args.text, "-c /bin/bash");
    assert_span(ap_text_span(&post->args, 0, post->args.len), 9, 7, 9, 19);
    assert_span(post->body, 10, 1, 11, 1);
    assert_string_equal(post->text.text, "    echo hi\n");
    const ap_section *pre = &file->sections[10];
    assert_span(pre->name_span, 23, 3, 23, 7);
    assert_int_equal(pre->body.start, pre->body.end); /* empty */
    const ap_section *apprun = &file->sections[11];
    assert_span(apprun->app_span, 24, 9, 24, 12);
    assert_string_equal(ap_section_label(arena, apprun), "%apprun foo");
    assert_int_equal(file->stages[0].first_section, 0);
    assert_int_equal(file->stages[0].end_section, file->nsections);
}

/* A repeated section stays two sections; a line inside a body that starts
 * with '%' begins a section, as in Apptainer. */
static void test_repeated_sections(void **state)
{
    parse("Bootstrap: docker\nFrom: alpine:3.20\n%post\n  echo 1\n%post\n  echo 2\n");
    assert_no_errors();
    assert_int_equal(file->nsections, 2);
    assert_string_equal(file->sections[0].text.text, "  echo 1\n");
    assert_string_equal(file->sections[1].text.text, "  echo 2\n");
    const df_file *df = &file->dockerfile;
    size_t runs = 0;
    for (size_t i = 0; i < df->ninstrs; i++)
        runs += df->instrs[i].kind == DF_RUN;
    assert_int_equal(runs, 2);
}

/* ---- {{ NAME }} ---- */

static void test_substitution_defaults_and_build_args(void **state)
{
    static const char text[] = "Bootstrap: docker\n"                            /* 1 */
                               "From: nvidia/cuda:{{ CUDA }}-{{FLAVOR}}-ubuntu22.04\n" /* 2 */
                               "%arguments\n"                                   /* 3 */
                               "    CUDA=12.4.1\n"                              /* 4 */
                               "    FLAVOR = runtime\n"                         /* 5 */
                               "    # a comment\n"                              /* 6 */
                               "    INDEX=cu{{ CUDA_SHORT }}\n"                 /* 7 */
                               "    CUDA_SHORT=124\n"                           /* 8 */
                               "%post\n"                                        /* 9 */
                               "    pip install torch --index-url "
                               "https://download.pytorch.org/whl/{{   INDEX }}\n" /* 10 */
                               "    # not replaced: {{ NOPE }}\n"               /* 11 */
                               "    docker inspect --format '{{.Id}}' x\n";     /* 12 */
    parse(text);
    assert_no_errors();
    const ap_stage *st = &file->stages[0];
    assert_int_equal(st->nargs, 4);
    assert_string_equal(st->args[0].name, "CUDA");
    assert_string_equal(st->args[0].value, "12.4.1");
    assert_false(st->args[0].from_build_arg);
    assert_span(st->args[0].name_span, 4, 5, 4, 9);
    assert_span(st->args[0].value_span, 4, 10, 4, 16);
    assert_string_equal(st->args[1].name, "FLAVOR");
    assert_string_equal(st->args[1].value, "runtime");
    assert_string_equal(st->args[2].default_value, "cu{{ CUDA_SHORT }}");
    assert_string_equal(st->args[2].value, "cu124"); /* nested, replaced once */
    const ap_header *from = st->from;
    assert_string_equal(from->value.text, "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
    /* a value spans its reference; text around it maps exactly */
    assert_span(ap_text_span(&from->value, 12, 18), 2, 19, 2, 29);
    assert_span(ap_text_span(&from->value, 0, 12), 2, 7, 2, 19);
    assert_span(ap_text_span(&from->value, 19, 26), 2, 30, 2, 40);
    assert_span(ap_text_span(&from->value, 27, from->value.len), 2, 41, 2, 52);
    assert_span(ap_text_span(&from->value, 0, from->value.len), 2, 7, 2, 52);
    /* a prefix of a value stays inside its reference */
    assert_span(ap_text_span(&from->value, 12, 14), 2, 19, 2, 21);
    const ap_section *post = &file->sections[1];
    assert_non_null(strstr(post->text.text, "whl/cu124\n"));
    assert_non_null(strstr(post->text.text, "# not replaced: {{ NOPE }}"));
    assert_non_null(strstr(post->text.text, "'{{.Id}}'"));

    /* --build-arg wins over the default; a name without a default works too */
    const char *args[] = {"CUDA=12.8.1", "FLAVOR=devel", "junk", "=x"};
    parse_with(text, args, 4);
    assert_no_errors();
    st = &file->stages[0];
    assert_string_equal(st->from->value.text, "nvidia/cuda:12.8.1-devel-ubuntu22.04");
    assert_true(st->args[0].from_build_arg);
    assert_string_equal(st->args[0].default_value, "12.4.1");
    assert_string_equal(st->args[0].value, "12.8.1");
    const char *args2[] = {"CUDA_SHORT=128"};
    parse_with(text, args2, 1);
    assert_string_equal(file->stages[0].args[2].value, "cu128");
    assert_non_null(strstr(file->sections[1].text.text, "whl/cu128\n"));
}

static void test_substitution_errors(void **state)
{
    parse("Bootstrap: docker\n"
          "From: ubuntu:{{ TAG }}\n"
          "%post\n"
          "    echo {{ unterminated\n"
          "    echo {{ a }} {{ b }}\n"
          "%arguments\n"
          "    a=1\n");
    assert_int_equal(file->dockerfile.nerrors, 3);
    assert_error(2, 14, 23, "build argument TAG is not defined");
    assert_error(4, 10, 12, "{{ without a closing }}");
    assert_error(5, 18, 25, "build argument b is not defined");
    /* the undefined reference stays as written */
    assert_string_equal(file->stages[0].from->value.text, "ubuntu:{{ TAG }}");
    assert_non_null(strstr(file->sections[0].text.text, "echo 1 {{ b }}"));
}

/* ---- stages ---- */

static void test_multi_stage(void **state)
{
    parse("Bootstrap: docker\n"                               /* 1 */
          "From: nvidia/cuda:12.4.1-devel-ubuntu22.04\n"      /* 2 */
          "Stage: build\n"                                    /* 3 */
          "%post\n"                                           /* 4 */
          "    nvcc -o /app/saxpy /src/saxpy.cu\n"            /* 5 */
          "\n"                                                /* 6 */
          "bootstrap: docker\n"                               /* 7 */
          "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"    /* 8 */
          "Stage: final\n"                                    /* 9 */
          "%files from build\n"                               /* 10 */
          "    /app/saxpy /usr/local/bin/saxpy\n"             /* 11 */
          "%runscript\n"                                      /* 12 */
          "    exec saxpy\n");                                /* 13 */
    assert_no_errors();
    assert_int_equal(file->nstages, 2);
    assert_span(file->stages[0].span, 1, 1, 7, 1);
    assert_span(file->stages[1].span, 7, 1, 14, 1);
    assert_int_equal(file->stages[1].first_section, 1);
    assert_int_equal(file->sections[1].stage, 1);
    df_model *m = df_model_build(arena, &file->dockerfile, NULL, 0);
    assert_int_equal(m->nstages, 2);
    assert_string_equal(m->stages[0].name, "build");
    assert_string_equal(m->stages[1].name, "final");
    assert_int_equal(m->nedges, 1);
    assert_int_equal(m->edges[0].stage, 1);
    assert_int_equal(m->edges[0].from_stage, 0);
    const df_instr *copy = m->edges[0].instr;
    assert_int_equal(copy->kind, DF_COPY);
    assert_string_equal(copy->flags[0].value, "build");
    assert_span(copy->flags[0].word.span, 10, 8, 10, 18);
    assert_span(copy->args[0].span, 11, 5, 11, 15);
    assert_span(copy->args[1].span, 11, 16, 11, 36);
}

/* ---- errors ---- */

static void test_errors_with_positions(void **state)
{
    parse("Bootstrap: docker\n"     /* 1 */
          "From alpine\n"           /* 2 */
          "Frm: ubuntu\n"           /* 3 */
          "%postt\n"                /* 4 */
          "    echo\n"              /* 5 */
          "%apprun\n"               /* 6 */
          "%files from nowhere\n"   /* 7 */
          "%\n");                   /* 8 */
    assert_error(2, 1, 12, "header line without a colon");
    assert_error(3, 1, 4, "unknown header keyword frm (did you mean from?)");
    assert_error(4, 1, 7, "unknown section %postt (did you mean %post?)");
    assert_error(6, 1, 8, "%apprun needs an app name");
    assert_error(7, 13, 20, "no earlier stage has `Stage: nowhere`");
    assert_error(8, 1, 2, "a section name must follow %");
    assert_error(1, 1, 18, "Bootstrap: docker needs a From: header");
    assert_int_equal(file->dockerfile.nerrors, 7);
}

static void test_section_before_header(void **state)
{
    parse("# comment\n%post\n    pip install torch\nBootstrap: docker\nFrom: alpine\n");
    assert_int_equal(file->dockerfile.nerrors, 1);
    assert_error(2, 1, 6, "%post comes before any header");
    assert_int_equal(file->nstages, 2);
    /* the headerless part is in no build stage: no commands for the rules */
    df_model *m = df_model_build(arena, &file->dockerfile, NULL, 0);
    gpu_model *g = gpu_model_build(arena, m, kb_get(), GPU_AUTO, NULL);
    assert_int_equal(g->nstages, 1);
    assert_int_equal(g->stages[0].ncmds, 0);
}

static void test_missing_bootstrap_and_from(void **state)
{
    parse("From: ubuntu:22.04\n%post\n    true\n");
    assert_int_equal(file->dockerfile.nerrors, 1);
    assert_error(1, 1, 5, "the header has no Bootstrap: line");
    parse("Bootstrap: library\n%post\n    true\n");
    assert_int_equal(file->dockerfile.nerrors, 1);
    assert_error(1, 1, 19, "Bootstrap: library needs a From: header");
    parse("Bootstrap: dockr\nFrom: x\n");
    assert_error(1, 12, 17, "unknown bootstrap agent \"dockr\"");
    parse("Bootstrap:\nFrom: x\n");
    assert_error(1, 1, 10, "Bootstrap: names no agent");
    parse("Bootstrap: debootstrap\nOSVersion: jammy\n"
          "MirrorURL: http://archive.ubuntu.com/ubuntu/\n");
    assert_no_errors();
    parse("");
    assert_error(1, 1, 1, "empty definition file");
    parse("# only a comment\n\n");
    assert_int_equal(file->dockerfile.nerrors, 1);
}

/* Whatever the bytes, the parser returns and its spans stay in the file. */
static void test_never_crashes(void **state)
{
    static const char *const pieces[] = {
        "Bootstrap: docker\n", "From: {{ X }}\n", "%post\n", "{{", "}}", "{{ A }}", "%files from\n",
        "%arguments\nA=1\n", "\\\n", "#", ":", "%", " ", "\t", "\r\n", "\n", "export A=\"b\n",
        "%environment\n", "%apprun\n", "bootstrap:", "\xff\xfe", "\"", "'", "$(", "`", "<<EOF\n",
    };
    const size_t n = sizeof pieces / sizeof *pieces;
    unsigned seed = 12345;
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        int count = (int)(seed % 24);
        for (int k = 0; k < count; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 8) % n];
            size_t pl = strlen(p);
            if (len + pl >= sizeof buf)
                break;
            memcpy(buf + len, p, pl);
            len += pl;
        }
        seed = seed * 1103515245u + 12345u;
        buf[len] = '\0';
        parse(buf);
        const df_file *df = &file->dockerfile;
        for (size_t i = 0; i < df->nerrors; i++)
            assert_true(df->errors[i].span.end <= len &&
                        df->errors[i].span.start <= df->errors[i].span.end);
        for (size_t i = 0; i < df->ninstrs; i++)
            for (size_t k = 0; k < df->instrs[i].nargs; k++)
                assert_true(df->instrs[i].args[k].span.end <= len);
        ed_file_result r;
        ed_lint_apptainer(arena, &src, NULL, &r);
        for (size_t i = 0; i < r.nfindings; i++)
            assert_true(r.findings[i].end <= len);
    }
}

/* ---- the Dockerfile view ---- */

static const df_instr *instr_of(df_kind kind, size_t nth)
{
    const df_file *df = &file->dockerfile;
    for (size_t i = 0; i < df->ninstrs; i++)
        if (df->instrs[i].kind == kind && nth-- == 0)
            return &df->instrs[i];
    fail_msg("no %s #%zu", df_kind_name(kind), nth);
    return NULL;
}

static void test_from_per_agent(void **state)
{
    static const struct {
        const char *text;
        const char *image;
        bool known; /* parsed as a Docker reference */
    } cases[] = {
        {"Bootstrap: docker\nFrom: python:3.12\n", "python:3.12", true},
        {"Bootstrap: docker\nFrom: docker://python:3.12\n", "python:3.12", true},
        {"Bootstrap: docker\nRegistry: nvcr.io\nNamespace: nvidia\nFrom: pytorch:24.05-py3\n",
         "nvcr.io/nvidia/pytorch:24.05-py3", true},
        {"Bootstrap: docker-daemon\nFrom: myimage:1\n", "myimage:1", true},
        {"Bootstrap: library\nFrom: ubuntu:22.04\n", "library://ubuntu:22.04", false},
        {"Bootstrap: library\nFrom: library://sylabs/default/alpine:3\n",
         "library://sylabs/default/alpine:3", false},
        {"Bootstrap: localimage\nFrom: base.sif\n", "localimage://base.sif", false},
        {"Bootstrap: oras\nFrom: ghcr.io/me/img:1\n", "oras://ghcr.io/me/img:1", false},
        {"Bootstrap: docker-archive\nFrom: img.tar\n", "docker-archive://img.tar", false},
        {"Bootstrap: debootstrap\nOSVersion: jammy\nMirrorURL: http://x/\n", "debootstrap://jammy",
         false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        parse(cases[i].text);
        assert_no_errors();
        const df_instr *from = instr_of(DF_FROM, 0);
        assert_string_equal(from->args[0].text, cases[i].image);
        df_model *m = df_model_build(arena, &file->dockerfile, NULL, 0);
        gpu_model *g = gpu_model_build(arena, m, kb_get(), GPU_AUTO, NULL);
        assert_int_equal(g->stages[0].image_known, cases[i].known);
        if (!cases[i].known)
            assert_int_equal(g->stages[0].image.vendor, KB_VENDOR_UNKNOWN);
    }
    parse("Bootstrap: scratch\n%files\n    app /app\n");
    assert_no_errors();
    assert_string_equal(instr_of(DF_FROM, 0)->args[0].text, "scratch");
    /* the image word of a plain docker From: is exactly the value */
    parse("Bootstrap: docker\nFrom:   python:3.12   # note\n");
    assert_span(instr_of(DF_FROM, 0)->args[0].span, 2, 9, 2, 20);
}

static void test_files_labels_arguments_environment(void **state)
{
    parse("Bootstrap: docker\n"                                        /* 1 */
          "From: ubuntu:22.04\n"                                       /* 2 */
          "%files\n"                                                   /* 3 */
          "    # comment\n"                                            /* 4 */
          "    \"my dir/a b.txt\" /opt/x\n"                            /* 5 */
          "    requirements.txt\n"                                     /* 6 */
          "%labels\n"                                                  /* 7 */
          "    Author  Jane Doe\n"                                     /* 8 */
          "%arguments\n"                                               /* 9 */
          "    V=1\n"                                                  /* 10 */
          "%environment\n"                                             /* 11 */
          "    export PATH=/opt/bin:$PATH LANG=C.UTF-8\n"              /* 12 */
          "    CUDA_HOME=\"/usr/local/cuda\"\n"                        /* 13 */
          "    export LD_LIBRARY_PATH\n"                               /* 14 */
          "    if [ -n \"$X\" ]; then export Y=2; fi\n"                /* 15 */
          "%post\n"                                                    /* 16 */
          "    echo $LANG\n");                                         /* 17 */
    assert_no_errors();
    const df_instr *c1 = instr_of(DF_COPY, 0);
    assert_string_equal(c1->args[0].text, "my dir/a b.txt");
    assert_span(c1->args[0].span, 5, 5, 5, 21);
    assert_string_equal(c1->args[1].text, "/opt/x");
    assert_span(c1->span, 5, 5, 5, 28);
    const df_instr *c2 = instr_of(DF_COPY, 1);
    assert_int_equal(c2->nargs, 2);
    assert_string_equal(c2->args[1].text, "requirements.txt");
    const df_instr *label = instr_of(DF_LABEL, 0);
    assert_int_equal(label->npairs, 1);
    assert_string_equal(label->pairs[0].key.text, "Author");
    assert_string_equal(label->pairs[0].value.text, "Jane Doe");
    assert_span(label->pairs[0].value.span, 8, 13, 8, 21);
    const df_instr *arg = instr_of(DF_ARG, 0);
    assert_string_equal(arg->args[0].text, "V=1");
    assert_span(arg->args[0].span, 10, 5, 10, 8);
    const df_instr *env = instr_of(DF_ENV, 0);
    assert_int_equal(env->npairs, 4);
    assert_string_equal(env->pairs[0].key.text, "PATH");
    assert_span(env->pairs[0].key.span, 12, 12, 12, 16);
    assert_string_equal(env->pairs[0].value.text, "/opt/bin:$PATH");
    assert_span(env->pairs[0].value.span, 12, 17, 12, 31);
    assert_string_equal(env->pairs[1].key.text, "LANG");
    assert_string_equal(env->pairs[2].key.text, "CUDA_HOME");
    assert_string_equal(env->pairs[2].value.text, "\"/usr/local/cuda\"");
    assert_span(env->pairs[2].value.span, 13, 15, 13, 32);
    assert_string_equal(env->pairs[3].key.text, "Y");
    assert_int_equal(ap_section_of(file, env)->kind, AP_SECTION_ENVIRONMENT);
    assert_null(ap_section_of(file, instr_of(DF_FROM, 0)));

    /* %environment is read when the container runs: %post does not see it,
     * and the ENV values are the build model's */
    df_model *m = df_model_build(arena, &file->dockerfile, NULL, 0);
    size_t run = (size_t)(instr_of(DF_RUN, 0) - file->dockerfile.instrs);
    assert_null(df_model_lookup(m, run, "LANG"));
    assert_string_equal(df_model_lookup(m, file->dockerfile.ninstrs - 1, "CUDA_HOME"),
                        "/usr/local/cuda");
    /* nor the %arguments names ({{ }} substitutions, no variables) */
    assert_null(df_model_lookup(m, run, "V"));
}

/* The commands of %post land on the right .def line:column. */
static void test_post_commands_positions(void **state)
{
    parse("Bootstrap: docker\n"
          "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "%post\n"
          "    apt-get update && \\\n"
          "      apt-get install -y python3-pip\n"
          "    pip3 install torch==2.5.1 \\\n"
          "        --index-url https://download.pytorch.org/whl/cu124\n");
    assert_no_errors();
    df_model *m = df_model_build(arena, &file->dockerfile, NULL, 0);
    gpu_model *g = gpu_model_build(arena, m, kb_get(), GPU_AUTO, NULL);
    const gpu_stage *s = &g->stages[0];
    assert_int_equal(s->ncmds, 3);
    assert_span(gpu_word_span(&s->cmds[0], &s->cmds[0].cmd->words[0]), 4, 5, 4, 12);
    assert_span(gpu_word_span(&s->cmds[1], &s->cmds[1].cmd->words[1]), 5, 15, 5, 22);
    const sh_pkgcmd *pip = s->cmds[2].pkg;
    assert_non_null(pip);
    assert_span(gpu_req_span(&s->cmds[2], &pip->reqs[0]), 6, 18, 6, 23);
    assert_span(gpu_word_span(&s->cmds[2], pip->index_url), 7, 21, 7, 59);
    assert_true(s->gpu_intended);
}

/* ---- linting ---- */

static ed_file_result lint_with(const char *text, const char *const *args, size_t nargs)
{
    if (arena)
        ed_arena_free(arena);
    arena = ed_arena_new();
    ed_source_init(&src, arena, "test.def", text, strlen(text));
    ed_options options = {.build_args = args, .nbuild_args = nargs};
    ed_file_result r;
    ed_lint_apptainer(arena, &src, &options, &r);
    return r;
}

static ed_file_result lint(const char *text)
{
    return lint_with(text, NULL, 0);
}

static void print_findings(const ed_file_result *r)
{
    for (size_t i = 0; i < r->nfindings; i++)
        print_message("  %s %u:%u %s\n", r->findings[i].rule->id, r->findings[i].begin.line,
                      r->findings[i].begin.column, r->findings[i].message);
}

static const ed_finding *find(const ed_file_result *r, const char *id)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].rule->id, id) == 0)
            return &r->findings[i];
    print_findings(r);
    fail_msg("no %s finding", id);
    return NULL;
}

static size_t count(const ed_file_result *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        n += strcmp(r->findings[i].rule->id, id) == 0;
    return n;
}

static void assert_at(const ed_finding *f, unsigned line, unsigned col, unsigned end_col)
{
    if (f->begin.line != line || f->begin.column != col || f->finish.column != end_col)
        fail_msg("%s at %u:%u-%u, expected %u:%u-%u", f->rule->id, f->begin.line,
                 f->begin.column, f->finish.column, line, col, end_col);
}

static void test_gpu_rules_on_post(void **state)
{
    ed_file_result r = lint("Bootstrap: docker\n"
                            "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                            "\n"
                            "%environment\n"
                            "    export PIP_INDEX_URL=https://download.pytorch.org/whl/cu124\n"
                            "\n"
                            "%post\n"
                            "    apt-get update\n"
                            "    apt-get install -y python3-pip nvidia-driver-535\n"
                            "    pip3 install torch==2.5.1\n");
    assert_int_equal(r.kind, ED_KIND_APPTAINER);
    /* %environment is not read by %post: the index is missing there */
    assert_at(find(&r, "ED201"), 10, 18, 23);
    assert_non_null(strstr(find(&r, "ED201")->message, "CUDA 12.4.1"));
    assert_at(find(&r, "ED301"), 9, 36, 53);
    assert_int_equal(r.nfindings, 2);
}

static void test_cpu_image_with_gpu_torch(void **state)
{
    ed_file_result r = lint("Bootstrap: docker\n"
                            "From: python:{{ PY }}-slim\n"
                            "%arguments\n"
                            "    PY=3.12\n"
                            "%post\n"
                            "    pip install torch==2.5.1 --index-url "
                            "https://download.pytorch.org/whl/cu124\n");
    const ed_finding *f = find(&r, "ED101");
    assert_at(f, 2, 7, 27);
    assert_non_null(strstr(f->message, "python:3.12-slim is a CPU-only image"));
    assert_int_equal(r.nfindings, 1);
    /* the same on a CUDA image given by --build-arg: nothing */
    const char *args[] = {"CUDA=12.4.1"};
    r = lint_with("Bootstrap: docker\n"
                  "From: nvidia/cuda:{{ CUDA }}-runtime-ubuntu22.04\n"
                  "%post\n"
                  "    pip install torch==2.5.1 --index-url "
                  "https://download.pytorch.org/whl/cu124\n",
                  args, 1);
    print_findings(&r);
    assert_int_equal(r.nfindings, 0);
}

/* ED105 speaks of Apptainer's stages, not of Dockerfile ones. */
static void test_cuda_build_on_runtime_image_wording(void **state)
{
    ed_file_result r = lint("Bootstrap: docker\n"
                            "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                            "%post\n"
                            "    nvcc -o /usr/local/bin/kernel kernel.cu\n");
    const ed_finding *f = find(&r, "ED105");
    assert_at(f, 4, 5, 9);
    assert_string_equal(f->message,
                        "nvcc is run, but nvidia/cuda:12.4.1-runtime-ubuntu22.04 (runtime flavor) "
                        "has no nvcc: compile it in a build stage (From: "
                        "nvidia/cuda:12.4.1-devel-ubuntu22.04, Stage: build) and copy the result "
                        "in with `%files from build`");
}

/* An image tag written as is gets the tag fix; one that comes through
 * {{ NAME }} is a variable: the whole value, and no fix over the reference. */
static void test_image_tag_fix_only_when_literal(void **state)
{
    ed_file_result r =
        lint("Bootstrap: docker\nFrom: nvidia/cuda:12.4.1-cudnn8-devel-ubuntu22.04\n");
    const ed_finding *f = find(&r, "ED102");
    assert_at(f, 2, 19, 50);
    assert_non_null(f->fix);
    assert_string_equal(f->fix->replacement, "12.4.1-cudnn-devel-ubuntu22.04");
    const char *args[] = {"CUDA=12.4.1"};
    r = lint_with("Bootstrap: docker\n"
                  "From: nvidia/cuda:{{ CUDA }}-cudnn8-devel-ubuntu22.04\n"
                  "%arguments\n"
                  "    CUDA=12.2.2\n",
                  args, 1);
    f = find(&r, "ED102");
    assert_at(f, 2, 7, 54);
    assert_null(f->fix);
    assert_int_equal(r.nfindings, 1);
}

/* A requirements file copied by %files is read from the build context; the
 * finding has no fix, since ED201's would add an ENV line. */
static void test_requirements_through_files(void **state)
{
    char dir[] = "/tmp/ed-apptainer-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/requirements.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("torch==2.5.1\n", f);
    fclose(f);
    if (arena)
        ed_arena_free(arena);
    arena = ed_arena_new();
    static const char text[] = "Bootstrap: docker\n"
                               "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                               "%files\n"
                               "    requirements.txt /opt/requirements.txt\n"
                               "%post\n"
                               "    pip3 install -r /opt/requirements.txt\n";
    ed_source_init(&src, arena, "test.def", text, strlen(text));
    ed_options options = {.context_dir = dir};
    ed_file_result r;
    ed_lint_apptainer(arena, &src, &options, &r);
    const ed_finding *found = find(&r, "ED201");
    assert_at(found, 6, 21, 42);
    assert_non_null(strstr(found->message, "set PIP_INDEX_URL="));
    assert_null(found->fix);
    remove(path);
    rmdir(dir);
}

/* Rules about Dockerfile syntax and docker build stay out. */
static void test_dockerfile_only_rules_stay_out(void **state)
{
    ed_file_result r = lint("Bootstrap: docker\n"
                            "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                            "%post\n"
                            "    nvidia-smi\n");
    assert_int_equal(count(&r, "ED306"), 0);
    assert_int_equal(r.nfindings, 0);
    r = lint("Bootstrap: docker\nFrom: $IMAGE\n");
    assert_int_equal(count(&r, "ED002"), 0);
    /* a library image is unknown: no image rule guesses */
    r = lint("Bootstrap: library\nFrom: ubuntu:22.04\n%post\n"
             "    pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124\n");
    print_findings(&r);
    assert_int_equal(r.nfindings, 0);
}

static void test_parse_errors_are_ed001(void **state)
{
    ed_file_result r = lint("Bootstrap: docker\nFrom: alpine\n%psot\n");
    assert_at(find(&r, "ED001"), 3, 1, 6);
    static const char binary[] = "Bootstrap: docker\nFrom: al\0pine\n";
    ed_source_init(&src, arena, "test.def", binary, sizeof binary - 1);
    ed_lint_apptainer(arena, &src, NULL, &r);
    assert_int_equal(r.nfindings, 1);
    assert_string_equal(r.findings[0].rule->id, "ED001");
}

static void test_inline_pragmas(void **state)
{
    static const char text[] = "Bootstrap: docker\n"                                   /* 1 */
                               "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"        /* 2 */
                               "%post\n"                                               /* 3 */
                               "    # env-doctor ignore=ED201 -- our mirror\n"         /* 4 */
                               "    pip3 install torch==2.5.1\n"                       /* 5 */
                               "    pip3 install \\\n"                                 /* 6 */
                               "      torch==2.5.1\n"                                  /* 7 */
                               "    # env-doctor ignore=ED301\n"                       /* 8 */
                               "    echo done\n";                                      /* 9 */
    ed_file_result r = lint(text);
    assert_int_equal(count(&r, "ED201"), 1);
    assert_at(find(&r, "ED201"), 7, 7, 12);
    assert_at(find(&r, "ED003"), 8, 25, 30);
    assert_int_equal(r.nfindings, 2);

    /* a stage pragma above Bootstrap: covers the stage */
    r = lint("# env-doctor stage ignore=ED201\n"
             "Bootstrap: docker\n"
             "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
             "%post\n"
             "    pip3 install torch==2.5.1\n"
             "Bootstrap: docker\n"
             "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
             "%post\n"
             "    pip3 install torch==2.5.1\n");
    assert_int_equal(count(&r, "ED201"), 1);
    assert_at(find(&r, "ED201"), 9, 18, 23);
    assert_int_equal(r.nfindings, 1);

    /* --no-inline-ignores */
    ed_options o = {.no_inline_ignores = true};
    ed_source_init(&src, arena, "test.def", text, strlen(text));
    ed_lint_apptainer(arena, &src, &o, &r);
    assert_int_equal(count(&r, "ED201"), 2);
    assert_int_equal(count(&r, "ED003"), 0);
}

static void test_crlf_positions(void **state)
{
    ed_file_result r = lint("Bootstrap: docker\r\n"
                            "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\r\n"
                            "%post\r\n"
                            "    pip3 install torch==2.5.1 \\\r\n"
                            "      torchvision\r\n");
    assert_at(find(&r, "ED201"), 4, 18, 23);
    assert_int_equal(count(&r, "ED210"), 1);
    assert_at(find(&r, "ED210"), 5, 7, 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_every_header_key, teardown),
        cmocka_unit_test_teardown(test_header_continuation_and_comments, teardown),
        cmocka_unit_test_teardown(test_every_section_form, teardown),
        cmocka_unit_test_teardown(test_repeated_sections, teardown),
        cmocka_unit_test_teardown(test_substitution_defaults_and_build_args, teardown),
        cmocka_unit_test_teardown(test_substitution_errors, teardown),
        cmocka_unit_test_teardown(test_multi_stage, teardown),
        cmocka_unit_test_teardown(test_errors_with_positions, teardown),
        cmocka_unit_test_teardown(test_section_before_header, teardown),
        cmocka_unit_test_teardown(test_missing_bootstrap_and_from, teardown),
        cmocka_unit_test_teardown(test_never_crashes, teardown),
        cmocka_unit_test_teardown(test_from_per_agent, teardown),
        cmocka_unit_test_teardown(test_files_labels_arguments_environment, teardown),
        cmocka_unit_test_teardown(test_post_commands_positions, teardown),
        cmocka_unit_test_teardown(test_gpu_rules_on_post, teardown),
        cmocka_unit_test_teardown(test_cuda_build_on_runtime_image_wording, teardown),
        cmocka_unit_test_teardown(test_cpu_image_with_gpu_torch, teardown),
        cmocka_unit_test_teardown(test_image_tag_fix_only_when_literal, teardown),
        cmocka_unit_test_teardown(test_requirements_through_files, teardown),
        cmocka_unit_test_teardown(test_dockerfile_only_rules_stay_out, teardown),
        cmocka_unit_test_teardown(test_parse_errors_are_ed001, teardown),
        cmocka_unit_test_teardown(test_inline_pragmas, teardown),
        cmocka_unit_test_teardown(test_crlf_positions, teardown),
    };
    return cmocka_run_group_tests_name("apptainer", tests, NULL, NULL);
}
