/* ED003 useless-suppression: an `# env-doctor ... ignore=` pragma that names
 * an unknown rule, is malformed, or suppresses nothing. The engine reports
 * it (src/engine/suppress.c) after every other rule ran, so the rule itself
 * has no check. */
#include "envdoctor/engine.h"

ED_RULE(ed003){
    .id = "ED003",
    .name = "useless-suppression",
    .severity = ED_SEV_INFO,
    .summary = "An env-doctor ignore pragma that names an unknown rule or suppresses nothing",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_COMPOSE | ED_KIND_APPTAINER,
    .check = NULL,
};
