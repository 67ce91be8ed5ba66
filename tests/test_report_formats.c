/* The report formats: golden outputs on fixed findings (every severity, a
 * fix, a clean file), JSON/SARIF parsed back, escaping, fingerprints. */
#include "testutil.h"

#include <unistd.h>

#include <jansson.h>
#include <stdio.h>

#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

/* The fixture: a Dockerfile with an error (with a fix), a warning and an
 * info finding, and a clean file. */
static const char fixture_text[] = "FROM ubuntu:22.04\n"
                                   "RUN pip install torch\n"
                                   "RUN pip install \"t\xc3\xa9nsorflow-gpu\" && x\n";

typedef struct fixture {
    ed_arena *arena;
    ed_source src, clean_src;
    ed_fix fix;
    ed_finding findings[3];
    ed_file_result files[2];
} fixture;

static size_t offset_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    assert_non_null(p);
    return (size_t)(p - text);
}

static void add_finding(fixture *fx, size_t k, const char *rule, ed_severity sev, const char *msg,
                        const char *token)
{
    ed_finding *f = &fx->findings[k];
    f->rule = ed_rule_find(rule);
    assert_non_null(f->rule);
    f->severity = sev;
    f->message = msg;
    f->start = offset_of(fx->src.data, token);
    f->end = f->start + strlen(token);
}

/* text: the first file's source (its findings point into it by token). */
static void fixture_make(fixture *fx, const char *path, const char *text, const char *msg0)
{
    memset(fx, 0, sizeof *fx);
    fx->arena = ed_arena_new();
    char *copy = ed_arena_strdup(fx->arena, text);
    ed_source_init(&fx->src, fx->arena, path, copy, strlen(copy));
    ed_source_init(&fx->clean_src, fx->arena, "clean.Dockerfile", "FROM x\n", 7);
    add_finding(fx, 0, "ED201", ED_SEV_ERROR, msg0, "torch");
    fx->fix.description = "add the CUDA 12.4 index";
    fx->fix.replacement = "torch --index-url https://download.pytorch.org/whl/cu124";
    fx->fix.start = fx->findings[0].start;
    fx->fix.end = fx->findings[0].end;
    fx->findings[0].fix = &fx->fix;
    add_finding(fx, 1, "ED206", ED_SEV_WARNING, "tensorflow-gpu was removed: install t\xc3\xa9nsorflow",
                "\"t\xc3\xa9nsorflow-gpu\"");
    add_finding(fx, 2, "ED210", ED_SEV_INFO, "x is 100% unpinned", "x\n");
    fx->findings[2].end--;
    ed_sort_findings(fx->findings, 3, &fx->src);
    fx->files[0] = (ed_file_result){path, ED_KIND_DOCKERFILE, &fx->src, fx->findings, 3, NULL};
    fx->files[1] = (ed_file_result){"clean.Dockerfile", ED_KIND_DOCKERFILE, &fx->clean_src, NULL, 0,
                                    NULL};
}

static const char default_msg[] = "torch needs \"--index-url\" <cu124> & more";

static char *render(rep_format format, const ed_file_result *files, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    rep_write(f, format, files, n, false);
    fclose(f);
    return buf;
}

static void check_golden(rep_format format, const char *expected)
{
    fixture fx;
    fixture_make(&fx, "dir/Dockerfile", fixture_text, default_msg);
    char *out = render(format, fx.files, 2);
    if (getenv("ED_GOLDEN_DUMP"))
        fprintf(stderr, "==== %s\n%s====\n", rep_format_names[format], out);
    else
        assert_string_equal(out, expected);
    free(out);
    ed_arena_free(fx.arena);
}


/* Golden outputs (the fixture above). SARIF's rules[].help (the rule's
 * whole documentation) is checked apart, in test_sarif_fields. */
static const char golden_text[] =
    "dir/Dockerfile:2:17: error: torch needs \"--index-url\" <cu124> & more [ED201 torch-missing-index-url]\n"
    "dir/Dockerfile:3:17: warning: tensorflow-gpu was removed: install t\xc3""\xa9""nsorflow [ED206 tensorflow-gpu-deprecated]\n"
    "dir/Dockerfile:3:37: info: x is 100% unpinned [ED210 unpinned-gpu-framework]\n";

