/* The Compose GPU rules (ED401-ED411). Each test lints a Compose file
 * through the compose entry point (ed_lint_compose) and checks every
 * finding of one rule: position (line, column, end column), severity and
 * the whole message; fixes are applied to the text and the result compared.
 * The YAML forms that matter are covered per rule (anchors and merge keys,
 * flow and block style, list and map environment, interpolation with
 * defaults, gpus: all and list, extends). Tests named item_NN are the cases
 * of env-doctor-python.md section 4.2: the old tool's false positives and
 * negatives, each shown right here. */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envdoctor/buf.h"
#include "envdoctor/engine.h"
#include "rule_harness.h"

static ed_file_result *linked;
static size_t nlinked;

/* Lints text as the Compose file `path` with interpolation variables. */
static void lint_as(const char *path, const char *text, const char *const *vars, size_t nvars)
{
    /* text and path may live in the arena of the last lint */
    ed_arena *fresh = ed_arena_new();
    char *copy = ed_arena_strdup(fresh, text);
    path = ed_arena_strdup(fresh, path);
    if (arena)
        ed_arena_free(arena);
    arena = fresh;
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, path, copy, strlen(copy));
    ed_options options = {.compose_vars = vars, .ncompose_vars = nvars};
    ed_lint_compose(arena, src, &options, &result, &linked, &nlinked);
}

static void lint(const char *text)
{
    lint_as("<stdin>", text, NULL, 0);
}

static void check(const char *text, const char *rule, const expect *want, size_t n)
{
    lint(text);
    expect_findings(rule, want, n);
}

static void silent(const char *text, const char *rule)
{
    check(text, rule, NULL, 0);
}

/* No finding of any rule. */
static void clean(const char *text)
{
    lint(text);
    if (result.nfindings) {
        show();
        fail_msg("%zu findings, want none", result.nfindings);
    }
}

/* The k-th finding's fix applied to `text` gives `fixed`. */
static void expect_fix(const char *rule, size_t k, const char *text, const char *fixed)
{
    const ed_finding *f = finding(rule, k);
    assert_non_null(f);
    assert_non_null(f->fix);
    assert_true(f->fix->start <= f->fix->end && f->fix->end <= strlen(text));
    char *out = ed_arena_printf(arena, "%.*s%s%s", (int)f->fix->start, text, f->fix->replacement,
                                text + f->fix->end);
    assert_string_equal(out, fixed);
}

static void expect_fix_description(const char *rule, size_t k, const char *description)
{
    const ed_finding *f = finding(rule, k);
    assert_non_null(f);
    assert_non_null(f->fix);
    assert_string_equal(f->fix->description, description);
}

static void expect_no_fix(const char *rule, size_t k)
{
    const ed_finding *f = finding(rule, k);
    assert_non_null(f);
    assert_null(f->fix);
}

#define CUDA_IMAGE "nvidia/cuda:12.4.1-runtime-ubuntu22.04"
#define SVC "services:\n  train:\n    image: " CUDA_IMAGE "\n"
#define RESERVE "    deploy:\n      resources:\n        reservations:\n          devices:\n"

/* ---- ED401 deprecated-runtime-nvidia ---- */

#define ED401_MSG(who, note)                                                                   \
    who ": runtime: nvidia is the legacy way to get a GPU: it works only on a Docker daemon "   \
        "whose daemon.json registers the nvidia runtime (elsewhere it fails with \"Unknown "   \
        "runtime specified nvidia\"); request the GPU with deploy.resources.reservations.devices " \
        "or gpus:, which need only the NVIDIA container toolkit" note

/* §4.2 item 5: runtime: nvidia with NVIDIA_* variables is a working setup:
 * one warning, no error anywhere, and the fix writes the reservation block
 * at the service's indentation. */
static void test_item_05_runtime_nvidia_with_env_is_one_warning(void **state)
{
    const char *text = SVC "    runtime: nvidia\n"
                           "    environment:\n"
                           "      - NVIDIA_VISIBLE_DEVICES=all\n"
                           "      - NVIDIA_DRIVER_CAPABILITIES=compute,video,utility\n";
    lint(text);
    assert_int_equal(result.nfindings, 1);
    expect findings[] = {{4, 14, 20, ED_SEV_WARNING,
                          ED401_MSG("service train", "; NVIDIA_DRIVER_CAPABILITIES=compute,video,"
                                                     "utility keeps working with a device request")}};
    expect_findings("ED401", findings, 1);
    const char *fixed = SVC "    deploy:\n"
                            "      resources:\n"
                            "        reservations:\n"
                            "          devices:\n"
                            "            - driver: nvidia\n"
                            "              count: all\n"
                            "              capabilities: [gpu]\n"
                            "    environment:\n"
                            "      - NVIDIA_VISIBLE_DEVICES=all\n"
                            "      - NVIDIA_DRIVER_CAPABILITIES=compute,video,utility\n";
    expect_fix("ED401", 0, text, fixed);
    expect_fix_description(
        "ED401", 0,
        "Replace runtime: nvidia with a deploy.resources.reservations.devices request (count: all)");
    /* the fixed file is clean of every rule */
    clean(fixed);
}

static void test_ed401_interpolated_runtime(void **state)
{
    const char *text = SVC "    runtime: ${RUNTIME:-nvidia}\n";
    expect want[] = {{4, 14, 32, ED_SEV_WARNING, ED401_MSG("service train", "")}};
    check(text, "ED401", want, 1);
    /* the fix replaces the whole pair, variable included */
    expect_fix("ED401", 0, text,
               SVC RESERVE "            - driver: nvidia\n"
                           "              count: all\n"
                           "              capabilities: [gpu]\n");
    /* a value from the .env wins over the default; an unknown one is never guessed */
    const char *vars[] = {"RUNTIME=runc"};
    lint_as("<stdin>", text, vars, 1);
    expect_findings("ED401", NULL, 0);
    silent(SVC "    runtime: ${RUNTIME}\n", "ED401");
    silent(SVC "    runtime: runc\n", "ED401");
    silent(SVC "    runtime: Nvidia\n", "ED401"); /* not a runtime Docker knows by that name */
}

static void test_ed401_fix_selects_the_devices_the_variable_names(void **state)
{
    const char *text = SVC "    runtime: nvidia\n    environment:\n"
                           "      NVIDIA_VISIBLE_DEVICES: \"0, 1\"\n";
    lint(text);
    expect_fix("ED401", 0, text,
               SVC RESERVE "            - driver: nvidia\n"
                           "              device_ids: [\"0\", \"1\"]\n"
                           "              capabilities: [gpu]\n"
                           "    environment:\n      NVIDIA_VISIBLE_DEVICES: \"0, 1\"\n");
    expect_fix_description("ED401", 0,
                           "Replace runtime: nvidia with a deploy.resources.reservations.devices "
                           "request (device_ids: [\"0\", \"1\"])");
    /* void/none/empty have no equivalent request; a CDI name neither */
    lint(SVC "    runtime: nvidia\n    environment:\n      NVIDIA_VISIBLE_DEVICES: void\n");
    expect_no_fix("ED401", 0);
    lint(SVC "    runtime: nvidia\n    environment:\n"
             "      - NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all\n");
    expect_no_fix("ED401", 0);
    lint(SVC "    runtime: nvidia\n    environment:\n      - NVIDIA_VISIBLE_DEVICES\n");
    expect_no_fix("ED401", 0);
}

static void test_ed401_fix_keeps_four_space_indentation(void **state)
{
    const char *text = "services:\n"
                       "    train:\n"
                       "        image: " CUDA_IMAGE "\n"
                       "        runtime: nvidia   # legacy\n";
    lint(text);
    expect_fix("ED401", 0, text,
               "services:\n"
               "    train:\n"
               "        image: " CUDA_IMAGE "\n"
               "        deploy:\n"
               "            resources:\n"
               "                reservations:\n"
               "                    devices:\n"
               "                        - driver: nvidia\n"
               "                          count: all\n"
               "                          capabilities: [gpu]   # legacy\n");
}

static void test_ed401_fix_with_deploy_writes_gpus(void **state)
{
    const char *text = SVC "    runtime: nvidia\n"
                           "    deploy:\n      resources:\n        limits:\n          memory: 8g\n";
    lint(text);
    expect_fix("ED401", 0, text,
               SVC "    gpus: all\n"
                   "    deploy:\n      resources:\n        limits:\n          memory: 8g\n");
    expect_fix_description("ED401", 0, "Replace runtime: nvidia with gpus: all (Compose 2.30 or "
                                       "later)");
    const char *ids = SVC "    runtime: nvidia\n"
                          "    environment: [NVIDIA_VISIBLE_DEVICES=2]\n"
                          "    deploy: {resources: {limits: {memory: 8g}}}\n";
    lint(ids);
    expect_fix("ED401", 0, ids,
               SVC "    gpus:\n"
                   "      - device_ids: [\"2\"]\n"
                   "    environment: [NVIDIA_VISIBLE_DEVICES=2]\n"
                   "    deploy: {resources: {limits: {memory: 8g}}}\n");
}

