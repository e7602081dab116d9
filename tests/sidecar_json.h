/* A library sidecar parsed as JSON, for tests that check its keys. Include after test_util.h. */
#ifndef PSYPHYS_TEST_SIDECAR_JSON_H
#define PSYPHYS_TEST_SIDECAR_JSON_H

#include <jansson.h>

/* The sidecar's text parsed (the test fails when either step does); json_decref it. */
static inline json_t *sidecar_as_json(const psy_sidecar *sc)
{
    char *text = NULL;
    assert_int_equal(psy_sidecar_text(sc, &text), PSY_OK);
    json_t *o = json_loads(text, 0, NULL);
    psy_sidecar_text_free(text);
    assert_non_null(o);
    return o;
}

#endif
