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
#            A block followed by an output block runs as written (no
#            shortening): its output is the page's.
#   ```output  what the sh block before it prints (stdout and stderr): the
#            two are compared (tests/e2e/outmatch.awk: "..." stands for
#            any lines, times are masked, numbers match within the
#            tolerance the fence states, "```output tol=0.01", else
#            exactly as printed).
#   ```text  grammar, fragments, anything else: not run.
# A fence without one of these labels is an error. A picture on the page,
# ![...](images/F.png), that a full (not shortened) sh block wrote as F.png
# must be that file, byte for byte: the picture is the command's output.
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
# the real one, for blocks whose output is on the page
mkdir -p "$T/full"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$EBMC" >"$T/full/ebmc"
chmod +x "$T/full/ebmc"

# blocks of a page: files N.LANG (N the line of the opening fence)
split_blocks() {   # $1: page, $2: directory
    awk -v dir="$2" '
        /^```/ && !open { open = 1; lang = substr($0, 4); sub(/[ \t].*/, "", lang); if (lang == "") lang = "none"
                          f = dir "/" sprintf("%05d", NR) "." lang; printf "" > f
                          tol = $0; if (sub(/.*tol=/, "", tol)) { sub(/[ \t].*/, "", tol); print tol > (f ".tol") }
                          next }
        /^```/ && open  { open = 0; close(f); next }
        open            { print > f }
        END             { if (open) print "unclosed" > (dir "/unclosed") }' "$1"
}

# DOCS_PAGES="docs/tutorial.md" sh tests/e2e/docs.sh: one page
pages=${DOCS_PAGES:-"README.md $(ls docs/*.md)"}
for page in $pages; do
    name=$(echo "$page" | tr '/' '_')
    B="$T/blocks/$name"
    W="$T/run/$name"
    mkdir -p "$B" "$W"
    cp -r specs examples "$W/"
    split_blocks "$page" "$B"
    [ -f "$B/unclosed" ] && notok "$page: a code fence is not closed"
    blocks=$(ls "$B" | grep -v 'unclosed\|\.tol$' | sort)
    : >"$T/full_files"
    : >"$T/sh_out"
    for blk in $blocks; do
        line=$((1$(echo "$blk" | cut -d. -f1) - 100000))
        lang=${blk#*.}
        where="$page:$line"
        # the block after this one: an output block makes this one run in full
        next_lang=$(echo "$blocks" | sed -n "/^$blk\$/{n;p;}" | sed 's/^[0-9]*\.//')
        case $lang in
        text) ;;
        output)
            if [ ! -s "$T/sh_out" ]; then notok "$where: an output block follows an sh block that ran"; continue; fi
            tol=$(cat "$B/$blk.tol" 2>/dev/null)
            if awk -v tol="${tol:-0}" -f "$ROOT/tests/e2e/outmatch.awk" "$B/$blk" "$T/sh_out" >"$T/diff"; then
                ok "$where: output block is what the commands print${tol:+ (tol $tol)}"
            else notok "$where: output block is what the commands print" "$(cat "$T/diff")"; fi
            : >"$T/sh_out" ;;
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
            elif [ "$next_lang" = output ]; then
                touch "$W/.stamp"
                if (cd "$W" && PATH="$T/full:$PATH" timeout 300 sh -e "$B/$blk") >"$T/sh_out" 2>&1
                then ok "$where: sh block runs (in full: its output is on the page)"
                else notok "$where: sh block runs" "$(tail -8 "$T/sh_out")"; fi
                (cd "$W" && find . -newer .stamp -name '*.png' | sed 's|.*/||') >>"$T/full_files"
            elif (cd "$W" && PATH="$T/bin:$PATH" timeout 300 sh -e "$B/$blk") >"$T/out" 2>&1; then ok "$where: sh block runs"
            else notok "$where: sh block runs" "$(tail -8 "$T/out")"; fi ;;
        *) notok "$where: a code block labelled '$lang': label it ebm, sh, output or text (docs/README.md)" ;;
        esac
    done
    # pictures the page's full runs drew: the files on the page are those
    for png in $(grep -o '](images/[A-Za-z0-9_.-]*\.png)' "$page" | sed 's|](images/||; s|)$||' | sort -u); do
        grep -qx "$png" "$T/full_files" || continue
        if cmp -s "$W/$png" "$(dirname "$page")/images/$png"; then ok "$page: images/$png is what its command draws"
        else notok "$page: images/$png is what its command draws" "the command wrote a different $png"; fi
    done
done