/* Some setups keep runtime: nvidia next to the reservation (cresset#216):
 * the fix removes the legacy line. */
static void test_ed401_with_reservation_fix_removes_the_line(void **state)
{
    const char *text = SVC "    runtime: nvidia\n" RESERVE "            - driver: nvidia\n"
                           "              count: all\n"
                           "              capabilities: [gpu]\n";
    lint(text);
    assert_int_equal(result.nfindings, 1);
    expect_fix("ED401", 0, text,
               SVC RESERVE "            - driver: nvidia\n"
                           "              count: all\n"
                           "              capabilities: [gpu]\n");
    expect_fix_description("ED401", 0,
                           "Remove runtime: nvidia (service train already requests its GPU with "
                           "deploy.resources.reservations.devices)");
}

static void test_ed401_flow_style_service(void **state)
{
    const char *text = "services:\n  train: {image: " CUDA_IMAGE ", runtime: nvidia}\n";
    expect want[] = {{2, 67, 73, ED_SEV_WARNING, ED401_MSG("service train", "")}};
    check(text, "ED401", want, 1);
    expect_fix("ED401", 0, text, "services:\n  train: {image: " CUDA_IMAGE ", gpus: all}\n");
}

/* extends brings the runtime along: one finding at the base's value. */
static void test_ed401_through_extends(void **state)
{
    const char *text = "services:\n"
                       "  base:\n"
                       "    image: " CUDA_IMAGE "\n"
                       "    runtime: nvidia\n"
                       "  train:\n"
                       "    extends: base\n";
    expect want[] = {{4, 14, 20, ED_SEV_WARNING, ED401_MSG("services base and train", "")}};
    check(text, "ED401", want, 1);
    /* the fix is for base, whose own pair it is */
    expect_fix("ED401", 0, text,
               "services:\n"
               "  base:\n"
               "    image: " CUDA_IMAGE "\n"
               "    deploy:\n"
               "      resources:\n"
               "        reservations:\n"
               "          devices:\n"
               "            - driver: nvidia\n"
               "              count: all\n"
               "              capabilities: [gpu]\n"
               "  train:\n"
               "    extends: base\n");
    /* the service that extends comes first: the fix is still base's */
    const char *first = "services:\n"
                        "  train:\n"
                        "    extends: base\n"
                        "    deploy: {resources: {limits: {memory: 1g}}}\n"
                        "  base:\n"
                        "    image: " CUDA_IMAGE "\n"
                        "    runtime: nvidia\n";
    expect want2[] = {{7, 14, 20, ED_SEV_WARNING, ED401_MSG("services train and base", "")}};
    check(first, "ED401", want2, 1);
    expect_fix_description(
        "ED401", 0,
        "Replace runtime: nvidia with a deploy.resources.reservations.devices request (count: all)");
}

/* A runtime written once in an anchor and merged into two services is one
 * finding at the anchor, naming both; a merged key has no fix. */
static void test_ed401_anchor_and_merge_key(void **state)
{
    const char *text = "x-gpu: &gpu\n"
                       "  runtime: nvidia\n"
                       "services:\n"
                       "  train:\n"
                       "    <<: *gpu\n"
                       "    image: " CUDA_IMAGE "\n"
                       "  infer:\n"
                       "    <<: *gpu\n"
                       "    image: " CUDA_IMAGE "\n";
    expect want[] = {{2, 12, 18, ED_SEV_WARNING, ED401_MSG("services train and infer", "")}};
    check(text, "ED401", want, 1);
    expect_no_fix("ED401", 0);
}

/* ---- ED402 gpu-reservation-missing-capabilities ---- */

#define ED402_MISSING(who)                                                                    \
    who ": the device reservation has no capabilities, which Compose requires "               \
        "(\"capabilities\" attribute is mandatory): add capabilities: [gpu]"

static void test_ed402_missing_capabilities_and_fix(void **state)
{
    const char *text = SVC RESERVE "            - driver: nvidia\n"
                                   "              count: 1\n";
    expect want[] = {{8, 15, 21, ED_SEV_ERROR, ED402_MISSING("service train")}};
    check(text, "ED402", want, 1);
    const char *fixed = SVC RESERVE "            - capabilities: [gpu]\n"
                                    "              driver: nvidia\n"
                                    "              count: 1\n";
    expect_fix("ED402", 0, text, fixed);
    expect_fix_description("ED402", 0, "Add capabilities: [gpu]");
    clean(fixed);
    /* flow style: the key goes after the brace */
    const char *flow = SVC RESERVE "            - {driver: nvidia, count: 1}\n";
    expect fwant[] = {{8, 15, 41, ED_SEV_ERROR, ED402_MISSING("service train")}};
    check(flow, "ED402", fwant, 1);
    expect_fix("ED402", 0, flow,
               SVC RESERVE "            - {capabilities: [gpu], driver: nvidia, count: 1}\n");
    /* another vendor's driver: no [gpu] fix */
    lint(SVC RESERVE "            - driver: amd\n              count: 1\n");
    expect_no_fix("ED402", 0);
}

/* §4.2 item 9: `capabilities: gpu` is a string, which Compose rejects; the
 * old tool's substring test passed it. */
static void test_item_09_capabilities_string(void **state)
{
    const char *text = SVC RESERVE "            - driver: nvidia\n"
                                   "              count: 1\n"
                                   "              capabilities: gpu\n";
    expect want[] = {{10, 29, 32, ED_SEV_ERROR,
                      "service train: capabilities must be a list such as [gpu], not a string "
                      "(gpu): Compose rejects the file"}};
    check(text, "ED402", want, 1);
    expect_fix("ED402", 0, text,
               SVC RESERVE "            - driver: nvidia\n"
                           "              count: 1\n"
                           "              capabilities: [gpu]\n");
    expect_fix_description("ED402", 0, "Write capabilities: [gpu]");
    /* a map, an empty value, a nested list, an empty list */
    expect map[] = {{10, 29, 37, ED_SEV_ERROR,
                     "service train: capabilities must be a list such as [gpu], not a map: "
                     "Compose rejects the file"}};
    check(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                      "              capabilities: {gpu: 1}\n",
          "ED402", map, 1);
    expect_no_fix("ED402", 0);
    expect empty[] = {{10, 15, 27, ED_SEV_ERROR,
                       "service train: capabilities is empty; it must be a list of capabilities "
                       "such as [gpu]"}};
    check(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                      "              capabilities:\n",
          "ED402", empty, 1);
    expect nested[] = {{10, 30, 35, ED_SEV_ERROR,
                        "service train: capabilities must be a flat list of strings such as "
                        "[gpu], not one holding a list"}};
    check(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                      "              capabilities: [[gpu]]\n",
          "ED402", nested, 1);
    expect none[] = {{10, 29, 31, ED_SEV_ERROR,
                      "service train: capabilities is an empty list, so the request does not say "
                      "which devices it is for: list gpu (capabilities: [gpu])"}};
    check(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                      "              capabilities: []\n",
          "ED402", none, 1);
}

static void test_ed402_capabilities_without_gpu(void **state)
{
    expect tpu[] = {{10, 29, 34, ED_SEV_ERROR,
                     "service train: capabilities [tpu] has no gpu: Docker's nvidia driver does "
                     "not advertise it (\"could not select device driver\"), so the service gets "
                     "no GPU; add gpu"}};
    check(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                      "              capabilities: [tpu]\n",
          "ED402", tpu, 1);
    expect upper[] = {{9, 29, 34, ED_SEV_ERROR,
                       "service train: capabilities [GPU]: Docker matches capabilities "
                       "case-sensitively, so no device driver answers to it; write gpu in lower "
                       "case"}};
    /* the old tool accepted GPU; no driver: still an NVIDIA request */
    check(SVC RESERVE "            - count: 1\n              capabilities: [GPU]\n", "ED402",
          upper, 1);
    expect compute[] = {{10, 29, 47, ED_SEV_WARNING,
                         "service train: capabilities [compute, utility] has no gpu: recent "
                         "Docker Engines match the nvidia driver by its capability names too, "
                         "older ones only by gpu (\"could not select device driver\"); add gpu "
                         "and keep the others, which set NVIDIA_DRIVER_CAPABILITIES"}};
    check(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                      "              capabilities: [compute, utility]\n",
          "ED402", compute, 1);
    /* another vendor's request is not judged for gpu; nvidia-* and nvidia count */
    silent(SVC RESERVE "            - count: 1\n              capabilities: [tpu]\n", "ED402");
    silent(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                       "              capabilities: [nvidia-compute]\n",
           "ED402");
    silent(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                       "              capabilities: [nvidia]\n",
           "ED402");
    /* interpolated items: a default counts, an unknown value is not judged */
    silent(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                       "              capabilities: [\"${CAP:-gpu}\"]\n",
           "ED402");
    silent(SVC RESERVE "            - driver: nvidia\n              count: 1\n"
                       "              capabilities: [\"${CAP}\"]\n",
           "ED402");
    silent(SVC RESERVE "            - driver: ${DRIVER}\n              count: 1\n"
                       "              capabilities: [tpu]\n",
           "ED402");
}

