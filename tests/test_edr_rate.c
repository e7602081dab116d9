/* The ECG-derived breathing rate per minute (analysis/edr_rate.c) on synthetic ECGs whose beats
 * follow breathing at a known rate: slow (resonance breathing for HRV biofeedback, 5.5-7 /min)
 * and usual (15, 20 /min), sinusoidal and with a realistic breath shape (a quick inspiration, a
 * slower expiration, an end-expiratory pause: strong harmonics). A frequency-weighted spectrum
 * once took the 2nd harmonic of slow breathing for the rate (6 /min came out as 11.95 /min). */
#include "test_util.h"
#include "edr_internal.h" /* the rate windows alone: analysis/edr_rate.c */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { FS = 250, SECONDS = 300, N = FS * SECONDS };

/* The lung volume, 0 (end of expiration) to 1 (end of inspiration), at phase u in [0, 1) of a
 * breath of period_s: a raised cosine, or a spontaneous breath: an inspiration of 1.2 s and an
 * expiration of 1.6 s (40 % and 60 % of a shorter breath), then an end-expiratory pause, which is
 * what lengthens slow spontaneous breaths (6 /min: a 2.8-s breath and a 7.2-s pause). */
static double volume(double u, double period_s, int realistic)
{
    if (!realistic) return 0.5 - 0.5 * cos(2 * M_PI * u);
    double t = u * period_s, ti = fmin(1.2, 0.4 * period_s), te = fmin(1.6, 0.6 * period_s);
    if (t < ti) return 0.5 - 0.5 * cos(M_PI * t / ti);
    if (t < ti + te) return 0.5 + 0.5 * cos(M_PI * (t - ti) / te);
    return 0;
}

/* A 250-Hz ECG, 300 s, breathing at per_min: the heart rate rises with inspiration (sinus
 * arrhythmia, deeper when breathing is slow), the R wave grows and the S wave deepens with the
 * volume (the axis turning), and a little white noise. */
static double *ecg(double per_min, int realistic)
{
    double *x = calloc(N, sizeof *x);
    assert_non_null(x);
    test_rng rng = {7};
    for (size_t i = 0; i < N; i++) x[i] = 0.01 * (test_uniform(&rng) - 0.5);
    double rsa_s = per_min < 10 ? 0.12 : 0.04;
    for (double beat = 0.5, v = 0; beat < SECONDS - 1; beat += 0.85 - rsa_s * v) {
        v = volume(fmod(beat * per_min / 60, 1), 60 / per_min, realistic);
        test_ecg_beat(x, N, FS, beat, 1.0 + 0.1 * v, 0.3 + 0.2 * v);
    }
    return x;
}

/* Every minute's rate within 0.6 /min of the breathing's (the bin is 0.23 /min), for each rate
 * and shape. */
static void test_rate_slow_and_usual(void **state)
{
    (void)state;
    const double rates[] = {5.5, 6, 7, 15, 20};
    for (int realistic = 0; realistic < 2; realistic++)
        for (size_t k = 0; k < sizeof rates / sizeof *rates; k++) {
            double *x = ecg(rates[k], realistic);
            psy_reader *r = NULL;
            psy_beat_list *beats = NULL;
            psy_breath_list *l = edr_of_ecg(x, N, FS, &r, &beats);
            assert_int_equal(l->n_rate_windows, 4);
            for (size_t w = 0; w < l->n_rate_windows; w++) {
                const psy_edr_rate_window *rw = &l->rate_windows[w];
                print_message("%s breathing at %4.1f /min, %3.0f s: %5.2f /min (%d of %d agree)\n",
                              realistic ? "realistic" : "sinusoidal", rates[k], rw->onset_s, rw->per_min, rw->agreeing,
                              rw->modulations);
                assert_true(fabs(rw->per_min - rates[k]) < 0.6);
            }
            psy_breath_list_free(l);
            psy_beat_list_free(beats);
            psy_reader_close(r);
            free(x);
        }
}

enum { GRID_N = 4 * 120 }; /* two minutes of a modulation on the 4-Hz grid */

/* The grid series of f(t), t in s. */
static double *grid_of(double (*f)(double t))
{
    double *g = malloc(GRID_N * sizeof *g);
    assert_non_null(g);
    for (size_t i = 0; i < GRID_N; i++) g[i] = f((double)i / 4.0);
    return g;
}

