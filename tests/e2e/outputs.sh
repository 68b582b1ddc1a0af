# outputs.sh — no output replaces an input, another output or a non-file;
# links are written through; modes kept; leftovers of killed writers
# removed; long names fit; a flag is not taken as a file name; SIGTERM and
# SIGHUP checkpoint like Ctrl-C; a --log on a full disk (a model's or a
# stack's) fails and keeps the old log (issue 17, item 1 and 5).
. tests/e2e/lib.sh
cp specs/rbm_bas.ebm "$T/m.ebm"
cp "$T/m.ebm" "$T/m.keep"
printf 'model m {\n  visible v[4] : bernoulli\n  hidden h[2] : bernoulli\n  param W[4, 2]\n  energy = - sum(i, j) v[i]*W[i, j]*h[j]\n}\ntrain m { data = csv("%s/d.csv")  epochs = 1  batch = 2 }\n' "$T" >"$T/d.ebm"
printf 'a,b,c,d\n1,0,1,0\n0,1,0,1\n' >"$T/d.csv"
cp "$T/d.csv" "$T/d.keep"
tr1() { "$EBMC" train "$T/m.ebm" --set epochs=1 --quiet "$@"; }

# refuse_same NAME PATTERN FILE KEEP CMD...: exit 1, the message, FILE unchanged
refuse_same() {
    name=$1 pattern=$2 file=$3 keep=$4
    shift 4
    expect_fail "$name" "$pattern" "$@"
    cmp -s "$file" "$keep" && ok "$name: the file is untouched" || notok "$name: the file is untouched"
}
refuse_same "--out naming the spec" "refusing to write --out '.*m.ebm': it is the spec" "$T/m.ebm" "$T/m.keep" tr1 --out "$T/m.ebm"
refuse_same "--log naming the spec" "refusing to write --log .*the spec" "$T/m.ebm" "$T/m.keep" tr1 --out "$T/p.st" --log "$T/m.ebm"
refuse_same "--out naming the spec through another path" "same file as the spec" "$T/m.ebm" "$T/m.keep" tr1 --out "$T/../$(basename "$T")/m.ebm"
refuse_same "--out naming the training data" "refusing to write --out .*d.csv" "$T/d.csv" "$T/d.keep" \
    "$EBMC" train "$T/d.ebm" --out "$T/d.csv" --quiet
ln "$T/d.csv" "$T/hard.csv"
refuse_same "--out naming a hard link of the data" "same file as" "$T/d.csv" "$T/d.keep" \
    "$EBMC" train "$T/d.ebm" --out "$T/hard.csv" --quiet
expect_fail "--log and --out naming one file" "refusing to write --log .*--out .* is the same file" tr1 --out "$T/p.st" --log "$T/p.st"
[ ! -e "$T/p.st" ] && ok "nothing written after a refusal" || notok "nothing written after a refusal"
expect_fail "--report naming the spec" "refusing to write --report" tr1 --out "$T/p.st" --report "$T/m.ebm"

tr1 --out "$T/p.st" || notok "a checkpoint to sample from"
cp "$T/p.st" "$T/p.keep"
cp "$T/p.st" "$T/p.npy"
refuse_same "sample --out naming --params" "refusing to write --out .*: it is --params" "$T/p.npy" "$T/p.keep" \
    "$EBMC" sample "$T/m.ebm" --params "$T/p.npy" --out "$T/p.npy"
ln -s p.st "$T/p.csv"
refuse_same "sample --out naming a link to --params" "same file as --params" "$T/p.st" "$T/p.keep" \
    "$EBMC" sample "$T/m.ebm" --params "$T/p.st" --out "$T/p.csv"
cp "$T/d.csv" "$T/c.csv"
expect_fail "sample --out naming the --clamp file" "refusing to write --out .*--clamp" \
    "$EBMC" sample "$T/d.ebm" --params "$T/p.st" --clamp "v=$T/c.csv" --out "$T/c.csv"
