/// A named architecture configuration. Its parameters come from the architecture's own
/// definitions (see `sources`), and its vmemmap base from the architecture's formula evaluated by
/// the C mirror — never a typed-in base.
public struct Preset: Sendable {
    public let name: String
    public let arch: Arch
    public let summary: String
    /// Kernel files (and notes) each parameter comes from.
    public let sources: [String]
    /// The default page shift of the preset.
    public let pageShift: UInt32
    /// Builds the configuration for a page shift (the preset's own, or a `--page-size` what-if).
    let make: @Sendable (UInt32) -> SparseConfig

    /// The preset's configuration with its defaults.
    public var config: SparseConfig { make(pageShift) }

    /// The preset's configuration for another page size, re-deriving what depends on it.
    public func config(pageShift p: UInt32) -> SparseConfig { make(p) }
}

extension Preset {
    /// Every preset, in display order.
    public static let all: [Preset] = x86Presets + arm64Presets + riscvPresets + loongarchPresets
        + powerpcPresets + s390Presets

    public static func named(_ name: String) -> Preset? {
        all.first { $0.name == name.lowercased() }
    }

    /// The preset for the build machine's architecture in its common configuration.
    public static var hostDefault: Preset {
        #if arch(x86_64)
        return named("x86_64")!
        #elseif arch(arm64)
        return named("arm64-4k-va48")!
        #elseif arch(riscv64)
        return named("riscv64-sv39")!
        #elseif arch(powerpc64le) || arch(powerpc64)
        return named("powerpc64-radix-64k")!
        #elseif arch(s390x)
        return named("s390x")!
        #else
        return named("x86_64")!
        #endif
    }

    // MARK: x86_64

    static let x86Presets: [Preset] = [false, true].map { la57 in
        Preset(
            name: la57 ? "x86_64-la57" : "x86_64", arch: .x86_64,
            summary: la57 ? "x86_64, 5-level paging (LA57)" : "x86_64, 4-level paging",
            sources: [
                "SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS \(la57 ? 52 : 46): arch/x86/include/asm/sparsemem.h",
                "PMD_SHIFT 21, PUD_SHIFT 30: arch/x86/include/asm/pgtable_64_types.h",
                "vmemmap_base = __VMEMMAP_BASE_\(la57 ? "L5" : "L4") (no KASLR): arch/x86/include/asm/pgtable_64_types.h",
                "MAX_PAGE_ORDER 10 (no ARCH_FORCE_MAX_ORDER): include/linux/mmzone.h",
                "ARCH_HAS_GIGANTIC_PAGE, ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP, HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD: arch/x86/Kconfig",
                "ARCH_WANT_HUGETLB_VMEMMAP_PREINIT (if X86_64, since 6.14; arch/x86/Kconfig:150 in 7.2); HUGETLB_PAGE_OPTIMIZE_VMEMMAP selects SPARSEMEM_VMEMMAP_PREINIT if it (fs/Kconfig:281): one more section_mem_map flag bit, only with HVO",
            ],
            pageShift: 12,
            make: { p in
                var c = SparseConfig(
                    preset: la57 ? "x86_64-la57" : "x86_64", arch: .x86_64, pageShift: p, sectionSizeBits: 27,
                    maxPhysmemBits: la57 ? 52 : 46, maxPageOrder: 10, pmdShift: 21, pudShift: 30,
                    archHasGiganticPage: true, haveTHPPud: true, archWantHVO: true, hvo: true,
                    layout: .x86_64(la57: la57))
                c.archWantVmemmapPreinit = true
                c.pinMode(la57 ? .level5 : .level4)
                if p != 12 { c.notes.append("x86_64 has only 4 KiB pages: a what-if with \(Units.human(c.pageSize)) pages") }
                return c.withKconfigHVO()
            })
    }

    // MARK: arm64

