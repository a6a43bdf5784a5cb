# lib.sh - peers for tests/pull.test: Debian's docker-registry, the
# misbehaving proxy (proxy.py), and test images made with umoci. POSIX sh.
# Every process started here is recorded in $BXTMP/pids and killed by PID
# in stop_peers (pull.test's cleanup_test calls it).

REGDIR=$(cd "$(dirname "$0")" 2>/dev/null && pwd)/registry
[ -d "$REGDIR" ] || REGDIR=$TESTDIR/registry

# A free TCP port on 127.0.0.1 (the kernel picks; the race is harmless
# on a test machine).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens (10 s at most).
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# start_registry NAME [CERT KEY] [HTPASSWD]: a registry with its storage
# under $BXTMP/NAME; its port goes to $PORT. (Called in the test's own
# shell, not in $(...), so that the registry is our child and can be
# waited for.)
start_registry() {
	name=$1 cert=$2 key=$3 htp=$4
	port=$(free_port)
	dir=$BXTMP/$name
	mkdir -p "$dir/data"
	{
		echo "version: 0.1"
		echo "log:"
		echo "  level: error"
		echo "storage:"
		echo "  filesystem:"
		echo "    rootdirectory: $dir/data"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		if [ -n "$cert" ]; then
			echo "  tls:"
			echo "    certificate: $cert"
			echo "    key: $key"
		fi
		if [ -n "$htp" ]; then
			echo "auth:"
			echo "  htpasswd:"
			echo "    realm: bxtest"
			echo "    path: $htp"
		fi
	} > "$dir/config.yml"
	docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
	echo $! >> "$BXTMP/pids"
	PORT=
	wait_port "$port" || return 1
	PORT=$port
}

# start_proxy UPSTREAM_PORT: proxy.py in front of it; its port to $PORT.
# Its behaviour is the words in $BXTMP/proxy.mode, its log $BXTMP/proxy.log.
start_proxy() {
	rm -f "$BXTMP/proxy.port"
	: > "$BXTMP/proxy.mode"
	: > "$BXTMP/proxy.log"
	python3 "$REGDIR/proxy.py" "$1" "$BXTMP/proxy.mode" "$BXTMP/proxy.log" \
		"$BXTMP/proxy.port" > "$BXTMP/proxy.err" 2>&1 &
	echo $! >> "$BXTMP/pids"
	i=0
	while [ ! -s "$BXTMP/proxy.port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(cat "$BXTMP/proxy.port" 2>/dev/null)
}

stop_peers() {
	[ -f "$BXTMP/pids" ] || return 0
	for pid in $(cat "$BXTMP/pids"); do
		kill "$pid" 2>/dev/null
	done
	for pid in $(cat "$BXTMP/pids"); do
		wait "$pid" 2>/dev/null
	done
	rm -f "$BXTMP/pids"
}

# make_ca DIR: a CA and a certificate for localhost/127.0.0.1 signed by it.
make_ca() {
	d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bxtest-ca \
		-keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$d/ext" &&
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/ext" -out "$d/server.pem" 2>/dev/null
}

# make_cert DIR NAME SUBJECT [SAN]: DIR/NAME.pem and DIR/NAME.key, signed
# by the CA make_ca made in DIR; SAN an openssl subjectAltName value
# (IP:127.0.0.1, DNS:localhost), none if empty.
make_cert() {
	d=$1
	openssl req -newkey rsa:2048 -nodes -subj "$3" \
		-keyout "$d/$2.key" -out "$d/$2.csr" 2>/dev/null || return 1
	if [ -n "${4:-}" ]; then
		printf 'subjectAltName=%s\n' "$4" > "$d/$2.ext"
	else
		: > "$d/$2.ext"
	fi
	openssl x509 -req -in "$d/$2.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/$2.ext" -out "$d/$2.pem" 2>/dev/null
}

# step_multi SH: a layer on top of $lay:multi, made by running SH in its
# unpacked rootfs (unpacked afresh each time: umoci diffs against the
# image the bundle came from).
step_multi() {
	rm -rf "$BXTMP/bundle" &&
	umoci unpack --image "$lay:multi" "$BXTMP/bundle" > /dev/null &&
	(cd "$BXTMP/bundle/rootfs" && eval "$1") &&
	umoci repack --image "$lay:multi" "$BXTMP/bundle"
}

# make_images LAYOUT BUSYBOX: an OCI layout with
#   bb     busybox and /hello, one gzip layer, Cmd /bin/sh
#   multi  three layers: bb, then files and a dir removed (whiteouts),
#          then a file added
# and what tests/registry/mkimages.py derives from bb.
make_images() {
	lay=$1 bb=$2
	umoci init --layout "$lay" &&
	umoci new --image "$lay:bb" &&
	umoci unpack --image "$lay:bb" "$BXTMP/bundle" > /dev/null &&
	mkdir -p "$BXTMP/bundle/rootfs/bin" "$BXTMP/bundle/rootfs/etc" \
		"$BXTMP/bundle/rootfs/gone/deep" &&
	cp "$bb" "$BXTMP/bundle/rootfs/bin/busybox" &&
	for a in sh cat ls echo; do ln -s busybox "$BXTMP/bundle/rootfs/bin/$a" || return 1; done &&
	echo hello > "$BXTMP/bundle/rootfs/hello" &&
	echo a > "$BXTMP/bundle/rootfs/etc/a" &&
	echo deep > "$BXTMP/bundle/rootfs/gone/deep/file" &&
	umoci repack --image "$lay:bb" "$BXTMP/bundle" &&
	umoci config --image "$lay:bb" --config.cmd /bin/sh &&
	umoci tag --image "$lay:bb" multi &&
	step_multi 'rm -f etc/a && rm -rf gone && echo b > etc/b' &&
	step_multi 'echo c > etc/c' &&
	rm -rf "$BXTMP/bundle" &&
	python3 "$REGDIR/mkimages.py" "$lay" bb
}

# start_hostile NAME [WORDS...]: tests/registry/hostile.py (a malicious
# registry, plain HTTP on 127.0.0.1) logging to $BXTMP/NAME.log; its port
# goes to $PORT.
start_hostile() {
	name=$1
	shift
	rm -f "$BXTMP/$name.port"
	: > "$BXTMP/$name.log"
	python3 "$REGDIR/hostile.py" "$BXTMP/$name.port" "$BXTMP/$name.log" "$@" \
		> "$BXTMP/$name.err" 2>&1 &
	echo $! >> "$BXTMP/pids"
	PORT=
	wait_until test -s "$BXTMP/$name.port" || return 1
	PORT=$(cat "$BXTMP/$name.port")
}