/* §4.2 item 2: no driver is fine (the Engine picks it from the
 * capabilities); item 1: gpus: entries imply the gpu capability. */
static void test_item_02_missing_driver_is_fine(void **state)
{
    clean(SVC RESERVE "            - capabilities: [gpu]\n              count: all\n");
    clean(SVC "    gpus:\n      - count: 1\n");
    /* Docker's CDI driver with NVIDIA CDI names is a GPU request too */
    clean(SVC RESERVE "            - driver: cdi\n"
                      "              device_ids: [nvidia.com/gpu=all]\n"
                      "              capabilities: [gpu]\n");
    /* NVIDIA driver capabilities without gpu and without a driver: the
     * capability warning, and no "requests no GPU" on top */
    lint(SVC RESERVE "            - count: 1\n              capabilities: [compute, utility]\n");
    assert_int_equal(result.nfindings, 1);
    assert_int_equal(count("ED402"), 1);
    assert_int_equal(result.findings[0].severity, ED_SEV_WARNING);
}

static void test_ed402_shared_anchor_is_one_finding(void **state)
{
    const char *text = "x-gpu: &gpu\n"
                       "  driver: nvidia\n"
                       "  count: all\n"
                       "services:\n"
                       "  train:\n"
                       "    image: " CUDA_IMAGE "\n"
                       "    deploy:\n      resources:\n        reservations:\n"
                       "          devices: [*gpu]\n"
                       "  infer:\n"
                       "    image: " CUDA_IMAGE "\n"
                       "    deploy:\n      resources:\n        reservations:\n"
                       "          devices:\n"
                       "            - *gpu\n";
    expect want[] = {{2, 3, 9, ED_SEV_ERROR, ED402_MISSING("services train and infer")}};
    check(text, "ED402", want, 1);
    /* the fix goes to the anchor, which serves both */
    expect_fix("ED402", 0, text,
               "x-gpu: &gpu\n"
               "  capabilities: [gpu]\n"
               "  driver: nvidia\n"
               "  count: all\n"
               "services:\n"
               "  train:\n"
               "    image: " CUDA_IMAGE "\n"
               "    deploy:\n      resources:\n        reservations:\n"
               "          devices: [*gpu]\n"
               "  infer:\n"
               "    image: " CUDA_IMAGE "\n"
               "    deploy:\n      resources:\n        reservations:\n"
               "          devices:\n"
               "            - *gpu\n");
}

/* ---- ED403 gpu-count-and-device-ids ---- */

#define ED403_MSG(who, both)                                                                  \
    who ": the device request sets both " both ", which exclude each other: Compose rejects "  \
        "it (the Engine: \"cannot set both Count and DeviceIDs on device request\"); keep "     \
        "device_ids to pin GPUs, or count to take any N of them"

/* §4.2 item 3: the old tool passed count with device_ids. */
static void test_item_03_count_and_device_ids(void **state)
{
    expect want[] = {{10, 15, 25, ED_SEV_ERROR,
                      ED403_MSG("service train", "count: all and device_ids: [\"0\", \"1\"]")}};
    check(SVC RESERVE "            - driver: nvidia\n"
                      "              count: all\n"
                      "              device_ids: [\"0\", \"1\"]\n"
                      "              capabilities: [gpu]\n",
          "ED403", want, 1);
    /* in a gpus: entry, flow style, device_ids first: the later key */
    expect gpus[] = {{4, 32, 37, ED_SEV_ERROR,
                      ED403_MSG("service train", "count: 2 and device_ids: [\"0\"]")}};
    check(SVC "    gpus: [{device_ids: [\"0\"], count: 2}]\n", "ED403", gpus, 1);
    /* the interpolated count is shown */
    expect interp[] = {{6, 9, 19, ED_SEV_ERROR,
                        ED403_MSG("service train", "count: 1 and device_ids: [\"3\"]")}};
    check(SVC "    gpus:\n      - count: ${N:-1}\n        device_ids: [\"3\"]\n", "ED403", interp,
          1);
    /* one in each of two entries is fine */
    silent(SVC RESERVE "            - capabilities: [gpu]\n              count: 1\n"
                       "            - capabilities: [gpu]\n              device_ids: [\"1\"]\n",
           "ED403");
}

static void test_ed403_count_merged_from_anchor(void **state)
{
    const char *text = "x-dev: &dev\n"
                       "  driver: nvidia\n"
                       "  count: all\n"
                       "  capabilities: [gpu]\n"
                       "services:\n"
                       "  train:\n"
                       "    image: " CUDA_IMAGE "\n"
                       "    deploy:\n      resources:\n        reservations:\n"
                       "          devices:\n"
                       "            - <<: *dev\n"
                       "              device_ids: [\"0\"]\n";
    /* the key written in the entry is the one pointed at */
    expect want[] = {{13, 15, 25, ED_SEV_ERROR,
                      ED403_MSG("service train", "count: all and device_ids: [\"0\"]")}};
    check(text, "ED403", want, 1);
}

/* ---- ED404 gpu-reservation-selects-no-device ---- */

#define ED404_MSG(who, what)                                                                  \
    who ": the " what " sets neither count nor device_ids: since Docker Engine 27.3 such a "   \
        "request gets NVIDIA_VISIBLE_DEVICES=void and the container sees no GPU (the Compose "  \
        "docs still say it means all GPUs); add count: all, count: N or device_ids"

static void test_ed404_reservation_and_fix(void **state)
{
    const char *text = SVC RESERVE "            - driver: nvidia\n"
                                   "              capabilities: [gpu]\n";
    expect want[] = {
        {8, 15, 21, ED_SEV_WARNING, ED404_MSG("service train", "device reservation")}};
    check(text, "ED404", want, 1);
    const char *fixed = SVC RESERVE "            - count: all\n"
                                    "              driver: nvidia\n"
                                    "              capabilities: [gpu]\n";
    expect_fix("ED404", 0, text, fixed);
    expect_fix_description("ED404", 0, "Add count: all");
    clean(fixed);
}

static void test_ed404_gpus_entry_and_flow_style(void **state)
{
    const char *text = SVC "    gpus:\n      - driver: nvidia\n";
    expect want[] = {{5, 9, 15, ED_SEV_WARNING, ED404_MSG("service train", "gpus: entry")}};
    check(text, "ED404", want, 1);
    expect_fix("ED404", 0, text, SVC "    gpus:\n      - count: all\n        driver: nvidia\n");
    const char *flow = SVC RESERVE "            - {capabilities: [gpu]}\n";
    expect fwant[] = {
        {8, 15, 36, ED_SEV_WARNING, ED404_MSG("service train", "device reservation")}};
    check(flow, "ED404", fwant, 1);
    expect_fix("ED404", 0, flow, SVC RESERVE "            - {count: all, capabilities: [gpu]}\n");
    const char *empty = SVC "    gpus: [{}]\n";
    lint(empty);
    expect_fix("ED404", 0, empty, SVC "    gpus: [{count: all}]\n");
}

static void test_ed404_silent(void **state)
{
    silent(SVC "    gpus: all\n", "ED404");
    silent(SVC "    gpus: ${GPUS}\n", "ED404");
    silent(SVC "    gpus:\n      - count: ${N}\n", "ED404");
    silent(SVC RESERVE "            - capabilities: [gpu]\n              device_ids: [\"0\"]\n",
           "ED404");
    /* another vendor's device */
    silent(SVC RESERVE "            - driver: amd\n              capabilities: [gpu]\n", "ED404");
    silent(SVC RESERVE "            - capabilities: [tpu]\n", "ED404");
    /* under limits: ED407's business */
    silent(SVC "    deploy:\n      resources:\n        limits:\n          devices:\n"
               "            - capabilities: [gpu]\n",
           "ED404");
}

static void test_ed404_alias_entry_in_two_services(void **state)
{
    const char *text = "x-gpu: &gpu {driver: nvidia, capabilities: [gpu]}\n"
                       "services:\n"
                       "  a:\n"
                       "    image: " CUDA_IMAGE "\n"
                       "    gpus: [*gpu]\n"
                       "  b:\n"
                       "    image: " CUDA_IMAGE "\n"
                       "    gpus: [*gpu]\n";
    expect want[] = {{1, 13, 50, ED_SEV_WARNING, ED404_MSG("services a and b", "gpus: entry")}};
    check(text, "ED404", want, 1);
    expect_fix("ED404", 0, text,
               "x-gpu: &gpu {count: all, driver: nvidia, capabilities: [gpu]}\n"
               "services:\n"
               "  a:\n"
               "    image: " CUDA_IMAGE "\n"
               "    gpus: [*gpu]\n"
               "  b:\n"
               "    image: " CUDA_IMAGE "\n"
               "    gpus: [*gpu]\n");
}

