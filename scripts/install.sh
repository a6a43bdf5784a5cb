#!/bin/sh
# install.sh BINARY BINDIR APPLETS_H CONFIG - install boxcar and its links
# the way buildroot and yocto packages expect: BINDIR/boxcar, relative
# symlinks boxcar-NAME for every applet and NAME for alias applets.
set -eu
bin=$1 dir=$2 table=$3 config=$4
mkdir -p "$dir"
install -m 0755 "$bin" "$dir/boxcar"
plain=n
grep -q '^CONFIG_INSTALL_PLAIN_NAMES=y$' "$config" && plain=y
# The table lists each enabled applet as { "name", ..., flags }.
awk '/^\t\{ "/ { name = $2; gsub(/[",]/, "", name) } /APPLET_ALIAS \},$/ { print name, "alias"; next }
     /^\t  0 \},$/ { print name }' "$table" |
while read -r name alias; do
	ln -sf boxcar "$dir/boxcar-$name"
	if [ "$plain" = y ] && [ -n "$alias" ]; then
		ln -sf boxcar "$dir/$name"
	fi
done
echo "installed $dir/boxcar and its links"