cmp -s "$T/c.csv" "$T/d.keep" && ok "the clamp file is untouched" || notok "the clamp file is untouched"
refuse_same "build -o naming the spec" "refusing to write -o .*the spec" "$T/m.ebm" "$T/m.keep" "$EBMC" build "$T/m.ebm" -o "$T/m.ebm"
refuse_same "build --emit-llvm naming the spec" "refusing to write --emit-llvm" "$T/m.ebm" "$T/m.keep" \
    "$EBMC" build "$T/m.ebm" -o "$T/bin" --emit-llvm "$T/m.ebm"
refuse_same "build --emit-header naming the spec" "refusing to write --emit-header" "$T/m.ebm" "$T/m.keep" \
    "$EBMC" build "$T/m.ebm" -c -o "$T/m.o" --emit-header "$T/m.ebm"
expect_fail "eval --html naming --params" "refusing to write --html" "$EBMC" eval "$T/m.ebm" --params "$T/p.st" --html "$T/p.st"

# not regular files
expect_fail "--out a directory" "refusing to write --out .*: it is a directory" tr1 --out "$T"
mkfifo "$T/fifo"
expect_fail "--out a FIFO" "it is a FIFO" tr1 --out "$T/fifo"
[ -p "$T/fifo" ] && ok "the FIFO is still a FIFO" || notok "the FIFO is still a FIFO"
expect_fail "--log a character device" "refusing to write --log '/dev/null': it is a character device" tr1 --out "$T/p2.st" --log /dev/null
expect_fail "a FIFO as the spec" "cannot read '.*fifo': it is a FIFO" "$EBMC" check "$T/fifo"
expect_fail "/dev/zero as the spec" "cannot read '/dev/zero': it is a character device" "$EBMC" check /dev/zero
printf 'model m {\n  visible v[4] : bernoulli\n  hidden h[2] : bernoulli\n  param W[4, 2]\n  energy = - sum(i, j) v[i]*W[i, j]*h[j]\n}\ntrain m { data = csv("/dev/zero")  epochs = 1 }\n' >"$T/z.ebm"
expect_fail "/dev/zero as CSV data" "cannot read '/dev/zero': it is a character device" "$EBMC" train "$T/z.ebm" --out "$T/z.st"
head -c 70000000 /dev/zero | tr '\0' ' ' >"$T/huge.ebm"
expect_fail "a spec past the 64 MiB cap" "more than the 67108864" "$EBMC" check "$T/huge.ebm"
rm -f "$T/huge.ebm"

# a link is written through, its target's mode kept
cp "$T/p.st" "$T/real.st"
chmod 600 "$T/real.st"
ln -s real.st "$T/link.st"
tr1 --out "$T/link.st" --seed 7
[ -L "$T/link.st" ] && ok "a symbolic link stays a link" || notok "a symbolic link stays a link"
cmp -s "$T/real.st" "$T/p.keep" && notok "the link's target was rewritten" || ok "the link's target was rewritten"
[ "$(stat -c %a "$T/real.st")" = 600 ] && ok "the target keeps mode 600" || notok "the target keeps mode 600" "mode $(stat -c %a "$T/real.st")"

