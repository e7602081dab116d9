# The demo's QC report in headless Chromium at A4 width (794 px): the page loads with no console
# error and no network request, every plot is there with a non-empty size and drawn content, the
# page needs no horizontal scrolling, a screenshot is taken, and it prints on A4 pages. Exits 77 (skipped) without
# Chromium, unless PSYPHYS_REQUIRE_INTEGRATION=1 (CI's integration stage): then it fails.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated

CHROMIUM=""
for c in chromium chromium-browser; do
    command -v "$c" >/dev/null 2>&1 && CHROMIUM=$(command -v "$c") && break
done
if [ -z "$CHROMIUM" ]; then
    if [ "${PSYPHYS_REQUIRE_INTEGRATION:-0}" = 1 ]; then
        echo "FAIL: chromium is not installed (PSYPHYS_BROWSER=1 sh scripts/setup-deps.sh)" >&2
        exit 1
    fi
    echo "chromium not installed: skipped" >&2
    exit 77
fi

# headless, no sandbox (containers, root), a fresh profile, nothing fetched in the background
browse() {
    profile=$TMP/profile-$1
    shift
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
        --disable-background-networking --disable-component-update --disable-sync --no-first-run \
        --disable-extensions --enable-logging=stderr --v=0 --window-size=794,1123 "$@"
}

expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/res" --report
PAGE=$TMP/res/${S}_report.html
[ -s "$PAGE" ] || { fail "no report page"; finish; }

# The page itself: screenshot and console. Chromium logs console messages as "CONSOLE(line)".
browse shot --screenshot="$TMP/shot.png" "file://$PAGE" >"$TMP/shot.out" 2>"$TMP/shot.err"
[ -s "$TMP/shot.png" ] || fail "no screenshot: $(tail -3 "$TMP/shot.err")"
[ "$(head -c 8 "$TMP/shot.png" | od -An -c | tr -d ' \n')" = '211PNG\r\n032\n' ] || fail "the screenshot is not a PNG"
[ "$(wc -c <"$TMP/shot.png")" -gt 20000 ] || fail "the screenshot is nearly blank ($(wc -c <"$TMP/shot.png") bytes)"
if grep -q 'CONSOLE' "$TMP/shot.err"; then fail "console messages: $(grep CONSOLE "$TMP/shot.err" | head -3)"; fi

# Printed on A4 (what a supplement gets): a PDF of several pages.
browse pdf --print-to-pdf="$TMP/page.pdf" "file://$PAGE" >"$TMP/pdf.out" 2>"$TMP/pdf.err"
[ "$(head -c 5 "$TMP/page.pdf" 2>/dev/null)" = '%PDF-' ] || fail "no PDF printed: $(tail -3 "$TMP/pdf.err")"
pages=$(grep -a -o '/Count [0-9]*' "$TMP/page.pdf" | awk '{ if ($2 > max) max = $2 } END { print max + 0 }')
[ "$pages" -ge 3 ] && [ "$pages" -le 20 ] || fail "printed on $pages pages"
grep -a -q '/MediaBox \[0 0 59[45]\.[0-9]* 84[12]\.[0-9]*\]' "$TMP/page.pdf" || fail "the printed pages are not A4"
echo "printed on $pages A4 pages"

# A copy with a probe: errors caught from the start, then every plot measured into the DOM.
cat >"$TMP/head.html" <<'EOF'
<script>window.probeErrors=[];window.addEventListener('error',function(e){probeErrors.push(String(e.message))});
var probeConsole=console.error;console.error=function(){probeErrors.push([].join.call(arguments,' '));probeConsole.apply(console,arguments)};</script>
EOF
cat >"$TMP/tail.html" <<'EOF'
<script>(function(){var s=document.querySelectorAll('svg.plot'),empty=0,blank=0,kinds={};
for(var i=0;i<s.length;i++){var r=s[i].getBoundingClientRect();if(!(r.width>=150&&r.height>=80))empty++;
var g=s[i].querySelector('g[clip-path]');if(!g||!g.childElementCount||!(g.getBBox().width>0))blank++;
kinds[s[i].getAttribute('data-plot')]=1;}
var p=document.createElement('pre');p.id='probe';p.textContent='plots='+s.length+' empty='+empty+' blank='+blank+
' errors='+probeErrors.length+' resources='+performance.getEntriesByType('resource').length+' overflow='+
(document.documentElement.scrollWidth>window.innerWidth?1:0)+' kinds='+Object.keys(kinds).sort().join(',');
document.body.appendChild(p);})();</script>
EOF
awk -v head="$TMP/head.html" -v tail="$TMP/tail.html" '
    $0 == "<head>" { print; while ((getline l < head) > 0) print l; next }
    $0 == "</body>" { while ((getline l < tail) > 0) print l }
    { print }' "$PAGE" >"$TMP/res/probe.html"
browse dom --dump-dom "file://$TMP/res/probe.html" >"$TMP/dom.html" 2>"$TMP/dom.err"
expect_grep '<pre id="probe">' "$TMP/dom.html"
probe=$(sed -n 's/.*<pre id="probe">\([^<]*\)<.*/\1/p' "$TMP/dom.html")
echo "probe: $probe"
want='plots=20 empty=0 blank=0 errors=0 resources=0 overflow=0'
want="$want kinds=ecg-strip,eda,eda-driver,epoch-hr,epoch-scr,lomb,poincare,resp-rate,resp-strip,tachogram,timeline-hr,timeline-scl,welch"
[ "$probe" = "$want" ] || fail "probe: $probe, want $want"
finish
