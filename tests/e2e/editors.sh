# editors.sh — the Vim syntax file for .ebm knows every keyword of
# compiler/front/lexer.l, every unit type and every energy function of the
# compiler; Vim loads it and highlights a spec with it.
. tests/e2e/lib.sh
syn=docs/editors/vim/syntax/ebm.vim
has() { grep -q "^syn keyword [A-Za-z]*  *.*\<$1\>" "$syn"; }
kw=$(sed -n '/^static const struct { const char \*word; int token; } keywords\[\]/,/^};/p' compiler/front/lexer.l | grep -o '"[a-z_]*"' | tr -d '"')
fns=$(sed -n '/^static const char \*const functions\[\]/,/;/p' compiler/front/sema.c | grep -o '"[a-z_0-9]*"' | tr -d '"')
printf 'model m {\n  visible v[2] : nosuchtype\n  energy = sum(i) v[i]\n}\n' >"$T/u.ebm"
types=$("$EBMC" check "$T/u.ebm" 2>&1 | sed -n 's/.*the unit types are //p' | tr -d ',' | sed 's/(n)//; s/ or / /; s/ and / /')
missing=""
for w in $kw $fns $types; do has "$w" || missing="$missing $w"; done
n=$(echo $kw $fns $types | wc -w)
if [ "$n" -gt 25 ] && [ -z "$missing" ]; then ok "ebm.vim has every keyword, unit type and function of the compiler ($n)"
else notok "ebm.vim keywords" "missing:$missing (found $n words)"; fi
if command -v vim >/dev/null 2>&1; then
    vim -Nu NONE -Es -c 'set rtp^=docs/editors/vim' -c 'filetype on' -c 'syntax on' -c 'e specs/rbm_bas.ebm' \
        -c "redir! > $T/vim.out" -c 'echo &ft synIDattr(synID(7,1,1),"name") synIDattr(synID(8,3,1),"name") synIDattr(synID(1,1,1),"name")' \
        -c 'redir END' -c 'qa!' </dev/null >/dev/null 2>&1
    r=$(tr -d '\n' <"$T/vim.out")
    [ "$r" = "ebm ebmBlock ebmStatement ebmComment" ] && ok "vim: *.ebm is filetype ebm, highlighted" || notok "vim highlights a spec" "got '$r'"
else
    skip "vim highlights a spec" "no vim"
fi
