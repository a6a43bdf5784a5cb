#!/bin/sh
# bloat.sh OLD NEW [NM] - what changed between two builds, symbol by
# symbol, like the kernel's and busybox's bloat-o-meter: the symbols
# that were added, removed, grew or shrank, biggest change first, and the
# total. OLD and NEW are unstripped binaries (boxcar_unstripped); NM is
# the nm to read them with (the cross one for a cross build).
#
# Sizes are what nm -S reports. Static symbols with the same name in
# different files are added up under that name; aliases (two names at
# one address, as musl's weak ones) count once. Zero-initialised data
# (.bss, nm's b/B) costs no flash and is left out of the table, but its
# total change is shown on the last line.
set -eu
[ $# -ge 2 ] || { echo "usage: bloat.sh OLD NEW [NM]" >&2; exit 1; }
old=$1 new=$2 nm=${3:-nm}
for f in "$old" "$new"; do
	[ -f "$f" ] || { echo "bloat.sh: no such file: $f" >&2; exit 1; }
done
# "address size type name" for every symbol with a size, then the two lists.
syms() { "$nm" -S --size-sort "$1" | awk 'NF == 4'; }
{ syms "$old" | sed 's/^/old /'; syms "$new" | sed 's/^/new /'; } | awk '
	function hex(s,   i, n) { # mawk has no strtonum
		n = 0; s = tolower(s)
		for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	{
		n = hex($3); t = $4; name = $5
		if (($1, $2, $3) in alias) next # a second name for the same bytes
		alias[$1, $2, $3] = 1
		if (t ~ /^[bB]$/) { bss[$1] += n; next }
		seen[name] = 1
		if ($1 == "old") { o[name] += n; inold[name] = 1; told += n }
		else { w[name] += n; innew[name] = 1; tnew += n }
	}
	END {
		for (s in seen) {
			d = w[s] - o[s]
			if (d == 0) continue
			if (!(s in inold)) add++
			else if (!(s in innew)) rem++
			else if (d > 0) grow++
			else shrink++
			if (d > 0) up += d; else down += d
			line[++nl] = sprintf("%-48s %7s %7s %+7d", s, (s in inold) ? o[s] : "-",
				(s in innew) ? w[s] : "-", d)
			key[nl] = d < 0 ? -d : d
		}
		printf "add/remove: %d/%d grow/shrink: %d/%d up/down: %d/%d (%+d)\n",
			add, rem, grow, shrink, up, down, up + down
		printf "%-48s %7s %7s %7s\n", "symbol", "old", "new", "delta"
		# biggest change first (insertion sort: the list is short)
		for (i = 2; i <= nl; i++) {
			l = line[i]; k = key[i]
			for (j = i - 1; j >= 1 && key[j] < k; j--) { line[j + 1] = line[j]; key[j + 1] = key[j] }
			line[j + 1] = l; key[j + 1] = k
		}
		for (i = 1; i <= nl; i++) print line[i]
		printf "Total: before=%d after=%d, chg %+.2f%% (symbols with a size, .bss apart: %+d)\n",
			told, tnew, told ? (tnew - told) * 100 / told : 0, bss["new"] - bss["old"]
	}'
