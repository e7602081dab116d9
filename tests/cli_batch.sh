# psyphys batch over a small archive built here (tests/data/bids, recordings/, corrupt files and one
# whose worker crashes): discovery, failures as rows, resume, kill -9 and rerun, OUTDIR checks,
# shards + merge, the Slurm script, progress modes.
. "$(dirname "$0")/lib_cli.sh"

# The archive: a BIDS dataset (2 recordings) and a plain folder (a good EDF with its events under a
# BIDS-style name, a good EDF, two corrupt files, one file whose worker segfaults).
A=$TMP/archive
mkdir -p "$A/plain/sub-04" "$A/plain/bad"
cp -R "$SRC/tests/data/bids" "$A/bids"
cp "$SRC/recordings/neurokit_eventrelated.edf" "$A/plain/sub-04/sub-04_task-emo_ecg.edf"
cp "$SRC/recordings/neurokit_eventrelated_events.tsv" "$A/plain/sub-04/sub-04_task-emo_ecg_events.tsv"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$A/plain/reference.edf"
cp "$SRC/tests/data/bad/edf_cut_data_record.edf" "$A/plain/bad/cut.edf"
cp "$SRC/tests/data/bad/csv_ragged_rows.csv" "$A/plain/bad/ragged.csv"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$A/plain/bad/crash_me.edf"
echo "notes, not a recording" >"$A/plain/README.md"

# A worker that dies of SIGSEGV on crash_me, and one that is slow (to kill the batch mid-way).
cat >"$TMP/crashing_worker" <<EOF
#!/bin/sh
case "\$2" in *crash_me*) kill -SEGV \$\$ ;; esac
exec "$PSYPHYS" "\$@"
EOF
cat >"$TMP/slow_worker" <<EOF
#!/bin/sh
sleep 0.15
exec "$PSYPHYS" "\$@"
EOF
chmod +x "$TMP/crashing_worker" "$TMP/slow_worker"

# ---- a whole run: every file a row, failures with reasons, exit 1 ----
OUT=$TMP/o1
PSYPHYS_BATCH_WORKER=$TMP/crashing_worker expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$OUT" -j 2
S=$OUT/batch_status.tsv
[ "$(wc -l <"$S")" -eq 8 ] || fail "7 files + header in $S: $(cat "$S")"
expect_grep '^file	status	error	seconds	outputs$' "$S"
expect_grep '^bad/crash_me\.edf	failed	crashed: signal 11 \(' "$S"
expect_grep '^bad/cut\.edf	failed	[^	]*cut\.edf: [^	]+	' "$S"
expect_grep '^bad/ragged\.csv	failed	[^	]*ragged row' "$S"
expect_grep '^reference\.edf	ok	n/a	[0-9.]+	reference_segments\.json;reference_segments\.tsv$' "$S"
expect_grep '^sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio\.tsv\.gz	ok	' "$S"
expect_grep '^sub-04/sub-04_task-emo_ecg\.edf	ok	.*sub-04/sub-04_task-emo_ecg_epochs\.tsv' "$S"
expect_grep '\[7/7\] ' "$TMP/err"
expect_grep '^7 files: 4 ok, 3 failed, 0 skipped' "$TMP/err"
# outputs: BIDS derivatives for the dataset, the input's folder for the plain files
for f in sub-01/ses-1/beh/sub-01_ses-1_task-demo_segments.tsv sub-02/func/sub-02_task-demo_recording-ecg_epochs.tsv \
         sub-04/sub-04_task-emo_ecg_beats.json reference_segments.tsv dataset_description.json; do
    [ -s "$OUT/$f" ] || fail "no $OUT/$f"
done
[ ! -e "$OUT/bad" ] || fail "the failed files left outputs in $OUT/bad"
[ ! -d "$OUT/.psyphys-batch/staging-1-of-1" ] || fail "staging left behind"
# group tables: one row per file x segment, BIDS entities as columns; the paired events made epochs
G=$OUT/group_segments.tsv
expect_grep '^file	subject	session	task	run	label	onset	duration	mean_hr_bpm	' "$G"
expect_grep '^sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio\.tsv\.gz	01	1	demo	n/a	recording	' "$G"
expect_grep '^sub-04/sub-04_task-emo_ecg\.edf	04	n/a	emo	n/a	recording	0\.000000	150\.000000	60\.860	' "$G"
expect_grep '^sub-04/sub-04_task-emo_ecg\.edf	04	n/a	emo	n/a	Negative	10\.240000	' "$G"
expect_grep '^reference\.edf	n/a	n/a	n/a	n/a	recording	' "$G"
segs=$(($(wc -l <"$OUT/sub-04/sub-04_task-emo_ecg_segments.tsv") + $(wc -l <"$OUT/reference_segments.tsv") +
        $(wc -l <"$OUT/sub-01/ses-1/beh/sub-01_ses-1_task-demo_segments.tsv") +
        $(wc -l <"$OUT/sub-02/func/sub-02_task-demo_recording-ecg_segments.tsv") - 4 + 1))
