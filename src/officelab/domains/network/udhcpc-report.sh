#!/bin/sh
# udhcpc hook for the DHCP probe: report the lease, configure nothing.
[ "$1" = bound ] && echo "OFFERED ip=$ip mask=$mask router=$router dns=$(echo $dns | tr ' ' ,) serverid=$serverid lease=$lease"
exit 0
