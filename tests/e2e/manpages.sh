#!/bin/sh
# manpages.sh: the man pages and the shell completions that
# scripts/gendoc.sh makes from the option tables agree with --help: every
# command has its page, every option --help lists is in its page and in
# its completion, the pages render without a warning, and the completions
# complete.
. tests/e2e/lib.sh
cd "$VW_TOP" || exit 1
G=$T/gen

check "scripts/gendoc.sh writes the pages and completions" \
	sh scripts/gendoc.sh "$VAULTWISE" "$G"
cmds=$("$VAULTWISE" --help | sed -n '/^Commands:/,/^$/p' |
	awk 'NF && !/^Commands:/ { print $1 }' | grep -vx help)
[ -n "$cmds" ] && ok "--help lists the commands" ||
	not_ok "--help lists the commands"

# The roff source with its escapes undone, as one line per source line.
plain() {
	sed -e 's/\\f[BIR]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\e/\\/g' "$1"
}
# The long options of a --help text: the lines of its option lists.
help_options() {
	grep -oE -- '^  +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' |
		sort -u
}
missing=
for c in $cmds; do
	page=$G/man/vaultwise-$c.1
	[ -f "$page" ] || { missing="$missing $c:page"; continue; }
	plain "$page" >"$T/page"
	"$VAULTWISE" "$c" --help >"$T/help"
	# the usage line, and every option of --help, in the page
	usage=$(sed -n '1s/^usage: //p' "$T/help")
	grep -qF -- "$usage" "$T/page" || missing="$missing $c:usage"
	for o in $(help_options <"$T/help"); do
		grep -qE -- "^$o( |$)|, $o( |$)" "$T/page" ||
			missing="$missing $c:$o"
	done
done
if [ -z "$missing" ]; then
	ok "every command's page has its usage and every option of --help"
else
	not_ok "pages disagree with --help:$missing"
fi
plain "$G/man/vaultwise.1" | grep -q 'vaultwise-plan' &&
	ok "vaultwise(1) names the command pages" ||
	not_ok "vaultwise(1) names the command pages"

warn=
for p in "$G"/man/*.1; do
	[ -z "$(groff -man -ww -z "$p" 2>&1)" ] || warn="$warn $(basename "$p")"
done
[ -z "$warn" ] && ok "every page renders without a groff warning" ||
	not_ok "groff warns on:$warn"
expect_exit 0 "man -l renders vaultwise-plan.1" \
	env MANWIDTH=80 man -l "$G/man/vaultwise-plan.1"
grep_ok "the rendered page has the synopsis" \
	'vaultwise plan SNAPSHOT --out DIR' "$T/out"

# bash WORD...: what bash completes for the last word.
bash_completes() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_vaultwise; printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$G/completion/vaultwise.bash" vaultwise "$@"
}
# zsh WORD...: the same through zsh's own completion system.
zsh_completes() {
	zsh tests/e2e/zsh_complete.zsh "$G/completion" "vaultwise $*"
}
# completion_checks SHELL: what SHELL's completion offers for a command,
# an option, an option's choices, and every option --help lists.
completion_checks() {
	sh=$1
	got=$("${sh}_completes" pl)
	[ "$got" = plan ] && ok "$sh completes a command" ||
		not_ok "$sh completes a command (got '$got')"
	[ "$("${sh}_completes" plan --horizon-m)" = --horizon-months ] &&
		ok "$sh completes an option of the command" ||
		not_ok "$sh completes an option of the command"
	[ "$("${sh}_completes" --log-format '' | tr '\n' ' ')" = "text json " ] &&
		ok "$sh completes an option's choices" ||
		not_ok "$sh completes an option's choices"
	missing=
	for c in $cmds; do
		got=$("${sh}_completes" "$c" -- | tr '\n' ' ')
		for o in $("$VAULTWISE" "$c" --help | help_options); do
			case " $got " in *" $o "*) ;; *) missing="$missing $c:$o" ;; esac
		done
	done
	[ -z "$missing" ] && ok "$sh offers every option of --help" ||
		not_ok "$sh misses:$missing"
}
completion_checks bash
if command -v zsh >/dev/null 2>&1; then
	check "the zsh completion parses" zsh -n "$G/completion/_vaultwise"
	completion_checks zsh
else
	ok "the zsh completion # SKIP no zsh"
fi
finish
