#!/bin/busybox sh
# /init of the capture initramfs (built by build-initramfs.sh). Runs as PID 1, root.
# Copies what `memmap-check host` reads (mirrors HostCapture.plan) into /tmp/out/capture, optionally
# runs memmap-check, runs kread (the independent kcore reading), and prints everything as one
# base64 tar.gz between markers on the console, then powers off.
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1
. /scenario.env
echo "kread-init: arch=$ARCH scenario=$SCENARIO"

O=/tmp/out; C=$O/capture
mkdir -p $O
if [ -x /usr/local/bin/memmap-capture ]; then
  # the collector first, as root, before kread -g touches kptr_restrict; its tar is what is carried out
  echo "kread-init: memmap-capture"
  s=$(date +%s)
  memmap-capture -o $O/collector.tar /tmp/collector > $O/collector.out 2> $O/collector.stderr; echo $? > $O/collector.rc
  echo $(( $(date +%s) - s )) > $O/collector.seconds
  cat $O/collector.out $O/collector.stderr
  ls -l /usr/local/bin/memmap-capture > $O/collector.size
  # The BTF blob (megabytes, slow over the console) is not sent back: the tree goes out without it, with
  # the collector's own tar's size and checksum; make-collector-fixture.sh rebuilds a trimmed BTF from
  # kread's reading of the same /sys/kernel/btf/vmlinux.
  { ls -l $O/collector.tar; sha256sum $O/collector.tar; wc -c < /tmp/collector/sys/kernel/btf/vmlinux; } > $O/collector.tar.txt 2>&1
  rm -f $O/collector.tar /tmp/collector/sys/kernel/btf/vmlinux
  mkdir -p $O/collector; cp -a /tmp/collector/. $O/collector/
fi
mkdir -p $C/proc/sys/kernel $C/sys/kernel/mm/transparent_hugepage
for f in version cpuinfo cmdline iomem meminfo zoneinfo; do cat /proc/$f > $C/proc/$f; done
cat /proc/sys/kernel/osrelease > $C/proc/sys/kernel/osrelease
[ -e /proc/config.gz ] && cat /proc/config.gz > $C/proc/config.gz
t=/sys/kernel/mm/transparent_hugepage/hpage_pmd_size; [ -e $t ] && cat $t > $C$t
ND=/sys/devices/system/node
if [ -d $ND ]; then
  mkdir -p $C$ND
  for f in possible online has_memory has_cpu has_normal_memory; do [ -e $ND/$f ] && cat $ND/$f > $C$ND/$f; done
  for n in $ND/node[0-9]*; do
    [ -d "$n" ] || continue
    nn=${n##*/}; mkdir -p $C$n
    for f in cpulist distance meminfo; do cat $n/$f > $C$n/$f; done
    for m in $n/memory[0-9]*; do [ -e "$m" ] && ln -s ../../memory/${m##*/} $C$n/${m##*/}; done
  done
fi
MD=/sys/devices/system/memory
if [ -d $MD ]; then
  mkdir -p $C$MD
  cat $MD/block_size_bytes > $C$MD/block_size_bytes
  for m in $MD/memory[0-9]*; do
    [ -d "$m" ] || continue
    mkdir -p $C$m
    for f in phys_index state valid_zones; do cat $m/$f > $C$m/$f 2>/dev/null; done
    for l in $m/node[0-9]*; do [ -e "$l" ] && ln -s ../../node/${l##*/} $C$m/${l##*/}; done
  done
fi
dmesg > $C/dmesg.txt
uname -r > $C/uname.txt
uname -a > $O/uname-a.txt
{
  echo "KernelPageSize: $(grep -m1 KernelPageSize /proc/self/smaps)"
  echo "getconf PAGESIZE: $(getconf PAGESIZE 2>&1)"
  echo "kptr_restrict (boot default): $(cat /proc/sys/kernel/kptr_restrict)"
  echo "btf bytes: $(wc -c < /sys/kernel/btf/vmlinux 2>&1)"
  echo "lockdown: $(cat /sys/kernel/security/lockdown 2>&1)"
  echo "kcore: $(ls -l /proc/kcore 2>&1)"
} > $O/extra.txt

if [ -x /usr/local/bin/memmap-check ]; then
  T=$O/tool; mkdir -p $T
  # each run is bounded (TOOL_TIMEOUT seconds) and timed; rc 143 = killed by the timeout
  run() { n=$1; shift; echo "kread-init: memmap-check $n"
          s=$(date +%s); timeout ${TOOL_TIMEOUT:-300} "$@" > $T/$n.out 2> $T/$n.stderr; echo $? > $T/$n.rc
          echo $(( $(date +%s) - s )) > $T/$n.seconds; }
  run host-root-json memmap-check host --format json
  run host-root-text memmap-check host
  run capture memmap-check capture $T/capture
  # the BTF blob (megabytes) is not sent back; its size is recorded instead
  if [ -e $T/capture/sys/kernel/btf/vmlinux ]; then
    wc -c < $T/capture/sys/kernel/btf/vmlinux > $T/capture-btf-size.txt; rm -f $T/capture/sys/kernel/btf/vmlinux
  fi
  chmod 755 / /tmp
  run host-nobody-json su -s /bin/sh nobody -c "id >&2; memmap-check host --format json"
  run host-nobody-text su -s /bin/sh nobody -c "memmap-check host"
fi

echo "kread-init: running kread"
/usr/local/bin/kread -g $KREAD_SYMS > $O/kread.txt 2>&1; echo "rc=$?" >> $O/kread.txt
cat $O/kread.txt

dmesg -n 1
tar czf /tmp/out.tgz -C $O .
echo "===KREAD-DATA-BEGIN==="
base64 /tmp/out.tgz
echo "===KREAD-DATA-END==="
sync
poweroff -f
reboot -f
