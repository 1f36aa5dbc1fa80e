#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

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
    /// The paging mode the kernel chose at boot, where a configuration allows several.
    public var mode: Sourced<PagingMode>?
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
    public static func mode(cpuinfo t: String, machine: String?) -> Sourced<PagingMode>? {
        for raw in t.split(separator: "\n") {
            let parts = raw.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingSpaces()
            let value = parts[1].trimmingSpaces()
            if key == "mmu", value.hasPrefix("sv"), let va = UInt32(value.dropFirst(2)), let m = PagingMode.riscv(va) {
                return Sourced(m, "/proc/cpuinfo 'mmu : \(value)'")
            }
            if key == "MMU", value == "Radix" || value == "Hash" {
                return Sourced(value == "Radix" ? .radix : .hash, "/proc/cpuinfo 'MMU : \(value)'")
            }
            if key == "flags", machine == "x86_64" || machine == "amd64" || machine == nil {
                let la57 = value.split(separator: " ").contains("la57")
                return Sourced(la57 ? .level5 : .level4, la57 ? "'la57' in /proc/cpuinfo flags" : "no 'la57' in /proc/cpuinfo flags (4-level paging)")
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
    public static func arm64VABits(dmesg t: String, path: String, configured: UInt32, pageShift: UInt32) -> Sourced<PagingMode>? {
        guard configured > 48 else { return nil }
        var sawFeatures = false
        for line in t.split(separator: "\n") where line.contains("CPU features: detected:") {
            sawFeatures = true
            if line.contains("52-bit Virtual Addressing (LVA)") || line.contains("52-bit Virtual Addressing (LPA2)") {
                return Sourced(.va52, "\(path): 'CPU features: detected: 52-bit Virtual Addressing'")
            }
        }
        guard sawFeatures else { return nil }
        let fallback: PagingMode = pageShift == 14 ? .va47 : .va48
        return Sourced(fallback, "\(path) lists CPU features but no 52-bit Virtual Addressing: the \(configured)-bit kernel fell back to VA_BITS_MIN \(fallback.vaBits!)")
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
