#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
internal import CHost
internal import CCapture

/// The libnuma questions `host` asks (a protocol so tests can answer them).
public protocol NumaQuery: Sendable {
    func available() -> Int32
    func maxNode() -> Int32
    /// numa_node_size64(): bytes, or -1.
    func nodeSize(_ node: Int) -> Int64
    /// numa_node_to_cpus(), or nil on error.
    func cpus(_ node: Int) -> [Int]?
    /// numa_distance(): 0 when unknown.
    func distance(_ a: Int, _ b: Int) -> Int
}

/// libnuma through the C shim (live host only).
public struct LibNuma: NumaQuery {
    public init() {}
    public func available() -> Int32 { cs_numa_available() }
    public func maxNode() -> Int32 { cs_numa_max_node() }
    public func nodeSize(_ node: Int) -> Int64 {
        var free: Int64 = 0
        return cs_numa_node_size64(Int32(node), &free)
    }
    public func cpus(_ node: Int) -> [Int]? {
        var buf = [Int32](repeating: 0, count: 8192)
        let n = buf.withUnsafeMutableBufferPointer { cs_numa_node_cpus(Int32(node), $0.baseAddress, Int32($0.count)) }
        return n < 0 ? nil : buf[0..<Int(n)].map(Int.init)
    }
    public func distance(_ a: Int, _ b: Int) -> Int { Int(cs_numa_distance(Int32(a), Int32(b))) }
}


/// Reads a host's layout from libnuma, sysfs and procfs (or a captured tree). Each source is optional;
/// failures become `SourceStatus` entries. Throws `EnvironmentError` only when no layout source at all
/// can be read.
public enum HostReader {
    static let nodeDir = "sys/devices/system/node"
    static let memoryDir = "sys/devices/system/memory"
    public static let manifestName = "memmap-check-capture.json"

    public static func read(_ files: HostFiles, numa: NumaQuery? = nil) throws -> NodeLayout {
        var L = NodeLayout(origin: files.label ?? "live")
        func note(_ name: String, _ rel: String, _ status: String, _ detail: String? = nil) {
            L.sources.append(SourceStatus(name: name, path: files.display(rel), status: status, detail: detail))
        }
        func failed(_ name: String, _ e: Error) {
            if let h = e as? HostFileError {
                L.sources.append(SourceStatus(name: name, path: h.path, status: h.kind, detail: h.description))
            } else {
                L.sources.append(SourceStatus(name: name, path: "", status: "unreadable", detail: "\(e)"))
            }
        }
        func tryText(_ name: String, _ rel: String, required: Bool = true) -> String? {
            do {
                let t = try files.text(rel)
                note(name, rel, "ok")
                return t
            } catch {
                if required { failed(name, error) }
                return nil
            }
        }

        // Kernel release, machine, page size.
        let manifest = files.isLive ? nil : readManifest(files)
        if files.isLive {
            var u = utsname()
            uname(&u)
            L.kernelRelease = cString(&u.release)
            L.machine = cString(&u.machine)
            L.hostPageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
            L.hostPageSizeSource = "sysconf(_SC_PAGESIZE)"
        } else {
            if let r = tryText("kernel release", "proc/sys/kernel/osrelease", required: false), !r.isEmpty {
                L.kernelRelease = r
            } else if let v = tryText("kernel release", "proc/version") {
                let w = v.split(separator: " ")
                if w.count >= 3, w[0] == "Linux", w[1] == "version" { L.kernelRelease = String(w[2]) }
            }
            if let u = tryText("uname", "uname.txt", required: false) {
                // `Linux host 6.1.0 #1 SMP ... x86_64 GNU/Linux`: the machine is the word before the OS name.
                let w = u.split(separator: " ")
                if w.count >= 2 { L.machine = String(w[w.count - 2]) }
            }
            if L.machine == nil, let m = manifest?["machine"] as? String { L.machine = m }
            if let p = manifest?["page_size"] as? Int, p > 0 {
                L.hostPageSize = UInt64(p)
                L.hostPageSizeSource = manifestName
            }
        }
        if let cpuinfo = try? files.text("proc/cpuinfo") {
            note("cpuinfo", "proc/cpuinfo", "ok")
            if let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
                L.la57 = flags.split(separator: " ").contains("la57")
            }
            if L.machine == nil { L.machine = machineFromCPUInfo(cpuinfo) }
            if var m = RunningKernel.mode(cpuinfo: cpuinfo, machine: L.machine) {
                if !files.isLive { m.source = m.source.replacingAll("/proc/cpuinfo", with: "proc/cpuinfo") }
                L.running.mode = m
            }
        }
        if let r = L.kernelRelease {
            L.running.release = Sourced(r, files.isLive ? "uname(2) release" : (files.exists("proc/sys/kernel/osrelease") ? "proc/sys/kernel/osrelease" : "proc/version"))
        }
        readBootFacts(files, manifest, &L)

