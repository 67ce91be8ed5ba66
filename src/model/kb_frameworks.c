/* TensorFlow (tensorflow.yaml) and JAX (jax.yaml) install facts: the CUDA of
 * a TF release, when [and-cuda] applies, which jax extras and plugins bring
 * CUDA and which need a local toolkit. */
#include <string.h>

#include "kb_internal.h"

/* ---- TensorFlow tables ---------------------------------------------------- */

static const kb_field kb_tf_build_fields[] = {
    KB_FIELD(kb_tf_build, "tf", KB_F_RANGE, tf, true),
    KB_FIELD(kb_tf_build, "cuda", KB_F_VERSION, cuda, true),
    KB_FIELD(kb_tf_build, "cudnn", KB_F_VERSION, cudnn, false),
    KB_META(kb_tf_build),
};
KB_SCHEMA(kb_tf_build_schema, kb_tf_build, "TF build", kb_tf_build_fields);

static const kb_field kb_tf_and_cuda_fields[] = {
    KB_FIELD(kb_tf_and_cuda, "from", KB_F_VERSION, from, true),
    KB_FIELD(kb_tf_and_cuda, "note", KB_F_STR, note, false),
    KB_META(kb_tf_and_cuda),
};
KB_SCHEMA(kb_tf_and_cuda_schema, kb_tf_and_cuda, "and_cuda entry", kb_tf_and_cuda_fields);

static const kb_field kb_tf_stub_fields[] = {
    KB_FIELD(kb_tf_stub, "stub", KB_F_VERSION, stub, true),
    KB_FIELD(kb_tf_stub, "same_code_since", KB_F_VERSION, same_code_since, true),
    KB_FIELD(kb_tf_stub, "note", KB_F_STR, note, false),
    KB_META(kb_tf_stub),
};
KB_SCHEMA(kb_tf_stub_schema, kb_tf_stub, "gpu_stub entry", kb_tf_stub_fields);

/* ---- JAX tables ------------------------------------------------------------ */

static const char *const kb_backend_words[] = {"cpu", "cuda", "rocm", "tpu", NULL};
static const int kb_backend_values[] = {KB_JAX_CPU, KB_JAX_CUDA, KB_JAX_ROCM, KB_JAX_TPU};

static const kb_field kb_jax_extra_fields[] = {
    KB_FIELD(kb_jax_extra, "extra", KB_F_STR, name, true),
    KB_FIELD_ENUM(kb_jax_extra, "backend", backend, true, KB_JAX_CPU, kb_backend_words,
                  kb_backend_values),
    KB_FIELD_DEF(kb_jax_extra, "cuda_major", KB_F_INT, cuda_major, 0),
    KB_FIELD_DEF(kb_jax_extra, "local", KB_F_BOOL, local, 0),
    KB_FIELD(kb_jax_extra, "since", KB_F_STR, since, false),
    KB_FIELD(kb_jax_extra, "removed", KB_F_STR, removed, false),
    KB_FIELD(kb_jax_extra, "alias_of", KB_F_STR, alias_of, false),
    KB_FIELD(kb_jax_extra, "note", KB_F_STR, note, false),
    KB_META(kb_jax_extra),
};
KB_SCHEMA(kb_jax_extra_schema, kb_jax_extra, "jax extra", kb_jax_extra_fields);

static const kb_field kb_jax_plugin_fields[] = {
    KB_FIELD(kb_jax_plugin, "name", KB_F_STR, name, true),
    KB_FIELD_DEF(kb_jax_plugin, "cuda_major", KB_F_INT, cuda_major, 0),
    KB_FIELD(kb_jax_plugin, "bundled_extra", KB_F_STR, bundled_extra, false),
    KB_FIELD(kb_jax_plugin, "note", KB_F_STR, note, false),
    KB_META(kb_jax_plugin),
};
KB_SCHEMA(kb_jax_plugin_schema, kb_jax_plugin, "jax plugin", kb_jax_plugin_fields);

static const kb_field kb_jax_mono_fields[] = {
    KB_FIELD(kb_jax_mono, "label", KB_F_STR, label, true),
    KB_FIELD(kb_jax_mono, "last", KB_F_STR, last, true),
    KB_FIELD(kb_jax_mono, "note", KB_F_STR, note, false),
    KB_META(kb_jax_mono),
};
KB_SCHEMA(kb_jax_mono_schema, kb_jax_mono, "monolithic entry", kb_jax_mono_fields);

