/* Which kind of file a path holds: a Dockerfile, a Compose file or an
 * Apptainer definition, told from its name (and, for names that other
 * tools use too, from its first lines). */
#ifndef ENVDOCTOR_FILEKIND_H
#define ENVDOCTOR_FILEKIND_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/engine.h"

/* The kind a file name denotes on its own: Dockerfile, Containerfile,
 * Dockerfile.*, Containerfile.*, *.Dockerfile, *.dockerfile,
 * *.Containerfile, *.containerfile (ED_KIND_DOCKERFILE; not Dockerfile.dockerignore,
 * documents such as Dockerfile.md, templates such as Dockerfile.j2 or
 * .template, editor and patch leftovers); compose*.yaml|yml,
 * docker-compose*.yaml|yml (ED_KIND_COMPOSE). Only the base name counts.
 * 0 for anything else, including names that need the content (see below). */
ed_file_kind ed_kind_from_name(const char *path);

/* Whether the name is one Apptainer definitions use but others do too
 * (*.def, Singularity, Singularity.*, Apptainer, Apptainer.*): the content
 * decides (ed_has_bootstrap_header). */
bool ed_name_may_be_apptainer(const char *path);

/* Whether the text starts, after blank and comment lines, with an Apptainer
 * header line `Bootstrap: ...` (the key in any case). */
bool ed_has_bootstrap_header(const char *data, size_t len);

/* The kind of a file from its name and content; 0 when neither tells. */
ed_file_kind ed_detect_kind(const char *path, const char *data, size_t len);

/* "dockerfile", "compose" or "apptainer" to a kind; 0 for anything else. */
ed_file_kind ed_kind_parse(const char *name);

#endif
