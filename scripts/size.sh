#!/bin/sh
# size.sh BINARY MAPFILE - how big boxcar is and what it is made of.
#
# Reads the linker map (-Wl,-Map): every input section that was kept
# (after --gc-sections) is charged to its object file, or to the library
# it came from (liblz4.a, libbearssl.a, libz.a, libc.a), so size
# regressions show where they come from. .bss costs no flash: shown apart.
set -eu
bin=$1 map=$2
printf 'boxcar (stripped): %s bytes\n' "$(wc -c < "$bin" | tr -d ' ')"
awk '
	function hex(s,   i, n, c) { # mawk has no strtonum
		n = 0; s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	function charge(sec, size, file,   who, lib) {
		who = file
		if (who ~ /\/libcore\.a\(/) { sub(/.*\(/, "core/", who); sub(/\)$/, "", who); lib = "boxcar (own code)" }
		else if (who ~ /\/build\/obj\//) { sub(/.*\/build\/obj\//, "", who); lib = "boxcar (own code)" }
		else if (who ~ /\.a\(/) { sub(/.*\//, "", who); lib = who; sub(/\(.*/, "", lib) }
		else { sub(/.*\//, "", who); lib = "startup files" }
		if (sec ~ /^\.bss|^\.sbss|^COMMON/) bss[who] += size
		else if (sec ~ /^\.(text|rodata|data|sdata|init_array|fini_array|got|tbss|tdata|srodata)/) {
			flash[who] += size; group[lib] += size
		}
	}
	/^Discarded input sections/ { skip = 1 }
	/^Memory map|^Linker script and memory map/ { skip = 0 }
	skip { next }
	# " .text.foo  0xADDR  0xSIZE file" on one line, or the name alone and
	# the rest on the next line when the section name is long.
	/^ \.[^ ]+$/ || /^ COMMON$/ { pending = $1; next }
	pending != "" && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { charge(pending, hex($2), $3); pending = ""; next }
	{ pending = "" }
	/^ (\.[^ ]+|COMMON) +0x[0-9a-f]+ +0x[0-9a-f]+ / { charge($1, hex($3), $4) }
	END {
		print "\nBy component (code + data, before stripping symbols):"
		for (g in group) printf "  %8d  %s\n", group[g], g | "sort -rn"
		close("sort -rn")
		print "\nBiggest contributors (object file or library member):"
		for (w in flash) printf "  %8d  %s\n", flash[w], w | "sort -rn | head -n 20"
		close("sort -rn | head -n 20")
		t = 0; for (w in bss) t += bss[w]
		printf "\nZero-initialised memory (.bss, no flash): %d bytes\n", t
	}' "$map"
