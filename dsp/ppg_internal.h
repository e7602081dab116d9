/* Internal: the PPG pulse detector's state, shared by its two files (ppg_detector.c: input,
 * filters, the moving averages; ppg_pulse.c: fiducial points, quality, accepting pulses). */
#ifndef PSYPHYS_PPG_INTERNAL_H
#define PSYPHYS_PPG_INTERNAL_H

#include <stdint.h>

#include "biquad.h"
#include "psyphys/ppg.h"

#define PPG_QUEUE 512    /* output queues; push keeps PPG_ROOM free in each */
#define PPG_ROOM 200     /* the most one input sample can emit (a polarity decision's catch-up) */
#define PPG_SHAPE 32     /* points of a resampled pulse */
#define PPG_TEMPLATE 8   /* accepted pulses averaged into the template */
#define PPG_HISTORY 9    /* amplitudes and intervals kept for their medians */
#define PPG_PENDING 8    /* pulses waiting for the signal after their peak */
#define PPG_REJECTS 4    /* consecutive rejected pulses alike enough to become the new template */
#define PPG_CLIPS 8      /* recent clipped stretches */
#define PPG_MAX_TAPS 129 /* of the fiducial low-pass */
#define PPG_RINGS 4
#define PPG_SHAPE_TRUST 0.9 /* a pulse this like the template is one, whatever its amplitude */
#define PPG_USABLE_QUALITY 0.86 /* template correlation of a usable pulse (Orphanidou et al. 2015): the
                                   default resume_quality and the bar of a pulse searched back for */

/* A pulse found by the moving averages, with its fiducial points (processing-rate indices). */
typedef struct ppg_candidate {
    double foot, upstroke, peak; /* peak interpolated */
    int64_t peak_at, lo;         /* the peak sample; the start of the foot search */
    double amplitude;
    double mid;                  /* half-amplitude point of the upstroke */
} ppg_candidate;

/* Two time bases: input samples (n: gaps, flat and clipped runs, output) and processing samples
 * (m: block means of k input samples, on which filters, moving averages and fiducials run). */
struct psy_ppg_detector {
    psy_ppg_detector_config cfg;
    int k;                        /* input samples per processing sample */
    double rate_p;                /* processing rate, Hz */
    int64_t w1, w2, h1, h2;       /* moving-average widths (odd) and half widths */
    int64_t taps_half;            /* the low-pass is 2 taps_half + 1 taps */
    double taps[PPG_MAX_TAPS];
    int64_t delay_b;              /* band-pass group delay, processing samples (rounded) */
    int64_t refractory, ring_len, pol_needed, pol_block, settle_len;
    int64_t lookback;             /* the ring stage B may still read behind it */
    int64_t flat_len, clip_len;   /* input samples */
    double env_rate;              /* envelope relaxation per input sample */
    double zbar_rate;             /* the squared signal's running mean, per processing sample */
    double inv_k;
    psy_biquad hp, lp;

    /* input level */
    int64_t n;
    double block_sum;
    int block_count, block_nan;
    double last_x, before_run;    /* the value of the current run, the value before it */
    int64_t run_start, run_len;
    int have_last;
    int gap_open;
    psy_ppg_reason gap_reason;
    int64_t gap_start;
    double env_hi, env_lo;
    int env_init;

    /* processing level */
    int64_t m, f_done;            /* processing samples made; f known below f_done */
    int seg_active;
    int64_t seg_start;
    int polarity;
    double pol_rise, pol_fall, pol_prev;   /* steepest rise and fall in the current block */
    int64_t pol_count, pol_votes;

    /* moving averages (stage B), at processing sample b, centred at b - h2 */
    int64_t b, b_seg;
    double sum_peak, sum_pulse, zbar;
    int zbar_init, in_block;
    int64_t block_start;

    /* pulses */
    ppg_candidate pend[PPG_PENDING];
    int n_pend;
    double last_cand_peak;        /* of the last candidate (any), processing index; -inf none */
    double prev_cand_peak;        /* of the candidate before it */
    double amps[PPG_HISTORY], ivals[PPG_HISTORY];
    int n_amps, amp_next, n_ivals, ival_next;
    double interval;              /* median of ivals (0 until known), see pulse_interval */
    double last_accepted;         /* peak of the last accepted pulse; -inf none */
    double shapes[PPG_TEMPLATE][PPG_SHAPE];
    double template_sum[PPG_SHAPE]; /* the sum of the n_shapes shapes */
    int n_shapes, shape_next;
    double rejects[PPG_REJECTS][PPG_SHAPE], reject_amps[PPG_REJECTS];
    int n_rejects;
    int artefact_open;
    int64_t artefact_start;       /* input samples */
    psy_ppg_unusable clips[PPG_CLIPS];
    int clip_next, n_clips;
    int finished;

    psy_ppg_pulse pulses[PPG_QUEUE];
    int pulse_head, pulse_count;
    psy_ppg_unusable unusable[PPG_QUEUE];
    int unusable_head, unusable_count;

    double ring[];                /* PPG_RINGS rings of ring_len processing samples: the input (x),
                                     the band-pass (y), the low-pass (f), the squared part (z) */
};

/* ring_len is a power of two: a mask, not a division, per access. */
static inline double *ppg_x(psy_ppg_detector *d, int64_t j) { return &d->ring[j & (d->ring_len - 1)]; }
static inline double *ppg_y(psy_ppg_detector *d, int64_t j) { return &d->ring[d->ring_len + (j & (d->ring_len - 1))]; }
static inline double *ppg_f(psy_ppg_detector *d, int64_t j) { return &d->ring[2 * d->ring_len + (j & (d->ring_len - 1))]; }
static inline double *ppg_z(psy_ppg_detector *d, int64_t j) { return &d->ring[3 * d->ring_len + (j & (d->ring_len - 1))]; }

/* Input sample of a processing-rate position (the centre of its block). */
static inline double ppg_input_pos(const psy_ppg_detector *d, double j) { return j * d->k + 0.5 * (d->k - 1); }

void ppg_emit_unusable(psy_ppg_detector *d, int64_t start, int64_t end, psy_ppg_reason reason);

/* ppg_pulse.c: a block of the moving averages [c0, c1) (centre indices) became a candidate. */
void ppg_candidate_from_block(psy_ppg_detector *d, int64_t c0, int64_t c1);
/* Decides the pending pulses whose signal after the peak is known (all of them when `all`). */
void ppg_decide_pending(psy_ppg_detector *d, int all);
/* The segment ended at processing sample `at` (a gap or the end): pending pulses are decided on
 * what there is, an open artefact stretch closes. */
void ppg_segment_end(psy_ppg_detector *d, int64_t at);

#endif