    /// arm64 hardware page-table geometry (arch/arm64/include/asm/pgtable-hwdef.h):
    /// ARM64_HW_PGTABLE_LEVELS(va) = ((va) - 4) / (PAGE_SHIFT - 3);
    /// ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = (PAGE_SHIFT - 3) * (4 - (n)) + 3.
    static func arm64Config(name: String, pageShift p: UInt32, vaBits: UInt32) -> SparseConfig {
        let levels = (vaBits - 4) / max(p - 3, 1)
        func levelShift(_ n: UInt32) -> UInt32 { (p - 3) * (4 - n) + 3 }
        let pmd = levelShift(2)
        // A folded PUD takes the shift of the level above (PGDIR_SHIFT).
        let pud = levels >= 4 ? levelShift(1) : levelShift(max(4 - min(levels, 4), 1))
        let vaMin: UInt32 = vaBits > 48 ? (p == 14 ? 47 : 48) : vaBits
        let memstartShift: UInt32 = p == 12 ? levelShift(1) : (p == 14 ? pmd + 5 : pmd)
        var c = SparseConfig(
            preset: name, arch: .arm64, pageShift: p, sectionSizeBits: p == 16 ? 29 : 27,
            maxPhysmemBits: vaBits > 48 ? 52 : 48, maxPageOrder: p == 16 ? 13 : (p == 14 ? 11 : 10),
            pmdShift: pmd, pudShift: pud, archHasGiganticPage: true, haveTHPPud: false, archWantHVO: false,
            hvo: false, dramBase: 0x4000_0000,
            layout: .arm64(vaBits: vaBits, vaBitsMin: vaMin, memstartShift: memstartShift, vaBitsActual: vaBits))
        c.zoneDevice = true
        if let m = PagingMode.arm64(vaBits) { c.pinMode(m) }
        return c.withKconfigHVO()
    }

    static let arm64Presets: [Preset] = {
        let table: [(UInt32, [UInt32])] = [(12, [39, 48, 52]), (14, [36, 47, 48, 52]), (16, [42, 48, 52])]
        return table.flatMap { p, vas in
            vas.map { va in
                let name = "arm64-\(1 << (p - 10))k-va\(va)"
                return Preset(
                    name: name, arch: .arm64,
                    summary: "arm64, \(1 << (p - 10)) KiB pages, \(va)-bit VA\(va == 52 ? " (LPA2 / 52-bit)" : "")",
                    sources: [
                        "SECTION_SIZE_BITS \(p == 16 ? 29 : 27), MAX_PHYSMEM_BITS = CONFIG_ARM64_PA_BITS: arch/arm64/include/asm/sparsemem.h",
                        "ARCH_FORCE_MAX_ORDER default \(p == 16 ? 13 : (p == 14 ? 11 : 10)): arch/arm64/Kconfig",
                        "VMEMMAP_START = -SZ_1G - ((_PAGE_END(VA_BITS_MIN) - PAGE_OFFSET) >> PAGE_SHIFT) * sizeof(struct page): arch/arm64/include/asm/memory.h",
                        "vmemmap = VMEMMAP_START - (memstart_addr >> PAGE_SHIFT): arch/arm64/include/asm/pgtable.h",
                        "memstart_addr = round_down(DRAM start, ARM64_MEMSTART_ALIGN): arch/arm64/mm/init.c (ARM64_MEMSTART_ALIGN: asm/kernel-pgtable.h)",
                        "PMD/PUD shifts: ARM64_HW_PGTABLE_LEVEL_SHIFT, arch/arm64/include/asm/pgtable-hwdef.h",
                        "no ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP (no HVO): arch/arm64/Kconfig",
                        "DRAM start default 0x40000000 (QEMU virt); set it with \(OptionName.dramBase.flag)",
                    ],
                    pageShift: p,
                    make: { pp in arm64Config(name: name, pageShift: pp, vaBits: va) })
            }
        }
    }()

    // MARK: riscv64

