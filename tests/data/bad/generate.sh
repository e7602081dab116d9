#!/bin/sh
# Writes the hostile-file corpus into this directory (the files are committed; run again after
# changing this script). Each file is bad in one way; tests/test_hostile.c and
# tests/cli_hostile.sh assert the error (or warning) each must give. Bigger hostile inputs (1 GB
# lines, files claiming terabytes of samples) are made at test time by callback sources.
# Usage: sh tests/data/bad/generate.sh
set -eu
cd "$(dirname "$0")"

# pad TEXT WIDTH: TEXT left-justified in WIDTH bytes (EDF header fields are space-padded ASCII)
pad() { printf "%-$2.$2s" "$1"; }
# repeat TEXT N times
rep() { i=0; while [ $i -lt "$2" ]; do printf '%s' "$1"; i=$((i + 1)); done; }

# edf_header NS HEADER_BYTES RECORDS DURATION RESERVED: the 256-byte main header (EDF spec
# 1992, section 2.1: version 8, patient 80, recording 80, date 8, time 8, bytes 8, reserved 44,
# records 8, duration 8, signals 4)
edf_main() {
    pad 0 8; pad "X X X X" 80; pad "Startdate X X X X" 80; pad 01.02.03 8; pad 04.05.06 8
    pad "$2" 8; pad "$5" 44; pad "$3" 8; pad "$4" 8; pad "$1" 4
}
# edf_signals LABEL SAMPLES: one signal's 256 header bytes, laid out field by field
edf_signal() {
    pad "$1" 16; pad "" 80; pad mV 8; pad -5 8; pad 5 8; pad -32768 8; pad 32767 8; pad "" 80
    pad "$2" 8; pad "" 32
}

# A valid one-signal EDF (2 records of 10 samples), the base the others change one field of.
{ edf_main 1 512 2 1 ""; edf_signal ECG 10; rep 'AB' 20; } > edf_valid_reference.edf
# Truncated at every section: inside the main header, inside the signal header, inside data.
head -c 100 edf_valid_reference.edf > edf_cut_main_header.edf
head -c 300 edf_valid_reference.edf > edf_cut_signal_header.edf
head -c 530 edf_valid_reference.edf > edf_cut_data_record.edf
# Header-size field that disagrees with 256 * (signals + 1), and one that overflows int32.
{ edf_main 1 99999999 2 1 ""; edf_signal ECG 10; rep 'AB' 20; } > edf_header_bytes_huge.edf
# 0 signals, 9999 signals (the 4-digit maximum) with only one header, negative count.
{ edf_main 0 256 2 1 ""; } > edf_zero_signals.edf
{ edf_main 9999 2560000 2 1 ""; edf_signal ECG 10; } > edf_9999_signals.edf
{ edf_main -3 512 2 1 ""; edf_signal ECG 10; rep 'AB' 20; } > edf_negative_signals.edf
# A record count and samples per record that multiply to terabytes.
{ edf_main 1 512 99999999 1 ""; edf_signal ECG 99999999; rep 'AB' 20; } > edf_records_terabytes.edf
# Record duration zero, negative, not a number.
{ edf_main 1 512 2 0 ""; edf_signal ECG 10; rep 'AB' 20; } > edf_duration_zero.edf
{ edf_main 1 512 2 -1 ""; edf_signal ECG 10; rep 'AB' 20; } > edf_duration_negative.edf
{ edf_main 1 512 2 abc ""; edf_signal ECG 10; rep 'AB' 20; } > edf_duration_text.edf
# Samples per record 0 and negative.
{ edf_main 1 512 2 1 ""; edf_signal ECG 0; } > edf_samples_zero.edf
{ edf_main 1 512 2 1 ""; edf_signal ECG -10; rep 'AB' 20; } > edf_samples_negative.edf
# A label with control characters and non-UTF-8 bytes (read, with a warning).
{ edf_main 1 512 2 1 ""; edf_signal "$(printf 'EC\001G\377\376')" 10; rep 'AB' 20; } > edf_label_control_bytes.edf
# EDF+C whose annotation (TAL, EDF+ spec 2003 section 2.2) holds non-UTF-8 bytes and controls.
# Two signals: the signal header stores each field for all signals before the next field.
tal() { printf '+0\024\024\000+0.5\0250.2\024bad \377\376 \001\002 label\024\000'; }
{ edf_main 2 768 1 1 EDF+C
  pad ECG 16; pad "EDF Annotations" 16; pad "" 160; pad mV 8; pad "" 8; pad -5 8; pad -1 8
  pad 5 8; pad 1 8; pad -32768 8; pad -32768 8; pad 32767 8; pad 32767 8; pad "" 160
  pad 10 8; pad 30 8; pad "" 64
  rep 'AB' 10; tal; head -c $((60 - $(tal | wc -c))) /dev/zero; } > edf_tal_non_utf8.edf

