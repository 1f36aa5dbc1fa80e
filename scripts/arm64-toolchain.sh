#!/usr/bin/env bash
# Sets up (once) and runs the arm64 cross toolchain that `scripts/package.sh --arch arm64` uses:
# Debian unstable's Swift (`swiftlang` 6.2.3; the machine's own Swift has no aarch64 runtime) in an
# amd64 unstable chroot, against an arm64 unstable chroot mounted read-only at /sysroot as the target's
# sysroot (its static Swift runtime, glibc, libnuma, zlib, libstdc++). Both chroots live outside git,
# in $ARM64_CHROOTS (default /var/tmp/memmap-check-arm64): about 6.5 GB, 12 minutes to set up on an idle
# machine, about 45 on a busy one (the arm64 one's second stage and dpkg run under qemu-user). The steps and the errors met
# on the way are in docs/arm64.md.
#
# Usage:
#   scripts/arm64-toolchain.sh setup           create both chroots unless they are complete already
#   scripts/arm64-toolchain.sh status          say whether they are complete (exit 0) or not (exit 1)
#   scripts/arm64-toolchain.sh run CMD...      run CMD in the amd64 chroot, in /src (this repository,
#                                              bind-mounted read-write), with /sysroot (the arm64
#                                              chroot, read-only) and /opt/swift-packages (the
#                                              machine's package mirror, read-only) mounted
#   scripts/arm64-toolchain.sh -h|--help
# Needs: root, network access to the Debian archive in /etc/apt/sources.list.d/debian.sources;
# installs qemu-user-static, binfmt-support and debootstrap on the machine when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

root=${ARM64_CHROOTS:-/var/tmp/memmap-check-arm64}
arm=$root/arm64
amd=$root/amd64
mirror_dir=/opt/swift-packages
arm_pkgs="swiftlang libnuma-dev zlib1g-dev libstdc++-16-dev"
amd_pkgs="swiftlang git ca-certificates libc6-dev libstdc++-16-dev"

die() { echo "arm64-toolchain.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

complete() { [ -f "$arm/.memmap-check-complete" ] && [ -f "$amd/.memmap-check-complete" ]; }

archive_uri() {
    local u
    u=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$u" ] || u=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$u" ] || die "no Debian archive address in /etc/apt/sources.list.d/debian.sources (URIs:) or /etc/apt/sources.list"
    echo "$u"
}

# Mounts for running programs in chroot $1; undone by unmount_all (on exit).
mounted=()
mount_in() { # chroot
    local c=$1 m
    for m in proc sys dev dev/pts; do
        mkdir -p "$c/$m"
        mountpoint -q "$c/$m" && continue
        case $m in
            proc) mount -t proc proc "$c/proc" ;;
            sys) mount -t sysfs sys "$c/sys" ;;
            dev) mount --bind /dev "$c/dev" ;;
            dev/pts) mount --bind /dev/pts "$c/dev/pts" ;;
        esac
        mounted+=("$c/$m")
    done
}
bind_ro() { # source target
    mkdir -p "$2"
    mountpoint -q "$2" && return 0
    mount --bind "$1" "$2"
    mounted+=("$2")
    mount -o remount,bind,ro "$2"
}
bind_rw() { # source target
    mkdir -p "$2"
    mountpoint -q "$2" && return 0
    mount --bind "$1" "$2"
    mounted+=("$2")
}
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true; done
    mounted=()
}
trap unmount_all EXIT

