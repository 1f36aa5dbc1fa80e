#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
internal import CCapture

/// One present section's `section_mem_map` and what it encodes: with SPARSEMEM_VMEMMAP,
/// sparse_init_one_section() (mm/internal.h, 7.2) stores `mem_map - section_nr_to_pfn(pnum)`, which is
/// pfn_to_page(0) for every section, above the flag bits (below SECTION_MAP_LAST_BIT).
public struct SectionWitness: Sendable, Equatable {
    public var section: UInt64
    public var sectionMemMap: UInt64
    public var pfnToPage0: UInt64
}

/// A kernel variable read from kernel memory.
public struct SymbolValue: Sendable, Equatable {
    public var name: String
    public var address: UInt64
    public var value: UInt64
}

/// The running kernel's real pfn_to_page(0), read from /proc/kcore (or a capture's record of that read).
public struct ObservedBase: Sendable, Equatable {
    /// `/proc/kcore`.
    public var source: String
    /// How the value was read: live, or replayed from a capture manifest.
    public var readFrom: String
    public var pfnToPage0: UInt64
    /// What gives pfn_to_page(0): `vmemmap_base`, a formula over variables, or the section witnesses.
    public var via: String
    public var witnesses: [SectionWitness] = []
    public var symbols: [SymbolValue] = []
    /// Disagreements between the witnesses and the variables, and other remarks.
    public var notes: [String] = []
    /// The lowest and highest virtual address kcore's PT_LOAD segments cover.
    public var kcoreSpan: (lowest: UInt64, highest: UInt64)? = nil

    public static func == (a: ObservedBase, b: ObservedBase) -> Bool {
        a.source == b.source && a.pfnToPage0 == b.pfnToPage0 && a.via == b.via && a.witnesses == b.witnesses
            && a.symbols == b.symbols && a.notes == b.notes
    }

    public func symbol(_ name: String) -> UInt64? { symbols.first { $0.name == name }?.value }
}

/// Reads the real pfn_to_page(0) of the running kernel: the architecture's variables through
/// /proc/kallsyms and /proc/kcore, plus the first present sections' `section_mem_map` as a formula-free
/// witness. Never changes a system setting (kptr_restrict, lockdown); every refusal becomes a reason.
public enum ObservedReader {
    /// Where the live kernel is read (tests point these at files they write).
    public struct Paths: Sendable {
        public var kcore = "/proc/kcore"
        public var kallsyms = "/proc/kallsyms"
        public var lockdown = "/sys/kernel/security/lockdown"
        public var kptrRestrict = "/proc/sys/kernel/kptr_restrict"
        /// The kernel's BTF (the collector's section walk takes sizeof(struct mem_section) and
        /// SECTION_MAP_LAST_BIT from it).
        public var btf = "/sys/kernel/btf/vmlinux"
        /// Refuse early when not root (the live host); tests reading their own files turn it off.
        public var requireRoot = true
        public init() {}
    }

    /// The variables that give pfn_to_page(0) on an architecture (../shared/reference/real-kernels.md):
    /// the collector's table (CCapture, ccap_symbol_names), so live reads and captures read the same.
    public static func symbolNames(_ arch: Arch) -> [String] {
        let machine: String
        switch arch {
        case .x86_64: machine = "x86_64"
        case .riscv64: machine = "riscv64"
        case .arm64: machine = "aarch64"
        case .powerpc64: machine = "ppc64le"
        case .s390x: machine = "s390x"
        case .loongarch64: machine = "loongarch64"
        }
        guard let list = ccap_symbol_names(machine) else { return [] }
        var out: [String] = []
        var i = 0
        while let p = list[i] { out.append(String(cString: p)); i += 1 }
        return out
    }

    /// The selected lockdown mode (`none [integrity] confidentiality` -> integrity), or nil.
    public static func lockdownMode(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else { return nil }
        return String(text[text.index(after: open)..<close])
    }

