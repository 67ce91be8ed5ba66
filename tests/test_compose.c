/* The Compose model: services, images, GPU requests, environment, volumes,
 * devices, interpolation, extends, merges, documents, shape errors, build
 * linkage, and the compose lint entry point. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/compose.h"
#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"

typedef struct model {
    ed_arena *a;
    ed_source src;
    cf_yaml *y;
    cf_compose *c;
} model;

static cf_compose *build_with(model *m, const char *path, const char *text, const char *const *vars,
                              size_t nvars)
{
    m->a = ed_arena_new();
    char *copy = ed_arena_strdup(m->a, text);
    ed_source_init(&m->src, m->a, path, copy, strlen(copy));
    m->y = cf_yaml_parse(m->a, &m->src, NULL);
    cf_vars v = {vars, nvars, 0};
    m->c = cf_compose_build(m->a, &m->src, m->y, &v, kb_get());
    assert_non_null(m->c);
    return m->c;
}

static cf_compose *build(model *m, const char *text)
{
    return build_with(m, "compose.yaml", text, NULL, 0);
}

static void done(model *m)
{
    ed_arena_free(m->a);
}

static const cf_service *service(const cf_compose *c, const char *name)
{
    for (size_t i = 0; i < c->nservices; i++)
        if (strcmp(c->services[i].name, name) == 0)
            return &c->services[i];
    fail_msg("no service %s", name);
    return NULL;
}

#define assert_at(m, off, l, c)                                                              \
    do {                                                                                     \
        ed_pos at_ = ed_source_pos(&(m).src, (off));                                         \
        assert_int_equal(at_.line, (l));                                                     \
        assert_int_equal(at_.column, (c));                                                   \
    } while (0)

#define assert_node_at(m, n, l1, c1, l2, c2)                                                 \
    do {                                                                                     \
        assert_non_null(n);                                                                  \
        assert_at(m, (n)->start, l1, c1);                                                    \
        assert_at(m, (n)->end, l2, c2);                                                      \
    } while (0)

#define assert_no_shape_errors(c)                                                            \
    do {                                                                                     \
        if ((c)->nerrors)                                                                    \
            print_error("unexpected shape error: %s\n", (c)->errors[0].message);             \
        assert_int_equal((c)->nerrors, 0);                                                   \
    } while (0)

/* --- services and images ------------------------------------------------ */

static void test_services_and_image(void **state)
{
    model m;
    const cf_compose *c = build(&m, "version: \"3.8\"\n"
                                    "services:\n"
                                    "  train:\n"
                                    "    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                    "  web:\n"
                                    "    image: nginx:mainline\n");
    assert_no_shape_errors(c);
    assert_non_null(c->version);
    assert_node_at(m, c->version->key, 1, 1, 1, 8);
    assert_int_equal(c->nservices, 2);
    const cf_service *t = service(c, "train");
    assert_node_at(m, t->pair->key, 3, 3, 3, 8);
    assert_string_equal(t->image.value, "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
    assert_node_at(m, t->image.node, 4, 12, 4, 50);
    assert_true(t->image_ok);
    assert_int_equal(t->image_facts.vendor, KB_VENDOR_NVIDIA);
    assert_false(t->requests_gpu);
    const cf_service *w = service(c, "web");
    assert_true(w->image_ok);
    assert_int_not_equal(w->image_facts.vendor, KB_VENDOR_NVIDIA);
    done(&m);
}


/* §4.2 item 4: images are judged by the knowledge base, not by substrings
 * ("ml", "ai" in the name or tag). */
static void test_not_gpu_images(void **state)
{
    static const char *const images[] = {"nginx:mainline", "ghcr.io/acme/api:main",
                                         "portainer/portainer-ce", "apache/airflow",
                                         "mailhog/mailhog", "ghcr.io/acme/trainer:latest"};
    for (size_t i = 0; i < sizeof images / sizeof *images; i++) {
        model m;
        char text[256];
        snprintf(text, sizeof text, "services:\n  app:\n    image: %s\n", images[i]);
        const cf_compose *c = build(&m, text);
        const cf_service *s = service(c, "app");
        assert_true(s->image_ok);
        assert_int_not_equal(s->image_facts.vendor, KB_VENDOR_NVIDIA);
        assert_false(s->requests_gpu);
        done(&m);
    }
}

/* §4.2 item 8: no crash on a null service, a null image, services as a
 * list; each wrong shape is an error at its place. */
static void test_null_service(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services: {app: }\n");
    assert_int_equal(c->nservices, 1);
    const cf_service *s = service(c, "app");
    assert_null(s->node);
    assert_null(s->image.value);
    assert_int_equal(c->nerrors, 1);
    assert_at(m, c->errors[0].start, 1, 12);
    assert_at(m, c->errors[0].end, 1, 15);
    assert_string_equal(c->errors[0].message,
                        "service \"app\" has no definition: a service must be a mapping");
    done(&m);

    c = build(&m, "services:\n  app:\n  web:\n    image: nginx\n");
    assert_int_equal(c->nservices, 2);
    assert_null(service(c, "app")->node);
    assert_non_null(service(c, "web")->node);
    assert_int_equal(c->nerrors, 1);
    assert_at(m, c->errors[0].start, 2, 3);
    done(&m);
}

static void test_null_image(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n  app:\n    image:\n    gpus: all\n");
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "app");
    assert_non_null(s->node);
    assert_null(s->image.value);
    assert_false(s->image_ok);
    assert_int_equal(s->image_facts.vendor, KB_VENDOR_UNKNOWN);
    assert_true(s->requests_gpu);
    done(&m);

    c = build(&m, "services:\n  app:\n    image: {name: x}\n");
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message, "image must be a string, not a mapping");
    assert_at(m, c->errors[0].start, 3, 12);
    assert_null(service(c, "app")->image.value);
    done(&m);
}

static void test_services_not_a_map(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services: [app]\n");
    assert_int_equal(c->nservices, 0);
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message,
                        "services must be a mapping of service names to services, not a list");
    assert_at(m, c->errors[0].start, 1, 11);
    assert_at(m, c->errors[0].end, 1, 16);
    done(&m);

    c = build(&m, "services:\n  - app\n  - web\n");
    assert_int_equal(c->nservices, 0);
    assert_int_equal(c->nerrors, 1);
    assert_at(m, c->errors[0].start, 2, 3);
    done(&m);

    c = build(&m, "services: app\n");
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message,
                        "services must be a mapping of service names to services, not a string");
    done(&m);

    c = build(&m, "- services\n");
    assert_int_equal(c->nerrors, 1);
    assert_null(c->root);
    assert_at(m, c->errors[0].start, 1, 1);
    done(&m);

    c = build(&m, "services:\n  app: [image, x]\n  web: nginx\n");
    assert_int_equal(c->nservices, 2);
    assert_int_equal(c->nerrors, 2);
    assert_string_equal(c->errors[0].message, "service \"app\" must be a mapping, not a list");
    assert_string_equal(c->errors[1].message, "service \"web\" must be a mapping, not a string");
    assert_at(m, c->errors[1].start, 3, 8);
    done(&m);

    /* an empty file and an empty services: are no model errors */
    c = build(&m, "");
    assert_int_equal(c->nservices, 0);
    assert_int_equal(c->nerrors, 0);
    done(&m);
    c = build(&m, "services:\n");
    assert_int_equal(c->nerrors, 0);
    done(&m);
}

