/* session_summary — the session analysis of a recording through the library (psyphys/session.h),
 * without the psyphys command: per-phase heart rate variability and skin conductance, the
 * heart-rate response around each event, the warnings, then the segments table as TSV.
 *
 *   session_summary RECORDING [EPOCH_LABEL...] */
#include <math.h>
#include <stdio.h>

#include <psyphys.h>

/* A value, or n/a. */
static void put(const char *name, double v, const char *unit)
{
    if (isnan(v)) printf(" %s n/a", name);
    else printf(" %s %.1f%s", name, v, unit);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: session_summary RECORDING [EPOCH_LABEL...]\n");
        return 2;
    }
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_open_options opt = psy_open_options_default();
    if (psy_reader_open(argv[1], &opt, &r, &why) != PSY_OK) {
        fprintf(stderr, "session_summary: %s: %s\n", argv[1], why.text);
        return 1;
    }
    psy_session_config cfg = psy_session_config_default();
    cfg.epoch_labels = (const char *const *)argv + 2; /* none: every session event */
    cfg.n_epoch_labels = (size_t)(argc - 2);
    psy_session *s = NULL;
    psy_status st = psy_session_run(r, &cfg, &s, &why);
    if (st != PSY_OK) {
        fprintf(stderr, "session_summary: %s: %s\n", argv[1], why.text[0] ? why.text : psy_strerror(st));
        psy_reader_close(r);
        return 1;
    }
    const psy_session_results *res = psy_session_results_of(s);
    printf("%s: %zu beats, %zu SCRs, %zu breaths\n", argv[1], res->beats ? res->beats->n : 0,
           res->scr ? res->scr->n : 0, res->n_breaths);
    for (size_t i = 0; i < res->n_segments; i++) {
        const psy_segment *g = &res->segments[i];
        const psy_hrv_result *h = &res->segment_hrv[i];
        psy_eda_summary e;
        psy_session_eda_over(s, g->onset_s, g->onset_s + g->duration_s, &e);
        printf("  %-12s %7.1f s +%6.1f s:", g->label, g->onset_s, g->duration_s);
        put("HR", h->values.v[PSY_HRV_MEAN_HR_BPM], " bpm");
        put("RMSSD", h->values.v[PSY_HRV_RMSSD_MS], " ms");
        put("SCL", e.scl_us, " uS");
        printf("\n");
    }
    for (size_t i = 0; i < res->n_epochs; i++) {
        const psy_session_epoch *ep = &res->epochs[i];
        printf("  epoch %-12s at %7.2f s:", ep->event->label, ep->event->onset_s);
        if (ep->hr.valid) put("dHR", ep->hr.mean_bpm, " bpm");
        else printf(" dHR n/a (%s)", ep->hr.why);
        put("SCR", ep->has_scr ? ep->scr.amplitude_us : NAN, " uS");
        printf("\n");
    }
    for (size_t i = 0; i < res->n_warnings; i++) printf("  warning: %s\n", res->warnings[i]);
    psy_na_reasons na = {0};
    st = psy_session_write_table(s, PSY_TABLE_SEGMENTS, stdout, &na);
    for (size_t i = 0; i < na.n; i++)
        printf("# %s n/a in %zu row(s): %s\n", na.v[i].column, na.v[i].rows, na.v[i].reason);
    psy_na_reasons_free(&na);
    psy_session_free(s);
    psy_reader_close(r);
    return st == PSY_OK ? 0 : 1;
}
