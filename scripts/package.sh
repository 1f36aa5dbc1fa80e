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
# The build uses its own scratch path (.build-release), so the default .build stays as it is, and
# passes the static-linking flags on the command line, so Package.swift (and `swift test`, and the
# package as a dependency) are unchanged.
#
# Usage: scripts/package.sh            Needs: swift, libnuma-dev, zlib1g-dev, dpkg-deb, gzip.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-release
dist=dist
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SparseCheck/Model/Version.swift)
[ -n "$version" ] || { echo "package.sh: no version in Sources/SparseCheck/Model/Version.swift" >&2; exit 1; }
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)

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
static_flags=(--static-swift-stdlib -Xswiftc -L"$static_libs" -Xswiftc -Xclang-linker -Xswiftc -static-libgcc
              -Xlinker --no-export-dynamic)

echo "== building memmap-check $version (release, static) in $scratch"
swift build -c release --product memmap-check --scratch-path "$scratch" "${static_flags[@]}"
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/memmap-check

rm -rf "$dist"
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
cp "$page" "$dist/memmap-check.1"

echo "== completions"
"$dist/memmap-check" --generate-completion-script bash >"$dist/completions/memmap-check.bash"
"$dist/memmap-check" --generate-completion-script zsh >"$dist/completions/_memmap-check"
"$dist/memmap-check" --generate-completion-script fish >"$dist/completions/memmap-check.fish"

echo "== .deb"
# Depends: libc6 at the newest GLIBC_ symbol version the binary uses.
glibc=$(objdump -T "$dist/memmap-check" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1 || true)
root=$scratch/deb-root
rm -rf "$root"
install -D -m 0755 "$dist/memmap-check" "$root/usr/bin/memmap-check"
install -d -m 0755 "$root/usr/share/man/man1"
gzip -9n <"$dist/memmap-check.1" >"$root/usr/share/man/man1/memmap-check.1.gz"
chmod 0644 "$root/usr/share/man/man1/memmap-check.1.gz"
install -D -m 0644 "$dist/completions/memmap-check.bash" "$root/usr/share/bash-completion/completions/memmap-check"
install -D -m 0644 "$dist/completions/_memmap-check" "$root/usr/share/zsh/vendor-completions/_memmap-check"
install -D -m 0644 "$dist/completions/memmap-check.fish" "$root/usr/share/fish/vendor_completions.d/memmap-check.fish"
install -D -m 0644 CHANGELOG.md "$root/usr/share/doc/memmap-check/changelog"
gzip -9n "$root/usr/share/doc/memmap-check/changelog"
install -d -m 0755 "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOF
Package: memmap-check
Version: $version
Architecture: $arch
Maintainer: memmap-check maintainers <memmap-check@localhost>
Installed-Size: $(du -k -s "$root/usr" | cut -f1)
Depends: libc6${glibc:+ (>= $glibc)}
Section: admin
Priority: optional
Description: check that the Linux memmap is aligned as the sparse memory model needs
 memmap-check mirrors the kernel's SPARSEMEM / SPARSEMEM_VMEMMAP arithmetic and checks
 that the struct page array is aligned for mask-encoded compound pages (Linux 7.1),
 for one configuration (check), many (sweep, a CI gate) or the running host's NUMA
 layout (host). Statically linked: needs only the C library.
EOF
deb=$dist/memmap-check_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zgzip -z9 --build "$root" "$deb" >/dev/null
dpkg-deb --info "$deb" | sed -n '/Package:/,/Depends:/p'
dpkg-deb --contents "$deb" | awk '{print $6}'

echo "== dist"
ls -l "$dist" "$dist/completions"
echo "package: memmap-check $version, $(stat -c %s "$dist/memmap-check") bytes, $(basename "$deb")"
