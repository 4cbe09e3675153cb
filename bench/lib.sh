# Shared helpers for the bench/*.sh scripts (source it; needs $work set to a scratch dir).

# best CMD...: the best of 3 runs as "CPU_SECONDS WALL_SECONDS" (CPU = user + sys). The
# machine may be shared: CPU time is the robust figure, wall time is printed too.
best() {
  local b_cpu=999999 b_wall=999999
  for _ in 1 2 3; do
    local r
    r=$( { /usr/bin/time -f "%U %S %e" "$@" > "$work/out"; } 2>&1 | tail -1)
    b_cpu=$(echo "$r $b_cpu" | awk '{c=$1+$2; print (c<$4)?c:$4}')
    b_wall=$(echo "$r $b_wall" | awk '{print ($3<$4)?$3:$4}')
  done
  echo "$b_cpu $b_wall"
}
