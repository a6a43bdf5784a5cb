#!/bin/sh
# kconfig-defaults.sh CONFIG KCONFIG... - give the symbols a .config lacks
# their Kconfig defaults, as `olddefconfig` does, without Python: what the
# package recipes (contrib/) need, which write a few lines of .config on
# build hosts that have no kconfiglib.
#
# Understands what this tree's Kconfig files use: bool, string and int
# symbols; `default VALUE`; `depends on A [&& B...]` (a bool whose
# dependency is off is off; a string or int is left out). Help text is
# skipped. Symbols the .config sets, or says are not set, keep their
# value.
set -eu
config=$1
shift

awk '
	FNR == 1 { fileno++ }
	fileno <= nkconfig && /^(menu)?config[ \t]+[A-Za-z0-9_]+/ {
		sym = $2; inhelp = 0
		if (!(sym in type)) order[n++] = sym
		type[sym] = "bool"; next
	}
	fileno <= nkconfig && /^(menu|endmenu|source|mainmenu|comment|choice|endchoice|if|endif)/ {
		sym = ""; inhelp = 0; next
	}
	fileno <= nkconfig && inhelp { next }
	fileno <= nkconfig && sym != "" && /^[ \t]+(help|---help---)[ \t]*$/ { inhelp = 1; next }
	fileno <= nkconfig && sym != "" && /^[ \t]+(bool|tristate|string|int|hex)([ \t]|$)/ {
		type[sym] = $1; next
	}
	fileno <= nkconfig && sym != "" && /^[ \t]+default[ \t]/ {
		if (!(sym in def)) { d = $0; sub(/^[ \t]+default[ \t]+/, "", d); def[sym] = d }
		next
	}
	fileno <= nkconfig && sym != "" && /^[ \t]+depends[ \t]+on[ \t]/ {
		d = $0; sub(/^[ \t]+depends[ \t]+on[ \t]+/, "", d); gsub(/[ \t]/, "", d)
		if (sym in dep) d = dep[sym] "&&" d # (not in one expression: mawk
		dep[sym] = d                        # makes dep[sym] first)
		next
	}
	fileno > nkconfig && /^CONFIG_[A-Za-z0-9_]+=/ {
		eq = index($0, "="); s = substr($0, 8, eq - 8); val[s] = substr($0, eq + 1); set[s] = 1
	}
	fileno > nkconfig && /^# CONFIG_[A-Za-z0-9_]+ is not set$/ {
		s = substr($2, 8); val[s] = "n"; set[s] = 1
	}
	function on(s) { return val[s] == "y" || val[s] == "m" }
	END {
		for (i = 0; i < n; i++) {
			s = order[i]
			if (s in set) continue
			v = (s in def) ? def[s] : (type[s] == "bool" ? "n" : "")
			if (type[s] == "string" && v !~ /^"/) v = "\"" v "\""
			val[s] = v
		}
		# a bool whose dependency is off is off, and so on down the chain;
		# a string or int whose dependency is off is left out, as
		# kconfiglib leaves it (config.h then has 0 or "")
		for (changed = 1; changed; ) {
			changed = 0
			for (i = 0; i < n; i++) {
				s = order[i]
				if ((s in set) || !(s in dep) || (s in hidden)) continue
				if ((type[s] == "bool" || type[s] == "tristate") && !on(s)) continue
				k = split(dep[s], parts, "&&")
				for (j = 1; j <= k; j++)
					if (!on(parts[j])) {
						if (type[s] == "bool" || type[s] == "tristate") val[s] = "n"
						else hidden[s] = 1
						changed = 1
						break
					}
			}
		}
		for (i = 0; i < n; i++) {
			s = order[i]
			if ((s in set) || (s in hidden)) continue
			if (type[s] == "bool" || type[s] == "tristate")
				print on(s) ? "CONFIG_" s "=y" : "# CONFIG_" s " is not set"
			else
				print "CONFIG_" s "=" val[s]
		}
	}' nkconfig=$# "$@" "$config" > "$config.defaults"

if [ -s "$config.defaults" ]; then
	cat "$config" "$config.defaults" > "$config.tmp" && mv "$config.tmp" "$config"
fi
rm -f "$config.defaults"
