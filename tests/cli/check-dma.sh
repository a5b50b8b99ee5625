#!/bin/sh
# tests/cli/check-dma.sh - checks of `pcisim dma`, the DMA engine sweep,
# that need its output or exact exit code (check-cli.sh style).
# Usage: check-dma.sh CHECK PCISIM, CHECK one of csv, table, bad.
set -eu

check=$1
pcisim=$2
out=${TMPDIR:-/tmp}/pcisim-dma-$check.$$
trap 'rm -f "$out" "$out.err"' EXIT

fail() {
	echo "FAIL: $*" >&2
	echo "--- stdout:" >&2
	cat "$out" >&2
	echo "--- stderr:" >&2
	cat "$out.err" >&2
	exit 1
}

run() {
	rc=0
	# shellcheck disable=SC2086
	timeout 60 ${PCISIM_TEST_WRAPPER:-} "$pcisim" "$@" \
		>"$out" 2>"$out.err" || rc=$?
}

case $check in
csv)
	# The CSV contract: header, one row per size, the configuration echoed,
	# Gb/s with three decimals, achieved never above the bound and close
	# to it for large transfers.
	run dma --csv --gen 3 --width 8 --mps 256 --mrrs 512 --tags 32 --dir read --size 64,1048576
	[ "$rc" -eq 0 ] || fail "dma --csv exited $rc"
	[ "$(sed -n 1p "$out")" = "gen,width,mps,mrrs,tags,dir,size,achieved_gbps,bound_gbps" ] ||
		fail "dma --csv: wrong header"
	[ "$(wc -l <"$out")" -eq 3 ] || fail "dma --csv: expected 2 rows"
	grep -Eq '^3,8,256,512,32,read,64,[0-9]+\.[0-9]{3},[0-9]+\.[0-9]{3}$' "$out" ||
		fail "dma --csv: bad row for 64 bytes"
	grep -Eq '^3,8,256,512,32,read,1048576,[0-9]+\.[0-9]{3},[0-9]+\.[0-9]{3}$' "$out" ||
		fail "dma --csv: bad row for 1 MiB"
	awk -F, 'NR > 1 && ($8 > $9 + 0.001) { exit 1 }' "$out" ||
		fail "dma --csv: achieved above the bound"
	awk -F, 'NR > 1 && $7 == 1048576 && $8 < 0.95 * $9 { exit 1 }' "$out" ||
		fail "dma --csv: 1 MiB reads far from the bound"
	;;
table)
	run dma --dir write --gen 4 --width 4 --size 4096
	[ "$rc" -eq 0 ] || fail "dma exited $rc"
	grep -q '^PCIe Gen4 x4' "$out" || fail "dma: no header line"
	grep -Eq '^ +4096 +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3} +[0-9]\.[0-9]{3}$' "$out" ||
		fail "dma: bad row"
	run help dma
	[ "$rc" -eq 0 ] || fail "help dma exited $rc"
	grep -q -- '--tags' "$out" || fail "help dma does not describe --tags"
	;;
bad)
	run dma --dir sideways
	[ "$rc" -eq 2 ] || fail "dma --dir sideways exited $rc, not 2"
	run dma --mps 100
	[ "$rc" -eq 2 ] || fail "dma --mps 100 exited $rc, not 2"
	run dma --size 0
	[ "$rc" -eq 2 ] || fail "dma --size 0 exited $rc, not 2"
	;;
*)
	echo "unknown check $check" >&2
	exit 2
	;;
esac
