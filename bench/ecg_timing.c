/* R-peak timing against reference annotations (MARSH, MIT-BIH: ../shared/data).
 *
 *   psyphys_ecg_timing RECORD.hea...
 *
 * Runs psy_beats_detect on each record's first channel and matches every annotated beat (WFDB
 * beat codes of the record's .atr) with the nearest detected R-peak within 50 ms. Per record, one
 * row: matched beats, the mean and SD of (detected - annotated) in ms, its median magnitude; the
 * SD against a second, mains-free reference, each annotation re-timed at the vertex of the parabola
 * through the extreme of the ECG averaged over one 50 Hz mains period (20 ms, which nulls 50 Hz and
 * its harmonics; as bench/ppg_marsh.c) within 2 samples of the annotation, on the side of the
 * detected R-peak's sign (none for a beat with no extreme there); and the RMSSD (ms) of the
 * successive differences over runs of three consecutive matched beats with a mains-free reference
 * (RR 0.3 .. 2 s), timed by the annotations, the mains-free reference and psyphys. The
 * annotations are whole samples (at 250 Hz a uniform rounding adds 1.15 ms SD). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <psyphys.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Index of the value of t[0..n) (sorted) nearest to x within tol, or -1. */
static long nearest(const double *t, size_t n, double x, double tol)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    long best = -1;
    for (size_t k = lo > 0 ? lo - 1 : 0; k <= lo && k < n; k++)
        if (fabs(t[k] - x) <= tol && (best < 0 || fabs(t[k] - x) < fabs(t[best] - x))) best = (long)k;
    return best;
}

static double mains_free(const double *x, int64_t frames, double rate, int64_t r, double sign)
{
    int w = (int)lround(rate / 50.0) | 1; /* odd, centred */
    if (r - 3 - w < 0 || r + 3 + w >= frames) return NAN;
    double v[7];
    for (int k = -3; k <= 3; k++) {
        double sum = 0;
        for (int j = -w / 2; j <= w / 2; j++) sum += x[r + k + j];
        v[k + 3] = sign * sum / w;
    }
    int m = 1;
    for (int k = 2; k <= 5; k++)
        if (v[k] > v[m]) m = k;
    /* no extreme within 2 samples of the annotation (the vertex would lie off the parabola's
     * peak, any distance away): no mains-free reference for this beat */
    if (v[m - 1] > v[m] || v[m + 1] > v[m]) return NAN;
    double den = v[m - 1] - 2 * v[m] + v[m + 1];
    double off = den < 0 ? 0.5 * (v[m - 1] - v[m + 1]) / den : 0;
    return ((double)r + (m - 3) + off) / rate;
}

static double rmssd_of(const double *t, const int *ok, size_t n)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 2; i < n; i++) {
        if (!ok[i] || !ok[i - 1] || !ok[i - 2]) continue;
        double a = t[i - 1] - t[i - 2], b = t[i] - t[i - 1];
        if (a < 0.3 || a > 2 || b < 0.3 || b > 2 || isnan(t[i]) || isnan(t[i - 1]) || isnan(t[i - 2])) continue;
        s += 1e6 * (b - a) * (b - a);
        k++;
    }
    return k ? sqrt(s / (double)k) : NAN;
}

static int score(const char *path)
{
    psy_message why = {{0}};
    psy_reader *r = NULL;
    if (psy_reader_open(path, NULL, &r, &why) != PSY_OK) {
        fprintf(stderr, "%s: %s\n", path, why.text);
        return 1;
    }
    const psy_channel_info *c = psy_reader_channel(r, 0);
    double rate = c->rate_hz;
    size_t ne = psy_reader_event_count(r), n = 0;
    double *ann = malloc(ne * sizeof *ann + 8), *x = malloc((size_t)c->frames * sizeof *x + 8);
    int64_t *ann_sample = malloc(ne * sizeof *ann_sample + 8);
    psy_beat_list *b = NULL;
    if (!ann || !x || !ann_sample || psy_reader_read(r, 0, 0, c->frames, x) != PSY_OK ||
        psy_beats_detect(r, 0, NULL, &b, &why) != PSY_OK) {
        fprintf(stderr, "%s: %s\n", path, why.text[0] ? why.text : "cannot read");
        return 1;
    }
    for (size_t i = 0; i < ne; i++) {
        const psy_event *e = psy_reader_event(r, i);
        /* WFDB beat codes: 1-13, 16, 25, 30, 34-38 */
        int k = e->code;
        if ((k >= 1 && k <= 13) || k == 16 || k == 25 || k == 30 || (k >= 34 && k <= 38))
            ann[n] = e->onset_s, ann_sample[n++] = e->sample;
    }
    double *det = malloc(n * sizeof *det + 8), *mf = malloc(n * sizeof *mf + 8), *err = malloc(n * sizeof *err + 8);
    int *ok = calloc(n + 1, sizeof *ok);
    double sum = 0, sum2 = 0, mf_sum = 0, mf_sum2 = 0;
    size_t m = 0, m_mf = 0;
    for (size_t i = 0; i < n; i++) {
        long j = nearest(b->onset_s, b->n, ann[i], 0.05);
        det[i] = mf[i] = NAN;
        if (j < 0) continue;
        ok[i] = 1;
        det[i] = b->onset_s[j];
        mf[i] = mains_free(x, c->frames, rate, ann_sample[i], b->amplitude[j] < 0 ? -1 : 1);
        double e = 1000 * (det[i] - ann[i]);
        err[m++] = fabs(e);
        sum += e, sum2 += e * e;
        if (!isnan(mf[i])) {
            double f = 1000 * (det[i] - mf[i]);
            mf_sum += f, mf_sum2 += f * f, m_mf++;
        } else {
            ok[i] = 0; /* the three RMSSDs over the same beats */
        }
    }
    double mean = m ? sum / (double)m : NAN, sd = m > 1 ? sqrt((sum2 - sum * mean) / (double)(m - 1)) : NAN;
    double mf_mean = m_mf ? mf_sum / (double)m_mf : NAN;
    double mf_sd = m_mf > 1 ? sqrt((mf_sum2 - mf_sum * mf_mean) / (double)(m_mf - 1)) : NAN;
    qsort(err, m, sizeof *err, cmp_double);
    double med = m ? (m % 2 ? err[m / 2] : 0.5 * (err[m / 2 - 1] + err[m / 2])) : NAN;
    const char *name = strrchr(path, '/');
    printf("%s\t%zu\t%zu\t%+.2f\t%.2f\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\n", name ? name + 1 : path, n, m, mean, sd,
           med, mf_sd, rmssd_of(ann, ok, n), rmssd_of(mf, ok, n), rmssd_of(det, ok, n));
    free(ann), free(ann_sample), free(x), free(det), free(mf), free(err), free(ok);
    psy_beat_list_free(b);
    psy_reader_close(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s RECORD.hea...\n", argv[0]);
        return 2;
    }
    printf("record\tannotated\tmatched\tmean_ms\tsd_ms\tmedian_abs_ms\tsd_mains_free_ms\trmssd_annotated_ms\t"
           "rmssd_mains_free_ms\trmssd_psyphys_ms\n");
    int failed = 0;
    for (int i = 1; i < argc; i++) failed |= score(argv[i]);
    return failed;
}
