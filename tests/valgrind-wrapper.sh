#!/bin/sh
# tests/valgrind-wrapper.sh - the exe_wrapper of `meson test --setup valgrind`.
# A compiled test runs under valgrind. A script test (sh, python) runs
# natively, because the interpreter's own leaks are not ours; it gets the
# valgrind command in PCISIM_TEST_WRAPPER and puts it in front of the
# programs of ours that it starts (see tests/cli/check-cli.sh).
set -eu

vg="valgrind --error-exitcode=1 --leak-check=full --track-origins=yes --num-callers=30 --quiet"

case ${1##*/} in
sh | dash | bash | python3*)
	PCISIM_TEST_WRAPPER=$vg
	export PCISIM_TEST_WRAPPER
	exec "$@"
	;;
esac
# Word splitting of $vg is wanted: it is a command and its options.
# shellcheck disable=SC2086
exec $vg "$@"
