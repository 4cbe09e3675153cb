#!/usr/bin/env bash
# completion_test.sh HANGSCOPE [VFORK_PARENT]: the bash and zsh completion that HANGSCOPE
# prints (`hangscope completion bash|zsh`) complete subcommands, options and files, and agree
# with `--help` of every command. With VFORK_PARENT (tests/package/vfork_parent.c), also that
# `hangscope why <TAB>` offers a task in D state and not a sleeping one: that part makes a D
# task for a moment, so it runs under the machine lock (ctest label live).
# Exit 0 when every check passes; prints one line per failed check and a summary line.
set -euo pipefail
hs=$(realpath "$1")
vfork_parent=${2:+$(realpath "$2")}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
cleanup() {
  [[ -n ${child_pid:-} ]] && kill -KILL "$child_pid" 2>/dev/null
  [[ -n ${parent_pid:-} ]] && wait "$parent_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=lib.sh
source "$here/lib.sh"
command -v zsh >/dev/null || pkg_skip "no zsh (scripts/install-deps.sh installs it)"
"$hs" completion bash >"$tmp/hangscope.bash"
mkdir "$tmp/zsh" && "$hs" completion zsh >"$tmp/zsh/_hangscope"
passed=0 failed=0

check() { pkg_check "$@"; }

# bash_complete WORDS...: what bash's completion function offers for WORDS (the last word is
# the one being completed), sorted, space separated. Runs a clean bash (no rc files).
bash_complete() {
  bash --noprofile --norc -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _hangscope
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' _ "$tmp/hangscope.bash" "$@"
}
zsh_complete() {
  zsh -f "$here/zsh_complete.zsh" "$tmp/zsh" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}

# Completion of `hangscope why` offers the tasks in D state, read from /proc/*/task/*/stat.
if [[ -n $vfork_parent ]]; then
  "$vfork_parent" >"$tmp/parent.pid" &
  parent_pid=$!
  for _ in $(seq 50); do [[ -s $tmp/parent.pid ]] && break; sleep 0.1; done
  for _ in $(seq 50); do
    child_pid=$(awk -v p="$parent_pid" '{sub(/.*\) /, ""); if ($2 == p) {split(FILENAME, a, "/"); print a[3]}}' \
                  /proc/[0-9]*/stat 2>/dev/null | head -1 || true)  # tasks come and go
    [[ -n $child_pid ]] && [[ $(sed 's/.*) //' "/proc/$parent_pid/stat" | cut -c1) == D ]] && break
    sleep 0.1
  done
  check "vfork parent is in D" D "$(sed 's/.*) //' "/proc/$parent_pid/stat" | cut -c1)"
  offered=" $(bash_complete hangscope why "") "
  check "bash: hangscope why <TAB> offers D task $parent_pid" yes \
    "$([[ $offered == *" $parent_pid "* ]] && echo yes || echo no)"
  check "bash: hangscope why <TAB> leaves out sleeping task $child_pid" no \
    "$([[ $offered == *" $child_pid "* ]] && echo yes || echo no)"
  check "bash: hangscope why ${parent_pid:0:3}<TAB> offers $parent_pid" yes \
    "$([[ " $(bash_complete hangscope why "${parent_pid:0:3}") " == *" $parent_pid "* ]] && echo yes || echo no)"
  offered=" $(zsh_complete hangscope why "") "
  check "zsh: hangscope why <TAB> offers D task $parent_pid" yes \
    "$([[ $offered == *" $parent_pid "* ]] && echo yes || echo no)"
  kill -KILL "$child_pid"
  wait "$parent_pid"
  check "vfork parent returned after its child died" 0 "$?"
  child_pid= parent_pid=
  printf 'completion why-pids: %d passed, %d failed\n' "$passed" "$failed"
  exit $((failed > 0))
fi

# Subcommands and options, in bash and in zsh.
check "bash: hangscope w<TAB>" "watch why" "$(bash_complete hangscope w)"
check "bash: hangscope <TAB>" "analyze completion demo env ftrace log scan watch why" \
  "$(bash_complete hangscope "")"
check "bash: hangscope ftrace d<TAB>" "diff" "$(bash_complete hangscope ftrace d)"
check "bash: hangscope scan --n<TAB>" "--no-bpf" "$(bash_complete hangscope scan --n)"
check "bash: hangscope ftrace record -o x --t<TAB>" "--timeout --top-level --tracer" \
  "$(bash_complete hangscope ftrace record -o x --t)"
check "bash: hangscope watch --threshold <TAB> (a duration)" "" \
  "$(bash_complete hangscope watch --threshold "")"
touch "$tmp/snap-a.json" "$tmp/snap-b.json"
check "bash: hangscope analyze DIR/snap-<TAB>" "$tmp/snap-a.json $tmp/snap-b.json" \
  "$(bash_complete hangscope analyze "$tmp/snap-")"
check "bash: hangscope scan --save DIR/snap-a<TAB>" "$tmp/snap-a.json" \
  "$(bash_complete hangscope scan --save "$tmp/snap-a")"
check "bash: hangscope log --json DIR/snap-b<TAB>" "$tmp/snap-b.json" \
  "$(bash_complete hangscope log --json "$tmp/snap-b")"
check "zsh: hangscope w<TAB>" "watch why" "$(zsh_complete hangscope w)"
check "zsh: hangscope ftrace d<TAB>" "diff" "$(zsh_complete hangscope ftrace d)"
check "zsh: hangscope scan --n<TAB>" "--no-bpf" "$(zsh_complete hangscope scan --n)"
check "zsh: hangscope env compare --go<TAB>" "--good" "$(zsh_complete hangscope env compare --go)"

# Every command's options as completion offers them are the ones its --help lists.
# (CLI11's help: "Options:" then lines "  -o,--output FILE   ..."; "Subcommands:" then names.)
help_options() {
  "$hs" "$@" --help | awk '/^[A-Za-z]+:$/ {section = $1; next}
    section == "Options:" && /^  -/ {n = split($1, a, ","); for (i = 1; i <= n; i++) print a[i]}' |
    sort | tr '\n' ' ' | sed 's/ $//'
}
help_subcommands() {
  "$hs" "$@" --help | awk '/^[A-Za-z]+:$/ {section = $1; next}
    section == "Subcommands:" && /^  [a-z]/ {print $1}' | sort | tr '\n' ' ' | sed 's/ $//'
}
while read -r path; do
  read -ra words <<<"${path#hangscope}"
  spec=$(bash --noprofile --norc -c 'source "$1"; _hangscope_spec "$2"; echo "$opts"; echo "$subs"' \
           _ "$tmp/hangscope.bash" "$path")
  opts=$(sed -n 1p <<<"$spec" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
  subs=$(sed -n 2p <<<"$spec" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
  check "options of '$path' = its --help" "$(help_options "${words[@]}")" "$opts"
  check "subcommands of '$path' = its --help" "$(help_subcommands "${words[@]}")" "$subs"
done < <("$hs" completion list | awk '$NF !~ /^[-<]/ {print}' | sort -u)
# hangscope's own usage lists its commands.
check "commands = hangscope --help" \
  "$("$hs" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}' | sort | tr '\n' ' ' | sed 's/ $//')" \
  "$(bash_complete hangscope "")"

printf 'completion: %d passed, %d failed\n' "$passed" "$failed"
exit $((failed > 0))
