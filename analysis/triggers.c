/* Events from trigger channels: threshold pulses and integer codes (see include/psyphys/triggers.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/triggers.h"
#include "psy_core.h" /* psy_reserved_clear */

#define BLOCK 65536

psy_trigger_config psy_trigger_config_default(void)
{
    psy_trigger_config c = {PSY_TRIGGER_AUTO, NAN, 0, 0.0, 0xFFFF, {0}};
    return c;
}

typedef struct pulse_list {
    int64_t *start, *end;
    int64_t *code;
    size_t n, cap;
} pulse_list;

static int add_pulse(pulse_list *p, int64_t start, int64_t end, int64_t code)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        int64_t *s = realloc(p->start, cap * sizeof *s);
        if (s) p->start = s;
        int64_t *e = realloc(p->end, cap * sizeof *e);
        if (e) p->end = e;
        int64_t *c = realloc(p->code, cap * sizeof *c);
        if (c) p->code = c;
        if (!s || !e || !c) return 0;
        p->cap = cap;
    }
    p->start[p->n] = start, p->end[p->n] = end, p->code[p->n] = code;
    p->n++;
    return 1;
}

static void free_pulses(pulse_list *p)
{
    free(p->start);
    free(p->end);
    free(p->code);
}

/* What a sample says: active or not (level), or its code (bits). */
typedef struct scan {
    const psy_channel_info *c;
    psy_trigger_mode mode;
    double threshold;
    int polarity;
    uint32_t mask;
} scan;

static int64_t state_of(const scan *s, double x)
{
    if (isnan(x)) return 0;
    if (s->mode == PSY_TRIGGER_LEVEL) return s->polarity > 0 ? x > s->threshold : x < s->threshold;
    const psy_channel_info *c = s->c;
    double d = (double)c->digital_min + (x - c->physical_min) *
                                            (double)(c->digital_max - c->digital_min) /
                                            (c->physical_max - c->physical_min);
    return (int64_t)((uint64_t)llround(d) & s->mask);
}

/* Runs of a non-zero state: [start, end) with its state. */
static psy_status find_pulses(psy_reader *r, int ch, const scan *s, double *x, pulse_list *out)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    int64_t run_start = -1, run_state = 0;
    for (int64_t at = 0; at < c->frames; at += BLOCK) {
        int64_t n = c->frames - at < BLOCK ? c->frames - at : BLOCK;
        psy_status st = psy_reader_read(r, ch, at, n, x);
        if (st != PSY_OK) return st;
        for (int64_t i = 0; i < n; i++) {
            int64_t state = state_of(s, x[i]);
            if (state == run_state) continue;
            if (run_state && !add_pulse(out, run_start, at + i, run_state)) return PSY_E_NOMEM;
            run_state = state;
            run_start = at + i;
        }
    }
    if (run_state && !add_pulse(out, run_start, c->frames, run_state)) return PSY_E_NOMEM;
    return PSY_OK;
}

/* Level triggers: the threshold from the range, the polarity from the time on each side. */
static psy_status level_settings(psy_reader *r, int ch, scan *s, double *x, psy_message *why)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (isnan(s->threshold)) {
        double lo = INFINITY, hi = -INFINITY;
        for (int64_t at = 0; at < c->frames; at += BLOCK) {
            int64_t n = c->frames - at < BLOCK ? c->frames - at : BLOCK;
            psy_status st = psy_reader_read(r, ch, at, n, x);
            if (st != PSY_OK) return st;
            for (int64_t i = 0; i < n; i++)
                if (!isnan(x[i])) lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
        }
        if (!(hi > lo)) {
            snprintf(why->text, sizeof why->text,
                     "trigger channel '%s' never changes: no threshold between its levels", c->label);
            return PSY_E_INVALID;
        }
        s->threshold = 0.5 * (lo + hi);
    }
    if (s->polarity == 0) {
        int64_t above = 0, valid = 0;
        for (int64_t at = 0; at < c->frames; at += BLOCK) {
            int64_t n = c->frames - at < BLOCK ? c->frames - at : BLOCK;
            psy_status st = psy_reader_read(r, ch, at, n, x);
            if (st != PSY_OK) return st;
            for (int64_t i = 0; i < n; i++)
                if (!isnan(x[i])) valid++, above += x[i] > s->threshold;
        }
        s->polarity = 2 * above <= valid ? +1 : -1;
    }
    return PSY_OK;
}

