/* Recordings of several files read as one, on files written here: an Empatica E4 folder whose
 * files start at different times (with a button press), a Garmin log folder whose accelerometer
 * file has a gap, both devices in one folder, and a BIDS physio run split by rate. */
#include "test_util.h"

#include "reader_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_e4_folder(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/e4", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "BVP.csv", "1560279825.000000\n4.000000\n1.5\n2.5\n3.5\n4.5\n5.5\n6.5\n7.5\n8.5\n");
    write_text(dir, "HR.csv", "1560279826.500000\n2.000000\n70\n71\n");     /* 1.5 s later */
    write_text(dir, "IBI.csv", "1560279825.000000, IBI\n0.9,0.85\n1.75,0.85\n");
    write_text(dir, "tags.csv", "1560279827.25\n");
    psy_reader *r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_int_equal(psy_reader_channel_count(r), 3);
    int hr = psy_reader_find_channel(r, "HR"), ibi = psy_reader_find_channel(r, "IBI");
    const psy_channel_info *c = psy_reader_channel(r, hr);
    assert_int_equal(c->frames, 3 + 2); /* 1.5 s at 2 Hz: 3 missing samples */
    double v[5], t[2];
    assert_int_equal(psy_reader_read(r, hr, 0, 5, v), PSY_OK);
    assert_true(isnan(v[0]) && isnan(v[1]) && isnan(v[2]) && v[3] == 70 && v[4] == 71);
    assert_int_equal(psy_reader_read(r, hr, 2, 2, v), PSY_OK); /* a block across the start */
    assert_true(isnan(v[0]) && v[1] == 70);
    assert_int_equal(psy_reader_read_times(r, hr, 3, 1, t), PSY_OK);
    assert_true(t[0] == 1.5);
    assert_int_equal(psy_reader_read_times(r, ibi, 0, 2, t), PSY_OK);
    assert_true(t[0] == 0.9 && t[1] == 1.75);
    assert_int_equal(psy_reader_event_count(r), 1);
    assert_true(psy_reader_event(r, 0)->onset_s == 2.25);
    psy_datetime s = psy_reader_start(r);
    assert_true(s.known && s.zone_known && s.hour == 19 && s.minute == 3 && s.second == 45);
    assert_true(psy_reader_duration(r) == 2.5);
    assert_int_equal(psy_reader_file_count(r), 4);
    psy_reader_close(r);
    /* A start that is not a whole number of samples later: rounded, with a warning. */
    write_text(dir, "HR.csv", "1560279826.300000\n2.000000\n70\n71\n");
    r = open_or_fail(dir);
    assert_int_equal(psy_reader_channel(r, psy_reader_find_channel(r, "HR"))->frames, 3 + 2); /* 2.6 samples */
    assert_true(has_warning(r, "HR starts 1.300000 s after the recording"));
    psy_reader_close(r);
    /* A broken file names itself; a folder without sensor files is not a recording. */
    write_text(dir, "EDA.csv", "not a time\n4\n0.1\n");
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "EDA.csv: "));
    /* A sensor file that is there but cannot be read is an error naming it, not a file absent
     * from the export (the folder once opened without it, silently). */
    write_text(dir, "EDA.csv", "1560279825.000000\n4.000000\n0.1\n");
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/TEMP.csv", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "TEMP.csv: cannot be read"));
    assert_int_equal(rmdir(sub), 0);
    /* A regular file its reader fails on (a read error: /proc/self/mem at offset 0) names the
     * reader's reason, not "not a regular file, or no permission" (it is one, and opens). */
    struct stat mem;
    if (stat("/proc/self/mem", &mem) == 0 && S_ISREG(mem.st_mode)) {
        assert_int_equal(symlink("/proc/self/mem", sub), 0);
        assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_IO);
        assert_non_null(strstr(why.text, "TEMP.csv: cannot read the file"));
        assert_int_equal(unlink(sub), 0);
    }
    r = open_or_fail(dir);
    psy_reader_close(r);
    char empty[1024];
    snprintf(empty, sizeof empty, "%s/empty", test_tmpdir());
    assert_int_equal(mkdir(empty, 0700), 0);
    write_text(empty, "tags.csv", "1560279827.25\n");
    assert_int_equal(psy_reader_open(empty, NULL, &r, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "is a directory, not a recording"));
    /* what a program walking an archive takes whole */
    assert_true(psy_is_session_folder(dir));
    assert_false(psy_is_session_folder(empty));
    char file[1100];
    snprintf(file, sizeof file, "%s/BVP.csv", dir);
    assert_false(psy_is_session_folder(file));
    assert_false(psy_is_session_folder(NULL));
}

/* Files that do not overlap in time: the recording has a stretch each, with the gap between them
 * (as an EDF+D; the combiner once laid them on one stretch padded with missing samples). */
