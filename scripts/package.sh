#!/usr/bin/env bash
# Builds a memmap-check that an operator can carry to a host without a Swift toolchain or libnuma1:
#   dist/memmap-check                         release binary; the Swift runtime and FoundationEssentials
#                                             (--static-swift-stdlib), libnuma, zlib, libstdc++ and
#                                             libgcc are linked statically, so ldd lists only the C
#                                             library family (libc, libm, the loader); at most 16 MiB,
#                                             without FoundationInternationalization or ICU's data
#   dist/memmap-check.1                       man page (swift-argument-parser's generate-manual)
#   dist/completions/{memmap-check.bash,_memmap-check,memmap-check.fish}
#   dist/memmap-check_<version>_<arch>.deb    all of the above, Depends: libc6 only
#   dist/memmap-capture-{amd64,arm64,riscv64,ppc64el,s390x}
#                                             the static collector (no Swift, no libnuma), built with
#                                             Debian's cross compilers by scripts/build-collectors.sh
# The build uses its own scratch path (.build-release), so the default .build stays as it is, and
# passes the static-linking flags on the command line, so Package.swift (and `swift test`, and the
# package as a dependency) are unchanged.
#
# With --arch arm64 (on an x86_64 Debian machine, as root) it cross-builds the whole tool for arm64
# instead, with Debian unstable's Swift 6.2.3 (scripts/arm64-toolchain.sh: two chroots outside git, set
# up on first use, 12-45 minutes; then 2-10 minutes a build, by the machine's load), fully static
# (-static-executable: glibc, the Swift runtime, Foundation, libnuma, zlib and libstdc++ inside; no
# NEEDED entry, no loader), and writes, next to the native files (which it leaves alone):
#   dist/memmap-check-arm64                   the binary: runs on any arm64 (aarch64) Linux
#   dist/memmap-check_<version>_arm64.deb     binary, man page and completions; no Depends
# checking that `file` names ARM aarch64 and static linking, that readelf lists no NEEDED library, and
# (qemu-aarch64-static, installed by the toolchain setup) that its --version is this version.
#
# Usage: scripts/package.sh [--arch ARCH]  ARCH: this machine's (default) or arm64.
#   Needs: swift, libnuma-dev, zlib1g-dev, dpkg-deb, gzip, and the cross compilers
#   scripts/build-collectors.sh names; with --arch arm64: root, the Debian archive,
#   binutils (readelf), file. docs/arm64.md: how it is built and what it gives.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
native=$(dpkg --print-architecture 2>/dev/null || uname -m)
arch=$native
while [ $# -gt 0 ]; do
    case $1 in
        --arch) [ $# -ge 2 ] || { echo "package.sh: --arch needs a value (arm64 or $native)" >&2; exit 2; }; arch=$2; shift 2 ;;
        --arch=*) arch=${1#--arch=}; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "package.sh: unknown argument '$1' (expected --arch arm64, --arch $native or --help)" >&2; exit 2 ;;
    esac
done
case $arch in
    "$native" | arm64) ;;
    *) echo "package.sh: --arch '$arch' is not supported (expected arm64 or $native, this machine's)" >&2; exit 2 ;;
esac

dist=dist
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SparseCheck/Model/Version.swift)
[ -n "$version" ] || { echo "package.sh: no version in Sources/SparseCheck/Model/Version.swift" >&2; exit 1; }