/* The windows of k modulations g[j] (m grid samples each, freed) in the band band_low_hz .. 0.7 Hz,
 * cut at half the heart rate of the n beats t (none: the whole band); *nw of them. */
static psy_edr_rate_window *windows_in(double *const *g, int k, size_t m, double band_low_hz, const double *t,
                                       size_t n, size_t *nw)
{
    edr_rate *e = edr_rate_create(m, 4.0, band_low_hz, 0.7);
    assert_non_null(e);
    assert_int_equal(edr_rate_limit(e, t, n), PSY_OK);
    for (int j = 0; j < k; j++) edr_rate_add(e, g[j]);
    for (int j = 0; j < k; j++) edr_rate_check(e, g[j], g[0]);
    psy_edr_rate_window *w = NULL;
    assert_int_equal(edr_rate_finish(e, &w, nw), PSY_OK);
    edr_rate_destroy(e);
    for (int j = 0; j < k; j++) free(g[j]);
    return w;
}

/* The two windows of k modulations g[j], beats every beat_s when beat_s > 0. */
static psy_edr_rate_window *windows_of(double *const *g, int k, double beat_s)
{
    double t[400];
    size_t n = 0, nw = 0;
    for (double at = 0; beat_s > 0 && at < GRID_N / 4.0 && n < 400; at += beat_s) t[n++] = at;
    psy_edr_rate_window *w = windows_in(g, k, GRID_N, 0.07, t, n, &nw);
    assert_int_equal(nw, 2);
    return w;
}

static double breath_of_3_s_every_10_s(double t)
{
    double u = fmod(t, 10.0) / 3.0;
    return u < 1 ? 0.5 - 0.5 * cos(2 * M_PI * u) : 0;
}

/* Four modulations with a 3-s breath every 10 s (6 /min) and nothing else: the rate was their
 * 2nd harmonic, 11.95 /min (the fused spectra's weight f^4 lifts it above the fundamental). */
static void test_rate_fundamental(void **state)
{
    (void)state;
    double *g[4];
    for (int j = 0; j < 4; j++) g[j] = grid_of(breath_of_3_s_every_10_s);
    psy_edr_rate_window *w = windows_of(g, 4, 0);
    for (int i = 0; i < 2; i++) {
        print_message("a 3-s breath every 10 s: %.2f /min\n", w[i].per_min);
        assert_true(fabs(w[i].per_min - 6.0) < 0.3);
    }
    free(w);
}

static double breathing_and_30_per_min(double t)
{
    return sin(2 * M_PI * 0.2 * t) + 2 * sin(2 * M_PI * 0.5 * t);
}

/* Beats every 1.2 s (50 /min) sample nothing above 25 /min: a stronger rhythm at 30 /min in the
 * modulations is an alias and the rate is the breathing at 12 /min; beats every 0.5 s (120 /min)
 * sample it, and it is the rate. */
static void test_rate_below_half_heart_rate(void **state)
{
    (void)state;
    const double beat_s[] = {1.2, 0.5}, want[] = {12.0, 30.0};
    for (int k = 0; k < 2; k++) {
        double *g[2] = {grid_of(breathing_and_30_per_min), grid_of(breathing_and_30_per_min)};
        psy_edr_rate_window *w = windows_of(g, 2, beat_s[k]);
        for (int i = 0; i < 2; i++) assert_true(fabs(w[i].per_min - want[k]) < 0.3);
        free(w);
    }
}

static double at_20_per_min(double t)
{
    return sin(2 * M_PI * t / 3.0);
}

/* Beats every 1 s with a 25-s gap (lead off, EDF+D) in the second minute: the heart rate is the
 * beats' (60 /min), not that of the minute's span (the gap counted as heart time cut the band
 * below 20 /min and gave 16.2 /min, "2 of 2 agree"). */
