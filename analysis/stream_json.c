/* The JSON lines of a live stream's outputs (psyphys/stream_format.h): each built with snprintf
 * into the caller's buffer, a field written whole or not at all. */
#include <math.h>
#include <stdio.h>

#include "psyphys/stream_format.h"

/* A number, or null for NaN (JSON has no NaN). */
static int num(char *buf, size_t size, const char *key, double v, int decimals)
{
    if (!isfinite(v)) return snprintf(buf, size, ",\"%s\":null", key);
    return snprintf(buf, size, ",\"%s\":%.*f", key, decimals, v);
}

/* A value in any unit (a breath's amplitude: the channel's, often 1e-4): 6 significant digits,
 * as the breaths table writes it. */
static int num_sig(char *buf, size_t size, const char *key, double v)
{
    if (!isfinite(v)) return snprintf(buf, size, ",\"%s\":null", key);
    return snprintf(buf, size, ",\"%s\":%.6g", key, v);
}

/* A JSON string of text (quotes and control characters escaped). */
static void json_text(char *buf, size_t size, const char *text)
{
    size_t n = 0;
    if (size < 3) return;
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)text; *p && n + 8 < size; p++) {
        if (*p == '"' || *p == '\\') buf[n++] = '\\', buf[n++] = (char)*p;
        else if (*p < 0x20) n += (size_t)snprintf(buf + n, size - n, "\\u%04x", *p);
        else buf[n++] = (char)*p;
    }
    buf[n++] = '"';
    buf[n] = '\0';
}

/* "na_reasons": why each null of an hrv line is null (as psyphys hrv --json); nothing when none. */
static int hrv_reasons(char *buf, size_t size, const psy_stream_output *x)
{
    const struct {
        const char *key;
        double v;
        const char *why;
    } k[] = {{"rmssd_ms", x->u.hrv.rmssd_ms, x->u.hrv.rmssd_na}, {"sdnn_ms", x->u.hrv.sdnn_ms, x->u.hrv.sdnn_na},
             {"lf_ms2", x->u.hrv.lf_ms2, x->u.hrv.lf_na},         {"hf_ms2", x->u.hrv.hf_ms2, x->u.hrv.hf_na},
             {"lf_hf", x->u.hrv.lf_hf, x->u.hrv.lf_hf_na},        {"peak_hz", x->u.hrv.peak_hz, x->u.hrv.peak_na},
             {"peak_power_ms2", x->u.hrv.peak_power_ms2, x->u.hrv.peak_na},
             {"coherence_ratio", x->u.hrv.coherence_ratio,
              x->u.hrv.peak_na ? x->u.hrv.peak_na : "the peak holds all the power"}};
    size_t n = 0;
    int open = 0;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        if (isfinite(k[i].v)) continue;
        char text[160];
        json_text(text, sizeof text, k[i].why ? k[i].why : "not computed");
        int w = snprintf(buf + n, size - n, "%s\"%s\":%s", open++ ? "," : ",\"na_reasons\":{", k[i].key, text);
        if (w < 0 || (size_t)w >= size - n) return 0;
        n += (size_t)w;
    }
    if (open) {
        int w = snprintf(buf + n, size - n, "}");
        if (w < 0 || (size_t)w >= size - n) return 0;
        n += (size_t)w;
    }
    return (int)n;
}

/* "na_reasons" of an scl line; nothing when both are numbers. */
static int scl_reasons(char *buf, size_t size, const psy_stream_output *x)
{
    const char *scl = isnan(x->u.scl.scl_us) ? x->u.scl.scl_na : NULL;
    const char *ns = isnan(x->u.scl.ns_scr_per_min) ? x->u.scl.ns_scr_na : NULL;
    if (!scl && !ns) return 0;
    char a[160] = "", b[160] = "";
    if (scl) json_text(a, sizeof a, scl);
    if (ns) json_text(b, sizeof b, ns);
    return snprintf(buf, size, ",\"na_reasons\":{%s%s%s%s%s}", scl ? "\"scl_us\":" : "", a, scl && ns ? "," : "",
                    ns ? "\"ns_scr_per_min\":" : "", b);
}

/* "na_reasons" of a breath line's RSA values; nothing when both are numbers. */
static int breath_reasons(char *buf, size_t size, const psy_stream_output *x)
{
    int p2t = isnan(x->u.breath.rsa_p2t_ms), osc = isnan(x->u.breath.hr_osc_bpm);
    if (!p2t && !osc) return 0;
    return snprintf(buf, size, ",\"na_reasons\":{%s%s%s}",
                    p2t ? "\"rsa_p2t_ms\":\"no RR interval in its inspiration or in its expiration\"" : "",
                    p2t && osc ? "," : "", osc ? "\"hr_osc_bpm\":\"fewer than 2 RR intervals within the breath\"" : "");
}