[ "$(wc -l <"$G")" -eq "$segs" ] || fail "group_segments.tsv: $(wc -l <"$G") lines, want $segs"
expect_grep '^sub-04/sub-04_task-emo_ecg\.edf	04	n/a	emo	n/a	Negative	10\.240000	' "$OUT/group_epochs.tsv"
expect_grep '"rows": ' "$OUT/group_segments.json"
# the status sidecar: what the run was and its counts
J=$OUT/batch_status.json
expect_grep '"command": "batch"' "$J"
expect_grep '"analyze_options": \[\]' "$J"
expect_grep '"settings_sha256": "[0-9a-f]{64}"' "$J"
expect_grep '"shard": "1/1"' "$J"
expect_grep '"total": 7,' "$J"
expect_grep '"failed": 3,' "$J"
[ -s "$OUT/group_hrv.tsv" ] || fail "no group_hrv.tsv"
# no file's beats are a PPG's pulses: the group sidecars list no pulse rate variability, no mix is warned
for f in "$OUT/group_segments.json" "$OUT/group_hrv.json"; do
    [ -s "$f" ] && ! grep -q 'pulse_rate_variability' "$f" || fail "$f: missing, or lists pulse rate variability in a batch without PPG"
done
! grep -q 'pulse rate variability' "$TMP/err" || fail "a batch without PPG warns of pulse rate variability"

# ---- rerun: the finished files are skipped, the failed ones tried again; nothing rewritten ----
sum_outputs() { (cd "$1" && find . -path ./.psyphys-batch -prune -o -type f ! -name 'batch_status.*' -print |
                 LC_ALL=C sort | xargs cksum); }
sum_outputs "$OUT" >"$TMP/sums1"
touch -d '2001-01-01' "$OUT/reference_segments.tsv"
expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$OUT" -j 2
expect_grep '^reference\.edf	skipped	n/a	' "$S"
expect_grep '^bad/crash_me\.edf	ok	' "$S"
expect_grep '^7 files: 1 ok, 2 failed, 4 skipped' "$TMP/err"
[ "$(find "$OUT/reference_segments.tsv" -newermt 2002-01-01)" = "" ] || fail "a skipped file's output was rewritten"
# other settings: processed again, not skipped
expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$OUT" -j 2 --pre 2
expect_grep '^reference\.edf	ok	' "$S"
# a changed input: processed again
expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$OUT" -j 2 --pre 2
expect_grep '^reference\.edf	skipped	' "$S"
printf "100.00\t2.00\tExtra\n" >>"$A/plain/sub-04/sub-04_task-emo_ecg_events.tsv"
expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$OUT" -j 2 --pre 2
expect_grep '^sub-04/sub-04_task-emo_ecg\.edf	ok	' "$S"
expect_grep '^reference\.edf	skipped	' "$S"
cp "$SRC/recordings/neurokit_eventrelated_events.tsv" "$A/plain/sub-04/sub-04_task-emo_ecg_events.tsv"
# a changed companion (the BIDS physio .json sidecar): that recording again
echo >>"$A/bids/sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio.json"
expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$OUT" -j 2 --pre 2
expect_grep '^sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio\.tsv\.gz	ok	' "$S"
expect_grep '^sub-02/func/sub-02_task-demo_recording-ecg_physio\.tsv\.gz	skipped	' "$S"
# the BIDS run's events (named without the recording-<label> entity) are part of its fingerprint
printf '30.00\t2.00\tExtra\n' >>"$A/bids/sub-02/func/sub-02_task-demo_events.tsv"
expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$OUT" -j 2 --pre 2
expect_grep '^sub-02/func/sub-02_task-demo_recording-ecg_physio\.tsv\.gz	ok	' "$S"
expect_grep '^sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio\.tsv\.gz	skipped	' "$S"
cp "$SRC/tests/data/bids/sub-02/func/sub-02_task-demo_events.tsv" "$A/bids/sub-02/func/"
# a file reached twice (its folder and itself) is processed once
expect_exit 0 "$PSYPHYS" batch "$A/plain/reference.edf" "$A/plain/sub-04" -o "$TMP/twice" --quiet
[ "$(wc -l <"$TMP/twice/batch_status.tsv")" -eq 3 ] || fail "twice: $(cat "$TMP/twice/batch_status.tsv")"
expect_exit 0 "$PSYPHYS" batch "$A/plain/sub-04" "$A/plain/sub-04/sub-04_task-emo_ecg.edf" -o "$TMP/twice2" --quiet
[ "$(wc -l <"$TMP/twice2/batch_status.tsv")" -eq 2 ] || fail "twice2: $(cat "$TMP/twice2/batch_status.tsv")"