static void test_e4_gap(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/e4-gap", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "BVP.csv", "1560279825.000000\n4.000000\n1\n2\n3\n4\n5\n6\n7\n8\n"); /* 0..2 s */
    write_text(dir, "HR.csv", "1560279830.000000\n2.000000\n70\n71\n");                /* 5..6 s */
    write_text(dir, "tags.csv", "1560279825.5\n");
    psy_reader *r = open_or_fail(dir);
    assert_int_equal(psy_reader_stretch_count(r), 2);
    const psy_stretch *b = psy_reader_stretch(r, 1);
    assert_true(b->onset_s == 5.0 && b->duration_s == 1.0 && b->data_offset_s == 2.0);
    assert_true(psy_reader_duration(r) == 6.0);
    int hr = psy_reader_find_channel(r, "HR");
    assert_int_equal(psy_reader_channel(r, hr)->frames, 4 + 2);
    double v[2], t[1];
    assert_int_equal(psy_reader_read(r, hr, 3, 2, v), PSY_OK);
    assert_true(isnan(v[0]) && v[1] == 70);
    assert_int_equal(psy_reader_read_times(r, hr, 4, 1, t), PSY_OK);
    assert_true(t[0] == 5.0);
    assert_true(psy_reader_event(r, 0)->onset_s == 0.5);
    /* the start is a sensor file's, never the button presses' (they have none of their own) */
    psy_datetime s = psy_reader_start(r);
    assert_true(s.known && s.minute == 3 && s.second == 45 && s.nanosecond == 0);
    psy_reader_close(r);
}

/* acc.csv rows at 25 Hz from 12:00:01.000 (+02:00): `n1` rows, then a 5-s gap, then `n2` rows. */
static void write_garmin_acc(const char *dir, int n1, int n2)
{
    char text[4096];
    size_t used = 0;
    for (int i = 0; i < n1 + n2; i++) {
        int ms = 1000 + 40 * i + (i >= n1 ? 5000 : 0);
        used += (size_t)snprintf(text + used, sizeof text - used, "2019-10-16T12:00:%02d.%03d+02:00;%d;0;0\n",
                                 ms / 1000, ms % 1000, i);
    }
    write_text(dir, "acc.csv", text);
}

static void test_garmin_folder(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/garmin", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE_VARIABILITY;800.0\n"
                                "2019-10-16T12:00:00.500+02:00;HEART_RATE;75.0\n"
                                "2019-10-16T12:00:00.800+02:00;HEART_RATE_VARIABILITY;810.0\n"
                                "2019-10-16T12:00:10.000+02:00;HEART_RATE;74.0\n");
    write_garmin_acc(dir, 10, 10); /* 1.00 .. 1.36 s, then 6.40 .. 6.76 s */
    psy_reader *r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Garmin folder");
    psy_datetime s = psy_reader_start(r); /* data.csv's first row, in its own zone */
    assert_true(s.known && s.zone_known && s.utc_offset_min == 120 && s.hour == 12 && s.second == 0);
    int rr = psy_reader_find_channel(r, "HEART_RATE_VARIABILITY"), hr = psy_reader_find_channel(r, "HEART_RATE");
    int x = psy_reader_find_channel(r, "ACC X");
    assert_true(rr >= 0 && hr >= 0 && x >= 0);
    assert_int_equal(psy_reader_channel(r, rr)->type, PSY_CH_RR);
    assert_int_equal(psy_reader_channel(r, hr)->type, PSY_CH_HR);
    assert_string_equal(psy_reader_channel(r, hr)->unit, "bpm");
    assert_true(fabs(psy_reader_channel(r, x)->rate_hz - 25) < 1e-6);
    double t[2], v[140];
    psy_message why = {{0}};
    assert_int_equal(psy_reader_read_times(r, rr, 0, 2, t), PSY_OK);
    assert_true(t[0] == 0.0 && fabs(t[1] - 0.8) < 1e-9);
    /* acc.csv's samples at their own times: its start 1 s in, and after its gap (the combiner
     * once laid the file on one stretch, the gap's 5 s lost) */
    assert_int_equal(psy_reader_channel(r, x)->frames, 160 + 10);
    assert_int_equal(psy_reader_read_times(r, x, 25, 1, t), PSY_OK);
    assert_true(fabs(t[0] - 1.0) < 1e-9);
    assert_int_equal(psy_reader_read_times(r, x, 160, 1, t), PSY_OK);
    assert_true(fabs(t[0] - 6.4) < 1e-9);
    assert_int_equal(psy_reader_read(r, x, 30, 140, v), PSY_OK); /* across the gap */
    assert_true(v[0] == 5 && v[4] == 9 && isnan(v[5]) && isnan(v[129]) && v[130] == 10 && v[139] == 19);
    /* data.csv covers the gap: one stretch, to its last row */
    assert_int_equal(psy_reader_stretch_count(r), 1);
    assert_true(psy_reader_duration(r) == 10.0);
    psy_reader_close(r);
    assert_true(psy_is_session_folder(dir));
    /* data.csv ends in acc.csv's first stretch: acc.csv's gap is the recording's */
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE_VARIABILITY;800.0\n"
                                "2019-10-16T12:00:01.200+02:00;HEART_RATE_VARIABILITY;810.0\n");
    r = open_or_fail(dir);
    assert_int_equal(psy_reader_stretch_count(r), 2);
    assert_true(fabs(psy_reader_stretch(r, 0)->duration_s - 1.4) < 1e-9);
    assert_true(fabs(psy_reader_stretch(r, 1)->onset_s - 6.4) < 1e-9);
    assert_int_equal(psy_reader_read_times(r, x, 35, 1, t), PSY_OK);
    assert_true(fabs(t[0] - 6.4) < 1e-9);
    psy_reader_close(r);
    /* acc.csv alone is a file, not a session folder (nor an ISHNE file without its beat list):
     * the folder may hold other recordings that are taken one by one */
    char acc_only[1100];
    snprintf(acc_only, sizeof acc_only, "%s/acc", test_tmpdir());
    assert_int_equal(mkdir(acc_only, 0700), 0);
    write_garmin_acc(acc_only, 10, 10);
    write_text(acc_only, "x.ecg", "ISHNE1.0");
    assert_false(psy_is_session_folder(acc_only));
    assert_int_equal(psy_reader_open(acc_only, NULL, &r, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "is a directory, not a recording"));
    write_text(acc_only, "x.txt", "00000000\n");
    assert_true(psy_is_session_folder(acc_only)); /* a Holter folder now */
    /* A malformed or foreign member names itself; no recording. */
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE;75.0\nyesterday;HEART_RATE;74.0\n");
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_FORMAT);
    assert_null(r);
    assert_non_null(strstr(why.text, "data.csv: line 2"));
    /* a named pipe for data.csv: told without blocking on it (it blocked batch's discovery), taken
     * by its name, and the open refuses it naming it */
    assert_int_equal(remove(temp_path("garmin/data.csv")), 0);
    assert_int_equal(mkfifo(temp_path("garmin/data.csv"), 0600), 0);
    assert_true(psy_is_session_folder(dir));
    assert_int_not_equal(psy_reader_open(dir, NULL, &r, &why), PSY_OK);
    assert_non_null(strstr(why.text, "data.csv"));
    assert_int_equal(remove(temp_path("garmin/data.csv")), 0);
    /* a data.csv of another kind beside acc.csv: no Garmin folder (its files are taken one by
     * one), and the error says why (it said only what a session folder holds: both files were there) */
    write_text(dir, "data.csv", "a,b\n1,2\n");
    assert_false(psy_is_session_folder(dir));
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "is a directory, not a recording: its data.csv does not start with a Garmin "
                                     "log row (time;TYPE;value), so it is no Garmin log folder"));
    write_text(dir, "data.csv", "");
    assert_false(psy_is_session_folder(dir));
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "is a directory, not a recording: its data.csv is empty, so it is no Garmin "
                                     "log folder (open data.csv and acc.csv one by one)"));
}

