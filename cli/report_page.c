/* The QC report page: one self-contained HTML file (inline CSS and SVG, no script, no network),
 * laid out for A4 width. */
#include "report.h"
#include "report_sections.h"

/* Shared by the report and the index page. */
void report_page_head(FILE *fp, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          fp);
    report_html(fp, title);
    fputs("</title>\n<style>\n"
          "@page { size: A4; margin: 12mm; }\n"
          "body { font-family: \"DejaVu Sans\", \"Helvetica Neue\", Arial, sans-serif; font-size: 10pt; color: #000;"
          " background: #fff; margin: 0 auto; max-width: 186mm; padding: 6mm; line-height: 1.35; }\n"
          "h1 { font-size: 15pt; margin: 0 0 6pt; } h2 { font-size: 12.5pt; margin: 16pt 0 4pt;"
          " border-bottom: 1px solid #999; } h3 { font-size: 10.5pt; margin: 10pt 0 3pt; }\n"
          "table.facts th { text-align: left; padding-right: 10pt; vertical-align: top; white-space: nowrap; }\n"
          "table.facts td { word-break: break-all; }\n"
          "ul.warnings { margin: 0; padding-left: 16pt; } li.note { color: #D55E00; }\n"
          ".caption { font-size: 9pt; color: #333; margin: 2pt 0 4pt; }\n"
          "svg.plot { display: block; width: 100%; height: auto; margin: 4pt 0; font-family: inherit; }\n"
          "svg.plot text { font-size: 11px; fill: #000; } svg.plot text.title { font-size: 12px; font-weight: bold; }\n"
          "svg.plot text.tick { font-size: 10px; fill: #333; } svg.plot text.mark { font-size: 9px; fill: #D55E00; }\n"
          "svg.plot text.note { font-size: 12px; fill: #666; }\n"
          "svg.plot rect.area { fill: none; stroke: #000; stroke-width: 1; }\n"
          "svg.plot line.grid { stroke: #ddd; stroke-width: 0.8; }\n"
          ".strips, .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 2pt 8pt; }\n"
          ".k-blue { color: #0072B2; } .k-vermillion { color: #D55E00; }\n"
          ".scroll { overflow-x: auto; } .keys { padding-top: 24pt; } .keys table.data { font-size: 8.5pt; }\n"
          "table.data { border-collapse: collapse; font-size: 7.5pt; font-variant-numeric: tabular-nums; }\n"
          "table.data th, table.data td { border: 1px solid #ccc; padding: 1pt 3pt; text-align: right; white-space: nowrap; }\n"
          "table.data th { background: #eee; white-space: normal; }\n"
          "table.data td.file { white-space: normal; overflow-wrap: anywhere; max-width: 24em; }\n"
          "td.file div.error { color: #000; font-style: italic; }\n"
          "table.data td:first-child, table.data th:first-child { text-align: left; }\n"
          "tr.failed td { background: #fbe3d6; } tr.skipped td { background: #f3f3f3; }\n"
          "footer { margin-top: 16pt; font-size: 8pt; color: #555; }\n"
          "nav { font-size: 9pt; margin: 0 0 6pt; } nav a { color: #0072B2; }\n"
          "@media print { nav { display: none; } }\n"
          "@media print { .scroll { overflow: visible; } section { break-inside: auto; } svg.plot { break-inside: avoid; } }\n"
          "</style>\n</head>\n<body>\n",
          fp);
}

void report_write_page(FILE *fp, const report_data *d)
{
    char title[320];
    snprintf(title, sizeof title, "psyphys QC report: %s", d->stem);
    report_page_head(fp, title);
    int plot_id = 0;
    report_section_header(fp, d);
    report_section_timeline(fp, d, &plot_id);
    report_section_ecg(fp, d, &plot_id);
    report_section_hrv(fp, d, &plot_id);
    report_section_eda(fp, d, &plot_id);
    report_section_breathing(fp, d, &plot_id);
    report_section_epochs(fp, d, &plot_id);
    report_section_tables(fp, d);
    fputs("<footer>Made by psyphys ", fp);
    report_html(fp, psy_version());
    fputs(" from the analyze tables in this folder (colours: Okabe &amp; Ito palette).</footer>\n</body>\n</html>\n", fp);
}