# ---- kill -9 at random moments, then rerun: the same outputs as one uninterrupted run ----
rm -rf "$A/plain/bad"
REF=$TMP/ref
expect_exit 0 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$REF" -j 1 --quiet
[ ! -s "$TMP/err" ] || fail "--quiet printed: $(cat "$TMP/err")"
sum_outputs "$REF" >"$TMP/ref_sums"
K=$TMP/killed
for round in 1 2 3; do
    PSYPHYS_BATCH_WORKER=$TMP/slow_worker "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$K" -j 2 --quiet &
    pid=$!
    sleep "$(awk -v r="$round" 'BEGIN { srand(); printf "%.2f", 0.05 + r * 0.08 + rand() * 0.1 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    sleep 0.2 # the workers die with the batch (parent-death signal)
done
expect_exit 0 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$K" -j 2
sum_outputs "$K" >"$TMP/killed_sums"
cmp -s "$TMP/ref_sums" "$TMP/killed_sums" || fail "killed + rerun differs from one run: $(diff "$TMP/ref_sums" "$TMP/killed_sums")"
[ -z "$(find "$K" -name '*.tmp-*')" ] || fail "temporary files left: $(find "$K" -name '*.tmp-*')"
expect_grep '^4 files: ' "$TMP/err"

# ---- a worker that hangs, floods its log, or leaves a process behind; the batch stopped by SIGTERM ----
H=$TMP/hang
mkdir -p "$H"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$H/a.edf"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$H/hang_me.edf"
# gone: no such process, or a zombie waiting for its (new) parent to reap it
gone() {
    for _ in $(seq 60); do
        [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
# hangs, deaf to SIGTERM, with a child of its own: SIGKILL to its process group after the grace
cat >"$TMP/hanging_worker" <<EOF
#!/bin/sh
case "\$2" in *hang_me*) trap '' TERM; sleep 300 & echo \$! >"$TMP/hung_child"; wait; sleep 300 ;; esac
exec "$PSYPHYS" "\$@"
EOF
# floods its log (RLIMIT_FSIZE stops it at --max-file-mib)
cat >"$TMP/flooding_worker" <<EOF
#!/bin/sh
case "\$2" in *hang_me*) yes "psyphys: over and over" ;; esac
exec "$PSYPHYS" "\$@"
EOF
# succeeds but leaves a process running (it would write on into its staging folder)
cat >"$TMP/leaving_worker" <<EOF
#!/bin/sh
[ -e /proc/\$\$/fd/7 ] && echo "fd 7 open" >>"$TMP/worker_fds"
"$PSYPHYS" "\$@"
rc=\$?
sleep 300 &
echo \$! >>"$TMP/left_children"
exit \$rc
EOF
# every file hangs (to stop the batch while its workers run)
cat >"$TMP/stuck_worker" <<EOF
#!/bin/sh
sleep 300 &
echo \$! >>"$TMP/stuck_children"
wait
EOF
chmod +x "$TMP/hanging_worker" "$TMP/flooding_worker" "$TMP/leaving_worker" "$TMP/stuck_worker"
# 4 s, not 1: a.edf must finish in time even under a sanitizer on a loaded machine
PSYPHYS_BATCH_WORKER=$TMP/hanging_worker expect_exit 1 "$PSYPHYS" batch "$H" -o "$TMP/hung" -j 2 --timeout 4
expect_grep '^hang_me\.edf	failed	timed out after 4 s	[0-9.]+	n/a$' "$TMP/hung/batch_status.tsv"
expect_grep '^a\.edf	ok	' "$TMP/hung/batch_status.tsv"
expect_grep '^2 files: 1 ok, 1 failed' "$TMP/err"
gone "$(cat "$TMP/hung_child")" || fail "the hung worker's child survived its timeout"
[ ! -d "$TMP/hung/.psyphys-batch/staging-1-of-1" ] || fail "staging left behind after a timeout"
expect_exit 0 "$PSYPHYS" batch "$H" -o "$TMP/hung" -j 2 --timeout 30 # a timed-out file is resumed as any failure
expect_grep '^hang_me\.edf	ok	' "$TMP/hung/batch_status.tsv"
expect_grep '^a\.edf	skipped	' "$TMP/hung/batch_status.tsv"
PSYPHYS_BATCH_WORKER=$TMP/flooding_worker expect_exit 1 "$PSYPHYS" batch "$H" -o "$TMP/flood" -j 2 --max-file-mib 1
expect_grep '^hang_me\.edf	failed	its log reached the size limit of 1 MiB \(--max-file-mib\)	' "$TMP/flood/batch_status.tsv"
expect_grep '^a\.edf	ok	' "$TMP/flood/batch_status.tsv"
[ ! -d "$TMP/flood/.psyphys-batch/staging-1-of-1" ] || fail "staging left behind after a flood"
# (the batch has fd 7 open, as a caller's pipe: its workers do not get it)
PSYPHYS_BATCH_WORKER=$TMP/leaving_worker expect_exit 0 "$PSYPHYS" batch "$H" -o "$TMP/left" -j 2 7>"$TMP/fd7"
[ ! -e "$TMP/worker_fds" ] || fail "a worker inherited the batch's file descriptors: $(cat "$TMP/worker_fds")"
[ "$(wc -l <"$TMP/left_children")" -eq 2 ] || fail "leaving_worker ran $(wc -l <"$TMP/left_children") times"
for c in $(cat "$TMP/left_children"); do gone "$c" || fail "a worker's leftover process $c lives on"; done
# outputs that are not regular files (the group tables would read through them): that file fails
cat >"$TMP/linking_worker" <<EOF
#!/bin/sh
"$PSYPHYS" "\$@" || exit \$?
case "\$2" in *hang_me*) rm "\$4/hang_me_segments.tsv"; ln -s /dev/zero "\$4/hang_me_segments.tsv" ;; esac
EOF
chmod +x "$TMP/linking_worker"
PSYPHYS_BATCH_WORKER=$TMP/linking_worker expect_exit 1 "$PSYPHYS" batch "$H" -o "$TMP/linked" -j 2
expect_grep '^hang_me\.edf	failed	its output hang_me_segments\.tsv is not a regular file \(a symlink, FIFO or device\)	' "$TMP/linked/batch_status.tsv"
[ ! -e "$TMP/linked/hang_me_segments.tsv" ] || fail "a symlink output was moved into OUTDIR"
expect_grep '^a\.edf	n/a	n/a	n/a	n/a	recording	' "$TMP/linked/group_segments.tsv"
# the signals the batch waits for are blocked in the batch only, not in its workers
# (a shell clears its signal mask when it starts: the worker here is perl, Debian's perl-base)
if [ -x /usr/bin/perl ]; then
    cat >"$TMP/mask_worker" <<EOF