/* --- GPU requests ----------------------------------------------------- */

/* §4.2 item 1: the service-level gpus: attribute. */
static void test_gpus_all(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  app:\n"
                                    "    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                    "    gpus: all\n");
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "app");
    assert_true(s->requests_gpu);
    assert_int_equal(s->ndevices, 1);
    const cf_device *d = &s->devices[0];
    assert_true(d->all);
    assert_true(d->from_gpus);
    assert_true(d->nvidia);
    assert_false(d->under_limits);
    assert_null(d->count);
    assert_ptr_equal(d->pair, s->gpus);
    assert_node_at(m, d->node, 4, 11, 4, 14);
    assert_node_at(m, s->gpus->key, 4, 5, 4, 9);
    done(&m);
}

static void test_gpus_list(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  app:\n"
                                    "    gpus:\n"
                                    "      - driver: nvidia\n"
                                    "        count: 2\n"
                                    "      - device_ids: ['0', '3']\n"
                                    "        capabilities: [gpu, compute]\n"
                                    "        cuont: 1\n");
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "app");
    assert_true(s->requests_gpu);
    assert_int_equal(s->ndevices, 2);
    const cf_device *d0 = &s->devices[0], *d1 = &s->devices[1];
    assert_true(d0->from_gpus && d1->from_gpus);
    assert_false(d0->all);
    assert_node_at(m, d0->node, 4, 9, 5, 17);
    assert_node_at(m, d0->count->key, 5, 9, 5, 14);
    assert_node_at(m, d0->count->value, 5, 16, 5, 17);
    assert_string_equal(d0->count_text.value, "2");
    assert_string_equal(d0->driver_text.value, "nvidia");
    assert_null(d0->device_ids);
    assert_node_at(m, d1->device_ids->value, 6, 21, 6, 31);
    assert_int_equal(d1->device_ids->value->nitems, 2);
    assert_node_at(m, d1->capabilities->key, 7, 9, 7, 21);
    assert_null(d1->count); /* the misspelled key stays in the node for ED409 */
    assert_non_null(cf_map_pair(d1->node, "cuont"));
    done(&m);

    c = build(&m, "services:\n  app:\n    gpus: 2\n");
    assert_int_equal(service(c, "app")->ndevices, 0);
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message,
                        "gpus must be `all` or a list of device requests, not \"2\"");
    assert_at(m, c->errors[0].start, 3, 11);
    done(&m);

    c = build(&m, "services:\n  app:\n    gpus: [all]\n");
    assert_int_equal(c->nerrors, 1);
    assert_at(m, c->errors[0].start, 3, 12);
    done(&m);
}

/* §4.2 items 2 and 9: a reservation without a driver, devices under limits,
 * capabilities as a string, deploy: null. */
static void test_deploy_devices(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  app:\n"
                                    "    deploy:\n"
                                    "      resources:\n"
                                    "        limits:\n"
                                    "          devices:\n"
                                    "            - capabilities: [gpu]\n"
                                    "        reservations:\n"
                                    "          devices:\n"
                                    "            - capabilities: [gpu]\n"
                                    "              count: all\n"
                                    "            - driver: nvidia\n"
                                    "              capabilities: gpu\n"
                                    "              device_ids: ['1']\n"
                                    "            - capabilities: [tpu]\n");
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "app");
    assert_int_equal(s->ndevices, 4);
    const cf_device *lim = &s->devices[0];
    assert_true(lim->under_limits);
    assert_true(lim->nvidia);
    assert_node_at(m, lim->pair->key, 6, 11, 6, 18);
    assert_node_at(m, lim->node, 7, 15, 7, 34);
    const cf_device *r0 = &s->devices[1];
    assert_false(r0->under_limits);
    assert_false(r0->from_gpus);
    assert_null(r0->driver); /* no driver: the Engine picks it from the capabilities */
    assert_true(r0->nvidia);
    assert_string_equal(r0->count_text.value, "all");
    assert_node_at(m, r0->pair->key, 9, 11, 9, 18);
    const cf_device *r1 = &s->devices[2];
    assert_true(r1->nvidia);
    assert_int_equal(r1->capabilities->value->kind, CF_SCALAR); /* ED402's to report */
    assert_node_at(m, r1->capabilities->value, 13, 29, 13, 32);
    const cf_device *r2 = &s->devices[3];
    assert_false(r2->nvidia);
    assert_true(s->requests_gpu);
    done(&m);

    c = build(&m, "services:\n  app:\n    image: nginx\n    deploy:\n");
    assert_no_shape_errors(c);
    assert_false(service(c, "app")->requests_gpu);
    done(&m);
    c = build(&m, "services:\n  app:\n    deploy: null\n    gpus: ~\n");
    assert_no_shape_errors(c);
    assert_int_equal(service(c, "app")->ndevices, 0);
    done(&m);

    c = build(&m, "services:\n"
                  "  app:\n"
                  "    deploy:\n"
                  "      resources:\n"
                  "        reservations:\n"
                  "          devices: nvidia\n");
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message, "devices must be a list, not a string");
    assert_at(m, c->errors[0].start, 6, 20);
    done(&m);

    c = build(&m, "services:\n"
                  "  app:\n"
                  "    deploy:\n"
                  "      resources:\n"
                  "        reservations:\n"
                  "          devices:\n"
                  "            - nvidia\n");
    assert_int_equal(c->nerrors, 1);
    assert_at(m, c->errors[0].start, 7, 15);
    assert_int_equal(service(c, "app")->ndevices, 0);
    done(&m);

    c = build(&m, "services:\n  app:\n    deploy: [resources]\n");
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message, "deploy must be a mapping, not a list");
    done(&m);
}

static void test_runtime_and_cdi(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  legacy:\n"
                                    "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                                    "    runtime: nvidia\n"
                                    "  runc:\n"
                                    "    runtime: runc\n"
                                    "  cdi:\n"
                                    "    devices:\n"
                                    "      - nvidia.com/gpu=all\n"
                                    "      - /dev/nvidia0:/dev/nvidia0:rwm\n"
                                    "      - /dev/nvidiactl\n"
                                    "      - source: /dev/nvidia-uvm\n"
                                    "        target: /dev/nvidia-uvm\n"
                                    "        permissions: rwm\n");
    assert_no_shape_errors(c);
    const cf_service *l = service(c, "legacy");
    assert_true(l->requests_gpu);
    assert_string_equal(l->runtime_text.value, "nvidia");
    assert_node_at(m, l->runtime->key, 4, 5, 4, 12);
    assert_node_at(m, l->runtime->value, 4, 14, 4, 20);
    assert_false(service(c, "runc")->requests_gpu);
    const cf_service *d = service(c, "cdi");
    assert_true(d->requests_gpu);
    assert_int_equal(d->ndevice_maps, 4);
    assert_true(d->device_maps[0].cdi);
    assert_string_equal(d->device_maps[0].source, "nvidia.com/gpu=all");
    assert_null(d->device_maps[0].target);
    assert_false(d->device_maps[1].cdi);
    assert_string_equal(d->device_maps[1].source, "/dev/nvidia0");
    assert_string_equal(d->device_maps[1].target, "/dev/nvidia0");
    assert_node_at(m, d->device_maps[1].node, 10, 9, 10, 38);
    assert_string_equal(d->device_maps[2].source, "/dev/nvidiactl");
    assert_string_equal(d->device_maps[2].target, "/dev/nvidiactl");
    assert_string_equal(d->device_maps[3].source, "/dev/nvidia-uvm");
    assert_string_equal(d->device_maps[3].target, "/dev/nvidia-uvm");
    done(&m);

    /* a host device mapping alone is not a GPU request */
    c = build(&m, "services:\n  app:\n    devices: [\"/dev/nvidia0:/dev/nvidia0\"]\n");
    assert_false(service(c, "app")->requests_gpu);
    done(&m);
}

