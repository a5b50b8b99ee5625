#!/bin/sh
# tests/cli/check-scenario.sh - `pcisim run` and `pcisim sweep` on small
# scenario files, and `pcisim demo`: results with verified data, the output
# files, byte-equal reruns (same seed, same bytes), errors that name the
# file, line and key
# with exit status 2, --set, --json, and a sweep whose shards concatenate
# to the unsharded output.
# The latency check runs examples/scenarios/latency.ini (interrupt
# moderation by the reference driver) and its sweep.
# Usage: check-scenario.sh CHECK PCISIM [LATENCY.INI]; CHECK one of run,
# errors, sweep, demo, latency.
set -eu

check=$1
# absolute: the checks run in a scratch directory
pcisim=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
latency_ini=
[ $# -lt 3 ] || latency_ini=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
dir=$(mktemp -d "${TMPDIR:-/tmp}/pcisim-scen.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

fail() {
	echo "FAIL: $*" >&2
	for f in out err; do
		[ -f "$f" ] && { echo "--- $f:" >&2; cat "$f" >&2; }
	done
	exit 1
}

# rows of CSV file $1 whose column $2 (verified) is 1
verified() {
	awk -F, -v c="$2" 'NR > 1 && $c == 1' "$1" | wc -l
}

# column named $2 of CSV file $1, one value a line
csv_column() {
	awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next }
		{ print $c }' "$1"
}

run() {
	rc=0
	# shellcheck disable=SC2086
	timeout 60 ${PCISIM_TEST_WRAPPER:-} "$pcisim" "$@" >out 2>err || rc=$?
}

cat >small.ini <<'INI'
; a small scenario
[machine]
mps = 256
mrrs = 512
seed = 7

[br0]
model = bridge
slot = 1

[dev]
model = refdev
parent = br0
slot = 0
gen = 3
width = 8
sram = 64K

[other]
model = edu
slot = 2

[workload]
device = dev
direction = both
sizes = 4K, 60000
count = 3
offset = 100

[output]
dir = res
INI

case $check in
run)
	run run small.ini
	[ "$rc" -eq 0 ] || fail "run exited $rc"
	[ "$(grep -c ' verified$' out)" -eq 4 ] || fail "expected 4 verified rows"
	grep -q "refdev 'dev' at 01:00.0" out || fail "the device is not behind the bridge"
	[ ! -s err ] || fail "run wrote to stderr"
	for f in res/small.csv res/small.vcd res/small.json res/small.svg; do
		[ -s "$f" ] || fail "$f missing"
	done
	[ "$(wc -l <res/small.csv)" -eq 5 ] || fail "the CSV has a header and 4 rows"
	head -1 res/small.csv | grep -q '^scenario,gen,width,mps,mrrs,' || fail "CSV header"
	grep -q '^small,3,8,256,512,1,7,low,100,write,60000,3,0,180000,' res/small.csv ||
		fail "CSV row for 60000-byte writes"
	grep -q '^\$timescale' res/small.vcd || fail "VCD header"
	grep -q '"traceEvents"' res/small.json || fail "trace file"
	head -1 res/small.svg | grep -q '^<?xml' && grep -q '</svg>' res/small.svg || fail "SVG plot"
	[ "$(grep -c '<polyline' res/small.svg)" -eq 4 ] || fail "SVG: 2 directions x (achieved, bound)"
	mkdir first
	cp res/small.csv res/small.vcd res/small.json res/small.svg first/
	run run small.ini
	for f in small.csv small.vcd small.json small.svg; do
		cmp -s "first/$f" "res/$f" || fail "$f differs between two runs"
	done
	run run small.ini --set machine.mps=128 --quiet
	[ "$rc" -eq 0 ] || fail "--set exited $rc"
	[ ! -s out ] || fail "--quiet printed"
	grep -q '^small,3,8,128,512,' res/small.csv || fail "--set machine.mps=128 not applied"
	# the same workload through the reference driver and the mock OS
	run run small.ini --set workload.driver=refdrv --quiet
	[ "$rc" -eq 0 ] || fail "driver = refdrv exited $rc"
	[ "$(verified res/small.csv 23)" -eq 4 ] || fail "driver = refdrv: 4 verified rows"
	# ... with Special Pool and Force IRQL Checking's guarded paged pool:
	# the driver's buffers on pages of their own, described, locked and
	# moved by DMA like any pool
	run run small.ini --set workload.driver=refdrv --set verifier.special_pool=end \
		--set verifier.paged_guard=yes --set verifier.flags=standard --quiet
	[ "$rc" -eq 0 ] || fail "Special Pool through the driver exited $rc"
	[ "$(verified res/small.csv 23)" -eq 4 ] || fail "Special Pool: 4 verified rows"
	run run small.ini --json --seed 9
	[ "$rc" -eq 0 ] || fail "--json exited $rc"
	[ "$(wc -l <out)" -eq 1 ] || fail "--json: one line"
	grep -q '^{"scenario":"small",.*"seed":9,.*"verified":true}\]}$' out || fail "--json object"
	;;
