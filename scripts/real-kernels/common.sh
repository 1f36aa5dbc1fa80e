# Shared settings for the real-kernel scripts (sourced). KWORK holds downloads and boots (not in git).
KWORK=${KWORK:-/work/kernels}
KREL=${KREL:-7.2.13}
KABI=${KABI:-deb14}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# arch_info ARCH -> sets DEBARCH FLAVOUR KARCH(uname -m) CC QEMU CONSOLE
arch_info() {
  case "$1" in
    amd64)       DEBARCH=amd64;   FLAVOUR=amd64;           KARCH=x86_64;  CC=gcc;                        QEMU=qemu-system-x86_64;  CONSOLE=ttyS0 ;;
    riscv64)     DEBARCH=riscv64; FLAVOUR=riscv64;         KARCH=riscv64; CC=riscv64-linux-gnu-gcc;      QEMU=qemu-system-riscv64; CONSOLE=ttyS0 ;;
    arm64)       DEBARCH=arm64;   FLAVOUR=arm64;           KARCH=aarch64; CC=aarch64-linux-gnu-gcc;      QEMU=qemu-system-aarch64; CONSOLE=ttyAMA0 ;;
    arm64-16k)   DEBARCH=arm64;   FLAVOUR=arm64-16k;       KARCH=aarch64; CC=aarch64-linux-gnu-gcc;      QEMU=qemu-system-aarch64; CONSOLE=ttyAMA0 ;;
    ppc64le)     DEBARCH=ppc64el; FLAVOUR=powerpc64le;     KARCH=ppc64le; CC=powerpc64le-linux-gnu-gcc;  QEMU=qemu-system-ppc64;   CONSOLE=hvc0 ;;
    ppc64le-64k) DEBARCH=ppc64el; FLAVOUR=powerpc64le-64k; KARCH=ppc64le; CC=powerpc64le-linux-gnu-gcc;  QEMU=qemu-system-ppc64;   CONSOLE=hvc0 ;;
    s390x)       DEBARCH=s390x;   FLAVOUR=s390x;           KARCH=s390x;   CC=s390x-linux-gnu-gcc;        QEMU=qemu-system-s390x;   CONSOLE=ttysclp0 ;;
    *) echo "unknown arch '$1' (expected amd64, riscv64, arm64, arm64-16k, ppc64le, ppc64le-64k, s390x)" >&2; return 2 ;;
  esac
  KDIR=$(ls -d "$KWORK"/img/linux-binary-$KREL+$KABI-${FLAVOUR}_*/usr/lib/modules/* 2>/dev/null | head -1)
  BUSYBOX=$(ls "$KWORK"/img/busybox-static_*_$DEBARCH/usr/bin/busybox 2>/dev/null | head -1)
}

# Symbols kread reads on every architecture (missing ones are reported as missing).
KREAD_SYMS="vmemmap_base page_offset_base vmalloc_base vmemmap_start_pfn phys_ram_base satp_mode memstart_addr kimage_voffset vmemmap __kernel_virt_start __vmalloc_start __abs_lowcore __kaslr_offset __kaslr_offset_phys"