    /// Reads the observed base, or says why it cannot.
    public static func read(_ config: SparseConfig, paths: Paths = Paths()) -> Result<ObservedBase, KcoreError> {
        let names = symbolNames(config.arch)
        // Lockdown in confidentiality mode refuses /proc/kcore (LOCKDOWN_KCORE, security/lockdown).
        var lockdown: String?
        if let t = try? String(contentsOfFile: paths.lockdown, encoding: .utf8), let m = lockdownMode(t), m != "none" {
            lockdown = m
            if m == "confidentiality" {
                return .failure(KcoreError(paths.kcore, "kernel lockdown is '\(m)' (\(paths.lockdown)): the kernel refuses /proc/kcore"))
            }
        }
        guard FileManager.default.fileExists(atPath: paths.kcore) else {
            return .failure(KcoreError(paths.kcore, "missing (a kernel without CONFIG_PROC_KCORE)"))
        }
        if paths.requireRoot && geteuid() != 0 {
            return .failure(KcoreError(paths.kcore, "not readable as uid \(geteuid()): reading kernel memory needs root (CAP_SYS_RAWIO)"))
        }
        let wanted = Set(names + ["mem_section"])
        let syms: Kallsyms.Lookup
        do {
            syms = try Kallsyms.lookup(wanted, path: paths.kallsyms)
        } catch let e as KcoreError {
            return .failure(e)
        } catch {
            return .failure(KcoreError(paths.kallsyms, "\(error)"))
        }
        if syms.zeroed {
            let kr = (try? String(contentsOfFile: paths.kptrRestrict, encoding: .utf8))?.trimmingSpacesAndNewlines()
            return .failure(KcoreError(paths.kallsyms, "every address reads as zero (kptr_restrict = \(kr ?? "unknown") in \(paths.kptrRestrict)); memmap-check does not change it"))
        }
        let kcore: KcoreFile
        do {
            kcore = try KcoreFile(path: paths.kcore)
        } catch let e as KcoreError {
            let why = lockdown.map { " (kernel lockdown is '\($0)')" } ?? ""
            return .failure(KcoreError(e.path, e.problem + why))
        } catch {
            return .failure(KcoreError(paths.kcore, "\(error)"))
        }
        return observe(config, kcore: kcore, symbols: syms.addresses, missingOK: names, source: paths.kcore)
    }

    /// The observed base from an open core and the symbol addresses.
    static func observe(_ config: SparseConfig, kcore: KcoreFile, symbols addrs: [String: UInt64], missingOK names: [String],
                        source: String) -> Result<ObservedBase, KcoreError> {
        var symbols: [SymbolValue] = []
        var problems: [String] = []
        for name in names {
            guard let a = addrs[name] else { problems.append("\(name) is not in /proc/kallsyms"); continue }
            do { symbols.append(SymbolValue(name: name, address: a, value: try kcore.u64(a))) }
            catch { problems.append("\(name) at \(hex(a)): \(error)") }
        }
        var notes: [String] = []
        var witnesses: [SectionWitness] = []
        if config.sparsememVmemmap {
            if let ms = addrs["mem_section"] {
                do { witnesses = try sectionWitnesses(config, kcore: kcore, memSection: ms) }
                catch { notes.append("mem_section: \(error)") }
            } else {
                notes.append("mem_section is not in /proc/kallsyms (CONFIG_KALLSYMS_ALL not set?): no section witness")
            }
        }
        let fromSymbols = formulaValue(config, symbols)
        let value: UInt64
        let via: String
        if let f = fromSymbols, f.direct {
            (value, via) = (f.value, f.expression)
        } else if let w = witnesses.first {
            (value, via) = (w.pfnToPage0, "section_mem_map of section \(w.section) with its flag bits cleared")
        } else if let f = fromSymbols {
            (value, via) = (f.value, f.expression)
        } else {
            let why = (problems + notes).joined(separator: "; ")
            return .failure(KcoreError(source, "no variable gives pfn_to_page(0)\(why.isEmpty ? "" : ": \(why)")"))
        }
        if let f = fromSymbols, f.value != value {
            notes.append("the variables give \(hex(f.value)) (\(f.expression)) but the section_mem_map witness gives \(hex(value))")
        }
        for w in witnesses where w.pfnToPage0 != value {
            notes.append("section \(w.section)'s section_mem_map encodes \(hex(w.pfnToPage0)), not \(hex(value))")
        }
        notes += problems
        var o = ObservedBase(source: source, readFrom: "live", pfnToPage0: value, via: via, witnesses: witnesses, symbols: symbols, notes: notes)
        if let span = try? kcore.loadSpan(), span.count > 0 { o.kcoreSpan = (span.lowest, span.highest) }
        return .success(o)
    }

    /// pfn_to_page(0) from the architecture's variables; `direct` when one variable is the base itself.
    static func formulaValue(_ c: SparseConfig, _ syms: [SymbolValue]) -> (value: UInt64, expression: String, direct: Bool)? {
        func v(_ n: String) -> UInt64? { syms.first { $0.name == n }?.value }
        let S = c.structPageSize
        switch c.arch {
        case .x86_64:
            return v("vmemmap_base").map { ($0, "vmemmap_base", true) }
        case .powerpc64, .s390x:
            return v("vmemmap").map { ($0, "vmemmap", true) }
        case .riscv64:
            // vmemmap = (struct page *)VMEMMAP_START - vmemmap_start_pfn (arch/riscv/include/asm/pgtable.h);
            // VMEMMAP_START is the running mode's constant.
            guard let pfn = v("vmemmap_start_pfn"), let p = try? c.baseParts() else { return nil }
            return (p.start &- pfn &* S, "VMEMMAP_START \(hex(p.start)) (\(c.preset)) - vmemmap_start_pfn \(hex(pfn)) * \(S)", false)
        case .arm64:
            // vmemmap = (struct page *)VMEMMAP_START - (memstart_addr >> PAGE_SHIFT), memstart_addr an s64
            // (arch/arm64/include/asm/pgtable.h); VMEMMAP_START is fixed by VA_BITS_MIN.
            guard let m = v("memstart_addr"), let p = try? c.baseParts() else { return nil }
            let pfn = UInt64(bitPattern: Int64(bitPattern: m) >> Int64(c.pageShift))
            return (p.start &- pfn &* S, "VMEMMAP_START \(hex(p.start)) - (memstart_addr \(hex(m)) >> \(c.pageShift)) * \(S)", false)
        case .loongarch64:
            return nil
        }
    }