static const char golden_json[] =
    "{\n"
    "  \"schema_version\": 1,\n"
    "  \"tool\": {\n"
    "    \"name\": \"env-doctor\",\n"
    "    \"version\": \"0.1.0\"\n"
    "  },\n"
    "  \"files\": [\n"
    "    {\n"
    "      \"path\": \"dir/Dockerfile\",\n"
    "      \"kind\": \"dockerfile\",\n"
    "      \"findings\": [\n"
    "        {\n"
    "          \"rule\": \"ED201\",\n"
    "          \"name\": \"torch-missing-index-url\",\n"
    "          \"severity\": \"error\",\n"
    "          \"message\": \"torch needs \\\"--index-url\\\" <cu124> & more\",\n"
    "          \"line\": 2,\n"
    "          \"column\": 17,\n"
    "          \"end_line\": 2,\n"
    "          \"end_column\": 22,\n"
    "          \"help_uri\": \"https://github.com/env-doctor/env-doctor/blob/main/rules/ED201.md\",\n"
    "          \"fix\": {\n"
    "            \"description\": \"add the CUDA 12.4 index\",\n"
    "            \"replacement\": \"torch --index-url https://download.pytorch.org/whl/cu124\",\n"
    "            \"safe\": true,\n"
    "            \"edits\": [\n"
    "              {\n"
    "                \"line\": 2,\n"
    "                \"column\": 17,\n"
    "                \"end_line\": 2,\n"
    "                \"end_column\": 22,\n"
    "                \"replacement\": \"torch --index-url https://download.pytorch.org/whl/cu124\"\n"
    "              }\n"
    "            ]\n"
    "          }\n"
    "        },\n"
    "        {\n"
    "          \"rule\": \"ED206\",\n"
    "          \"name\": \"tensorflow-gpu-deprecated\",\n"
    "          \"severity\": \"warning\",\n"
    "          \"message\": \"tensorflow-gpu was removed: install t\\u00E9nsorflow\",\n"
    "          \"line\": 3,\n"
    "          \"column\": 17,\n"
    "          \"end_line\": 3,\n"
    "          \"end_column\": 33,\n"
    "          \"help_uri\": \"https://github.com/env-doctor/env-doctor/blob/main/rules/ED206.md\",\n"
    "          \"fix\": null\n"
    "        },\n"
    "        {\n"
    "          \"rule\": \"ED210\",\n"
    "          \"name\": \"unpinned-gpu-framework\",\n"
    "          \"severity\": \"info\",\n"
    "          \"message\": \"x is 100% unpinned\",\n"
    "          \"line\": 3,\n"
    "          \"column\": 37,\n"
    "          \"end_line\": 3,\n"
    "          \"end_column\": 38,\n"
    "          \"help_uri\": \"https://github.com/env-doctor/env-doctor/blob/main/rules/ED210.md\",\n"
    "          \"fix\": null\n"
    "        }\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"path\": \"clean.Dockerfile\",\n"
    "      \"kind\": \"dockerfile\",\n"
    "      \"findings\": []\n"
    "    }\n"
    "  ],\n"
    "  \"summary\": {\n"
    "    \"files\": 2,\n"
    "    \"errors\": 1,\n"
    "    \"warnings\": 1,\n"
    "    \"info\": 1\n"
    "  }\n"
    "}\n";

