#!/bin/sh
# tests/cli/check-cli.sh - checks of the `pcisim` command's dispatcher that
# need its output or exact exit code, which meson's test() cannot express.
# Usage: check-cli.sh CHECK PCISIM VERSION, CHECK one of version, help,
# unknown. `timeout` keeps a hung command from stalling a bare run of this
# script; under `meson test` the test's own timeout applies as well.
set -eu

check=$1
pcisim=$2
version=$3
out=${TMPDIR:-/tmp}/pcisim-cli-$check.$$
trap 'rm -f "$out" "$out.err"' EXIT

fail() {
	echo "FAIL: $*" >&2
	echo "--- stdout:" >&2
	cat "$out" >&2
	echo "--- stderr:" >&2
	cat "$out.err" >&2
	exit 1
}

# Runs pcisim with the given arguments; sets $rc, output in $out, $out.err.
# PCISIM_TEST_WRAPPER (from the valgrind test setup) is a command line, hence
# split into words.
run() {
	rc=0
	# shellcheck disable=SC2086
	timeout 20 ${PCISIM_TEST_WRAPPER:-} "$pcisim" "$@" \
		>"$out" 2>"$out.err" || rc=$?
}

case $check in
version)
	run --version
	[ "$rc" -eq 0 ] || fail "--version exited $rc"
	[ "$(cat "$out")" = "pcisim $version" ] ||
		fail "--version printed something other than 'pcisim $version'"
	;;
help)
	for arg in --help -h help; do
		run "$arg"
		[ "$rc" -eq 0 ] || fail "$arg exited $rc"
		grep -q '^  demo ' "$out" || fail "$arg does not list demo"
		[ ! -s "$out.err" ] || fail "$arg wrote to stderr"
	done
	;;
link)
	# The CSV form is a contract for scripts: the header, one row per size,
	# the configuration echoed in each row, Gb/s with three decimals.
	run link --csv --gen 3 --width 8 --mps 256 --mrrs 512 --size 64,4096
	[ "$rc" -eq 0 ] || fail "link --csv exited $rc"
	[ "$(sed -n 1p "$out")" = "gen,width,mps,mrrs,size,write_gbps,read_gbps" ] ||
		fail "link --csv: wrong header"
	[ "$(wc -l <"$out")" -eq 3 ] || fail "link --csv: expected 2 rows"
	grep -Eq '^3,8,256,512,64,[0-9]+\.[0-9]{3},[0-9]+\.[0-9]{3}$' "$out" ||
		fail "link --csv: bad row for 64 bytes"
	grep -Eq '^3,8,256,512,4096,[0-9]+\.[0-9]{3},[0-9]+\.[0-9]{3}$' "$out" ||
		fail "link --csv: bad row for 4096 bytes"
	for bad in "--size" "--gen 9 --size 64" "--width 3 --size 64" "--size 64,,128" "--profile nope --size 64"; do
		# shellcheck disable=SC2086
		run link $bad
		[ "$rc" -eq 2 ] || fail "link $bad: exited $rc, expected 2"
	done
	run link --help
	[ "$rc" -eq 0 ] || fail "link --help exited $rc"
	;;
unknown)
	for arg in no-such-command --no-such-option; do
		run "$arg"
		[ "$rc" -eq 2 ] || fail "'$arg' exited $rc, expected 2"
		grep -qF -- "$arg" "$out.err" || fail "'$arg': stderr does not name it"
		grep -q '^usage:' "$out.err" || fail "'$arg': no usage on stderr"
	done
	run
	[ "$rc" -eq 2 ] || fail "no command: exited $rc, expected 2"
	run help no-such-command
	[ "$rc" -eq 2 ] || fail "help no-such-command: exited $rc, expected 2"
	;;
*)
	echo "usage: $0 version|help|unknown PCISIM VERSION" >&2
	exit 2
	;;
esac
