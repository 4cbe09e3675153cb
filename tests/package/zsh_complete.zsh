#!/usr/bin/env zsh
# zsh_complete.zsh FPATH_DIR WORDS...: prints what zsh's completion system offers for the
# command line WORDS followed by TAB, one match per line, using the _hangscope function found
# in FPATH_DIR. Drives a real interactive zsh (zsh -f -i) on a pseudo-terminal (zsh/zpty).
# Exit 1 when the shell gave no answer within 20 s.
emulate -L zsh
zmodload zsh/zpty || exit 2
local dir=$1
shift
zpty hs zsh -f -i
zpty -w hs "fpath=(${(q)dir} \$fpath); autoload -Uz compinit && compinit -u -D"
zpty -w hs 'typeset -ga hs_hits'
# Records every match a completion function adds (calls that only query, with -O/-A/-D, pass).
zpty -w hs 'compadd() { if [[ ${(j: :)@} == *(-O|-A|-D)* ]]; then builtin compadd "$@"; return; fi; local -a h; builtin compadd -A h "$@"; hs_hits+=($h); builtin compadd "$@"; }'
# The markers are split in the source so that the terminal's echo of this line never matches.
zpty -w hs 'hs_report() { print -r -- "HS-""MATCHES:${(j:|:)hs_hits}:HS-""END"; exit 0 }'
zpty -w hs 'comppostfuncs=(hs_report)'
zpty -w -n hs "$*"$'\t'
local out line
integer deadline=$(( SECONDS + 20 ))
while (( SECONDS < deadline )); do
  if zpty -r -t hs line; then
    out+=$line
    [[ $out == *HS-END* ]] && break
  else
    sleep 0.05
  fi
done
zpty -d hs
[[ $out == *HS-MATCHES:*:HS-END* ]] || { print -u2 "zsh gave no completion answer: ${(q+)out[-300,-1]}"; exit 1 }
out=${out##*HS-MATCHES:}
out=${out%%:HS-END*}
print -rl -- ${(s:|:)out}