/* --- environment, volumes ---------------------------------------------- */

static void test_environment_forms(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  map:\n"
                                    "    environment:\n"
                                    "      NVIDIA_VISIBLE_DEVICES: all\n"
                                    "      EMPTY:\n"
                                    "      NUM: 3\n"
                                    "  list:\n"
                                    "    environment:\n"
                                    "      - NVIDIA_DRIVER_CAPABILITIES=compute,utility\n"
                                    "      - FROM_SHELL\n"
                                    "      - A=1\n"
                                    "      - A=2\n"
                                    "  flow: {environment: [X=y], image: nginx}\n");
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "map");
    assert_int_equal(s->nenv, 3);
    const cf_env *e = cf_service_env(s, "NVIDIA_VISIBLE_DEVICES");
    assert_non_null(e);
    assert_string_equal(e->value.value, "all");
    assert_node_at(m, e->key, 4, 7, 4, 29);
    assert_node_at(m, e->value.node, 4, 31, 4, 34);
    e = cf_service_env(s, "EMPTY");
    assert_null(e->value.value);
    assert_string_equal(cf_service_env(s, "NUM")->value.value, "3");
    assert_null(cf_service_env(s, "nope"));

    s = service(c, "list");
    e = cf_service_env(s, "NVIDIA_DRIVER_CAPABILITIES");
    assert_string_equal(e->value.value, "compute,utility");
    assert_node_at(m, e->key, 9, 9, 9, 51);
    assert_null(cf_service_env(s, "FROM_SHELL")->value.value);
    assert_string_equal(cf_service_env(s, "A")->value.value, "2"); /* the last wins */
    assert_string_equal(cf_service_env(service(c, "flow"), "X")->value.value, "y");
    done(&m);

    c = build(&m, "services:\n  app:\n    environment: A=1\n");
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message,
                        "environment must be a mapping or a list, not a string");
    done(&m);
}

static void test_volumes(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  app:\n"
                                    "    volumes:\n"
                                    "      - /usr/local/cuda:/usr/local/cuda:ro\n"
                                    "      - ./data:/data\n"
                                    "      - models:/models\n"
                                    "      - /scratch\n"
                                    "      - type: bind\n"
                                    "        source: /usr/lib/x86_64-linux-gnu/libcuda.so.1\n"
                                    "        target: /usr/lib/libcuda.so.1\n"
                                    "      - type: volume\n"
                                    "        source: cache\n"
                                    "        target: /cache\n"
                                    "      - ${HOST_CUDA}:/opt/cuda\n");
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "app");
    assert_int_equal(s->nvolumes, 7);
    assert_string_equal(s->volumes[0].source, "/usr/local/cuda");
    assert_string_equal(s->volumes[0].target, "/usr/local/cuda");
    assert_node_at(m, s->volumes[0].node, 4, 9, 4, 43);
    assert_string_equal(s->volumes[1].source, "./data");
    assert_null(s->volumes[2].source); /* a named volume */
    assert_string_equal(s->volumes[2].target, "/models");
    assert_null(s->volumes[3].source);
    assert_string_equal(s->volumes[3].target, "/scratch");
    assert_string_equal(s->volumes[4].source, "/usr/lib/x86_64-linux-gnu/libcuda.so.1");
    assert_string_equal(s->volumes[4].target, "/usr/lib/libcuda.so.1");
    assert_node_at(m, s->volumes[4].node, 8, 9, 10, 38);
    assert_null(s->volumes[5].source);
    assert_string_equal(s->volumes[5].target, "/cache");
    assert_true(s->volumes[6].unknown);
    assert_string_equal(s->volumes[6].target, "/opt/cuda");
    assert_false(s->volumes[0].unknown);
    done(&m);
}

/* --- interpolation ----------------------------------------------------- */

static void check_interp(const char *text, const char *expected, bool unknown)
{
    static const char *const vars[] = {"SET=value", "EMPTY=", "NESTED=inner", "SET=last"};
    ed_arena *a = ed_arena_new();
    cf_compose c = {0};
    c.vars.items = vars;
    c.vars.n = 4;
    bool unk;
    extern const char *cf_interpolate_string(ed_arena *, const cf_vars *, const char *, size_t,
                                             bool *);
    const char *got = cf_interpolate_string(a, &c.vars, text, strlen(text), &unk);
    if (strcmp(got, expected) != 0 || unk != unknown)
        print_error("%s -> \"%s\" (unknown %d), expected \"%s\" (%d)\n", text, got, unk, expected,
                    unknown);
    assert_string_equal(got, expected);
    assert_int_equal(unk, unknown);
    ed_arena_free(a);
}

static void test_interpolation_forms(void **state)
{
    check_interp("plain", "plain", false);
    check_interp("$SET", "last", false); /* the last definition wins */
    check_interp("${SET}", "last", false);
    check_interp("a${SET}b$SET.c", "alastblast.c", false);
    check_interp("$UNSET", "$UNSET", true);
    check_interp("${UNSET}", "${UNSET}", true);
    check_interp("${UNSET:-dflt}", "dflt", false);
    check_interp("${UNSET-dflt}", "dflt", false);
    check_interp("${EMPTY:-dflt}", "dflt", false);
    check_interp("${EMPTY-dflt}", "", false);
    check_interp("${SET:-dflt}", "last", false);
    check_interp("${UNSET:?must be set}", "${UNSET:?must be set}", true);
    check_interp("${UNSET?must be set}", "${UNSET?must be set}", true);
    check_interp("${EMPTY:?err}", "${EMPTY:?err}", true);
    check_interp("${EMPTY?err}", "", false);
    check_interp("${SET:?err}", "last", false);
    check_interp("${SET:+alt}", "alt", false);
    check_interp("${EMPTY:+alt}", "", false);
    check_interp("${EMPTY+alt}", "alt", false);
    check_interp("${UNSET+alt}", "", false);
    check_interp("${UNSET:-${NESTED}}", "inner", false);
    check_interp("${UNSET:-${ALSO_UNSET:-deep}}", "deep", false);
    check_interp("${UNSET:-${ALSO_UNSET}}", "${ALSO_UNSET}", true);
    check_interp("${UNSET:-a:b}", "a:b", false);
    check_interp("$$SET", "$SET", false);
    check_interp("$${SET}", "${SET}", false);
    check_interp("cost: 5$", "cost: 5$", false);
    check_interp("$-x", "$-x", false);
    check_interp("${SET", "${SET", true);         /* unclosed */
    check_interp("${SET/a/b}", "${SET/a/b}", true); /* not Compose syntax */
    check_interp("${1X}", "${1X}", true);
}

