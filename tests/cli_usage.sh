# What a new user types first: help for a command, a misspelt command, an unknown option wherever
# it stands, output to a device or stdout.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

# psyphys help COMMAND prints that command's help, as COMMAND --help does.
for c in analyze batch info convert beats score-beats eda hrv report stream; do
    expect_exit 0 "$PSYPHYS" help "$c"
    cp "$TMP/out" "$TMP/help_a"
    expect_exit 0 "$PSYPHYS" "$c" --help
    cmp -s "$TMP/out" "$TMP/help_a" || fail "psyphys help $c differs from psyphys $c --help"
    expect_grep "^usage: psyphys $c " "$TMP/help_a"
done
expect_exit 0 "$PSYPHYS" help
expect_grep '^commands:' "$TMP/out"
expect_exit 2 "$PSYPHYS" help analyse
expect_grep "unknown command 'analyse'; did you mean 'analyze'\\?" "$TMP/err"

# A misspelt command gets the nearest name; a word far from every command gets none.
expect_exit 2 "$PSYPHYS" analyse "$DEMO"
expect_grep "^psyphys: unknown command 'analyse'; did you mean 'analyze'\\?$" "$TMP/err"
expect_exit 2 "$PSYPHYS" hvr "$DEMO"
expect_grep "did you mean 'hrv'\\?" "$TMP/err"
expect_exit 2 "$PSYPHYS" frobnicate
expect_grep "^psyphys: unknown command 'frobnicate'$" "$TMP/err"

# An unknown option is called so wherever it stands (last: it has no value to be missing); a known
# option given last without its value needs one.
for c in analyze eda hrv beats info convert; do
    for opt in --foo -x; do
        expect_exit 2 "$PSYPHYS" "$c" "$DEMO" "$opt"
        expect_grep "^psyphys: $c: unknown option '$opt' \\(see psyphys $c --help\\)$" "$TMP/err"
        expect_exit 2 "$PSYPHYS" "$c" "$opt" "$DEMO"
        expect_grep "unknown option '$opt'" "$TMP/err"
    done
done
expect_exit 2 "$PSYPHYS" convert "$DEMO" "$TMP/x.edf" --foo
expect_grep "unknown option '--foo'" "$TMP/err"
expect_exit 2 "$PSYPHYS" report "$TMP" --foo
expect_grep "^psyphys: report: unknown option '--foo'" "$TMP/err"
expect_exit 2 "$PSYPHYS" stream --replay "$DEMO" --foo
expect_grep "^psyphys: stream: unknown option '--foo'" "$TMP/err"
expect_exit 2 "$PSYPHYS" score-beats --ref a --test b --foo
expect_grep "^psyphys: score-beats: unknown option '--foo'" "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$DEMO" -o "$TMP/b" --foo
expect_grep "unknown option '--foo'" "$TMP/err"
for pair in "analyze --pre" "analyze -o" "eda --channel" "hrv --window" "beats --nn" "info --first-events" \
            "analyze --fs" "batch -j"; do
    set -- $pair
    expect_exit 2 "$PSYPHYS" "$1" "$DEMO" "$2"
    expect_grep "$2 needs a value" "$TMP/err"
done
expect_exit 2 "$PSYPHYS" stream --replay "$DEMO" --speed
expect_grep "^psyphys: stream: --speed needs a value" "$TMP/err"
# The respiration channel's option in both spellings (ux11 #9: analyze and sync took only --rsp,
# stream only --resp, each "unknown option" for the other's): the channel named is looked for.
for cmd in "analyze $DEMO" "sync $DEMO $DEMO -o $TMP/s9" "resp $DEMO" "stream --replay $DEMO"; do
    for opt in --rsp --resp; do
        expect_exit 1 "$PSYPHYS" $cmd "$opt" Nope
        expect_grep "no channel (labelled )?'Nope'" "$TMP/err"
    done
    expect_exit 2 "$PSYPHYS" $cmd --resp
    expect_grep "--resp needs a value" "$TMP/err"
done
# the option given is the one named (ux20 review: --rsp X --edr was told about --channel)
for opt in --rsp --channel; do
    expect_exit 2 "$PSYPHYS" resp "$DEMO" "$opt" RSP --edr
    expect_grep "resp: $opt \(a respiration channel\) or --edr" "$TMP/err"
done
expect_exit 2 "$PSYPHYS" score-beats --ref a --fs
expect_grep "^psyphys: score-beats: --fs needs a value" "$TMP/err"

# Output to a device or to stdout ('-') where a command writes one table: no --overwrite needed,
# nothing replaced, no sidecar beside it (it would have no place); a regular file is still kept.
cd "$TMP" || exit 1
for c in beats hrv eda; do
    expect_exit 0 "$PSYPHYS" "$c" "$DEMO" -o /dev/null
    [ ! -s "$TMP/out" ] || fail "$c -o /dev/null printed the table: $(head -c 200 "$TMP/out")"
    expect_exit 0 "$PSYPHYS" "$c" "$DEMO" -o -
    expect_grep '^onset	' "$TMP/out"
    [ ! -e "$TMP/-" ] && [ ! -e "$TMP/-.json" ] || fail "$c -o - wrote a file named '-'"
