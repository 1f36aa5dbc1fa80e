#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The paging mode a kernel chose at boot, where a configuration allows several.
/// (Re-point to the model's first-class paging mode when it lands: `presetName(arch:pageShift:)` is the
/// one place that maps a mode to the model.)
public enum RunningMode: Equatable, Sendable {
    /// x86_64 4-level or 5-level (LA57) paging.
    case x86(la57: Bool)
    /// riscv64 sv39 / sv48 / sv57 (the VA bits).
    case riscv(vaBits: UInt32)
    /// arm64 VA size in use (52, or the 48/47-bit fallback of a 52-bit kernel).
    case arm64(vaBits: UInt32)
    /// powerpc64 book3s radix or hash MMU.
    case powerpc(radix: Bool)

    public var name: String {
        switch self {
        case let .x86(la57): return la57 ? "5-level (la57)" : "4-level"
        case let .riscv(va): return "sv\(va)"
        case let .arm64(va): return "\(va)-bit VA"
        case let .powerpc(radix): return radix ? "radix" : "hash"
        }
    }

    /// The preset whose base formula is this mode's, for an architecture and page shift.
    public func presetName(pageShift p: UInt32) -> String {
        let k = 1 << (Int(p) - 10)
        switch self {
        case let .x86(la57): return la57 ? "x86_64-la57" : "x86_64"
        case let .riscv(va): return "riscv64-sv\(va)"
        case let .arm64(va): return "arm64-\(k)k-va\(va)"
        case let .powerpc(radix): return "powerpc64-\(radix ? "radix" : "hash")-\(k)k"
        }
    }

    /// The model's first-class paging mode for this running mode.
    public var pagingMode: PagingMode? {
        switch self {
        case let .x86(la57): return la57 ? PagingMode(rawValue: "5-level") : PagingMode(rawValue: "4-level")
        case let .riscv(va): return PagingMode(rawValue: "sv\(va)")
        case let .arm64(va): return PagingMode(rawValue: "va\(va)")
        case let .powerpc(radix): return PagingMode(rawValue: radix ? "radix" : "hash")
        }
    }

    /// The mode's architecture.
    public var arch: Arch {
        switch self {
        case .x86: return .x86_64
        case .riscv: return .riscv64
        case .arm64: return .arm64
        case .powerpc: return .powerpc64
        }
    }
}

/// One fact about the running kernel and where it was read.
public struct Sourced<T: Sendable & Equatable>: Sendable, Equatable {
    public var value: T
    public var source: String
    public init(_ value: T, _ source: String) { self.value = value; self.source = source }
}

/// What the running kernel (live, or the captured tree) says about the inputs of the model's formulas:
/// its release, paging mode, KASLR, page size and DRAM start, each with its source. Only facts read
/// from the kernel are here; what the configuration assumes stays in `SparseConfig.assumed`.
public struct RunningKernel: Sendable, Equatable {
    public var release: Sourced<String>?
    public var mode: Sourced<RunningMode>?
    /// Whether the kernel randomised its layout at boot (nil: the kernel did not say; the .config decides).
    public var kaslr: Sourced<Bool>?
    public var pageSize: Sourced<UInt64>?
    public var dramStart: Sourced<UInt64>?
    /// False when the kernel has no NUMA (no node directory, numa_available() < 0).
    public var numa: Sourced<Bool>?

    public init() {}

    // MARK: Readers of single sources

    /// `mmu : sv48` (riscv, arch/riscv/kernel/cpu.c print_mmu()), `MMU : Radix|Hash` (powerpc,
    /// platforms/*/setup.c), `la57` in the x86 flags.
    public static func mode(cpuinfo t: String, machine: String?) -> Sourced<RunningMode>? {
        for raw in t.split(separator: "\n") {
            let parts = raw.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingSpaces()
            let value = parts[1].trimmingSpaces()
            if key == "mmu", value.hasPrefix("sv"), let va = UInt32(value.dropFirst(2)), [39, 48, 57].contains(va) {
                return Sourced(.riscv(vaBits: va), "/proc/cpuinfo 'mmu : \(value)'")
            }
            if key == "MMU", value == "Radix" || value == "Hash" {
                return Sourced(.powerpc(radix: value == "Radix"), "/proc/cpuinfo 'MMU : \(value)'")
            }
            if key == "flags", machine == "x86_64" || machine == "amd64" || machine == nil {
                let la57 = value.split(separator: " ").contains("la57")
                return Sourced(.x86(la57: la57), la57 ? "'la57' in /proc/cpuinfo flags" : "no 'la57' in /proc/cpuinfo flags (4-level paging)")
            }
        }
        return nil
    }

    /// `nokaslr` / `kaslr` on the kernel command line.
    public static func kaslr(cmdline t: String, path: String) -> Sourced<Bool>? {
        let words = t.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        if words.contains("nokaslr") { return Sourced(false, "'nokaslr' on \(path)") }
        if words.contains("kaslr") { return Sourced(true, "'kaslr' on \(path)") }
        return nil
    }