static void test_interpolated_values(void **state)
{
    static const char *const vars[] = {"CUDA=12.4.1", "TAG=runtime"};
    model m;
    const cf_compose *c =
        build_with(&m, "compose.yaml",
                   "services:\n"
                   "  a:\n"
                   "    image: nvidia/cuda:${CUDA}-${TAG:-base}-ubuntu22.04\n"
                   "    deploy:\n"
                   "      resources:\n"
                   "        reservations:\n"
                   "          devices:\n"
                   "            - driver: ${GPU_DRIVER:-nvidia}\n"
                   "              count: ${GPU_COUNT:-1}\n"
                   "              capabilities: [gpu]\n"
                   "  b:\n"
                   "    image: ${REGISTRY}/app:latest\n"
                   "    runtime: ${RUNTIME}\n"
                   "    gpus:\n"
                   "      - driver: ${DRV}\n"
                   "  c:\n"
                   "    image: \"$${NOT_A_VAR}\"\n",
                   vars, 2);
    const cf_service *a = service(c, "a");
    assert_string_equal(a->image.value, "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
    assert_false(a->image.unknown);
    assert_true(a->image_ok);
    assert_int_equal(a->image_facts.vendor, KB_VENDOR_NVIDIA);
    assert_int_equal(a->image_facts.cuda.major, 12);
    /* §4.2 item 7: the default of the driver is used, not the raw text */
    assert_string_equal(a->devices[0].driver_text.value, "nvidia");
    assert_false(a->devices[0].driver_text.unknown);
    assert_string_equal(a->devices[0].count_text.value, "1");
    assert_true(a->devices[0].nvidia);
    assert_true(a->requests_gpu);
    const cf_service *b = service(c, "b");
    assert_true(b->image.unknown);
    assert_false(b->image_ok); /* never guessed */
    assert_int_equal(b->image_facts.vendor, KB_VENDOR_UNKNOWN);
    assert_true(b->runtime_text.unknown);
    assert_true(b->devices[0].driver_text.unknown);
    assert_true(b->requests_gpu); /* a gpus: entry */
    const cf_service *s = service(c, "c");
    assert_string_equal(s->image.value, "${NOT_A_VAR}");
    assert_false(s->image_ok);

    /* cf_interpolate on nodes */
    cf_text t = cf_interpolate(m.a, c, a->image.node);
    assert_string_equal(t.value, "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
    t = cf_interpolate(m.a, c, NULL);
    assert_null(t.value);
    assert_null(t.node);
    t = cf_interpolate(m.a, c, a->node); /* a map: no value */
    assert_null(t.value);
    assert_ptr_equal(t.node, a->node);
    done(&m);
}

static void test_dotenv(void **state)
{
    ed_arena *a = ed_arena_new();
    cf_vars v;
    const char *text = "# comment\n"
                       "CUDA=12.4.1\n"
                       "export TAG=runtime\n"
                       "  SPACED = value with spaces  # note\n"
                       "QUOTED='single # not a comment'\n"
                       "DQ=\"a\\nb\"\n"
                       "EMPTY=\n"
                       "FROM_SHELL\n"
                       "HASH=a#b\r\n";
    cf_vars_parse(a, text, strlen(text), &v);
    assert_int_equal(v.n, 7);
    assert_string_equal(v.items[0], "CUDA=12.4.1");
    assert_string_equal(v.items[1], "TAG=runtime");
    assert_string_equal(v.items[2], "SPACED=value with spaces");
    assert_string_equal(v.items[3], "QUOTED=single # not a comment");
    assert_string_equal(v.items[4], "DQ=a\nb");
    assert_string_equal(v.items[5], "EMPTY=");
    assert_string_equal(v.items[6], "HASH=a#b");
    char err[128];
    assert_false(cf_vars_read(a, "/nonexistent/.env", &v, err, sizeof err));
    ed_arena_free(a);
}

/* --- anchors, merge keys, flow style, documents ------------------------ */

static void test_anchors_and_merge_keys(void **state)
{
    model m;
    const cf_compose *c = build(&m, "x-gpu: &gpu\n"
                                    "  deploy:\n"
                                    "    resources:\n"
                                    "      reservations:\n"
                                    "        devices:\n"
                                    "          - driver: nvidia\n"
                                    "            count: 1\n"
                                    "            capabilities: [gpu]\n"
                                    "x-env: &env\n"
                                    "  NVIDIA_VISIBLE_DEVICES: all\n"
                                    "services:\n"
                                    "  a:\n"
                                    "    <<: *gpu\n"
                                    "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                                    "    environment: *env\n"
                                    "  b:\n"
                                    "    image: pytorch/pytorch\n"
                                    "    <<: *gpu\n");
    assert_no_shape_errors(c);
    const cf_service *a = service(c, "a");
    assert_true(a->requests_gpu);
    assert_int_equal(a->ndevices, 1);
    /* positions are where the anchored map is written */
    assert_node_at(m, a->devices[0].node, 6, 13, 8, 32);
    assert_node_at(m, a->devices[0].count->value, 7, 20, 7, 21);
    assert_string_equal(cf_service_env(a, "NVIDIA_VISIBLE_DEVICES")->value.value, "all");
    assert_node_at(m, cf_service_env(a, "NVIDIA_VISIBLE_DEVICES")->key, 10, 3, 10, 25);
    const cf_service *b = service(c, "b");
    assert_true(b->requests_gpu);
    assert_ptr_equal(b->devices[0].node, a->devices[0].node);
    done(&m);
}

static void test_flow_style(void **state)
{
    model m;
    const cf_compose *c = build(&m, "{services: {app: {image: \"nvidia/cuda:12.4.1-base-ubuntu22.04\", "
                                    "gpus: all, environment: [A=1]}, web: {image: nginx}}}\n");
    assert_no_shape_errors(c);
    assert_int_equal(c->nservices, 2);
    const cf_service *s = service(c, "app");
    assert_true(s->requests_gpu);
    assert_node_at(m, s->pair->key, 1, 13, 1, 16);
    assert_node_at(m, s->image.node, 1, 26, 1, 63);
    assert_node_at(m, s->devices[0].node, 1, 71, 1, 74);
    assert_false(service(c, "web")->requests_gpu);
    done(&m);
}

/* compose-go reads every document and merges them in order. */
static void test_documents_merged(void **state)
{
    model m;
    const cf_compose *c = build(&m, "version: '3'\n"
                                    "services:\n"
                                    "  app:\n"
                                    "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                                    "---\n"
                                    "---\n"
                                    "services:\n"
                                    "  app:\n"
                                    "    gpus: all\n"
                                    "  web:\n"
                                    "    image: nginx\n");
    assert_no_shape_errors(c);
    assert_int_equal(c->nservices, 2);
    const cf_service *s = service(c, "app");
    assert_string_equal(s->image.value, "nvidia/cuda:12.4.1-base-ubuntu22.04");
    assert_true(s->requests_gpu);
    assert_node_at(m, s->devices[0].node, 9, 11, 9, 14);
    assert_node_at(m, c->version->key, 1, 1, 1, 8);
    assert_ptr_equal(c->root, m.y->docs[0]);
    done(&m);
}

/* --- extends (§4.2 item 6) --------------------------------------------- */

static void test_extends_same_file(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  base:\n"
                                    "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                                    "    environment:\n"
                                    "      A: base\n"
                                    "      B: base\n"
                                    "    deploy:\n"
                                    "      resources:\n"
                                    "        reservations:\n"
                                    "          devices:\n"
                                    "            - capabilities: [gpu]\n"
                                    "              count: all\n"
                                    "  train:\n"
                                    "    extends:\n"
                                    "      service: base\n"
                                    "    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                    "    environment:\n"
                                    "      - B=train\n"
                                    "      - C=train\n"
                                    "  short:\n"
                                    "    extends: train\n"
                                    "  chained:\n"
                                    "    extends: {service: short}\n"
                                    "    gpus: all\n");
    assert_no_shape_errors(c);
    const cf_service *t = service(c, "train");
    assert_true(t->requests_gpu);
    assert_string_equal(t->image.value, "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
    assert_node_at(m, t->image.node, 16, 12, 16, 50);
    assert_node_at(m, t->devices[0].node, 11, 15, 12, 25); /* written in base */
    assert_string_equal(cf_service_env(t, "A")->value.value, "base");
    assert_string_equal(cf_service_env(t, "B")->value.value, "train");
    assert_string_equal(cf_service_env(t, "C")->value.value, "train");
    assert_int_equal(t->nenv, 3);
    assert_ptr_equal(t->node, t->pair->value);
    assert_node_at(m, t->extends->key, 14, 5, 14, 12);
    assert_false(t->incomplete);
    const cf_service *s = service(c, "short");
    assert_string_equal(s->image.value, "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
    assert_true(s->requests_gpu);
    const cf_service *ch = service(c, "chained");
    assert_int_equal(ch->ndevices, 2);
    assert_true(ch->devices[1].from_gpus);
    /* the base itself is unchanged */
    const cf_service *b = service(c, "base");
    assert_int_equal(b->nenv, 2);
    assert_string_equal(cf_service_env(b, "B")->value.value, "base");
    done(&m);
}

static void test_extends_errors(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  a:\n"
                                    "    extends: missing\n"
                                    "  b:\n"
                                    "    extends: c\n"
                                    "  c:\n"
                                    "    extends: b\n"
                                    "  d:\n"
                                    "    extends: {file: nope.yaml}\n"
                                    "  e:\n"
                                    "    extends: ${UNSET}\n");
    assert_true(service(c, "a")->incomplete);
    assert_true(service(c, "b")->incomplete || service(c, "c")->incomplete);
    assert_true(service(c, "e")->incomplete);
    assert_int_equal(c->nerrors, 3);
    assert_string_equal(c->errors[0].message, "extends names no service \"missing\" in this file");
    assert_at(m, c->errors[0].start, 3, 14);
    assert_string_equal(c->errors[2].message, "extends needs service: (the service to extend)");
    done(&m);
}

static char tmpdir[] = "/tmp/env-doctor-compose-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

static const char *tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
}

static void test_extends_other_file(void **state)
{
    write_file("common.yaml", "services:\n"
                              "  gpu-base:\n"
                              "    runtime: nvidia\n"
                              "    build: ./trainer\n"
                              "    environment:\n"
                              "      NVIDIA_VISIBLE_DEVICES: all\n"
                              "  other:\n"
                              "    extends: gpu-base\n"
                              "    image: x\n");
    char path[512];
    model m;
    const cf_compose *c = build_with(&m, tmp_path(path, sizeof path, "compose.yaml"),
                                     "services:\n"
                                     "  app:\n"
                                     "    extends:\n"
                                     "      file: common.yaml\n"
                                     "      service: other\n"
                                     "  missing:\n"
                                     "    extends: {file: absent.yaml, service: x}\n",
                                     NULL, 0);
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "app");
    assert_false(s->incomplete);
    assert_true(s->requests_gpu);
    assert_string_equal(s->runtime_text.value, "nvidia");
    assert_string_equal(s->image.value, "x");
    /* inherited nodes are shown at the extends: key */
    assert_node_at(m, s->runtime->key, 3, 5, 3, 12);
    assert_node_at(m, s->runtime->value, 3, 5, 3, 12);
    assert_node_at(m, cf_service_env(s, "NVIDIA_VISIBLE_DEVICES")->key, 3, 5, 3, 12);
    /* its build path is relative to that file's folder */
    char expected[600];
    snprintf(expected, sizeof expected, "%s/trainer/Dockerfile", tmpdir);
    assert_string_equal(s->dockerfile_path, expected);
    assert_true(service(c, "missing")->incomplete);
    assert_true(cf_node_inherited(c, s->runtime->value));
    assert_false(cf_node_inherited(c, s->extends->key));
    assert_false(cf_node_inherited(c, s->pair->key));
    done(&m);
}

