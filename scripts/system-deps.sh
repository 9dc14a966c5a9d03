#!/bin/sh
# Install the Debian packages named in $DEBS that are missing.
# As root: apt-get install them. Otherwise: print the exact command and stop.
missing=""
for p in $DEBS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages:$missing (this is not a Debian/Ubuntu system: install their equivalents)" >&2
    exit 1
fi
if [ "$(id -u)" = "0" ]; then
    echo "Installing system packages:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
    echo "Missing system packages. Run once, then try again:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    exit 1
fi