/* acc.csv starts 100 s after data.csv's last row, at 0.81 s: its first sample goes at 0.81 s
 * into the recording's data, 20.25 samples at 25 Hz. Rounded down to sample 20, it was timed by
 * data.csv's stretch (0.80 s, not 100 s), and the warning said 10 ms off. */
static void test_garmin_late_acc(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/garmin-late", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE_VARIABILITY;800.0\n"
                                "2019-10-16T12:00:00.810+02:00;HEART_RATE_VARIABILITY;810.0\n");
    write_text(dir, "acc.csv", "2019-10-16T12:01:40.000+02:00;7;0;0\n"
                               "2019-10-16T12:01:40.040+02:00;8;0;0\n"
                               "2019-10-16T12:01:40.080+02:00;9;0;0\n");
    psy_reader *r = open_or_fail(dir);
    assert_int_equal(psy_reader_stretch_count(r), 2);
    assert_true(fabs(psy_reader_stretch(r, 1)->onset_s - 100.0) < 1e-9);
    int x = psy_reader_find_channel(r, "ACC X");
    double v[2], t[1];
    assert_int_equal(psy_reader_read(r, x, 20, 2, v), PSY_OK);
    assert_true(isnan(v[0]) && v[1] == 7); /* the first sample at the first index of its stretch */
    assert_int_equal(psy_reader_read_times(r, x, 21, 1, t), PSY_OK);
    assert_true(fabs(t[0] - 100.03) < 1e-9); /* 0.75 sample late, said in the warning */
    assert_true(has_warning(r, "ACC X starts 100.000000 s after the recording: its samples are placed 30.000 ms off"));
    psy_reader_close(r);
}

/* acc.csv's second stretch 10 ms off its 25-Hz grid (6.41 s, 160.25 samples in): placed at the
 * nearest sample, and the warning says by how much. Its own stretches never overlap (a new one
 * starts only over 1 s past the grid's end), so the combiner's overlap warning has no case here. */
static void test_garmin_stretch_off_grid(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/garmin-off", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE;75.0\n"
                                "2019-10-16T12:00:10.000+02:00;HEART_RATE;74.0\n");
    char text[2048];
    size_t used = 0;
    for (int i = 0; i < 20; i++) {
        int ms = 1000 + 40 * i + (i >= 10 ? 5010 : 0);
        used += (size_t)snprintf(text + used, sizeof text - used, "2019-10-16T12:00:%02d.%03d+02:00;%d;0;0\n",
                                 ms / 1000, ms % 1000, i);
    }
    write_text(dir, "acc.csv", text);
    psy_reader *r = open_or_fail(dir);
    assert_true(has_warning(r, "ACC X: its 2 stretches are placed up to 10.000 ms off the recording's sample grid"));
    int x = psy_reader_find_channel(r, "ACC X");
    double v[2], t;
    assert_int_equal(psy_reader_read(r, x, 159, 2, v), PSY_OK);
    assert_true(isnan(v[0]) && v[1] == 10);
    assert_int_equal(psy_reader_read_times(r, x, 160, 1, &t), PSY_OK);
    assert_true(fabs(t - 6.40) < 1e-9);
    psy_reader_close(r);
}

