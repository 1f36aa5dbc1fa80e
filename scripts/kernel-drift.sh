#!/usr/bin/env bash
# kernel-drift.sh — has any kernel definition the C mirror (Sources/CSparse/include/cs_*.h) and the
# per-architecture base formulas depend on changed?
#
#   scripts/kernel-drift.sh [--defs FILE] LINUX_SOURCE_DIR
#       compare LINUX_SOURCE_DIR with the fingerprints recorded in the definitions list (for the
#       release named on its `release` line)
#   scripts/kernel-drift.sh [--defs FILE] OLD_SOURCE_DIR NEW_SOURCE_DIR
#       compare two source trees with each other (what moved between two releases)
#   scripts/kernel-drift.sh [--defs FILE] --record LINUX_SOURCE_DIR
#       print the definitions list with fingerprints taken from LINUX_SOURCE_DIR (to re-baseline
#       after a review; redirect into the defs file)
#
# Each definition is located (file:line), cut out (a macro with its continuation lines, a function
# or struct body, an enum, a Kconfig entry without its help text, a statement, a line range, or all
# lines matching a pattern), normalised (comments and all whitespace removed) and fingerprinted
# (first 12 hex digits of its sha256).  No kernel text is stored: only fingerprints and file names.
#
# Output, one line per definition:
#   same   NAME  FILE:LINE  FINGERPRINT
#   moved  NAME  recorded FILE FINGERPRINT -> FILE:LINE FINGERPRINT (text changed | file moved | missing
#          | now present)
# (with two trees: "same NAME OLD:LINE -> NEW:LINE FP" and "moved NAME OLD:LINE FP -> NEW:LINE FP (why)")
# then a summary line.  Exit 0: nothing moved; 1: something moved; 2: bad input (one-line error).
set -u
export LC_ALL=C

prog=kernel-drift
die() { echo "$prog: $*" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
defs="$here/kernel-drift.defs"
record=0
dirs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --defs) [ $# -ge 2 ] || die "--defs needs a file (the definitions list)"; defs=$2; shift 2 ;;
        --defs=*) defs=${1#--defs=}; shift ;;
        --record) record=1; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) die "unknown option '$1' (expected --defs FILE, --record, or LINUX_SOURCE_DIR [LINUX_SOURCE_DIR])" ;;
        *) dirs+=("$1"); shift ;;
    esac
done

[ -f "$defs" ] || die "definitions list '$defs' not found (expected scripts/kernel-drift.defs or --defs FILE)"
case "${#dirs[@]}" in
    1) ;;
    2) [ "$record" = 0 ] || die "--record takes one LINUX_SOURCE_DIR, got 2" ;;
    *) die "expected LINUX_SOURCE_DIR or OLD_SOURCE_DIR NEW_SOURCE_DIR, got ${#dirs[@]} directories" ;;
esac
command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"

# The release of a Linux source tree, from its top-level Makefile ("7.2.13").
release_of() {
    local d=$1
    [ -d "$d" ] || die "'$d' is not a directory (expected an extracted Linux source tree)"
    [ -f "$d/Makefile" ] && [ -f "$d/include/linux/mmzone.h" ] ||
        die "'$d' is not a Linux source tree (no Makefile or include/linux/mmzone.h)"
    awk -F' *= *' '/^VERSION *=/{v=$2} /^PATCHLEVEL *=/{p=$2} /^SUBLEVEL *=/{s=$2}
        END { if (v == "") exit 1; printf "%s.%s%s\n", v, p, (s == "" || s == "0") ? "" : "." s }' "$d/Makefile" ||
        die "'$d/Makefile' has no VERSION line (expected a Linux source tree)"
}

