#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ftw.h>
#include <unistd.h>

static const char *shared_path(const char *sub, const char *relative)
{
    static char buf[4096];
    const char *root = getenv("PSYPHYS_SHARED_DIR");
    if (!root || !*root) root = PSYPHYS_SHARED_DIR;
    snprintf(buf, sizeof buf, "%s/%s/%s", root, sub, relative);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

const char *shared_data(const char *relative) { return shared_path("data", relative); }
const char *shared_reference(const char *relative) { return shared_path("reference", relative); }

void require_shared_data(void)
{
    if (!shared_data("INDEX.md")) {
        fprintf(stderr, "skipped: ../shared/data is absent\n");
        exit(PSY_TEST_SKIP);
    }
}

static char tmpdir[256];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tmpdir(void)
{
    if (tmpdir[0]) nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *test_tmpdir(void)
{
    char *dir = tmpdir;
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof tmpdir, "%s/psyphys-test-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            exit(1);
        }
        atexit(remove_tmpdir);
    }
    return dir;
}

const char *write_temp_file(const char *name, const void *data, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    return path;
}

psy_reader *open_or_fail(const char *path)
{
    psy_open_options opt = psy_open_options_default();
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, &opt, &r, &why);
    if (st != PSY_OK) fail_msg("%s: %s (%s)", path, why.text, psy_strerror(st));
    return r;
}

psy_reader *open_shared(const char *relative, double fs)
{
    const char *path = shared_data(relative);
    if (!path) fail_msg("missing shared/data/%s", relative);
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, &opt, &r, &why);
    if (st != PSY_OK) fail_msg("%s: %s (%s)", relative, why.text, psy_strerror(st));
    return r;
}

psy_breath_list *edr_of_ecg(const double *x, size_t n, double fs, psy_reader **r, psy_beat_list **beats)
{
    psy_array_channel c = {.label = "ECG", .type = PSY_CH_ECG, .unit = "mV", .rate_hz = fs, .samples = x, .n = n};
    psy_message why = {{0}};
    assert_int_equal(psy_reader_from_arrays(&c, 1, NULL, 0, r, NULL), PSY_OK);
    assert_int_equal(psy_beats_detect(*r, 0, NULL, beats, &why), PSY_OK);
    psy_breath_list *l = NULL;
    psy_status st = psy_breaths_from_ecg(*r, 0, *beats, &l, &why);
    if (st != PSY_OK) fail_msg("psy_breaths_from_ecg: %s (%s)", why.text, psy_strerror(st));
    return l;
}

int has_warning(const psy_reader *r, const char *needle)
{
    for (size_t i = 0; i < psy_reader_warning_count(r); i++)
        if (strstr(psy_reader_warning(r, i), needle)) return 1;
    return 0;
}

const char *temp_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    return path;
}

void expect_open_refused(const char *path, psy_status want, const char *words)
{
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, NULL, &r, &why);
    if (st != want || !strstr(why.text, words))
        fail_msg("%s: got %s '%s', want %s '%s'", path, psy_strerror(st), why.text, psy_strerror(want), words);
    assert_null(r);
}

double test_uniform(test_rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return ((double)(r->s >> 11) + 0.5) / 9007199254740992.0;
}

double test_gauss(test_rng *r)
{
    double u = test_uniform(r), v = test_uniform(r);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

void test_ecg_beat(double *x, size_t n, double fs, double beat_s, double r_mv, double s_mv)
{
    for (long i = lround((beat_s - 0.3) * fs); i < lround((beat_s + 0.6) * fs) && i < (long)n; i++) {
        if (i < 0) continue;
        double t = (double)i / fs - beat_s;
        x[i] += r_mv * exp(-0.5 * pow(t / 0.010, 2)) - s_mv * exp(-0.5 * pow((t - 0.030) / 0.010, 2)) +
                0.2 * exp(-0.5 * pow((t - 0.25) / 0.04, 2));
    }
}
