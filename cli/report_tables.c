/* The segments and epochs tables as HTML tables, cells as analyze wrote them. */
#include "report_sections.h"

/* A column name that may wrap after its underscores (hr_baseline_bpm). */
static void column_name(FILE *fp, const char *name)
{
    for (const char *p = name; *p; p++) {
        char one[2] = {*p, 0};
        report_html(fp, one);
        if (*p == '_' && p[1]) fputs("<wbr>", fp);
    }
}

static void table(FILE *fp, const report_table *t, const char *id, const char *title)
{
    fprintf(fp, "<h3>%s (%zu row%s)</h3>\n<div class=\"scroll\"><table class=\"data\" id=\"%s\">\n<thead><tr>", title,
            t->n_rows, t->n_rows == 1 ? "" : "s", id);
    for (size_t c = 0; c < t->n_cols; c++) {
        fputs("<th>", fp);
        column_name(fp, t->names[c]);
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs("<tr>", fp);
        for (size_t c = 0; c < t->n_cols; c++) {
            fputs("<td>", fp);
            report_html(fp, report_table_str(t, r, (int)c));
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n", fp);
}

/* A wide table of a few rows, turned: one row per column, one column per row (fits A4). */
static void table_turned(FILE *fp, const report_table *t, const char *id, const char *title)
{
    fprintf(fp, "<h3>%s (%zu row%s)</h3>\n<div class=\"scroll\"><table class=\"data\" id=\"%s\">\n<thead><tr><th>%s</th>",
            title, t->n_rows, t->n_rows == 1 ? "" : "s", id, t->n_cols ? t->names[0] : "");
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs("<th>", fp);
        report_html(fp, report_table_str(t, r, 0));
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t c = 1; c < t->n_cols; c++) {
        fputs("<tr><td>", fp);
        report_html(fp, t->names[c]);
        fputs("</td>", fp);
        for (size_t r = 0; r < t->n_rows; r++) {
            fputs("<td>", fp);
            report_html(fp, report_table_str(t, r, (int)c));
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n", fp);
}

void report_section_tables(FILE *fp, const report_data *d)
{
    fputs("<section id=\"tables\">\n<h2>Tables</h2>\n", fp);
    if (d->segments.n_rows <= 8) table_turned(fp, &d->segments, "segments-table", "Segments");
    else table(fp, &d->segments, "segments-table", "Segments");
    if (d->has_epochs) table(fp, &d->epochs, "epochs-table", "Epochs");
    else fputs("<p class=\"caption\">No epochs table (no events).</p>\n", fp);
    fputs("</section>\n", fp);
}