        // sizeof(struct page) from BTF.
        let btfPath = "sys/kernel/btf/vmlinux"
        do {
            // Read on demand: the header and the types up to struct page, not the whole 5 MiB.
            if var file = try files.chunked(btfPath, cap: HostFiles.btfCap) {
                L.structPageSize = try BTF.structSize("page", in: &file)
            } else {
                L.structPageSize = try BTF.structSize("page", in: try files.bytes(btfPath, cap: HostFiles.btfCap))
            }
            L.structPageSizeSource = "BTF \(files.display(btfPath))"
            note("btf", btfPath, "ok", "struct page size \(L.structPageSize!)")
        } catch let e as BTF.Failure {
            note("btf", btfPath, "malformed", "\(e)")
        } catch {
            failed("btf", error)
        }

        // The kernel config file, for issue 3's reader.
        var configCandidates = ["proc/config.gz"]
        if let r = L.kernelRelease { configCandidates.append("boot/config-\(r)") }
        L.kernelConfigPath = configCandidates.first { files.exists($0) }.map(files.display)
        if L.kernelConfigPath == nil {
            note("kernel config", configCandidates.joined(separator: " or "), "missing", "neither /proc/config.gz nor /boot/config-<release> exists")
        }

        readPageSize(files, manifest, &L)

        // Node tree.
        var nodeDirs: [Int] = []
        var nodeTreeOK = false
        do {
            nodeDirs = try files.listIDs(nodeDir, prefix: "node").map(\.id)
            nodeTreeOK = true
            note("node tree", nodeDir, "ok", "\(nodeDirs.count) node directories")
        } catch let e as HostFileError where e.kind == "missing" {
            // A kernel without CONFIG_NUMA has no node directory at all (Debian s390x): one node.
            L.running.numa = Sourced(false, "no \(files.display(nodeDir)) (a kernel without CONFIG_NUMA)")
            note("node tree", nodeDir, "absent", "\(files.display(nodeDir)) does not exist: a kernel without NUMA, reported as one node (0)")
        } catch {
            failed("node tree", error)
        }
        if nodeTreeOK {
            for (key, path) in [("possible", "possible"), ("online", "online"), ("has_memory", "has_memory"), ("has_cpu", "has_cpu")] {
                let rel = "\(nodeDir)/\(path)"
                guard let t = tryText("node \(key)", rel) else { continue }
                guard let ids = parseIDList(t) else {
                    note("node \(key)", rel, "malformed", "\(files.display(rel)): not a node list: '\(t)'")
                    continue
                }
                switch key {
                case "possible": L.possible = ids
                case "online": L.online = ids
                case "has_memory": L.hasMemory = ids
                default: L.hasCPU = ids
                }
            }
        }
        var nodes: [Int: Node] = [:]
        for id in nodeDirs {
            var n = Node(id: id)
            let base = "\(nodeDir)/node\(id)"
            if let t = tryText("node\(id) cpulist", "\(base)/cpulist") {
                if let c = parseIDList(t) { n.cpus = c } else { note("node\(id) cpulist", "\(base)/cpulist", "malformed", "not a CPU list: '\(t)'") }
            }
            if let t = tryText("node\(id) distance", "\(base)/distance") {
                let vals = t.split(separator: " ").compactMap { Int($0) }
                // One value per online node in ascending id order (not indexed by node id).
                let targets = L.online ?? nodeDirs
                if vals.count == targets.count {
                    n.distances = zip(targets, vals).map { (node: $0, distance: $1) }
                } else {
                    note("node\(id) distance", "\(base)/distance", "malformed", "\(vals.count) distances for \(targets.count) online nodes")
                }
            }
            if let t = tryText("node\(id) meminfo", "\(base)/meminfo") {
                if let kb = meminfoValue(t, key: "MemTotal") { n.memTotal = kb * 1024 }
                else { note("node\(id) meminfo", "\(base)/meminfo", "malformed", "no 'Node \(id) MemTotal: N kB' line (truncated?)") }
            }
            do {
                n.blockIDs = try files.listIDs(base, prefix: "memory").map(\.id)
            } catch {
                failed("node\(id) memory links", error)
            }
            nodes[id] = n
        }