static const char golden_sarif[] =
    "{\n"
    "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
    "  \"version\": \"2.1.0\",\n"
    "  \"runs\": [\n"
    "    {\n"
    "      \"tool\": {\n"
    "        \"driver\": {\n"
    "          \"name\": \"env-doctor\",\n"
    "          \"version\": \"0.1.0\",\n"
    "          \"informationUri\": \"https://github.com/env-doctor/env-doctor\",\n"
    "          \"rules\": [\n"
    "            {\n"
    "              \"id\": \"ED201\",\n"
    "              \"name\": \"torch-missing-index-url\",\n"
    "              \"shortDescription\": {\n"
    "                \"text\": \"torch is installed from PyPI alone in a GPU stage, without PyTorch's CUDA index\"\n"
    "              },\n"
    "              \"fullDescription\": {\n"
    "                \"text\": \"torch is installed from PyPI alone in a GPU stage, without PyTorch's CUDA index\"\n"
    "              },\n"
    "              \"helpUri\": \"https://github.com/env-doctor/env-doctor/blob/main/rules/ED201.md\",\n"
    "              \"defaultConfiguration\": {\n"
    "                \"level\": \"error\"\n"
    "              }\n"
    "            },\n"
    "            {\n"
    "              \"id\": \"ED206\",\n"
    "              \"name\": \"tensorflow-gpu-deprecated\",\n"
    "              \"shortDescription\": {\n"
    "                \"text\": \"tensorflow-gpu is removed (a stub since 2.12): install tensorflow[and-cuda]\"\n"
    "              },\n"
    "              \"fullDescription\": {\n"
    "                \"text\": \"tensorflow-gpu is removed (a stub since 2.12): install tensorflow[and-cuda]\"\n"
    "              },\n"
    "              \"helpUri\": \"https://github.com/env-doctor/env-doctor/blob/main/rules/ED206.md\",\n"
    "              \"defaultConfiguration\": {\n"
    "                \"level\": \"warning\"\n"
    "              }\n"
    "            },\n"
    "            {\n"
    "              \"id\": \"ED210\",\n"
    "              \"name\": \"unpinned-gpu-framework\",\n"
    "              \"shortDescription\": {\n"
    "                \"text\": \"torch / jax / jaxlib / tensorflow installed without a version pin in a GPU stage\"\n"
    "              },\n"
    "              \"fullDescription\": {\n"
    "                \"text\": \"torch / jax / jaxlib / tensorflow installed without a version pin in a GPU stage\"\n"
    "              },\n"
    "              \"helpUri\": \"https://github.com/env-doctor/env-doctor/blob/main/rules/ED210.md\",\n"
    "              \"defaultConfiguration\": {\n"
    "                \"level\": \"note\"\n"
    "              }\n"
    "            }\n"
    "          ]\n"
    "        }\n"
    "      },\n"
    "      \"columnKind\": \"unicodeCodePoints\",\n"
    "      \"results\": [\n"
    "        {\n"
    "          \"ruleId\": \"ED201\",\n"
    "          \"ruleIndex\": 0,\n"
    "          \"level\": \"error\",\n"
    "          \"message\": {\n"
    "            \"text\": \"torch needs \\\"--index-url\\\" <cu124> & more\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"dir/Dockerfile\"\n"
    "                },\n"
    "                \"region\": {\n"
    "                  \"startLine\": 2,\n"
    "                  \"startColumn\": 17,\n"
    "                  \"endLine\": 2,\n"
    "                  \"endColumn\": 22\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ],\n"
    "          \"fixes\": [\n"
    "            {\n"
    "              \"description\": {\n"
    "                \"text\": \"add the CUDA 12.4 index\"\n"
    "              },\n"
    "              \"artifactChanges\": [\n"
    "                {\n"
    "                  \"artifactLocation\": {\n"
    "                    \"uri\": \"dir/Dockerfile\"\n"
    "                  },\n"
    "                  \"replacements\": [\n"
    "                    {\n"
    "                      \"deletedRegion\": {\n"
    "                        \"startLine\": 2,\n"
    "                        \"startColumn\": 17,\n"
    "                        \"endLine\": 2,\n"
    "                        \"endColumn\": 22\n"
    "                      },\n"
    "                      \"insertedContent\": {\n"
    "                        \"text\": \"torch --index-url https://download.pytorch.org/whl/cu124\"\n"
    "                      }\n"
    "                    }\n"
    "                  ]\n"
    "                }\n"
    "              ],\n"
    "              \"properties\": {\n"
    "                \"safe\": true\n"
    "              }\n"
    "            }\n"
    "          ]\n"
    "        },\n"
    "        {\n"
    "          \"ruleId\": \"ED206\",\n"
    "          \"ruleIndex\": 1,\n"
    "          \"level\": \"warning\",\n"
    "          \"message\": {\n"
    "            \"text\": \"tensorflow-gpu was removed: install t\\u00E9nsorflow\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"dir/Dockerfile\"\n"
    "                },\n"
    "                \"region\": {\n"
    "                  \"startLine\": 3,\n"
    "                  \"startColumn\": 17,\n"
    "                  \"endLine\": 3,\n"
    "                  \"endColumn\": 33\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ]\n"
    "        },\n"
    "        {\n"
    "          \"ruleId\": \"ED210\",\n"
    "          \"ruleIndex\": 2,\n"
    "          \"level\": \"note\",\n"
    "          \"message\": {\n"
    "            \"text\": \"x is 100% unpinned\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"dir/Dockerfile\"\n"
    "                },\n"
    "                \"region\": {\n"
    "                  \"startLine\": 3,\n"
    "                  \"startColumn\": 37,\n"
    "                  \"endLine\": 3,\n"
    "                  \"endColumn\": 38\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ]\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

static const char golden_github[] =
    "::error file=dir/Dockerfile,line=2,col=17,endLine=2,endColumn=22,title=ED201 torch-missing-index-url::torch needs \"--index-url\" <cu124> & more\n"
    "::warning file=dir/Dockerfile,line=3,col=17,endLine=3,endColumn=33,title=ED206 tensorflow-gpu-deprecated::tensorflow-gpu was removed: install t\xc3""\xa9""nsorflow\n"
    "::notice file=dir/Dockerfile,line=3,col=37,endLine=3,endColumn=38,title=ED210 unpinned-gpu-framework::x is 100%25 unpinned\n";

static const char golden_gnu[] =
    "dir/Dockerfile:2.17-2.22: error: torch needs \"--index-url\" <cu124> & more [ED201]\n"
    "dir/Dockerfile:3.17-3.33: warning: tensorflow-gpu was removed: install t\xc3""\xa9""nsorflow [ED206]\n"
    "dir/Dockerfile:3.37-3.38: info: x is 100% unpinned [ED210]\n";

