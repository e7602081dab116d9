# The hostile corpus through the command: one error line naming the file and the reason, exit 1,
# never a crash, hang or partial output; readable non-conformant files exit 0 with a warning.
. "$(dirname "$0")/lib_cli.sh"
BAD=$SRC/tests/data/bad

refused() { # FILE REASON-REGEX
    expect_exit 1 "$PSYPHYS" info "$BAD/$1"
    expect_grep "^psyphys: $BAD/$1: .*$2" "$TMP/err"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "more than one error line for $1"
    [ -s "$TMP/out" ] && fail "partial output for $1"
}

refused edf_cut_main_header.edf "ends inside the 256-byte EDF header"
refused edf_cut_signal_header.edf "number of signals 1 does not fit in the file"
refused edf_cut_data_record.edf "2 data records but the file holds 0"
refused edf_header_bytes_huge.edf "number of header bytes is 99999999"
refused edf_zero_signals.edf "number of signals is 0"
refused edf_9999_signals.edf "number of signals 9999 does not fit"
refused edf_records_terabytes.edf "data record of 199999998 bytes is larger than the file"
refused edf_duration_negative.edf "duration of a data record is negative: -1"
refused edf_samples_negative.edf "samples per record of signal 1 is -10"
refused wfdb_path_escape.hea "file name '\.\./\.\./etc/passwd' has a directory part"
refused wfdb_absolute_path.hea "file name '/etc/passwd' has a directory part"
refused wfdb_rate_zero.hea "sampling frequency '0' must be positive"
refused wfdb_100000_signals.hea "declares 100000 signals"
refused wfdb_samples_terabytes.hea "holds 100 frames but the header says 999999999999999"
refused csv_ragged_rows.csv "line 3 has 2 fields, the header has 3"
# a missing RR value is skipped with a warning naming its line (docs/usage/hrv.md)
expect_exit 0 "$PSYPHYS" info "$BAD/rr_nan.txt"
expect_grep "1 interval\\(s\\) missing .* the first at line 3" "$TMP/out"
refused acq_samples_terabytes.acq "the channels need 4294967294 bytes of samples"
refused xdf_samples_billion.xdf "claims 1000000000 samples"
refused bv_path_escape.vhdr "DataFile: file name '\.\./\.\./etc/passwd' has a directory part"
refused opensignals_ragged.txt "line 5 has 4 columns, the header names 3"

# Read, with a warning naming what is non-conformant.
expect_exit 0 "$PSYPHYS" info "$BAD/edf_tal_non_utf8.edf"
expect_grep "warning +annotation text with bytes that are not UTF-8" "$TMP/out"
expect_exit 0 "$PSYPHYS" info "$BAD/edf_label_control_bytes.edf"
expect_grep "header byte 0xFF in the label of signal 1 is not ASCII" "$TMP/out"

# Bad session events: refused with the line, the recording untouched.
expect_exit 1 "$PSYPHYS" info "$SRC/recordings/neurokit_eventrelated.edf" --events "$BAD/events_onset_text.tsv"
expect_grep "events_onset_text.tsv: line 2: onset 'abc' is not a number" "$TMP/err"

# beats on a refused file writes nothing.
expect_exit 1 "$PSYPHYS" beats "$BAD/edf_cut_data_record.edf" -o "$TMP/b.tsv"
[ -e "$TMP/b.tsv" ] && fail "beats wrote an output for a refused file"
for f in "$TMP"/*b.tsv*; do [ -e "$f" ] && fail "a temporary output was left behind: $f"; done
finish