        // Memory-block tree.
        var blocksOK = false
        if let t = tryText("block size", "\(memoryDir)/block_size_bytes") {
            if let v = UInt64(t, radix: 16), v > 0 { L.blockSize = v }
            else { note("block size", "\(memoryDir)/block_size_bytes", "malformed", "\(files.display("\(memoryDir)/block_size_bytes")): expected hex without 0x, got '\(t)' (truncated?)") }
        }
        // (block, node) for every nodeN/memoryM link, ascending: walked alongside the sorted block listing.
        var links: [(block: Int, node: Int)] = []
        for n in nodes.values { for b in n.blockIDs { links.append((b, n.id)) } }
        links.sort { $0.block != $1.block ? $0.block < $1.block : $0.node < $1.node }
        do {
            let entries = try files.listIDs(memoryDir, prefix: "memory")
            blocksOK = true
            let dir = try files.openDir(memoryDir)
            var badState: [Int] = []
            var li = 0
            L.blocks.reserveCapacity(entries.count)
            for (id, isDir) in entries {
                var state = BlockState.unknown
                do {
                    state = try dir.withText("memory", id, "state", isDir: isDir) { BlockState(text: $0) }
                    if state == .unknown { badState.append(id) }
                } catch {
                    badState.append(id)
                    if badState.count <= 3 { failed("memory\(id) state", error) }
                }
                while li < links.count && links[li].block < id { li += 1 }
                var linked: [Int] = []
                while li < links.count && links[li].block == id { linked.append(links[li].node); li += 1 }
                if !nodeTreeOK || nodeDirs.isEmpty {
                    // No node tree: the block's own nodeN links (one listing per block, fallback only).
                    linked = ((try? files.listIDs("\(memoryDir)/memory\(id)", prefix: "node")) ?? []).map(\.id)
                }
                var zones: String?
                if linked.count > 1 { zones = try? files.text("\(memoryDir)/memory\(id)/valid_zones") }
                L.blocks.append(MemoryBlock(id: id, state: state, validZones: zones, nodes: linked))
            }
            note("memory-block tree", memoryDir, badState.isEmpty ? "ok" : "malformed",
                 badState.isEmpty ? "\(entries.count) blocks" : "\(badState.count) of \(entries.count) blocks have no readable state: \(badState.prefix(3).map { "memory\($0)/state" }.joined(separator: ", "))\(badState.count > 3 ? " ... (blocks \(formatIDList(badState.prefix(20))))" : "")")
        } catch {
            failed("memory-block tree", error)
        }
        if L.blockSize == nil { blocksOK = false }

        // zoneinfo.
        var zoneinfoOK = false
        if let t = tryText("zoneinfo", "proc/zoneinfo") {
            let (zones, problems) = parseZoneinfo(t)
            zoneinfoOK = !zones.isEmpty
            for p in problems { note("zoneinfo", "proc/zoneinfo", "malformed", "\(files.display("proc/zoneinfo")): \(p)") }
            if zones.isEmpty { note("zoneinfo", "proc/zoneinfo", "malformed", "\(files.display("proc/zoneinfo")): no 'Node N, zone NAME' blocks") }
            for (id, zs) in zones {
                if nodes[id] == nil {
                    var n = Node(id: id)
                    n.hasDirectory = false
                    nodes[id] = n
                }
                nodes[id]!.zones = zs
            }
        }

        // iomem.
        if let t = tryText("iomem", "proc/iomem") {
            let (ram, hidden) = parseIomem(t)
            if hidden {
                note("iomem", "proc/iomem", "hidden", "\(files.display("proc/iomem")) shows all-zero addresses (reading them needs CAP_SYS_ADMIN); not used")
            } else {
                L.systemRAM = ram
            }
        }

        // libnuma (live host only).
        if let numa, files.isLive {
            let avail = numa.available()
            L.numa.available = avail
            if avail < 0 {
                L.numa.note = "numa_available() = \(avail): the kernel has no NUMA support"
                if L.running.numa == nil { L.running.numa = Sourced(false, "numa_available() = \(avail)") }
            } else {
                let maxNode = numa.maxNode()
                L.numa.maxNode = maxNode
                if maxNode >= 0 {
                    for id in 0...Int(maxNode) where nodes[id]?.hasDirectory == true || (!nodeTreeOK && id == 0) {
                        if nodes[id] == nil { nodes[id] = Node(id: id) }
                        let size = numa.nodeSize(id)
                        nodes[id]!.libnumaSize = size >= 0 ? size : nil
                        nodes[id]!.libnumaCPUs = numa.cpus(id)
                    }
                }
            }
        } else if !files.isLive {
            L.numa.note = "libnuma not consulted: reading the captured tree \(files.label!)"
        }

