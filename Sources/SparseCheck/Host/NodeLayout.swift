#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A host's NUMA node and memory layout as read from its sources, independent of any configuration:
/// physical ranges are kept in bytes so a what-if page size (`--page-size 64K`) re-derives PFNs.
public struct NodeLayout: Sendable {
    /// Where it was read: `live` or the `--root` directory.
    public var origin: String
    public var kernelRelease: String?
    public var machine: String?
    /// The running kernel's page size, if known from the host (sysconf, capture manifest, THP PMD size).
    public var hostPageSize: UInt64?
    public var hostPageSizeSource: String?
    /// `memory/block_size_bytes`.
    public var blockSize: UInt64?
    /// sizeof(struct page) from BTF, when read.
    public var structPageSize: UInt64?
    public var structPageSizeSource: String
    /// The kernel config file that exists (`/proc/config.gz` or `/boot/config-<release>`), for the `.config` reader.
    public var kernelConfigPath: String?
    public var kernelConfigUsed = false
    /// The kernel config at `kernelConfigPath`, read and parsed once per run (`HostRun` sets it); nil
    /// when it was not read yet, in which case `config(preset:overrides:files:)` reads it itself.
    public var kernelConfig: LoadedKernelConfig?
    /// `la57` in /proc/cpuinfo flags (x86_64 5-level paging).
    public var la57: Bool?
    public var possible: [Int]?
    public var online: [Int]?
    public var hasMemory: [Int]?
    public var hasCPU: [Int]?
    public var numa: NumaStatus = .init()
    public var nodes: [Node] = []
    /// Every memory block, ascending by id.
    public var blocks: [MemoryBlock] = []
    /// Top-level `System RAM` ranges of /proc/iomem in bytes [start, end), when readable and not hidden.
    public var systemRAM: [PhysRange]?
    /// Each source and what became of it.
    public var sources: [SourceStatus] = []
    /// What the running kernel says about the formulas' inputs (release, mode, KASLR, page size, DRAM start).
    public var running = RunningKernel()
    /// The kernel log when readable (live: syslog(2); a tree: dmesg.txt), and where it came from.
    public var kernelLog: String?
    public var kernelLogPath: String?
    /// The real pfn_to_page(0) read from kernel memory (or a capture's record of it), when it could be.
    public var observed: ObservedBase?
    /// Why it could not be read (not root, no kcore, kallsyms zeroed, lockdown, a symbol missing).
    public var observedProblem: String?

    public init(origin: String, structPageSizeSource: String = "preset") {
        self.origin = origin
        self.structPageSizeSource = structPageSizeSource
    }

    public func node(_ id: Int) -> Node? { nodes.first { $0.id == id } }

    /// The memory block with this id (binary search: `blocks` is ascending by id).
    public func block(_ id: Int) -> MemoryBlock? {
        var lo = 0, hi = blocks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blocks[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < blocks.count && blocks[lo].id == id ? blocks[lo] : nil
    }

    /// A node's memory blocks counted by state (ascending by state name), and those linked under
    /// several nodes.
    public func blockSummary(_ n: Node) -> (states: [(state: String, count: Int)], shared: [Int]) {
        var states: [String: Int] = [:]
        var shared: [Int] = []
        for id in n.blockIDs {
            let b = block(id)
            states[b?.state.rawValue ?? "unknown", default: 0] += 1
            if (b?.nodes.count ?? 0) > 1 { shared.append(id) }
        }
        return (states.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, shared)
    }
}

/// What libnuma said (live host only).
public struct NumaStatus: Sendable {
    /// numa_available() (nil when not consulted).
    public var available: Int32?
    public var maxNode: Int32?
    /// Why libnuma was not used, or why there is one node only.
    public var note: String?
    public init() {}
}

/// A physical range [start, end) in bytes.
public struct PhysRange: Equatable, Sendable {
    public var start: UInt64
    public var end: UInt64
    public init(_ start: UInt64, _ end: UInt64) { self.start = start; self.end = end }
    public var size: UInt64 { end - start }
    public func intersection(_ o: PhysRange) -> PhysRange? {
        let s = max(start, o.start), e = min(end, o.end)
        return s < e ? PhysRange(s, e) : nil
    }
}

/// One zone of a node from /proc/zoneinfo (PFNs in the host's page size).
public struct Zone: Equatable, Sendable {
    public var name: String
    public var startPFN: UInt64?
    public var spanned: UInt64
    public var present: UInt64
    public var managed: UInt64
    public var populated: Bool { present > 0 }

