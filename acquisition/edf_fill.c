/* psyphys convert marks what it wrote that is not signal (README, "convert"): "psyphys: gap" (a
 * gap of the input, or the padding of the last data record, which always holds whole records)
 * and "psyphys: NaN LABEL" (missing samples of one channel), both stored as the lowest digital
 * value, which no real sample uses. Read back, they are no signal: a gap that reaches the end
 * of the data ends every channel where it begins, the other marked spans read as NaN. */
#include <math.h>
#include <string.h>

#include "edf_build.h"

/* The first sample at or after t (s): marks are stored in EDF+'s 100 us unit, so t may sit up to
 * 50 us off the sample time it stood for. */
static int64_t sample_at(const psy_channel_info *c, double t)
{
    double i = ceil((t - 5e-5) * c->rate_hz);
    return i < 0 ? 0 : i > (double)c->frames ? c->frames : (int64_t)i;
}

psy_status edf_apply_fill_marks(psy_reader *r, double data_end_s)
{
    static const char gap[] = "psyphys: gap", nan_mark[] = "psyphys: NaN ";
    double end = INFINITY;
    size_t spans = 0;
    for (size_t i = 0; i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        int is_gap = strcmp(e->label, gap) == 0, is_nan = strncmp(e->label, nan_mark, sizeof nan_mark - 1) == 0;
        if (!is_gap && !is_nan) continue;
        double a = e->onset_s, b = a + (e->duration_s > 0 ? e->duration_s : 0);
        if (is_gap && b >= data_end_s - 1e-4) { /* the padding at the end: not data */
            if (a < end) end = a;
            continue;
        }
        int only = is_nan ? psy_reader_find_channel(r, e->label + sizeof nan_mark - 1) : -1;
        if (is_nan && only < 0) continue; /* a label cut to fit the annotation: left alone */
        for (int ch = 0; ch < psy_reader_channel_count(r); ch++) {
            const psy_channel_info *c = psy_reader_channel(r, ch);
            if ((only >= 0 && ch != only) || !(c->rate_hz > 0)) continue;
            if (psy_reader_mark_missing(r, ch, sample_at(c, a), sample_at(c, b)) != PSY_OK) return PSY_E_NOMEM;
        }
        spans++;
    }
    if (isfinite(end)) {
        for (int ch = 0; ch < psy_reader_channel_count(r); ch++)
            psy_reader_trim_channel(r, ch, sample_at(psy_reader_channel(r, ch), end));
        psy_reader_warn(r, "'psyphys: gap' marks the padding of the last data record: the channels end at %.4f s, "
                           "not %.4f s", end, data_end_s);
    }
    if (spans)
        psy_reader_warn(r, "%zu spans marked 'psyphys: gap' or 'psyphys: NaN' (filled by psyphys convert) read as "
                           "missing", spans);
    return PSY_OK;
}