in_chroot() { # chroot cmd...
    local c=$1; shift
    chroot "$c" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

host_tools() {
    local need=()
    command -v debootstrap >/dev/null || need+=(debootstrap)
    [ -x /usr/bin/qemu-aarch64-static ] || need+=(qemu-user-static)
    command -v update-binfmts >/dev/null || need+=(binfmt-support)
    if [ ${#need[@]} -gt 0 ]; then
        log "installing ${need[*]} on this machine"
        # Lock timeout: other apt runs on a shared machine.
        local apt=(apt-get -o DPkg::Lock::Timeout=900)
        "${apt[@]}" install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
            { "${apt[@]}" update >/dev/null && "${apt[@]}" install -y --no-install-recommends "${need[@]}" >/dev/null; }
    fi
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    update-binfmts --enable qemu-aarch64 2>/dev/null || true
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die "qemu-aarch64 is not registered with binfmt_misc (update-binfmts --enable qemu-aarch64)"
}

make_chroot() { # debian-arch dir packages...
    local arch=$1 dir=$2; shift 2
    [ -f "$dir/.memmap-check-complete" ] && return 0
    if [ ! -x "$dir/usr/bin/apt-get" ]; then
        log "debootstrap $arch sid into $dir"
        rm -rf "$dir"
        mkdir -p "$dir"
        debootstrap --arch="$arch" --variant=minbase --keyring /usr/share/keyrings/debian-archive-keyring.gpg \
            sid "$dir" "$(archive_uri)" >"$root/debootstrap-$arch.log" 2>&1 ||
            { tail -20 "$root/debootstrap-$arch.log" >&2; die "debootstrap $arch failed (log: $root/debootstrap-$arch.log)"; }
    fi
    mount_in "$dir"
    log "installing $* in the $arch chroot"
    # Check-Valid-Until=false: this machine's clock may be ahead of the archive's Release file.
    in_chroot "$dir" apt-get -o Acquire::Check-Valid-Until=false update >"$root/apt-$arch.log" 2>&1 ||
        { tail -20 "$root/apt-$arch.log" >&2; die "apt-get update in the $arch chroot failed"; }
    in_chroot "$dir" apt-get -o Acquire::Check-Valid-Until=false install -y --no-install-recommends "$@" >>"$root/apt-$arch.log" 2>&1 ||
        { tail -20 "$root/apt-$arch.log" >&2; die "apt-get install in the $arch chroot failed (log: $root/apt-$arch.log)"; }
    in_chroot "$dir" apt-get clean
    unmount_all
}

setup() {
    [ "$(id -u)" = 0 ] || die "setup needs root (debootstrap, mount, chroot)"
    if complete; then log "chroots complete in $root"; return 0; fi
    mkdir -p "$root"
    host_tools
    make_chroot arm64 "$arm" $arm_pkgs
    # The driver looks for the static runtime (swiftrt.o, static-*-args.lnk) in usr/lib/swift_static.
    [ -e "$arm/usr/lib/swift_static" ] || ln -s ../libexec/swift/lib/swift_static "$arm/usr/lib/swift_static"
    [ -f "$arm/usr/libexec/swift/lib/swift_static/linux/static-executable-args.lnk" ] ||
        die "the arm64 chroot's swiftlang has no lib/swift_static/linux/static-executable-args.lnk"
    touch "$arm/.memmap-check-complete"
    make_chroot amd64 "$amd" $amd_pkgs
    # Swift packages resolve from the machine's mirror, as on the machine itself.
    in_chroot "$amd" git config --system "url.$mirror_dir/.insteadOf" https://github.com/
    in_chroot "$amd" git config --system --add safe.directory '*'
    touch "$amd/.memmap-check-complete"
    log "chroots complete in $root ($(du -sh "$root" 2>/dev/null | cut -f1))"
}

run() {
    [ "$(id -u)" = 0 ] || die "run needs root (mount, chroot)"
    complete || die "the chroots in $root are not complete: run scripts/arm64-toolchain.sh setup"
    mount_in "$amd"
    bind_ro "$arm" "$amd/sysroot"
    bind_rw "$repo" "$amd/src"
    [ -d "$mirror_dir" ] && bind_ro "$mirror_dir" "$amd$mirror_dir"
    # The arm64 binary is run under qemu-user by tests on this machine, not inside the chroot.
    chroot "$amd" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 /bin/sh -c 'cd /src && exec "$@"' sh "$@"
}

case ${1:-} in
    setup) setup ;;
    status) if complete; then echo "complete: $root"; else echo "missing or incomplete: $root"; exit 1; fi ;;
    run) shift; [ $# -gt 0 ] || die "run: no command given"; run "$@" ;;
    -h | --help) usage ;;
    "") usage >&2; exit 2 ;;
    *) echo "arm64-toolchain.sh: unknown command '$1' (expected setup, status, run CMD... or --help)" >&2; exit 2 ;;
esac