/* ---- ED405 gpu-service-without-gpu-request ---- */

#define ED405_HINT                                                                            \
    "add a device reservation (deploy.resources.reservations.devices: - driver: nvidia, "      \
    "count: all, capabilities: [gpu]) or gpus: all"
#define ED405_IMAGE(svc, image, kind)                                                         \
    "service " svc " runs " image ", " kind ", but requests no GPU, so it starts without one " \
    "and CUDA finds no device: " ED405_HINT
#define ED405_IMAGES(svcs, image, kind)                                                       \
    "services " svcs " run " image ", " kind ", but request no GPU, so they start without one " \
    "and CUDA finds no device: " ED405_HINT

static void test_ed405_gpu_image_without_request(void **state)
{
    expect want[] = {{3, 12, 50, ED_SEV_WARNING,
                      ED405_IMAGE("train", CUDA_IMAGE, "a CUDA 12.4.1 image")}};
    check(SVC "    command: python train.py\n", "ED405", want, 1);
    /* interpolated with a default; an unknown image is never guessed */
    expect interp[] = {{3, 12, 59, ED_SEV_WARNING,
                        ED405_IMAGE("train", CUDA_IMAGE, "a CUDA 12.4.1 image")}};
    check("services:\n  train:\n    image: nvidia/cuda:${CUDA:-12.4.1}-runtime-ubuntu22.04\n",
          "ED405", interp, 1);
    silent("services:\n  train:\n    image: ${IMAGE}\n", "ED405");
    /* another framework image */
    lint("services:\n  train:\n    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime\n");
    assert_int_equal(count("ED405"), 1);
}

/* §4.2 item 1: gpus: is a GPU request; the old tool did not know it. */
static void test_item_01_gpus_attribute(void **state)
{
    clean(SVC "    gpus: all\n");
    clean(SVC "    gpus:\n      - driver: nvidia\n        count: 1\n");
}

/* §4.2 item 4: substring matching called these GPU images; none is. One
 * file, no finding at all (and, item 11, nothing depends on the host). */
static void test_item_04_not_gpu_images(void **state)
{
    clean("services:\n"
          "  web:\n    image: nginx:mainline\n"
          "  api:\n    image: ghcr.io/acme/api:main\n"
          "  portainer:\n    image: portainer/portainer-ce\n"
          "  airflow:\n    image: apache/airflow\n"
          "  mail:\n    image: mailhog/mailhog\n"
          "  trainer:\n    image: ghcr.io/acme/trainer:1.0\n");
}

/* §4.2 item 6: what extends brings counts. */
static void test_item_06_extends_brings_the_reservation(void **state)
{
    /* base runs too: both share every GPU, which is information (ED411),
     * and nothing else */
    lint("services:\n"
          "  base:\n"
          "    image: " CUDA_IMAGE "\n"
          "    deploy:\n      resources:\n        reservations:\n          devices:\n"
          "            - driver: nvidia\n              count: all\n"
          "              capabilities: [gpu]\n"
          "  train:\n"
          "    extends: {service: base}\n"
          "    command: python train.py\n");
    assert_int_equal(result.nfindings, 1);
    assert_string_equal(result.findings[0].rule->id, "ED411");
    /* base itself has no request: one finding at the image both use */
    expect want[] = {{3, 12, 50, ED_SEV_WARNING,
                      ED405_IMAGES("base and train", CUDA_IMAGE, "a CUDA 12.4.1 image")}};
    check("services:\n"
          "  base:\n"
          "    image: " CUDA_IMAGE "\n"
          "  train:\n"
          "    extends: base\n"
          "    command: python train.py\n",
          "ED405", want, 1);
    /* the service that extends adds the request itself */
    expect base[] = {{3, 12, 50, ED_SEV_WARNING,
                      ED405_IMAGE("base", CUDA_IMAGE, "a CUDA 12.4.1 image")}};
    check("services:\n"
          "  base:\n"
          "    image: " CUDA_IMAGE "\n"
          "  train:\n"
          "    extends: base\n"
          "    gpus: all\n",
          "ED405", base, 1);
}

static void test_ed405_cdi_and_runtime_are_requests(void **state)
{
    silent(SVC "    devices:\n      - nvidia.com/gpu=all\n", "ED405");
    silent(SVC "    runtime: nvidia\n", "ED405");
    /* devices under limits show the intent: ED407 says where they belong */
    silent(SVC "    deploy:\n      resources:\n        limits:\n          devices:\n"
               "            - capabilities: [gpu]\n",
           "ED405");
}

/* ---- a project folder with Dockerfiles ---- */

static char project[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", project, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", project, name);
    unlink(path);
}

static int make_project(void **state)
{
    strcpy(project, "/tmp/ed-compose-XXXXXX");
    assert_non_null(mkdtemp(project));
    write_file("train.Dockerfile",
               "FROM python:3.12-slim AS web\n"
               "RUN pip install flask\n"
               "FROM " CUDA_IMAGE " AS train\n"
               "RUN pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124\n");
    write_file("cpu.Dockerfile", "FROM python:3.12-slim\nRUN pip install flask\n");
    write_file("Dockerfile", "FROM " CUDA_IMAGE "\nCMD [\"nvidia-smi\"]\n");
    return 0;
}

static int remove_project(void **state)
{
    remove_file("train.Dockerfile");
    remove_file("cpu.Dockerfile");
    remove_file("Dockerfile");
    rmdir(project);
    return teardown(state);
}

static void lint_project_file(const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/compose.yaml", project);
    lint_as(path, text, NULL, 0);
}

static void test_ed405_built_gpu_dockerfile(void **state)
{
    const char *text = "services:\n"
                       "  train:\n"
                       "    build:\n"
                       "      context: .\n"
                       "      dockerfile: train.Dockerfile\n"
                       "    image: acme/train:latest\n";
    lint_project_file(text);
    expect want[] = {{3, 5, 10, ED_SEV_WARNING,
                      "service train builds stage train of train.Dockerfile, which is meant for "
                      "an NVIDIA GPU (it is built on a CUDA image), but requests no GPU, so it "
                      "starts without one: " ED405_HINT}};
    expect_findings("ED405", want, 1);
    /* the Dockerfile was linted too, its findings reported against it */
    assert_int_equal(nlinked, 1);
    assert_non_null(strstr(linked[0].path, "train.Dockerfile"));

    /* a one-stage Dockerfile, build: as a string */
    lint_project_file("services:\n  solo:\n    build: .\n");
    expect solo[] = {{3, 5, 10, ED_SEV_WARNING,
                      "service solo builds Dockerfile, which is meant for an NVIDIA GPU (it is "
                      "built on a CUDA image), but requests no GPU, so it starts without one: "
                      ED405_HINT}};
    expect_findings("ED405", solo, 1);

    /* target: the CPU stage */
    lint_project_file("services:\n"
                      "  web:\n"
                      "    build: {context: ., dockerfile: train.Dockerfile, target: web}\n");
    expect_findings("ED405", NULL, 0);
    /* a GPU request: silent */
    lint_project_file("services:\n"
                      "  train:\n"
                      "    build: {context: ., dockerfile: train.Dockerfile}\n"
                      "    gpus: all\n");
    expect_findings("ED405", NULL, 0);
    /* a CPU Dockerfile tagged with a GPU-looking name is judged by what it builds */
    lint_project_file("services:\n"
                      "  api:\n"
                      "    build: {context: ., dockerfile: cpu.Dockerfile}\n"
                      "    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n");
    expect_findings("ED405", NULL, 0);
    /* a Dockerfile that is not there is not guessed about */
    lint_project_file("services:\n"
                      "  train:\n"
                      "    build: {context: ., dockerfile: missing.Dockerfile}\n");
    expect_findings("ED405", NULL, 0);
}

/* ---- ED406 nvidia-env-without-gpu-request ---- */

static const char *ed406(const char *who, const char *var, bool one)
{
    return ed_arena_printf(arena,
                           "%s: %s is set, but %s no GPU and %s no runtime: nvidia, so the NVIDIA "
                           "container toolkit, which reads it, does not run and it does nothing "
                           "(unless the daemon's default runtime is nvidia); request the GPU with "
                           "deploy.resources.reservations.devices or gpus:",
                           who, var, one ? "the service requests" : "they request",
                           one ? "has" : "have");
}

