#!/bin/bash
# demo.sh: runs inside the QEMU guest (make demo starts it there).
#
# Topology, each box a network namespace:
#
#   client 10.0.1.2 --- 10.0.1.1 router 10.0.2.1 --- br0 --- h1 10.0.2.11
#                        (veer.ko)                       \--- h2 10.0.2.12
#                                                         \--- h3 10.0.2.13
#
# The router runs veer with one service covering the hosts' web servers
# (nginx); the client fetches pages with curl and pushes a bulk transfer;
# then veer shows what it saw.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$top/build/userspace:$top/build/veerd:$PATH
# shellcheck source=tests/selftests/lib.sh
source "$top/tests/selftests/lib.sh"
: "${VEER_KO:=$top/build/kmod/$(uname -r)/veer.ko}"
export VEER_KO

say() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

modprobe nf_conntrack
veer_load
say "veer.ko loaded: $(cat /sys/module/veer/parameters/objects) objects, genl family:"
genl ctrl get name veer | sed -n '1,2p'

setup_ns client router h1 h2 h3
add_veth "$client" eth0 10.0.1.2/24 "$router" eth0 10.0.1.1/24
in_ns "$router" ip link add br0 type bridge
in_ns "$router" ip addr add 10.0.2.1/24 dev br0
in_ns "$router" ip link set br0 up
i=0
for h in "$h1" "$h2" "$h3"; do
	i=$((i + 1))
	add_veth "$h" eth0 "10.0.2.1$i/24" "$router" "p$i" ""
	in_ns "$router" ip link set "p$i" master br0
	in_ns "$h" ip route add default via 10.0.2.1
	mkdir -p "/tmp/demo/h$i/www"
	printf 'served by h%s\n' "$i" >"/tmp/demo/h$i/www/index.html"
	head -c 8000000 /dev/urandom >"/tmp/demo/h$i/www/big.bin"
	cat >"/tmp/demo/h$i/nginx.conf" <<CONF
daemon on;
pid /tmp/demo/h$i/nginx.pid;
error_log /tmp/demo/h$i/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path /tmp/demo/h$i;
	proxy_temp_path /tmp/demo/h$i;
	fastcgi_temp_path /tmp/demo/h$i;
	uwsgi_temp_path /tmp/demo/h$i;
	scgi_temp_path /tmp/demo/h$i;
	server { listen 80; root /tmp/demo/h$i/www; }
}
CONF
	in_ns "$h" nginx -c "/tmp/demo/h$i/nginx.conf"
done
in_ns "$client" ip route add default via 10.0.1.1
in_ns "$router" sysctl -qw net.ipv4.ip_forward=1

say "configure veer on the router with the CLI"
V="veer -n $router"
run $V service add web addr 10.0.2.0/24 proto tcp port 80 cookie pressure syn-threshold 2000
for i in 1 2 3; do
	run $V host add service web addr "10.0.2.1$i" weight $((i * 10))
done
run $V peer add addr 10.0.1.254 role shadow
run $V config set event-rate 500

$V monitor >/tmp/demo/monitor.log 2>&1 &
mon=$!
sleep 1
run $V host change service web addr 10.0.2.13 state drain

say "traffic: 60 curl requests spread over the hosts, then one 8 MB download"
ok=0
for n in $(seq 60); do
	i=$(( (n % 3) + 1 ))
	body=$(in_ns "$client" curl -s --max-time 10 "http://10.0.2.1$i/") || continue
	[ "$body" = "served by h$i" ] && ok=$((ok + 1))
done
echo "curl: $ok/60 pages correct"
in_ns "$client" curl -s --max-time 60 -o /tmp/demo/big.out http://10.0.2.11/big.bin
cmp -s /tmp/demo/big.out /tmp/demo/h1/www/big.bin && echo "download: 8 MB, identical"

say "what veer saw"
run $V -s service show
run $V host show
run $V peer show
run $V config show
run $V stats
printf '$ cat /proc/net/veer/stats (router namespace)\n'
in_ns "$router" cat /proc/net/veer/stats
say "events veer monitor printed"
kill "$mon" 2>/dev/null || true
wait "$mon" 2>/dev/null || true
cat /tmp/demo/monitor.log

conns=$($V -j -s service show | jq '.[0].stats.conns')
say "summary: $conns connections tracked by veer, $ok/60 pages correct"
for i in 1 2 3; do kill "$(cat /tmp/demo/h$i/nginx.pid)" 2>/dev/null || true; done
[ "$ok" -eq 60 ] && [ "$conns" -ge 61 ]
