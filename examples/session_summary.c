/* session_summary — the session analysis of a recording through the library (psyphys/session.h),
 * without the psyphys command: per-phase heart rate variability and skin conductance, the
 * heart-rate response around each event, the warnings, then the segments table as TSV. With
 * -o DIR, every table of the run and its JSON sidecar (provenance with the input's SHA-256,
 * every setting, warnings, n/a reasons: psyphys/sidecar.h) go to DIR/NAME.tsv and DIR/NAME.json,
 * as `psyphys analyze -o` writes them.
 *
 *   session_summary [-o DIR] RECORDING [EPOCH_LABEL...] */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <psyphys.h>

/* A value, or n/a. */
static void put(const char *name, double v, const char *unit)
{
    if (isnan(v)) printf(" %s n/a", name);
    else printf(" %s %.1f%s", name, v, unit);
}

/* Every table the run has and its sidecar into dir. PSY_OK or the first failure. */
static psy_status write_tables(psy_session *s, const char *path, const char *dir)
{
    psy_sidecar *base = NULL;
    psy_message why = {{0}};
    /* what this program adds to the sidecars' settings (any JSON object) */
    psy_status st = psy_session_sidecar(s, "session_summary", path, "{\"program\": \"session_summary\"}", NULL,
                                        &base, &why);
    for (int t = 0; st == PSY_OK && t < PSY_TABLE_COUNT; t++) {
        if (!psy_session_has_table(s, (psy_session_table)t)) continue;
        const char *name = psy_session_table_name((psy_session_table)t);
        char tsv[4096], json[4096];
        snprintf(tsv, sizeof tsv, "%s/%s.tsv", dir, name);
        snprintf(json, sizeof json, "%s/%s.json", dir, name);
        FILE *ft = fopen(tsv, "w"), *fj = fopen(json, "w");
        psy_na_reasons na = {0};
        st = ft && fj ? psy_session_write_table(s, (psy_session_table)t, ft, &na) : PSY_E_IO;
        if (st == PSY_OK) st = psy_session_write_sidecar(s, base, (psy_session_table)t, &na, fj);
        psy_na_reasons_free(&na);
        if (ft && fclose(ft) != 0) st = PSY_E_IO;
        if (fj && fclose(fj) != 0) st = PSY_E_IO;
    }
    if (st != PSY_OK) fprintf(stderr, "session_summary: %s: %s\n", dir, why.text[0] ? why.text : psy_strerror(st));
    psy_sidecar_free(base);
    return st;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        dir = argv[2];
        argv += 2, argc -= 2;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: session_summary [-o DIR] RECORDING [EPOCH_LABEL...]\n");
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
    if (st == PSY_OK && dir) st = write_tables(s, argv[1], dir);
    psy_session_free(s);
    psy_reader_close(r);
    return st == PSY_OK ? 0 : 1;
}