    static let riscvPresets: [Preset] = [
        ("sv39", UInt32(39), UInt64(0xffff_ffd6_0000_0000)),
        ("sv48", 48, 0xffff_af80_0000_0000),
        ("sv57", 57, 0xff60_0000_0000_0000),
    ].map { mode, va, pageOffset in
        let name = "riscv64-\(mode)"
        return Preset(
            name: name, arch: .riscv64, summary: "riscv64, \(mode) paging, DRAM at 0x80000000",
            sources: [
                "SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS 56: arch/riscv/include/asm/sparsemem.h",
                "PAGE_OFFSET_L\(va == 39 ? 3 : (va == 48 ? 4 : 5)) \(hex(pageOffset)): arch/riscv/include/asm/page.h",
                "VMEMMAP_START = VMALLOC_START - (1 << (VA_BITS - PAGE_SHIFT - 1 + STRUCT_PAGE_MAX_SHIFT)), VMALLOC_START = PAGE_OFFSET - KERN_VIRT_SIZE / 2: arch/riscv/include/asm/pgtable.h; Documentation/arch/riscv/vm-layout.rst",
                "vmemmap_start_pfn = round_down(DRAM start & PMD_MASK, VMEMMAP_ADDR_ALIGN) >> PAGE_SHIFT: setup_bootmem(), arch/riscv/mm/init.c",
                "VMEMMAP_ADDR_ALIGN: 6.18 1 << SECTION_SIZE_BITS; 7.1 max(1 << SECTION_SIZE_BITS, MAX_FOLIO_VMEMMAP_ALIGN) (476849b0fba4, v7 05/18); next: max(..., PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page))) (seen only in a later copy of init.c; no release known, hence 'next')",
                "ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP, ARCH_HAS_GIGANTIC_PAGE: arch/riscv/Kconfig",
                "DRAM start default 0x80000000 (QEMU virt); set it with \(OptionName.dramBase.flag)",
            ],
            pageShift: 12,
            make: { p in
                var c = SparseConfig(
                    preset: name, arch: .riscv64, pageShift: p, sectionSizeBits: 27, maxPhysmemBits: 56,
                    maxPageOrder: 10, pmdShift: 21, pudShift: 30, archHasGiganticPage: true, haveTHPPud: true,
                    archWantHVO: true, hvo: true, dramBase: 0x8000_0000,
                    layout: .riscv64(vaBits: va, pageOffset: pageOffset))
                c.pinMode(PagingMode(rawValue: mode)!)
                if p != 12 { c.notes.append("riscv64 has only 4 KiB pages: a what-if with \(Units.human(c.pageSize)) pages") }
                return c.withKconfigHVO()
            })
    }

    // MARK: loongarch64

    static let loongarchPresets: [Preset] = [(UInt32(12), UInt32(4)), (14, 3), (16, 3)].map { p, levels in
        let name = "loongarch64-\(1 << (p - 10))k"
        return Preset(
            name: name, arch: .loongarch64,
            summary: "LoongArch64, \(1 << (p - 10)) KiB pages, \(levels)-level page tables, 48-bit VA/PA",
            sources: [
                "SECTION_SIZE_BITS 29, MAX_PHYSMEM_BITS 48, VMEMMAP_SIZE = sizeof(struct page) * (1 << (cpu_pabits + 1 - PAGE_SHIFT)): arch/loongarch/include/asm/sparsemem.h",
                "VMALLOC_END = vm_map_base + min(PTRS_PER_PGD*PUD*PMD*PTE * PAGE_SIZE, 1 << cpu_vabits) - PMD_SIZE - VMEMMAP_SIZE - KFENCE_AREA_SIZE: arch/loongarch/include/asm/pgtable.h",
                "vmemmap: 6.18 (VMALLOC_END + PMD_SIZE) & PMD_MASK; 7.1 ALIGN(VMALLOC_END, VMEMMAP_ALIGN = max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN)) (2969b42c8f99, v7 06/18): arch/loongarch/include/asm/pgtable.h",
                "PMD_SHIFT = 2*PAGE_SHIFT - 3; ARCH_FORCE_MAX_ORDER default \(p == 16 ? 13 : (p == 14 ? 11 : 10)); \(levels)-level layout: arch/loongarch/Kconfig",
                "ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP but no ARCH_HAS_GIGANTIC_PAGE: arch/loongarch/Kconfig",
                "assumed: cpu_vabits = cpu_pabits = 48 (Loongson 3A5000/3A6000), KFENCE off, no KASAN",
            ],
            pageShift: p,
            make: { pp in
                var c = SparseConfig(
                    preset: name, arch: .loongarch64, pageShift: pp, sectionSizeBits: 29, maxPhysmemBits: 48,
                    maxPageOrder: pp >= 16 ? 13 : (pp == 14 ? 11 : 10), pmdShift: 2 * pp - 3,
                    pudShift: levels >= 4 ? 3 * pp - 6 : (levels == 3 ? 3 * pp - 6 : 2 * pp - 3),
                    archHasGiganticPage: false, haveTHPPud: false, archWantHVO: true, hvo: true,
                    layout: .loongarch64(levels: levels, cpuVABits: 48, cpuPABits: 48, kfenceAreaSize: 0))
                c.assumed.append("cpu_vabits = cpu_pabits = 48, KFENCE off")
                return c.withKconfigHVO()
            })
    }

