/* Header arithmetic for EDF+/BDF+ output (EDF spec, Kemp et al. 1992; EDF+, Kemp & Olivan 2003):
 * every header number is an ASCII field (8 characters for physical min/max and the record
 * duration); samples per data record are integers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "edf_writer.h"
#include "reader_impl.h"

enum {
    UNITS_PER_S = 100000,    /* EDFlib's edf_set_datarecord_duration unit: 10 us */
    MIN_UNITS = 100,         /* 0.001 s */
    MAX_UNITS = 6000000      /* 60 s */
};

static int fits(double rate, int64_t units, int *count)
{
    double c = rate * (double)units / UNITS_PER_S;
    double r = floor(c + 0.5);
    if (r < 1 || r > 2147483647.0 || fabs(c - r) > 1e-6 * c) return 0;
    *count = (int)r;
    return 1;
}

psy_status psy_edf_record_duration(const double *rates, int n, int64_t *units_10us, int *counts,
                                   psy_message *why)
{
    int all_integer = 1;
    for (int i = 0; i < n; i++) all_integer &= rates[i] >= 1 && rates[i] == floor(rates[i]);
    int64_t first = all_integer ? UNITS_PER_S : MIN_UNITS;
    for (int64_t u = first; u <= MAX_UNITS; u++) {
        int ok = 1;
        for (int i = 0; i < n && ok; i++) ok = fits(rates[i], u, &counts[i]);
        if (ok) {
            *units_10us = u;
            return PSY_OK;
        }
    }
    char list[160] = "";
    for (int i = 0; i < n && strlen(list) + 20 < sizeof list; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%.9g", i ? ", " : "", rates[i]);
    return psy_fail(why, PSY_E_UNSUPPORTED,
                    "no EDF data-record duration up to 60 s holds a whole number of samples at every "
                    "rate (%s Hz)", list);
}

int psy_edf_field8(double v, int dir, double *out)
{
    if (!isfinite(v)) return 0;
    for (int p = 7; p >= 0; p--) {
        double scale = pow(10, p);
        double w = (dir < 0 ? floor(v * scale) : ceil(v * scale)) / scale;
        char buf[64];
        int len = snprintf(buf, sizeof buf, "%.*f", p, w);
        if (len > 8) continue;
        for (char *c = buf; *c; c++)
            if (*c == ',') *c = '.';
        if (!psy_parse_double(buf, (size_t)len, out)) return 0;
        if (*out == 0) *out = 0; /* no "-0" */
        return 1;
    }
    return 0;
}

const char *psy_edf_unit_symbol(const char *unit)
{
    static const struct { const char *name, *symbol; } units[] = {
        {"microsiemens", "uS"}, {"microsiemen", "uS"}, {"nanosiemens", "nS"}, {"millisiemens", "mS"},
        {"microvolts", "uV"}, {"microvolt", "uV"}, {"millivolts", "mV"}, {"millivolt", "mV"},
        {"degrees celsius", "degC"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (psy_strieq(unit, units[i].name)) return units[i].symbol;
    return unit;
}

int psy_edf_ascii(const char *utf8, char *out, size_t size)
{
    static const struct { const char *from, *to; } translit[] = {
        {"\xc2\xb5", "u"}, {"\xce\xbc", "u"}, {"\xc2\xb0", "deg"}, {"\xce\xa9", "Ohm"}};
    size_t o = 0;
    int changed = 0;
    for (const unsigned char *p = (const unsigned char *)utf8; *p;) {
        const char *rep = NULL;
        size_t skip = 1;
        if (*p >= 0x20 && *p < 0x7f) {
            if (o + 1 >= size) return 1;
            out[o++] = (char)*p++;
            out[o] = '\0';
            continue;
        }
        for (size_t i = 0; i < sizeof translit / sizeof translit[0] && !rep; i++)
            if (strncmp((const char *)p, translit[i].from, strlen(translit[i].from)) == 0) {
                rep = translit[i].to;
                skip = strlen(translit[i].from);
            }
        if (!rep) {
            rep = "_";
            while (p[skip] >= 0x80 && p[skip] < 0xC0) skip++; /* the whole UTF-8 sequence */
        }
        changed = 1;
        size_t k = strlen(rep);
        if (o + k >= size) return 1;
        memcpy(out + o, rep, k);
        o += k;
        p += skip;
    }
    if (size) out[o < size ? o : size - 1] = '\0';
    return changed;
}
