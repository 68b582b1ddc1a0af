#!/bin/sh
# Slow feature analysis of two time series stored one frame per row:
# mixture.csv (a sine of period 200 frames mixed with four white-noise
# channels; linear SFA, the spec is specs/sfa.ebm) and wiskott.csv
# (x1 = sin(t) + cos(11t)^2, x2 = cos(11t): the slow signal needs the
# quadratic expansion, quadratic.ebm). Prints each feature's slowness (the
# mean squared temporal difference at unit variance): compare expected.txt
# (the times at the ends of the lines aside).
set -e
cd "$(dirname "$0")/../.."
EBMC=${EBMC:-./ebmc}
"$EBMC" train specs/sfa.ebm --out "${TMPDIR:-/tmp}/sfa.safetensors" | grep -v "^parameters"
"$EBMC" train examples/sfa/quadratic.ebm --out "${TMPDIR:-/tmp}/qsfa.safetensors" | grep -v "^parameters"
