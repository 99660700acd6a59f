# Shared by the bench scripts (sourced; needs $W, the scratch folder).

cpu() { # label, command...: wall, user+sys CPU and peak RSS of one run
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$W/time.out" "$@" >/dev/null 2>&1 || true
  read -r wall user sys rss < "$W/time.out"
  printf '%-34s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MiB\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)"
}
