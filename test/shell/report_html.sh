#!/usr/bin/env bash
# test/shell/report_html.sh: j7599.report on a generated table of 20,000 claim
# lines (test/bench/gen_claims.sql) with payer spellings that resolve to no
# payer, one of them full of markup characters, and an audit run recorded
# where j7599.audit_run exists:
#   (a) the numbers of every table of the page, read back from the HTML, equal
#       those of utilisation, modifier_usage, unresolved_payers and
#       audit_summary on the same table;
#   (b) the page is well-formed (xmllint, as XML and as HTML) and refers to
#       no external resource;
#   (c) headless Chromium renders it to a picture that is not blank, and the
#       page's text holds the payer names (skipped when Chromium is missing).
# The page and the screenshots are kept in build/report/.  Prints TAP.  Needs
# a running server with j7599 installed (PGHOST, PGPORT, PGUSER a superuser).
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DB=j7599_report_$$
WORK=$(mktemp -d /tmp/j7599-report.XXXXXX)
OUT="$ROOT/build/report"
mkdir -p "$OUT"

. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..22"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION j7599 CASCADE' >>"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -v rows=20000 -v error_pct=8 \
		-c 'SET client_min_messages = warning' -f "$ROOT/test/bench/gen_claims.sql" >>"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" >>"$WORK/setup.log" 2>&1 <<'SQL'
-- spellings no payer resolves, one of them written to break a page
UPDATE claims_src SET payer_name = 'Zenith <b>Health</b> & "Co" ''s' WHERE claim_id % 97 = 0;
UPDATE claims_src SET payer_name = 'Northwind Care Plan' WHERE claim_id % 89 = 0;
SELECT j7599.register('claims_src', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth',
                      days_supply => 'days_supply', transplant_date => 'transplant_date');
DO $$
BEGIN
    IF to_regprocedure('j7599.audit_run(regclass,text)') IS NOT NULL THEN
        PERFORM j7599.audit_run('claims_src', 'report test');
    END IF;
END
$$;
SQL
ok $? "a registered table of 20,000 generated lines with unresolvable payer spellings"
sed 's/^/# /' "$WORK/setup.log"

PAGE="$OUT/report.html"
"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "SELECT j7599.report('claims_src')" >"$PAGE" 2>>"$WORK/psql.err"
ok $? "j7599.report writes the page ($PAGE)"

# ---- (a) the numbers ----------------------------------------------------------------
# rows of the table with the given id, cells joined by |, entities undone,
# thousands separators dropped from numbers
cat >"$WORK/cells.pl" <<'PERL'
use strict;
use warnings;
my ($file, $id, @cols) = @ARGV;
open my $fh, '<:encoding(UTF-8)', $file or die "$file: $!";
binmode STDOUT, ':encoding(UTF-8)';
local $/;
my $html = <$fh>;
my ($table) = $html =~ m{<table[^>]* id="\Q$id\E"[^>]*>(.*?)</table>}s or exit 0;
my ($body) = $table =~ m{<tbody>(.*?)</tbody>}s;
for my $row ($body =~ m{<tr[^>]*>(.*?)</tr>}sg) {
    my @cells = map {
        my $c = $_;
        $c =~ s/<[^>]*>/ /g;
        $c =~ s/^\s+|\s+$//g;
        $c =~ s/\s+/ /g;
        $c =~ s/&lt;/</g; $c =~ s/&gt;/>/g; $c =~ s/&quot;/"/g; $c =~ s/&#39;/'/g; $c =~ s/&amp;/&/g;
        $c =~ s/,//g if $c =~ /^-?[\d,]+(\.\d+)?$/;
        $c
    } $row =~ m{<t[dh][^>]*>(.*?)</t[dh]>}sg;
    @cells = @cells[@cols] if @cols;
    print join('|', @cells), "\n";
}
PERL
cells() { perl "$WORK/cells.pl" "$PAGE" "$@"; }

is "$(cells t-month)" \
	"$(q "$DB" "SELECT coalesce(to_char(month, 'YYYY-MM'), '(no date)') || '|' || sum(lines) || '|' || coalesce(sum(units)::text, '')
	              FROM j7599.utilisation('claims_src') GROUP BY month ORDER BY month NULLS LAST")" \
	"by month: the lines and units of utilisation"
is "$(cells t-payer 0 2 3)" \
	"$(q "$DB" "SELECT coalesce(payer_id, '') || '|' || sum(lines) || '|' || coalesce(sum(units)::text, '')
	              FROM j7599.utilisation('claims_src') GROUP BY payer_id ORDER BY sum(lines) DESC, payer_id NULLS LAST")" \
	"by payer: the lines and units of utilisation"
