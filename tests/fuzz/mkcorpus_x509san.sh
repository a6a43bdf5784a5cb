#!/bin/sh
# mkcorpus_x509san.sh - the seeds of fuzz_x509san: certificates made with
# openssl (signed by a throwaway CA), each after the selector byte and
# the address fuzz_x509san.c reads first. Needs openssl and python3. Run from anywhere; writes
# tests/fuzz/corpus/x509san/.
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/x509san
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ca -keyout ca.key -out ca.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -out ec.key 2>/dev/null

# mk NAME ADDRESS SUBJECT SAN [critical,] [ec]
mk() {
	if [ -n "${6:-}" ]; then
		openssl req -new -key ec.key -subj "$3" -out r.csr 2>/dev/null
	else
		openssl req -newkey rsa:2048 -nodes -keyout k.key -subj "$3" -out r.csr 2>/dev/null
	fi
	if [ -n "$4" ]; then printf 'subjectAltName=%s%s\n' "${5:-}" "$4" > ext; else : > ext; fi
	openssl x509 -req -in r.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile ext -outform DER -out c.der 2>/dev/null
	{
		python3 -c 'import ipaddress, sys
a = ipaddress.ip_address(sys.argv[1]).packed
sys.stdout.buffer.write(bytes([len(a) == 16]) + a)' "$2"
		cat c.der
	} > "$out/$1"
}
mk ip4-match 127.0.0.1 /CN=bxtest IP:127.0.0.1
mk ip4-other 127.0.0.1 /CN=bxtest "IP:127.0.0.2,DNS:localhost"
mk dns-only 127.0.0.1 /CN=bxtest DNS:localhost
mk cn-only 127.0.0.1 /CN=127.0.0.1 ""
mk ip6-match ::1 /CN=bxtest "IP:::1,IP:10.0.0.1"
mk ip6-critical fe80::1 /CN=bxtest "IP:fe80::1,email:a@b,URI:http://x/" "critical,"
mk ec-many 192.168.1.10 /CN=bxtest "DNS:a,DNS:b,IP:192.168.1.10,IP:::ffff:192.168.1.10" "" ec
