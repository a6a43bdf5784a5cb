#!/bin/sh
# mkcorpus_x509san.sh - the seeds of fuzz_x509san: certificates made with
# openssl (signed by a throwaway CA), each after the selector byte and
# the address fuzz_x509san.c reads first. Run from anywhere; writes
# tests/fuzz/corpus/x509san/.
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/x509san
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ca -keyout ca.key -out ca.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -out ec.key 2>/dev/null

# mk NAME SELECTOR ADDRESS-HEX SUBJECT SAN [critical,] [ec]
mk() {
	if [ -n "${7:-}" ]; then
		openssl req -new -key ec.key -subj "$4" -out r.csr 2>/dev/null
	else
		openssl req -newkey rsa:2048 -nodes -keyout k.key -subj "$4" -out r.csr 2>/dev/null
	fi
	if [ -n "$5" ]; then printf 'subjectAltName=%s%s\n' "${6:-}" "$5" > ext; else : > ext; fi
	openssl x509 -req -in r.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile ext -outform DER -out c.der 2>/dev/null
	{ printf "\\$(printf %03o "$2")"; echo "$3" | xxd -r -p; cat c.der; } > "$out/$1"
}
mk ip4-match 0 7f000001 /CN=bxtest IP:127.0.0.1
mk ip4-other 0 7f000001 /CN=bxtest "IP:127.0.0.2,DNS:localhost"
mk dns-only 0 7f000001 /CN=bxtest DNS:localhost
mk cn-only 0 7f000001 /CN=127.0.0.1 ""
mk ip6-match 1 00000000000000000000000000000001 /CN=bxtest "IP:::1,IP:10.0.0.1"
mk ip6-critical 1 fe800000000000000000000000000001 /CN=bxtest \
	"IP:fe80::1,email:a@b,URI:http://x/" "critical,"
mk ec-many 0 c0a8010a /CN=bxtest "DNS:a,DNS:b,IP:192.168.1.10,IP:::ffff:192.168.1.10" "" ec