is "$(cells t-pos 0 2 3)" \
	"$(q "$DB" "SELECT coalesce(pos, '') || '|' || sum(lines) || '|' || coalesce(sum(units)::text, '')
	              FROM j7599.utilisation('claims_src') GROUP BY pos ORDER BY sum(lines) DESC, pos NULLS LAST")" \
	"by place of service: the lines and units of utilisation"
is "$(cells t-modifier)" \
	"$(q "$DB" "SELECT code || '|' || coalesce(modifier, '(none)') || '|' || lines || '|' || round(share * 100, 2)
	              FROM j7599.modifier_usage('claims_src')")" \
	"modifiers: the lines and shares of modifier_usage"
is "$(cells t-rule)" \
	"$(q "$DB" "SELECT concat_ws('|', rule, severity, rows_violated, rows_checked, pct_violated) FROM j7599.audit_summary('claims_src')")" \
	"rules: the rows violated, rows checked and shares of audit_summary, in its order"
is "$(cells t-rule-payer | tail -n +2 | awk -F'|' '{print $NF}')" \
	"$(q "$DB" "SELECT pct_violated FROM j7599.audit_summary('claims_src')")" \
	"rules by payer: the all-lines column is audit_summary's share"
is "$(cells t-unresolved)" \
	"$(q "$DB" "SELECT payer || '|' || lines FROM j7599.unresolved_payers('claims_src')")" \
	"unresolved payer spellings: those of unresolved_payers, most frequent first"
is "$(cells t-unresolved 0 | grep -cxF 'Zenith <b>Health</b> & "Co" '"'"'s')" 1 \
	"the spelling full of markup comes back as it was written"
if [ "$(q "$DB" "SELECT to_regclass('j7599.audit_history') IS NOT NULL")" = t ]; then
	is "$(cells t-history 0 | sort -u | wc -l | tr -d ' ')" \
		"$(q "$DB" "SELECT count(DISTINCT run_id) FROM j7599.audit_history WHERE tbl = 'claims_src'::regclass")" \
		"audit runs: each recorded run of the table"
else
	grep -q 'This database keeps no audit history' "$PAGE"
	ok $? "audit runs: the page says the database keeps no audit history"
fi

# ---- (b) well-formed, self-contained ------------------------------------------------
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$PAGE" >"$WORK/xml.err" 2>&1 && [ ! -s "$WORK/xml.err" ]
	ok $? "xmllint --noout: the page is well-formed XML"
	sed 's/^/# /' "$WORK/xml.err" | head -20
	# the HTML 4 parser of libxml2 does not know the HTML5 and SVG elements;
	# anything else it reports is an error
	xmllint --html --noout "$PAGE" 2>&1 |
		awk '/HTML parser error : Tag (nav|section|figure|svg|g|rect|line|polyline|circle|text|title) invalid/ { skip = 2; next }
		     skip > 0 { skip--; next } { print }' >"$WORK/html.err"
	[ ! -s "$WORK/html.err" ]
	ok $? "xmllint --html --noout: no error besides the elements HTML 4 does not know"
	sed 's/^/# /' "$WORK/html.err" | head -20
else
	echo "ok $((n + 1)) # SKIP xmllint is not installed"
	echo "ok $((n + 2)) # SKIP xmllint is not installed"
	n=$((n + 2))
fi
! grep -Eio '(https?:|//|url\(|<script|<link|<img|<iframe|<object|@import)' "$PAGE" >"$WORK/ext.txt"
ok $? "no URL, script, link, image, import or url() in the page"
sed 's/^/# /' "$WORK/ext.txt" | head
! grep -Eo '(src|href|xlink:href)="[^"]*"' "$PAGE" | grep -Ev '^href="#[a-z-]+"$' >"$WORK/refs.txt"
ok $? "every href is a #fragment of the page; no src at all"
sed 's/^/# /' "$WORK/refs.txt" | head

