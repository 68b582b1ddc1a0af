# method_logs.sh — the methods with loops of their own (EM, ICA, SFA,
# sparse coding, wake-sleep, a DBN's up-down stage) write --log as
# rt_train's methods do: one line per epoch, numbered 1..N in order, with
# the epoch's value (EM's exact log-likelihood, ICA's log-likelihood, the
# losses of SFA, sparse coding and wake-sleep, up-down's log p(v|h1)).
. tests/e2e/lib.sh
ROOT=$(pwd)
cd "$T"
# check NAME LOG EPOCHS FIELD: EPOCHS lines (or, with EPOCHS "any", at least
# 2), epochs 1..N, each with FIELD
check() {
    name=$1 log=$2 want=$3 field=$4
    got=$(grep -c '^  - {epoch: ' "$log")
    nums=$(sed -n 's/^  - {epoch: \([0-9]*\),.*/\1/p' "$log" | tr '\n' ' ')
    seq_ok=$(awk -v s="$nums" 'BEGIN { n = split(s, a, " "); for (i = 1; i <= n; i++) if (a[i] != i) { print 0; exit } print 1 }')
    with=$(grep '^  - {epoch: ' "$log" | grep -c "$field: ")
    if { [ "$want" = any ] && [ "$got" -ge 2 ] || [ "$got" = "$want" ]; } && [ "$seq_ok" = 1 ] && [ "$with" = "$got" ]; then
        ok "$name: --log has $got epoch lines, numbered in order, each with $field"
    else notok "$name: --log has an epoch line each" "lines $got (want $want), epochs '$nums', with $field: $with" "$(tail -3 "$log")"; fi
}
ppca_rows x.csv
{ ppca_model; echo 'train ppca { data = csv("x.csv"), method = em(tol = 1e-10), epochs = 50 }'; } >ppca.ebm
"$EBMC" train ppca.ebm --quiet --out em.st --log em.yaml 2>em.err || notok "EM trains" "$(head -3 em.err)"
check em em.yaml any exact_loglik
ica_rows s.csv
{ ica_model; echo 'train ica { data = csv("s.csv"), method = ica(algorithm = natural, tol = 0), batch = 50, epochs = 4, lr = 0.05 }'; } >ica.ebm
"$EBMC" train ica.ebm --quiet --out ica.st --log ica.yaml 2>ica.err || notok "ICA trains" "$(head -3 ica.err)"
check ica ica.yaml 4 exact_loglik
sc_rows sc.csv
{ sc_model; echo 'train sc { data = csv("sc.csv"), method = sparse_coding(iters = 50), batch = 30, epochs = 3 }'; } >sc.ebm
"$EBMC" train sc.ebm --quiet --out sc.st --log sc.yaml 2>sc.err || notok "sparse coding trains" "$(head -3 sc.err)"
check sparse_coding sc.yaml 3 loss
tail -n +2 "$ROOT/examples/sfa/mixture.csv" >mx.csv
sed 's|csv("[^"]*"|csv("mx.csv"|' "$ROOT/specs/sfa.ebm" >sfa.ebm
"$EBMC" train sfa.ebm --quiet --out sfa.st --log sfa.yaml 2>sfa.err || notok "SFA trains" "$(head -3 sfa.err)"
check sfa sfa.yaml 1 loss
"$EBMC" train "$ROOT/tests/e2e/sbn_wake_sleep.ebm" --quiet --set epochs=3 --out ws.st --log ws.yaml 2>ws.err ||
    notok "wake-sleep trains" "$(head -3 ws.err)"
check wake_sleep ws.yaml 3 loss
bas_dbn s0.ebm 20 5
awk '/^  stage two/ { print; print "  stage tune { method = up_down(k = 2)  batch = 10  epochs = 3  lr = 0.05 }"; next } { print }' s0.ebm >s.ebm
"$EBMC" train s.ebm --quiet --out ud.st --log ud.yaml 2>ud.err || notok "up-down trains" "$(head -3 ud.err)"
# the stack's log: the two PCD stages' 5 lines each, then up-down's 3
sed -n '/^  tune:/,$p' ud.yaml >tune.yaml
check up_down tune.yaml 3 cond_loglik
