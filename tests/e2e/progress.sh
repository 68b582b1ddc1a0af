# progress.sh — what training shows while it runs, on a terminal (script(1)
# gives a pty): on bars-and-stripes, where an epoch is a single batch, the
# bar fills over the run's epochs and advances; no time left is shown until
# a few batches were timed; the plain epoch lines say their unit (s/epoch).
. tests/e2e/lib.sh
if ! command -v script >/dev/null 2>&1; then
    skip "the progress bar on a terminal" "no script(1) (Debian: bsdutils)"
    exit 0
fi
script -qec "$EBMC train specs/rbm_bas.ebm --out $T/p.st --set epochs=20000 --set 'monitor=recon_error every 5000'" \
    /dev/null </dev/null >"$T/tty.out" 2>&1
tr '\r' '\n' <"$T/tty.out" | sed 's/\x1b\[K//g' | grep -v '^$' >"$T/lines"
grep '^epoch *[0-9]*/20000 \[' "$T/lines" >"$T/bars"
n=$(sed 's|^epoch *\([0-9]*\)/.*|\1|' "$T/bars" | sort -un | wc -l)
if [ "$n" -ge 3 ] && grep -q '^epoch *[0-9]*/20000 \[#*\.*\]  [0-9.]* epoch/s' "$T/bars"; then
    ok "one batch per epoch: the bar advances over the run ($n draws at different epochs)"
else notok "one batch per epoch: the bar advances over the run" "$n draws" "$(head -5 "$T/lines")"; fi
if ! head -1 "$T/bars" | grep -q ETA && grep -q 'ETA [0-9]*:[0-9][0-9]' "$T/bars"; then
    ok "the time left appears only after a few timed batches"
else notok "the time left appears only after a few timed batches" "$(head -3 "$T/bars")"; fi
if grep -q '^epoch 5000/20000  recon [0-9.]*  [0-9.]* s/epoch$' "$T/lines"; then ok "epoch lines: the seconds per epoch, labelled"
else notok "epoch lines: the seconds per epoch, labelled" "$(grep '^epoch 5000' "$T/lines")"; fi
"$EBMC" train specs/rbm_bas.ebm --out "$T/p.st" --set epochs=30 --set 'monitor=recon_error every 10' >"$T/pipe.out" 2>&1
if ! grep -q 'epoch/s\|\[#' "$T/pipe.out" && [ "$(grep -c 's/epoch$' "$T/pipe.out")" = 3 ]; then ok "not a terminal: no bar, only the epoch lines"
else notok "not a terminal: no bar" "$(head -3 "$T/pipe.out")"; fi
