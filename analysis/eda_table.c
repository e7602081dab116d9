/* The skin conductance tables of `psyphys eda` (psyphys/eda_table.h). */
#include <math.h>
#include <stdio.h>

#include "psyphys/eda_table.h"

static void write_scr(FILE *fp, const psy_eda_result *r)
{
    fprintf(fp, "onset\tpeak_onset\tamplitude_us\trise_time_s\thalf_recovery_s\n");
    for (size_t i = 0; i < r->n; i++) {
        const psy_eda_scr *s = &r->scr[i];
        fprintf(fp, "%.4f\t%.4f\t%.5f\t%.4f\t", s->onset_s, s->peak_s, s->amplitude_us, s->rise_time_s);
        if (isnan(s->half_recovery_s)) fprintf(fp, "n/a\n");
        else fprintf(fp, "%.4f\n", s->half_recovery_s);
    }
}

/* An event's label as a TSV cell (tabs and line breaks as spaces). */
static void put_label(FILE *fp, const char *label)
{
    for (const char *p = label; *p; p++) fputc(*p == '\t' || *p == '\n' ? ' ' : *p, fp);
}

/* Columns as analyze's epochs table names them (label, onset first; scr_ for the response). */
static void write_epochs(FILE *fp, const psy_reader *rd, const psy_eda_events *ev)
{
    fprintf(fp, "label\tonset\tscr_found\tscr_amplitude_us\tscr_latency_s\tscr_rise_time_s\tscr_peak_onset"
                "\tscl_baseline_us\n");
    const psy_eda_event_response *e = ev->epochs;
    for (size_t i = 0; i < ev->n_events; i++) {
        if (!ev->has_epoch[i]) continue;
        put_label(fp, psy_reader_event(rd, i)->label);
        if (e[i].na_reason) fprintf(fp, "\t%.4f\tn/a\tn/a\t", e[i].event_s);
        else fprintf(fp, "\t%.4f\t%d\t%.5f\t", e[i].event_s, e[i].found, e[i].amplitude_us);
        if (e[i].found) fprintf(fp, "%.4f\t%.4f\t%.4f\t", e[i].latency_s, e[i].rise_time_s, e[i].peak_s);
        else fprintf(fp, "n/a\tn/a\tn/a\t");
        if (isnan(e[i].scl_us)) fprintf(fp, "n/a\n");
        else fprintf(fp, "%.5f\n", e[i].scl_us);
    }
}

/* Columns as analyze's segments table names them (label, onset, duration first). */
static void write_segments(FILE *fp, const psy_reader *rd, const psy_eda_events *ev)
{
    fprintf(fp, "label\tonset\tduration\tscl_us\tscr_count\tns_scr_count\tns_scr_per_min\t"
                "excluded_s\tscr_amplitude_mean_us\tscr_amplitude_sum_us\tphasic_driver_area_us_s\n");
    for (size_t k = 0; k < ev->n_segments; k++) {
        const psy_event *e = psy_reader_event(rd, ev->segment_event[k]);
        const psy_eda_summary *s = &ev->segments[k];
        put_label(fp, e->label);
        fprintf(fp, "\t%.4f\t%.4f", e->onset_s, e->duration_s);
        double counted = s->valid_s > 0 ? 1 : NAN; /* nothing observed: no count */
        double v[] = {s->scl_us, counted * (double)s->scr_count, counted * (double)s->ns_scr_count, s->ns_scr_per_min,
                      s->excluded_s, s->scr_amplitude_mean_us, s->scr_amplitude_sum_us,
                      s->phasic_driver_area_us_s};
        for (size_t c = 0; c < sizeof v / sizeof v[0]; c++) {
            if (isnan(v[c])) fprintf(fp, "\tn/a");
            else if (c == 1 || c == 2 || c == 4) fprintf(fp, "\t%.0f", v[c]);
            else fprintf(fp, "\t%.5f", v[c]);
        }
        fputc('\n', fp);
    }
}

psy_status psy_eda_write_table(FILE *fp, psy_eda_table table, const psy_eda_result *r, const psy_reader *reader,
                               const psy_eda_events *ev)
{
    if (!fp || !r || table < 0 || table >= PSY_EDA_TABLE_COUNT) return PSY_E_INVALID;
    if (table != PSY_EDA_TABLE_SCR && (!reader || !ev)) return PSY_E_INVALID;
    if (table == PSY_EDA_TABLE_SCR) write_scr(fp, r);
    else if (table == PSY_EDA_TABLE_EPOCHS) write_epochs(fp, reader, ev);
    else write_segments(fp, reader, ev);
    return ferror(fp) ? PSY_E_IO : PSY_OK;
}
