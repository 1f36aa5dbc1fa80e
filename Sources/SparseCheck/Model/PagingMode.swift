/// A paging mode (virtual-address layout) the kernel picks at boot, where one kernel build allows
/// several: riscv64 sv39/sv48/sv57, x86_64 4-/5-level (LA57), arm64 52-bit VA or its fallback
/// (48 bits; 47 with 16K pages), powerpc64 book3s radix or hash MMU.
public enum PagingMode: String, CaseIterable, Sendable {
    case sv39, sv48, sv57
    case level4 = "4-level", level5 = "5-level"
    case va36, va39, va42, va47, va48, va52
    case radix, hash

    /// The architecture the mode belongs to.
    public var arch: Arch {
        switch self {
        case .sv39, .sv48, .sv57: return .riscv64
        case .level4, .level5: return .x86_64
        case .va36, .va39, .va42, .va47, .va48, .va52: return .arm64
        case .radix, .hash: return .powerpc64
        }
    }

    /// arm64: the VA size (vabits_actual); riscv: VA_BITS of the mode.
    public var vaBits: UInt32? {
        switch self {
        case .sv39: return 39
        case .sv48: return 48
        case .sv57: return 57
        case .va36: return 36
        case .va39: return 39
        case .va42: return 42
        case .va47: return 47
        case .va48: return 48
        case .va52: return 52
        default: return nil
        }
    }

    /// The arm64 mode for a VA size.
    static func arm64(_ va: UInt32) -> PagingMode? {
        [PagingMode.va36, .va39, .va42, .va47, .va48, .va52].first { $0.vaBits == va }
    }

    /// The riscv64 mode for a VA size (sv39, sv48, sv57).
    static func riscv(_ va: UInt32) -> PagingMode? {
        [PagingMode.sv39, .sv48, .sv57].first { $0.vaBits == va }
    }

    /// The mode as a host report names the one it runs: `4-level`, `5-level (la57)`, `sv48`,
    /// `52-bit VA`, `radix`.
    public var name: String {
        switch self {
        case .level5: return "5-level (la57)"
        case .va36, .va39, .va42, .va47, .va48, .va52: return "\(vaBits!)-bit VA"
        default: return rawValue
        }
    }

    /// The preset whose base formula is this mode's, for a page shift.
    public func presetName(pageShift p: UInt32) -> String {
        let k = 1 << (Int(p) - 10)
        switch arch {
        case .x86_64: return self == .level5 ? "x86_64-la57" : "x86_64"
        case .riscv64: return "riscv64-\(rawValue)"
        case .arm64: return "arm64-\(k)k-\(rawValue)"
        default: return "powerpc64-\(rawValue)-\(k)k"
        }
    }

    /// riscv64 PAGE_OFFSET of the mode (arch/riscv/include/asm/page.h:29-31, 7.2).
    var riscvPageOffset: UInt64 {
        switch self {
        case .sv48: return 0xffff_af80_0000_0000
        case .sv57: return 0xff60_0000_0000_0000
        default: return 0xffff_ffd6_0000_0000
        }
    }

    /// What the kernel reads to pick the mode, and what selects the others (for reports).
    public var howChosen: String {
        switch arch {
        case .riscv64: return "satp mode probed at boot (set_satp_mode(), arch/riscv/mm/init.c); no4lvl/no5lvl lower it; /proc/cpuinfo 'mmu' shows it"
        case .x86_64: return "LA57 when the CPU has it and no5lvl is not given; /proc/cpuinfo flag 'la57' shows it"
        case .arm64: return "52-bit VA when the CPU has LPA2 (4K/16K) or LVA (64K), else VA_BITS_MIN (arm64_memblock_init() moves memstart_addr)"
        case .powerpc64: return "radix on POWER9+ unless disable_radix; /proc/cpuinfo 'MMU' shows Radix or Hash"
        default: return ""
        }
    }
}

extension SparseConfig {
    /// This configuration in paging mode `m`: the layout (and what the mode changes: MAX_PHYSMEM_BITS on
    /// x86, page-table shifts on powerpc) for `m`, with the mode pinned. `m` must be allowed.
    public func withPagingMode(_ m: PagingMode) throws -> SparseConfig {
        guard allowedModes.contains(m) else {
            let allowed = allowedModes.isEmpty ? "none (\(arch.rawValue) has one fixed layout)" : allowedModes.map(\.rawValue).joined(separator: ", ")
            throw InputError("\(OptionName.pagingMode.flag) \(m.rawValue)", expected: "a paging mode \(preset) allows: \(allowed)")
        }
        var c = self
        c.pagingMode = m
        c.modePinned = true
        switch (m, layout) {
        case (.sv39, .riscv64), (.sv48, .riscv64), (.sv57, .riscv64):
            c.layout = .riscv64(vaBits: m.vaBits!, pageOffset: m.riscvPageOffset)
        case (.level4, .x86_64), (.level5, .x86_64):
            c.layout = .x86_64(la57: m == .level5)
            // MAX_PHYSMEM_BITS (pgtable_l5_enabled() ? 52 : 46): arch/x86/include/asm/sparsemem.h:29.
            c.maxPhysmemBits = m == .level5 ? 52 : 46
        case let (_, .arm64(vaBits, vaBitsMin, memstartShift, _)):
            c.layout = .arm64(vaBits: vaBits, vaBitsMin: vaBitsMin, memstartShift: memstartShift, vaBitsActual: m.vaBits!)
        case (.radix, .powerpc64), (.hash, .powerpc64):
            let g = Preset.powerpcGeometry(mmu: m, pageShift: pageShift)
            c.layout = .powerpc64(kernVirtStart: g.start, kernMapSize: g.mapSize)
            c.pmdShift = max(g.pmd, pageShift + 1)
            c.pudShift = max(g.pud, g.pmd)
        default:
            throw InputError("\(OptionName.pagingMode.flag) \(m.rawValue)", expected: "a paging mode of \(arch.rawValue)")
        }
        return c
    }

    /// One configuration per paging mode the configuration allows, or itself when its mode is pinned
    /// (a preset, `--paging-mode`, a host's running mode) or it allows at most one.
    public func pagingModeVariants() throws -> [SparseConfig] {
        guard !modePinned, allowedModes.count > 1 else { return [self] }
        return try allowedModes.map { try withPagingMode($0) }
    }
}
