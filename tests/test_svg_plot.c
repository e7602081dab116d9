/* The QC report's SVG plot writer (cli/svg_plot.c): decimation keeps extremes and bounds the
 * output, NaN breaks lines, markers on one spot are drawn once, ticks, escaping, determinism. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg_plot.h"

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what)) n++;
    return n;
}

/* A plot of y (x = i) rendered to a malloc'd string. */
static char *render(const double *y, size_t n, double y0, double y1, const char *title)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    svg_axes a = {title, "time (s)", "value (µS)", 0, (double)n, y0, y1, 0, 0, 0, 0};
    svg_plot p;
    svg_plot_begin(&p, fp, &a, "test", 7);
    svg_plot_line(&p, NULL, y, n, 0, 1, SVG_BLUE, 1, 1);
    svg_plot_end(&p);
    fclose(fp);
    return buf;
}

static void test_decimation_keeps_peaks(void **state)
{
    (void)state;
    size_t n = 1000000;
    double *y = malloc(n * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++) y[i] = sin((double)i * 0.01);
    y[500001] = 10;  /* one sample spike */
    y[700001] = -10;
    char *svg = render(y, n, -10, 10, "a day");
    /* 644 px columns, at most 4 points each */
    size_t points = count(svg, "L") + count(svg, "M");
    assert_true(points <= 4 * 645 + 8);
    assert_true(points > 644);
    /* the spikes reach the top (y 26.0) and the bottom (186.0) of the plot area */
    assert_non_null(strstr(svg, " 26.0L"));
    assert_non_null(strstr(svg, " 186.0L"));
    assert_true(strlen(svg) < 100000);
    /* deterministic */
    char *again = render(y, n, -10, 10, "a day");
    assert_string_equal(svg, again);
    free(again), free(svg), free(y);
}

static void test_nan_breaks_the_line(void **state)
{
    (void)state;
    double y[] = {1, 2, NAN, 3, 4};
    char *svg = render(y, 5, 0, 5, NULL);
    const char *d = strstr(svg, " d=\"");
    assert_non_null(d);
    assert_int_equal(count(d, "M"), 2);
    assert_int_equal(count(d, "L"), 2);
    free(svg);
}

static void test_ticks_and_escaping(void **state)
{
    (void)state;
    double y[100];
    for (int i = 0; i < 100; i++) y[i] = i % 2 ? 1 : -1;
    char *svg = render(y, 100, -1, 1, "a<b & \"c\"");
    assert_non_null(strstr(svg, ">a&lt;b &amp; &quot;c&quot;</text>"));
    assert_non_null(strstr(svg, "text-anchor=\"middle\">100</text>")); /* x: 0, 10, .. 100 */
    assert_non_null(strstr(svg, "text-anchor=\"middle\">50</text>"));
    assert_non_null(strstr(svg, "text-anchor=\"end\">0.0</text>")); /* y: -1.0 .. 1.0, no -0.0 */
    assert_null(strstr(svg, ">-0.0<"));
    assert_non_null(strstr(svg, "value (µS)"));
    free(svg);
    /* large values: short exponent labels (3e7, not 30000000) */
    svg = render(y, 100, 0, 3.2e7, "psd");
    assert_non_null(strstr(svg, "text-anchor=\"end\">3e7</text>"));
    assert_null(strstr(svg, "30000000"));
    free(svg);
}

static void test_points_and_range(void **state)
{
    (void)state;
    double x[1000], y[1000];
    for (int i = 0; i < 1000; i++) x[i] = 5, y[i] = 5;
    x[999] = 8;
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    svg_axes a = {NULL, "x", "y", 0, 10, 0, 10, 300, 200, 1, 1};
    svg_plot p;
    svg_plot_begin(&p, fp, &a, "points", 1);
    svg_plot_points(&p, x, y, 1000, SVG_CIRCLE, SVG_BLUE, 3, 1);
    svg_plot_end(&p);
    fclose(fp);
    assert_int_equal(count(buf, "<circle"), 2);
    free(buf);
    double lo = 0, hi = 0, nan_only[] = {NAN, NAN}, flat[] = {3, 3};
    assert_int_equal(svg_range(nan_only, 2, 0.1, &lo, &hi), 0);
    assert_int_equal(svg_range(flat, 2, 0.1, &lo, &hi), 1);
    assert_true(lo < 3 && hi > 3);
    double v[] = {0, NAN, 10};
    assert_int_equal(svg_range(v, 3, 0.1, &lo, &hi), 1);
    assert_true(fabs(lo + 1) < 1e-12 && fabs(hi - 11) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_decimation_keeps_peaks),
                                       cmocka_unit_test(test_nan_breaks_the_line),
                                       cmocka_unit_test(test_ticks_and_escaping),
                                       cmocka_unit_test(test_points_and_range)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