errors)
	run run nothing.ini
	[ "$rc" -eq 2 ] || fail "a missing file exited $rc"
	grep -q 'nothing.ini: cannot read' err || fail "missing file message"
	sed 's/^mps = 256$/mps = 300/' small.ini >bad1.ini
	run run bad1.ini
	[ "$rc" -eq 2 ] || fail "a bad value exited $rc"
	grep -q "^pcisim run: bad1.ini:3: \[machine\] mps: '300'" err || fail "bad value message"
	sed 's/^seed = 7$/sead = 7/' small.ini >bad2.ini
	run run bad2.ini
	grep -q "bad2.ini:5: \[machine\] sead: unknown key" err || fail "unknown key message"
	sed 's/^device = dev$/device = other/' small.ini >bad3.ini
	run run bad3.ini
	[ "$rc" -eq 2 ] || fail "a non-refdev workload device exited $rc"
	grep -q "\[workload\] device: 'other' is not a refdev section" err ||
		fail "workload device message"
	printf '[machine]\nthis line has no equals sign\n' >bad4.ini
	run run bad4.ini
	grep -q "bad4.ini:2: not a \[section\]" err || fail "malformed line message"
	run run small.ini --set nodot=1
	[ "$rc" -eq 2 ] || fail "a bad --set exited $rc"
	run run small.ini --set workload.driver=wdf
	[ "$rc" -eq 2 ] || fail "driver = wdf exited $rc"
	grep -q "\[workload\] driver: 'wdf': none or refdrv" err || fail "driver message"
	run run small.ini --set dev.link=gen3x3
	[ "$rc" -eq 2 ] || fail "link gen3x3 exited $rc"
	grep -q "\[dev\] link: 'gen3x3': genGxW" err || fail "bad link message"
	run run small.ini --set workload.driver=refdrv --set verifier.special_pool=middle
	[ "$rc" -eq 2 ] || fail "special_pool = middle exited $rc"
	grep -q "\[verifier\] special_pool: 'middle': off, end or start" err ||
		fail "special_pool message"
	run run small.ini --set verifier.flags=0x80
	[ "$rc" -eq 2 ] || fail "verifier flags without a driver exited $rc"
	grep -q "\[verifier\] flags: the verifier watches a driver" err || fail "verifier message"
	run sweep small.ini --vary workload.sizes=4K,8K
	[ "$rc" -eq 2 ] || fail "varying sizes exited $rc"
	run sweep small.ini --vary machine.mps=256,999
	[ "$rc" -eq 2 ] || fail "a bad --vary value exited $rc"
	grep -q "machine.mps" err || fail "bad --vary message"
	run run --help
	[ "$rc" -eq 0 ] && grep -q '^usage: pcisim run' out || fail "run --help"
	run sweep --help
	[ "$rc" -eq 0 ] && grep -q '^usage: pcisim sweep' out || fail "sweep --help"
	;;