static void test_rate_gap_in_minute(void **state)
{
    (void)state;
    double *g[2] = {grid_of(at_20_per_min), grid_of(at_20_per_min)}, t[200];
    size_t n = 0, nw = 0;
    for (double at = 0; at < GRID_N / 4.0; at += 1)
        if (at < 70 || at > 95) t[n++] = at;
    for (int j = 0; j < 2; j++)
        for (size_t i = 70 * 4; i < 95 * 4; i++) g[j][i] = NAN;
    psy_edr_rate_window *w = windows_in(g, 2, GRID_N, 0.07, t, n, &nw);
    for (size_t i = 0; i < nw; i++) {
        print_message("beats with a gap, %.0f s: %.2f /min\n", w[i].onset_s, w[i].per_min);
        assert_true(fabs(w[i].per_min - 20.0) < 0.3);
    }
    free(w);
}

/* Half the heart rate below the band (beats every 2 s, a band from 18 /min): n/a with the reason,
 * not a rate from the 3 lowest bins (aliases). */
static void test_rate_heart_too_slow(void **state)
{
    (void)state;
    double *g[2] = {grid_of(at_20_per_min), grid_of(at_20_per_min)}, t[100];
    size_t n = 0, nw = 0;
    for (double at = 0; at < GRID_N / 4.0; at += 2) t[n++] = at;
    psy_edr_rate_window *w = windows_in(g, 2, GRID_N, 0.3, t, n, &nw);
    for (size_t i = 0; i < nw; i++) {
        assert_true(isnan(w[i].per_min));
        assert_non_null(strstr(w[i].why, "heart rate too low for the band"));
    }
    free(w);
}

/* A band from 0 Hz: the sub-multiples of a peak were looked for without end. */
static void test_rate_band_from_zero(void **state)
{
    (void)state;
    assert_null(edr_rate_create(GRID_N, 4.0, 0.0, 0.7));
    assert_null(edr_rate_create(GRID_N, 4.0, 0.005, 0.7));
}

enum { NOISE_MIN = 200, NOISE_N = 4 * 60 * NOISE_MIN };

/* Independent white-noise modulations, no breathing, NOISE_MIN minutes: the minutes with a rate. */
static size_t noise_minutes_with_rate(int k, uint64_t seed)
{
    test_rng rng = {seed};
    double *g[4];
    for (int j = 0; j < k; j++) {
        g[j] = malloc(NOISE_N * sizeof *g[j]);
        assert_non_null(g[j]);
        for (size_t i = 0; i < NOISE_N; i++) g[j][i] = test_gauss(&rng);
    }
    size_t nw = 0, with = 0;
    psy_edr_rate_window *w = windows_in(g, k, NOISE_N, 0.07, NULL, 0, &nw);
    assert_int_equal(nw, NOISE_MIN);
    for (size_t i = 0; i < nw; i++) with += !isnan(w[i].per_min);
    free(w);
    return with;
}

/* A number the data cannot support is n/a: with 2 or 4 noise modulations, a rate in at most 10 %
 * of the minutes (a modulation agreeing with any peak of half its highest gave 176 and 116 of 200). */
static void test_rate_noise_is_na(void **state)
{
    (void)state;
    for (int k = 2; k <= 4; k += 2) {
        size_t with = noise_minutes_with_rate(k, 11 + (uint64_t)k);
        print_message("%d noise modulations: %zu of %d minutes with a rate\n", k, with, NOISE_MIN);
        assert_true(with <= NOISE_MIN / 10);
    }
}

/* Synthetic modulations of NOISE_MIN minutes on the 4-Hz grid, the first the RR interval's. */
typedef struct noise_case {
    int k;             /* modulations */
    const double *a;   /* k amplitudes of a sine (NULL: none) */
    const double *f;   /* k frequencies of it, Hz */
    double share;      /* the waveform's (j > 0) noise: this share common to them, the rest its own */
    double beat_s;     /* beats every beat_s (the band cut at half their rate); 0: the whole band */
    double gap_s;      /* the first gap_s of every minute missing in all (NaN: a lead off) */
} noise_case;

