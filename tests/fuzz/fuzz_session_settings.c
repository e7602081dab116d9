/* libFuzzer target for the session settings parser (psyphys/session_settings.h), the reader
 * of a session sidecar's HRV settings (psy_session_hrv_config_read) and the check of a beats
 * sidecar's NN counts (psy_session_nn_check) on arbitrary bytes. Contract
 * checked: on success the lists hold their counts of strings and ecg/hr do not both appear; on
 * failure the settings are empty and the reason is given; the HRV settings are read or refused
 * as not JSON / without settings.hrv, with the reason; the NN counts match, differ or are
 * missing, with the reason. */
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    psy_session_settings st;
    psy_message why;
    psy_status rc = psy_session_settings_parse(text, &st, &why);
    if (rc == PSY_OK) {
        if (st.config.ecg && st.config.hr) abort();
        for (size_t i = 0; i < st.config.n_epoch_labels; i++) (void)strlen(st.config.epoch_labels[i]);
        for (size_t i = 0; i < st.n_channel_types; i++) if (!strchr(st.channel_types[i], '=')) abort();
        for (size_t i = 0; i < st.n_units; i++) if (!strchr(st.units[i], '=')) abort();
        for (size_t i = 0; i < st.n_triggers; i++) (void)strlen(st.triggers[i]);
    } else if (st.storage || st.config.ecg || !why.text[0]) {
        abort();
    }
    psy_session_settings_free(&st);
    psy_hrv_config hc;
    why.text[0] = '\0';
    rc = psy_session_hrv_config_read(text, &hc, &why);
    if (rc != PSY_OK && (rc != PSY_E_FORMAT || !why.text[0])) abort();
    /* ... and as a beats sidecar's NN counts (psy_session_nn_check) */
    why.text[0] = '\0';
    rc = psy_session_nn_check(text, 0, 0, &why);
    if (rc != PSY_OK && ((rc != PSY_E_FORMAT && rc != PSY_E_INVALID) || !why.text[0])) abort();
    free(text);
    return 0;
}
