/* psyphys analyze: the best of several ECG leads when none is named (--ecg), by the quality of
 * its first minutes (Orphanidou et al. 2015: feasibility, beat-template correlation). */
#include <math.h>

#include "analyze.h"

int analyze_choose_ecg_lead(analyze_session *s, const analyze_options *o)
{
    s->n_leads = 0;
    if (o->ecg || s->ecg < 0) return 1;
    for (int i = 0; i < psy_reader_channel_count(s->r) && s->n_leads < 16; i++) {
        const psy_channel_info *c = psy_reader_channel(s->r, i);
        if (c->type == PSY_CH_ECG && c->rate_hz > 0) s->lead_ch[s->n_leads++] = i;
    }
    if (s->n_leads < 2) {
        s->n_leads = 0;
        return 1;
    }
    int best = -1;
    for (int k = 0; k < s->n_leads; k++) {
        psy_message why = {{0}};
        psy_status st = psy_ecg_channel_quality(s->r, s->lead_ch[k], ANALYZE_LEAD_EXCERPT_S, &s->lead_q[k], &why);
        if (st == PSY_E_NOMEM || st == PSY_E_IO || st == PSY_E_TRUNCATED || st == PSY_E_FORMAT) {
            cli_error(o->path, "%s", why.text[0] ? why.text : psy_strerror(st));
            return 0;
        }
        if (st != PSY_OK) { /* a rate the detector does not take: never chosen */
            analyze_warn(s, "%s: not scored", why.text);
            s->lead_q[k] = (psy_ecg_lead_quality){0};
            s->lead_q[k].usable_share = s->lead_q[k].template_r = NAN;
            continue;
        }
        if (best < 0 || psy_ecg_lead_quality_better(&s->lead_q[k], &s->lead_q[best])) best = k;
    }
    if (best >= 0) s->ecg = s->lead_ch[best];
    if (best >= 0 && !(s->lead_q[best].usable_share >= 0.5))
        analyze_warn(s, "the best ECG lead '%s' is usable (a plausible rate, beat-template correlation "
                        ">= 0.66) in fewer than half of its first 10-s windows: check the beats",
                     psy_reader_channel(s->r, s->ecg)->label);
    return 1;
}

/* A number, or null when not finite (JSON has no NaN). */
static json_t *number(double v) { return isfinite(v) ? json_real(v) : json_null(); }

json_t *analyze_lead_choice_json(const analyze_session *s)
{
    json_t *leads = json_array();
    for (int k = 0; k < s->n_leads; k++) {
        const psy_ecg_lead_quality *q = &s->lead_q[k];
        json_array_append_new(leads, json_pack("{s:s,s:i,s:i,s:i,s:i,s:o,s:o}",
            "label", psy_reader_channel(s->r, s->lead_ch[k])->label, "beats", (int)q->n_beats,
            "windows", (int)q->n_windows, "usable_windows", (int)q->n_usable,
            "acceptable_windows", (int)q->n_acceptable, "usable_share", number(q->usable_share),
            "template_r", number(q->template_r)));
    }
    return json_pack("{s:s,s:f,s:f,s:s,s:o}", "method",
                     "share of usable 10-s windows (mean HR 40-180 bpm, RR <= 3 s, average beat-template "
                     "correlation >= 0.66: Orphanidou et al. 2015, IEEE JBHI 19(3):832-838, without its "
                     "max/min RR < 2.2 rule, which ectopic beats break; acceptable_windows keep it), "
                     "then the mean template correlation",
                     "excerpt_s", ANALYZE_LEAD_EXCERPT_S, "window_s", PSY_ECG_QUALITY_WINDOW_S, "chosen",
                     psy_reader_channel(s->r, s->ecg)->label, "leads", leads);
}
