/* ECG strips: a few seconds of the raw ECG around corrected or flagged beats and around a few
 * normal beats picked at random (a fixed seed: the same report every time), R-peaks marked. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_sections.h"
#include "svg_plot.h"

/* Strips of flagged beats at most (the first of each class, the rest at random): a page of them
 * shows what the detector and the correction did; the summary line counts the rest. */
enum { MAX_FLAGGED = 8, N_NORMAL = 4 };
#define HALF_S 2.0

/* A beat's sample index from the table, or -1 when the cell is not a usable index. */
static int64_t sample_of(const report_table *b, size_t row, int col)
{
    double v = report_table_num(b, row, col);
    return v >= 0 && v < 9e18 ? (int64_t)v : -1;
}

static void strip(FILE *fp, const report_data *d, size_t beat, int *plot_id)
{
    const report_table *b = &d->beats;
    int c_sample = report_table_col(b, "sample");
    const psy_channel_info *c = psy_reader_channel(d->rec, d->ecg_ch);
    double centre = d->beat_t[beat];
    int64_t s0 = sample_of(b, beat, c_sample);
    if (s0 < 0 || !isfinite(centre)) return;
    int64_t half = (int64_t)ceil(HALF_S * c->rate_hz), a = s0 - half, z = s0 + half + 1;
    if (a < 0) a = 0;
    if (z > c->frames) z = c->frames;
    if (z <= a) return;
    double *y = malloc((size_t)(z - a) * sizeof *y);
    if (!y) return;
    char title[160];
    const char *label = report_beat_label(d, beat);
    int corrected = d->beat_corrected && d->beat_corrected[beat];
    snprintf(title, sizeof title, "%.2f s · %s%s", centre, strcmp(label, "N") == 0 ? "normal" : label,
             corrected ? " (interval corrected)" : "");
    svg_axes ax = {title, "time (s)", NULL, centre - HALF_S, centre + HALF_S, -1, 1, 360, 180, 0, 0};
    char ylabel[64];
    snprintf(ylabel, sizeof ylabel, "%s (%s)", d->pulses ? "PPG" : "ECG", c->unit[0] ? c->unit : "?");
    ax.y_label = ylabel;
    int ok = psy_reader_read(d->rec, d->ecg_ch, a, z - a, y) == PSY_OK;
    if (ok) svg_range(y, (size_t)(z - a), 0.15, &ax.y0, &ax.y1); /* room for the beat markers */
    svg_plot p;
    svg_plot_begin(&p, fp, &ax, "ecg-strip", (*plot_id)++);
    if (ok) {
        /* x of sample i: the beat's onset shifted by the distance in samples (gaps aside) */
        svg_plot_line(&p, NULL, y, (size_t)(z - a), centre + (double)(a - s0) / c->rate_hz, 1.0 / c->rate_hz,
                      SVG_BLACK, 0.9, 1);
        double nx[64], ny[64], fx[64], fy[64];
        size_t nn = 0, nf = 0;
        for (size_t i = beat > 20 ? beat - 20 : 0; i < d->n_beats && i < beat + 20; i++) {
            int64_t s = sample_of(b, i, c_sample);
            if (s < a || s >= z) continue;
            int normal = !report_beat_flagged(d, i);
            double t = centre + (double)(s - s0) / c->rate_hz;
            if (normal) nx[nn] = t, ny[nn++] = y[s - a];
            else fx[nf] = t, fy[nf++] = y[s - a];
        }
        svg_plot_points(&p, nx, ny, nn, SVG_CIRCLE, SVG_BLUE, 7, 0.9);
        svg_plot_points(&p, fx, fy, nf, SVG_TRIANGLE, SVG_VERMILLION, 9, 0.9);
        svg_legend_item items[] = {{d->pulses ? "pulse (half amplitude)" : "R-peak", SVG_BLUE, 1, SVG_CIRCLE},
                                   {"flagged / corrected", SVG_VERMILLION, 1, SVG_TRIANGLE}};
        svg_plot_legend(&p, items, 2);
    } else {
        svg_plot_note(&p, "the recording could not be read here");
    }
    svg_plot_end(&p);
    free(y);
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* `shown` of the nf flagged beats: the first of each class (every kind of correction is seen),
 * then one at random from each stretch of the recording; in time order. */
static void pick_flagged(const report_data *d, const size_t *flagged, size_t nf, size_t *picked, size_t shown)
{
    size_t n = 0;
    for (int c = 1; c < PSY_BEAT_CLASS_COUNT && n < shown; c++)
        for (size_t i = 0; i < nf; i++)
            if (d->beat_cls[flagged[i]] == (psy_beat_class)c) {
                picked[n++] = flagged[i];
                break;
            }
    uint64_t state = 0x2545F4914F6CDD1Du; /* xorshift64, fixed seed: the same picks every run */
    for (size_t k = 0; n < shown && k < shown; k++) {
        /* one at random from each of `shown` equal runs of the flagged beats (stratified: spread
           over the recording without locking onto a periodic artefact) */
        size_t a = k * nf / shown, z = (k + 1) * nf / shown;
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        size_t cand = flagged[a + (z > a ? state % (z - a) : 0)], dup = 0;
        for (size_t j = 0; j < n; j++) dup |= picked[j] == cand;
        if (!dup) picked[n++] = cand;
    }
    for (size_t i = 0; n < shown && i < nf; i++) { /* fill what the spread hit twice */
        size_t dup = 0;
        for (size_t j = 0; j < n; j++) dup |= picked[j] == flagged[i];
        if (!dup) picked[n++] = flagged[i];
    }
    qsort(picked, n, sizeof *picked, by_index);
}

/* One line: how many beats are flagged, by class, and how many intervals were corrected. */
static void summary(FILE *fp, const report_data *d, const size_t *flagged, size_t nf)
{
    size_t count[PSY_BEAT_CLASS_COUNT] = {0}, corrected = 0;
    for (size_t i = 0; i < nf; i++) {
        count[d->beat_cls[flagged[i]]]++;
        corrected += d->beat_corrected[flagged[i]];
    }
    fprintf(fp, "<p class=\"caption\" id=\"ecg-summary\">%zu of %zu beats (%.1f %%) flagged or corrected:", nf, d->n_beats,
            d->n_beats ? 100.0 * (double)nf / (double)d->n_beats : 0.0);
    const char *sep = " ";
    for (int c = 1; c < PSY_BEAT_CLASS_COUNT; c++)
        if (count[c]) fprintf(fp, "%s%zu %s", sep, count[c], psy_beat_class_name((psy_beat_class)c)), sep = ", ";
    fprintf(fp, "%s%zu with a corrected interval.</p>\n", sep, corrected);
}

void report_section_ecg(FILE *fp, const report_data *d, int *plot_id)
{
    const char *sig = d->pulses ? "PPG" : "ECG", *beats = d->pulses ? "pulses" : "beats";
    fprintf(fp, "<section id=\"ecg\">\n<h2>%s strips</h2>\n", sig);
    if (!d->rec || d->ecg_ch < 0 || !d->has_beats || report_table_col(&d->beats, "sample") < 0) {
        fprintf(fp, "<p class=\"caption\">No %s strips: ", sig);
        report_html(fp, !d->has_beats ? "no beats table." : !d->rec ? "the recording is not available (see the warnings)."
                                                                    : "the beats come from an RR channel, not an ECG.");
        fputs("</p>\n</section>\n", fp);
        return;
    }
    size_t *flagged = malloc((d->n_beats + 1) * sizeof *flagged), *normal = malloc((d->n_beats + 1) * sizeof *normal);
    size_t nf = 0, nn = 0;
    for (size_t i = 0; flagged && normal && i < d->n_beats; i++) {
        if (report_beat_flagged(d, i)) flagged[nf++] = i;
        else normal[nn++] = i;
    }
    size_t shown = nf < MAX_FLAGGED ? nf : MAX_FLAGGED, picked[MAX_FLAGGED];
    pick_flagged(d, flagged, nf, picked, shown);
    summary(fp, d, flagged, nf);
    fprintf(fp, "<p class=\"caption\">Raw %s, %g s around %zu of the %zu corrected or flagged %s%s and %d normal "
                "%s picked at random. Markers: <span class=\"k-blue\">●</span> %s of a normal %s, "
                "<span class=\"k-vermillion\">▲</span> flagged %s or corrected interval.</p>\n<div class=\"strips\">\n",
            sig, 2 * HALF_S, shown, nf, beats,
            nf > shown ? " (the first of each class, the rest picked at random over the whole recording)" : "",
            nn < N_NORMAL ? (int)nn : N_NORMAL, beats, d->pulses ? "half-amplitude point" : "R-peak", d->pulses ? "pulse" : "beat",
            d->pulses ? "pulse" : "beat");
    for (size_t k = 0; k < shown; k++) strip(fp, d, picked[k], plot_id);
    uint64_t state = 0x9E3779B97F4A7C15u; /* xorshift64: fixed seed, same picks every run */
    for (int k = 0; k < N_NORMAL && nn; k++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        strip(fp, d, normal[state % nn], plot_id);
    }
    fputs("</div>\n</section>\n", fp);
    free(flagged), free(normal);
}