sweep)
	run sweep small.ini --vary machine.mps=128,256 --vary dev.width=4,8 --out all.csv
	[ "$rc" -eq 0 ] || fail "sweep exited $rc"
	[ "$(wc -l <all.csv)" -eq 17 ] || fail "4 points x 4 rows + header"
	head -1 all.csv | grep -q '^machine.mps,dev.width,scenario,' || fail "sweep header"
	[ "$(grep -c '^128,4,small,3,4,128,' all.csv)" -eq 4 ] || fail "point 128/x4"
	[ "$(grep -c '^256,8,small,3,8,256,' all.csv)" -eq 4 ] || fail "point 256/x8"
	run sweep small.ini --vary machine.mps=128,256 --vary dev.width=4,8 --shard 1/3 --out p1
	run sweep small.ini --vary machine.mps=128,256 --vary dev.width=4,8 --shard 2/3 --out p2
	run sweep small.ini --vary machine.mps=128,256 --vary dev.width=4,8 --shard 3/3 --out p3
	cat p1 p2 p3 >joined.csv
	cmp -s all.csv joined.csv || fail "the shards do not concatenate to the whole"
	# behind a root port the link trains to what both its ends support
	run sweep small.ini --vary br0.link=gen4x4 --vary dev.link=gen3x8,gen4x4 --out links.csv
	[ "$(grep -c '^gen4x4,gen3x8,small,3,4,' links.csv)" -eq 4 ] || fail "Gen3 x8 device rows"
	[ "$(grep -c '^gen4x4,gen4x4,small,4,4,' links.csv)" -eq 4 ] || fail "Gen4 x4 device rows"
	run sweep small.ini --vary machine.mps=128,256 --json
	[ "$(wc -l <out)" -eq 2 ] || fail "sweep --json: a line per point"
	;;
demo)
	# the main job: the reference driver on the reference device
	run demo --out d1
	[ "$rc" -eq 0 ] || fail "demo exited $rc"
	grep -q '^interrupt: a message per cause, 8 message(s)' out || fail "interrupt mode"
	grep -q 'CHECKSUM "123456789" -> 0xCBF43926' out || fail "CHECKSUM"
	[ "$(grep -c ' verified$' out)" -eq 10 ] || fail "10 verified sweep rows"
	grep -q '^verifier: no violation' out || fail "verifier verdict"
	grep -q '^  interrupt to DPC ' out || fail "latency lines"
	for f in demo.csv demo.svg demo.vcd demo.json; do
		[ -s "d1/$f" ] || fail "d1/$f missing"
	done
	run demo --out d2 --quiet
	[ "$rc" -eq 0 ] || fail "demo --quiet exited $rc"
	for f in demo.csv demo.svg demo.vcd demo.json; do
		cmp -s "d1/$f" "d2/$f" || fail "$f differs between two runs"
	done
	run demo --out d3 --json --count 2
	[ "$rc" -eq 0 ] || fail "demo --json exited $rc"
	[ "$(wc -l <out)" -eq 1 ] || fail "demo --json: one line"
	[ "$(grep -o '"verified":true' out | wc -l)" -eq 10 ] || fail "demo --json: 10 verified rows"
	run demo --count 0
	[ "$rc" -eq 2 ] || fail "demo --count 0 exited $rc"
	;;