size_t psy_stream_json_line(const psy_stream_output *x, char *buf, size_t size)
{
    if (!x || !buf || !size) return 0;
    size_t n = 0;
    buf[0] = '\0';
#define ADD(call)                                  \
    do {                                           \
        int k_ = (call);                           \
        if (k_ > 0 && (size_t)k_ < size - n) n += (size_t)k_; \
    } while (0)
    ADD(snprintf(buf, size, "{\"type\":\"%s\",\"onset\":%.6f", psy_stream_kind_name(x->kind), x->onset_s));
    switch (x->kind) {
    case PSY_STREAM_BEAT:
        if (x->u.beat.sample >= 0) ADD(snprintf(buf + n, size - n, ",\"sample\":%lld", (long long)x->u.beat.sample));
        else ADD(snprintf(buf + n, size - n, ",\"sample\":null"));
        ADD(num(buf + n, size - n, "rr_ms", x->u.beat.rr_ms, 3));
        break;
    case PSY_STREAM_HR:
        ADD(num(buf + n, size - n, "bpm", x->u.hr.bpm, 3));
        break;
    case PSY_STREAM_LABEL:
        if (x->u.label.sample >= 0) ADD(snprintf(buf + n, size - n, ",\"sample\":%lld", (long long)x->u.label.sample));
        else ADD(snprintf(buf + n, size - n, ",\"sample\":null"));
        ADD(num(buf + n, size - n, "rr_ms", x->u.label.rr_ms, 3));
        ADD(snprintf(buf + n, size - n, ",\"label\":\"%s\",\"corrected\":%d", psy_beat_class_name(x->u.label.label),
                     x->u.label.corrected));
        if (x->u.label.provisional) ADD(snprintf(buf + n, size - n, ",\"provisional\":true"));
        break;
    case PSY_STREAM_HRV:
        ADD(num(buf + n, size - n, "rmssd_ms", x->u.hrv.rmssd_ms, 3));
        ADD(num(buf + n, size - n, "sdnn_ms", x->u.hrv.sdnn_ms, 3));
        ADD(snprintf(buf + n, size - n, ",\"n_time\":%zu", x->u.hrv.n_time));
        ADD(num(buf + n, size - n, "lf_ms2", x->u.hrv.lf_ms2, 3));
        ADD(num(buf + n, size - n, "hf_ms2", x->u.hrv.hf_ms2, 3));
        ADD(num(buf + n, size - n, "lf_hf", x->u.hrv.lf_hf, 4));
        ADD(num(buf + n, size - n, "peak_hz", x->u.hrv.peak_hz, 4));
        ADD(num(buf + n, size - n, "peak_power_ms2", x->u.hrv.peak_power_ms2, 3));
        ADD(num(buf + n, size - n, "coherence_ratio", x->u.hrv.coherence_ratio, 4));
        ADD(snprintf(buf + n, size - n, ",\"n_freq\":%zu", x->u.hrv.n_freq));
        if (x->u.hrv.provisional) ADD(snprintf(buf + n, size - n, ",\"provisional\":true"));
        ADD(hrv_reasons(buf + n, size - n, x));
        break;
    case PSY_STREAM_SCL:
        ADD(num(buf + n, size - n, "scl_us", x->u.scl.scl_us, 4));
        ADD(num(buf + n, size - n, "ns_scr_per_min", x->u.scl.ns_scr_per_min, 3));
        ADD(scl_reasons(buf + n, size - n, x));
        break;
    case PSY_STREAM_SCR:
        ADD(num(buf + n, size - n, "peak", x->u.scr.peak_s, 6));
        ADD(num(buf + n, size - n, "amplitude_us", x->u.scr.amplitude_us, 4));
        ADD(num(buf + n, size - n, "rise_time_s", x->u.scr.rise_time_s, 3));
        ADD(num(buf + n, size - n, "half_recovery_s", x->u.scr.half_recovery_s, 3));
        break;
    case PSY_STREAM_BREATH:
        ADD(num(buf + n, size - n, "peak", x->u.breath.peak_s, 6));
        ADD(num(buf + n, size - n, "end", x->u.breath.end_s, 6));
        ADD(num(buf + n, size - n, "duration_s", x->u.breath.duration_s, 3));
        ADD(num(buf + n, size - n, "rate_per_min", x->u.breath.rate_per_min, 3));
        ADD(num_sig(buf + n, size - n, "amplitude", x->u.breath.amplitude));
        ADD(num(buf + n, size - n, "rsa_p2t_ms", x->u.breath.rsa_p2t_ms, 3));
        ADD(num(buf + n, size - n, "hr_osc_bpm", x->u.breath.hr_osc_bpm, 3));
        ADD(breath_reasons(buf + n, size - n, x));
        break;
    case PSY_STREAM_STATUS:
        ADD(snprintf(buf + n, size - n, ",\"condition\":\"%s\"", psy_stream_condition_name(x->u.status.condition)));
        if (x->u.status.condition == PSY_STREAM_DROPPED)
            ADD(snprintf(buf + n, size - n, ",\"count\":%lld", (long long)x->u.status.count));
        if (x->u.status.condition == PSY_STREAM_PPG_LOST)
            ADD(snprintf(buf + n, size - n, ",\"reason\":\"%s\"",
                         psy_ppg_reason_name((psy_ppg_reason)x->u.status.reason)));
        if (x->u.status.condition == PSY_STREAM_TIME_JUMP) {
            ADD(snprintf(buf + n, size - n, ",\"input\":\"%s\"",
                         psy_stream_input_name((psy_stream_input)x->u.status.reason)));
            ADD(num(buf + n, size - n, "gap_s", x->u.status.gap_s, 6));
        }
        break;
    default:
        break;
    }
    ADD(snprintf(buf + n, size - n, "}\n"));
#undef ADD
    return n;
}

size_t psy_stream_status_json_line(double onset_s, const char *condition, const char *detail, char *buf, size_t size)
{
    if (!condition || !buf || !size) return 0;
    char text[512], when[64];
    json_text(text, sizeof text, detail ? detail : "");
    if (isfinite(onset_s)) snprintf(when, sizeof when, "%.6f", onset_s);
    else snprintf(when, sizeof when, "null");
    int n = snprintf(buf, size, "{\"type\":\"status\",\"onset\":%s,\"condition\":\"%s\",\"detail\":%s}\n", when,
                     condition, text);
    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)n;
}
