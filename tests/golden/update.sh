#!/bin/sh
# tests/golden/update.sh — regenerate every golden file from the current
# ebmc (`make golden-update`). Review the diff before committing it.
EBMC=${EBMC:-./ebmc}
for exp in tests/golden/*.err; do
    [ -f "$exp" ] || continue
    "$EBMC" check "${exp%.err}.ebm" >/dev/null 2>"$exp"
done
for exp in tests/golden/*.explain; do
    [ -f "$exp" ] || continue
    "$EBMC" explain "${exp%.explain}.ebm" >"$exp" 2>&1
done
for exp in tests/golden/*.yaml; do
    [ -f "$exp" ] || continue
    "$EBMC" explain --format yaml "${exp%.yaml}.ebm" >"$exp" 2>&1
done
mkdir -p tests/golden/specs
for spec in specs/*.ebm; do
    s=$(basename "$spec" .ebm)
    "$EBMC" explain "$spec" >"tests/golden/specs/$s.explain" 2>&1
    "$EBMC" explain --format yaml "$spec" >"tests/golden/specs/$s.yaml" 2>&1
done
echo "golden files regenerated; review with git diff"