# make_deb BINARY MANPAGE COMPLETIONS_DIR ARCH DEPENDS DESCRIPTION_LAST_LINE ROOT DEB: the .deb of the
# binary, its man page and completions (DEPENDS empty: no Depends field).
make_deb() {
    local bin=$1 page=$2 comp=$3 debarch=$4 depends=$5 last=$6 root=$7 deb=$8
    rm -rf "$root"
    install -D -m 0755 "$bin" "$root/usr/bin/memmap-check"
    install -d -m 0755 "$root/usr/share/man/man1"
    gzip -9n <"$page" >"$root/usr/share/man/man1/memmap-check.1.gz"
    chmod 0644 "$root/usr/share/man/man1/memmap-check.1.gz"
    install -D -m 0644 "$comp/memmap-check.bash" "$root/usr/share/bash-completion/completions/memmap-check"
    install -D -m 0644 "$comp/_memmap-check" "$root/usr/share/zsh/vendor-completions/_memmap-check"
    install -D -m 0644 "$comp/memmap-check.fish" "$root/usr/share/fish/vendor_completions.d/memmap-check.fish"
    # The maintainer: DEBFULLNAME and DEBEMAIL as dch reads them, else the author of the commit built.
    local maintainer_name maintainer_mail maintainer doc
    maintainer_name=${DEBFULLNAME:-$(git log -1 --format=%an 2>/dev/null || true)}
    maintainer_mail=${DEBEMAIL:-$(git log -1 --format=%ae 2>/dev/null || true)}
    [ -n "$maintainer_name" ] && [ -n "$maintainer_mail" ] ||
        { echo "package.sh: no maintainer: set DEBFULLNAME and DEBEMAIL (or build from a git checkout)" >&2; exit 1; }
    maintainer="$maintainer_name <$maintainer_mail>"
    doc=$root/usr/share/doc/memmap-check
    install -d -m 0755 "$doc"
    # The Debian changelog (a native package: changelog.gz), the CHANGELOG.md section of this version.
    python3 scripts/debian-changelog.py CHANGELOG.md "$version" "$maintainer" | gzip -9n >"$doc/changelog.gz"
    chmod 0644 "$doc/changelog.gz"
    # What the static binary carries and under which licenses (machine-readable, DEP-5).
    sed "s|@MAINTAINER@|$maintainer|" packaging/deb/copyright >"$doc/copyright"
    chmod 0644 "$doc/copyright"
    install -D -m 0644 packaging/deb/lintian-overrides "$root/usr/share/lintian/overrides/memmap-check"
    if [ -z "$depends" ]; then # the fully static arm64 build (no Depends at all)
        printf '%s\n' "# Fully static on purpose (scripts/package.sh --arch arm64): glibc is linked in so that the" \
            "# binary runs on any arm64 Linux, whatever its C library version (docs/arm64.md)." \
            "memmap-check: statically-linked-binary [usr/bin/memmap-check]" >>"$root/usr/share/lintian/overrides/memmap-check"
    fi
    # --- fleet monitoring (docs/fleet.md): systemd units, Prometheus rules and their test, maintainer
    # scripts that enable and start nothing (contrib/debian/postinst) ---
    install -D -m 0644 contrib/systemd/memmap-check.service "$root/lib/systemd/system/memmap-check.service"
    install -D -m 0644 contrib/systemd/memmap-check.timer "$root/lib/systemd/system/memmap-check.timer"
    install -D -m 0644 contrib/prometheus/memmap-check.rules.yml "$root/usr/share/memmap-check/prometheus/memmap-check.rules.yml"
    install -D -m 0644 contrib/prometheus/memmap-check.rules.test.yml "$root/usr/share/memmap-check/prometheus/memmap-check.rules.test.yml"
    install -D -m 0644 docs/fleet.md "$doc/fleet.md"
    install -d -m 0755 "$root/DEBIAN"
    for s in postinst prerm postrm; do install -D -m 0755 "contrib/debian/$s" "$root/DEBIAN/$s"; done
    # --- end fleet monitoring ---
    {
        echo "Package: memmap-check"
        echo "Version: $version"
        echo "Architecture: $debarch"
        echo "Maintainer: $maintainer"
        echo "Installed-Size: $(du -k -s -c "$root/usr" "$root/lib" | tail -1 | cut -f1)"
        [ -z "$depends" ] || echo "Depends: $depends"
        cat <<EOF
Section: admin
Priority: optional
Description: check that the Linux memmap is aligned as the sparse model needs
 memmap-check mirrors the kernel's SPARSEMEM / SPARSEMEM_VMEMMAP arithmetic
 and checks that the struct page array is aligned for mask-encoded compound
 pages (Linux 7.1), for one configuration (check), many (sweep, a CI gate) or
 the running host's NUMA layout (host).
 $last
EOF
    } >"$root/DEBIAN/control"
    (cd "$root" && find usr lib -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
    chmod 0644 "$root/DEBIAN/md5sums"
    dpkg-deb --root-owner-group -Zgzip -z9 --build "$root" "$deb" >/dev/null
    dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p' | grep -v '^ *Description:'
    dpkg-deb --contents "$deb" | awk '{print $6}'
}

# The arm64 build (--arch arm64 on another machine): cross-compiled in scripts/arm64-toolchain.sh's amd64
# chroot, where this repository is /src and the arm64 sysroot /sysroot.
build_arm64() {
    local scratch=.build-arm64 tc=scripts/arm64-toolchain.sh started bin out dir
    [ "$(id -u)" = 0 ] || { echo "package.sh: --arch arm64 needs root (its toolchain runs in chroots)" >&2; exit 1; }
    if ! "$tc" status >/dev/null; then
        echo "== the arm64 toolchain chroots are missing: scripts/arm64-toolchain.sh setup (12-45 minutes, once)"
        "$tc" setup
    fi
    # -resource-dir: the static runtime (static-executable-args.lnk, swiftrt.o); -sdk to swiftc as well as
    # SwiftPM's --sdk (which reaches only clang); lld cross-links; -static-executable links glibc, the
    # Swift runtime and every library statically (no loader, no NEEDED); --strip-all drops the symbols.
    local flags=(-c release --scratch-path "$scratch" --triple aarch64-unknown-linux-gnu --sdk /sysroot
        -Xswiftc -resource-dir -Xswiftc /sysroot/usr/libexec/swift/lib/swift_static
        -Xswiftc -sdk -Xswiftc /sysroot -Xswiftc -use-ld=lld
        --static-swift-stdlib -Xswiftc -static-executable -Xlinker --strip-all)
    echo "== building memmap-check $version for arm64 (release, -static-executable) in $scratch"
    started=$SECONDS
    "$tc" run swift build --product memmap-check "${flags[@]}"
    echo "arm64 build: $((SECONDS - started)) s"
    dir=$("$tc" run swift build "${flags[@]}" --show-bin-path)
    dir=$PWD/${dir#/src/}
    bin=$dist/memmap-check-arm64
    mkdir -p "$dist"
    rm -f "$bin" "$dist"/memmap-check_*_arm64.deb
    cp "$dir/memmap-check" "$bin"

    echo "== file, readelf -d $bin"
    out=$(file -b "$bin")
    echo "$out"
    grep -q 'ARM aarch64' <<<"$out" || { echo "package.sh: $bin is not an aarch64 binary (file: $out)" >&2; exit 1; }
    grep -qE 'statically linked|static-pie linked' <<<"$out" || { echo "package.sh: $bin is not statically linked (file: $out)" >&2; exit 1; }
    if readelf -d "$bin" | grep -q NEEDED; then
        readelf -d "$bin" | grep NEEDED >&2
        echo "package.sh: $bin needs shared libraries (above)" >&2
        exit 1
    fi
    if readelf -l "$bin" | grep -q 'Requesting program interpreter'; then
        echo "package.sh: $bin names a program interpreter" >&2
        exit 1
    fi
    echo "no NEEDED, no program interpreter; $(stat -c %s "$bin") bytes"
    [ "$(qemu-aarch64-static "$bin" --version)" = "$version" ] || { echo "package.sh: $bin --version under qemu-aarch64-static is not $version" >&2; exit 1; }

    # The man page by generate-manual built the same way (it runs the arm64 tool, under qemu-user
    # through binfmt_misc), the completions from the arm64 tool itself, in the scratch path: the
    # native dist/memmap-check.1 and dist/completions stay the native build's.
    echo "== man page, completions"
    "$tc" run swift build --product generate-manual "${flags[@]}" >"$scratch/generate-manual.log" 2>&1 ||
        { cat "$scratch/generate-manual.log" >&2; exit 1; }
    rm -rf "$scratch/manual" "$scratch/completions"
    mkdir -p "$scratch/manual" "$scratch/completions"
    local date
    date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
    qemu-aarch64-static "$dir/generate-manual" "$bin" --date "$date" --authors "memmap-check maintainers" \
        --output-directory "$scratch/manual" >>"$scratch/generate-manual.log" 2>&1 || { cat "$scratch/generate-manual.log" >&2; exit 1; }
    [ -s "$scratch/manual/memmap-check.1" ] || { cat "$scratch/generate-manual.log" >&2; echo "package.sh: generate-manual wrote no memmap-check.1" >&2; exit 1; }
    # As for the native build below: mdoc paragraphs for blank lines (groff), no hashbang in bash's.
    sed -i 's/^[[:space:]]*$/.Pp/' "$scratch/manual/memmap-check.1"
    qemu-aarch64-static "$bin" --generate-completion-script bash | sed '1{/^#!/d}' >"$scratch/completions/memmap-check.bash"
    qemu-aarch64-static "$bin" --generate-completion-script zsh >"$scratch/completions/_memmap-check"
    qemu-aarch64-static "$bin" --generate-completion-script fish >"$scratch/completions/memmap-check.fish"

    echo "== .deb"
    local deb=$dist/memmap-check_${version}_arm64.deb
    make_deb "$bin" "$scratch/manual/memmap-check.1" "$scratch/completions" arm64 "" \
        "Fully statically linked: needs no other package." "$scratch/deb-root" "$deb"
    echo "== dist"
    ls -l "$bin" "$deb"
    echo "package: memmap-check $version arm64, $(stat -c %s "$bin") bytes, $(basename "$deb")"
}

if [ "$arch" = arm64 ] && [ "$native" != arm64 ]; then
    build_arm64
    exit 0
fi

scratch=.build-release

# A directory holding only the static archives. SwiftPM links `-lnuma -lz` (Package.swift) and the
# static Swift runtime `-lstdc++`; a `-L` given to swiftc comes before the toolchain's own library
# directories, so each name resolves to the archive here instead of the shared library.
find_archive() { # name: the first match in the system library directories, or the C++ driver's answer
    local name=$1 path
    path=$(find /usr/lib /usr/lib64 /lib -name "$name" \( -type f -o -type l \) 2>/dev/null | sort -V | tail -1)
    if [ -z "$path" ] && command -v clang++ >/dev/null; then
        path=$(clang++ -print-file-name="$name")
        [ -f "$path" ] || path=""
    fi
    [ -n "$path" ] || { echo "package.sh: $name not found (install libnuma-dev, zlib1g-dev and libstdc++-dev)" >&2; exit 1; }
    echo "$path"
}
static_libs=$PWD/$scratch/static-libs
rm -rf "$static_libs"
mkdir -p "$static_libs"
for a in libnuma.a libz.a libstdc++.a; do
    ln -s "$(find_archive "$a")" "$static_libs/$a"
done

# The same flags for the build and for the plugin's build below, so that the plugin finds everything
# built (different flags would recompile every module and relink the binary dynamically).
# --no-export-dynamic undoes the -export-dynamic of the toolchain's static-stdlib-args.lnk: exported, every
# public symbol of SparseCheck and ArgumentParser was a root that --gc-sections kept, and 3,700 entries
# in the dynamic symbol table (300 KiB); nothing loads this executable's symbols at run time.
# lld with --icf=all folds identical functions (Swift emits many identical thunks and witnesses), and
# -z pack-relative-relocs (DT_RELR, glibc >= 2.36) packs the PIE's 0.9 MiB of relative relocations into
# 8 KiB: with gold the binary was 16,781,944 bytes, over the 16 MiB budget below; with these 15,756,608.
static_flags=(--static-swift-stdlib -Xswiftc -L"$static_libs" -Xswiftc -Xclang-linker -Xswiftc -static-libgcc
              -Xswiftc -use-ld=lld -Xlinker --no-export-dynamic -Xlinker --icf=all -Xlinker --gc-sections -Xlinker -O2
              -Xlinker -z -Xlinker pack-relative-relocs)

echo "== building memmap-check $version (release, static) in $scratch"
swift build -c release --product memmap-check --scratch-path "$scratch" "${static_flags[@]}"
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/memmap-check

# Only this architecture's files: a dist/memmap-check-arm64 built before stays.
rm -rf "$dist/memmap-check" "$dist/memmap-check.1" "$dist/completions" "$dist"/memmap-check_*_"$arch".deb
mkdir -p "$dist/completions"
cp "$bin" "$dist/memmap-check"
if command -v strip >/dev/null; then strip "$dist/memmap-check"; fi

# Only the C library family may remain dynamic.
echo "== ldd $dist/memmap-check"
ldd "$dist/memmap-check" | tee "$scratch/ldd.txt"
if grep -vE '^\s*(linux-vdso\.so|linux-gate\.so|(/[^ ]*/)?ld-linux[^ ]*\.so|lib(c|m|pthread|dl|rt|util|gcc_s)\.so)' "$scratch/ldd.txt" | grep -q .; then
    echo "package.sh: $dist/memmap-check needs a library outside the C library family (above)" >&2
    exit 1
fi
[ "$("$dist/memmap-check" --version)" = "$version" ] || { echo "package.sh: --version is not $version" >&2; exit 1; }
# Light: FoundationEssentials only (Sources import FoundationEssentials where it exists), so neither
# FoundationInternationalization nor ICU's data (30 MiB) is linked, and the binary stays within 16 MiB.
size=$(stat -c %s "$dist/memmap-check")
if grep -aqE 'FoundationInternationalization|icudt[0-9]' "$dist/memmap-check"; then
    echo "package.sh: $dist/memmap-check links FoundationInternationalization or ICU data (an 'import Foundation' in Sources?)" >&2
    exit 1
fi
if [ "$size" -gt $((16 << 20)) ]; then
    echo "package.sh: $dist/memmap-check is $size bytes, over the 16 MiB budget" >&2
    exit 1
fi

# The man page, from the command's own help, by swift-argument-parser's generate-manual (the tool
# behind its `swift package plugin generate-manual`). The plugin itself rebuilds every product of the
# package with its own build parameters (it takes no --static-swift-stdlib), which recompiles every
# module and relinks the binary dynamically; building the tool with the same flags reuses what is built.
echo "== man page"
swift build -c release --product generate-manual --scratch-path "$scratch" "${static_flags[@]}" \
    >"$scratch/generate-manual.log" 2>&1 || { cat "$scratch/generate-manual.log" >&2; exit 1; }
mkdir -p "$scratch/manual"
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F) # the commit's date: the same page from the same commit
"$(dirname "$bin")/generate-manual" "$dist/memmap-check" --date "$date" --authors "memmap-check maintainers" \
    --output-directory "$scratch/manual" >>"$scratch/generate-manual.log" 2>&1 || { cat "$scratch/generate-manual.log" >&2; exit 1; }
page=$scratch/manual/memmap-check.1
[ -s "$page" ] || { cat "$scratch/generate-manual.log" >&2; echo "package.sh: generate-manual wrote no memmap-check.1" >&2; exit 1; }
# A blank line in a man page is a groff warning ("Empty input line", on every `man memmap-check`, and
# lintian's groff-message): the help text's paragraph breaks become mdoc's paragraph macro.
sed 's/^[[:space:]]*$/.Pp/' "$page" >"$dist/memmap-check.1"
if command -v groff >/dev/null; then
    warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' groff -mandoc -ww -z -Tutf8 "$dist/memmap-check.1" 2>&1 || true)
    [ -z "$warnings" ] || { echo "package.sh: groff warns on the man page:" >&2; echo "$warnings" >&2; exit 1; }
fi

echo "== completions"
# bash completions are sourced, not run: no hashbang (lintian: bash-completion-with-hashbang).
"$dist/memmap-check" --generate-completion-script bash | sed '1{/^#!/d}' >"$dist/completions/memmap-check.bash"
"$dist/memmap-check" --generate-completion-script zsh >"$dist/completions/_memmap-check"
"$dist/memmap-check" --generate-completion-script fish >"$dist/completions/memmap-check.fish"

echo "== .deb"
# Depends: libc6 at the newest GLIBC_ symbol version the binary uses.
glibc=$(objdump -T "$dist/memmap-check" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1 || true)
# -z pack-relative-relocs (DT_RELR) needs the loader that first read it: glibc 2.36 (GLIBC_ABI_DT_RELR).
if readelf -V "$dist/memmap-check" 2>/dev/null | grep -q GLIBC_ABI_DT_RELR; then
    glibc=$(printf '%s\n' "${glibc:-0}" 2.36 | sort -V | tail -1)
fi
deb=$dist/memmap-check_${version}_${arch}.deb
make_deb "$dist/memmap-check" "$dist/memmap-check.1" "$dist/completions" "$arch" "libc6${glibc:+ (>= $glibc)}" \
    "Statically linked: needs only the C library." "$scratch/deb-root" "$deb"

echo "== collectors: dist/memmap-capture-<arch> (static C, every architecture; scripts/build-collectors.sh)"
scripts/build-collectors.sh

echo "== dist"
ls -l "$dist"/memmap-check "$dist"/memmap-check.1 "$deb" "$dist/completions"
echo "package: memmap-check $version, $(stat -c %s "$dist/memmap-check") bytes, $(basename "$deb")"