static const kb_table kb_framework_tables[] = {
    KB_LIST("tensorflow.yaml", "builds", kb_tf_build_schema, tf_builds, ntf_builds),
    KB_ONE("tensorflow.yaml", "and_cuda", kb_tf_and_cuda_schema, tf_and_cuda),
    KB_ONE("tensorflow.yaml", "gpu_stub", kb_tf_stub_schema, tf_stub),
    KB_LIST("jax.yaml", "extras", kb_jax_extra_schema, jax_extras, njax_extras),
    KB_LIST("jax.yaml", "plugins", kb_jax_plugin_schema, jax_plugins, njax_plugins),
    KB_ONE("jax.yaml", "monolithic", kb_jax_mono_schema, jax_mono),
};

/* PEP 685 extra names: lower case, runs of '-', '_', '.' as one '-'. */
static void kb_extra_normalise(const char *s, char *buf, size_t size)
{
    kb_normalise_name(s, buf, size);
}

static bool kb_frameworks_finish(kb_ctx *ctx)
{
    kb *k = kb_ctx_kb(ctx);
    for (size_t i = 0; i < k->njax_extras; i++) {
        char buf[64];
        kb_jax_extra *e = &k->jax_extras[i];
        kb_extra_normalise(e->name, buf, sizeof buf);
        if (strcmp(buf, e->name) != 0)
            return kb_fail(ctx, NULL, "jax extra %s: write it normalised (%s)", e->name, buf);
    }
    return true;
}

const kb_module kb_module_frameworks = {kb_framework_tables,
                                        sizeof kb_framework_tables / sizeof kb_framework_tables[0],
                                        kb_frameworks_finish};

/* ---- TensorFlow ---------------------------------------------------------------- */

bool kb_tf_cuda(const kb *k, const char *tf_version, kb_version *cuda, kb_verified *verified)
{
    kb_version v;
    if (!kb_version_prefix(tf_version, &v))
        return false;
    for (size_t i = 0; i < k->ntf_builds; i++) {
        const kb_tf_build *b = &k->tf_builds[i];
        if (kb_range_has(&b->tf, v) == KB_YES) {
            *cuda = b->cuda;
            if (verified)
                *verified = b->verified;
            return true;
        }
    }
    return false;
}

kb_tri kb_tf_needs_and_cuda(const kb *k, const char *tf_version)
{
    const kb_tf_and_cuda *a = &k->tf_and_cuda;
    if (!a->source)
        return KB_UNKNOWN;
    if (!tf_version)
        return KB_YES; /* unpinned: the newest release */
    kb_version v;
    if (!kb_version_prefix(tf_version, &v))
        return KB_UNKNOWN;
    kb_range from = {kb_version_fill(a->from, 0), {KB_VMAX, KB_VMAX, KB_VMAX}, NULL};
    kb_tri t = kb_range_has(&from, v);
    return t == KB_NO && !kb_solid(a->verified) ? KB_UNKNOWN : t;
}

/* ---- JAX ---------------------------------------------------------------------- */

const kb_jax_extra *kb_jax_extra_find(const kb *k, const char *extra)
{
    char buf[64];
    if (!extra)
        return NULL;
    kb_extra_normalise(extra, buf, sizeof buf);
    for (size_t i = 0; i < k->njax_extras; i++)
        if (kb_glob(k->jax_extras[i].name, buf))
            return &k->jax_extras[i];
    return NULL;
}

const kb_jax_plugin *kb_jax_plugin_find(const kb *k, const char *normalised_name)
{
    for (size_t i = 0; normalised_name && i < k->njax_plugins; i++)
        if (strcmp(k->jax_plugins[i].name, normalised_name) == 0)
            return &k->jax_plugins[i];
    return NULL;
}

bool kb_jaxlib_is_monolithic_cuda(const kb *k, const char *version, const char **last)
{
    const kb_jax_mono *m = &k->jax_mono;
    if (last)
        *last = m->last;
    return m->label && version && strstr(version, m->label) != NULL;
}