static const char golden_checkstyle[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checkstyle version=\"4.3\">\n"
    "  <file name=\"dir/Dockerfile\">\n"
    "    <error line=\"2\" column=\"17\" severity=\"error\" message=\"torch needs &quot;--index-url&quot; &lt;cu124&gt; &amp; more\" source=\"ED201\"/>\n"
    "    <error line=\"3\" column=\"17\" severity=\"warning\" message=\"tensorflow-gpu was removed: install t\xc3""\xa9""nsorflow\" source=\"ED206\"/>\n"
    "    <error line=\"3\" column=\"37\" severity=\"info\" message=\"x is 100% unpinned\" source=\"ED210\"/>\n"
    "  </file>\n"
    "  <file name=\"clean.Dockerfile\">\n"
    "  </file>\n"
    "</checkstyle>\n";

static const char golden_junit[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuites name=\"env-doctor\" tests=\"4\" failures=\"3\" errors=\"0\">\n"
    "  <testsuite name=\"dir/Dockerfile\" tests=\"3\" failures=\"3\" errors=\"0\">\n"
    "    <testcase name=\"ED201 torch-missing-index-url at 2:17\" classname=\"dir/Dockerfile\">\n"
    "      <failure type=\"error\" message=\"torch needs &quot;--index-url&quot; &lt;cu124&gt; &amp; more\">dir/Dockerfile:2:17: error: torch needs &quot;--index-url&quot; &lt;cu124&gt; &amp; more [ED201 torch-missing-index-url]</failure>\n"
    "    </testcase>\n"
    "    <testcase name=\"ED206 tensorflow-gpu-deprecated at 3:17\" classname=\"dir/Dockerfile\">\n"
    "      <failure type=\"warning\" message=\"tensorflow-gpu was removed: install t\xc3""\xa9""nsorflow\">dir/Dockerfile:3:17: warning: tensorflow-gpu was removed: install t\xc3""\xa9""nsorflow [ED206 tensorflow-gpu-deprecated]</failure>\n"
    "    </testcase>\n"
    "    <testcase name=\"ED210 unpinned-gpu-framework at 3:37\" classname=\"dir/Dockerfile\">\n"
    "      <failure type=\"info\" message=\"x is 100% unpinned\">dir/Dockerfile:3:37: info: x is 100% unpinned [ED210 unpinned-gpu-framework]</failure>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "  <testsuite name=\"clean.Dockerfile\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
    "    <testcase name=\"env-doctor\" classname=\"clean.Dockerfile\"/>\n"
    "  </testsuite>\n"
    "</testsuites>\n";

static const char golden_codeclimate[] =
    "[\n"
    "  {\n"
    "    \"type\": \"issue\",\n"
    "    \"check_name\": \"ED201\",\n"
    "    \"description\": \"torch needs \\\"--index-url\\\" <cu124> & more [ED201 torch-missing-index-url]\",\n"
    "    \"fingerprint\": \"491b1e934c76bf9b\",\n"
    "    \"severity\": \"critical\",\n"
    "    \"location\": {\n"
    "      \"path\": \"dir/Dockerfile\",\n"
    "      \"lines\": {\n"
    "        \"begin\": 2,\n"
    "        \"end\": 2\n"
    "      }\n"
    "    }\n"
    "  },\n"
    "  {\n"
    "    \"type\": \"issue\",\n"
    "    \"check_name\": \"ED206\",\n"
    "    \"description\": \"tensorflow-gpu was removed: install t\\u00E9nsorflow [ED206 tensorflow-gpu-deprecated]\",\n"
    "    \"fingerprint\": \"5cb60a274ec80c13\",\n"
    "    \"severity\": \"major\",\n"
    "    \"location\": {\n"
    "      \"path\": \"dir/Dockerfile\",\n"
    "      \"lines\": {\n"
    "        \"begin\": 3,\n"
    "        \"end\": 3\n"
    "      }\n"
    "    }\n"
    "  },\n"
    "  {\n"
    "    \"type\": \"issue\",\n"
    "    \"check_name\": \"ED210\",\n"
    "    \"description\": \"x is 100% unpinned [ED210 unpinned-gpu-framework]\",\n"
    "    \"fingerprint\": \"2f3310dc0c59435b\",\n"
    "    \"severity\": \"info\",\n"
    "    \"location\": {\n"
    "      \"path\": \"dir/Dockerfile\",\n"
    "      \"lines\": {\n"
    "        \"begin\": 3,\n"
    "        \"end\": 3\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "]\n";

static void test_golden_text(void **state) { check_golden(REP_TEXT, golden_text); }
static void test_golden_json(void **state) { check_golden(REP_JSON, golden_json); }
static void test_golden_github(void **state) { check_golden(REP_GITHUB, golden_github); }
static void test_golden_gnu(void **state) { check_golden(REP_GNU, golden_gnu); }
static void test_golden_checkstyle(void **state) { check_golden(REP_CHECKSTYLE, golden_checkstyle); }
static void test_golden_junit(void **state) { check_golden(REP_JUNIT, golden_junit); }
static void test_golden_codeclimate(void **state) { check_golden(REP_CODECLIMATE, golden_codeclimate); }

/* GitLab wants repository-relative paths: "./" goes, and so does the
 * current folder of an absolute path; the fingerprint does not change. */
static void test_codeclimate_paths_are_relative(void **state)
{
    (void)state;
    char cwd[4096], abs_path[4200];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(abs_path, sizeof abs_path, "%s/dir/Dockerfile", cwd);
    const char *names[] = {"./dir/Dockerfile", abs_path, ".//./dir/Dockerfile"};
    fixture plain;
    fixture_make(&plain, "dir/Dockerfile", fixture_text, default_msg);
    char want[17];
    rep_fingerprint(&plain.files[0], 0, want);
    for (size_t i = 0; i < 3; i++) {
        fixture fx;
        fixture_make(&fx, names[i], fixture_text, default_msg);
        char *out = render(REP_CODECLIMATE, fx.files, 1);
        assert_non_null(strstr(out, "\"path\": \"dir/Dockerfile\""));
        char got[17];
        rep_fingerprint(&fx.files[0], 0, got);
        assert_string_equal(got, want);
        free(out);
        ed_arena_free(fx.arena);
    }
    ed_arena_free(plain.arena);
}

static json_t *render_json(rep_format format, const ed_file_result *files, size_t n)
{
    char *out = render(format, files, n);
    json_error_t err;
    json_t *root = json_loads(out, 0, &err);
    if (!root)
        fail_msg("invalid JSON (%s) in:\n%s", err.text, out);
    free(out);
    return root;
}

static void test_golden_sarif(void **state)
{
    fixture fx;
    fixture_make(&fx, "dir/Dockerfile", fixture_text, default_msg);
    json_t *root = render_json(REP_SARIF, fx.files, 2);
    json_t *run = json_array_get(json_object_get(root, "runs"), 0);
    json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule) json_object_del(rule, "help");
    char *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    size_t len = strlen(out);
    out = realloc(out, len + 2);
    memcpy(out + len, "\n", 2);
    if (getenv("ED_GOLDEN_DUMP"))
        fprintf(stderr, "==== sarif\n%s====\n", out);
    else
        assert_string_equal(out, golden_sarif);
    free(out);
    json_decref(root);
    ed_arena_free(fx.arena);
}