/* --- build ------------------------------------------------------------- */

static void test_build_forms(void **state)
{
    static const char *const vars[] = {"V=2.5.1"};
    model m;
    const cf_compose *c = build_with(&m, "proj/compose.yaml",
                                     "services:\n"
                                     "  short:\n"
                                     "    build: ./app\n"
                                     "  long:\n"
                                     "    build:\n"
                                     "      context: docker\n"
                                     "      dockerfile: train.Dockerfile\n"
                                     "      target: runtime\n"
                                     "      args:\n"
                                     "        TORCH: ${V}\n"
                                     "        CUDA: 12.4.1\n"
                                     "        FROM_ENV:\n"
                                     "        UNKNOWN: ${NOPE}\n"
                                     "  list:\n"
                                     "    build:\n"
                                     "      context: .\n"
                                     "      dockerfile: /abs/Dockerfile\n"
                                     "      args: [A=1, B, \"C=${V}\"]\n"
                                     "  inline:\n"
                                     "    build:\n"
                                     "      dockerfile_inline: |\n"
                                     "        FROM nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                                     "  remote:\n"
                                     "    build: https://github.com/acme/app.git#main\n"
                                     "  nobuild:\n"
                                     "    image: nginx\n",
                                     vars, 1);
    assert_no_shape_errors(c);
    const cf_service *s = service(c, "short");
    assert_string_equal(s->build_context.value, "./app");
    assert_string_equal(s->dockerfile_path, "proj/app/Dockerfile");
    assert_string_equal(s->build_context_dir, "proj/app");
    assert_node_at(m, s->build->key, 3, 5, 3, 10);
    s = service(c, "long");
    assert_string_equal(s->dockerfile_path, "proj/docker/train.Dockerfile");
    assert_string_equal(s->build_target.value, "runtime");
    assert_int_equal(s->nbuild_args, 2);
    assert_string_equal(s->build_args[0], "TORCH=2.5.1");
    assert_string_equal(s->build_args[1], "CUDA=12.4.1");
    s = service(c, "list");
    assert_string_equal(s->dockerfile_path, "/abs/Dockerfile");
    assert_string_equal(s->build_context_dir, "proj");
    assert_int_equal(s->nbuild_args, 2);
    assert_string_equal(s->build_args[1], "C=2.5.1");
    s = service(c, "inline");
    assert_null(s->dockerfile_path);
    assert_string_equal(s->build_dockerfile_inline.value,
                        "FROM nvidia/cuda:12.4.1-base-ubuntu22.04\n");
    s = service(c, "remote");
    assert_non_null(s->build);
    assert_null(s->dockerfile_path);
    s = service(c, "nobuild");
    assert_null(s->build);
    assert_null(s->dockerfile_path);
    assert_null(s->built);
    assert_int_equal(s->built_stage, -1);

    size_t n;
    cf_build_link *links = cf_compose_links(m.a, c, &n);
    assert_int_equal(n, 4);
    assert_string_equal(links[0].path, "proj/app/Dockerfile");
    assert_null(links[3].path);
    assert_non_null(links[3].inline_text);
    done(&m);

    c = build(&m, "services:\n  app:\n    build: [x]\n");
    assert_int_equal(c->nerrors, 1);
    assert_string_equal(c->errors[0].message,
                        "build must be a string (the context) or a mapping, not a list");
    done(&m);
}

