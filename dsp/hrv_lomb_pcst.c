/* The Lomb periodogram as the PhysioNet Cardiovascular Signal Toolbox computes it (Vest et al.
 * 2018, Physiol Meas 39(10):105004; its CalcLomb with normalize_lomb = 0, after Lomb 1976 and
 * Scargle 1982): on the fixed grid f = k / 1024 Hz, k = 1, 2, ..., the unnormalised
 *   P(f) = (sum x cos w(t - tau))² / sum cos² w(t - tau) + (sum x sin w(t - tau))² / sum sin² w(t - tau)
 * with w = 2 pi f and tan 2 w tau = sum sin 2 w t / sum cos 2 w t. PCST sums P x (1/1024) over a
 * band as its power: P is used as a density although it grows with the number of beats (its
 * "power" is about the variance times the mean heart rate in Hz, not the variance).
 *
 * The sums are exact (no extirpolation); cos k theta and sin k theta of every beat advance by one
 * rotation per frequency, so the cost is O(n x frequencies) multiply-adds and no trigonometric
 * call after the first. The squares' sums use sum cos² = n / 2 + hypot(C2, S2) / 2, which is the
 * same quantity at tau. */
#include <math.h>

#include "hrv_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define PCST_LOMB_GRID_HZ (1.0 / 1024.0)

psy_status hrv_lomb_pcst(const double *t, const double *x, size_t n, double max_hz, psy_arena *a,
                         hrv_buf *psd, size_t *np, double *df_out)
{
    *np = 0;
    if (n < 3) return PSY_E_TOO_SHORT;
    size_t nf = (size_t)floor(max_hz / PCST_LOMB_GRID_HZ + 1e-9);
    if (nf < 1) return PSY_E_TOO_SHORT;
    double *out = hrv_buf_size(psd, nf + 1);
    size_t mark = psy_arena_mark(a);
    double *rot = psy_arena_array(a, 4 * n, sizeof *rot); /* cos, sin of theta; cos, sin of k theta */
    if (!out || !rot) return PSY_E_NOMEM;
    out[0] = 0;
    double *c1 = rot, *s1 = rot + n, *ck = rot + 2 * n, *sk = rot + 3 * n;
    for (size_t j = 0; j < n; j++) {
        /* the periodogram does not depend on the time origin: t - t[0] keeps the angles small */
        double theta = 2 * M_PI * PCST_LOMB_GRID_HZ * (t[j] - t[0]);
        c1[j] = ck[j] = cos(theta);
        s1[j] = sk[j] = sin(theta);
    }
    double half_n = 0.5 * (double)n;
    for (size_t k = 1; k <= nf; k++) {
        double C = 0, S = 0, C2 = 0, S2 = 0;
        for (size_t j = 0; j < n; j++) { /* the sums at k, then the rotation to k + 1 */
            double c = ck[j], s = sk[j];
            C += x[j] * c;
            S += x[j] * s;
            C2 += c * c - s * s;
            S2 += 2 * c * s;
            ck[j] = c * c1[j] - s * s1[j];
            sk[j] = s * c1[j] + c * s1[j];
        }
        double hyp = hypot(C2, S2);
        /* w tau is half of atan2(S2, C2), in (-pi/2, pi/2]: its cosine is >= 0 */
        double cos2 = hyp > 0 ? C2 / hyp : 1;
        double cw = sqrt(0.5 * (1 + cos2)), sw = sqrt(fmax(0.5 * (1 - cos2), 0));
        if (S2 < 0) sw = -sw;
        double ct = C * cw + S * sw, st = S * cw - C * sw;
        double den_c = half_n + 0.5 * hyp, den_s = half_n - 0.5 * hyp;
        /* a sum of squares of zero (beats all in phase) has a zero numerator too: no power */
        double eps = 1e-12 * (double)n;
        out[k] = (den_c > eps ? ct * ct / den_c : 0) + (den_s > eps ? st * st / den_s : 0);
    }
    psy_arena_release(a, mark);
    *np = nf + 1;
    *df_out = PCST_LOMB_GRID_HZ;
    return PSY_OK;
}
