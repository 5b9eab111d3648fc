#!/bin/bash
# Run cmocka test binaries with TAP output, pass TAP through, and print the
# totals on the last line: "unit: N passed, N failed".
set -u
pass=0
fail=0
for t in "$@"; do
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	printf '# %s\n%s\n' "$(basename "$t")" "$out"
	p=$(grep -cE '^ok ' <<<"$out")
	f=$(grep -cE '^not ok ' <<<"$out")
	# A binary that crashed or failed without printing a failing line still
	# counts as one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
