#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The layout rules (same finding format as the config rules; each finding also carries `nodes`, and
/// `section` / `memory_block` where it concerns one).
public enum LayoutRuleID: String, CaseIterable, Sendable {
    case nodeSectionShared = "node-section-shared"
    case nodeMemmapOffnode = "node-memmap-offnode"
    case nodeMemoryless = "node-memoryless"
    case layoutSourcesDisagree = "layout-sources-disagree"
    /// A source that could not be used (missing, unreadable, truncated, hidden).
    case layoutSource = "layout-source"
    /// The real pfn_to_page(0) read from kernel memory differs from the model's.
    case modelDrift = "model-drift"

    public var severity: Severity {
        switch self {
        case .nodeSectionShared, .nodeMemmapOffnode, .layoutSourcesDisagree: return .warning
        case .nodeMemoryless: return .info
        case .layoutSource: return .warning
        case .modelDrift: return .error
        }
    }

    public var anyID: AnyRuleID { .layout(self) }
}

/// Per-node values under the active configuration (PFNs in its page size).
public struct NodeDerived: Sendable {
    public var id: Int
    public var startPFN: UInt64?
    public var endPFN: UInt64?
    public var firstSection: UInt64?
    public var lastSection: UInt64?
    /// Sections holding any of the node's pages.
    public var sections: Int = 0
    /// Sections the kernel gives to this node (their memmap is allocated here).
    public var sectionsOwned: Int = 0
    public var memmapStart: UInt64?
    public var memmapEnd: UInt64?
    /// Memmap bytes allocated for the node's own sections: sectionsOwned * sizeof(struct page) * PAGES_PER_SECTION.
    public var memmapBytes: UInt64 = 0
    /// Gaps inside [start, end) with no memory of this node.
    public var holes: [PhysRange] = []
}

/// A section holding pages of more than one node.
public struct SharedSection: Sendable {
    public var section: UInt64
    /// The node the kernel gives the section to (its memmap lives there), then the others.
    public var owner: Int
    public var others: [Int]
    public var memoryBlock: Int?
}

/// The outcome of `host`: the layout, the configuration it was checked under, every finding.
public struct HostCheck: Sendable {
    public var layout: NodeLayout
    public var result: CheckResult
    public var nodes: [NodeDerived]
    public var sharedSections: [SharedSection]
    public var backingUnit: UInt64
    public var notes: [String]
    /// The configuration rules on the modelled base (the same as `result` unless an observed base is judged).
    public var modelled: CheckResult
    /// Whether the observed base keeps the model's promise (nil when nothing was observed).
    public var observedAgrees: Bool?
    /// True when `result` judges the observed base.
    public var judgesObserved: Bool
    /// What another kernel release (the newest modelled one by default) would conclude: never part of
    /// `result`, the verdict or the exit code (`UpgradePreview`).
    public var preview: UpgradePreview? = nil
}

extension SparseConfig {
    /// Whether the architecture's vmemmap_populate() uses PMD blocks at all: x86_64, riscv64, LoongArch,
    /// s390 (segment = PMD) and powerpc radix call vmemmap_populate_hugepages() or their own PMD mapping;
    /// arm64 only with 4K pages (arch/arm64/mm/mmu.c: !CONFIG_ARM64_4K_PAGES -> basepages).
    public var vmemmapMapsPMD: Bool {
        arch == .arm64 ? pageShift == 12 : true
    }
}

/// Runs the config rules once and the layout rules over a layout.
public enum LayoutChecker {
    public static func check(_ layout: NodeLayout, config: SparseConfig, whatIf: Bool = false) throws -> HostCheck {
        let model = try Checker.check(config)
        var base = model
        var agrees: Bool?
        var judged = false
        if let o = layout.observed {
            agrees = ModelDrift.agrees(o.pfnToPage0, model)
            if !whatIf && config.sparsememVmemmap {
                base = try ModelDrift.judgeObserved(o, config, model)
                judged = true
            }
        }
        let mirror = config.mirror
        let v = base.base.value
        func need<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as MirrorError {
                throw InputError("\(config.preset): \(e.formula)", expected: "a layout whose addresses fit \(config.bitsPerLong) bits under this configuration")
            }
        }
        func pfnDown(_ phys: UInt64) throws -> UInt64 { try need { try mirror.physPFN(phys) } }
        func pfnUp(_ phys: UInt64) throws -> UInt64 { try need { try mirror.pfnUp(phys) } }
        func section(_ pfn: UInt64) throws -> UInt64 { try need { try mirror.pfnToSectionNr(pfn) } }
        func sectionPFN(_ s: UInt64) throws -> UInt64 { try need { try mirror.sectionNrToPFN(s) } }
        func page(_ pfn: UInt64) throws -> UInt64 { try need { try mirror.pfnToPage(base: v, pfn) } }
        func phys(_ pfn: UInt64) throws -> UInt64 { try need { try mirror.pfnPhys(pfn) } }
        let perSection = try need { try mirror.memmapBytesPerSection() }
        let unit = try need { try mirror.vmemmapBackingUnit(mapsPMD: config.vmemmapMapsPMD) }
        let blockSize = layout.blockSize
        func block(_ pfn: UInt64) throws -> Int? {
            guard let bs = blockSize, bs > 0 else { return nil }
            return Int(try phys(pfn) / bs)
        }

