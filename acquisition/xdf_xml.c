/* The XML of XDF headers through expat: the fields of a StreamHeader's <info> (name, type,
 * channel_count, nominal_srate, channel_format, desc/channels/channel label, unit, type) and a
 * FileHeader's datetime. Documents with a DOCTYPE are refused, so no entity is ever expanded. */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_util.h"
#include "xdf.h"

enum { MAX_DEPTH = 32, TEXT_SIZE = 256 };

typedef struct xml_state {
    XML_Parser parser;
    const char *path[MAX_DEPTH]; /* element names from the root (those we care about) */
    int depth;
    char text[TEXT_SIZE];
    size_t text_len;
    int refused, nomem, seen_info;
    xdf_stream_info *info;
    long desc_cap;
    char datetime[64];
} xml_state;

static int at(const xml_state *s, const char *const *want, int n)
{
    if (s->depth != n) return 0;
    for (int i = 0; i < n; i++)
        if (!s->path[i] || strcmp(s->path[i], want[i]) != 0) return 0;
    return 1;
}

/* Element names are interned to the few we match; others are kept as NULL. */
static const char *intern(const char *name)
{
    static const char *const names[] = {
        "info",           "name",     "type",     "channel_count", "nominal_srate",
        "channel_format", "desc",     "channels", "channel",       "label",
        "unit",           "datetime", NULL};
    for (const char *const *p = names; *p; p++)
        if (strcmp(*p, name) == 0) return *p;
    return NULL;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    xml_state *s = ud;
    if (s->depth < MAX_DEPTH) s->path[s->depth] = intern(name);
    s->depth++;
    s->text_len = 0;
    s->text[0] = '\0';
    static const char *const info[] = {"info"}, *const channel[] = {"info", "desc", "channels", "channel"};
    if (at(s, info, 1)) s->seen_info = 1;
    if (s->info && at(s, channel, 4)) {
        xdf_stream_info *in = s->info;
        if (in->n_desc >= XDF_MAX_CHANNELS) return;
        if (in->n_desc == s->desc_cap) {
            long nc = s->desc_cap ? 2 * s->desc_cap : 16;
            xdf_channel_desc *p = realloc(in->desc, (size_t)nc * sizeof *p);
            if (!p) {
                s->nomem = 1;
                XML_StopParser(s->parser, XML_FALSE);
                return;
            }
            in->desc = p;
            s->desc_cap = nc;
        }
        memset(&in->desc[in->n_desc++], 0, sizeof *in->desc);
    }
}

static void copy_text(char *dst, size_t size, const xml_state *s)
{
    psy_copy_field(dst, size, s->text, s->text_len);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    xml_state *s = ud;
    static const char *const p_name[] = {"info", "name"}, *const p_type[] = {"info", "type"},
                             *const p_count[] = {"info", "channel_count"},
                             *const p_rate[] = {"info", "nominal_srate"},
                             *const p_fmt[] = {"info", "channel_format"},
                             *const p_dt[] = {"info", "datetime"},
                             *const c_label[] = {"info", "desc", "channels", "channel", "label"},
                             *const c_unit[] = {"info", "desc", "channels", "channel", "unit"},
                             *const c_type[] = {"info", "desc", "channels", "channel", "type"};
    xdf_stream_info *in = s->info;
    if (at(s, p_dt, 2)) copy_text(s->datetime, sizeof s->datetime, s);
    if (in) {
        xdf_channel_desc *d = in->n_desc ? &in->desc[in->n_desc - 1] : NULL;
        if (at(s, p_name, 2))
            copy_text(in->name, sizeof in->name, s);
        else if (at(s, p_type, 2))
            copy_text(in->type, sizeof in->type, s);
        else if (at(s, p_count, 2)) {
            int64_t v;
            in->channel_count =
                psy_parse_int64(s->text, s->text_len, &v) && v >= 0 && v <= 1000000000 ? (long)v : -1;
        } else if (at(s, p_rate, 2)) {
            double v;
            in->nominal_srate = psy_parse_double(s->text, s->text_len, &v) ? v : -1;
        } else if (at(s, p_fmt, 2)) {
            static const char *const fmts[] = {"float32", "double64", "string", "int8",
                                               "int16",   "int32",    "int64"};
            char f[32];
            copy_text(f, sizeof f, s);
            in->format = XDF_FORMAT_UNKNOWN;
            for (int k = 0; k < 7; k++)
                if (psy_strieq(f, fmts[k])) in->format = (xdf_format)k;
            if (psy_strieq(f, "double")) in->format = XDF_DOUBLE64;
        } else if (d && at(s, c_label, 5))
            copy_text(d->label, sizeof d->label, s);
        else if (d && at(s, c_unit, 5))
            copy_text(d->unit, sizeof d->unit, s);
        else if (d && at(s, c_type, 5))
            copy_text(d->type, sizeof d->type, s);
    }
    s->depth--;
    s->text_len = 0;
}

