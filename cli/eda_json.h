/* The skin conductance artefacts as JSON for psyphys eda's sidecar (the library's:
 * psy_sidecar_set_eda_artifacts, _rules). */
#ifndef PSYPHYS_CLI_EDA_JSON_H
#define PSYPHYS_CLI_EDA_JSON_H

#include <jansson.h>
#include "psyphys.h"

/* Seconds per kind (missing, below/above the range, slope, flat, drop, transition), the seconds
 * excluded in all, those with spikes repaired, the flagged fraction. */
json_t *cli_eda_artifacts_json(const psy_eda_result *r);

/* The artefact rules and their settings. */
json_t *cli_eda_artifact_rules_json(const psy_eda_config *c);

#endif