static void test_ed406_map_and_list_forms(void **state)
{
    lint("services:\n"
         "  api:\n"
         "    image: python:3.12-slim\n"
         "    environment:\n"
         "      NVIDIA_VISIBLE_DEVICES: all\n"
         "      NVIDIA_DRIVER_CAPABILITIES: compute,utility\n");
    expect want[] = {
        {5, 7, 29, ED_SEV_WARNING, ed406("service api", "NVIDIA_VISIBLE_DEVICES", true)},
        {6, 7, 33, ED_SEV_WARNING, ed406("service api", "NVIDIA_DRIVER_CAPABILITIES", true)}};
    expect_findings("ED406", want, 2);
    /* list form, plain and quoted: the name inside the item */
    lint("services:\n"
         "  api:\n"
         "    image: python:3.12-slim\n"
         "    environment:\n"
         "      - NVIDIA_VISIBLE_DEVICES=all\n"
         "      - \"NVIDIA_DRIVER_CAPABILITIES=compute\"\n");
    expect lwant[] = {
        {5, 9, 31, ED_SEV_WARNING, ed406("service api", "NVIDIA_VISIBLE_DEVICES", true)},
        {6, 10, 36, ED_SEV_WARNING, ed406("service api", "NVIDIA_DRIVER_CAPABILITIES", true)}};
    expect_findings("ED406", lwant, 2);
    /* flow list, a name taken from the shell */
    lint("services:\n  api:\n    image: python:3.12-slim\n"
         "    environment: [FOO=1, NVIDIA_VISIBLE_DEVICES]\n");
    expect fwant[] = {
        {4, 26, 48, ED_SEV_WARNING, ed406("service api", "NVIDIA_VISIBLE_DEVICES", true)}};
    expect_findings("ED406", fwant, 1);
}

static void test_ed406_silent(void **state)
{
    /* "no GPU" on purpose */
    silent("services:\n  api:\n    image: python:3.12-slim\n"
           "    environment:\n      NVIDIA_VISIBLE_DEVICES: void\n",
           "ED406");
    silent("services:\n  api:\n    image: python:3.12-slim\n"
           "    environment:\n      NVIDIA_VISIBLE_DEVICES: none\n",
           "ED406");
    silent("services:\n  api:\n    image: python:3.12-slim\n"
           "    environment:\n      NVIDIA_VISIBLE_DEVICES: \"\"\n",
           "ED406");
    /* a GPU request or the nvidia runtime */
    silent("services:\n  api:\n    image: python:3.12-slim\n    gpus: all\n"
           "    environment:\n      NVIDIA_DRIVER_CAPABILITIES: all\n",
           "ED406");
    silent("services:\n  api:\n    image: python:3.12-slim\n    runtime: nvidia\n"
           "    environment:\n      NVIDIA_VISIBLE_DEVICES: all\n",
           "ED406");
    /* the runtime is a variable env-doctor does not know */
    silent("services:\n  api:\n    image: python:3.12-slim\n    runtime: ${RUNTIME}\n"
           "    environment:\n      NVIDIA_VISIBLE_DEVICES: all\n",
           "ED406");
    silent("services:\n  api:\n    image: python:3.12-slim\n"
           "    environment:\n      CUDA_VISIBLE_DEVICES: 0\n",
           "ED406");
}

static void test_ed406_anchored_environment(void **state)
{
    lint("x-env: &env\n"
         "  NVIDIA_VISIBLE_DEVICES: all\n"
         "services:\n"
         "  a:\n    image: python:3.12-slim\n    environment: *env\n"
         "  b:\n    image: python:3.12-slim\n    environment: *env\n"
         "  c:\n    image: python:3.12-slim\n    environment: *env\n    gpus: all\n");
    expect want[] = {
        {2, 3, 25, ED_SEV_WARNING, ed406("services a and b", "NVIDIA_VISIBLE_DEVICES", false)}};
    expect_findings("ED406", want, 1);
}

/* ---- ED407 gpu-devices-under-limits ---- */

#define ED407_MSG(svc)                                                                        \
    "service " svc ": devices under deploy.resources.limits: only reservations take devices "  \
    "(limits takes cpus, memory and pids), so Compose rejects the file and no GPU is "         \
    "requested; move it to deploy.resources.reservations.devices"

/* §4.2 item 9: devices under limits get their own explanation. */
static void test_item_09_devices_under_limits(void **state)
{
    const char *text = SVC "    deploy:\n"
                           "      resources:\n"
                           "        limits:\n"
                           "          devices:\n"
                           "            - driver: nvidia\n"
                           "              count: 1\n"
                           "              capabilities: [gpu]\n";
    lint(text);
    expect want[] = {{7, 11, 18, ED_SEV_ERROR, ED407_MSG("train")}};
    expect_findings("ED407", want, 1);
    assert_int_equal(result.nfindings, 1); /* no "missing GPU" on top */
    const char *fixed = SVC "    deploy:\n"
                            "      resources:\n"
                            "        reservations:\n"
                            "          devices:\n"
                            "            - driver: nvidia\n"
                            "              count: 1\n"
                            "              capabilities: [gpu]\n";
    expect_fix("ED407", 0, text, fixed);
    expect_fix_description("ED407", 0, "Rename limits to reservations");
    clean(fixed);
    /* limits with other keys, or reservations already there: no fix */
    lint(SVC "    deploy:\n      resources:\n        limits:\n          memory: 1g\n"
             "          devices:\n            - capabilities: [gpu]\n              count: 1\n");
    expect_no_fix("ED407", 0);
    lint(SVC "    deploy:\n      resources:\n        reservations:\n          cpus: \"1\"\n"
             "        limits:\n          devices:\n            - capabilities: [gpu]\n"
             "              count: 1\n");
    expect_no_fix("ED407", 0);
    /* an empty devices list under limits is still misplaced */
    expect empty[] = {{7, 11, 18, ED_SEV_ERROR, ED407_MSG("train")}};
    check(SVC "    deploy:\n      resources:\n        limits:\n          devices: []\n", "ED407",
          empty, 1);
    /* deploy: null is fine */
    clean(SVC "    gpus: all\n    deploy:\n");
}

/* ---- ED408 host-cuda-bind-mount ---- */

static const char *ed408_toolkit(const char *path)
{
    return ed_arena_printf(arena,
                           "service train bind-mounts the host's CUDA toolkit (%s): CUDA belongs "
                           "in the image (an nvidia/cuda base image); a mounted toolkit ties the "
                           "container to this host's installation and breaks on other hosts",
                           path);
}

static const char *ed408_driver(const char *what, const char *path)
{
    return ed_arena_printf(arena,
                           "service train bind-mounts %s (%s): the NVIDIA container toolkit mounts "
                           "the driver files that match the host's kernel module when the service "
                           "requests a GPU; a mounted copy ties the container to this host's "
                           "driver and breaks on other hosts and after driver updates",
                           what, path);
}

static const char *ed408_device(const char *dev)
{
    return ed_arena_printf(arena,
                           "service train maps the GPU device %s by hand: without the NVIDIA "
                           "container toolkit the container gets the device node but not the "
                           "driver libraries that go with it; request the GPU with "
                           "deploy.resources.reservations.devices or gpus: and let the toolkit "
                           "add the devices",
                           dev);
}

static void test_ed408_volumes(void **state)
{
    lint("services:\n"
         "  train:\n"
         "    image: ghcr.io/acme/trainer:1.4\n"
         "    volumes:\n"
         "      - /usr/local/cuda:/usr/local/cuda\n"
         "      - ${CUDA_HOME:-/usr/local/cuda-12.4}:/opt/cuda:ro\n"
         "      - /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1:/usr/lib/libnvidia-ml.so.1\n"
         "      - type: bind\n"
         "        source: /usr/bin/nvidia-smi\n"
         "        target: /usr/bin/nvidia-smi\n"
         "      - ./cuda:/usr/local/cuda\n"
         "      - cuda:/usr/local/cuda\n"
         "      - /usr/local/cudnn:/usr/local/cudnn\n"
         "      - /data:/data\n"
         "      - /usr/local/cuda\n" /* an anonymous volume, not a bind mount */
         "      - type: volume\n"
         "        source: cuda\n"
         "        target: /usr/local/cuda\n"
         "volumes:\n  cuda:\n");
    expect want[] = {
        {5, 9, 40, ED_SEV_WARNING, ed408_toolkit("/usr/local/cuda")},
        {6, 9, 56, ED_SEV_WARNING, ed408_toolkit("/usr/local/cuda-12.4")},
        {7, 9, 79, ED_SEV_WARNING,
         ed408_driver("a host NVIDIA driver library",
                      "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1")},
        {9, 17, 36, ED_SEV_WARNING, ed408_driver("the host's nvidia-smi", "/usr/bin/nvidia-smi")}};
    expect_findings("ED408", want, 4);
}