latency)
	# moderation off: an interrupt per request
	run run "$latency_ini" --set output.dir=lat --quiet
	[ "$rc" -eq 0 ] || fail "latency.ini exited $rc"
	[ "$(wc -l <lat/latency.csv)" -eq 5 ] || fail "latency: a header and 4 rows"
	[ "$(verified lat/latency.csv 23)" -eq 4 ] || fail "latency: 4 verified rows"
	for c in lat_p50_us lat_p99_us queue moderation_us interrupts irq_per_request \
		irq_per_sec isrs dpcs; do
		head -1 lat/latency.csv | tr , '\n' | grep -qx "$c" || fail "latency: no column $c"
	done
	[ "$(csv_column lat/latency.csv irq_per_request | sort -u)" = 1.0000 ] ||
		fail "moderation off: 1 interrupt per request"
	[ "$(csv_column lat/latency.csv queue | sort -u)" = 8 ] || fail "queue 8"
	# on: fewer interrupts than requests, every byte still verified
	run run "$latency_ini" --set output.dir=lat20 --set refdev0.moderation_us=20 --quiet
	[ "$rc" -eq 0 ] || fail "moderation 20 exited $rc"
	[ "$(verified lat20/latency.csv 23)" -eq 4 ] || fail "moderation 20: 4 verified rows"
	csv_column lat20/latency.csv irq_per_request | awk '$1 >= 1 { bad = 1 } END { exit bad }' ||
		fail "moderation 20: an interrupt or more per request"
	[ "$(csv_column lat20/latency.csv moderation_us | sort -u)" = 20 ] || fail "moderation_us 20"
	# a trace track per outstanding request; the same files twice
	run run "$latency_ini" --set output.dir=tr1 --set refdev0.moderation_us=10 \
		--set output.trace=yes --set output.vcd=yes --set workload.count=16 --quiet
	[ "$rc" -eq 0 ] || fail "latency with a trace exited $rc"
	grep -q '"request slot 7"' tr1/latency.json || fail "no track per request slot"
	run run "$latency_ini" --set output.dir=tr2 --set refdev0.moderation_us=10 \
		--set output.trace=yes --set output.vcd=yes --set workload.count=16 --quiet
	for f in latency.csv latency.json latency.vcd; do
		cmp -s "tr1/$f" "tr2/$f" || fail "$f differs between two runs"
	done
	# the study's sweep, twice: the same bytes
	run sweep "$latency_ini" --vary refdev0.moderation_us=0,5,20 --vary workload.queue=1,8 \
		--out s1.csv
	[ "$rc" -eq 0 ] || fail "latency sweep exited $rc"
	[ "$(wc -l <s1.csv)" -eq 25 ] || fail "6 points x 4 rows + header"
	head -1 s1.csv | grep -q '^refdev0.moderation_us,workload.queue,scenario,' ||
		fail "latency sweep header"
	[ "$(verified s1.csv 25)" -eq 24 ] || fail "latency sweep: 24 verified rows"
	run sweep "$latency_ini" --vary refdev0.moderation_us=0,5,20 --vary workload.queue=1,8 \
		--out s2.csv
	cmp -s s1.csv s2.csv || fail "the latency sweep differs between two runs"
	# what is refused, with the key named
	run run "$latency_ini" --set workload.driver=none
	[ "$rc" -eq 2 ] || fail "queue 8 on bare metal exited $rc"
	grep -q "\[workload\] queue: the bare-metal harness" err || fail "bare-metal queue message"
	run run "$latency_ini" --set workload.driver=none --set workload.queue=1 \
		--set refdev0.moderation_us=5
	[ "$rc" -eq 2 ] || fail "moderation on bare metal exited $rc"
	grep -q "\[refdev0\] moderation_us: a policy of the reference driver" err ||
		fail "bare-metal moderation message"
	run run "$latency_ini" --set refdev0.moderation_us=101
	[ "$rc" -eq 2 ] || fail "moderation 101 exited $rc"
	grep -q "\[refdev0\] moderation_us: '101': 0..100" err || fail "moderation range message"
	run run "$latency_ini" --set workload.queue=0
	[ "$rc" -eq 2 ] || fail "queue 0 exited $rc"
	;;
*)
	echo "unknown check $check" >&2
	exit 2
	;;
esac