/* The warning that names a file the folder's recording does not read, and why. */
static int warns_unread(const psy_reader *r, const char *name, const char *why)
{
    char want[300];
    snprintf(want, sizeof want, "%s: not read: %s", name, why);
    return has_warning(r, want);
}

/* A folder holding an E4 export and a Garmin log (each start a clock time with its UTC offset:
 * E4's Unix times, the log's +02:00): one recording with both devices' channels, each file
 * placed by its own clock time, the Garmin's accelerometer told from the E4's by its name. It
 * once opened as an E4 folder and dropped the Garmin files without a word; now, when the clocks
 * cannot be lined up (a log without its offset) or the log is broken, the E4 folder opens and a
 * warning names each file not read and why; as it names any other file the folder holds. */
static void test_e4_and_garmin(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/e4-garmin", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    /* 2019-10-16T10:00:00Z is Unix 1571220000: the E4 starts 1 s before the log's 12:00:00+02:00 */
    write_text(dir, "BVP.csv", "1571219999.000000\n4.000000\n1\n2\n3\n4\n5\n6\n7\n8\n");
    write_text(dir, "ACC.csv", "1571219999.000000, 1571219999.000000, 1571219999.000000\n"
                               "4.000000, 4.000000, 4.000000\n1,2,3\n4,5,6\n");
    write_text(dir, "tags.csv", "1571220000.5\n");
    write_text(dir, "info.txt", "The first row is the initial time of the session expressed as unix timestamp in UTC.\n");
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE_VARIABILITY;800.0\n"
                                "2019-10-16T12:00:00.800+02:00;HEART_RATE_VARIABILITY;810.0\n");
    write_garmin_acc(dir, 10, 10); /* 12:00:01.00 .. 01.36, then 06.40 .. 06.76 */
    assert_true(psy_is_session_folder(dir)); /* batch takes it whole, as info and analyze open it */
    psy_reader *r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 + Garmin folder");
    int bvp = psy_reader_find_channel(r, "BVP"), rr = psy_reader_find_channel(r, "HEART_RATE_VARIABILITY");
    int e4_x = psy_reader_find_channel(r, "ACC X"), garmin_x = psy_reader_find_channel(r, "ACC X (Garmin)");
    assert_true(bvp >= 0 && rr >= 0 && e4_x >= 0 && garmin_x >= 0 && e4_x != garmin_x);
    assert_true(psy_reader_channel(r, e4_x)->rate_hz == 4);
    assert_true(fabs(psy_reader_channel(r, garmin_x)->rate_hz - 25) < 1e-6);
    psy_datetime s = psy_reader_start(r); /* the earliest file's: the E4's, in UTC */
    assert_true(s.known && s.zone_known && s.utc_offset_min == 0 && s.hour == 9 && s.minute == 59 && s.second == 59);
    double t[2], v[1];
    assert_int_equal(psy_reader_read_times(r, rr, 0, 2, t), PSY_OK);
    assert_true(fabs(t[0] - 1.0) < 1e-9 && fabs(t[1] - 1.8) < 1e-9);
    assert_int_equal(psy_reader_read_times(r, garmin_x, 50, 1, t), PSY_OK); /* 12:00:01+02:00 */
    assert_true(fabs(t[0] - 2.0) < 1e-9);
    assert_int_equal(psy_reader_read(r, garmin_x, 50, 1, v), PSY_OK);
    assert_true(v[0] == 0);
    assert_int_equal(psy_reader_event_count(r), 1);
    assert_true(psy_reader_event(r, 0)->onset_s == 1.5);
    for (size_t i = 0; i < psy_reader_warning_count(r); i++) /* every file read; info.txt is the E4's notes */
        assert_null(strstr(psy_reader_warning(r, i), "not read"));
    psy_reader_close(r);
    /* the log's times without their offset: the watch's local time, not lined up with UTC */
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000;HEART_RATE_VARIABILITY;800.0\n");
    write_text(dir, "acc.csv", "2019-10-16T12:00:01.000;1;0;0\n2019-10-16T12:00:01.040;2;0;0\n");
    /* and files of no export, an empty one, a folder and a hidden file */
    write_text(dir, "notes.txt", "the participant moved at 10:05\n");
    write_text(dir, "session.edf", "");
    write_text(dir, ".hidden", "x");
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/out", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_int_equal(psy_reader_channel_count(r), 4); /* BVP, ACC X/Y/Z */
    static const char clocks[] = "a Garmin file, whose start and the Empatica E4's are not both clock times "
                                 "with a UTC offset, so they cannot be lined up (open it on its own)";
    assert_true(warns_unread(r, "acc.csv", clocks));
    assert_true(warns_unread(r, "data.csv", clocks));
    assert_true(warns_unread(r, "notes.txt", "not a file of the devices' exports"));
    assert_true(warns_unread(r, "session.edf", "the file is empty"));
    size_t unread = 0;
    for (size_t i = 0; i < psy_reader_warning_count(r); i++) unread += strstr(psy_reader_warning(r, i), "not read") != NULL;
    assert_int_equal(unread, 4);
    psy_reader_close(r);
    /* a broken log: the E4 folder opens, the log's files named with its reader's reason */
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE;75.0\nyesterday;HEART_RATE;74.0\n");
    write_garmin_acc(dir, 10, 10);
    r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_true(has_warning(r, "data.csv: not read: a Garmin file, and its export cannot be read (data.csv: line 2"));
    psy_reader_close(r);
    /* an empty data.csv beside acc.csv: no Garmin log, both named with why */
    write_text(dir, "data.csv", "");
    r = open_or_fail(dir);
    assert_true(warns_unread(r, "data.csv", "no Garmin log: data.csv is empty (open the file on its own)"));
    assert_true(warns_unread(r, "acc.csv", "no Garmin log: data.csv is empty (open the file on its own)"));
    psy_reader_close(r);
}