static void test_ed408_device_maps(void **state)
{
    lint("services:\n"
         "  train:\n"
         "    image: ghcr.io/acme/trainer:1.4\n"
         "    devices:\n"
         "      - /dev/nvidia0:/dev/nvidia0\n"
         "      - /dev/nvidia-uvm\n"
         "      - source: /dev/nvidiactl\n"
         "        target: /dev/nvidiactl\n"
         "      - /dev/dri:/dev/dri\n"
         "      - nvidia.com/gpu=all\n");
    expect want[] = {{5, 9, 34, ED_SEV_WARNING, ed408_device("/dev/nvidia0")},
                     {6, 9, 24, ED_SEV_WARNING, ed408_device("/dev/nvidia-uvm")},
                     {7, 17, 31, ED_SEV_WARNING, ed408_device("/dev/nvidiactl")}};
    expect_findings("ED408", want, 3);
}

/* ---- ED409 invalid-gpu-request-value ---- */

static const char *count_entry(const char *value)
{
    return ed_arena_printf(arena, SVC RESERVE "            - driver: nvidia\n"
                                              "              count: %s\n"
                                              "              capabilities: [gpu]\n",
                           value);
}

static void expect_count(const char *value, unsigned end_col, const char *message)
{
    if (!arena)
        arena = ed_arena_new();
    lint(count_entry(value));
    if (!message) {
        expect_findings("ED409", NULL, 0);
        return;
    }
    expect want[] = {{9, 22, end_col, ED_SEV_ERROR, message}};
    expect_findings("ED409", want, 1);
}

static void test_ed409_count(void **state)
{
    expect_count("two", 25,
                 "service train: count must be a positive integer or all, not a string (two): "
                 "Compose rejects it");
    expect_count("1.5", 25,
                 "service train: count must be a positive integer or all, not a number (1.5): "
                 "Compose rejects it");
    expect_count("true", 26,
                 "service train: count must be a positive integer or all, not a boolean (true): "
                 "Compose rejects it");
    expect_count("0", 23,
                 "service train: count: 0 selects no GPU (Docker sets NVIDIA_VISIBLE_DEVICES=void); "
                 "use a positive count or all, or drop the request");
    expect_count("-1", 24, "service train: count must be a positive integer or all, not -1");
    expect_count("[1]", 25, "service train: count must be a positive integer or all, not a list");
    expect_count("${N:-0}", 29,
                 "service train: count: 0 selects no GPU (Docker sets NVIDIA_VISIBLE_DEVICES=void); "
                 "use a positive count or all, or drop the request");
    /* what Compose accepts; an unknown variable is not judged */
    expect_count("2", 0, NULL);
    expect_count("\"2\"", 0, NULL);
    expect_count("all", 0, NULL);
    expect_count("ALL", 0, NULL);
    expect_count("${N}", 0, NULL);
    expect_count("${N:-2}", 0, NULL);
    expect_count("!!str 2", 0, NULL);
    expect_count("0x2", 0, NULL);
    expect_count("\"0x2\"", 27,
                 "service train: count must be a positive integer or all, not a string (0x2): "
                 "Compose rejects it");
    /* an empty count */
    lint(SVC "    gpus:\n      - count:\n");
    expect empty[] = {{5, 15, 15, ED_SEV_ERROR,
                       "service train: count must be a positive integer or all, not empty"}};
    expect_findings("ED409", empty, 1);
}

static void test_ed409_device_ids(void **state)
{
    const char *text = SVC "    gpus:\n      - device_ids: [0, \"1\", 2]\n";
    expect want[] = {{5, 22, 23, ED_SEV_ERROR,
                      "service train: device_ids must be a list of strings, and 0 is an integer: "
                      "quote it (\"0\")"},
                     {5, 30, 31, ED_SEV_ERROR,
                      "service train: device_ids must be a list of strings, and 2 is an integer: "
                      "quote it (\"2\")"}};
    check(text, "ED409", want, 2);
    expect_fix("ED409", 0, text, SVC "    gpus:\n      - device_ids: [\"0\", \"1\", 2]\n");
    expect_fix("ED409", 1, text, SVC "    gpus:\n      - device_ids: [0, \"1\", \"2\"]\n");
    expect_fix_description("ED409", 0, "Quote 0");
    expect scalar[] = {{5, 21, 24, ED_SEV_ERROR,
                        "service train: device_ids must be a list of strings such as [\"0\", "
                        "\"1\"], not a string \"0\""}};
    check(SVC "    gpus:\n      - device_ids: \"0\"\n", "ED409", scalar, 1);
    expect empty[] = {{5, 21, 23, ED_SEV_ERROR,
                       "service train: device_ids is an empty list, which selects no GPU; list "
                       "the GPUs ([\"0\"]) or use count"}};
    check(SVC "    gpus:\n      - device_ids: []\n", "ED409", empty, 1);
    expect nested[] = {{5, 22, 27, ED_SEV_ERROR,
                        "service train: device_ids must be a list of strings, not one holding a "
                        "list"}};
    check(SVC "    gpus:\n      - device_ids: [[\"0\"]]\n", "ED409", nested, 1);
    silent(SVC "    gpus:\n      - device_ids: [\"0\", GPU-3a23c669, \"${GPU:-1}\", $GPU]\n",
           "ED409");
}

static void test_ed409_unknown_keys(void **state)
{
    lint(SVC RESERVE "            - driver: nvidia\n"
                     "              devices_ids: [\"0\"]\n"
                     "              capabilities: [gpu]\n"
                     "              x-note: fine\n"
                     "              memory: 1g\n");
    expect want[] = {{9, 15, 26, ED_SEV_ERROR,
                      "service train: unknown key devices_ids in a device reservation (did you "
                      "mean device_ids?): Compose rejects it; the keys are capabilities, count, "
                      "device_ids, driver, options and x-*"},
                     {12, 15, 21, ED_SEV_ERROR,
                      "service train: unknown key memory in a device reservation: Compose rejects "
                      "it; the keys are capabilities, count, device_ids, driver, options and x-*"}};
    expect_findings("ED409", want, 2);
    /* in gpus: the schema is blind to them */
    lint(SVC "    gpus:\n      - count: 1\n        capability: [video]\n");
    expect gwant[] = {{6, 9, 19, ED_SEV_ERROR,
                       "service train: unknown key capability in a gpus: entry (did you mean "
                       "capabilities?): the Compose schema does not check these keys, so Compose "
                       "silently ignores it; the keys are capabilities, count, device_ids, driver "
                       "and options"}};
    expect_findings("ED409", gwant, 1);
}

static void test_ed409_shapes_are_ed001(void **state)
{
    lint(SVC "    gpus: 2\n");
    expect_findings("ED409", NULL, 0);
    assert_int_equal(count("ED001"), 1);
    lint(SVC RESERVE "            - gpu\n");
    expect_findings("ED409", NULL, 0);
    assert_int_equal(count("ED001"), 1);
}

/* ---- ED410 obsolete-compose-version ---- */

static void test_ed410_version_and_fix(void **state)
{
    const char *text = "version: \"3.8\"  # compose v1\nservices:\n  web:\n    image: nginx:mainline\n";
    expect want[] = {{1, 1, 8, ED_SEV_INFO,
                      "version: \"3.8\" is obsolete: Compose v2 ignores it and does not pick a "
                      "file format from it (\"the attribute `version` is obsolete, it will be "
                      "ignored\"); remove it"}};
    check(text, "ED410", want, 1);
    expect_fix("ED410", 0, text, "services:\n  web:\n    image: nginx:mainline\n");
    expect_fix_description("ED410", 0, "Remove the version: line");
    /* later in the file, CRLF line ends */
    const char *crlf = "services:\r\n  web:\r\n    image: nginx:mainline\r\nversion: '2.3'\r\n"
                       "volumes: {}\r\n";
    lint(crlf);
    expect_fix("ED410", 0, crlf, "services:\r\n  web:\r\n    image: nginx:mainline\r\nvolumes: {}\r\n");
    /* the last line without a line break */
    const char *last = "services:\n  web:\n    image: nginx:mainline\nversion: 3";
    lint(last);
    expect_fix("ED410", 0, last, "services:\n  web:\n    image: nginx:mainline\n");
    /* flow style: the line holds more than the key: no fix */
    lint("{version: \"3\", services: {web: {image: nginx:mainline}}}\n");
    expect want2[] = {{1, 2, 9, ED_SEV_INFO,
                       "version: \"3\" is obsolete: Compose v2 ignores it and does not pick a "
                       "file format from it (\"the attribute `version` is obsolete, it will be "
                       "ignored\"); remove it"}};
    expect_findings("ED410", want2, 1);
    expect_no_fix("ED410", 0);
    silent("services:\n  web:\n    image: nginx:mainline\n    environment:\n      version: 1\n",
           "ED410");
}

/* ---- ED411 overlapping-gpu-assignment ---- */

static const char *ed411(const char *svc, const char *gpus, const char *how, const char *others,
                         const char *other_how, const char *note)
{
    return ed_arena_printf(arena,
                           "service %s claims %s with %s, and so %s %s (%s): the services share "
                           "those GPUs' memory and compute%s; give each service its own device_ids "
                           "if they should not",
                           svc, gpus, how, strncmp(others, "services", 8) == 0 ? "do" : "does",
                           others, other_how, note);
}