    // MARK: powerpc64

    static let powerpcPresets: [Preset] = [
        ("radix", UInt32(12)), ("radix", 16), ("hash", 12), ("hash", 16),
    ].map { mmu, p in
        let name = "powerpc64-\(mmu)-\(1 << (p - 10))k"
        let hash4k = mmu == "hash" && p == 12
        let g = powerpcGeometry(mmu: mmu == "radix" ? .radix : .hash, pageShift: p)
        let (start, mapSize, pmd, pud) = (g.start, g.mapSize, g.pmd, g.pud)
        return Preset(
            name: name, arch: .powerpc64,
            summary: "powerpc64 book3s, \(mmu) MMU, \(1 << (p - 10)) KiB pages",
            sources: [
                "SECTION_SIZE_BITS 24: arch/powerpc/include/asm/sparsemem.h",
                "MAX_PHYSMEM_BITS 51 (max of H_ and R_MAX_PHYSMEM_BITS with SPARSEMEM_VMEMMAP + EXTREME): arch/powerpc/include/asm/book3s/64/{pgtable,radix,hash}.h",
                "ARCH_FORCE_MAX_ORDER default \(p == 16 ? 8 : 12): arch/powerpc/Kconfig",
                mmu == "radix"
                    ? "RADIX_VMEMMAP_START = RADIX_KERN_IO_END = 0xc008000000000000 + 2 * RADIX_KERN_MAP_SIZE (2^49): arch/powerpc/include/asm/book3s/64/radix.h"
                    : (hash4k
                        ? "H_VMEMMAP_START = H_KERN_IO_END = 0xc0003d0000000000 + 2 * 2^40 (REGION_SHIFT 40): arch/powerpc/include/asm/book3s/64/hash-4k.h, hash.h"
                        : "H_VMEMMAP_START = H_KERN_IO_END = 0xc008000000000000 + 2 * H_KERN_MAP_SIZE (2^49): arch/powerpc/include/asm/book3s/64/hash-64k.h, hash.h"),
                "PMD/PUD: \(mmu) index sizes in arch/powerpc/include/asm/book3s/64/\(mmu)-\(p == 16 ? "64k" : "4k").h",
                "ARCH_HAS_GIGANTIC_PAGE if ARCH_SUPPORTS_HUGETLBFS; no ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP: arch/powerpc/Kconfig",
            ],
            pageShift: p,
            make: { pp in
                var c = SparseConfig(
                    preset: name, arch: .powerpc64, pageShift: pp, sectionSizeBits: 24, maxPhysmemBits: 51,
                    maxPageOrder: pp >= 16 ? 8 : 12, pmdShift: max(pmd, pp + 1), pudShift: max(pud, pmd),
                    archHasGiganticPage: true, haveTHPPud: false, archWantHVO: false, hvo: false,
                    layout: .powerpc64(kernVirtStart: start, kernMapSize: mapSize))
                c.zoneDevice = true
                c.pinMode(mmu == "radix" ? .radix : .hash)
                return c.withKconfigHVO()
            })
    }