#define GET(obj, key) json_object_get((obj), (key))
#define AT(arr, i) json_array_get((arr), (i))

static void assert_json_str(json_t *v, const char *expected)
{
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), expected);
}

static void assert_json_int(json_t *v, long long expected)
{
    assert_true(json_is_integer(v));
    assert_int_equal(json_integer_value(v), expected);
}

static void assert_region(json_t *r, int l1, int c1, int l2, int c2)
{
    assert_json_int(GET(r, "startLine"), l1);
    assert_json_int(GET(r, "startColumn"), c1);
    assert_json_int(GET(r, "endLine"), l2);
    assert_json_int(GET(r, "endColumn"), c2);
}

static void test_sarif_fields(void **state)
{
    fixture fx;
    fixture_make(&fx, "dir/Dockerfile", fixture_text, default_msg);
    json_t *root = render_json(REP_SARIF, fx.files, 2);
    assert_json_str(GET(root, "version"), "2.1.0");
    json_t *run = AT(GET(root, "runs"), 0);
    assert_int_equal(json_array_size(GET(root, "runs")), 1);
    assert_json_str(GET(run, "columnKind"), "unicodeCodePoints");
    json_t *driver = GET(GET(run, "tool"), "driver");
    assert_json_str(GET(driver, "name"), "env-doctor");
    assert_json_str(GET(driver, "version"), ED_VERSION);
    assert_true(json_is_string(GET(driver, "informationUri")));
    json_t *rules = GET(driver, "rules");
    assert_int_equal(json_array_size(rules), 3);
    const char *ids[] = {"ED201", "ED206", "ED210"}, *levels[] = {"error", "warning", "note"};
    for (size_t k = 0; k < 3; k++) {
        json_t *rule = AT(rules, k);
        const ed_rule *r = ed_rule_find(ids[k]);
        assert_json_str(GET(rule, "id"), ids[k]);
        assert_json_str(GET(rule, "name"), r->name);
        assert_json_str(GET(GET(rule, "shortDescription"), "text"), r->summary);
        assert_json_str(GET(GET(rule, "fullDescription"), "text"), r->summary);
        char uri[256];
        snprintf(uri, sizeof uri, "%s%s.md", ED_DOCS_URL, ids[k]);
        assert_json_str(GET(rule, "helpUri"), uri);
        assert_json_str(GET(GET(rule, "defaultConfiguration"), "level"), levels[k]);
        assert_json_str(GET(GET(rule, "help"), "markdown"), ed_rule_doc(r));
        json_t *res = AT(GET(run, "results"), k);
        assert_json_str(GET(res, "ruleId"), ids[k]);
        assert_json_int(GET(res, "ruleIndex"), (long long)k);
        assert_json_str(GET(res, "level"), levels[k]);
        assert_json_str(GET(GET(res, "message"), "text"), fx.findings[k].message);
        json_t *loc = GET(AT(GET(res, "locations"), 0), "physicalLocation");
        assert_json_str(GET(GET(loc, "artifactLocation"), "uri"), "dir/Dockerfile");
        assert_region(GET(loc, "region"), (int)fx.findings[k].begin.line,
                      (int)fx.findings[k].begin.column, (int)fx.findings[k].finish.line,
                      (int)fx.findings[k].finish.column);
        assert_true(k == 0 ? GET(res, "fixes") != NULL : GET(res, "fixes") == NULL);
    }
    assert_int_equal(json_array_size(GET(run, "results")), 3);
    json_t *fix = AT(GET(AT(GET(run, "results"), 0), "fixes"), 0);
    assert_json_str(GET(GET(fix, "description"), "text"), "add the CUDA 12.4 index");
    json_t *change = AT(GET(fix, "artifactChanges"), 0);
    assert_json_str(GET(GET(change, "artifactLocation"), "uri"), "dir/Dockerfile");
    json_t *rep = AT(GET(change, "replacements"), 0);
    assert_region(GET(rep, "deletedRegion"), 2, 17, 2, 22);
    assert_json_str(GET(GET(rep, "insertedContent"), "text"),
                    "torch --index-url https://download.pytorch.org/whl/cu124");
    json_decref(root);
    ed_arena_free(fx.arena);
}

