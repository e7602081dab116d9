/* Delimited text recordings: gzip is undone first, then device exports (RR/IBI lists, Empatica,
 * Garmin: psy_open_device_text), BIDS physio, and generic CSV/TSV with a header row.
 *
 * Generic CSV/TSV (text_table.c): delimiter guessed (tab, ';', ',', runs of blanks), RFC 4180
 * quotes within one line, CRLF, UTF-8 BOM, "name (unit)" / "name [unit]" headers, missing cells
 * (empty, NA, n/a, NaN, ...) as NaN. A column named like a time (time, timestamp, t, seconds,
 * time_ms, ns, ...) is the time base: its unit comes from the name, else from its size (Unix
 * stamps in s/ms/us/ns set the start date-time, UTC), else seconds; the rate is the inverse
 * median step, refined by the whole span when they agree within 1%. Relative times place the
 * first row at their first value (the stretch onset). A first column "", "index" or
 * "Unnamed: 0" holding consecutive integers is skipped. Columns with values in fewer than half
 * the rows (device hr/rr reports) become irregular channels timed by their rows. */
#include <string.h>

#include "bids_physio.h"
#include "gz_source.h"
#include "text_table.h"

static psy_status open_decoded(psy_source *src, const psy_open_options *opt, psy_reader **out,
                               psy_message *why)
{
    psy_reader *r = NULL;
    int generic = opt->format && (psy_strieq(opt->format, "csv") || psy_strieq(opt->format, "tsv"));
    int bids = (bids_is_physio_name(psy_source_name(src)) && !generic) ||
               (opt->format && psy_strieq(opt->format, "bids")) ||
               (opt->sidecar_path && psy_has_suffix_ci(opt->sidecar_path, ".json")) ||
               (!opt->format && !opt->sidecar_path && bids_has_physio_sidecar(src));
    /* Device exports first, unless the file is named or declared as BIDS physio (whose
     * header-less columns could pass for an RR list). */
    psy_status st = bids ? PSY_E_UNKNOWN_FORMAT : psy_open_device_text(src, opt, out, why);
    if (st != PSY_E_UNKNOWN_FORMAT) return st;
    if (why) why->text[0] = '\0';
    if (bids) {
        st = bids_physio_open(src, opt, &r, why);
    } else {
        text_table_config cfg = {0};
        cfg.has_header = 1;
        cfg.find_time_column = 1;
        cfg.rate_hz = opt->sampling_rate_hz;
        st = text_table_open(src, &cfg, &r, why);
    }
    if (st == PSY_OK) st = psy_reader_finish(r);
    return psy_reader_conclude(r, st, src, out);
}

psy_status psy_open_text(psy_source *src, const psy_open_options *opt, psy_reader **out,
                         psy_message *why)
{
    *out = NULL;
    if (!psy_gz_is_gzip(src)) return open_decoded(src, opt, out, why);
    psy_source *dec = NULL;
    gz_ctx *g = NULL;
    psy_status st = psy_gz_source_open(src, &dec, &g, why);
    if (st != PSY_OK) return st;
    st = open_decoded(dec, opt, out, why);
    if (st == PSY_OK) psy_gz_own_raw(g); /* the reader owns dec, dec now owns src */
    else psy_source_close(dec);          /* leaves src open for the caller */
    return st;
}