/* Devices combine only when their spans overlap or lie within 60 s of each other: FLIRT's E4 and
 * Garmin exports, recorded 127 days apart, combined into one recording that was nearly all gap.
 * The log may start first (the E4's button press then lies later in the recording) and in any
 * zone (-05:00). */
static void test_devices_of_one_session(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/sessions", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    /* the E4: 2019-10-16T09:59:59Z (Unix 1571219999) to 10:00:01.5Z */
    write_text(dir, "BVP.csv", "1571219999.000000\n4.000000\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
    write_text(dir, "tags.csv", "1571220000.5\n");
    /* the log from 09:59:49Z to 09:59:50Z: 9 s before the E4 starts */
    write_text(dir, "data.csv", "2019-10-16T04:59:49.000-05:00;HEART_RATE;75.0\n"
                                "2019-10-16T04:59:50.000-05:00;HEART_RATE;76.0\n");
    write_text(dir, "acc.csv", "2019-10-16T04:59:49.000-05:00;1;0;0\n2019-10-16T04:59:49.040-05:00;2;0;0\n");
    psy_reader *r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 + Garmin folder");
    psy_datetime s = psy_reader_start(r); /* the log's, in its zone */
    assert_true(s.known && s.zone_known && s.utc_offset_min == -300 && s.hour == 4 && s.minute == 59 && s.second == 49);
    assert_int_equal(psy_reader_stretch_count(r), 2); /* the log's second, then the E4's */
    assert_true(psy_reader_stretch(r, 1)->onset_s == 10.0);
    double t[1]; /* the BVP's first sample: 1 s of data into the recording (the log's stretch) */
    assert_int_equal(psy_reader_read_times(r, psy_reader_find_channel(r, "BVP"), 4, 1, t), PSY_OK);
    assert_true(fabs(t[0] - 10.0) < 1e-9);
    assert_int_equal(psy_reader_event_count(r), 1);
    assert_true(fabs(psy_reader_event(r, 0)->onset_s - 11.5) < 1e-9);
    psy_reader_close(r);
    /* the log 5 min after the E4 ends, or 10 min before it starts: another sitting */
    write_text(dir, "data.csv", "2019-10-16T05:05:00.000-05:00;HEART_RATE;75.0\n");
    write_text(dir, "acc.csv", "2019-10-16T05:05:00.000-05:00;1;0;0\n2019-10-16T05:05:00.040-05:00;2;0;0\n");
    r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    static const char after[] = "a Garmin file, recorded 5 min after the Empatica E4's recording (more than 60 s "
                                "apart): not the same session (open it on its own)";
    assert_true(warns_unread(r, "data.csv", after) && warns_unread(r, "acc.csv", after));
    psy_reader_close(r);
    write_text(dir, "data.csv", "2019-10-16T04:49:00.000-05:00;HEART_RATE;75.0\n");
    write_text(dir, "acc.csv", "2019-10-16T04:49:00.000-05:00;1;0;0\n2019-10-16T04:49:00.040-05:00;2;0;0\n");
    r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_true(warns_unread(r, "data.csv", "a Garmin file, recorded 11 min before the Empatica E4's recording"));
    psy_reader_close(r);
    /* one log file with its offset, the other without: read as UTC it was placed 2 h off, without
     * a word; the E4 opens alone, the log's files named with why */
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE;75.0\n");
    write_text(dir, "acc.csv", "2019-10-16T12:00:00.000;1;0;0\n2019-10-16T12:00:00.040;2;0;0\n");
    r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    static const char mixed[] = "a Garmin file, and its export cannot be read (acc.csv: its start has no UTC "
                                "offset, data.csv's has one: their clocks cannot be lined up)";
    assert_true(warns_unread(r, "acc.csv", mixed));
    psy_reader_close(r);
    /* the log alone: refused, naming the file */
    assert_int_equal(remove(temp_path("sessions/BVP.csv")), 0);
    assert_int_equal(remove(temp_path("sessions/tags.csv")), 0);
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_FORMAT);
    assert_null(r);
    assert_non_null(strstr(why.text, "acc.csv: its start has no UTC offset, data.csv's has one"));
}

/* Watches the opens of dir's files (inotify's IN_OPEN) until count_opens: the watch, or -1 when
 * the system cannot watch (skip). */
