/* Internal: the QRS shapes a recording has shown, for the R-peak detector's decision stage.
 *
 * A few running templates of recent beats (each the average of the beats that matched it), and
 * the normalised cross-correlation of a new QRS with them: a beat of a shape the heart has
 * produced before matches one closely whatever its timing; an artefact rarely does. Templates
 * as in beat classifiers (Hamilton 2002, "Open source ECG analysis", Computers in Cardiology
 * 29:101-104): one per morphology, the least recently matched one replaced by a new shape. */
#ifndef PSYPHYS_QRS_SHAPES_H
#define PSYPHYS_QRS_SHAPES_H

#include <stdint.h>

#define QRS_SHAPES 4  /* templates kept: sinus, and a few ectopic or aberrant shapes */
#define QRS_CONFIRM 3 /* beats a template needs before a match with it counts */

typedef struct qrs_shapes {
    int len;                  /* samples per template */
    int lag;                  /* alignment searched, +- samples */
    int count;                /* templates in use */
    double *tmpl;             /* QRS_SHAPES x len, each detrended and of unit norm */
    double *sum;              /* QRS_SHAPES x len: the running averages the templates come from */
    double *work;             /* len */
    int64_t used[QRS_SHAPES]; /* when each last matched (caller's clock) */
    int matches[QRS_SHAPES];  /* beats averaged into each */
} qrs_shapes;

/* Allocates for templates of len samples matched at +- lag; 0 on success, -1 out of memory. */
int qrs_shapes_init(qrs_shapes *s, int len, int lag);
void qrs_shapes_free(qrs_shapes *s);
void qrs_shapes_clear(qrs_shapes *s);
/* A deep copy into an uninitialised `to`; 0 or -1. */
int qrs_shapes_copy(const qrs_shapes *from, qrs_shapes *to);

typedef struct qrs_match {
    double corr;   /* largest normalised correlation with a template, -1 .. 1 (-1: none) */
    int which;     /* that template, -1 when none */
    int shift;     /* the lag where x matched it, -lag .. lag */
    double known;  /* largest correlation with a confirmed template (QRS_CONFIRM beats), or -1 */
    double dominant; /* correlation with the template most beats matched (of QRS_CONFIRM or
                        more), NaN while there is none */
} qrs_match;

/* Matches x[0 .. len + 2 lag) (a QRS and lag samples on each side; detrended here) against
 * every template at every lag. */
qrs_match qrs_shapes_match(const qrs_shapes *s, const double *x);

/* Learns the beat x (as for match) that matched m: averaged into m.which at m.shift, or, with
 * m.which < 0, a new template (replacing the least recently used one). */
void qrs_shapes_learn(qrs_shapes *s, const double *x, qrs_match m, int64_t now);

#endif
