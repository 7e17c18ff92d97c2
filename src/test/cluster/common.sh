# Helpers shared by cluster and node (sourced; they call die on failure).

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free port below the kernel's ephemeral range: a port inside it may be in use by an outgoing
# connection, which a connect test does not see, and the server would fail to bind it.
pick_port() {
  local p low=32768
  if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  fi
  ((low > 12000)) || die "the ephemeral port range starts at $low: no room for fixed ports"
  for _ in $(seq 1 200); do
    p=$((10000 + RANDOM % (low - 10000)))
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# True while process PID runs. A zombie counts as gone: the daemons outlive the shell that
# started them, and this machine's init may reap orphans late, so kill -0 would wait for nothing.
running_pid() {
  local st
  st="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "${st:0:1}" != Z ]]
}

# await_reaped PID...: waits (up to 5 s in all) until stopped processes have left the process
# table too, so that whoever called down finds none of them, not even as a zombie.
await_reaped() {
  local pid deadline=$((SECONDS + 5))
  for pid in "$@"; do
    while [[ -e "/proc/$pid" ]] && ((SECONDS < deadline)); do sleep 0.1; done
  done
  return 0
}