# ---- (c) in a browser -----------------------------------------------------------------
BROWSER=$(command -v chromium || command -v chromium-browser || true)
chrome() {
	local profile rc
	profile=$(mktemp -d "$WORK/profile.XXXXXX")
	timeout 180 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" "$@" "file://$PAGE" 2>>"$WORK/chromium.log"
	rc=$?
	rm -rf "$profile"
	return $rc
}
# the number of distinct colours of a PNG (8-bit RGB or RGBA, as Chromium
# writes them), read with core Perl only
cat >"$WORK/colours.pl" <<'PERL'
use strict;
use warnings;
use Compress::Zlib;
open my $fh, '<:raw', $ARGV[0] or die "$ARGV[0]: $!";
local $/;
my $png = <$fh>;
substr($png, 0, 8) eq "\x89PNG\r\n\x1a\n" or die "not a PNG\n";
my ($pos, $idat, $w, $h, $depth, $type) = (8, '');
while ($pos < length $png) {
    my ($len, $kind) = unpack 'N a4', substr($png, $pos, 8);
    my $data = substr($png, $pos + 8, $len);
    ($w, $h, $depth, $type) = unpack 'N N C C', $data if $kind eq 'IHDR';
    $idat .= $data if $kind eq 'IDAT';
    $pos += 12 + $len;
}
$depth == 8 && ($type == 2 || $type == 6) or die "unexpected PNG format\n";
my $bpp = $type == 6 ? 4 : 3;
my $raw = uncompress($idat) // die "bad image data\n";
my $stride = $w * $bpp;
my (%seen, @prev);
@prev = (0) x $stride;
for my $y (0 .. $h - 1) {
    my $f = ord substr($raw, $y * ($stride + 1), 1);
    my @cur = unpack 'C*', substr($raw, $y * ($stride + 1) + 1, $stride);
    for my $i (0 .. $stride - 1) {
        my $a = $i >= $bpp ? $cur[$i - $bpp] : 0;
        my $b = $prev[$i];
        my $c = $i >= $bpp ? $prev[$i - $bpp] : 0;
        my $p;
        if    ($f == 0) { $p = 0 }
        elsif ($f == 1) { $p = $a }
        elsif ($f == 2) { $p = $b }
        elsif ($f == 3) { $p = ($a + $b) >> 1 }
        else {
            my $q = $a + $b - $c;
            my ($pa, $pb, $pc) = (abs($q - $a), abs($q - $b), abs($q - $c));
            $p = ($pa <= $pb && $pa <= $pc) ? $a : ($pb <= $pc ? $b : $c);
        }
        $cur[$i] = ($cur[$i] + $p) & 255;
    }
    for (my $i = 0; $i < $stride; $i += $bpp) {
        $seen{ join ',', @cur[$i .. $i + 2] } = 1;
    }
    @prev = @cur;
}
print scalar(keys %seen), "\n";
PERL
if [ -z "$BROWSER" ]; then
	for t in "renders to a screenshot" "the screenshot is not blank" "the screenshot of the whole page is not blank" \
		"the rendered text holds the payer names" "the rendered text holds the escaped spelling as text" \
		"the rendered page has its charts"; do
		n=$((n + 1))
		echo "ok $n # SKIP chromium is not installed: $t"
	done
else
	rm -f "$OUT/report.png" "$OUT/report_full.png"
	chrome --screenshot="$OUT/report.png" --window-size=1366,900 >/dev/null
	[ -s "$OUT/report.png" ]
	ok $? "renders to a screenshot ($OUT/report.png)"
	size=$(stat -c %s "$OUT/report.png" 2>/dev/null || echo 0)
	colours=$(perl "$WORK/colours.pl" "$OUT/report.png" 2>&1)
	[ "$size" -gt 20000 ] && [ "${colours:-0}" -gt 16 ] 2>/dev/null
	ok $? "the screenshot is not blank ($size bytes, $colours colours)"
	chrome --screenshot="$OUT/report_full.png" --window-size=1366,5200 >/dev/null
	size=$(stat -c %s "$OUT/report_full.png" 2>/dev/null || echo 0)
	[ "$size" -gt 100000 ]
	ok $? "the screenshot of the whole page is not blank ($size bytes, $OUT/report_full.png)"
	chrome --dump-dom >"$WORK/dom.html"
	missing=""
	for name in Medicare UnitedHealthcare Aetna Cigna "Blue Cross Blue Shield" "Northwind Care Plan"; do
		grep -qF "$name" "$WORK/dom.html" || missing="$missing [$name]"
	done
	is "$missing" "" "the rendered text holds the payer names"
	grep -qF 'Zenith &lt;b&gt;Health&lt;/b&gt; &amp; "Co"' "$WORK/dom.html" && ! grep -q '<b>Health</b>' "$WORK/dom.html"
	ok $? "the rendered text holds the escaped spelling as text, not as markup"
	is "$(grep -o '<svg' "$WORK/dom.html" | wc -l | tr -d ' ')" \
		"$(grep -o '<svg' "$PAGE" | wc -l | tr -d ' ')" "the rendered page has its charts"
fi

"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE $DB" >/dev/null 2>>"$WORK/psql.err"
ok $? "database dropped"
tap_finish
