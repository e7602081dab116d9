/* The JSON lines and OSC messages of a stream's outputs (psyphys/stream_format.h): exact lines of
 * each kind, the reasons of an hrv line's nulls, a status line, short buffers; OSC messages per
 * kind and their encoding, byte for byte as liblo serialises the same message. `psyphys stream`
 * sends these; scripts/compare_outputs.sh checks its lines against the version before the move. */
#include "test_util.h"

#include <lo/lo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

static void json_lines(void **state)
{
    (void)state;
    char line[PSY_STREAM_LINE_MAX];
    psy_stream_output x = {.kind = PSY_STREAM_BEAT, .onset_s = 1.5};
    x.u.beat.sample = 750, x.u.beat.rr_ms = NAN;
    size_t n = psy_stream_json_line(&x, line, sizeof line);
    assert_string_equal(line, "{\"type\":\"beat\",\"onset\":1.500000,\"sample\":750,\"rr_ms\":null}\n");
    assert_int_equal(n, strlen(line));
    x.u.beat.sample = -1, x.u.beat.rr_ms = 812.5;
    psy_stream_json_line(&x, line, sizeof line);
    assert_string_equal(line, "{\"type\":\"beat\",\"onset\":1.500000,\"sample\":null,\"rr_ms\":812.500}\n");

    psy_stream_output h = {.kind = PSY_STREAM_HRV, .onset_s = 60};
    h.u.hrv.rmssd_ms = 41.25, h.u.hrv.sdnn_ms = 50, h.u.hrv.n_time = 70;
    h.u.hrv.lf_ms2 = h.u.hrv.hf_ms2 = h.u.hrv.lf_hf = h.u.hrv.peak_hz = h.u.hrv.peak_power_ms2 = NAN;
    h.u.hrv.coherence_ratio = NAN;
    h.u.hrv.lf_na = h.u.hrv.hf_na = h.u.hrv.lf_hf_na = h.u.hrv.peak_na = "too short";
    h.u.hrv.provisional = 1;
    psy_stream_json_line(&h, line, sizeof line);
    assert_string_equal(line, "{\"type\":\"hrv\",\"onset\":60.000000,\"rmssd_ms\":41.250,\"sdnn_ms\":50.000,"
                              "\"n_time\":70,\"lf_ms2\":null,\"hf_ms2\":null,\"lf_hf\":null,\"peak_hz\":null,"
                              "\"peak_power_ms2\":null,\"coherence_ratio\":null,\"n_freq\":0,\"provisional\":true,"
                              "\"na_reasons\":{\"lf_ms2\":\"too short\",\"hf_ms2\":\"too short\",\"lf_hf\":\"too short\","
                              "\"peak_hz\":\"too short\",\"peak_power_ms2\":\"too short\",\"coherence_ratio\":"
                              "\"too short\"}}\n");
    /* a short buffer leaves fields out, never writes past it */
    char small[40];
    n = psy_stream_json_line(&h, small, sizeof small);
    assert_true(n < sizeof small && strlen(small) == n);
    assert_int_equal(psy_stream_json_line(NULL, line, sizeof line), 0);

    /* a breath's amplitude in 6 significant digits, as the breaths table (ux20 review: 0.000060
     * kept 2 digits of an impedance channel's 6.0123e-05) */
    psy_stream_output b = {.kind = PSY_STREAM_BREATH, .onset_s = 4};
    b.u.breath.peak_s = 5.5, b.u.breath.end_s = 8, b.u.breath.duration_s = 4, b.u.breath.rate_per_min = 15;
    b.u.breath.amplitude = 6.0123456e-05, b.u.breath.rsa_p2t_ms = 31.5, b.u.breath.hr_osc_bpm = 4.25;
    psy_stream_json_line(&b, line, sizeof line);
    assert_string_equal(line, "{\"type\":\"breath\",\"onset\":4.000000,\"peak\":5.500000,\"end\":8.000000,"
                              "\"duration_s\":4.000,\"rate_per_min\":15.000,\"amplitude\":6.01235e-05,"
                              "\"rsa_p2t_ms\":31.500,\"hr_osc_bpm\":4.250}\n");
    b.u.breath.amplitude = 1234.5;
    psy_stream_json_line(&b, line, sizeof line);
    assert_non_null(strstr(line, "\"amplitude\":1234.5,"));

    psy_stream_output st = {.kind = PSY_STREAM_STATUS, .onset_s = 3};
    st.u.status.condition = PSY_STREAM_DROPPED, st.u.status.count = 7;
    psy_stream_json_line(&st, line, sizeof line);
    assert_string_equal(line, "{\"type\":\"status\",\"onset\":3.000000,\"condition\":\"dropped\",\"count\":7}\n");

    n = psy_stream_status_json_line(NAN, "malformed_input", "line 3: \"x\"\tbad", line, sizeof line);
    assert_string_equal(line, "{\"type\":\"status\",\"onset\":null,\"condition\":\"malformed_input\","
                              "\"detail\":\"line 3: \\\"x\\\"\\u0009bad\"}\n");
    assert_int_equal(n, strlen(line));
    assert_int_equal(psy_stream_status_json_line(1, "x", NULL, small, 10), 0);
}

