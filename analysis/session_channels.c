/* The session analysis: which channels it reads, and of several ECG leads the best by the quality
 * of its first minutes (Orphanidou et al. 2015, IEEE JBHI 19(3):832-838: feasibility, beat-template
 * correlation). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "session_internal.h"

/* The channel named label (it must be of one of the types, or untyped as they allow), else the
 * first of the types; -1 (and a warning when warn_absent) when there is none. */
static psy_status channel_of(psy_session *s, const char *label, const psy_channel_type *types, int n_types,
                             const char *what, int warn_absent, int *ch, psy_message *why)
{
    *ch = -1;
    if (label) {
        int i = psy_reader_find_channel(s->r, label);
        if (i < 0) {
            if (why) snprintf(why->text, sizeof why->text, "no channel labelled '%s'", label);
            return PSY_E_NOT_FOUND;
        }
        psy_status st = psy_channel_type_check(psy_reader_channel(s->r, i), types, n_types, why);
        if (st == PSY_OK) *ch = i;
        return st;
    }
    for (int t = 0; t < n_types && *ch < 0; t++)
        for (int i = 0; i < psy_reader_channel_count(s->r) && *ch < 0; i++)
            if (psy_reader_channel(s->r, i)->type == types[t]) *ch = i;
    if (*ch < 0 && warn_absent) psy_session_warn(s, "no %s channel: its markers are n/a", what);
    return PSY_OK;
}

/* With several regular ECG channels and none named: scores each over the first
 * PSY_SESSION_LEAD_EXCERPT_S seconds (psyphys/ecg_quality.h) and sets s->ecg to the best. */
static psy_status choose_ecg_lead(psy_session *s, psy_message *why)
{
    s->n_leads = 0;
    if (s->cfg.ecg || s->ecg < 0) return PSY_OK;
    for (int i = 0; i < psy_reader_channel_count(s->r) && s->n_leads < PSY_SESSION_MAX_LEADS; i++) {
        const psy_channel_info *c = psy_reader_channel(s->r, i);
        if (c->type == PSY_CH_ECG && c->rate_hz > 0) s->lead_ch[s->n_leads++] = i;
    }
    if (s->n_leads < 2) {
        s->n_leads = 0;
        return PSY_OK;
    }
    int best = -1;
    for (int k = 0; k < s->n_leads; k++) {
        psy_message reason = {{0}};
        psy_status st = psy_ecg_channel_quality(s->r, s->lead_ch[k], PSY_SESSION_LEAD_EXCERPT_S, &s->lead_q[k],
                                                &reason);
        if (st == PSY_E_NOMEM || st == PSY_E_IO || st == PSY_E_TRUNCATED || st == PSY_E_FORMAT) {
            if (why) snprintf(why->text, sizeof why->text, "%s", reason.text[0] ? reason.text : psy_strerror(st));
            return st;
        }
        if (st != PSY_OK) { /* a rate the detector does not take: never chosen */
            psy_session_warn(s, "%s: not scored", reason.text);
            s->lead_q[k] = (psy_ecg_lead_quality){0};
            s->lead_q[k].usable_share = s->lead_q[k].template_r = NAN;
            continue;
        }
        if (best < 0 || psy_ecg_lead_quality_better(&s->lead_q[k], &s->lead_q[best])) best = k;
    }
    if (best >= 0) s->ecg = s->lead_ch[best];
    if (best >= 0 && s->lead_q[best].n_windows == 0) /* nor has any other: a lead with one ranks higher */
        psy_session_warn(s, "ECG leads not compared: no complete %.0f-s window to score them on (the recording "
                            "is shorter); the first lead, '%s', is analysed", PSY_ECG_QUALITY_WINDOW_S,
                         psy_reader_channel(s->r, s->ecg)->label);
    else if (best >= 0 && !(s->lead_q[best].usable_share >= 0.5))
        psy_session_warn(s, "the best ECG lead '%s' is usable (a plausible rate, beat-template correlation "
                            ">= 0.66) in fewer than half of its first 10-s windows: check the beats",
                         psy_reader_channel(s->r, s->ecg)->label);
    return PSY_OK;
}

/* Where the beats come from, once the channels are chosen. */
static void set_heart(psy_session *s)
{
    s->heart = PSY_HEART_NONE, s->beats_ch = -1;
    if (s->ecg >= 0) {
        s->heart = psy_reader_channel(s->r, s->ecg)->type == PSY_CH_RR ? PSY_HEART_RR : PSY_HEART_ECG;
        s->beats_ch = s->ecg;
        if (s->heart == PSY_HEART_RR) s->ppg = -1; /* pulse arrival times need R-peaks */
    } else if (s->ppg >= 0) {
        s->heart = PSY_HEART_PPG, s->beats_ch = s->ppg;
    } else if (s->hr >= 0) {
        s->heart = PSY_HEART_BPM;
    }
}

psy_status psy_session_pick_channels(psy_session *s, psy_message *why)
{
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR}, pulse[] = {PSY_CH_PPG}, skin[] = {PSY_CH_EDA},
                                  resp[] = {PSY_CH_RESP}, rate[] = {PSY_CH_HR};
    const psy_session_config *c = &s->cfg;
    psy_status st;
    if (c->hr) { /* the bpm channel, even where an ECG exists */
        if ((st = channel_of(s, c->hr, rate, 1, "HR", 1, &s->hr, why)) != PSY_OK) return st;
    } else {
        /* ECG or RR first (a PPG named alone is the heart's channel even so), then the PPG */
        if (!(c->ppg && !c->ecg) && (st = channel_of(s, c->ecg, heart, 2, "ECG or RR", 0, &s->ecg, why)) != PSY_OK)
            return st;
        if ((st = channel_of(s, c->ppg, pulse, 1, "PPG", 0, &s->ppg, why)) != PSY_OK) return st;
        if (s->ecg < 0 && s->ppg < 0) channel_of(s, NULL, rate, 1, "HR", 0, &s->hr, why);
        if (s->ecg < 0 && s->ppg < 0 && s->hr < 0)
            psy_session_warn(s, "no ECG, RR, PPG or HR channel: its markers are n/a");
    }
    if (s->hr >= 0)
        psy_session_warn(s, "heart rate from the bpm channel '%s' (no beats): mean HR per segment and the "
                            "epochs' HR responses; HRV n/a (a heart rate averaged over seconds is not "
                            "beat-to-beat), epoch quality n/a (no beats to correct)",
                         psy_reader_channel(s->r, s->hr)->label);
    if ((st = channel_of(s, c->eda, skin, 1, "EDA", 1, &s->eda, why)) != PSY_OK ||
        (st = channel_of(s, c->rsp, resp, 1, "RSP", 1, &s->rsp, why)) != PSY_OK)
        return st;
    if ((st = choose_ecg_lead(s, why)) != PSY_OK) return st;
    set_heart(s);
    return PSY_OK;
}