        // Nothing at all: the environment cannot answer.
        if !nodeTreeOK && !blocksOK && !zoneinfoOK {
            let tried = [nodeDir, memoryDir + "/block_size_bytes", "proc/zoneinfo"].map(files.display).joined(separator: ", ")
            throw EnvironmentError(files.label ?? "host", problem: "no layout source could be read (\(tried))")
        }
        if nodes.isEmpty || (nodeDirs.isEmpty && nodes.count == 1 && nodes[0] != nil) {
            // No node directory: one node (0) holding every memory block, wherever the kernel lists them.
            var n = nodes[0] ?? Node(id: 0)
            n.hasDirectory = false
            n.blockIDs = L.blocks.map(\.id)
            for i in L.blocks.indices where L.blocks[i].nodes.isEmpty { L.blocks[i].nodes = [0] }
            nodes[0] = n
            let why = L.numa.note.map { "\($0); " } ?? ""
            L.numa.note = why + (L.running.numa?.value == false
                ? "kernel without NUMA (no \(files.display(nodeDir))): one node (0) with every memory block"
                : "no node directory under \(files.display(nodeDir)): reporting one node (0) from the memory-block tree")
        }
        L.nodes = nodes.values.sorted { $0.id < $1.id }
        if !blocksOK { L.blocks = [] }
        computeRanges(&L)
        L.running.dramStart = RunningKernel.dramStart(L, pageSize: L.hostPageSize)
        return L
    }

    /// The kernel's page size from the best source the tree has: the live kernel (sysconf), a tree's
    /// proc/self/smaps KernelPageSize, the capture manifest, the kernel config's page-size symbols, an
    /// architecture with only 4 KiB pages, and only then THP's PMD size (PAGE_SIZE^2 / 8 holds for 4K
    /// and 64K hash, not for radix 64K whose PMD is 2 MiB).
    static func readPageSize(_ files: HostFiles, _ manifest: [String: Any]?, _ L: inout NodeLayout) {
        if L.hostPageSize == nil, !files.isLive, let t = try? files.text("proc/self/smaps"), let p = RunningKernel.pageSize(smaps: t) {
            L.hostPageSize = p
            L.hostPageSizeSource = "KernelPageSize in proc/self/smaps"
        }
        if L.hostPageSize == nil, let p = manifest?["page_size"] as? Int, p > 0 {
            L.hostPageSize = UInt64(p)
            L.hostPageSizeSource = manifestName
        }
        if L.hostPageSize == nil, let path = L.kernelConfigPath {
            let rel = files.isLive ? String(path.dropFirst()) : path
            if let b = try? files.bytes(rel, cap: KconfigFile.maxBytes), let k = try? KconfigFile.load(data: Data(b), path: path),
               let p = RunningKernel.pageSize(kconfig: k) {
                L.hostPageSize = p.value
                L.hostPageSizeSource = p.source
            }
        }
        if L.hostPageSize == nil, let m = L.machine, ["x86_64", "amd64", "s390x", "riscv64"].contains(m) {
            L.hostPageSize = 4096
            L.hostPageSizeSource = "\(m) has only 4 KiB pages"
        }
        if L.hostPageSize == nil,
           let t = try? files.text("sys/kernel/mm/transparent_hugepage/hpage_pmd_size"), let pmd = UInt64(t), pmd.nonzeroBitCount == 1 {
            // PMD_SIZE = PAGE_SIZE * (PAGE_SIZE / 8) with 8-byte page-table entries.
            let shift = (pmd.trailingZeroBitCount + 3) / 2
            L.hostPageSize = 1 << UInt64(shift)
            L.hostPageSizeSource = "THP hpage_pmd_size \(pmd) = PAGE_SIZE^2 / 8 (a guess: no better source)"
        }
        if let p = L.hostPageSize, let s = L.hostPageSizeSource { L.running.pageSize = Sourced(p, s) }
    }

    /// The dmesg files a captured tree may hold.
    static let dmesgNames = ["dmesg.txt", "dmesg", "var/log/dmesg"]

    /// KASLR and (arm64) the VA size from the kernel command line and the kernel log.
    static func readBootFacts(_ files: HostFiles, _ manifest: [String: Any]?, _ L: inout NodeLayout) {
        if let t = try? files.text("proc/cmdline"), let k = RunningKernel.kaslr(cmdline: t, path: files.display("proc/cmdline")) {
            L.running.kaslr = k
        }
        var log: (text: String, path: String)?
        if files.isLive {
            if let t = liveKernelLog() { log = (t, "dmesg (syslog(2))") }
        } else if let name = dmesgNames.first(where: { files.exists($0) }), let t = try? files.text(name, cap: 16 << 20) {
            log = (t, name)
        }
        if let log {
            if L.running.kaslr == nil, let k = RunningKernel.kaslr(dmesg: log.text, path: log.path) { L.running.kaslr = k }
            L.kernelLog = log.text
            L.kernelLogPath = log.path
        }
        if let r = manifest?["running"] as? [String: Any] {
            if L.running.kaslr == nil, let k = r["kaslr"] as? Bool, let s = r["kaslr_source"] as? String {
                L.running.kaslr = Sourced(k, "\(manifestName) (at capture: \(s))")
            }
            if L.running.mode == nil, let va = r["arm64_va_bits"] as? Int, let s = r["arm64_va_bits_source"] as? String,
               let m = UInt32(exactly: va).flatMap(PagingMode.arm64) {
                L.running.mode = Sourced(m, "\(manifestName) (at capture: \(s))")
            }
        }
    }

    /// The kernel log (klogctl(SYSLOG_ACTION_READ_ALL), at most 4 MiB), or nil without CAP_SYSLOG under
    /// dmesg_restrict.
    static func liveKernelLog() -> String? {
        let cap = 4 << 20
        var buf = [CChar](repeating: 0, count: cap)
        let n = buf.withUnsafeMutableBufferPointer { ck_klog_read_all($0.baseAddress, Int32(cap)) }
        guard n > 0 else { return nil }
        return buf.withUnsafeBufferPointer { p in
            String(decoding: UnsafeRawBufferPointer(start: p.baseAddress, count: Int(n)), as: UTF8.self)
        }
    }

    // MARK: Ranges

    /// Each node's memory: zone spans clipped to its linked online blocks and System RAM, plus its
    /// offline blocks; without zoneinfo, its linked blocks; without blocks, its zone spans.
    static func computeRanges(_ L: inout NodeLayout) {
        let page = L.hostPageSize ?? 4096
        let blockSize = L.blockSize
        for i in L.nodes.indices {
            let n = L.nodes[i]
            let spans = n.populatedZones.compactMap { z -> PhysRange? in
                guard let s = z.startPFN else { return nil }
                return PhysRange(s * page, (s + z.spanned) * page)
            }
            var online: [PhysRange] = []
            var offline: [PhysRange] = []
            if let bs = blockSize, !L.blocks.isEmpty {
                for id in n.blockIDs {
                    let r = PhysRange(UInt64(id) * bs, UInt64(id + 1) * bs)
                    if L.block(id)?.state == .offline { offline.append(r) } else { online.append(r) }
                }
                online = merge(online)
                offline = merge(offline)
                if !spans.isEmpty { online = intersect(online, merge(spans)) }
            } else {
                online = merge(spans)
            }
            if let ram = L.systemRAM {
                online = intersect(online, ram)
                offline = intersect(offline, ram)
            }
            L.nodes[i].ranges = (online.map { NodeRange(range: $0, online: true) } + offline.map { NodeRange(range: $0, online: false) })
                .sorted { $0.range.start < $1.range.start }
        }
    }

    static func merge(_ rs: [PhysRange]) -> [PhysRange] {
        var out: [PhysRange] = []
        for r in rs.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, r.start <= last.end { out[out.count - 1].end = max(last.end, r.end) } else { out.append(r) }
        }
        return out
    }

    static func intersect(_ a: [PhysRange], _ b: [PhysRange]) -> [PhysRange] {
        var out: [PhysRange] = []
        var i = 0, j = 0
        let a = merge(a), b = merge(b)
        while i < a.count && j < b.count {
            if let x = a[i].intersection(b[j]) { out.append(x) }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return out
    }

    // MARK: Parsers

    /// `Node N, zone NAME` blocks with spanned/present/managed/start_pfn, by key name.
    public static func parseZoneinfo(_ text: String) -> ([Int: [Zone]], [String]) {
        var out: [Int: [Zone]] = [:]
        var problems: [String] = []
        var cur: (node: Int, zone: Zone, seen: Set<String>)?
        func flush() {
            guard let c = cur else { return }
            let missing = ["spanned", "present", "managed"].filter { !c.seen.contains($0) }
            if !missing.isEmpty {
                problems.append("node \(c.node) zone \(c.zone.name) has no \(missing.joined(separator: "/")) line (truncated?); zone ignored")
            } else if c.zone.present > 0 && c.zone.startPFN == nil {
                problems.append("node \(c.node) zone \(c.zone.name) is populated but has no start_pfn line (truncated?); its range is unknown")
                out[c.node, default: []].append(c.zone)
            } else {
                out[c.node, default: []].append(c.zone)
            }
            cur = nil
        }
        // Bytes, not Characters: zoneinfo has thousands of lines (per-CPU pagesets) and only four keys matter.
        let keys: [(name: String, bytes: [UInt8])] = ["spanned", "present", "managed", "start_pfn"].map { ($0, Array($0.utf8)) }
        for raw in text.utf8.split(separator: 0x0a) {
            let line = raw.drop { $0 == 0x20 || $0 == 0x09 }
            if line.starts(with: "Node ".utf8) {
                flush()
                let header = String(decoding: line, as: UTF8.self)
                let parts = header.dropFirst(5).split(separator: ",")
                guard parts.count == 2, let id = Int(parts[0]) else { problems.append("unreadable header '\(header)'"); continue }
                let name = parts[1].split(separator: " ").last.map(String.init) ?? "?"
                cur = (id, Zone(name: name, startPFN: nil, spanned: 0, present: 0, managed: 0), [])
                continue
            }
            guard cur != nil else { continue }
            let w = line.split(separator: 0x20)
            guard w.count >= 2 else { continue }
            let key = w[0].last == UInt8(ascii: ":") ? w[0].dropLast() : w[0]
            guard let k = keys.firstIndex(where: { key.elementsEqual($0.bytes) }),
                  let v = UInt64(String(decoding: w[w.count - 1], as: UTF8.self)) else { continue }
            switch k {
            case 0: cur!.zone.spanned = v
            case 1: cur!.zone.present = v
            case 2: cur!.zone.managed = v
            default: cur!.zone.startPFN = v
            }
            cur!.seen.insert(keys[k].name)
        }
        flush()
        return (out, problems)
    }

    /// Top-level `System RAM` ranges; `hidden` when every address reads as zero (no CAP_SYS_ADMIN).
    public static func parseIomem(_ text: String) -> ([PhysRange], Bool) {
        var ram: [PhysRange] = []
        var anyNonZero = false
        for line in text.split(separator: "\n") {
            guard let colon = line.firstRange(of: " : ") else { continue }
            let addr = line[line.startIndex..<colon.lowerBound]
            let ends = addr.trimmingSpaces().split(separator: "-")
            guard ends.count == 2, let s = UInt64(ends[0], radix: 16), let e = UInt64(ends[1], radix: 16) else { continue }
            if s != 0 || e != 0 { anyNonZero = true }
            if !line.hasPrefix(" ") && line[colon.upperBound...] == "System RAM", e >= s, e < UInt64.max {
                ram.append(PhysRange(s, e + 1))
            }
        }
        return (merge(ram), !anyNonZero)
    }

    public static func meminfoValue(_ text: String, key: String) -> UInt64? {
        for line in text.split(separator: "\n") {
            let w = line.split(separator: " ")
            if let i = w.firstIndex(where: { $0 == "\(key):" }), i + 1 < w.count, let v = UInt64(w[i + 1]) { return v }
        }
        return nil
    }

    static func machineFromCPUInfo(_ t: String) -> String? {
        if t.contains("vendor_id\t: GenuineIntel") || t.contains("vendor_id\t: AuthenticAMD") || t.contains("vendor_id\t: HygonGenuine") { return "x86_64" }
        if t.contains("CPU implementer") { return "aarch64" }
        if t.contains("isa\t\t: rv64") { return "riscv64" }
        if t.contains("vendor_id       : IBM/S390") { return "s390x" }
        if t.contains("cpu\t\t: POWER") { return "ppc64le" }
        if t.contains("Loongson") { return "loongarch64" }
        return nil
    }

    static func readManifest(_ files: HostFiles) -> [String: Any]? {
        guard let b = try? files.bytes(manifestName),
              let obj = JSONReader.object(b) else { return nil }
        return obj
    }

    static func cString<T>(_ field: inout T) -> String {
        withUnsafePointer(to: &field) { $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout<T>.size) { String(cString: $0) } }
    }
}