    public init(name: String, startPFN: UInt64?, spanned: UInt64, present: UInt64, managed: UInt64) {
        self.name = name
        self.startPFN = startPFN
        self.spanned = spanned
        self.present = present
        self.managed = managed
    }
}

public enum BlockState: String, Sendable {
    case online, offline, goingOffline = "going-offline", unknown

    /// A `memoryM/state` file's bytes (whitespace trimmed), without making a String.
    init(text b: UnsafeBufferPointer<UInt8>) {
        func eq(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == b.count && memcmp(s.utf8Start, b.baseAddress!, b.count) == 0
        }
        if b.isEmpty { self = .unknown }
        else if eq("online") { self = .online }
        else if eq("offline") { self = .offline }
        else if eq("going-offline") { self = .goingOffline }
        else { self = .unknown }
    }
}

/// A memory block (`memory/memoryM`): its id is its phys_index, so its first section is id * sections_per_block.
public struct MemoryBlock: Equatable, Sendable {
    public var id: Int
    public var state: BlockState
    /// `valid_zones`, read only where it answers a question (blocks linked to several nodes).
    public var validZones: String?
    /// Nodes whose directory links this block (`nodeN/memoryM`), ascending.
    public var nodes: [Int]
}

/// One NUMA node as its sources describe it.
public struct Node: Sendable {
    public var id: Int
    public var cpus: [Int]?
    /// Distances to the online nodes, keyed by node id (from `nodeN/distance` or libnuma).
    public var distances: [(node: Int, distance: Int)] = []
    /// `nodeN/meminfo` MemTotal in bytes (managed pages).
    public var memTotal: UInt64?
    /// numa_node_size64() in bytes (live host only).
    public var libnumaSize: Int64?
    public var libnumaCPUs: [Int]?
    public var zones: [Zone] = []
    /// Memory block ids linked under `nodeN/`.
    public var blockIDs: [Int] = []
    /// The node's memory, page-exact where the sources allow: zone spans within its linked online blocks
    /// (and System RAM when /proc/iomem is readable), plus its offline blocks. Ascending, disjoint.
    public var ranges: [NodeRange] = []
    /// True when the node directory exists (online).
    public var hasDirectory = true

    public init(id: Int) { self.id = id }

    public var populatedZones: [Zone] { zones.filter(\.populated) }
    public var presentPages: UInt64 { zones.reduce(0) { $0 + $1.present } }
    public var managedPages: UInt64 { zones.reduce(0) { $0 + $1.managed } }
    public var spannedPages: UInt64 { zones.reduce(0) { $0 + $1.spanned } }
    public var hasMemory: Bool { !ranges.isEmpty || presentPages > 0 || (memTotal ?? 0) > 0 }
}

/// A piece of a node's memory and the state of the blocks holding it.
public struct NodeRange: Equatable, Sendable {
    public var range: PhysRange
    public var online: Bool
    public init(range: PhysRange, online: Bool) { self.range = range; self.online = online }
}

/// The fate of one source.
public struct SourceStatus: Sendable {
    public var name: String
    public var path: String
    /// `ok`, `missing`, `unreadable`, `too-large`, `escapes-root`, `malformed`, `hidden`, `skipped`.
    public var status: String
    public var detail: String?
}

extension Units {
    /// `human` when a binary unit divides the value exactly, else one decimal in the largest unit
    /// below it (`24.0 GiB`, `1023.6 MiB`): layout sizes are rarely whole.
    public static func approx(_ value: UInt64) -> String {
        let exact = human(value)
        if !exact.hasSuffix(" B") && !exact.hasSuffix(" KiB") || value < 1 << 20 { return exact }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = Double(value) / 1024
        var i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return "\(v.fixed(1)) \(units[i])"
    }
}
