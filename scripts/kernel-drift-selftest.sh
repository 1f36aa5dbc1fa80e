#!/usr/bin/env bash
# Self-test of scripts/kernel-drift.sh on a synthetic two-file "tree" (no kernel text, no kernel
# download): every definition kind is extracted, an unchanged tree is `same` (exit 0), a comment or
# whitespace edit is still `same`, a changed body, a definition moved to another file, and a deleted
# definition are `moved` (exit 1), and bad input exits 2 with one line.  Prints "ok" or the failing step.
set -u
cd "$(dirname "$0")/.."
drift=scripts/kernel-drift.sh
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "kernel-drift-selftest: FAIL: $*" >&2; exit 1; }

mk() {  # a synthetic tree in $1
    mkdir -p "$1/include/linux" "$1/mm"
    printf 'VERSION = 9\nPATCHLEVEL = 8\nSUBLEVEL = 7\n' >"$1/Makefile"
    cat >"$1/include/linux/mmzone.h" <<'EOF'
/* synthetic test input */
#define ALPHA_SHIFT	(BETA - 3)	/* a comment */
#define GAMMA(x) \
	((x) << ALPHA_SHIFT)
#if !defined(CONFIG_ONE)
#define DELTA 1
#else
#define DELTA 2
#endif
enum {
	FLAG_A_BIT,
	FLAG_B_BIT,
	FLAG_LAST_BIT,
};
struct thing {
	unsigned long a;
	void *b;
};
static inline unsigned long helper(unsigned long v);
static inline unsigned long helper(unsigned long v)
{
	if (v) {
		return v >> ALPHA_SHIFT;
	}
	return 0;
}
EOF
    cat >"$1/mm/internal.h" <<'EOF'
static inline void moved_fn(int x)
{
	int y = x + 1;
}
EOF
    cat >"$1/mm/Kconfig" <<'EOF'
config OPT_A
	def_bool y
	depends on OPT_B # a comment
	select OPT_C if OPT_D
	help
	  Help text is not part of the fingerprint.

config OPT_B
	bool
EOF
    cat >"$1/mm/code.c" <<'EOF'
void setup(void)
{
	base = round_down(start,
			  ALIGN_SIZE) >> SHIFT;
}
EOF
}

mk "$t/a"
cat >"$t/defs" <<'EOF'
release 9.8.7
ALPHA_SHIFT macro include/linux/mmzone.h ALPHA_SHIFT -
GAMMA macro include/linux/mmzone.h GAMMA -
DELTA range include/linux/mmzone.h ^#if !defined\(CONFIG_ONE\) ;; ^#endif -
flags enum include/linux/mmzone.h FLAG_A_BIT -
thing struct include/linux/mmzone.h thing -
helper func include/linux/mmzone.h helper -
moved_fn func mm/internal.h,mm/sparse.h moved_fn -
OPT_A kconfig mm/Kconfig OPT_A -
base stmt mm/code.c ^[ \t]*base = -
selects grep mm/Kconfig ^[ \t]+select[ \t] -
nothing grep mm/Kconfig NO_SUCH_SYMBOL -
EOF
"$drift" --defs "$t/defs" --record "$t/a" >"$t/rec" || fail "--record exited $?"
grep -q '^release 9.8.7$' "$t/rec" || fail "--record did not write the release"
[ "$(grep -c ' [0-9a-f]\{12\}$' "$t/rec")" = 10 ] || fail "--record did not fingerprint all 10 present definitions"
grep -q '^nothing .* absent$' "$t/rec" || fail "an absent grep is not recorded as absent"
out=$("$drift" --defs "$t/rec" "$t/a") || fail "an unchanged tree exited $? (expected 0)"
[ "$(grep -c '^same ' <<<"$out")" = 11 ] || fail "an unchanged tree is not all same: $out"
grep -q '^same   helper .*include/linux/mmzone.h:20 ' <<<"$out" || fail "the function was not found past its prototype at line 20"

# Comment and whitespace edits only: still same.
mk "$t/b"
sed -i 's|/\* a comment \*/|/* another comment */|; s|(BETA - 3)|(BETA  -  3)|' "$t/b/include/linux/mmzone.h"
sed -i 's|# a comment|# changed comment|; s|Help text is not|Other help is not|' "$t/b/mm/Kconfig"
"$drift" --defs "$t/rec" "$t/b" >/dev/null || fail "comment/whitespace edits were reported as moved"

# A changed body, a moved function, a deleted definition: moved, exit 1.
mk "$t/c"
sed -i 's|return v >> ALPHA_SHIFT;|return v << ALPHA_SHIFT;|' "$t/c/include/linux/mmzone.h"
mv "$t/c/mm/internal.h" "$t/c/mm/sparse.h"
sed -i '/select OPT_C/d' "$t/c/mm/Kconfig"
out=$("$drift" --defs "$t/rec" "$t/c"); rc=$?
[ "$rc" = 1 ] || fail "a changed tree exited $rc (expected 1)"
grep -q '^moved  helper .*(text changed)$' <<<"$out" || fail "changed body not reported: $out"
grep -q '^moved  moved_fn .*-> mm/sparse.h:1 .*(file moved)$' <<<"$out" || fail "moved file not reported: $out"
grep -q '^moved  selects .*(missing)$' <<<"$out" || fail "deleted grep match not reported: $out"
grep -q '^moved  OPT_A .*(text changed)$' <<<"$out" || fail "changed Kconfig entry not reported: $out"
grep -q '^# summary: 7 same, 4 moved$' <<<"$out" || fail "wrong summary: $out"

# Two trees.
out=$("$drift" --defs "$t/rec" "$t/a" "$t/c"); rc=$?
[ "$rc" = 1 ] || fail "two-tree mode exited $rc (expected 1)"
grep -q '^moved  moved_fn  *mm/internal.h:1 [0-9a-f]* -> mm/sparse.h:1 ' <<<"$out" || fail "two-tree file move: $out"

# Bad input: exit 2 and exactly one line on stderr.
for args in "" "$t/nonexistent" "$t" "$t/a $t/b $t/c" "--defs $t/nope $t/a" "--bogus $t/a"; do
    # shellcheck disable=SC2086
    err=$("$drift" --defs "$t/rec" $args 2>&1 >/dev/null); rc=$?
    [ "$rc" = 2 ] || fail "'$args' exited $rc (expected 2)"
    [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'$args' printed more than one line: $err"
done
printf 'release 1\nx nosuchkind f s 0123456789ab\n' >"$t/bad"
"$drift" --defs "$t/bad" "$t/a" 2>/dev/null; [ $? = 2 ] || fail "an unknown kind is not exit 2"
echo ok
