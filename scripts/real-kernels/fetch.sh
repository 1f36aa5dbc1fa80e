#!/bin/bash
# Download Debian's kernel images, configs and static busybox for every arch into $KWORK, using a
# private apt state directory (the system's apt configuration is not touched; nothing is installed).
# fetch.sh [FLAVOUR...]: only those flavours (e.g. `fetch.sh arm64`: the arm64 kernel, its config and
# busybox-static:arm64); default every one.
set -euo pipefail
. "$(dirname "$0")/common.sh"
ARCHES="amd64:amd64 arm64:arm64 arm64:arm64-16k riscv64:riscv64 ppc64el:powerpc64le ppc64el:powerpc64le-64k s390x:s390x"
if [ $# -gt 0 ]; then
  want=""
  for f in "$@"; do
    m=""; for a in $ARCHES; do [ "${a#*:}" = "$f" ] && m=$a; done
    [ -n "$m" ] || { echo "fetch.sh: unknown flavour '$f' (expected one of: $(for a in $ARCHES; do printf '%s ' "${a#*:}"; done))" >&2; exit 2; }
    want="$want $m"
  done
  ARCHES=$want
fi
uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
A=$KWORK/apt/sid; mkdir -p $A/lists/partial $A/cache/archives/partial "$KWORK/debs" "$KWORK/img" "$KWORK/configs"
echo "deb [arch=amd64,arm64,riscv64,ppc64el,s390x signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri sid main" > $A/sources.list
APT="-o Dir::Etc::sourcelist=$A/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache -o APT::Architectures=amd64,arm64,riscv64,ppc64el,s390x"
apt-get $APT update
pk=""
for a in $ARCHES; do d=${a%%:*}; f=${a#*:}; pk="$pk linux-binary-$KREL+$KABI-$f:$d linux-base-$KREL+$KABI-$f:$d"; done
for d in $(for a in $ARCHES; do echo "${a%%:*}"; done | sort -u); do pk="$pk busybox-static:$d"; done
(cd "$KWORK/debs" && apt-get $APT download $pk)
for deb in "$KWORK"/debs/*.deb; do n=$(basename "$deb" .deb); [ -d "$KWORK/img/$n" ] || dpkg-deb -x "$deb" "$KWORK/img/$n"; done
for a in $ARCHES; do d=${a%%:*}; f=${a#*:}
  cp "$KWORK"/img/linux-base-$KREL+$KABI-${f}_*/usr/lib/modules/*/config "$KWORK/configs/debian-$d-$f-$KREL.config"; done