/* liblo's bytes for the same message. */
static size_t lo_bytes(const psy_osc_message *m, uint8_t *buf, size_t cap)
{
    lo_message l = lo_message_new();
    for (int i = 0; i < m->n_args; i++) {
        const psy_osc_arg *a = &m->args[i];
        if (a->type == 'f') lo_message_add_float(l, a->f);
        else if (a->type == 'i') lo_message_add_int32(l, a->i);
        else lo_message_add_string(l, a->s);
    }
    size_t len = lo_message_length(l, m->address);
    assert_true(len <= cap);
    assert_non_null(lo_message_serialise(l, m->address, buf, &len));
    lo_message_free(l);
    return len;
}

static void osc_messages(void **state)
{
    (void)state;
    psy_osc_message m[PSY_STREAM_OSC_MAX];
    uint8_t mine[PSY_OSC_PACKET_MAX], theirs[PSY_OSC_PACKET_MAX];
    psy_stream_output outs[6] = {{.kind = PSY_STREAM_BEAT, .onset_s = 1.25}, {.kind = PSY_STREAM_LABEL, .onset_s = 2},
                                 {.kind = PSY_STREAM_HRV, .onset_s = 60},   {.kind = PSY_STREAM_BREATH, .onset_s = 4},
                                 {.kind = PSY_STREAM_STATUS, .onset_s = 5}, {.kind = PSY_STREAM_SCR, .onset_s = 6}};
    outs[0].u.beat.sample = 625, outs[0].u.beat.rr_ms = NAN;
    outs[1].u.label.sample = 1000, outs[1].u.label.label = PSY_BEAT_ECTOPIC, outs[1].u.label.corrected = 1;
    outs[1].u.label.provisional = 1;
    outs[2].u.hrv.rmssd_ms = 40, outs[2].u.hrv.lf_hf = 1.5, outs[2].u.hrv.coherence_ratio = NAN;
    outs[3].u.breath.duration_s = 4, outs[3].u.breath.rate_per_min = 15;
    outs[4].u.status.condition = PSY_STREAM_PPG_LOST, outs[4].u.status.reason = 1;
    outs[5].u.scr.amplitude_us = 0.25;
    const size_t want_n[] = {1, 1, 4, 1, 1, 1};
    const char *want_first[] = {"/psyphys/beat", "/psyphys/provisional/label", "/psyphys/rmssd", "/psyphys/breath",
                                "/psyphys/status", "/psyphys/scr"};
    for (int k = 0; k < 6; k++) {
        size_t n = psy_stream_osc_messages(&outs[k], m);
        assert_int_equal(n, want_n[k]);
        assert_string_equal(m[0].address, want_first[k]);
        assert_true(m[0].args[0].type == 'f' && m[0].args[0].f == (float)outs[k].onset_s);
        for (size_t i = 0; i < n; i++) {
            size_t a = psy_osc_encode(&m[i], mine, sizeof mine), b = lo_bytes(&m[i], theirs, sizeof theirs);
            assert_true(a > 0 && a % 4 == 0);
            assert_int_equal(a, b);
            assert_memory_equal(mine, theirs, a);
        }
    }
    /* the label's arguments: onset, sample, class name, corrected */
    psy_stream_osc_messages(&outs[1], m);
    assert_int_equal(m[0].n_args, 4);
    assert_int_equal(m[0].args[1].i, 1000);
    assert_string_equal(m[0].args[2].s, "ectopic");
    /* a known packet: "/psyphys/hr" ",ff" onset 1.0 bpm 60.0 */
    psy_stream_output hr = {.kind = PSY_STREAM_HR, .onset_s = 1};
    hr.u.hr.bpm = 60;
    assert_int_equal(psy_stream_osc_messages(&hr, m), 1);
    const uint8_t want[] = {'/', 'p', 's', 'y', 'p', 'h', 'y', 's', '/', 'h', 'r', 0, ',', 'f', 'f', 0,
                            0x3f, 0x80, 0, 0, 0x42, 0x70, 0, 0};
    assert_int_equal(psy_osc_encode(&m[0], mine, sizeof mine), sizeof want);
    assert_memory_equal(mine, want, sizeof want);
    assert_int_equal(psy_osc_encode(&m[0], mine, 20), 0); /* does not fit */
    /* a program's own status, its detail cut to PSY_OSC_TEXT_MAX - 1 */
    char longtext[600];
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    psy_stream_osc_status(NAN, "malformed_input", longtext, &m[0]);
    assert_int_equal(strlen(m[0].args[2].s), PSY_OSC_TEXT_MAX - 1);
    size_t a = psy_osc_encode(&m[0], mine, sizeof mine);
    assert_int_equal(a, lo_bytes(&m[0], theirs, sizeof theirs));
    assert_memory_equal(mine, theirs, a);
    psy_stream_output none = {.kind = (psy_stream_kind)99};
    assert_int_equal(psy_stream_osc_messages(&none, m), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(json_lines), cmocka_unit_test(osc_messages)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