static int watch_opens(const char *dir)
{
#ifdef __linux__
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd >= 0 && inotify_add_watch(fd, dir, IN_OPEN) < 0) close(fd), fd = -1;
    return fd;
#else
    (void)dir;
    return -1;
#endif
}

/* How many times each of names[0 .. n) was opened since watch_opens; ends the watch. */
static void count_opens(int fd, const char *const *names, int *opens, int n)
{
    memset(opens, 0, (size_t)n * sizeof *opens);
#ifdef __linux__
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (ssize_t len; (len = read(fd, buf, sizeof buf)) > 0;)
        for (char *p = buf; p < buf + len; p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len)
            for (int i = 0; i < n; i++)
                opens[i] += ((struct inotify_event *)p)->len && strcmp(((struct inotify_event *)p)->name, names[i]) == 0;
#else
    (void)names;
#endif
    close(fd);
}

/* A folder of two devices opens each file once: each export was opened and indexed alone to
 * read its start and span, then all were opened again to be combined. The recording still names
 * every file it reads, the first one first. */
static void test_devices_opened_once(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/once", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "BVP.csv", "1571219999.000000\n4.000000\n1\n2\n3\n4\n5\n6\n7\n8\n");
    write_text(dir, "ACC.csv", "1571219999.000000, 1571219999.000000, 1571219999.000000\n"
                               "4.000000, 4.000000, 4.000000\n1,2,3\n4,5,6\n");
    write_text(dir, "tags.csv", "1571220000.5\n");
    write_text(dir, "data.csv", "2019-10-16T12:00:00.000+02:00;HEART_RATE_VARIABILITY;800.0\n");
    write_garmin_acc(dir, 10, 10);
    int fd = watch_opens(dir);
    if (fd < 0) skip();
    psy_reader *r = open_or_fail(dir);
    static const char *const names[] = {"BVP.csv", "ACC.csv", "tags.csv", "data.csv", "acc.csv"};
    int opens[5];
    count_opens(fd, names, opens, 5);
    assert_string_equal(psy_reader_format(r), "Empatica E4 + Garmin folder");
    /* at most (inotify merges an open with the same one just before it, not yet read): BVP.csv
     * by its reader, tags.csv's look at its start (a sibling's first line) and the recording's
     * handle that names its files; data.csv by the look at its first line that tells a Garmin
     * log, and its reader */
    assert_in_range(opens[0], 1, 3);
    assert_int_equal(opens[1], 1);
    assert_int_equal(opens[2], 1);
    assert_in_range(opens[3], 1, 2);
    assert_int_equal(opens[4], 1);
    assert_int_equal(psy_reader_file_count(r), 5);
    static const char *const listed[] = {"BVP.csv", "ACC.csv", "tags.csv", "data.csv", "acc.csv"};
    for (size_t i = 0; i < 5; i++) assert_string_equal(strrchr(psy_reader_file(r, i), '/') + 1, listed[i]);
    psy_reader_close(r);
    /* the log's second file broken, its first one open: closed, the E4 opens alone */
    write_text(dir, "acc.csv", "2019-10-16T12:00:01.000+02:00;1;0;0\nyesterday;2;0;0\n");
    r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_true(warns_unread(r, "data.csv", "a Garmin file, and its export cannot be read (acc.csv: line 2"));
    assert_int_equal(psy_reader_file_count(r), 3);
    psy_reader_close(r);
    /* the first device's export broken: refused naming its file, the log (not opened) left alone */
    write_text(dir, "ACC.csv", "1571219999.000000\n4.000000\n");
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_FORMAT);
    assert_null(r);
    assert_non_null(strstr(why.text, "ACC.csv"));
}

/* Every entry of a session folder the recording does not read is named: a named pipe, a link to
 * nothing or to itself (they were skipped without a word), an ISHNE file without its beat list;
 * subfolders are not searched. */
static void test_folder_odd_entries(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/odd", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "EDA.csv", "1571219999.000000\n4.000000\n1\n2\n3\n4\n");
    write_text(dir, "holter.ecg", "ISHNE1.0 and the rest");
    assert_int_equal(mkfifo(temp_path("odd/pipe.csv"), 0600), 0);
    assert_int_equal(symlink("nowhere.csv", temp_path("odd/gone.csv")), 0);
    assert_int_equal(symlink("loop.csv", temp_path("odd/loop.csv")), 0);
    assert_int_equal(mkdir(temp_path("odd/out"), 0700), 0);
    psy_reader *r = open_or_fail(dir);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_true(warns_unread(r, "pipe.csv", "not a regular file"));
    assert_true(warns_unread(r, "gone.csv", "cannot be read (No such file or directory)"));
    assert_true(warns_unread(r, "loop.csv", "cannot be read (Too many levels of symbolic links)"));
    assert_true(warns_unread(r, "holter.ecg", "an ISHNE file without its beat list (the same name in .txt)"));
    assert_false(has_warning(r, "out: not read"));
    psy_reader_close(r);
    write_text(dir, "other.ecg", "ISHNE1.0");
    r = open_or_fail(dir);
    assert_true(warns_unread(r, "other.ecg", "one of several .ecg files (a Holter folder holds one, with its beat list .txt)"));
    psy_reader_close(r);
}


