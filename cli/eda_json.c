/* The skin conductance artefacts as JSON (see eda_json.h). */
#include "eda_json.h"
#include "provenance.h"

/* The value a library call set as "v" in an empty sidecar; NULL when it failed. */
static json_t *value_of(psy_sidecar *sc, psy_status st)
{
    json_t *o = st == PSY_OK ? cli_sidecar_json(sc) : NULL;
    json_t *v = json_incref(json_object_get(o, "v"));
    json_decref(o);
    psy_sidecar_free(sc);
    return v;
}

json_t *cli_eda_artifacts_json(const psy_eda_result *r)
{
    psy_sidecar *sc = NULL;
    psy_status st = psy_sidecar_create(&sc);
    return value_of(sc, st == PSY_OK ? psy_sidecar_set_eda_artifacts(sc, "v", r) : st);
}

json_t *cli_eda_artifact_rules_json(const psy_eda_config *c)
{
    psy_sidecar *sc = NULL;
    psy_status st = psy_sidecar_create(&sc);
    return value_of(sc, st == PSY_OK ? psy_sidecar_set_eda_artifact_rules(sc, "v", c) : st);
}