/* The NOISE_MIN windows of case c, seed seed. */
static psy_edr_rate_window *windows_of_case(const noise_case *c, uint64_t seed)
{
    test_rng rng = {seed};
    double *g[4], *shared = malloc(NOISE_N * sizeof *shared);
    assert_non_null(shared);
    for (size_t i = 0; i < NOISE_N; i++) shared[i] = test_gauss(&rng);
    for (int j = 0; j < c->k; j++) {
        g[j] = malloc(NOISE_N * sizeof *g[j]);
        assert_non_null(g[j]);
        for (size_t i = 0; i < NOISE_N; i++) {
            double noise = j > 0 ? c->share * shared[i] + (1 - c->share) * test_gauss(&rng) : test_gauss(&rng);
            g[j][i] = (c->a ? c->a[j] * sin(2 * M_PI * c->f[j] * (double)i / 4.0) : 0) + noise;
            if (fmod((double)i / 4.0, 60.0) < c->gap_s) g[j][i] = NAN;
        }
    }
    free(shared);
    size_t n = 0, nw = 0, cap = c->beat_s > 0 ? (size_t)(NOISE_N / 4.0 / c->beat_s) + 1 : 1;
    double *t = malloc(cap * sizeof *t);
    assert_non_null(t);
    for (double at = 0; c->beat_s > 0 && n < cap; at += c->beat_s) t[n++] = at;
    psy_edr_rate_window *w = windows_in(g, c->k, NOISE_N, 0.07, t, n, &nw);
    assert_int_equal(nw, NOISE_MIN);
    free(t);
    return w;
}

/* The minutes of case c with a rate within 0.5 /min of want_per_min (any rate when it is 0). */
static size_t minutes_of(const noise_case *c, double want_per_min, uint64_t seed)
{
    psy_edr_rate_window *w = windows_of_case(c, seed);
    size_t with = 0;
    for (size_t i = 0; i < NOISE_MIN; i++)
        with += want_per_min > 0 ? fabs(w[i].per_min - want_per_min) < 0.5 : !isnan(w[i].per_min);
    free(w);
    return with;
}

/* The three waveform modulations share each beat's noise (here 90 % of it), the RR interval's is
 * its own; no breathing: seeds 5-7, at most 10 % of the minutes get a rate (about a single noise
 * modulation's share: the waveform counts as one mechanism; when any 2 of the 4 modulations could
 * agree, 2 near-copies of one noise agreed with each other). */
static void test_rate_shared_waveform_noise_is_na(void **state)
{
    (void)state;
    const noise_case c = {.k = 4, .share = 0.9};
    size_t with = 0;
    for (uint64_t seed = 5; seed <= 7; seed++) with += minutes_of(&c, 0, seed);
    print_message("shared waveform noise: %zu of %d minutes with a rate\n", with, 3 * NOISE_MIN);
    assert_true(with <= 3 * NOISE_MIN / 10);
}

/* The same noise at ordinary heart rates, 60, 50 and 40 /min: the band is cut at half the heart
 * rate, so 2 /min either side of a rate is a larger share of it; a share of the band's power
 * there passed noise as a pure rhythm (beats of 1.0, 1.2, 1.5 s: shared waveform noise 109, 195,
 * 324 of 600 minutes with a rate, 2 independent modulations 103, 175, 283). At most 10 % of the
 * minutes, as at 0.85 s (test_rate_noise_ecg_is_na). */
static void test_rate_noise_at_heart_rates_is_na(void **state)
{
    (void)state;
    const double beat_s[] = {1.0, 1.2, 1.5};
    size_t most = 0;
    for (size_t b = 0; b < sizeof beat_s / sizeof *beat_s; b++) {
        const noise_case shared = {.k = 4, .share = 0.9, .beat_s = beat_s[b]}, two = {.k = 2, .beat_s = beat_s[b]};
        size_t with_shared = 0, with_two = 0;
        for (uint64_t seed = 5; seed <= 7; seed++)
            with_shared += minutes_of(&shared, 0, seed), with_two += minutes_of(&two, 0, seed + 200);
        print_message("beats of %.1f s: shared waveform noise %zu, 2 independent %zu of %d minutes with a rate\n",
                      beat_s[b], with_shared, with_two, 3 * NOISE_MIN);
        most = with_shared > most ? with_shared : most, most = with_two > most ? with_two : most;
    }
    assert_true(most <= 3 * NOISE_MIN / 10);
}