static void XMLCALL on_text(void *ud, const XML_Char *text, int len)
{
    xml_state *s = ud;
    for (int i = 0; i < len && s->text_len + 1 < TEXT_SIZE; i++) s->text[s->text_len++] = text[i];
    s->text[s->text_len] = '\0';
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int internal)
{
    (void)name, (void)sysid, (void)pubid, (void)internal;
    xml_state *s = ud;
    s->refused = 1;
    XML_StopParser(s->parser, XML_FALSE);
}

static psy_status parse(const char *xml, size_t len, xml_state *s, psy_message *why)
{
    if (len > (1u << 30)) return psy_fail(why, PSY_E_FORMAT, "XML header larger than 1 GB");
    s->parser = XML_ParserCreate("UTF-8");
    if (!s->parser) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    XML_SetUserData(s->parser, s);
    XML_SetElementHandler(s->parser, on_start, on_end);
    XML_SetCharacterDataHandler(s->parser, on_text);
    XML_SetStartDoctypeDeclHandler(s->parser, on_doctype);
    XML_SetParamEntityParsing(s->parser, XML_PARAM_ENTITY_PARSING_NEVER);
    enum XML_Status rc = XML_Parse(s->parser, xml, (int)len, 1);
    psy_status st = PSY_OK;
    if (s->nomem)
        st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    else if (s->refused)
        st = psy_fail(why, PSY_E_FORMAT, "XML header with a DOCTYPE (refused)");
    else if (rc != XML_STATUS_OK)
        st = psy_fail(why, PSY_E_FORMAT, "XML header is not well-formed (line %lu: %s)",
                      (unsigned long)XML_GetCurrentLineNumber(s->parser),
                      XML_ErrorString(XML_GetErrorCode(s->parser)));
    else if (!s->seen_info)
        st = psy_fail(why, PSY_E_FORMAT, "XML header has no <info> element");
    XML_ParserFree(s->parser);
    return st;
}

psy_status xdf_parse_stream_xml(const char *xml, size_t len, xdf_stream_info *info, psy_message *why)
{
    memset(info, 0, sizeof *info);
    info->channel_count = -1;
    info->nominal_srate = -1;
    info->format = XDF_FORMAT_UNKNOWN;
    xml_state s = {0};
    s.info = info;
    psy_status st = parse(xml, len, &s, why);
    if (st != PSY_OK) xdf_stream_info_free(info);
    return st;
}

void xdf_stream_info_free(xdf_stream_info *info)
{
    if (!info) return;
    free(info->desc);
    info->desc = NULL;
    info->n_desc = 0;
}

int xdf_file_datetime(const char *xml, size_t len, psy_datetime *out)
{
    xml_state s = {0};
    if (parse(xml, len, &s, NULL) != PSY_OK || !s.datetime[0]) return 0;
    int64_t unix_ns; /* LabRecorder writes the zone as +hhmm */
    return dev_parse_iso8601(s.datetime, strlen(s.datetime), out, &unix_ns) ? 1 : -1;
}