# leftovers of a killed writer (a PID that no longer exists) go; a live one's stay
sh -c 'exit 0' &
dead=$!
wait $dead
h=$(printf '%s' "q.st" | python3 -c 'import sys
h=1469598103934665603
for c in sys.stdin.buffer.read(): h=((h^c)*1099511628211)&0xffffffffffffffff
print("%016x"%h)')
touch "$T/.q.st.$h.$dead.0.ebmc-tmp" "$T/.q.st.$h.$$.0.ebmc-tmp"
tr1 --out "$T/q.st"
[ ! -e "$T/.q.st.$h.$dead.0.ebmc-tmp" ] && ok "a killed writer's temp file is removed" || notok "a killed writer's temp file is removed"
[ -e "$T/.q.st.$h.$$.0.ebmc-tmp" ] && ok "a live writer's temp file is kept" || notok "a live writer's temp file is kept"

# a 253-character name: the temp file's name must fit too
long=$(printf 'x%.0s' $(seq 1 241)).safetensors
tr1 --out "$T/$long" && [ -s "$T/$long" ] && ok "a 253-character output name" || notok "a 253-character output name"

# a value that is a flag
expect_fail "--out --quiet" "flag '--out' needs a value; '--quiet' is a flag" "$EBMC" train "$T/m.ebm" --out --quiet
[ ! -e ./--quiet ] && [ ! -e "$T/--quiet" ] && ok "no file named --quiet" || notok "no file named --quiet"

# SIGTERM and SIGHUP checkpoint like SIGINT
for sig in TERM HUP; do
    # the last run's log too: its epoch lines would pass the wait below
    # before the new run's shell had truncated it, and the signal would
    # kill that shell (exit 129 with no checkpoint and the old log's lines)
    rm -f "$T/s.st" "$T/s.log"
    "$EBMC" train specs/rbm_bas.ebm --out "$T/s.st" --set epochs=100000 >"$T/s.log" 2>&1 &
    pid=$!
    # once training runs (its first progress line; up to a minute on a loaded machine)
    for i in $(seq 1 600); do grep -q '^epoch' "$T/s.log" && break; sleep 0.1; done
    kill -$sig $pid
    wait $pid
    rc=$?
    [ $sig = TERM ] && want=143 || want=129
    if [ $rc = $want ] && grep -q "interrupted: the training state is in" "$T/s.log" && [ -s "$T/s.st" ]; then
        ok "SIG$sig: a checkpoint, then exit $want"
    else notok "SIG$sig: a checkpoint, then exit $want" "exit $rc: $(tail -2 "$T/s.log")" "$(ls -la "$T" | grep 's\.st')"; fi
done

# --log on a full disk: an error exit, the previous log intact
tr1 --out "$T/l.st" --log "$T/l.yaml"
cp "$T/l.yaml" "$T/l.keep"
if [ -w /dev/full ]; then
    ln -sf /dev/full "$T/full.yaml"
    expect_fail "--log to /dev/full" "it is a character device" tr1 --out "$T/l2.st" --log "$T/full.yaml"
fi
( ulimit -f 2; "$EBMC" train specs/rbm_bas.ebm --set epochs=300 --quiet --out "$T/l3.st" --log "$T/l.yaml" ) >/dev/null 2>"$T/err"
rc=$?
[ $rc = 1 ] && grep -q -- "--log: cannot write" "$T/err" && ok "--log on a full disk: error, exit 1" ||
    notok "--log on a full disk: error, exit 1" "exit $rc: $(cat "$T/err")"
cmp -s "$T/l.yaml" "$T/l.keep" && ok "--log on a full disk: the previous log is intact" || notok "--log on a full disk: the previous log is intact"

# a stack's --log the same way (it was opened with fopen "w": cut at the
# start, then exit 0 with half a log)
tiny_stack "$T/st.ebm" 200
"$EBMC" train "$T/st.ebm" --quiet --out "$T/st1.st" --log "$T/st.yaml" >/dev/null 2>&1
cp "$T/st.yaml" "$T/st.keep"
( ulimit -f 8; "$EBMC" train "$T/st.ebm" --quiet --out "$T/st2.st" --log "$T/st.yaml" ) >/dev/null 2>"$T/err"
rc=$?
[ $rc = 1 ] && grep -q -- "--log: cannot write" "$T/err" && ok "a stack's --log on a full disk: error, exit 1" ||
    notok "a stack's --log on a full disk: error, exit 1" "exit $rc: $(cat "$T/err")"
grep -q '^stages:' "$T/st.keep" && cmp -s "$T/st.yaml" "$T/st.keep" && ok "a stack's --log on a full disk: the previous log is intact" ||
    notok "a stack's --log on a full disk: the previous log is intact"
