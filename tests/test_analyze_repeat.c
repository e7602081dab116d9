/* cmd_analyze runs many times in one process (batch calls it in forked children and may call it
 * in a loop): no state kept between runs, byte-identical outputs each time, nothing leaked
 * (LeakSanitizer in the sanitizer build), and a failed run leaves the next one unharmed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "cli.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    *n = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
}

static int run(const char *const *args, int n)
{
    char *argv[32];
    for (int i = 0; i < n; i++) argv[i] = (char *)args[i];
    argv[n] = NULL;
    return cmd_analyze(n, argv);
}

static void test_runs_repeat(void **state)
{
    (void)state;
    const char *demo = PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf";
    const char *bids = PSYPHYS_SOURCE_DIR "/tests/data/bids/sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio.tsv.gz";
    const char *config = PSYPHYS_SOURCE_DIR "/tests/data/analyze_study.json";
    char out[3][512], deriv[512];
    for (int k = 0; k < 3; k++) snprintf(out[k], sizeof out[k], "%s/run%d", test_tmpdir(), k);
    snprintf(deriv, sizeof deriv, "%s/deriv", test_tmpdir());
    const char *first[] = {"analyze", demo, "--epochs", "Negative", "-o", out[0]};
    assert_int_equal(run(first, 6), CLI_OK);
    /* Runs with other settings in between: a config, a BIDS input, a failure, a usage error. */
    const char *cfg[] = {"analyze", demo, "--config", config, "-o", out[1]};
    assert_int_equal(run(cfg, 6), CLI_OK);
    const char *b[] = {"analyze", bids, "-o", deriv};
    assert_int_equal(run(b, 4), CLI_OK);
    const char *missing[] = {"analyze", "/nonexistent/x.edf", "-o", out[2]};
    assert_int_equal(run(missing, 4), CLI_FAILED);
    const char *bad[] = {"analyze", demo, "--latency", "4:1"};
    assert_int_equal(run(bad, 4), CLI_USAGE);
    /* The first run again: the same epochs (not the config's), the same bytes. */
    assert_int_equal(run((const char *[]){"analyze", demo, "--epochs", "Negative", "-o", out[2]}, 6), CLI_OK);
    const char *tables[] = {"beats", "scr", "segments", "epochs", "epoch-means"};
    for (int t = 0; t < 5; t++) {
        char a[600], c[600];
        snprintf(a, sizeof a, "%s/neurokit_eventrelated_%s.tsv", out[0], tables[t]);
        snprintf(c, sizeof c, "%s/neurokit_eventrelated_%s.tsv", out[2], tables[t]);
        assert_same_file(a, c);
        snprintf(a, sizeof a, "%s/neurokit_eventrelated_%s.json", out[0], tables[t]);
        snprintf(c, sizeof c, "%s/neurokit_eventrelated_%s.json", out[2], tables[t]);
        assert_same_file(a, c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_runs_repeat)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