static int is_status_label(const char *label)
{
    char low[16];
    size_t i = 0;
    for (; label[i] && i + 1 < sizeof low; i++) low[i] = (char)tolower((unsigned char)label[i]);
    low[i] = '\0';
    return strcmp(low, "status") == 0;
}

psy_status psy_trigger_events(psy_reader *r, int ch, const psy_trigger_config *config,
                              size_t *n_found, psy_message *why)
{
    psy_message ignored;
    if (!why) why = &ignored;
    why->text[0] = '\0';
    if (n_found) *n_found = 0;
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (!c) return PSY_E_INVALID;
    psy_trigger_config cfg = config ? *config : psy_trigger_config_default();
    if (!psy_reserved_clear(cfg.reserved)) {
        snprintf(why->text, sizeof why->text, "%s", PSY_RESERVED_REASON);
        return PSY_E_INVALID;
    }
    int has_integers = c->digital_max > c->digital_min && c->physical_max != c->physical_min;
    scan s = {c, cfg.mode, cfg.threshold, cfg.polarity, cfg.mask};
    if (s.mode == PSY_TRIGGER_AUTO)
        s.mode = has_integers && is_status_label(c->label) ? PSY_TRIGGER_BITS : PSY_TRIGGER_LEVEL;
    if (c->rate_hz <= 0 || (s.mode == PSY_TRIGGER_BITS && !has_integers) || cfg.min_gap_s < 0) {
        snprintf(why->text, sizeof why->text, "channel '%s' %s", c->label,
                 c->rate_hz <= 0 ? "is irregular: not a trigger signal"
                 : cfg.min_gap_s < 0 ? "cannot take a negative minimum gap"
                                     : "stores no integers: it has no trigger codes");
        return PSY_E_INVALID;
    }
    double *x = malloc(BLOCK * sizeof *x);
    if (!x) return PSY_E_NOMEM;
    pulse_list p = {0};
    psy_status st = s.mode == PSY_TRIGGER_LEVEL ? level_settings(r, ch, &s, x, why) : PSY_OK;
    if (st == PSY_OK) st = find_pulses(r, ch, &s, x, &p);
    free(x);
    /* Debounce: a pulse starting within min_gap_s of the previous one's end continues it. */
    size_t kept = 0;
    int64_t min_gap = (int64_t)llround(cfg.min_gap_s * c->rate_hz);
    for (size_t i = 0; st == PSY_OK && i < p.n; i++) {
        if (kept && p.code[i] == p.code[kept - 1] && p.start[i] - p.end[kept - 1] < min_gap) {
            p.end[kept - 1] = p.end[i];
            continue;
        }
        p.start[kept] = p.start[i], p.end[kept] = p.end[i], p.code[kept] = p.code[i], kept++;
    }
    psy_event *ev = st == PSY_OK ? calloc(kept + 1, sizeof *ev) : NULL;
    char (*codes)[24] = st == PSY_OK ? calloc(kept + 1, sizeof *codes) : NULL;
    char detail[PSY_LABEL_SIZE + 16];
    snprintf(detail, sizeof detail, "channel=%s", c->label);
    if (st == PSY_OK && (!ev || !codes)) st = PSY_E_NOMEM;
    for (size_t i = 0; st == PSY_OK && i < kept; i++) {
        double t0, t1;
        st = psy_reader_read_times(r, ch, p.start[i], 1, &t0);
        if (st == PSY_OK)
            st = p.end[i] < c->frames ? psy_reader_read_times(r, ch, p.end[i], 1, &t1)
                                      : psy_reader_read_times(r, ch, c->frames - 1, 1, &t1);
        if (st != PSY_OK) break;
        if (p.end[i] >= c->frames) t1 += 1.0 / c->rate_hz;
        snprintf(codes[i], sizeof codes[i], "%lld", (long long)p.code[i]);
        ev[i] = (psy_event){.onset_s = t0, .duration_s = t1 - t0,
                            .label = s.mode == PSY_TRIGGER_BITS ? codes[i] : c->label,
                            .detail = detail, .source = PSY_EVENTS_TRIGGER, .sample = p.start[i],
                            .channel = ch, .code = s.mode == PSY_TRIGGER_BITS ? (int)p.code[i] : 0};
    }
    if (st == PSY_OK) st = psy_reader_add_events(r, ev, kept);
    if (st == PSY_OK && n_found) *n_found = kept;
    if (st != PSY_OK && !why->text[0])
        snprintf(why->text, sizeof why->text, "trigger channel '%s': %s", c->label, psy_strerror(st));
    free(ev);
    free(codes);
    free_pulses(&p);
    return st;
}