/* A rule found twice is listed once; the fix region is in code points on a
 * line after a multi-byte character. */
static void test_sarif_rule_once_and_fix_columns(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_source src;
    const char *text = "FROM x\nRUN \xc3\xa9\xc3\xa9 pip install torch torch\n";
    ed_source_init(&src, a, "Dockerfile", text, strlen(text));
    const ed_rule *r = ed_rule_find("ED201");
    size_t t1 = offset_of(text, "torch"), t2 = t1 + 6;
    ed_fix fix = {.description = "d", .replacement = "torch==2.4", .start = t2, .end = t2 + 5};
    ed_finding f[2] = {{r, ED_SEV_ERROR, "m1", t1, t1 + 5, {0, 0}, {0, 0}, NULL, NULL, 0},
                       {r, ED_SEV_ERROR, "m2", t2, t2 + 5, {0, 0}, {0, 0}, &fix, NULL, 0}};
    ed_sort_findings(f, 2, &src);
    ed_file_result file = {"Dockerfile", ED_KIND_DOCKERFILE, &src, f, 2, NULL};
    json_t *root = render_json(REP_SARIF, &file, 1);
    json_t *run = AT(GET(root, "runs"), 0);
    assert_int_equal(json_array_size(GET(GET(GET(run, "tool"), "driver"), "rules")), 1);
    assert_json_int(GET(AT(GET(run, "results"), 1), "ruleIndex"), 0);
    json_t *rep = AT(GET(AT(GET(AT(GET(AT(GET(run, "results"), 1), "fixes"), 0), "artifactChanges"), 0),
                         "replacements"),
                     0);
    assert_region(GET(rep, "deletedRegion"), 2, 26, 2, 31);
    json_decref(root);
    ed_arena_free(a);
}

static void test_json_fields(void **state)
{
    fixture fx;
    fixture_make(&fx, "dir/Dockerfile", fixture_text, default_msg);
    json_t *root = render_json(REP_JSON, fx.files, 2);
    json_t *f0 = AT(GET(AT(GET(root, "files"), 0), "findings"), 0);
    assert_json_str(GET(f0, "message"), default_msg);
    assert_json_str(GET(GET(f0, "fix"), "replacement"), fx.fix.replacement);
    assert_int_equal(json_array_size(GET(AT(GET(root, "files"), 1), "findings")), 0);
    assert_json_int(GET(GET(root, "summary"), "info"), 1);
    json_decref(root);
    root = render_json(REP_CODECLIMATE, fx.files, 2);
    assert_int_equal(json_array_size(root), 3);
    const char *sev[] = {"critical", "major", "info"};
    for (size_t k = 0; k < 3; k++) {
        json_t *issue = AT(root, k);
        assert_json_str(GET(issue, "severity"), sev[k]);
        assert_json_str(GET(issue, "check_name"), fx.findings[k].rule->id);
        assert_json_str(GET(GET(issue, "location"), "path"), "dir/Dockerfile");
        assert_json_int(GET(GET(GET(issue, "location"), "lines"), "begin"), fx.findings[k].begin.line);
        assert_int_equal(strlen(json_string_value(GET(issue, "fingerprint"))), 16);
    }
    json_decref(root);
    ed_arena_free(fx.arena);
}

/* A minimal XML well-formedness check: balanced tags, quoted attributes
 * without < or the quote, only known entity and character references, no
 * control characters but \n in text, valid UTF-8. */