# The extractor: reads one file, strips comments (C, or '#' for Kconfig), finds the definition and
# prints "LINE<TAB>NORMALISED-TEXT" (nothing when absent).  KIND, SPEC, OCC, KCONFIG via environment
# so that regular expressions reach awk without escape processing.
read -r -d '' EXTRACT <<'AWK'
function strip(s,    out, i, c, n, q) {
    out = ""; n = length(s)
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (incomment) {
            if (c == "*" && substr(s, i + 1, 1) == "/") { incomment = 0; i++ }
            continue
        }
        if (kconfig) {
            if (c == "\"") instr = !instr
            if (c == "#" && !instr) break
            out = out c; continue
        }
        if (c == "\"" || c == "'") {
            q = c; out = out c
            for (i++; i <= n; i++) {
                c = substr(s, i, 1); out = out c
                if (c == "\\") { i++; out = out substr(s, i, 1); continue }
                if (c == q) break
            }
            continue
        }
        if (c == "/" && substr(s, i + 1, 1) == "*") { incomment = 1; i++; out = out " "; continue }
        if (c == "/" && substr(s, i + 1, 1) == "/") break
        out = out c
    }
    instr = 0
    return out
}
function norm(s) { gsub(/[ \t\r\n\\]+/, "", s); return s }
function braces(s,    i, c, n) {   # update depth/opened/proto from one stripped line
    n = length(s)
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (c == "{") { depth++; opened = 1 }
        else if (c == "}") depth--
        else if (c == ";" && !opened && needbody) proto = 1
    }
}
function word(sym) { return "(^|[^A-Za-z0-9_])" sym "([^A-Za-z0-9_]|$)" }
BEGIN {
    kind = ENVIRON["KIND"]; spec = ENVIRON["SPEC"]; occ = ENVIRON["OCC"] + 0; kconfig = ENVIRON["KCONFIG"] + 0
    if (occ < 1) occ = 1
    if (kind == "macro") startre = "^[ \t]*#[ \t]*define[ \t]+" spec "([ \t(]|$)"
    else if (kind == "func") startre = "^[A-Za-z_].*(^|[^A-Za-z0-9_])" spec "[ \t]*\\("
    else if (kind == "struct") startre = "^struct[ \t]+" spec "[ \t]*(\\{|$)"
    else if (kind == "enum") startre = "^enum([ \t]+[A-Za-z0-9_]+)?[ \t]*(\\{|$)"
    else if (kind == "kconfig") startre = "^(menu)?config[ \t]+" spec "[ \t]*$"
    else if (kind == "range") { split(spec, rr, / ;; /); startre = rr[1]; endre = rr[2] }
    else if (kind == "stmt" || kind == "grep") startre = spec
    needbody = (kind == "func" || kind == "struct" || kind == "enum")
    seen = 0; cap = 0; done = 0; text = ""; first = 0
}
done { next }
{
    raw = $0; s = strip(raw)
    if (kind == "grep") {
        if (s ~ startre) { if (!first) first = NR; text = text s "\n" }
        next
    }
    if (!cap) {
        if (s !~ startre) next
        cap = 1; text = ""; first = NR; depth = 0; opened = 0; proto = 0
    }
    text = text s "\n"
    if (kind == "macro") {
        t = s; sub(/[ \t]+$/, "", t)
        if (t ~ /\\$/) next
        finish(); next
    }
    if (needbody) {
        braces(s)
        if (proto) { cap = 0; next }
        if (opened && depth <= 0) {
            if (kind == "enum" && text !~ word(ENVIRON["SYM"])) { cap = 0; next }
            finish()
        }
        next
    }
    if (kind == "kconfig") {
        if (NR == first) next
        if (s ~ /^(config|menuconfig|choice|endchoice|if|endif|menu|endmenu|source|comment)([ \t]|$)/ ||
            s ~ /^[ \t]+(---)?help(---)?[ \t]*$/) {
            text = substr(text, 1, length(text) - length(s) - 1)
            finish()
        }
        next
    }
    if (kind == "range") { if (NR > first && s ~ endre) finish(); next }
    if (kind == "stmt") { t = s; sub(/[ \t]+$/, "", t); if (t ~ /;$/) finish(); next }
}
function finish() {
    seen++
    if (seen < occ) { cap = 0; return }
    done = 1
}
END {
    if (kind == "grep") { if (first) printf "%d\t%s\n", first, norm(text); exit }
    if (cap && kind == "kconfig" && !done) { seen++; if (seen >= occ) done = 1 }
    if (done) printf "%d\t%s\n", first, norm(text)
}
AWK

# fingerprint DIR KIND FILES SPEC -> "relfile:line fp" or "- absent"
fingerprint() {
    local dir=$1 kind=$2 files=$3 spec=$4 occ=1 sym="" f out line text hits="" hitline="" all=""
    case "$kind" in
        macro|func) case "$spec" in *@[0-9]*) occ=${spec##*@}; spec=${spec%@*} ;; esac ;;
        enum) sym=$spec ;;
    esac
    local IFS=,
    for f in $files; do
        [ -f "$dir/$f" ] || continue
        local kc=0
        case "${f##*/}" in Kconfig*) kc=1 ;; esac
        out=$(KIND=$kind SPEC=$spec OCC=$occ KCONFIG=$kc SYM=$sym awk "$EXTRACT" "$dir/$f")
        [ -n "$out" ] || continue
        line=${out%%	*}; text=${out#*	}
        if [ "$kind" = grep ]; then
            [ -n "$hits" ] || hitline="$f:$line"
            hits=1; all="$all$f:$text;"
            continue
        fi
        echo "$f:$line $(printf '%s' "$text" | sha256sum | cut -c1-12)"
        return
    done
    if [ -n "$hits" ]; then
        echo "$hitline $(printf '%s' "$all" | sha256sum | cut -c1-12)"
    else
        echo "- absent"
    fi
}

