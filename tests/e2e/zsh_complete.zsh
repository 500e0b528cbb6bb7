#!/usr/bin/env zsh
# zsh_complete.zsh DIR LINE: the words zsh's completion system offers for
# LINE (a command line ending where TAB is pressed), one a line, with the
# completion functions of DIR first in fpath. An interactive zsh runs in a
# pseudo-terminal (zsh/zpty) and its compadd prints what it is given.
zmodload zsh/zpty || exit 69
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath)"
zpty -w z 'autoload -U compinit; compinit -u -D'
zpty -w z 'zstyle ":completion:*" list-grouped false'
zpty -w z 'zstyle ":completion:*" insert-tab false'
zpty -w z 'compadd () {
	if [[ ${@[1,-1][(r)-(O|A|D)*]} ]]; then builtin compadd "$@"; return; fi
	typeset -a __hits
	builtin compadd -A __hits "$@"
	local w; for w in $__hits; do print -r -- "<w>$w"; done
}'
zpty -w z "bindkey '^I' complete-word"
zpty -w z 'null-line () { echo -E - $'"'"'\0'"'"' }'
zpty -w z 'compprefuncs=( null-line ); comppostfuncs=( exit )'
zpty -w z "$2"$'\t'
zpty -r z 'out' '*'$'\0''*'
zpty -r z out '*'$'\0''*' 2>/dev/null
print -r -- "$out" | tr -d '\r' | sed -n 's/.*<w>//p'
zpty -d z