    /// A kernel log line saying KASLR is off ("KASLR disabled: CPU has no PRNG", arch/s390/boot/kaslr.c;
    /// "KASLR disabled: 'nokaslr' on cmdline.", arch/x86/boot/compressed/kaslr.c). "Physical KASLR
    /// disabled" concerns the kernel image's physical address only and is not taken.
    public static func kaslr(dmesg t: String, path: String) -> Sourced<Bool>? {
        // Most logs say nothing about KASLR: an ASCII log without the bytes "KASLR disabled" has no such
        // line (in ASCII every Character but CR LF is one byte), found without splitting 4 MiB into lines.
        if asciiLacks(t, "KASLR disabled") { return nil }
        for line in t.split(separator: "\n") where line.contains("KASLR disabled") && !line.contains("Physical KASLR") {
            let msg = line.firstRange(of: "KASLR disabled").map { String(line[$0.lowerBound...]) } ?? String(line)
            return Sourced(false, "\(path): '\(msg.trimmingSpaces())'")
        }
        return nil
    }

    /// arm64: "CPU features: detected: 52-bit Virtual Addressing (LVA)" or "(LPA2)"
    /// (arch/arm64/kernel/cpufeature.c) means a 52-bit kernel runs 52-bit; a log that lists CPU features
    /// without it means the fallback. nil when the log lists no CPU features at all.
    public static func arm64VABits(dmesg t: String, path: String, configured: UInt32, pageShift: UInt32) -> Sourced<RunningMode>? {
        guard configured > 48 else { return nil }
        var sawFeatures = false
        for line in t.split(separator: "\n") where line.contains("CPU features: detected:") {
            sawFeatures = true
            if line.contains("52-bit Virtual Addressing (LVA)") || line.contains("52-bit Virtual Addressing (LPA2)") {
                return Sourced(.arm64(vaBits: 52), "\(path): 'CPU features: detected: 52-bit Virtual Addressing'")
            }
        }
        guard sawFeatures else { return nil }
        let fallback: UInt32 = pageShift == 14 ? 47 : 48
        return Sourced(.arm64(vaBits: fallback), "\(path) lists CPU features but no 52-bit Virtual Addressing: the \(configured)-bit kernel fell back to VA_BITS_MIN \(fallback)")
    }

    /// The first `KernelPageSize:` of an smaps file (fs/proc/task_mmu.c), in bytes.
    public static func pageSize(smaps t: String) -> UInt64? {
        for line in t.split(separator: "\n") where line.hasPrefix("KernelPageSize:") {
            let w = line.split(separator: " ")
            if w.count >= 3, let v = UInt64(w[1]), w[2] == "kB", v > 0 { return v * 1024 }
        }
        return nil
    }

    /// The page size a kernel .config names (`CONFIG_PAGE_SHIFT`, `CONFIG_*_<N>K_PAGES`, `CONFIG_PAGE_SIZE_<N>KB`).
    public static func pageSize(kconfig k: KconfigFile) -> Sourced<UInt64>? {
        for sym in ["PAGE_SHIFT", "ARM64_PAGE_SHIFT", "PPC_PAGE_SHIFT"] {
            if let e = k[sym], let v = Int(e.value), (10...21).contains(v) {
                return Sourced(UInt64(1) << UInt64(v), "\(k.path): \(k.cite(sym))")
            }
        }
        for (kb, shift) in [("4", 12), ("16", 14), ("64", 16)] {
            for sym in ["PAGE_SIZE_\(kb)KB", "ARM64_\(kb)K_PAGES", "PPC_\(kb)K_PAGES"] where k.bool(sym) == true {
                return Sourced(UInt64(1) << UInt64(shift), "\(k.path): \(k.cite(sym))")
            }
        }
        return nil
    }

    /// The DRAM start from the tree: the first System RAM range of /proc/iomem, else the first present
    /// pfn of /proc/zoneinfo, else the first memory block.
    public static func dramStart(_ L: NodeLayout, pageSize: UInt64?) -> Sourced<UInt64>? {
        let iomem = L.origin == "live" ? "/proc/iomem" : "proc/iomem"
        if let first = L.systemRAM?.first { return Sourced(first.start, "first System RAM in \(iomem)") }
        if let p = pageSize {
            let starts = L.nodes.flatMap(\.populatedZones).compactMap(\.startPFN)
            if let s = starts.min() {
                return Sourced(s * p, "first present pfn \(hex(s)) in \(L.origin == "live" ? "/" : "")proc/zoneinfo")
            }
        }
        if let bs = L.blockSize, let b = L.blocks.first {
            return Sourced(UInt64(b.id) * bs, "first memory block (memory\(b.id)) in \(L.origin == "live" ? "/" : "")sys/devices/system/memory")
        }
        return nil
    }
}

/// True when `text` is all ASCII and does not contain the ASCII `needle` (a byte search).
private func asciiLacks(_ text: String, _ needle: StaticString) -> Bool {
    var text = text
    return text.withUTF8 { b in
        for c in b where c >= 0x80 { return false }
        let n = needle.utf8CodeUnitCount, p = needle.utf8Start
        guard n > 0, b.count >= n else { return n > 0 }
        var i = 0
        while i <= b.count - n {
            if b[i] == p[0] {
                var k = 1
                while k < n && b[i + k] == p[k] { k += 1 }
                if k == n { return false }
            }
            i += 1
        }
        return true
    }
}