done
expect_exit 0 "$PSYPHYS" beats "$DEMO" -o "$TMP/b.tsv" --nn -
expect_grep '^onset	nn_ms	corrected$' "$TMP/out"
[ -s "$TMP/b.json" ] || fail "beats -o FILE --nn -: no sidecar beside FILE"
expect_exit 0 "$PSYPHYS" eda "$DEMO" -o /dev/null --epochs -
expect_grep '^label	onset	' "$TMP/out"
expect_exit 2 "$PSYPHYS" beats "$DEMO" -o - --nn -
expect_grep "one output at most goes to stdout" "$TMP/err"
expect_exit 2 "$PSYPHYS" beats "$DEMO" --nn -
expect_exit 2 "$PSYPHYS" eda "$DEMO" --json -o -
expect_exit 2 "$PSYPHYS" beats "$DEMO" -o - --format wfdb
expect_grep 'needs -o FILE' "$TMP/err"
if command -v mkfifo >/dev/null; then
    mkfifo "$TMP/fifo"
    timeout 20 cat "$TMP/fifo" >"$TMP/from_fifo" &
    expect_exit 0 timeout 20 "$PSYPHYS" beats "$DEMO" -o "$TMP/fifo"
    wait
    [ "$(wc -l <"$TMP/from_fifo")" -eq 153 ] || fail "beats -o FIFO: $(wc -l <"$TMP/from_fifo") lines"
    [ -p "$TMP/fifo" ] || fail "the FIFO was replaced"
fi
printf 'keep' >"$TMP/kept.tsv"
expect_exit 1 "$PSYPHYS" beats "$DEMO" -o "$TMP/kept.tsv"
expect_grep 'exists; give --overwrite' "$TMP/err"
# Standard output that cannot take the output (a full disk: /dev/full) is an error of every
# command that writes there, as a file that cannot be written is (ux21a F4: rc 0, nothing said):
# a non-zero exit and one line naming standard output and the system's reason.
if [ -w /dev/full ]; then
    "$PSYPHYS" beats "$DEMO" -o "$TMP/full_beats.tsv" 2>/dev/null
    "$PSYPHYS" analyze "$DEMO" -o "$TMP/full_a" >/dev/null 2>&1
    full() {
        "$@" >/dev/full 2>"$TMP/err"
        rc=$?
        [ "$rc" -ne 0 ] || fail "exit 0 with stdout on a full disk: $*"
        [ "$(grep -c 'standard output' "$TMP/err")" -eq 1 ] &&
            grep -q '^psyphys: standard output: writing failed: No space left on device$' "$TMP/err" ||
            fail "not one 'standard output: writing failed: No space left on device' line: $* ($(head -c 300 "$TMP/err"))"
    }
    full "$PSYPHYS" info "$DEMO"
    full "$PSYPHYS" info "$DEMO" --json
    full "$PSYPHYS" beats "$DEMO"
    full "$PSYPHYS" beats "$DEMO" -o -
    full "$PSYPHYS" hrv "$DEMO"
    full "$PSYPHYS" hrv "$DEMO" --json
    full "$PSYPHYS" hrv "$DEMO" -o -
    full "$PSYPHYS" eda "$DEMO"
    full "$PSYPHYS" eda "$DEMO" --json
    full "$PSYPHYS" eda "$DEMO" -o /dev/null --epochs -
    full "$PSYPHYS" resp "$DEMO"
    full "$PSYPHYS" resp "$DEMO" --json
    full "$PSYPHYS" score-beats --ref "$TMP/full_beats.tsv" --test "$TMP/full_beats.tsv" --from 0
    full "$PSYPHYS" score-beats --ref "$TMP/full_beats.tsv" --test "$TMP/full_beats.tsv" --from 0 --json
    full "$PSYPHYS" analyze "$DEMO" -o "$TMP/full_b"
    full "$PSYPHYS" report "$TMP/full_a" --overwrite
    full "$PSYPHYS" stream --replay "$DEMO" --speed max
    full "$PSYPHYS" sync "$DEMO" "$DEMO" -o "$TMP/full_s"
    full "$PSYPHYS" batch "$DEMO" -o "$TMP/full_batch" --json-log -j 1
    full "$PSYPHYS" help hrv
    full "$PSYPHYS" --version
    # a table to -o - on a full disk leaves the other outputs uncommitted (all or nothing)
    full "$PSYPHYS" eda "$DEMO" -o - --epochs "$TMP/full_epochs.tsv"
    [ ! -e "$TMP/full_epochs.tsv" ] || fail "eda -o - on a full disk: --epochs FILE written all the same"
    # ... and so does a table to stdout by default (r21a finding 4: the file was committed first)
    full "$PSYPHYS" beats "$DEMO" --nn "$TMP/full_nn.tsv"
    [ ! -e "$TMP/full_nn.tsv" ] || fail "beats on a full stdout: --nn FILE written all the same"
    full "$PSYPHYS" eda "$DEMO" --epochs "$TMP/full_epochs2.tsv"
    [ ! -e "$TMP/full_epochs2.tsv" ] || fail "eda on a full stdout: --epochs FILE written all the same"
fi
# A stream's reader that leaves (stream ignores SIGPIPE and goes on) is not an error.
"$PSYPHYS" stream --replay "$DEMO" --speed max 2>"$TMP/err" | head -n 1 >/dev/null
grep -q 'standard output' "$TMP/err" && fail "stream | head: $(cat "$TMP/err")"
finish