        // Every range in address order, with its node.
        var all: [(r: PhysRange, node: Int, online: Bool)] = []
        for n in layout.nodes { for r in n.ranges { all.append((r.range, n.id, r.online)) } }
        all.sort { $0.r.start != $1.r.start ? $0.r.start < $1.r.start : $0.node < $1.node }

        // Section owners: the first node, in address order, whose memory marks the section present. Worked
        // out per range, not per section (memory flat in the number of sections): with the ranges in
        // address order the sections owned so far are exactly those up to `covered` that some range
        // reached, so a range owns what lies above `covered` and shares what lies below with the owners
        // of those runs.
        var runs: [(first: UInt64, last: UInt64, node: Int)] = [] // ownership runs, ascending, disjoint
        var covered: UInt64?
        var others: [UInt64: [Int]] = [:]                           // shared sections only
        var ownerOfShared: [UInt64: Int] = [:]
        var touchedCount: [Int: Int] = [:], lastTouched: [Int: UInt64] = [:], ownedCount: [Int: Int] = [:]
        for e in all {
            let s0 = try section(try pfnDown(e.r.start)), s1 = try section(try pfnUp(e.r.end) - 1)
            let fromT = lastTouched[e.node].map { max(s0, $0 &+ 1) } ?? s0
            if fromT <= s1 {
                touchedCount[e.node, default: 0] += Int(s1 - fromT + 1)
                lastTouched[e.node] = s1
            }
            if let c = covered, s0 <= c {
                let hi = min(s1, c)
                var i = runs.count - 1
                while i >= 0 && runs[i].last >= s0 {
                    let r = runs[i]
                    let a = max(r.first, s0), b = min(r.last, hi)
                    if r.node != e.node && a <= b {
                        for s in a...b {
                            if !(others[s] ?? []).contains(e.node) { others[s, default: []].append(e.node) }
                            ownerOfShared[s] = r.node
                        }
                    }
                    i -= 1
                }
            }
            let fresh = covered.map { max(s0, $0 &+ 1) } ?? s0
            if fresh <= s1 {
                if let last = runs.last, last.node == e.node, last.last &+ 1 == fresh { runs[runs.count - 1].last = s1 }
                else { runs.append((fresh, s1, e.node)) }
                ownedCount[e.node, default: 0] += Int(s1 - fresh + 1)
                covered = s1
            }
        }
        /// The owner of a section, by binary search over the runs.
        func owner(_ s: UInt64) -> Int? {
            var lo = 0, hi = runs.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if runs[mid].last < s { lo = mid + 1 } else { hi = mid }
            }
            return lo < runs.count && runs[lo].first <= s ? runs[lo].node : nil
        }

        var findings: [Finding] = []
        var shared: [SharedSection] = []
        // node-section-shared
        for s in others.keys.sorted() {
            let o = ownerOfShared[s]!, rest = others[s]!
            let first = try sectionPFN(s)
            let pps = try need { try mirror.pagesPerSection() }
            let sec = PhysRange(try phys(first), try phys(first + pps))
            // The block holding the first page of another node in this section.
            let otherStart = all.filter { rest.contains($0.node) }.compactMap { $0.r.intersection(sec) }.map(\.start).min() ?? sec.start
            let blk = try block(try pfnDown(otherStart))
            shared.append(SharedSection(section: s, owner: o, others: rest, memoryBlock: blk))
            var f = Finding(rule: .layout(.nodeSectionShared), status: .fail, severity: .warning,
                            address: try page(first), required: nil, actualAlignment: nil, message: "")
            f.detail("nodes", .array(([o] + rest).map { .int(Int64($0)) }))
            f.detail("section", .uint(s))
            f.detail("memory_block", blk.map { .int(Int64($0)) } ?? .null)
            var parts: [String] = []
            parts.append("section \(s) (phys \(hex(sec.start))-\(hex(sec.end - 1)), pfn \(hex(first))-\(hex(first + pps - 1))) holds pages of nodes \(([o] + rest).map(String.init).joined(separator: " and "))")
            parts.append("the kernel gives it to node \(o), the first node whose memory marks it present (memory_present()/sparse_init(), mm/sparse.c), and allocates its memmap (\(Units.human(perSection)) at \(hex(try page(first)))) there")
            for n in rest {
                let mine = all.filter { $0.node == n }.compactMap { $0.r.intersection(sec) }
                let bytes = mine.reduce(0) { $0 + $1.size }
                let pfns = try mine.map { "\(hex(try pfnDown($0.start)))-\(hex(try pfnUp($0.end) - 1))" }.joined(separator: ", ")
                parts.append("node \(n)'s \(Units.human(bytes)) here (pfn \(pfns)) have their struct pages off-node, in node \(o)'s memory")
            }
            if let b = blk {
                let zones = layout.block(b)?.validZones
                let linked = layout.block(b)?.nodes ?? []
                var t = "memory block \(b)"
                if linked.count > 1 { t += " is linked under nodes \(linked.map(String.init).joined(separator: " and "))" }
                t += ", so it cannot be offlined: valid_zones reads \(zones.map { "'\($0)'" } ?? "'none' (not read)") (a block spanning two nodes has no single zone)"
                parts.append(t)
            }
            f.message = parts.joined(separator: "; ")
            f.fix = "place node boundaries on \(Units.human(sec.size)) section boundaries (and memory-block boundaries\(blockSize.map { ", \(Units.human($0))" } ?? "")) in the firmware's SRAT / qemu -numa sizes to keep the memmap node-local and the block offlinable"
            findings.append(f)
        }

        // node-memmap-offnode: consecutive ranges of different nodes whose struct pages share a backing unit.
        var seenUnits = Set<UInt64>()
        if all.count > 1 {
            for i in 1..<all.count where all[i].node != all[i - 1].node {
                let a = all[i - 1], b = all[i]
                let lastA = try pfnUp(a.r.end) - 1, firstB = try pfnDown(b.r.start)
                let pa = try page(lastA), pb = try page(firstB)
                guard pa / unit == pb / unit, !seenUnits.contains(pb / unit) else { continue }
                seenUnits.insert(pb / unit)
                let s = try section(firstB)
                let blk = try block(firstB)
                let unitStart = pb / unit * unit
                let backer = owner(s) ?? a.node
                var f = Finding(rule: .layout(.nodeMemmapOffnode), status: .fail, severity: .warning,
                                address: unitStart, required: unit, actualAlignment: nil, message: "")
                f.detail("nodes", .array([a.node, b.node].map { .int(Int64($0)) }))
                f.detail("section", .uint(s))
                f.detail("memory_block", blk.map { .int(Int64($0)) } ?? .null)
                f.detail("backing_unit", .uint(unit))
                let kind = unit > config.pageSize ? "PMD-mapped \(Units.human(unit)) block (the section's memmap is whole PMDs)" : "\(Units.human(unit)) page (base-page vmemmap mapping)"
                f.message = "the vmemmap \(kind) at \(hex(unitStart)) holds struct pages of node \(a.node) (up to pfn \(hex(lastA)), struct page \(hex(pa))) and node \(b.node) (from pfn \(hex(firstB)), struct page \(hex(pb))); it is backed by node \(backer)'s memory, so node \(backer == a.node ? b.node : a.node)'s page walks touch remote memory"
                f.fix = "align the node boundary at pfn \(hex(firstB)) to \(Units.human((unit / config.structPageSize) * config.pageSize)) of physical memory (one backing unit of struct pages)"
                findings.append(f)
            }
        }

        // node-memoryless
        for n in layout.nodes where !(n.cpus ?? n.libnumaCPUs ?? []).isEmpty && n.ranges.isEmpty && n.presentPages == 0 && (n.memTotal ?? 0) == 0 {
            let cpus = n.cpus ?? n.libnumaCPUs ?? []
            var f = Finding(rule: .layout(.nodeMemoryless), status: .fail, severity: .info,
                            address: nil, required: nil, actualAlignment: nil, message: "")
            f.detail("nodes", .array([.int(Int64(n.id))]))
            let near = n.distances.filter { $0.node != n.id && layout.node($0.node)?.ranges.isEmpty == false }.min { $0.distance < $1.distance }
            f.message = "node \(n.id) has CPUs \(formatIDList(cpus)) but no memory (no zone populated, no memory blocks, MemTotal 0): no struct pages live on it, and its CPUs allocate from other nodes\(near.map { " (nearest with memory: node \($0.node), distance \($0.distance))" } ?? "")"
            findings.append(f)
        }

        // layout-sources-disagree
        findings += sourcesDisagree(layout)

        // The observed base: drift, or why it could not be read.
        findings += ModelDrift.findings(layout, config, model, agrees: agrees, whatIf: whatIf)

        // Sources that could not be used.
        for s in layout.sources where s.status != "ok" {
            var f = Finding(rule: .layout(.layoutSource), status: .fail,
                            severity: s.status == "hidden" || s.status == "absent" || s.name == "btf" || s.name == "kernel config" ? .info : .warning,
                            address: nil, required: nil, actualAlignment: nil, message: "")
            f.detail("nodes", .array([]))
            f.detail("source", .string(s.name))
            f.detail("path", .string(s.path))
            f.detail("problem", .string(s.status))
            f.message = "\(s.name): \(s.detail ?? "\(s.path): \(s.status)")"
            findings.append(f)
        }

        // Per-node derived values.
        var derived: [NodeDerived] = []
        for n in layout.nodes {
            var d = NodeDerived(id: n.id)
            if let first = n.ranges.first, let last = n.ranges.map(\.range.end).max() {
                let s = try pfnDown(first.range.start), e = try pfnUp(last)
                d.startPFN = s
                d.endPFN = e
                d.firstSection = try section(s)
                d.lastSection = try section(e - 1)
                d.memmapStart = try page(s)
                d.memmapEnd = try page(e)
                var prev = first.range.start
                for r in n.ranges.map(\.range) {
                    if r.start > prev { d.holes.append(PhysRange(prev, r.start)) }
                    prev = max(prev, r.end)
                }
            }
            d.sections = touchedCount[n.id] ?? 0
            d.sectionsOwned = ownedCount[n.id] ?? 0
            d.memmapBytes = try need { try mirror.mul(UInt64(d.sectionsOwned), perSection, "memmap bytes") }
            derived.append(d)
        }

        var notes: [String] = []
        if let note = layout.numa.note { notes.append(note) }
        if let possible = layout.possible, let online = layout.online {
            let off = possible.filter { !online.contains($0) }
            if !off.isEmpty { notes.append("node\(off.count > 1 ? "s" : "") \(formatIDList(off)) possible but not online (no directory, no zones): firmware describes \(off.count > 1 ? "them" : "it") but no memory or present CPU brought \(off.count > 1 ? "them" : "it") up") }
        }
        let offline = layout.blocks.filter { $0.state == .offline }
        if !offline.isEmpty, let bs = blockSize {
            let byNode = Dictionary(grouping: offline, by: { $0.nodes.first ?? -1 })
            for (node, bl) in byNode.sorted(by: { $0.key < $1.key }) {
                notes.append("\(bl.count) offline memory block\(bl.count > 1 ? "s" : "") (\(formatIDList(bl.map(\.id))), \(Units.human(UInt64(bl.count) * bs)) from \(hex(UInt64(bl.map(\.id).min()!) * bs))) on node \(node): hot-added memory whose memmap exists (allocated on add) but which is in no zone until onlined")
            }
        }
        base.findings += findings
        return HostCheck(layout: layout, result: base, nodes: derived, sharedSections: shared, backingUnit: unit, notes: notes,
                         modelled: model, observedAgrees: agrees, judgesObserved: judged)
    }

    /// Sizes and ranges that should agree between libnuma, the node tree, the memory-block tree and zoneinfo.
    static func sourcesDisagree(_ L: NodeLayout) -> [Finding] {
        var out: [Finding] = []
        let page = L.hostPageSize ?? 4096
        func add(_ node: Int, _ sources: [String], _ msg: String) {
            var f = Finding(rule: .layout(.layoutSourcesDisagree), status: .fail, severity: .warning,
                            address: nil, required: nil, actualAlignment: nil, message: msg)
            f.detail("nodes", .array([.int(Int64(node))]))
            f.detail("sources", .array(sources.map { .string($0) }))
            out.append(f)
        }
        func differ(_ a: UInt64, _ b: UInt64) -> Bool { max(a, b) - min(a, b) > max(a, b) / 100 }
        let sysNode = L.origin == "live" ? "/sys/devices/system/node" : "sys/devices/system/node"
        for n in L.nodes {
            let meminfo = "\(sysNode)/node\(n.id)/meminfo MemTotal"
            let onlineBlocks = n.blockIDs.filter { L.block($0)?.state == .online }
            let blockBytes = L.blockSize.map { UInt64(onlineBlocks.count) * $0 }
            let present = n.presentPages * page, managed = n.managedPages * page
            if let lib = n.libnumaSize, let mt = n.memTotal, differ(UInt64(lib), mt) {
                add(n.id, ["libnuma", "node tree"], "node \(n.id): libnuma numa_node_size64() = \(Units.approx(UInt64(lib))) but \(meminfo) = \(Units.approx(mt)); both should be the node's managed pages")
            }
            if let mt = n.memTotal, !n.zones.isEmpty, differ(mt, managed) {
                add(n.id, ["node tree", "zoneinfo"], "node \(n.id): \(meminfo) = \(Units.approx(mt)) but /proc/zoneinfo managed = \(n.managedPages) pages = \(Units.approx(managed)); both count managed pages")
            }
            // managed far below what is online: deferred struct page init, balloon or huge reservations.
            let sizeName = n.libnumaSize != nil ? "libnuma numa_node_size64()" : meminfo
            let size = n.libnumaSize.map { UInt64(max($0, 0)) } ?? n.memTotal
            let onlineRef = (present > 0 ? present : nil) ?? blockBytes
            if let size, let ref = onlineRef, ref > 0, size < ref / 2 {
                var refs: [String] = []
                if present > 0 { refs.append("/proc/zoneinfo present \(n.presentPages) pages = \(Units.approx(present))") }
                if let bb = blockBytes, bb > 0 { refs.append("the memory-block tree has \(onlineBlocks.count) online blocks = \(Units.approx(bb))") }
                add(n.id, [n.libnumaSize != nil ? "libnuma" : "node tree", present > 0 ? "zoneinfo" : "memory-block tree"] + (present > 0 && blockBytes != nil ? ["memory-block tree"] : []),
                    "node \(n.id): \(sizeName) = \(Units.approx(size)), \(size * 100 / ref)% of what is online: \(refs.joined(separator: "; ")); libnuma and MemTotal count managed pages, which lag present pages while deferred struct page init (CONFIG_DEFERRED_STRUCT_PAGE_INIT) is still running, or under ballooning or large boot reservations — do not size the node from libnuma")
            }
            if let bb = blockBytes, present > bb {
                add(n.id, ["zoneinfo", "memory-block tree"], "node \(n.id): /proc/zoneinfo present = \(Units.approx(present)) exceeds its \(onlineBlocks.count) online memory blocks (\(Units.approx(bb)))")
            }
            if let bs = L.blockSize, !n.populatedZones.isEmpty {
                let spans = n.populatedZones.compactMap { z in z.startPFN.map { PhysRange($0 * page, ($0 + z.spanned) * page) } }
                let outside = onlineBlocks.filter { id in !spans.contains { $0.intersection(PhysRange(UInt64(id) * bs, UInt64(id + 1) * bs)) != nil } }
                if !outside.isEmpty {
                    add(n.id, ["memory-block tree", "zoneinfo"], "node \(n.id): online memory block\(outside.count > 1 ? "s" : "") \(formatIDList(outside)) linked under node\(n.id) lie outside every zone span /proc/zoneinfo gives the node (\(spans.map { "\(hex($0.start))-\(hex($0.end - 1))" }.joined(separator: ", ")))")
                }
                if !L.blocks.isEmpty {
                    for z in n.populatedZones {
                        guard let s = z.startPFN else { continue }
                        let span = PhysRange(s * page, (s + z.spanned) * page)
                        if !onlineBlocks.contains(where: { span.intersection(PhysRange(UInt64($0) * bs, UInt64($0 + 1) * bs)) != nil }) {
                            add(n.id, ["zoneinfo", "memory-block tree"], "node \(n.id): /proc/zoneinfo zone \(z.name) spans \(hex(span.start))-\(hex(span.end - 1)) but no online memory block linked under node\(n.id) covers it")
                        }
                    }
                }
            }
            if let hm = L.hasMemory {
                let listed = hm.contains(n.id)
                let has = present > 0 || !onlineBlocks.isEmpty
                if listed != has && (n.hasDirectory) {
                    add(n.id, ["node tree", present > 0 ? "zoneinfo" : "memory-block tree"], "node \(n.id): \(sysNode)/has_memory \(listed ? "lists" : "omits") it, but it has \(has ? "" : "no ")present memory (\(Units.approx(present)) in /proc/zoneinfo, \(onlineBlocks.count) online blocks)")
                }
            }
            if let lc = n.libnumaCPUs, let c = n.cpus, lc != c {
                add(n.id, ["libnuma", "node tree"], "node \(n.id): libnuma numa_node_to_cpus() = \(formatIDList(lc)) but \(sysNode)/node\(n.id)/cpulist = \(formatIDList(c))")
            }
        }
        return out
    }
}
