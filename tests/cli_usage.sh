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
expect_exit 2 "$PSYPHYS" score-beats --ref a --fs
expect_grep "^psyphys: score-beats: --fs needs a value" "$TMP/err"
finish