#define COUNT_NOTE                                                                            \
    " (count: N takes GPUs 0 to N-1 in every service; Docker does not give each container "   \
    "different GPUs)"

static void test_ed411_all_twice(void **state)
{
    lint("services:\n"
         "  train:\n    image: " CUDA_IMAGE "\n    gpus: all\n"
         "  infer:\n    image: " CUDA_IMAGE "\n" RESERVE
         "            - driver: nvidia\n              count: all\n"
         "              capabilities: [gpu]\n"
         "  notebook:\n    image: " CUDA_IMAGE "\n    runtime: nvidia\n"
         "    environment:\n      - NVIDIA_VISIBLE_DEVICES=all\n");
    expect want[] = {
        {12, 22, 25, ED_SEV_INFO,
         ed411("infer", "every GPU", "count: all", "service train", "gpus: all", "")},
        {18, 9, 35, ED_SEV_INFO,
         ed411("notebook", "every GPU", "NVIDIA_VISIBLE_DEVICES=all", "services train and infer",
               "gpus: all", "")}};
    expect_findings("ED411", want, 2);
}

/* §4.2 item 10: distinct device_ids are fine; overlapping ones and count: N
 * in several services are the real conflicts. */
static void test_item_10_distinct_device_ids_are_fine(void **state)
{
    clean("services:\n"
          "  a:\n    image: " CUDA_IMAGE "\n    gpus:\n      - device_ids: [\"0\"]\n"
          "  b:\n    image: " CUDA_IMAGE "\n    gpus:\n      - device_ids: [\"1\"]\n"
          "  c:\n    image: " CUDA_IMAGE "\n    devices: [nvidia.com/gpu=2]\n");
    lint("services:\n"
         "  a:\n    image: " CUDA_IMAGE "\n    gpus:\n      - device_ids: [\"0\", \"1\"]\n"
         "  b:\n    image: " CUDA_IMAGE "\n    gpus:\n      - device_ids: [\"1\", \"2\"]\n");
    expect want[] = {
        {9, 21, 31, ED_SEV_INFO, ed411("b", "GPU 1", "device_ids", "service a", "device_ids", "")}};
    expect_findings("ED411", want, 1);
    lint("services:\n"
         "  a:\n    image: " CUDA_IMAGE "\n    gpus:\n      - count: 1\n"
         "  b:\n    image: " CUDA_IMAGE "\n    gpus:\n      - count: 2\n");
    expect cwant[] = {
        {9, 16, 17, ED_SEV_INFO, ed411("b", "GPU 0", "count: 2", "service a", "count: 1",
                                        COUNT_NOTE)}};
    expect_findings("ED411", cwant, 1);
    /* count: 1 next to device_ids ["0"] */
    lint("services:\n"
         "  a:\n    image: " CUDA_IMAGE "\n    gpus:\n      - count: 1\n"
         "  b:\n    image: " CUDA_IMAGE "\n    gpus:\n      - device_ids: [\"0\"]\n");
    expect dwant[] = {{9, 21, 26, ED_SEV_INFO,
                       ed411("b", "GPU 0", "device_ids", "service a", "count: 1",
                             " (count: N takes GPUs 0 to N-1 in every service)")}};
    expect_findings("ED411", dwant, 1);
}

static void test_ed411_cdi(void **state)
{
    lint("services:\n"
         "  a:\n    image: " CUDA_IMAGE "\n    devices:\n      - nvidia.com/gpu=all\n"
         "  b:\n    image: " CUDA_IMAGE "\n" RESERVE
         "            - driver: cdi\n"
         "              device_ids: [nvidia.com/gpu=1]\n"
         "              capabilities: [gpu]\n");
    expect want[] = {{13, 27, 45, ED_SEV_INFO,
                      ed411("b", "GPU 1", "device_ids", "service a", "nvidia.com/gpu=all", "")}};
    expect_findings("ED411", want, 1);
}

static void test_ed411_silent(void **state)
{
    /* unknown values claim nothing; one service is no overlap */
    silent("services:\n"
           "  a:\n    image: " CUDA_IMAGE "\n    gpus:\n      - count: ${N}\n"
           "  b:\n    image: " CUDA_IMAGE "\n    gpus:\n      - count: ${N}\n",
           "ED411");
    silent("services:\n  a:\n    image: " CUDA_IMAGE "\n    gpus: all\n", "ED411");
    /* runtime: nvidia without NVIDIA_VISIBLE_DEVICES: unknowable */
    silent("services:\n"
           "  a:\n    image: " CUDA_IMAGE "\n    gpus: all\n"
           "  b:\n    image: " CUDA_IMAGE "\n    runtime: nvidia\n",
           "ED411");
}

static void test_ed411_shared_anchor(void **state)
{
    lint("x-gpu: &gpu\n"
         "  deploy:\n    resources:\n      reservations:\n        devices:\n"
         "          - driver: nvidia\n            count: all\n            capabilities: [gpu]\n"
         "services:\n"
         "  a:\n    <<: *gpu\n    image: " CUDA_IMAGE "\n"
         "  b:\n    <<: *gpu\n    image: " CUDA_IMAGE "\n");
    expect want[] = {
        {7, 20, 23, ED_SEV_INFO, ed411("b", "every GPU", "count: all", "service a", "count: all", "")}};
    expect_findings("ED411", want, 1);
}

/* A finding names the first ten earlier services and then "others": naming
 * them all makes the report quadratic in the number of services. */
static void test_ed411_names_ten(void **state)
{
    ed_buf text = ED_BUF_INIT;
    ed_buf_adds(&text, "services:\n");
    for (int i = 0; i < 12; i++)
        ed_buf_printf(&text, "  s%d:\n    image: " CUDA_IMAGE "\n    gpus: all\n", i);
    lint(text.data);
    ed_buf_free(&text);
    assert_int_equal(count("ED411"), 11);
    assert_string_equal(finding("ED411", 9)->message,
                        ed411("s10", "every GPU", "gpus: all",
                              "services s0, s1, s2, s3, s4, s5, s6, s7, s8 and s9", "gpus: all", ""));
    assert_string_equal(finding("ED411", 10)->message,
                        ed411("s11", "every GPU", "gpus: all",
                              "services s0, s1, s2, s3, s4, s5, s6, s7, s8, s9 and others",
                              "gpus: all", ""));
}

/* Thousands of services that all share GPUs: one finding per service,
 * each of bounded length, in memory that grows with the file, not with
 * the square of its services (this used to need gigabytes). */
static void test_ed411_many_services_stay_bounded(void **state)
{
    enum { N = 3000 };
    ed_buf text = ED_BUF_INIT;
    ed_buf_adds(&text, "services:\n");
    for (int i = 0; i < N; i++) {
        const char *gpus[] = {"gpus: all", "gpus:\n      - device_ids: [\"0\", \"1\"]",
                              "gpus:\n      - count: 1", "gpus:\n      - device_ids: [\"1\"]"};
        ed_buf_printf(&text, "  service%d:\n    image: " CUDA_IMAGE "\n    %s\n", i, gpus[i % 4]);
    }
    lint(text.data);
    size_t input = text.len;
    ed_buf_free(&text);
    assert_int_equal(count("ED411"), N - 1);
    size_t longest = 0;
    for (size_t k = 0; k < N - 1; k++) {
        size_t len = strlen(finding("ED411", k)->message);
        longest = len > longest ? len : longest;
    }
    assert_true(longest < 600);
    assert_non_null(strstr(finding("ED411", N - 2)->message, " and others ("));
    assert_true(ed_arena_used(arena) < 64 * input);
}

/* `-f compose.yaml -f override.yaml`: findings and fixes land in the file
 * that holds the node, with that file's positions. */
static void test_override_file_positions_and_fixes(void **state)
{
    const char *base = "services:\n  train:\n    image: " CUDA_IMAGE "\n";
    const char *over = "version: \"3.8\"\n"
                       "services:\n"
                       "  train:\n"
                       "    runtime: nvidia\n";
    arena = ed_arena_new();
    ed_source *a = ed_arena_alloc(arena, sizeof *a), *b = ed_arena_alloc(arena, sizeof *b);
    ed_source_init(a, arena, "compose.yaml", base, strlen(base));
    ed_source_init(b, arena, "override.yaml", over, strlen(over));
    const ed_source *files[] = {a, b};
    ed_file_result *results;
    size_t n;
    ed_lint_compose_files(arena, files, 2, NULL, &results, &n);
    assert_true(n >= 2);
    assert_int_equal(results[0].nfindings, 0);
    result = results[1];
    if (result.nfindings != 2)
        show();
    assert_int_equal(result.nfindings, 2);
    assert_string_equal(result.findings[0].rule->id, "ED410");
    assert_int_equal(result.findings[0].begin.line, 1);
    expect_fix("ED410", 0, over, "services:\n  train:\n    runtime: nvidia\n");
    assert_string_equal(result.findings[1].rule->id, "ED401");
    assert_int_equal(result.findings[1].begin.line, 4);
    assert_int_equal(result.findings[1].begin.column, 14);
    expect_fix("ED401", 0, over,
               "version: \"3.8\"\n"
               "services:\n"
               "  train:\n"
               "    deploy:\n"
               "      resources:\n"
               "        reservations:\n"
               "          devices:\n"
               "            - driver: nvidia\n"
               "              count: all\n"
               "              capabilities: [gpu]\n");
}