/* --- merging -f files -------------------------------------------------- */

static void test_merge_rules(void **state)
{
    ed_arena *a = ed_arena_new();
    const char *text = "services:\n"
                       "  app:\n"
                       "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                       "    runtime: nvidia\n"
                       "    environment: {A: '1', B: '1'}\n"
                       "    volumes: [/a:/data, /b:/b]\n"
                       "    gpus: all\n"
                       "    build: {context: ., args: {X: '1', Y: '1'}}\n"
                       "  keep:\n"
                       "    image: nginx\n"
                       "\n"
                       "services:\n"
                       "  app:\n"
                       "    image: nvidia/cuda:12.6.3-base-ubuntu22.04\n"
                       "    runtime: !reset null\n"
                       "    environment: [B=2, C=2]\n"
                       "    volumes: [/c:/data]\n"
                       "    build: {args: [Y=2]}\n"
                       "    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}\n"
                       "  added:\n"
                       "    gpus: all\n";
    ed_source src;
    ed_source_init(&src, a, "compose.yaml", text, strlen(text));
    /* the two halves as two trees over one source */
    const char *second = strstr(text + 10, "services:");
    size_t cut = (size_t)(second - text);
    char *first_half = ed_arena_strdup(a, text);
    memset(first_half + cut, '\n', strlen(text) - cut);
    char *second_half = ed_arena_strdup(a, text);
    memset(second_half, '\n', cut);
    ed_source s1, s2;
    ed_source_init(&s1, a, "compose.yaml", first_half, strlen(text));
    ed_source_init(&s2, a, "compose.yaml", second_half, strlen(text));
    cf_compose *base = cf_compose_build(a, &src, cf_yaml_parse(a, &s1, NULL), NULL, kb_get());
    cf_compose *over = cf_compose_build(a, &src, cf_yaml_parse(a, &s2, NULL), NULL, kb_get());
    cf_compose *c = cf_compose_merge(a, base, over, kb_get());
    assert_int_equal(c->nservices, 3);
    assert_int_equal(c->nyamls, 2);
    const cf_service *s = service(c, "app");
    assert_string_equal(s->image.value, "nvidia/cuda:12.6.3-base-ubuntu22.04");
    assert_int_equal(s->image_facts.cuda.minor, 6);
    assert_null(s->runtime); /* !reset */
    assert_int_equal(s->nenv, 3);
    assert_string_equal(cf_service_env(s, "A")->value.value, "1");
    assert_string_equal(cf_service_env(s, "B")->value.value, "2");
    assert_string_equal(cf_service_env(s, "C")->value.value, "2");
    assert_int_equal(s->nvolumes, 2); /* /data replaced by target */
    assert_string_equal(s->volumes[0].source, "/c");
    assert_string_equal(s->volumes[1].source, "/b");
    assert_int_equal(s->ndevices, 2); /* appended */
    assert_true(s->devices[0].from_gpus);
    assert_false(s->devices[1].from_gpus);
    assert_int_equal(s->nbuild_args, 2);
    assert_string_equal(s->build_args[0], "X=1");
    assert_string_equal(s->build_args[1], "Y=2");
    assert_true(s->requests_gpu);
    assert_non_null(service(c, "keep"));
    assert_true(service(c, "added")->requests_gpu);
    /* the inputs are unchanged */
    assert_int_equal(service(base, "app")->nenv, 2);
    assert_int_equal(service(base, "app")->ndevices, 1);
    assert_non_null(service(base, "app")->runtime);
    ed_arena_free(a);
}

/* --- the lint entry point ---------------------------------------------- */

static ed_source *source_of(ed_arena *a, const char *path, const char *text)
{
    ed_source *src = ed_arena_alloc(a, sizeof *src);
    ed_source_init(src, a, path, ed_arena_strdup(a, text), strlen(text));
    return src;
}

static size_t count_rule(const ed_file_result *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        n += strcmp(r->findings[i].rule->id, id) == 0;
    return n;
}

static const ed_finding *find_rule(const ed_file_result *r, const char *id)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].rule->id, id) == 0)
            return &r->findings[i];
    return NULL;
}

static void test_lint_yaml_errors(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_file_result out, *linked;
    size_t nlinked;
    ed_lint_compose(a, source_of(a, "c.yaml", "services:\n  app:\n    image: x\n   bad: [\n"), NULL,
                    &out, &linked, &nlinked);
    assert_int_equal(out.kind, ED_KIND_COMPOSE);
    assert_int_equal(nlinked, 0);
    const ed_finding *f = find_rule(&out, "ED001");
    assert_non_null(f);
    assert_int_equal(f->begin.line, 4);

    ed_lint_compose(a, source_of(a, "c.yaml", "services: [app]\n"), NULL, &out, &linked, &nlinked);
    f = find_rule(&out, "ED001");
    assert_non_null(f);
    assert_int_equal(f->begin.line, 1);
    assert_int_equal(f->begin.column, 11);

    ed_lint_compose(a, source_of(a, "c.yaml", "services:\n  a: {image: x}\n  a: {image: y}\n"),
                    NULL, &out, NULL, NULL);
    f = find_rule(&out, "ED001");
    assert_non_null(f);
    assert_int_equal(f->begin.line, 3);

    ed_lint_compose(a, source_of(a, "c.yaml", "# nothing\n"), NULL, &out, NULL, NULL);
    assert_int_equal(count_rule(&out, "ED001"), 1);
    assert_string_equal(out.findings[0].message,
                        "empty compose file: Compose needs at least a services: mapping");

    ed_lint_compose(a, source_of(a, "c.yaml", "services: {}\n"), NULL, &out, NULL, NULL);
    assert_int_equal(out.nfindings, 0);
    ed_arena_free(a);
}

static void test_lint_too_large(void **state)
{
    ed_arena *a = ed_arena_new();
    size_t len = (size_t)9 << 20;
    char *big = ed_arena_alloc(a, len + 1);
    memset(big, '#', len);
    for (size_t i = 99; i < len; i += 100)
        big[i] = '\n';
    ed_source src;
    ed_source_init(&src, a, "big.yaml", big, len);
    ed_file_result out;
    ed_lint_compose(a, &src, NULL, &out, NULL, NULL);
    assert_int_equal(out.nfindings, 1);
    assert_string_equal(out.findings[0].rule->id, "ED001");
    assert_string_equal(out.findings[0].message,
                        "file is larger than the 8 MiB limit: not linted (raise the limit with "
                        "--max-file-size)");
    assert_int_equal(out.findings[0].begin.line, 1);
    ed_arena_free(a);
}

