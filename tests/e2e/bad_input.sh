# bad_input.sh — bad data, checkpoints and flags: a clear message naming the
# problem, exit status 1, never a crash or a partly written file.
. tests/e2e/lib.sh
spec="$T/m.ebm"
cat >"$spec" <<'SPEC'
model m {
  visible v[4] : bernoulli
  hidden  h[3] : bernoulli
  param W[4, 3] init normal(0, 0.1)
  param b[4]
  energy = - sum(i) b[i]*v[i] - sum(i, j) v[i]*W[i, j]*h[j]
}
train m { data = csv("DATA") epochs = 2 batch = 2 }
SPEC
with_data() { sed "s|DATA|$1|" "$spec" >"$T/d.ebm"; }

printf '0,1,0,1\n1,1,0\n' >"$T/ragged.csv"
with_data "$T/ragged.csv"
expect_fail "CSV with a ragged row" "ragged.csv:2: expected 4 values, found 3" "$EBMC" train "$T/d.ebm" --out "$T/p.st"

printf 'a,b,c,d\n0,1,x,1\n' >"$T/badnum.csv"
with_data "$T/badnum.csv"
expect_fail "CSV with a bad number" "badnum.csv:2:5: not a number" "$EBMC" train "$T/d.ebm" --out "$T/p.st"

printf '0,1\n1,0\n' >"$T/narrow.csv"
with_data "$T/narrow.csv"
expect_fail "data narrower than the visible units" "2 values per example but model 'm' has 4 visible units" "$EBMC" train "$T/d.ebm" --out "$T/p.st"

with_data "$T/missing.csv"
expect_fail "missing data file" "cannot read '.*missing.csv': No such file" "$EBMC" train "$T/d.ebm" --out "$T/p.st"

sed 's|csv("DATA")|idx("DATA")|' "$spec" >"$T/i.ebm"
printf '\000\000\010\002\000\000\000\012\000\000\000\004\001\002' >"$T/trunc.idx"
sed "s|DATA|$T/trunc.idx|" "$T/i.ebm" >"$T/d.ebm"
expect_fail "truncated IDX" "truncated IDX file: expected 40 data bytes, got 2" "$EBMC" train "$T/d.ebm" --out "$T/p.st"
printf 'GIF89a not an idx file at all' >"$T/magic.idx"
sed "s|DATA|$T/magic.idx|" "$T/i.ebm" >"$T/d.ebm"
expect_fail "IDX with a wrong magic number" "not an IDX file (bad magic number" "$EBMC" train "$T/d.ebm" --out "$T/p.st"
gzip -c "$T/trunc.idx" >"$T/trunc.idx.gz"
sed "s|DATA|$T/trunc.idx.gz|" "$T/i.ebm" >"$T/d.ebm"
expect_fail "truncated gzipped IDX" "truncated IDX file" "$EBMC" train "$T/d.ebm" --out "$T/p.st"
[ ! -e "$T/p.st" ] && ok "no checkpoint written after failures" || notok "no checkpoint after failures"

# a good run, then checkpoints that do not fit
printf '0,1,0,1\n1,1,0,0\n0,0,1,1\n' >"$T/good.csv"
with_data "$T/good.csv"
"$EBMC" train "$T/d.ebm" --out "$T/good.st" --quiet && ok "train a tiny model" || notok "train a tiny model"
sed 's/W\[4, 3\]/W[4, 5]/; s/h\[3\]/h[5]/' "$T/d.ebm" >"$T/wide.ebm"
expect_fail "checkpoint with the wrong shape" "parameter 'W' has shape \[4, 3\] but the spec declares \[4, 5\]" \
    "$EBMC" sample "$T/wide.ebm" --params "$T/good.st" --out "$T/x.csv"
head -c 100 "$T/good.st" >"$T/cut.st"
expect_fail "truncated checkpoint" "cut.st" "$EBMC" sample "$T/d.ebm" --params "$T/cut.st" --out "$T/x.csv"
printf 'not a checkpoint' >"$T/junk.st"
expect_fail "junk checkpoint" "not a safetensors file" "$EBMC" sample "$T/d.ebm" --params "$T/junk.st" --out "$T/x.csv"
[ ! -e "$T/x.csv" ] && ok "no samples written after failures" || notok "no samples after failures"

# writing into a directory that does not exist fails cleanly and leaves nothing
expect_fail "unwritable output" "cannot write" "$EBMC" train "$T/d.ebm" --out "$T/nodir/p.st" --quiet

# flags and commands
expect_fail "misspelt command" "did you mean 'ebmc train'" "$EBMC" trian "$T/d.ebm"
expect_fail "misspelt flag" "did you mean '--params'" "$EBMC" sample "$T/d.ebm" --param "$T/good.st"
expect_fail "bad number flag" "--chains expects an integer" "$EBMC" sample "$T/d.ebm" --params "$T/good.st" --chains many --out "$T/x.csv"
expect_fail "bad output type" "--out must end in .png, .csv or .npy" "$EBMC" sample "$T/d.ebm" --params "$T/good.st" --out "$T/x.txt"
sed 's/v\[4\]/v[5]/; s/W\[4, 3\]/W[5, 3]/; s/b\[4\]/b[5]/' "$T/d.ebm" >"$T/five.ebm"
expect_fail "PNG of non-image visibles" "image-shaped" "$EBMC" sample "$T/five.ebm" --params "$T/good.st" --out "$T/x.png"
expect_fail "bad --set" "unknown train setting 'epoch'" "$EBMC" train "$T/d.ebm" --set epoch=3
expect_fail "missing spec" "cannot read '.*nope.ebm'" "$EBMC" check "$T/nope.ebm"

# --resume of a stack (and its sample): a checkpoint of a single model or
# of another stack is refused before any training (it was half loaded: tensors whose names did
# not match were skipped, and training started over at stage 1)
tiny_stack "$T/st.ebm" 2
sed 's/stack s {/stack t {/; s/train s {/train t {/' "$T/st.ebm" >"$T/st2.ebm"
"$EBMC" train "$T/st2.ebm" --quiet --out "$T/t.st" >/dev/null 2>&1
expect_fail "a stack resumed from a single model's checkpoint" "good.st is not a stack's checkpoint" \
    "$EBMC" train "$T/st.ebm" --quiet --out "$T/s.st" --resume "$T/good.st"
expect_fail "a stack resumed from another stack's checkpoint" "t.st is a checkpoint of stack 't', not of 's'" \
    "$EBMC" train "$T/st.ebm" --quiet --out "$T/s.st" --resume "$T/t.st"
expect_fail "a stack sampled from a single model's checkpoint" "good.st is not a stack's checkpoint" \
    "$EBMC" sample "$T/st.ebm" --params "$T/good.st" --out "$T/s.png"
[ ! -e "$T/s.st" ] && [ ! -e "$T/s.png" ] && ok "nothing written after a refused resume" || notok "nothing written after a refused resume"