/* ---- §4.2 items 7 and 8 ---- */

/* Item 7: interpolation with defaults; unknown values are not guessed. */
static void test_item_07_interpolation(void **state)
{
    clean(SVC RESERVE "            - driver: ${GPU_DRIVER:-nvidia}\n"
                      "              count: ${GPU_COUNT:-all}\n"
                      "              capabilities: [gpu]\n");
    clean(SVC RESERVE "            - driver: ${GPU_DRIVER}\n"
                      "              count: ${GPU_COUNT}\n"
                      "              capabilities: [gpu]\n");
    const char *vars[] = {"GPU_COUNT=0"};
    lint_as("<stdin>",
            SVC RESERVE "            - driver: nvidia\n"
                        "              count: ${GPU_COUNT:-all}\n"
                        "              capabilities: [gpu]\n",
            vars, 1);
    assert_int_equal(count("ED409"), 1);
}

static size_t count_prefix(const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < result.nfindings; i++)
        n += strncmp(result.findings[i].rule->id, prefix, strlen(prefix)) == 0;
    return n;
}

/* Item 8: the old tool crashed on these; here they are ED001 shape errors,
 * and no GPU rule stumbles over them. */
static void test_item_08_shapes_do_not_crash(void **state)
{
    static const char *const files[] = {
        "services:\n  app:\n",
        "services:\n  app:\n    image:\n",
        "services: [app]\n",
        "services:\n  app:\n    image: " CUDA_IMAGE "\n    deploy: [1]\n",
        "services:\n  app:\n    image: " CUDA_IMAGE "\n    environment: 5\n",
        "services:\n  app:\n    image: " CUDA_IMAGE "\n    deploy:\n      resources:\n"
        "        reservations:\n          devices: {driver: nvidia}\n",
        "version: [\n",
        "",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        lint(files[i]);
        assert_int_equal(count_prefix("ED4") - count("ED405") - count("ED410"), 0);
    }
    lint("services:\n  app:\n");
    assert_int_equal(result.nfindings, 1);
    assert_string_equal(result.findings[0].rule->id, "ED001");
    lint("services: [app]\n");
    assert_int_equal(result.nfindings, 1);
    assert_string_equal(result.findings[0].rule->id, "ED001");
}

/* Item 12: every finding has its line; a file with every problem at once
 * gives each at its own place, in order. */
static void test_item_12_positions_in_a_busy_file(void **state)
{
    lint("version: \"2.3\"\n"                          /* 1 ED410 */
         "services:\n"                                 /* 2 */
         "  legacy:\n"                                 /* 3 */
         "    image: " CUDA_IMAGE "\n"                 /* 4 */
         "    runtime: nvidia\n"                       /* 5 ED401 */
         "  train:\n"                                  /* 6 */
         "    image: " CUDA_IMAGE "\n"                 /* 7 */
         "    deploy:\n"                               /* 8 */
         "      resources:\n"                          /* 9 */
         "        reservations:\n"                     /* 10 */
         "          devices:\n"                        /* 11 */
         "            - driver: nvidia\n"              /* 12 ED402 ED404 */
         "  api:\n"                                    /* 13 */
         "    image: python:3.12-slim\n"               /* 14 */
         "    environment: [NVIDIA_VISIBLE_DEVICES=0]\n"); /* 15 ED406 */
    static const struct {
        const char *rule;
        unsigned line, col;
    } order[] = {{"ED410", 1, 1},  {"ED401", 5, 14}, {"ED402", 12, 15},
                 {"ED404", 12, 15}, {"ED406", 15, 19}};
    if (result.nfindings != sizeof order / sizeof order[0])
        show();
    assert_int_equal(result.nfindings, sizeof order / sizeof order[0]);
    for (size_t i = 0; i < result.nfindings; i++) {
        assert_string_equal(result.findings[i].rule->id, order[i].rule);
        assert_int_equal(result.findings[i].begin.line, order[i].line);
        assert_int_equal(result.findings[i].begin.column, order[i].col);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_item_05_runtime_nvidia_with_env_is_one_warning, teardown),
        cmocka_unit_test_teardown(test_ed401_interpolated_runtime, teardown),
        cmocka_unit_test_teardown(test_ed401_fix_selects_the_devices_the_variable_names, teardown),
        cmocka_unit_test_teardown(test_ed401_fix_keeps_four_space_indentation, teardown),
        cmocka_unit_test_teardown(test_ed401_fix_with_deploy_writes_gpus, teardown),
        cmocka_unit_test_teardown(test_ed401_with_reservation_fix_removes_the_line, teardown),
        cmocka_unit_test_teardown(test_ed401_flow_style_service, teardown),
        cmocka_unit_test_teardown(test_ed401_through_extends, teardown),
        cmocka_unit_test_teardown(test_ed401_anchor_and_merge_key, teardown),
        cmocka_unit_test_teardown(test_ed402_missing_capabilities_and_fix, teardown),
        cmocka_unit_test_teardown(test_item_09_capabilities_string, teardown),
        cmocka_unit_test_teardown(test_ed402_capabilities_without_gpu, teardown),
        cmocka_unit_test_teardown(test_item_02_missing_driver_is_fine, teardown),
        cmocka_unit_test_teardown(test_ed402_shared_anchor_is_one_finding, teardown),
        cmocka_unit_test_teardown(test_item_03_count_and_device_ids, teardown),
        cmocka_unit_test_teardown(test_ed403_count_merged_from_anchor, teardown),
        cmocka_unit_test_teardown(test_ed404_reservation_and_fix, teardown),
        cmocka_unit_test_teardown(test_ed404_gpus_entry_and_flow_style, teardown),
        cmocka_unit_test_teardown(test_ed404_silent, teardown),
        cmocka_unit_test_teardown(test_ed404_alias_entry_in_two_services, teardown),
        cmocka_unit_test_teardown(test_ed405_gpu_image_without_request, teardown),
        cmocka_unit_test_teardown(test_item_01_gpus_attribute, teardown),
        cmocka_unit_test_teardown(test_item_04_not_gpu_images, teardown),
        cmocka_unit_test_teardown(test_item_06_extends_brings_the_reservation, teardown),
        cmocka_unit_test_teardown(test_ed405_cdi_and_runtime_are_requests, teardown),
        cmocka_unit_test_setup_teardown(test_ed405_built_gpu_dockerfile, make_project,
                                        remove_project),
        cmocka_unit_test_teardown(test_ed406_map_and_list_forms, teardown),
        cmocka_unit_test_teardown(test_ed406_silent, teardown),
        cmocka_unit_test_teardown(test_ed406_anchored_environment, teardown),
        cmocka_unit_test_teardown(test_item_09_devices_under_limits, teardown),
        cmocka_unit_test_teardown(test_ed408_volumes, teardown),
        cmocka_unit_test_teardown(test_ed408_device_maps, teardown),
        cmocka_unit_test_teardown(test_ed409_count, teardown),
        cmocka_unit_test_teardown(test_ed409_device_ids, teardown),
        cmocka_unit_test_teardown(test_ed409_unknown_keys, teardown),
        cmocka_unit_test_teardown(test_ed409_shapes_are_ed001, teardown),
        cmocka_unit_test_teardown(test_ed410_version_and_fix, teardown),
        cmocka_unit_test_teardown(test_ed411_all_twice, teardown),
        cmocka_unit_test_teardown(test_item_10_distinct_device_ids_are_fine, teardown),
        cmocka_unit_test_teardown(test_ed411_cdi, teardown),
        cmocka_unit_test_teardown(test_ed411_silent, teardown),
        cmocka_unit_test_teardown(test_ed411_shared_anchor, teardown),
        cmocka_unit_test_teardown(test_ed411_names_ten, teardown),
        cmocka_unit_test_teardown(test_ed411_many_services_stay_bounded, teardown),
        cmocka_unit_test_teardown(test_override_file_positions_and_fixes, teardown),
        cmocka_unit_test_teardown(test_item_07_interpolation, teardown),
        cmocka_unit_test_teardown(test_item_08_shapes_do_not_crash, teardown),
        cmocka_unit_test_teardown(test_item_12_positions_in_a_busy_file, teardown),
    };
    return cmocka_run_group_tests_name("rules_compose", tests, NULL, NULL);
}