/* Breathing at 15 /min in the RR interval and the waveform, each under its own noise: their
 * coherence gives the rate in most minutes (the waveform's alone under the same noise: 8 of
 * 200); the RR interval alone at 6 /min (the baroreflex's Mayer waves, a pure rhythm) over a
 * waveform of noise is the rate in at most 2 % of the minutes (1: where the waveform's noise
 * peaked); breathing in the waveform alone (its noise shared: a pure rhythm) gives its rate;
 * strong sinus arrhythmia at 15 /min with a weak copy in the waveform (under noise it shares:
 * little coherence) gives the rate by the RR interval's purity, one mechanism agreeing. */
static void test_rate_mechanisms(void **state)
{
    (void)state;
    const double both[4] = {0.6, 0.6, 0.6, 0.6}, at_15[4] = {0.25, 0.25, 0.25, 0.25};
    const noise_case coherent = {.k = 4, .a = both, .f = at_15};
    const double mayer[4] = {3, 0, 0, 0}, at_6[4] = {0.1, 0, 0, 0};
    const noise_case slow = {.k = 4, .a = mayer, .f = at_6, .share = 0.9};
    const double wave[4] = {0, 1, 1, 1};
    const noise_case waveform = {.k = 4, .a = wave, .f = at_15, .share = 0.9};
    const double rsa[4] = {3, 0.2, 0.2, 0.2};
    const noise_case rr = {.k = 4, .a = rsa, .f = at_15, .share = 0.9};
    size_t n_coherent = minutes_of(&coherent, 15.0, 21), n_slow = minutes_of(&slow, 6.0, 22);
    size_t n_waveform = minutes_of(&waveform, 15.0, 23), n_rr = 0, rr_one = 0;
    psy_edr_rate_window *w = windows_of_case(&rr, 24);
    for (size_t i = 0; i < NOISE_MIN; i++)
        n_rr += fabs(w[i].per_min - 15.0) < 0.5,
            rr_one += w[i].agreeing == 1 && w[i].coherence < 0.5 && w[i].purity_rr >= 6 && w[i].purity_waveform < 6;
    free(w);
    print_message("coherent under noise: %zu, RR at 6 /min alone: %zu, the waveform alone: %zu, RR with a weak "
                  "waveform: %zu (%zu by the RR interval alone) of %d minutes\n",
                  n_coherent, n_slow, n_waveform, n_rr, rr_one, NOISE_MIN);
    assert_true(n_coherent >= NOISE_MIN * 8 / 10);
    assert_true(n_slow <= NOISE_MIN / 50);
    assert_true(n_waveform >= NOISE_MIN * 8 / 10);
    assert_true(n_rr >= NOISE_MIN * 4 / 10);
    assert_true(rr_one >= NOISE_MIN * 2 / 10);
}

/* Breathing at 15 /min in the RR interval and the waveform under their own noise, with the first
 * 25 s of every minute missing (a lead off: zeros in the spectra and the coherence, up to half a
 * window): the coherence still gives the rate in most minutes, and no other rate. */
static void test_rate_coherence_with_gap(void **state)
{
    (void)state;
    const double both[4] = {0.6, 0.6, 0.6, 0.6}, at_15[4] = {0.25, 0.25, 0.25, 0.25};
    const noise_case c = {.k = 4, .a = both, .f = at_15, .gap_s = 25};
    psy_edr_rate_window *w = windows_of_case(&c, 21);
    size_t right = 0, wrong = 0;
    for (size_t i = 0; i < NOISE_MIN; i++) right += fabs(w[i].per_min - 15.0) < 0.5, wrong += fabs(w[i].per_min - 15.0) >= 0.5;
    free(w);
    print_message("coherent with a 25-s gap a minute: %zu right, %zu wrong of %d minutes\n", right, wrong, NOISE_MIN);
    assert_true(right >= NOISE_MIN * 7 / 10);
    assert_true(wrong <= NOISE_MIN / 50);
}

static double breathing(double t)
{
    return sin(2 * M_PI * 0.25 * t);
}

/* weighted by frequency, the 15 /min peak is 0.77 of the 24 /min one */
static double breathing_and_24_per_min(double t)
{
    return sin(2 * M_PI * 0.25 * t) + 0.9 * sin(2 * M_PI * 0.4 * t);
}