static void test_lint_links_dockerfile(void **state)
{
    char path[512];
    write_file("Dockerfile.gpu", "ARG CUDA=12.1.0\n"
                                 "FROM nvidia/cuda:${CUDA}-devel-ubuntu22.04 AS build\n"
                                 "FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS runtime\n"
                                 "RUN pip install torch==2.5.1\n"
                                 "FROM python:3.12-slim AS cpu\n");
    ed_arena *a = ed_arena_new();
    const char *text = "services:\n"
                       "  train:\n"
                       "    build:\n"
                       "      context: .\n"
                       "      dockerfile: Dockerfile.gpu\n"
                       "      target: runtime\n"
                       "      args: {CUDA: 12.4.1}\n"
                       "  cpu:\n"
                       "    build: {dockerfile: Dockerfile.gpu, args: [CUDA=11.8.0]}\n"
                       "  gone:\n"
                       "    build: {dockerfile: Missing.Dockerfile}\n"
                       "  inline:\n"
                       "    build:\n"
                       "      dockerfile_inline: \"FROM ubuntu:22.04\\nRUN apt-get install -y nvidia-driver-535\\n\"\n";
    ed_source *src = source_of(a, tmp_path(path, sizeof path, "compose.yaml"), text);
    const ed_source *files[1] = {src};
    ed_file_result *res;
    size_t n;
    ed_lint_compose_files(a, files, 1, NULL, &res, &n);
    assert_int_equal(n, 3); /* the compose file, Dockerfile.gpu once, the inline one */
    assert_int_equal(res[0].kind, ED_KIND_COMPOSE);
    assert_int_equal(res[1].kind, ED_KIND_DOCKERFILE);
    char df[600];
    snprintf(df, sizeof df, "%s/Dockerfile.gpu", tmpdir);
    assert_string_equal(res[1].path, df);
    assert_non_null(res[1].gpu);
    assert_int_equal(res[1].gpu->nstages, 3);
    /* linted with the first service's args: CUDA 12.4.1 */
    assert_int_equal(res[1].gpu->stages[1].image.cuda.minor, 4);
    assert_int_equal(res[2].kind, ED_KIND_DOCKERFILE);
    assert_non_null(strstr(res[2].path, "services.inline.build.dockerfile_inline"));
    assert_non_null(find_rule(&res[2], "ED301"));
    /* its text is a YAML value, not a file: no fix could be written */
    assert_null(find_rule(&res[2], "ED301")->fix);
    ed_arena_free(a);

    /* the model side: built and built_stage */
    model m;
    const cf_compose *c = build_with(&m, tmp_path(path, sizeof path, "compose.yaml"), text, NULL, 0);
    size_t nlinks;
    cf_build_link *links = cf_compose_links(m.a, c, &nlinks);
    assert_int_equal(nlinks, 3);
    ed_file_result r;
    ed_source dsrc;
    char err[128];
    assert_true(ed_source_read(&dsrc, m.a, links[0].path, links[0].path, err, sizeof err));
    ed_options o = {.build_args = links[0].first->build_args,
                    .nbuild_args = links[0].first->nbuild_args};
    ed_lint_dockerfile(m.a, &dsrc, &o, &r);
    cf_compose_set_built((cf_compose *)c, &links[0], r.gpu);
    const cf_service *t = service(c, "train");
    assert_ptr_equal(t->built, r.gpu);
    assert_int_equal(t->built_stage, 1);
    assert_true(t->built->stages[t->built_stage].gpu_intended);
    const cf_service *cpu = service(c, "cpu");
    assert_int_equal(cpu->built_stage, 2); /* no target: the last stage */
    assert_false(cpu->built->stages[cpu->built_stage].gpu_intended);
    assert_null(service(c, "gone")->built);
    done(&m);
}

/* Several files share one offset space: findings land in their own file
 * with positions in that file. */
static void test_lint_several_files(void **state)
{
    ed_arena *a = ed_arena_new();
    const ed_source *files[2] = {
        source_of(a, "compose.yaml", "services:\n  app:\n    image: nginx\n"),
        source_of(a, "compose.override.yaml", "\xEF\xBB\xBF"
                                              "services:\n"
                                              "  app:\n"
                                              "    environment: [A=1]\n"
                                              "  bad:\n"
                                              "  gpu:\n"
                                              "    gpus: [nvidia]\n"),
    };
    ed_file_result *res;
    size_t n;
    ed_lint_compose_files(a, files, 2, NULL, &res, &n);
    assert_int_equal(n, 2);
    assert_string_equal(res[0].path, "compose.yaml");
    assert_string_equal(res[1].path, "compose.override.yaml");
    assert_int_equal(res[0].nfindings, 0);
    assert_int_equal(count_rule(&res[1], "ED001"), 2);
    assert_int_equal(res[1].findings[0].begin.line, 4);
    assert_int_equal(res[1].findings[0].begin.column, 3);
    assert_int_equal(res[1].findings[1].begin.line, 6);
    assert_int_equal(res[1].findings[1].begin.column, 12);
    assert_ptr_equal(res[1].src, files[1]);

    /* a syntax error in the second file */
    files[1] = source_of(a, "b.yaml", "services:\n  x: [\n");
    ed_lint_compose_files(a, files, 2, NULL, &res, &n);
    assert_int_equal(res[0].nfindings, 0);
    assert_int_equal(count_rule(&res[1], "ED001"), 1);
    assert_int_equal(res[1].findings[0].begin.line, 3);

    /* a fix that removes the last line of a file without a final line
     * break stops at the file's end (not on the line break after it) */
    const char *nginx = "services:\n  app:\n    image: nginx\n";
    for (size_t i = 0; i < 2; i++) {
        files[i] = source_of(a, "compose.yaml", ed_arena_printf(a, "%sversion: \"3.8\"", nginx));
        files[1 - i] = source_of(a, "compose.override.yaml", nginx);
        ed_lint_compose_files(a, files, 2, NULL, &res, &n);
        const ed_finding *ed410 = find_rule(&res[i], "ED410");
        assert_non_null(ed410);
        assert_non_null(ed410->fix);
        assert_int_equal(ed410->fix->start, strlen(nginx));
        assert_int_equal(ed410->fix->end, files[i]->len);
    }
    ed_arena_free(a);
}

static void test_lint_include(void **state)
{
    char path[512];
    write_file("inc.yaml", "services:\n  inc:\n    image: x\n  broken:\n");
    ed_arena *a = ed_arena_new();
    const ed_source *files[1] = {source_of(a, tmp_path(path, sizeof path, "main.yaml"),
                                           "include:\n"
                                           "  - inc.yaml\n"
                                           "  - path: [inc.yaml, absent.yaml]\n"
                                           "services:\n"
                                           "  app: {image: nginx}\n")};
    ed_file_result *res;
    size_t n;
    ed_lint_compose_files(a, files, 1, NULL, &res, &n);
    assert_int_equal(n, 2); /* inc.yaml once, absent.yaml skipped */
    assert_int_equal(res[1].kind, ED_KIND_COMPOSE);
    assert_non_null(strstr(res[1].path, "inc.yaml"));
    assert_int_equal(count_rule(&res[1], "ED001"), 1);
    assert_int_equal(res[1].findings[0].begin.line, 4);
    ed_arena_free(a);
}