static void test_bids_run(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    write_text(dir, "sub-01_task-rest_recording-fast_physio.tsv", "0.1\n0.2\n0.3\n0.4\n0.5\n0.6\n0.7\n0.8\n");
    write_text(dir, "sub-01_task-rest_recording-fast_physio.json",
               "{\"SamplingFrequency\": 4, \"StartTime\": -1.0, \"Columns\": [\"cardiac\"]}");
    write_text(dir, "sub-01_task-rest_recording-slow_physio.tsv", "2.0\n2.5\n");
    write_text(dir, "sub-01_task-rest_recording-slow_physio.json",
               "{\"SamplingFrequency\": 1, \"StartTime\": 0.0, \"Columns\": [\"eda\"], \"eda\": {\"Units\": \"uS\"}}");
    write_text(dir, "sub-01_task-rest_events.tsv", "onset\tduration\ttrial_type\n0.5\t1\tgo\n");
    char path[1024];
    snprintf(path, sizeof path, "%s/sub-01_task-rest_physio.tsv", dir);
    psy_reader *r = open_or_fail(path);
    assert_string_equal(psy_reader_format(r), "BIDS physio run");
    assert_int_equal(psy_reader_channel_count(r), 2);
    int eda = psy_reader_find_channel(r, "eda");
    assert_int_equal(psy_reader_channel(r, eda)->frames, 1 + 2); /* starts 1 s after the fast file */
    double v[3], t[3];
    assert_int_equal(psy_reader_read(r, eda, 0, 3, v), PSY_OK);
    assert_true(isnan(v[0]) && v[1] == 2.0 && v[2] == 2.5);
    assert_int_equal(psy_reader_read_times(r, eda, 1, 1, t), PSY_OK);
    assert_true(t[0] == 0.0); /* the run's time frame: StartTime kept */
    assert_int_equal(psy_reader_read_times(r, 0, 0, 1, t), PSY_OK);
    assert_true(t[0] == -1.0);
    assert_int_equal(psy_reader_event_count(r), 1); /* the run's events once */
    assert_true(psy_reader_event(r, 0)->onset_s == 0.5);
    assert_int_equal(psy_reader_stretch_count(r), 1); /* the files meet at 0 s */
    assert_true(psy_reader_stretch(r, 0)->onset_s == -1.0 && psy_reader_stretch(r, 0)->duration_s == 3.0);
    psy_reader_close(r);
    /* a run whose slow file starts after the fast one ends: two stretches */
    write_text(dir, "sub-03_task-rest_recording-fast_physio.tsv", "1\n2\n3\n4\n");
    write_text(dir, "sub-03_task-rest_recording-fast_physio.json",
               "{\"SamplingFrequency\": 4, \"StartTime\": 0.0, \"Columns\": [\"cardiac\"]}");
    write_text(dir, "sub-03_task-rest_recording-slow_physio.tsv", "2.0\n2.5\n");
    write_text(dir, "sub-03_task-rest_recording-slow_physio.json",
               "{\"SamplingFrequency\": 1, \"StartTime\": 3.0, \"Columns\": [\"eda\"]}");
    snprintf(path, sizeof path, "%s/sub-03_task-rest_physio.tsv", dir);
    r = open_or_fail(path);
    assert_int_equal(psy_reader_stretch_count(r), 2);
    assert_true(psy_reader_stretch(r, 1)->onset_s == 3.0 && psy_reader_stretch(r, 1)->duration_s == 2.0);
    assert_true(psy_reader_duration(r) == 5.0);
    eda = psy_reader_find_channel(r, "eda");
    assert_int_equal(psy_reader_channel(r, eda)->frames, 1 + 2);
    assert_int_equal(psy_reader_read_times(r, eda, 1, 1, t), PSY_OK);
    assert_true(t[0] == 3.0);
    psy_reader_close(r);
    psy_message why = {{0}};
    snprintf(path, sizeof path, "%s/sub-02_task-rest_physio.tsv", dir);
    assert_int_equal(psy_reader_open(path, NULL, &r, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "missing or unreadable"));
}

/* A BIDS run of n files in dir, file k with count[k] samples (all k + 1) at rate[k] Hz from
 * start[k] s, its column named c<k>; returns the run opened. */