#!/usr/bin/perl
open(my \$st, '<', '/proc/self/status') or die;
open(my \$log, '>>', '$TMP/worker_masks') or die;
while (<\$st>) { print \$log "\$1\\n" if /^SigBlk:\\s*(\\S+)/; }
close(\$log);
exec('$PSYPHYS', @ARGV);
EOF
    chmod +x "$TMP/mask_worker"
    PSYPHYS_BATCH_WORKER=$TMP/mask_worker expect_exit 0 "$PSYPHYS" batch "$H" -o "$TMP/masks" -j 2
    [ "$(wc -l <"$TMP/worker_masks")" -eq 2 ] || fail "mask_worker: $(cat "$TMP/worker_masks")"
    for m in $(cat "$TMP/worker_masks"); do # SIGHUP, SIGINT, SIGTERM, SIGCHLD: bits 0, 1, 14, 16
        [ $((0x${m#"${m%?????}"} & 0x14003)) -eq 0 ] || fail "a worker started with signals blocked: $m"
    done
fi
# a worker that stops itself (SIGSTOP) is still ended at its deadline (SIGCONT goes with the SIGTERM)
cat >"$TMP/stopping_worker" <<EOF
#!/bin/sh
case "\$2" in *hang_me*) kill -STOP \$\$ ;; esac
exec "$PSYPHYS" "\$@"
EOF
chmod +x "$TMP/stopping_worker"
PSYPHYS_BATCH_WORKER=$TMP/stopping_worker expect_exit 1 "$PSYPHYS" batch "$H" -o "$TMP/stopped_worker" -j 2 --timeout 1
expect_grep '^hang_me\.edf	failed	timed out after 1 s	' "$TMP/stopped_worker/batch_status.tsv"
PSYPHYS_BATCH_WORKER=$TMP/stuck_worker "$PSYPHYS" batch "$H" -o "$TMP/stopped" -j 2 >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do [ "$(cat "$TMP/stuck_children" 2>/dev/null | wc -l)" -eq 2 ] && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 143 ] || fail "SIGTERM: exit $rc, want 143 (128 + 15): $(cat "$TMP/err")"
expect_grep 'batch: stopped by Terminated after 0 of 2 files; rerun the same command to resume' "$TMP/err"
for c in $(cat "$TMP/stuck_children"); do gone "$c" || fail "a worker's process $c outlived the stopped batch"; done
[ ! -e "$TMP/stopped/batch_status.tsv" ] || fail "a stopped batch wrote a status table"
[ ! -d "$TMP/stopped/.psyphys-batch/staging-1-of-1" ] || fail "staging left behind by a stopped batch"
expect_exit 0 "$PSYPHYS" batch "$H" -o "$TMP/stopped" -j 2
expect_grep '^2 files: 2 ok, 0 failed, 0 skipped' "$TMP/err"

# ---- one batch per OUTDIR and shard at a time ----
# (the first batch's worker waits for a gate opened once the second has tried: the first holds
# the shard however slowly either runs; a slow worker and a 5-s wait for the staging folder did
# not promise that; it gives up when $TMP is gone: the script killed before opening the gate)
cat >"$TMP/gated_worker" <<EOF
#!/bin/sh
while [ ! -e "$TMP/gate" ]; do [ -d "$TMP" ] || exit 1; sleep 0.05; done
exec "$PSYPHYS" "\$@"
EOF
chmod +x "$TMP/gated_worker"
PSYPHYS_BATCH_WORKER=$TMP/gated_worker "$PSYPHYS" batch "$A/plain" -o "$TMP/locked" -j 1 --quiet &
first=$!
while kill -0 "$first" 2>/dev/null && [ ! -d "$TMP/locked/.psyphys-batch/staging-1-of-1" ]; do sleep 0.05; done
expect_exit 1 "$PSYPHYS" batch "$A/plain" -o "$TMP/locked" -j 1
expect_grep 'another psyphys batch is writing shard 1/1 there' "$TMP/err"
: >"$TMP/gate"
wait "$first" || fail "the first batch failed"
expect_grep '^reference\.edf	ok	' "$TMP/locked/batch_status.tsv"

# ---- OUTDIR inside an INPUT: refused unless told; never searched ----
expect_exit 1 "$PSYPHYS" batch "$A/plain" -o "$A/plain/derived"
expect_grep 'lies inside the INPUT directory .*--allow-outdir-in-input' "$TMP/err"
[ ! -e "$A/plain/derived" ] || fail "refused OUTDIR was made"
expect_exit 1 "$PSYPHYS" batch "$A/plain" -o "$A/plain"
expect_grep 'is the INPUT directory itself' "$TMP/err"
expect_exit 0 "$PSYPHYS" batch "$A/plain" -o "$A/plain/derived" --allow-outdir-in-input
expect_exit 0 "$PSYPHYS" batch "$A/plain" -o "$A/plain/derived" --allow-outdir-in-input
expect_grep '^2 files: 0 ok, 0 failed, 2 skipped' "$TMP/err"
rm -rf "$A/plain/derived"

# ---- an output no batch run wrote is never replaced without --overwrite ----
F=$TMP/foreign
mkdir -p "$F"
echo mine >"$F/reference_segments.tsv"
expect_exit 1 "$PSYPHYS" batch "$A/plain/reference.edf" -o "$F"
expect_grep '^reference\.edf	failed	.*reference_segments\.tsv exists and no earlier batch run of this file wrote it' "$F/batch_status.tsv"
[ "$(cat "$F/reference_segments.tsv")" = mine ] || fail "a foreign file was replaced"
expect_exit 0 "$PSYPHYS" batch "$A/plain/reference.edf" -o "$F" --overwrite
expect_grep '^label	onset	' "$F/reference_segments.tsv"

# ---- @list (paths relative to the list), --include / --exclude ----
mkdir -p "$TMP/lists"
printf '# two files\n../archive/plain/reference.edf\n\n../archive/bids\n' >"$TMP/lists/files.txt"
expect_exit 0 "$PSYPHYS" batch "@$TMP/lists/files.txt" -o "$TMP/listed" --exclude '*sub-02*'
expect_grep '^2 files: 2 ok' "$TMP/err"
expect_grep '^reference\.edf	ok' "$TMP/listed/batch_status.tsv"
expect_grep '^sub-01/ses-1/beh/' "$TMP/listed/batch_status.tsv"
expect_exit 0 "$PSYPHYS" batch "$A" -o "$TMP/included" --include '*.edf' --exclude '*reference*'
expect_grep '^1 files: 1 ok' "$TMP/err"
expect_exit 1 "$PSYPHYS" batch "$A" -o "$TMP/none" --include '*.nothing'
expect_grep 'no recordings found' "$TMP/err"
expect_exit 1 "$PSYPHYS" batch "@$TMP/lists/missing.txt" -o "$TMP/none"
expect_grep 'missing\.txt: cannot read the list' "$TMP/err"

# ---- two inputs whose outputs would have the same names: the later one is refused ----
mkdir -p "$TMP/coll"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$TMP/coll/x.edf"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$TMP/coll/x.bdf"
expect_exit 1 "$PSYPHYS" batch "$TMP/coll" -o "$TMP/coll_out"
expect_grep '^x\.bdf	ok	' "$TMP/coll_out/batch_status.tsv"
expect_grep "^x\\.edf	failed	its outputs would have the names of x\\.bdf's	" "$TMP/coll_out/batch_status.tsv"

# ---- group tables of files with different columns (a worker of another version): their union ----
cat >"$TMP/older_worker" <<EOF
#!/bin/sh
"$PSYPHYS" "\$@" || exit \$?
case "\$2" in *reference*)
    f="\$4/reference_segments.tsv"
    cut -f1-3,5- "\$f" >"\$f.cut" && mv "\$f.cut" "\$f" ;;
esac
EOF
chmod +x "$TMP/older_worker"
PSYPHYS_BATCH_WORKER=$TMP/older_worker expect_exit 0 "$PSYPHYS" batch "$A/plain" -o "$TMP/union" --quiet
U=$TMP/union/group_segments.tsv
# the union in first-seen order: reference (first) lacks mean_hr_bpm, so it comes last
expect_grep '^file	subject	session	task	run	label	onset	duration	mean_nn_ms	.*	resp_rate_per_min	rsa_p2t_ms	nn_corrected_pct	mean_hr_bpm$' "$U"
expect_grep '^reference\.edf	n/a	n/a	n/a	n/a	recording	0\.000000	2\.000000	.*	n/a$' "$U"
expect_grep '^sub-04/sub-04_task-emo_ecg\.edf	04	n/a	emo	n/a	recording	0\.000000	150\.000000	985\.867	.*	60\.860$' "$U"
[ "$(awk -F'\t' '{ print NF }' "$U" | sort -u | wc -l)" -eq 1 ] || fail "rows of different widths in $U"

# ---- a name a TSV cell cannot hold: a failed row, its name with ? ----
mkdir -p "$TMP/tab"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$TMP/tab/$(printf 'a\tb.edf')"
expect_exit 1 "$PSYPHYS" batch "$TMP/tab" -o "$TMP/tab_out"
expect_grep '^a\?b\.edf	failed	its path holds a tab, line break or control character' "$TMP/tab_out/batch_status.tsv"
[ "$(wc -l <"$TMP/tab_out/batch_status.tsv")" -eq 2 ] || fail "tab: $(cat "$TMP/tab_out/batch_status.tsv")"
# ';' separates the outputs: such a file fails alone, the others and the group tables are complete
mkdir -p "$TMP/semi"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$TMP/semi/x;y.edf"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$TMP/semi/y.edf"
expect_exit 1 "$PSYPHYS" batch "$TMP/semi" -o "$TMP/semi_out"
expect_grep "^x;y\.edf	failed	its path holds .* or ';' \(it separates the outputs\)	" "$TMP/semi_out/batch_status.tsv"
expect_grep '^y\.edf	ok	' "$TMP/semi_out/batch_status.tsv"
[ "$(cut -f1 "$TMP/semi_out/group_segments.tsv" | sort -u | tr '\n' ' ')" = "file y.edf " ] ||
    fail "group tables with a ';' file: $(cut -f1 "$TMP/semi_out/group_segments.tsv")"

# ---- shards + merge = one run ----
SH=$TMP/sharded
expect_exit 0 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$SH" --shard 2/3 -j 1
expect_grep '^1 files: ' "$TMP/err"
expect_exit 1 "$PSYPHYS" batch --merge "$SH"
expect_grep 'batch_status\.shard-1-of-3\.tsv: cannot read the status table' "$TMP/err"
expect_exit 0 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$SH" --shard 1/3 -j 1
expect_exit 0 "$PSYPHYS" batch "$A/bids" "$A/plain" -o "$SH" --shard 3/3 -j 1
[ ! -e "$SH/group_segments.tsv" ] || fail "a shard wrote group tables"
expect_exit 0 "$PSYPHYS" batch --merge "$SH"
expect_grep '^4 files: 4 ok' "$TMP/err"
expect_grep '"shard": "2/3"' "$SH/batch_status.shard-2-of-3.json"
expect_grep '"command": "batch --merge"' "$SH/batch_status.json"
expect_grep '"shards": 3' "$SH/batch_status.json"
for t in group_segments group_epochs group_hrv; do
    cmp -s "$SH/$t.tsv" "$REF/$t.tsv" || fail "$t.tsv of the merged shards differs from one run's"
    cmp -s "$SH/$t.json" "$REF/$t.json" || fail "$t.json of the merged shards differs from one run's"
done
cut -f1,2,5 "$REF/batch_status.tsv" >"$TMP/st_ref"
cut -f1,2,5 "$SH/batch_status.tsv" >"$TMP/st_sh"
cmp -s "$TMP/st_ref" "$TMP/st_sh" || fail "merged status differs: $(diff "$TMP/st_ref" "$TMP/st_sh")"

# ---- --report: each file's QC page (made by its worker) and index.html, failures first ----
RP=$TMP/reports
mkdir -p "$TMP/rep_bad" && cp "$SRC/tests/data/bad/edf_cut_data_record.edf" "$TMP/rep_bad/broken.edf"
expect_exit 1 "$PSYPHYS" batch "$A/bids" "$A/plain" "$TMP/rep_bad" -o "$RP" -j 2 --report
expect_grep 'href="sub-04/sub-04_task-emo_ecg_report\.html"' "$RP/index.html"
expect_grep "^wrote $RP/index\\.html\$" "$TMP/out"
[ -s "$RP/sub-04/sub-04_task-emo_ecg_report.html" ] || fail "no QC page for sub-04"
[ "$(find "$RP" -name '*_report.html' | wc -l)" -eq 4 ] || fail "4 ok files, 4 pages: $(find "$RP" -name '*_report.html')"
first_failed=$(grep -n 'broken\.edf' "$RP/index.html" | head -1 | cut -d: -f1)
first_ok=$(grep -n 'sub-04_task-emo_ecg_report' "$RP/index.html" | head -1 | cut -d: -f1)
[ "$first_failed" -lt "$first_ok" ] || fail "failures are not listed first in index.html"
# the shards' pages, indexed by --merge
RS=$TMP/reports_sharded
for k in 1 2; do expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$RS" --shard $k/2 -j 1 --report; done
[ ! -e "$RS/index.html" ] || fail "a shard wrote index.html"
expect_exit 0 "$PSYPHYS" batch --merge "$RS" --quiet
[ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] || fail "--merge --quiet printed: $(cat "$TMP/out" "$TMP/err")"
[ "$(grep -c '_report\.html"' "$RS/index.html")" -eq 2 ] || fail "merged index links 2 pages"
# --quiet: nothing at all on a successful run, the index too; --json-log: stdout stays JSON lines
expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$TMP/rep_quiet" -j 2 --report --quiet
[ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] || fail "--report --quiet printed: $(cat "$TMP/out" "$TMP/err")"
[ -s "$TMP/rep_quiet/index.html" ] || fail "--report --quiet wrote no index.html"
expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$TMP/rep_json" -j 2 --report --json-log
grep -qv '^{' "$TMP/out" && fail "--report --json-log printed a line that is not JSON: $(grep -v '^{' "$TMP/out")"
[ -s "$TMP/rep_json/index.html" ] || fail "--report --json-log wrote no index.html"
# a ',' in a file's name: its index row links its own page, not that of the file after the ','
mkdir -p "$TMP/comma"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$TMP/comma/p,q.edf"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$TMP/comma/q.edf"
expect_exit 0 "$PSYPHYS" batch "$TMP/comma" -o "$TMP/comma_out" --report --quiet
expect_grep 'href="p%2Cq_report\.html"' "$TMP/comma_out/index.html"
[ "$(grep -c 'href="q_report\.html"' "$TMP/comma_out/index.html")" -eq 1 ] || fail "two index rows link q_report.html"

# ---- the Slurm script ----
expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$TMP/s" --slurm-script --shards 3 --cpus-per-task 2 \
    --time 00:10:00 --partition short --mem 2G --account lab --pre 2
expect_grep '^#SBATCH --array=1-3$' "$TMP/out"
expect_grep '^#SBATCH --cpus-per-task=2$' "$TMP/out"
expect_grep '^#SBATCH --time=00:10:00$' "$TMP/out"
expect_grep '^#SBATCH --partition=short$' "$TMP/out"
expect_grep '^#SBATCH --mem=2G$' "$TMP/out"
expect_grep '^#SBATCH --account=lab$' "$TMP/out"
expect_grep "^exec '[^']*psyphys' batch '.*/archive/bids' '-o' '.*/s' '--pre' '2' -j 2 --shard \"\\\$SLURM_ARRAY_TASK_ID/3\"$" "$TMP/out"
# the batch options go to every task
expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$TMP/s" --slurm-script --shards 2 --timeout 600 --max-file-mib 64
expect_grep "^exec '[^']*psyphys' batch '.*/archive/bids' '-o' '.*/s' '--timeout' '600' '--max-file-mib' '64' -j 1 --shard " "$TMP/out"
expect_exit 2 "$PSYPHYS" batch "$A/bids" -o "$TMP/s" --slurm-script
expect_grep 'needs --shards N' "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A/bids" -o "$TMP/s" --partition short
expect_exit 2 "$PSYPHYS" batch "$A/bids" -o "$TMP/s" --cpus-per-task 1
expect_grep 'go with --slurm-script' "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A/bids" -o "$TMP/s" --slurm-script --shards 2 -j 4
expect_grep 'are --cpus-per-task, not -j' "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A/bids" -o "$TMP/s" --slurm-script --shards 2 --time "$(printf '1\n#SBATCH --x')"

# ---- --json-log ----
expect_exit 0 "$PSYPHYS" batch "$A/plain/reference.edf" -o "$TMP/j" --json-log
expect_grep '^\{"event":"file","file":"reference\.edf","status":"ok","error":"","seconds":[0-9.e-]+,"done":1,"total":1\}$' "$TMP/out"
expect_grep '^\{"event":"summary","total":1,"ok":1,"failed":0,"skipped":0,' "$TMP/out"

# ---- analyze's --config: the layout it names places the outputs; its content is a setting ----
printf '{"epochs": ["Neutral"], "pre_s": 2, "layout": "flat"}\n' >"$TMP/study.json"
C=$TMP/configured
expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$C" --config "$TMP/study.json"
expect_grep '^sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio\.tsv\.gz	ok	n/a	[0-9.]+	sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio_beats\.json;' "$C/batch_status.tsv"
expect_grep '	Neutral	49\.580000	' "$C/group_epochs.tsv"
[ -z "$(grep -c '	Negative	' "$C/group_epochs.tsv" | grep -v '^0$')" ] || fail "--config epochs (Neutral only) not applied"
expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$C" --config "$TMP/study.json"
expect_grep '^2 files: 0 ok, 0 failed, 2 skipped' "$TMP/err"
sed -i 's/"pre_s": 2/"pre_s": 3/' "$TMP/study.json"
expect_exit 0 "$PSYPHYS" batch "$A/bids" -o "$C" --config "$TMP/study.json"
expect_grep '^2 files: 2 ok, 0 failed, 0 skipped' "$TMP/err"
echo '{"pre_seconds": 2}' >"$TMP/bad.json"
expect_exit 2 "$PSYPHYS" batch "$A/bids" -o "$TMP/u" --config "$TMP/bad.json"
expect_grep 'bad\.json.*pre_seconds' "$TMP/err"

# ---- on a terminal: the live bar (script(1) gives the batch a pseudo-terminal) ----
if command -v script >/dev/null 2>&1; then
    script -qec "'$PSYPHYS' batch '$A/plain' -o '$TMP/tty' -j 1" /dev/null >"$TMP/tty.txt" 2>&1 ||
        fail "batch on a terminal: $(cat "$TMP/tty.txt")"
    expect_grep '\[#{30}\] 2/2  0 failed  [0-9.]+ files/s' "$TMP/tty.txt"
    expect_grep '\[#{15}\.{15}\] 1/2  0 failed  [0-9.]+ files/s  ETA 0:00:[0-9]{2}' "$TMP/tty.txt"
    grep -q '^\[1/2\]' "$TMP/tty.txt" && fail "per-file log lines on a terminal"
fi

# ---- bad usage ----
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --bogus 1
expect_grep "unknown option '--bogus'" "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --events x.tsv
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" -j 0
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --shard 4/3
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --timeout 0
expect_grep "batch: --timeout wants seconds above 0 \(at most a year\), not '0'" "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --timeout 1s
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --max-file-mib -1
expect_grep "batch: --max-file-mib wants a whole number of MiB from 0 \(no limit\), not '-1'" "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A/plain"
# analyze's options are checked once, by analyze's parser, before any file
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" -j 1 --segments bogus
expect_grep "analyze: --segments is events, markers or window:W\[:STEP\], not 'bogus'" "$TMP/err"
[ ! -e "$TMP/u/batch_status.tsv" ] || fail "files processed with refused options"
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --hr
expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" --ecg ECG --hr HR
expect_grep 'exclude each other' "$TMP/err"
# a worker program refusing them (PSYPHYS_BATCH_WORKER: another psyphys build) stops the batch, exit 2
printf '#!/bin/sh\necho "psyphys: analyze: unknown option --x" >&2\nexit 2\n' >"$TMP/refusing_worker"
chmod +x "$TMP/refusing_worker"
PSYPHYS_BATCH_WORKER=$TMP/refusing_worker expect_exit 2 "$PSYPHYS" batch "$A/plain" -o "$TMP/u" -j 1
expect_grep 'analyze refused the options' "$TMP/err"
expect_grep '^\[1/2\] failed reference\.edf \([0-9.]+ s\): analyze: unknown option --x$' "$TMP/err"
grep -q '^\[2/2\]' "$TMP/err" && fail "the batch went on after a usage error"
expect_exit 1 "$PSYPHYS" batch "$TMP/nowhere" -o "$TMP/u"
expect_grep 'nowhere: cannot read it' "$TMP/err"
expect_exit 0 "$PSYPHYS" batch --help
expect_grep '^usage: psyphys batch INPUT\.\.\. -o OUTDIR' "$TMP/out"

# ---- dotted names (versioned exports): the stem keeps all but the extension; events paired by it ----
D=$TMP/dotted
mkdir -p "$D"
cp "$SRC/recordings/neurokit_eventrelated.edf" "$D/physio-5.0.1.edf"
cp "$SRC/recordings/neurokit_eventrelated.edf" "$D/physio-5.0.1-c.edf"
cp "$SRC/recordings/neurokit_eventrelated_events.tsv" "$D/physio-5.0.1_events.tsv"
expect_exit 0 "$PSYPHYS" batch "$D" -o "$TMP/dotted_out" -j 1 --quiet
expect_grep '^physio-5\.0\.1\.edf	ok	.*physio-5\.0\.1_epochs\.tsv' "$TMP/dotted_out/batch_status.tsv"
expect_grep '^physio-5\.0\.1-c\.edf	ok	.*physio-5\.0\.1-c_segments\.tsv' "$TMP/dotted_out/batch_status.tsv"
expect_grep '^physio-5\.0\.1\.edf	n/a	n/a	n/a	n/a	Negative	' "$TMP/dotted_out/group_segments.tsv"
expect_exit 0 "$PSYPHYS" report "$TMP/dotted_out"
expect_grep 'href="physio-5\.0\.1_report\.html"' "$TMP/dotted_out/index.html"

finish