# WFDB headers (WFDB header(5)): a signal file outside the directory, 0 and negative rates,
# 100 000 signals declared, a sample count of terabytes, a bad format.
printf 'bad 1 250 100\n../../etc/passwd 16 200 12 0 0 0 0 ECG\n' > wfdb_path_escape.hea
printf 'bad 1 250 100\n/etc/passwd 16 200 12 0 0 0 0 ECG\n' > wfdb_absolute_path.hea
printf 'bad 1 0 100\nbad.dat 16 200 12 0 0 0 0 ECG\n' > wfdb_rate_zero.hea
printf 'bad 1 -250 100\nbad.dat 16 200 12 0 0 0 0 ECG\n' > wfdb_rate_negative.hea
printf 'bad 100000 250 100\nbad.dat 16 200 12 0 0 0 0 ECG\n' > wfdb_100000_signals.hea
printf 'wfdb_samples_terabytes 1 250 999999999999999\nwfdb_samples_terabytes.dat 16 200 12 0 0 0 0 ECG\n' \
    > wfdb_samples_terabytes.hea
rep 'AB' 100 > wfdb_samples_terabytes.dat
printf 'bad 1 250 100\nbad.dat 999 200 12 0 0 0 0 ECG\n' > wfdb_format_unknown.hea
printf 'bad 1 250 100\n' > wfdb_missing_signal_line.hea

# Delimited text: ragged rows, a header only, control characters in labels, NaN/Inf rates.
printf 'time,ECG,EDA\n0,1,2\n0.01,1\n0.02,1,2,3,4\n0.03,1,2\n' > csv_ragged_rows.csv
printf 'time,ECG\n' > csv_header_only.csv
printf 'time,E\001C\033G\n0,1\n0.01,2\n0.02,3\n' > csv_label_control.csv
printf 'time,ECG\n0,1\n0,2\n0,3\n' > csv_time_constant.csv
printf 'time,ECG\n0,1\nnan,2\ninf,3\n' > csv_time_nan_inf.csv
printf '812\n-790\n0\n1e308\n805\n' > rr_negative_zero_huge.txt
printf '812\n790\nnan\n805\n' > rr_nan.txt
# Events: an onset that is no number, control characters in labels.
printf 'onset\tduration\ttrial_type\nabc\t1\tgo\n' > events_onset_text.tsv
printf 'onset\tduration\ttrial_type\n1.0\t-5\tg\001o\377\n' > events_control_label.tsv

# AcqKnowledge (revision 41, little-endian): le16/le32 write integers, the graph header is padded
# to its 1944 bytes. No channels; one channel claiming 2^31 - 1 samples.
le16() { printf "\\$(printf '%03o' $(($1 & 255)))\\$(printf '%03o' $(($1 >> 8 & 255)))"; }
le32() { le16 $(($1 & 65535)); le16 $(($1 >> 16 & 65535)); }
acq_graph() { # CHANNELS
    le16 0; le32 41; le32 1944; le16 "$1"; le16 0; le16 0; printf '\000\000\000\000\000\000\340\077' # 0.5 ms
    head -c $((1944 - 24)) /dev/zero
}
{ acq_graph 0; } > acq_channels_zero.acq
# channel header (252 bytes): length, number, label (40), 42 bytes to the sample count at 88,
# scale 1.0, offset 0, order, zeros up to the divider at 250
{ acq_graph 1; le32 252; le16 1; pad "ECG" 40; head -c 42 /dev/zero; le32 2147483647
  printf '\000\000\000\000\000\000\360\077'; head -c 8 /dev/zero; le16 1; head -c 140 /dev/zero
  le16 1; le16 4; le16 0; le16 2; le16 2; rep 'AB' 50; } > acq_samples_terabytes.acq
# XDF: a chunk length field of 3 bytes; a Samples chunk claiming a billion samples in 24 bytes.
printf 'XDF:\003\001\002\003' > xdf_length_field.xdf
xml='<?xml version="1.0"?><info><name>x</name><channel_count>2</channel_count><nominal_srate>100</nominal_srate><channel_format>float32</channel_format></info>'
{ printf 'XDF:'; printf "\\001\\$(printf '%03o' $((${#xml} + 6)))\\002\\000\\001\\000\\000\\000"; printf '%s' "$xml"
  printf '\001\034\003\000\001\000\000\000\004\000\312\232\073'; head -c 17 /dev/zero; } > xdf_samples_billion.xdf
# BrainVision: a data file outside the directory; DataPoints beyond what the data file holds.
bv_head() { printf 'Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=%s\n' "$1"
    printf 'NumberOfChannels=1\nSamplingInterval=1000\n%s[Binary Infos]\nBinaryFormat=INT_16\n' "$2"
    printf '[Channel Infos]\nCh1=ECG,,1,uV\n'; }
bv_head ../../etc/passwd "" > bv_path_escape.vhdr
bv_head bv_points_lying.eeg "DataPoints=999999999999
" > bv_points_lying.vhdr
rep 'AB' 8 > bv_points_lying.eeg
# OpenSignals: a row with more columns than the header names.
{ printf '# OpenSignals Text File Format\n'
  printf '# {"A": {"sensor": ["ECG"], "column": ["nSeq", "DI", "CH1"], "sampling rate": 100, "label": ["CH1"], "resolution": [16]}}\n'
  printf '# EndOfHeader\n0\t0\t1\n1\t0\t2\t7\n'; } > opensignals_ragged.txt
