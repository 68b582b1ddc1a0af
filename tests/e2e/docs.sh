# docs.sh — every fenced code block of README.md and docs/*.md is run, so
# the docs never rot. The conventions (docs/README.md):
#   ```ebm   a complete spec: 'ebmc check' must pass. When its first line
#            is a comment naming a file (# my_rbm.ebm), it is also saved
#            under that name for the page's later sh blocks; when it is
#            '# refused: ...', 'ebmc check' must reject it.
#   ```sh    commands, run in order with 'sh -e' in one directory per page
#            (holding copies of specs/ and examples/), with an 'ebmc' that
#            keeps runs short: train gets --set epochs=3, sample --steps 20.
#            A block whose first line is '# not run: WHY' is only checked
#            for shell syntax (sh -n).
#   ```text  output, grammar, anything else: not run.
# A fence without one of these labels is an error.
. tests/e2e/lib.sh
ROOT=$(pwd)
mkdir -p "$T/bin"
cat >"$T/bin/ebmc" <<EOF
#!/bin/sh
# the docs' ebmc: the real one, with short runs
case "\$1" in
train) exec "$EBMC" "\$@" --set epochs=3 ;;
sample) exec "$EBMC" "\$@" --steps 20 ;;
*) exec "$EBMC" "\$@" ;;
esac
EOF
chmod +x "$T/bin/ebmc"

# blocks of a page: files N.LANG (N the line of the opening fence)
split_blocks() {   # $1: page, $2: directory
    awk -v dir="$2" '
        /^```/ && !open { open = 1; lang = substr($0, 4); sub(/[ \t].*/, "", lang); if (lang == "") lang = "none"
                          f = dir "/" sprintf("%05d", NR) "." lang; printf "" > f; next }
        /^```/ && open  { open = 0; close(f); next }
        open            { print > f }
        END             { if (open) print "unclosed" > (dir "/unclosed") }' "$1"
}

pages="README.md $(ls docs/*.md)"
for page in $pages; do
    name=$(echo "$page" | tr '/' '_')
    B="$T/blocks/$name"
    W="$T/run/$name"
    mkdir -p "$B" "$W"
    cp -r specs examples "$W/"
    split_blocks "$page" "$B"
    [ -f "$B/unclosed" ] && notok "$page: a code fence is not closed"
    for blk in $(ls "$B" | grep -v unclosed | sort); do
        line=$((1$(echo "$blk" | cut -d. -f1) - 100000))
        lang=${blk#*.}
        where="$page:$line"
        case $lang in
        text) ;;
        ebm)
            file=$(head -1 "$B/$blk" | sed -n 's/^# *\([A-Za-z0-9_./-]*\.ebm\)\b.*/\1/p')
            spec="$B/$blk.ebm"
            cp "$B/$blk" "$spec"
            if [ -n "$file" ]; then mkdir -p "$W/$(dirname "$file")"; cp "$B/$blk" "$W/$file"; fi
            (cd "$W" && "$EBMC" check "$spec") >"$T/out" 2>&1
            rc=$?
            if head -1 "$spec" | grep -q '^# refused'; then
                if [ $rc = 1 ] && grep -q ': error: ' "$T/out"; then ok "$where: ebm block is refused, as the page says"
                else notok "$where: ebm block is refused" "exit status $rc" "$(head -4 "$T/out")"; fi
            elif [ $rc = 0 ]; then ok "$where: ebm block checks${file:+ ($file)}"
            else notok "$where: ebm block checks" "$(head -8 "$T/out")"; fi ;;
        sh)
            if head -1 "$B/$blk" | grep -q '^# not run:'; then
                if sh -n "$B/$blk" 2>"$T/out"; then ok "$where: sh block (not run: $(head -1 "$B/$blk" | sed 's/^# not run: *//'))"
                else notok "$where: sh block syntax" "$(cat "$T/out")"; fi
            elif (cd "$W" && PATH="$T/bin:$PATH" timeout 300 sh -e "$B/$blk") >"$T/out" 2>&1; then ok "$where: sh block runs"
            else notok "$where: sh block runs" "$(tail -8 "$T/out")"; fi ;;
        *) notok "$where: a code block labelled '$lang': label it ebm, sh or text (docs/README.md)" ;;
        esac
    done
done