    /// The most section roots and sections looked at.
    static let maxRoots = 64
    static let maxWitnesses = 3

    /// The first present sections with a mem_map: `mem_section` is `struct mem_section **` with
    /// SPARSEMEM_EXTREME, else the static array `mem_section[NR_SECTION_ROOTS][SECTIONS_PER_ROOT]`.
    static func sectionWitnesses(_ c: SparseConfig, kcore: KcoreFile, memSection: UInt64) throws -> [SectionWitness] {
        let size = UInt64(c.memSectionSize)
        let perRoot = c.sparsememExtreme ? c.pageSize / size : 1
        let lastBit = try c.derive(base: 0).sectionMapLastBit
        let mask = ~((UInt64(1) << UInt64(lastBit)) - 1)
        let rootBytes = Int(min(perRoot * size, 65536))
        let roots: UInt64? = c.sparsememExtreme ? try kcore.u64(memSection) : nil
        if c.sparsememExtreme && roots == 0 { return [] }
        var out: [SectionWitness] = []
        for i in 0..<UInt64(maxRoots) {
            let root: UInt64
            if let roots { root = try kcore.u64(roots &+ i * 8) } else { root = memSection &+ i * perRoot * size }
            if root == 0 { continue }
            let b = try kcore.read(root, count: rootBytes)
            for j in 0..<(UInt64(rootBytes) / size) {
                let raw = kcore.value64(b, at: Int(j * size))
                // SECTION_MARKED_PRESENT (bit 0) and SECTION_HAS_MEM_MAP (bit 1), include/linux/mmzone.h.
                guard raw & 3 == 3 else { continue }
                out.append(SectionWitness(section: i * perRoot + j, sectionMemMap: raw, pfnToPage0: raw & mask))
                if out.count == maxWitnesses { return out }
            }
        }
        return out
    }

    // MARK: Capture manifest

    /// The manifest form of an observation (`observed` in memmap-check-capture.json).
    public static func manifestJSON(_ o: ObservedBase) -> JSON {
        .object([
            ("source", .string(o.source)),
            ("pfn_to_page0", .string(hex(o.pfnToPage0))),
            ("via", .string(o.via)),
            ("witnesses", .array(o.witnesses.map { w in
                .object([("section", .uint(w.section)), ("section_mem_map", .string(hex(w.sectionMemMap))), ("pfn_to_page0", .string(hex(w.pfnToPage0)))])
            })),
            ("symbols", .object(o.symbols.map { ($0.name, .object([("address", .string(hex($0.address))), ("value", .string(hex($0.value)))])) })),
            ("notes", .array(o.notes.map { .string($0) })),
            ("kcore_span", o.kcoreSpan.map { .array([.string(hex($0.lowest)), .string(hex($0.highest))]) } ?? .null),
        ])
    }

    /// An observation recorded in a capture manifest, or the reason recorded there.
    public static func fromManifest(_ m: [String: Any]) -> Result<ObservedBase, KcoreError>? {
        let name = HostReader.manifestName
        if let o = m["observed"] as? [String: Any] {
            func num(_ v: Any?) -> UInt64? {
                guard let s = v as? String else { return nil }
                return s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
            }
            guard let v = num(o["pfn_to_page0"]) else {
                return .failure(KcoreError(name, "observed.pfn_to_page0 is not a hex address"))
            }
            var ob = ObservedBase(source: o["source"] as? String ?? "/proc/kcore", readFrom: name, pfnToPage0: v,
                                  via: o["via"] as? String ?? "recorded")
            for w in o["witnesses"] as? [[String: Any]] ?? [] {
                if let s = w["section"] as? Int, let raw = num(w["section_mem_map"]), let p = num(w["pfn_to_page0"]) {
                    ob.witnesses.append(SectionWitness(section: UInt64(s), sectionMemMap: raw, pfnToPage0: p))
                }
            }
            if let s = o["symbols"] as? [String: Any] {
                for (k, val) in s.sorted(by: { $0.key < $1.key }) {
                    if let d = val as? [String: Any], let a = num(d["address"]), let x = num(d["value"]) {
                        ob.symbols.append(SymbolValue(name: k, address: a, value: x))
                    }
                }
            }
            ob.notes = o["notes"] as? [String] ?? []
            if let span = o["kcore_span"] as? [String], span.count == 2, let lo = num(span[0]), let hi = num(span[1]) {
                ob.kcoreSpan = (lo, hi)
            }
            return .success(ob)
        }
        if let why = m["observed_unavailable"] as? String {
            return .failure(KcoreError(name, "at capture time: \(why)"))
        }
        return nil
    }
}