    /// powerpc64 book3s geometry of an MMU and page size. Radix (both page sizes) and hash 64K:
    /// KERN_VIRT_START 0xc008000000000000, regions of 2^49 (radix.h, hash-64k.h:29,40). Hash 4K (since
    /// 7746406baa3b, 2020): 0xc0003d0000000000, regions of 2^40 (hash-4k.h:22-33). vmemmap = start + 2 * size.
    static func powerpcGeometry(mmu: PagingMode, pageShift p: UInt32) -> (start: UInt64, mapSize: UInt64, pmd: UInt32, pud: UInt32) {
        let hash4k = mmu == .hash && p == 12
        let start: UInt64 = hash4k ? 0xc000_3d00_0000_0000 : 0xc008_0000_0000_0000
        let mapSize: UInt64 = hash4k ? 1 << 40 : 1 << 49
        let (pmd, pud): (UInt32, UInt32) = mmu == .radix ? (21, 30) : (p == 12 ? (21, 28) : (24, 34))
        return (start, mapSize, pmd, pud)
    }

    // MARK: s390x

    static let s390Presets: [Preset] = [
        Preset(
            name: "s390x", arch: .s390x, summary: "s390x, 4-level (region-2) kernel address space, 16 GiB identity map",
            sources: [
                "SECTION_SIZE_BITS 27 (28 before 2024), MAX_PHYSMEM_BITS = CONFIG_MAX_PHYSMEM_BITS (default 46): arch/s390/include/asm/sparsemem.h, arch/s390/Kconfig",
                "pages = SECTION_ALIGN_UP(__abs_lowcore / (PAGE_SIZE + sizeof(struct page))); vmemmap_start = round_down(__abs_lowcore - pages * sizeof(struct page), rte_size): setup_kernel_memory_layout(), arch/s390/boot/startup.c:425-428 (7.2)",
                "__abs_lowcore without KASLR: below VMALLOC_START = CONFIG_KERNEL_IMAGE_BASE (default 0x3FFE0000000) - MODULES_LEN (2 GiB) - vmalloc_size (VMALLOC_DEFAULT_SIZE 510 GiB), the memcpy real area and NR_CPUS * sizeof(struct lowcore) (8 KiB): startup.c:320-423, asm/page.h:289-291, asm/pgtable.h:92-100, asm/abs_lowcore.h:8",
                "asce_limit _REGION2_SIZE, rte_size _REGION3_SIZE (2 GiB) while CONFIG_KERNEL_IMAGE_BASE + KERNEL_IMAGE_SIZE <= 4 TiB (no KASAN); under KASLR the kernel image (and so __abs_lowcore) moves: only the rte_size alignment holds for every placement",
                "NR_CPUS default 64 (arch/s390/Kconfig); memory below 4 TiB (ident_map_size / 8 stays below VMALLOC_DEFAULT_SIZE)",
                "HVO removed by 64e2f60f355e (Nov 2025); ARCH_HAS_GIGANTIC_PAGE: arch/s390/Kconfig",
            ],
            pageShift: 12,
            make: { p in
                var c = SparseConfig(
                    preset: "s390x", arch: .s390x, pageShift: p, sectionSizeBits: 27, maxPhysmemBits: 46,
                    maxPageOrder: 10, pmdShift: 20, pudShift: 31, archHasGiganticPage: true, haveTHPPud: false,
                    archWantHVO: false, hvo: false,
                    layout: .s390x(identMapSize: 16 << 30, kernelImageBase: 0x3FF_E000_0000, nrCPUs: 64))
                c.assumed.append("no KASLR; memory below 4 TiB; CONFIG_KERNEL_IMAGE_BASE 0x3ffe0000000 and NR_CPUS 64 (Kconfig defaults); no vmalloc= on the command line")
                if p != 12 { c.notes.append("s390x has only 4 KiB pages: a what-if with \(Units.human(c.pageSize)) pages") }
                return c.withKconfigHVO()
            }),
    ]
}

extension SparseConfig {
    /// Fixes the paging mode (a preset's own).
    mutating func pinMode(_ m: PagingMode) {
        pagingMode = m
        allowedModes = [m]
        modePinned = true
    }
}
