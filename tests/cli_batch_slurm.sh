# psyphys batch on a real one-node Slurm cluster brought up here on localhost (munged, slurmctld,
# slurmd; state, sockets, logs under $TMP, /etc untouched): the --slurm-script job array over a small
# archive, then --merge; the group tables equal a local -j 1 run's byte for byte. Stops the daemons
# it started, by their pid files. Needs root and the Debian packages munge slurmctld slurmd
# slurm-client (PSYPHYS_SLURM=1 sh scripts/setup-deps.sh); skips without them unless
# PSYPHYS_REQUIRE_INTEGRATION=1. CTest label: integration.
. "$(dirname "$0")/lib_cli.sh"

skip() {
    if [ "${PSYPHYS_REQUIRE_INTEGRATION:-0}" = 1 ]; then
        echo "FAIL: $* (PSYPHYS_REQUIRE_INTEGRATION=1)" >&2
        exit 1
    fi
    echo "skipped: $*"
    exit 77
}
for tool in munged munge slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null 2>&1 ||
        skip "no $tool: install munge slurmctld slurmd slurm-client (PSYPHYS_SLURM=1 sh scripts/setup-deps.sh)"
done
PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || skip "the throw-away cluster's daemons run as root"

# ---- the cluster, all under $D ----
D=$TMP/slurm
mkdir -p "$D/etc" "$D/munge" "$D/run" "$D/log" "$D/spool/ctld" "$D/spool/d"
chmod 755 "$TMP" "$D" "$D/munge"
CPUS=$(nproc)
# ports from the pid, so parallel runs of the test (other build dirs) do not meet
CTLD_PORT=$((20000 + ($$ % 4000) * 2))
SLURMD_PORT=$((CTLD_PORT + 1))
export SLURM_CONF=$D/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=psyphystest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.socket
CredType=cred/munge
# no cgroups or systemd in containers: processes tracked through /proc, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerParameters=batch_sched_delay=0
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=30
StateSaveLocation=$D/spool/ctld
SlurmdSpoolDir=$D/spool/d
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$CPUS State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# stop NAME: the daemon whose pid file this test wrote, TERM then KILL; waits until it is gone
stop() {
    pf=$D/run/$1.pid
    [ -s "$pf" ] || return 0
    pid=$(cat "$pf")
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
        [ -z "$state" ] || [ "$state" = Z ] && break
        sleep 0.1
    done
    [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && kill -KILL "$pid" 2>/dev/null
    rm -f "$pf"
}
teardown() {
    if [ -s "$D/run/slurmctld.pid" ]; then
        scancel --partition=test >/dev/null 2>&1
        for _ in $(seq 50); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
    fi
    stop slurmd
    stop slurmctld
    stop munged
    rm -rf "$TMP"
}
trap teardown EXIT
die() {
    echo "FAIL: $*" >&2
    for f in "$D"/log/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
    exit 1
}

dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$D/munge/munge.key"
munged --socket="$D/munge/munge.socket" --key-file="$D/munge/munge.key" --pid-file="$D/run/munged.pid" \
    --log-file="$D/log/munged.log" --seed-file="$D/munge/munged.seed" || die "munged did not start"
for _ in $(seq 50); do
    munge -n -S "$D/munge/munge.socket" 2>/dev/null | unmunge -S "$D/munge/munge.socket" >/dev/null 2>&1 && break
    sleep 0.1
done
slurmctld -i -f "$SLURM_CONF" || die "slurmctld did not start"
for _ in $(seq 150); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.2; done
scontrol ping 2>/dev/null | grep -q 'is UP' || die "slurmctld does not answer"
slurmd -f "$SLURM_CONF" -N localhost || die "slurmd did not start"
for _ in $(seq 150); do [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] && break; sleep 0.2; done
[ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] || die "node localhost not idle"

# ---- the archive: from ../shared/data when there, else recordings/ and tests/data ----
A=$TMP/archive
mkdir -p "$A/sub-01" "$A/sub-02" "$A/bad"
cp -R "$SRC/tests/data/bids" "$A/study"
cp "$SRC/recordings/neurokit_eventrelated.edf" "$A/sub-01/sub-01_task-emo_ecg.edf"
cp "$SRC/recordings/neurokit_eventrelated_events.tsv" "$A/sub-01/sub-01_task-emo_ecg_events.tsv"
cp "$SRC/tests/data/bad/edf_valid_reference.edf" "$A/sub-02/sub-02_task-ref_ecg.edf"
cp "$SRC/tests/data/bad/edf_cut_data_record.edf" "$A/bad/cut.edf"
if [ -d "$SHARED/data" ]; then
    cp "$SHARED/data/rr_devices/hrvfilter_samples/polarSample01.txt" "$A/sub-02/sub-02_task-rest_rr.txt"
    cp "$SHARED/data/mitdb/100.hea" "$SHARED/data/mitdb/100.dat" "$SHARED/data/mitdb/100.atr" "$A/sub-01/"
fi

# ---- the job array, then --merge ----
cd "$TMP" || die "no $TMP"
expect_exit 0 "$PSYPHYS" batch "$A" -o "$TMP/cluster" --slurm-script --shards 3 --job-name psyphys-test \
    --time 00:05:00
cp "$TMP/out" "$TMP/job.sbatch"
jid=$(sbatch --parsable "$TMP/job.sbatch") || die "sbatch refused the script: $(cat "$TMP/job.sbatch")"
for _ in $(seq 600); do [ -z "$(squeue -h -j "$jid" 2>/dev/null)" ] && break; sleep 0.2; done
[ -z "$(squeue -h -j "$jid" 2>/dev/null)" ] || die "job $jid still queued or running after 120 s"
for k in 1 2 3; do
    [ -s "$TMP/cluster/batch_status.shard-$k-of-3.tsv" ] ||
        die "array task $k wrote no status table: $(cat "$TMP"/slurm-*_"$k".out 2>/dev/null)"
done
expect_exit 1 "$PSYPHYS" batch --merge "$TMP/cluster"
expect_grep '^bad/cut\.edf	failed	' "$TMP/cluster/batch_status.tsv"
expect_grep '^sub-01/sub-01_task-emo_ecg\.edf	ok	' "$TMP/cluster/batch_status.tsv"

# ---- the same archive locally, one worker ----
expect_exit 1 "$PSYPHYS" batch "$A" -o "$TMP/local" -j 1 --quiet
for t in group_segments group_epochs group_hrv; do
    cmp -s "$TMP/cluster/$t.tsv" "$TMP/local/$t.tsv" || fail "$t.tsv: the cluster's differs from the local run's"
    cmp -s "$TMP/cluster/$t.json" "$TMP/local/$t.json" || fail "$t.json: the cluster's differs from the local run's"
done
[ "$(wc -l <"$TMP/local/group_segments.tsv")" -gt 4 ] || fail "group_segments.tsv nearly empty"
cut -f1,2,5 "$TMP/cluster/batch_status.tsv" >"$TMP/st_cluster"
cut -f1,2,5 "$TMP/local/batch_status.tsv" >"$TMP/st_local"
cmp -s "$TMP/st_cluster" "$TMP/st_local" || fail "status: $(diff "$TMP/st_cluster" "$TMP/st_local")"
cd / || exit 1
finish