static void assert_xml_well_formed(const char *xml)
{
    ed_arena *a = ed_arena_new();
    assert_true(ed_utf8_sanitize(a, xml) == xml);
    ed_arena_free(a);
    const char *stack[64];
    size_t depth = 0;
    const char *p = xml;
    if (strncmp(p, "<?xml", 5) == 0)
        p = strstr(p, "?>") + 2;
    bool root_seen = false;
    while (*p) {
        if ((unsigned char)*p < 0x20 && *p != '\n')
            fail_msg("control character in XML at %zu", (size_t)(p - xml));
        if (*p == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            bool ok = false;
            for (int k = 0; k < 5; k++)
                ok |= strncmp(p, ents[k], strlen(ents[k])) == 0;
            if (p[1] == '#') {
                const char *q = p + 2;
                while (*q >= '0' && *q <= '9')
                    q++;
                ok = q > p + 2 && *q == ';';
            }
            if (!ok)
                fail_msg("bad reference at %.20s", p);
            p++;
            continue;
        }
        if (*p == '>')
            fail_msg("stray > at %zu", (size_t)(p - xml));
        if (*p != '<') {
            if (depth == 0 && *p != '\n' && *p != ' ')
                fail_msg("text outside the root element: %.20s", p);
            p++;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t nlen = strcspn(name, " />");
        assert_true(nlen > 0);
        const char *q = name + nlen;
        while (*q && *q != '>' && *q != '/') {
            /* attribute: space name="value" */
            assert_true(*q == ' ');
            q++;
            q += strcspn(q, "=");
            assert_true(q[0] == '=' && q[1] == '"');
            q += 2;
            for (; *q != '"'; q++) {
                assert_true(*q && *q != '<' && (unsigned char)*q >= 0x20);
                if (*q == '&')
                    assert_true(strncmp(q, "&amp;", 5) == 0 || strncmp(q, "&lt;", 4) == 0 ||
                                strncmp(q, "&gt;", 4) == 0 || strncmp(q, "&quot;", 6) == 0 ||
                                strncmp(q, "&apos;", 6) == 0 || q[1] == '#');
            }
            q++;
        }
        bool empty = *q == '/';
        if (closing) {
            assert_true(depth > 0);
            depth--;
            assert_true(strncmp(stack[depth], name, nlen) == 0 && strcspn(stack[depth], " />") == nlen);
        } else if (!empty) {
            if (depth == 0) {
                assert_false(root_seen);
                root_seen = true;
            }
            assert_true(depth < 64);
            stack[depth++] = name;
        }
        q += empty;
        assert_true(*q == '>');
        p = q + 1;
    }
    assert_int_equal(depth, 0);
    assert_true(root_seen);
}

/* Hostile text: quotes, <, &, CR/LF, a control character, non-ASCII and
 * invalid UTF-8 in both the path and the message. */
static const char nasty_path[] = "a,b:c%d <&>\"'\xc3\xa9\xff\n.Dockerfile";
static const char nasty_msg[] = "say \"hi\" <b> & 'x'\r\n50% \x01 \xc3\xa9 \xff\xfe done";

static void test_escaping(void **state)
{
    fixture fx;
    fixture_make(&fx, nasty_path, fixture_text, nasty_msg);
    for (int f = 0; rep_format_names[f]; f++) {
        char *out = render((rep_format)f, fx.files, 2);
        if (f == REP_JSON || f == REP_SARIF || f == REP_CODECLIMATE) {
            json_t *root = render_json((rep_format)f, fx.files, 2);
            const char *msg = f == REP_JSON ? json_string_value(GET(AT(GET(AT(GET(root, "files"), 0), "findings"), 0), "message"))
                              : f == REP_SARIF
                                  ? json_string_value(GET(GET(AT(GET(AT(GET(root, "runs"), 0), "results"), 0), "message"), "text"))
                                  : json_string_value(GET(AT(root, 0), "description"));
            assert_non_null(msg);
            assert_non_null(strstr(msg, "say \"hi\" <b> & 'x'\r\n50% \x01 \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd done"));
            json_decref(root);
        } else if (f == REP_CHECKSTYLE || f == REP_JUNIT) {
            assert_xml_well_formed(out);
            assert_non_null(strstr(out, "message=\"say &quot;hi&quot; &lt;b&gt; &amp; &apos;x&apos;&#13;&#10;50% "
                                        "\xef\xbf\xbd \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd done\""));
            assert_non_null(strstr(out, "name=\"a,b:c%d &lt;&amp;&gt;&quot;&apos;\xc3\xa9\xef\xbf\xbd&#10;.Dockerfile\""));
        }
        free(out);
    }
    char *out = render(REP_GITHUB, fx.files, 1);
    const char *first_line_end = strchr(out, '\n');
    assert_string_equal(
        ed_arena_strndup(fx.arena, out, (size_t)(first_line_end - out)),
        "::error file=a%2Cb%3Ac%25d <&>\"'\xc3\xa9\xef\xbf\xbd%0A.Dockerfile,line=2,col=17,endLine=2,"
        "endColumn=22,title=ED201 torch-missing-index-url::say \"hi\" <b> & 'x'%0D%0A50%25 \x01 "
        "\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd done");
    free(out);
    out = render(REP_GNU, fx.files, 1);
    assert_non_null(strstr(out, "a,b:c%d <&>\"'\xc3\xa9\xef\xbf\xbd .Dockerfile:2.17-2.22: error: say \"hi\" "
                                "<b> & 'x'  50%   \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd done [ED201]\n"));
    free(out);
    /* SARIF: the path as a URI reference */
    json_t *root = render_json(REP_SARIF, fx.files, 1);
    assert_json_str(GET(GET(GET(AT(GET(AT(GET(AT(GET(root, "runs"), 0), "results"), 0), "locations"), 0),
                                "physicalLocation"),
                            "artifactLocation"),
                        "uri"),
                    "a,b%3Ac%25d%20%3C&%3E%22'%C3%A9%FF%0A.Dockerfile");
    json_decref(root);
    ed_arena_free(fx.arena);
}

/* No file, and clean files only: every format is still valid. */
static void test_empty(void **state)
{
    fixture fx;
    fixture_make(&fx, "dir/Dockerfile", fixture_text, default_msg);
    for (size_t n = 0; n < 2; n++) {
        const ed_file_result *files = n ? &fx.files[1] : NULL;
        for (int f = 0; rep_format_names[f]; f++) {
            char *out = render((rep_format)f, files, n);
            switch ((rep_format)f) {
            case REP_TEXT:
            case REP_GITHUB:
            case REP_GNU: assert_string_equal(out, ""); break;
            case REP_CHECKSTYLE:
            case REP_JUNIT: assert_xml_well_formed(out); break;
            case REP_JSON:
            case REP_SARIF:
            case REP_CODECLIMATE: json_decref(render_json((rep_format)f, files, n)); break;
            }
            free(out);
        }
    }
    char *out = render(REP_CODECLIMATE, NULL, 0);
    assert_string_equal(out, "[]\n");
    free(out);
    json_t *root = render_json(REP_SARIF, &fx.files[1], 1);
    json_t *run = AT(GET(root, "runs"), 0);
    assert_int_equal(json_array_size(GET(run, "results")), 0);
    assert_int_equal(json_array_size(GET(GET(GET(run, "tool"), "driver"), "rules")), 0);
    json_decref(root);
    out = render(REP_JUNIT, &fx.files[1], 1);
    assert_string_equal(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<testsuites name=\"env-doctor\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
                             "  <testsuite name=\"clean.Dockerfile\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
                             "    <testcase name=\"env-doctor\" classname=\"clean.Dockerfile\"/>\n"
                             "  </testsuite>\n"
                             "</testsuites>\n");
    free(out);
    ed_arena_free(fx.arena);
}

/* Fingerprints do not change when lines are added above, and differ for
 * the same rule on the same text twice (occurrence index). */
static void test_fingerprint_stable(void **state)
{
    fixture a, b;
    fixture_make(&a, "dir/Dockerfile", fixture_text, default_msg);
    char *shifted = malloc(sizeof fixture_text + 64);
    strcpy(shifted, "# syntax=docker/dockerfile:1\n\n");
    strcat(shifted, fixture_text);
    fixture_make(&b, "dir/Dockerfile", shifted, default_msg);
    for (size_t k = 0; k < 3; k++) {
        char fa[17], fb[17];
        rep_fingerprint(&a.files[0], k, fa);
        rep_fingerprint(&b.files[0], k, fb);
        assert_int_equal(b.findings[k].begin.line, a.findings[k].begin.line + 2);
        assert_string_equal(fa, fb);
        for (size_t j = 0; j < k; j++) {
            char fj[17];
            rep_fingerprint(&a.files[0], j, fj);
            assert_string_not_equal(fa, fj);
        }
    }
    /* another path, another fingerprint */
    fixture c;
    fixture_make(&c, "other/Dockerfile", fixture_text, default_msg);
    char fa[17], fc[17];
    rep_fingerprint(&a.files[0], 0, fa);
    rep_fingerprint(&c.files[0], 0, fc);
    assert_string_not_equal(fa, fc);
    /* the same finding on the same text twice */
    ed_arena *ar = ed_arena_new();
    ed_source src;
    const char *text = "FROM x\nRUN pip install torch\nRUN pip install torch\n";
    ed_source_init(&src, ar, "Dockerfile", text, strlen(text));
    const ed_rule *r = ed_rule_find("ED201");
    size_t t1 = offset_of(text, "torch"), t2 = offset_of(text + t1 + 1, "torch") + t1 + 1;
    ed_finding f[2] = {{r, ED_SEV_ERROR, "m", t1, t1 + 5, {0, 0}, {0, 0}, NULL, NULL, 0},
                       {r, ED_SEV_ERROR, "m", t2, t2 + 5, {0, 0}, {0, 0}, NULL, NULL, 0}};
    ed_sort_findings(f, 2, &src);
    ed_file_result file = {"Dockerfile", ED_KIND_DOCKERFILE, &src, f, 2, NULL};
    char f0[17], f1[17];
    rep_fingerprint(&file, 0, f0);
    rep_fingerprint(&file, 1, f1);
    assert_string_not_equal(f0, f1);
    ed_arena_free(ar);
    free(shifted);
    ed_arena_free(a.arena);
    ed_arena_free(b.arena);
    ed_arena_free(c.arena);
}

static void test_format_names(void **state)
{
    rep_format f;
    assert_true(rep_format_parse("sarif", &f));
    assert_int_equal(f, REP_SARIF);
    assert_true(rep_format_parse("codeclimate", &f));
    assert_int_equal(f, REP_CODECLIMATE);
    assert_false(rep_format_parse("SARIF", &f));
    assert_false(rep_format_parse("xml", &f));
    assert_false(rep_format_parse(NULL, &f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_text),
        cmocka_unit_test(test_golden_json),
        cmocka_unit_test(test_golden_sarif),
        cmocka_unit_test(test_golden_github),
        cmocka_unit_test(test_golden_gnu),
        cmocka_unit_test(test_golden_checkstyle),
        cmocka_unit_test(test_golden_junit),
        cmocka_unit_test(test_golden_codeclimate),
        cmocka_unit_test(test_codeclimate_paths_are_relative),
        cmocka_unit_test(test_sarif_fields),
        cmocka_unit_test(test_sarif_rule_once_and_fix_columns),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_fingerprint_stable),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests_name("report_formats", tests, NULL, NULL);
}