# Parse the definitions list: "release X" once, then "NAME KIND FILES SPEC... FINGERPRINT".
names=(); kinds=(); filesl=(); specs=(); fps=(); recorded=""
n=0
while IFS= read -r l || [ -n "$l" ]; do
    n=$((n + 1))
    case "$l" in ''|'#'*) continue ;; esac
    read -r -a w <<<"$l"
    if [ "${w[0]}" = release ]; then recorded=${w[1]:-}; continue; fi
    [ "${#w[@]}" -ge 5 ] || die "$defs:$n: expected 'NAME KIND FILES SPEC FINGERPRINT', got ${#w[@]} fields"
    case "${w[1]}" in macro|func|struct|enum|kconfig|range|stmt|grep) ;;
        *) die "$defs:$n: unknown kind '${w[1]}' (expected macro, func, struct, enum, kconfig, range, stmt or grep)" ;;
    esac
    last=$((${#w[@]} - 1))
    fp=${w[$last]}
    case "$fp" in absent|-) ;; *)
        [[ "$fp" =~ ^[0-9a-f]{12}$ ]] || die "$defs:$n: fingerprint '$fp' is not 12 hex digits, 'absent' or '-'" ;;
    esac
    names+=("${w[0]}"); kinds+=("${w[1]}"); filesl+=("${w[2]}"); specs+=("${w[*]:3:$((last - 3))}"); fps+=("$fp")
done <"$defs"
[ "${#names[@]}" -gt 0 ] || die "$defs: no definitions"
[ -n "$recorded" ] || [ "${#dirs[@]}" = 2 ] || [ "$record" = 1 ] || die "$defs: no 'release X' line (the release the fingerprints were recorded for)"

rel1=$(release_of "${dirs[0]}") || exit 2
if [ "$record" = 1 ]; then
    # Re-emit the list as it is (comments included) with the release and fingerprints of this tree.
    i=0
    while IFS= read -r l || [ -n "$l" ]; do
        case "$l" in
            ''|'#'*) printf '%s\n' "$l" ;;
            release*) echo "release $rel1" ;;
            *)  r=$(fingerprint "${dirs[0]}" "${kinds[$i]}" "${filesl[$i]}" "${specs[$i]}")
                printf '%s %s %s %s %s\n' "${names[$i]}" "${kinds[$i]}" "${filesl[$i]}" "${specs[$i]}" "${r#* }"
                i=$((i + 1)) ;;
        esac
    done <"$defs"
    exit 0
fi

same=0; moved=0
report() {  # name recfile recfp now-loc now-fp [old-loc: two-tree mode]
    local name=$1 rfile=$2 rfp=$3 loc=$4 fp=$5 old=${6:-} why where
    if [ "$rfp" = "$fp" ] && { [ "$loc" = - ] || [ "${loc%:*}" = "$rfile" ]; }; then
        where=$loc
        [ "$loc" = - ] && where=absent
        [ -n "$old" ] && [ "$old" != "$loc" ] && where="$old -> $loc"
        printf 'same   %-34s %s  %s\n' "$name" "$where" "$fp"
        same=$((same + 1))
    else
        if [ "$fp" = absent ]; then why=missing
        elif [ "$rfp" = absent ]; then why="now present"
        elif [ "$rfp" = "$fp" ]; then why="file moved"
        else why="text changed"; fi
        if [ -n "$old" ]; then
            printf 'moved  %-34s %s %s -> %s %s (%s)\n' "$name" "$old" "$rfp" "$loc" "$fp" "$why"
        else
            printf 'moved  %-34s recorded %s %s -> %s %s (%s)\n' "$name" "$rfile" "$rfp" "$loc" "$fp" "$why"
        fi
        moved=$((moved + 1))
    fi
}

if [ "${#dirs[@]}" = 1 ]; then
    echo "# kernel-drift: Linux $rel1 (${dirs[0]}) against the fingerprints recorded for $recorded (${#names[@]} definitions)"
    i=0
    while [ $i -lt ${#names[@]} ]; do
        r=$(fingerprint "${dirs[0]}" "${kinds[$i]}" "${filesl[$i]}" "${specs[$i]}")
        report "${names[$i]}" "${filesl[$i]%%,*}" "${fps[$i]}" "${r% *}" "${r#* }"
        i=$((i + 1))
    done
else
    rel2=$(release_of "${dirs[1]}") || exit 2
    echo "# kernel-drift: Linux $rel1 (${dirs[0]}) -> Linux $rel2 (${dirs[1]}) (${#names[@]} definitions)"
    i=0
    while [ $i -lt ${#names[@]} ]; do
        a=$(fingerprint "${dirs[0]}" "${kinds[$i]}" "${filesl[$i]}" "${specs[$i]}")
        b=$(fingerprint "${dirs[1]}" "${kinds[$i]}" "${filesl[$i]}" "${specs[$i]}")
        aloc=${a% *}; afile=${aloc%:*}
        [ "$aloc" = - ] && afile=${filesl[$i]%%,*}
        report "${names[$i]}" "$afile" "${a#* }" "${b% *}" "${b#* }" "$aloc"
        i=$((i + 1))
    done
fi
echo "# summary: $same same, $moved moved"
[ "$moved" = 0 ]