/* A service cut short by a syntax error is left out: no rule judges half
 * of it (here: an image without the GPU request written after it). */
static void test_truncated_service_left_out(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  a: {image: nginx}\n"
                                    "  b:\n"
                                    "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                                    "    gpus: [\n");
    assert_true(m.y->truncated);
    assert_int_equal(c->nservices, 1);
    assert_string_equal(c->services[0].name, "a");
    assert_int_equal(c->nerrors, 0);
    done(&m);
}

static void test_profiles_ignored(void **state)
{
    model m;
    const cf_compose *c = build(&m, "services:\n"
                                    "  app: {image: nginx}\n"
                                    "  debug:\n"
                                    "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                                    "    profiles: [debug]\n");
    assert_int_equal(c->nservices, 2);
    assert_non_null(service(c, "debug")->node);
    done(&m);
}

static void test_paths_cleaned(void **state)
{
    model m;
    const cf_compose *c = build_with(&m, "proj/sub/compose.yaml",
                                     "services:\n"
                                     "  a: {build: ./app/../docker/}\n"
                                     "  b: {build: ../other}\n"
                                     "  c: {build: {context: /abs/./x//y, dockerfile: ../Dockerfile}}\n"
                                     "  d: {build: {context: ., dockerfile: ./sub/../Dockerfile.gpu}}\n"
                                     "  e: {build: ../../../up}\n",
                                     NULL, 0);
    assert_string_equal(service(c, "a")->dockerfile_path, "proj/sub/docker/Dockerfile");
    assert_string_equal(service(c, "b")->dockerfile_path, "proj/other/Dockerfile");
    assert_string_equal(service(c, "c")->dockerfile_path, "/abs/x/Dockerfile");
    assert_string_equal(service(c, "c")->build_context_dir, "/abs/x/y");
    assert_string_equal(service(c, "d")->dockerfile_path, "proj/sub/Dockerfile.gpu");
    assert_string_equal(service(c, "e")->dockerfile_path, "../up/Dockerfile");
    done(&m);
    /* standard input: relative to the current folder */
    c = build_with(&m, "<stdin>", "services:\n  a: {build: ./app}\n", NULL, 0);
    assert_null(c->dir);
    assert_string_equal(service(c, "a")->dockerfile_path, "app/Dockerfile");
    done(&m);
}

/* Hostile YAML through the lint entry point: a clear ED001, quickly. */
static void test_hostile_yaml(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_file_result out;
    const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                       "services: {app: {image: nginx, x-bomb: *g}}\n";
    ed_lint_compose(a, source_of(a, "bomb.yaml", bomb), NULL, &out, NULL, NULL);
    const ed_finding *f = find_rule(&out, "ED001");
    assert_non_null(f);
    assert_non_null(strstr(f->message, "alias expansion exceeds"));

    size_t depth = 10000;
    char *deep = ed_arena_alloc(a, depth * 2 + 64);
    strcpy(deep, "services: ");
    size_t n = strlen(deep);
    for (size_t i = 0; i < depth; i++)
        deep[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[n++] = ']';
    deep[n++] = '\n';
    deep[n] = '\0';
    ed_lint_compose(a, source_of(a, "deep.yaml", deep), NULL, &out, NULL, NULL);
    f = find_rule(&out, "ED001");
    assert_non_null(f);
    assert_non_null(strstr(f->message, "nesting deeper than"));

    ed_lint_compose(a, source_of(a, "utf8.yaml", "services:\n  app:\n    image: \"\xFF\xFE\"\n"),
                    NULL, &out, NULL, NULL);
    f = find_rule(&out, "ED001");
    assert_non_null(f);
    assert_int_equal(f->begin.line, 3);
    ed_lint_compose(a, source_of(a, "nul.yaml", "services:\n"), NULL, &out, NULL, NULL);
    ed_source nul;
    ed_source_init(&nul, a, "nul.yaml", "ser\0vices:\n", 11);
    ed_lint_compose(a, &nul, NULL, &out, NULL, NULL);
    assert_int_equal(count_rule(&out, "ED001"), 1);
    ed_arena_free(a);
}

static void test_positions_across_files(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_source f1, f2, all;
    ed_source_init(&f1, a, "a.yaml", "x: 1\ny: 2\n", 10);
    ed_source_init(&f2, a, "b.yaml", "z: 3\n", 5);
    ed_source_init(&all, a, "a.yaml", "x: 1\ny: 2\n\nz: 3\n\n", 17);
    const ed_source *files[2] = {&f1, &f2};
    size_t starts[2] = {0, 11};
    cf_compose c = {0};
    c.src = &all;
    c.files = files;
    c.file_starts = starts;
    c.nfiles = 2;
    const char *path;
    ed_pos p = cf_compose_pos(&c, 5, &path);
    assert_string_equal(path, "a.yaml");
    assert_int_equal(p.line, 2);
    p = cf_compose_pos(&c, 14, &path);
    assert_string_equal(path, "b.yaml");
    assert_int_equal(p.line, 1);
    assert_int_equal(p.column, 4);
    c.nfiles = 0;
    p = cf_compose_pos(&c, 14, &path);
    assert_string_equal(path, "a.yaml");
    assert_int_equal(p.line, 4);
    ed_arena_free(a);
}

static int setup(void **state)
{
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services_and_image),
        cmocka_unit_test(test_not_gpu_images),
        cmocka_unit_test(test_null_service),
        cmocka_unit_test(test_null_image),
        cmocka_unit_test(test_services_not_a_map),
        cmocka_unit_test(test_gpus_all),
        cmocka_unit_test(test_gpus_list),
        cmocka_unit_test(test_deploy_devices),
        cmocka_unit_test(test_runtime_and_cdi),
        cmocka_unit_test(test_environment_forms),
        cmocka_unit_test(test_volumes),
        cmocka_unit_test(test_interpolation_forms),
        cmocka_unit_test(test_interpolated_values),
        cmocka_unit_test(test_dotenv),
        cmocka_unit_test(test_anchors_and_merge_keys),
        cmocka_unit_test(test_flow_style),
        cmocka_unit_test(test_documents_merged),
        cmocka_unit_test(test_extends_same_file),
        cmocka_unit_test(test_extends_errors),
        cmocka_unit_test(test_extends_other_file),
        cmocka_unit_test(test_build_forms),
        cmocka_unit_test(test_merge_rules),
        cmocka_unit_test(test_lint_yaml_errors),
        cmocka_unit_test(test_lint_too_large),
        cmocka_unit_test(test_lint_links_dockerfile),
        cmocka_unit_test(test_lint_several_files),
        cmocka_unit_test(test_lint_include),
        cmocka_unit_test(test_truncated_service_left_out),
        cmocka_unit_test(test_profiles_ignored),
        cmocka_unit_test(test_paths_cleaned),
        cmocka_unit_test(test_hostile_yaml),
        cmocka_unit_test(test_positions_across_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
