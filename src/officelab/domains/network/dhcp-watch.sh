#!/bin/sh
# The DHCP probe's witness: listen on the segment for every DHCP server that answers while udhcpc asks, then
# report each as "ANSWER <mac> <address>". Usage: dhcp-watch.sh IFACE UDHCPC-ARGV...
iface=$1; shift
dir=$(mktemp -d) || exit 1
tcpdump -i "$iface" -n -e -l --immediate-mode -Q in 'udp src port 67 and udp dst port 68' >"$dir/out" 2>"$dir/err" &
pid=$!
tries=0  # tcpdump says "listening on" once its socket is open: wait for it, at most 5 s
until grep -q "listening on" "$dir/err" 2>/dev/null || [ $tries -ge 100 ]; do tries=$((tries + 1)); sleep 0.05; done
"$@"
status=$?
sleep 0.5  # the listening window: a second server answers the same DISCOVER, within a millisecond of the first
# (measured: 0.1 ms; the whole exchange 32 ms); half a second after the lease leaves room for a loaded machine
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
sed -n 's/^[^ ]* \([0-9a-f:]\{17\}\) > .*: \([0-9.]*\)\.67 > .*/ANSWER \1 \2/p' "$dir/out" | sort -u
rm -rf "$dir"
exit $status