/* A modulation whose highest peak is elsewhere (the heart rate's slow waves, breathing's
 * harmonic) still agrees with the rate when it has a peak of half its highest there: the window
 * was n/a ("the modulations disagree"). */
static void test_rate_agreement_secondary_peak(void **state)
{
    (void)state;
    double *g[2] = {grid_of(breathing), grid_of(breathing_and_24_per_min)};
    psy_edr_rate_window *w = windows_of(g, 2, 0);
    for (int i = 0; i < 2; i++) {
        assert_true(fabs(w[i].per_min - 15.0) < 0.3);
        assert_int_equal(w[i].agreeing, 2);
        assert_null(w[i].why);
    }
    free(w);
}

/* A window with one modulation measured has nothing to agree with: n/a, and the reason says so
 * (it said "the modulations disagree"); a second modulation at the same rhythm gives the rate. */
static void test_rate_one_modulation(void **state)
{
    (void)state;
    for (int mods = 1; mods <= 2; mods++) {
        double *g[2] = {grid_of(breathing), mods == 2 ? grid_of(breathing) : NULL};
        psy_edr_rate_window *w = windows_of(g, mods, 0);
        for (size_t i = 0; i < 2; i++) {
            assert_int_equal(w[i].modulations, mods);
            if (mods == 1) {
                assert_true(isnan(w[i].per_min));
                assert_non_null(strstr(w[i].why, "one modulation measured"));
            } else {
                assert_true(fabs(w[i].per_min - 15.0) < 0.5);
                assert_null(w[i].why);
            }
        }
        free(w);
    }
}

/* An ECG whose beats carry no breathing: intervals and R and S waves with independent white
 * noise, seeds 1-3, 100 minutes each: the minutes with a rate, at most 10 % (11 of 297; 51 when
 * any 2 of the 4 modulations agreeing, each with an autocorrelation of 0.15 at the rate's period,
 * gave the rate: the waveform's three features (R-S amplitude, area, slope range) share each
 * beat's noise and agreed with each other; the assertion was 20 % then). */
static void test_rate_noise_ecg_is_na(void **state)
{
    (void)state;
    enum { MINUTES = 100, NN = FS * 60 * MINUTES };
    size_t with = 0, all = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        double *x = calloc(NN, sizeof *x);
        assert_non_null(x);
        test_rng rng = {seed};
        for (size_t i = 0; i < NN; i++) x[i] = 0.01 * (test_uniform(&rng) - 0.5);
        for (double beat = 0.5; beat < 60.0 * MINUTES - 1; beat += 0.85 + 0.03 * test_gauss(&rng))
            test_ecg_beat(x, NN, FS, beat, 1.0 + 0.05 * test_gauss(&rng), 0.3 + 0.03 * test_gauss(&rng));
        psy_reader *r = NULL;
        psy_beat_list *beats = NULL;
        psy_breath_list *l = edr_of_ecg(x, NN, FS, &r, &beats);
        for (size_t w = 0; w < l->n_rate_windows; w++) with += !isnan(l->rate_windows[w].per_min);
        all += l->n_rate_windows;
        psy_breath_list_free(l);
        psy_beat_list_free(beats);
        psy_reader_close(r);
        free(x);
    }
    print_message("an ECG without breathing: %zu of %zu minutes with a rate\n", with, all);
    assert_true(with <= all / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rate_fundamental),
                                       cmocka_unit_test(test_rate_below_half_heart_rate),
                                       cmocka_unit_test(test_rate_gap_in_minute),
                                       cmocka_unit_test(test_rate_heart_too_slow),
                                       cmocka_unit_test(test_rate_band_from_zero),
                                       cmocka_unit_test(test_rate_noise_is_na),
                                       cmocka_unit_test(test_rate_noise_ecg_is_na),
                                       cmocka_unit_test(test_rate_shared_waveform_noise_is_na),
                                       cmocka_unit_test(test_rate_noise_at_heart_rates_is_na),
                                       cmocka_unit_test(test_rate_coherence_with_gap),
                                       cmocka_unit_test(test_rate_mechanisms),
                                       cmocka_unit_test(test_rate_agreement_secondary_peak),
                                       cmocka_unit_test(test_rate_one_modulation),
                                       cmocka_unit_test(test_rate_slow_and_usual)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