static psy_reader *open_bids_files(const char *dir, int n, const double *rate, const double *start, const int *count)
{
    char name[128], text[16384];
    for (int k = 0; k < n; k++) {
        size_t used = 0;
        for (int i = 0; i < count[k] && used + 8 < sizeof text; i++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%d\n", k + 1);
        snprintf(name, sizeof name, "sub-01_task-x_recording-r%d_physio.tsv", k);
        write_text(dir, name, text);
        snprintf(name, sizeof name, "sub-01_task-x_recording-r%d_physio.json", k);
        snprintf(text, sizeof text, "{\"SamplingFrequency\": %.17g, \"StartTime\": %.17g, \"Columns\": [\"c%d\"]}",
                 rate[k], start[k], k);
        write_text(dir, name, text);
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/sub-01_task-x_physio.tsv", dir);
    return open_or_fail(path);
}

/* How many files' first samples of r are not read back at the file's start, within `samples`
 * of its sampling interval. */
static int misplaced_starts(psy_reader *r, int n, const double *rate, const double *start, double samples)
{
    int bad = 0;
    for (int k = 0; k < n; k++) {
        char label[16];
        snprintf(label, sizeof label, "c%d", k);
        int ch = psy_reader_find_channel(r, label);
        assert_true(ch >= 0);
        int64_t frames = psy_reader_channel(r, ch)->frames, i = 0;
        double v = NAN, t = NAN;
        while (i < frames && psy_reader_read(r, ch, i, 1, &v) == PSY_OK && isnan(v)) i++;
        assert_true(v == k + 1);
        assert_int_equal(psy_reader_read_times(r, ch, i, 1, &t), PSY_OK);
        if (!(fabs(t - start[k]) <= samples / rate[k] + 1e-9)) bad++;
    }
    return bad;
}

/* Files of a run at 100 Hz: the third one's first sample at 10.762 s was placed where the
 * stretch's running data offset (one ulp over 1.97 s) is read back by the stretch before:
 * 6.258 s, off by the gap. */
static void test_bids_run_late_file(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/bids-late", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    const double rate[] = {100, 100, 100}, start[] = {0, 4.4277632898696089, 10.762176529588768};
    const int count[] = {14, 183, 162};
    psy_reader *r = open_bids_files(dir, 3, rate, start, count);
    assert_int_equal(psy_reader_stretch_count(r), 3);
    double t;
    assert_int_equal(psy_reader_read_times(r, psy_reader_find_channel(r, "c2"), 197, 1, &t), PSY_OK);
    assert_true(fabs(t - start[2]) < 0.005);
    assert_int_equal(misplaced_starts(r, 3, rate, start, 0.5), 0);
    psy_reader_close(r);
}

/* Files a (100 Hz, 0 .. 1 s), c (30 Hz, 0.52 .. 1.52 s) and d (100 Hz, 10 samples from 1.525 s):
 * c's last sample placed on the 100-Hz grid ends its stretch at 1.5333 s, after d's start. The
 * stretches were grouped by the files' exact ends, so d began a second stretch inside the first. */
static void test_bids_run_placed_end(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/bids-placed-end", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    const double rate[] = {100, 30, 100}, start[] = {0, 0.52, 1.525};
    const int count[] = {100, 30, 10};
    psy_reader *r = open_bids_files(dir, 3, rate, start, count);
    assert_int_equal(psy_reader_stretch_count(r), 1); /* was two, overlapping */
    assert_int_equal(misplaced_starts(r, 3, rate, start, 1.0), 0);
    psy_reader_close(r);
}

/* A uniform number in [0, 1) from *seed (a 64-bit LCG: the same runs on every platform). */
static double uniform(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return (double)(*seed >> 11) / 9007199254740992.0;
}

/* Runs of 8 files with random lengths and gaps, none overlapping, every other run all at 100 Hz,
 * the others at a random rate each (7.3 to 1000 Hz): each file's first sample is read back at its
 * start, within half a sample at one rate, within one (the next sample on the recording's grid)
 * at several. Before the fix 3 of the 1050 later files at 100 Hz were off by their gap. */
static void test_bids_run_random_starts(void **state)
{
    (void)state;
    uint64_t seed = 19;
    int bad = 0;
    for (int trial = 0; trial < 300; trial++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/bids-random-%d", test_tmpdir(), trial);
        assert_int_equal(mkdir(dir, 0700), 0);
        double rate[8], start[8], at = 1000 * uniform(&seed) - 500;
        int count[8], n = 8;
        for (int k = 0; k < n; k++) {
            rate[k] = trial % 2 ? 7.3 + (1000 - 7.3) * uniform(&seed) : 100;
            count[k] = 1 + (int)(300 * uniform(&seed));
            start[k] = at;
            at += count[k] / rate[k] + 0.01 + 50 * uniform(&seed);
        }
        psy_reader *r = open_bids_files(dir, n, rate, start, count);
        bad += misplaced_starts(r, n, rate, start, trial % 2 ? 1.0 : 0.5);
        psy_reader_close(r);
    }
    assert_int_equal(bad, 0);
}

/* A folder named by a path too long to look into (over PATH_MAX): an error saying so, not a
 * folder without recordings (present() once cut the path at 4096 bytes and found nothing). */
static void test_long_path(void **state)
{
    (void)state;
    char dir[6000];
    int n = snprintf(dir, sizeof dir, "%s", test_tmpdir());
    while (n < 4200) n += snprintf(dir + n, sizeof dir - (size_t)n, "/.");
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_open_folder(dir, &r, &why), PSY_E_IO);
    assert_null(r);
    assert_non_null(strstr(why.text, "cannot list its files"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e4_folder),
        cmocka_unit_test(test_e4_gap),
        cmocka_unit_test(test_garmin_folder),
        cmocka_unit_test(test_garmin_late_acc),
        cmocka_unit_test(test_garmin_stretch_off_grid),
        cmocka_unit_test(test_e4_and_garmin),
        cmocka_unit_test(test_devices_of_one_session),
        cmocka_unit_test(test_devices_opened_once),
        cmocka_unit_test(test_folder_odd_entries),
        cmocka_unit_test(test_bids_run),
        cmocka_unit_test(test_bids_run_late_file),
        cmocka_unit_test(test_bids_run_random_starts),
        cmocka_unit_test(test_bids_run_placed_end),
        cmocka_unit_test(test_long_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
