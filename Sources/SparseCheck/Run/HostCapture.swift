#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `capture DIR`: copies exactly the files `host` reads into a tree `host --root DIR` accepts, plus a
/// manifest (`memmap-check-capture.json`: kernel release, machine, page size, time, files that could
/// not be read, what libnuma said).
public enum HostCapture {
    public struct Summary: Sendable {
        public var written: Int
        public var unreadable: [String]
        public var manifest: String
    }

    /// The files `host` reads, relative to `/`, for this host's node and memory-block ids.
    static func plan(_ src: HostFiles, release: String?) -> (files: [String], links: [(String, String)]) {
        var files = ["proc/version", "proc/sys/kernel/osrelease", "proc/zoneinfo", "proc/iomem", "proc/cpuinfo", "proc/cmdline",
                     "proc/config.gz", "sys/kernel/btf/vmlinux", "sys/kernel/mm/transparent_hugepage/hpage_pmd_size"]
        if let r = release { files.append("boot/config-\(r)") }
        var links: [(String, String)] = []
        let nd = HostReader.nodeDir, md = HostReader.memoryDir
        files += ["possible", "online", "has_memory", "has_cpu", "has_normal_memory"].map { "\(nd)/\($0)" }
        let nodeNames = ((try? src.list(nd)) ?? []).filter { $0.hasPrefix("node") && Int($0.dropFirst(4)) != nil }
        for node in nodeNames {
            files += ["cpulist", "distance", "meminfo"].map { "\(nd)/\(node)/\($0)" }
            for e in (try? src.list("\(nd)/\(node)")) ?? [] where e.hasPrefix("memory") && Int(e.dropFirst(6)) != nil {
                links.append(("\(nd)/\(node)/\(e)", "../../memory/\(e)"))
                links.append(("\(md)/\(e)/\(node)", "../../node/\(node)"))
            }
        }
        files.append("\(md)/block_size_bytes")
        for e in (try? src.list(md)) ?? [] where e.hasPrefix("memory") && Int(e.dropFirst(6)) != nil {
            files += ["phys_index", "state", "valid_zones"].map { "\(md)/\(e)/\($0)" }
        }
        return (files, links)
    }

    public static func capture(to dir: String, numa: NumaQuery? = LibNuma(),
                               kernel paths: ObservedReader.Paths = ObservedReader.Paths()) throws -> Summary {
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: dir), !existing.isEmpty {
            throw InputError("capture \(dir)", expected: "a new or empty directory (it holds \(existing.count) entries)")
        }
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            // The reason as the C library words it (FoundationEssentials' errors carry no localized text):
            // the last directory's mkdir(2), tried again.
            if mkdir(dir, 0o777) != 0 {
                throw EnvironmentError(dir, problem: "cannot create the capture directory (\(String(cString: strerror(errno))))")
            }
        }
        let src = HostFiles()
        var u = utsname()
        uname(&u)
        let release = HostReader.cString(&u.release), machine = HostReader.cString(&u.machine)
        let (files, links) = plan(src, release: release)
        var written: [String] = []
        var unreadable: [(String, String)] = []
        var missing: [String] = []
        func write(_ rel: String, _ data: Data) throws {
            let path = dir + "/" + rel
            try fm.createDirectory(atPath: PathName.parent(path), withIntermediateDirectories: true)
            guard fm.createFile(atPath: path, contents: data) else {
                throw EnvironmentError(path, problem: "cannot write into the capture directory")
            }
            written.append(rel)
        }
        for rel in files {
            do {
                let cap = rel.hasSuffix("btf/vmlinux") ? HostFiles.btfCap : (rel.hasSuffix(".gz") || rel.hasPrefix("boot/") ? 4 * HostFiles.textCap : HostFiles.textCap)
                try write(rel, Data(try src.bytes(rel, cap: cap)))
            } catch let e as HostFileError {
                if case .missing = e { missing.append("/" + rel) } else { unreadable.append(("/" + rel, e.description)) }
            }
        }
        for (rel, target) in links {
            let path = dir + "/" + rel
            try? fm.createDirectory(atPath: PathName.parent(path), withIntermediateDirectories: true)
            if (try? fm.createSymbolicLink(atPath: path, withDestinationPath: target)) != nil { written.append(rel) }
            else { unreadable.append(("/" + rel, "cannot create symlink")) }
        }
        var nodename = u.nodename
        let unameLine = "Linux \(HostReader.cString(&nodename)) \(release) \(HostReader.cString(&u.version)) \(machine) GNU/Linux\n"
        try write("uname.txt", Data(unameLine.utf8))

        var libnuma: [(String, JSON)] = []
        if let numa {
            let avail = numa.available()
            libnuma.append(("available", .int(Int64(avail))))
            if avail >= 0 {
                let maxNode = numa.maxNode()
                libnuma.append(("max_node", .int(Int64(maxNode))))
                var nodes: [JSON] = []
                if maxNode >= 0 {
                    for id in 0...Int(maxNode) where src.exists("\(HostReader.nodeDir)/node\(id)") {
                        nodes.append(.object([
                            ("id", .int(Int64(id))), ("size", .int(numa.nodeSize(id))),
                            ("cpus", numa.cpus(id).map { .string(formatIDList($0)) } ?? .null),
                        ]))
                    }
                }
                libnuma.append(("nodes", .array(nodes)))
            }
        }
        if let log = HostReader.liveKernelLog() { try write("dmesg.txt", Data(log.utf8)) }
        let (observed, running) = observe(paths)
        let iso = utcTimestamp()
        let manifest = JSON.object([
            ("schema", .string("memmap-check-capture/1")),
            ("kernel_release", .string(release)),
            ("machine", .string(machine)),
            ("page_size", .uint(UInt64(sysconf(Int32(_SC_PAGESIZE))))),
            ("time", .string(iso)),
            ("files", .uint(UInt64(written.count + 1))),
            ("absent", .array(missing.map { .string($0) })),
            ("unreadable", .array(unreadable.map { .object([("path", .string($0.0)), ("error", .string($0.1))]) })),
            ("libnuma", .object(libnuma)),
            ("running", running),
        ] + observed)
        try write(HostReader.manifestName, Data((manifest.serialized(indent: 2) + "\n").utf8))
        return Summary(written: written.count, unreadable: unreadable.map { "\($0.0): \($0.1)" }, manifest: dir + "/" + HostReader.manifestName)
    }

    /// The live kernel's observed base and the boot facts a tree cannot carry, for the manifest:
    /// `observed` (or `observed_unavailable` with the reason) and `running`.
    static func observe(_ paths: ObservedReader.Paths) -> (observed: [(String, JSON)], running: JSON) {
        var running: [(String, JSON)] = [("read_as_uid", .uint(UInt64(geteuid()))), ("memmap_check", .string(ToolVersion.current))]
        guard var layout = try? HostReader.read(HostFiles()) else {
            return ([("observed_unavailable", .string("the host's layout could not be read"))], .object(running))
        }
        HostRun.detectARM64Mode(&layout, HostFiles(), paths)
        if let k = layout.running.kaslr {
            running += [("kaslr", .bool(k.value)), ("kaslr_source", .string(k.source))]
        }
        if case let .arm64(va)? = layout.running.mode?.value, let s = layout.running.mode?.source {
            running += [("arm64_va_bits", .uint(UInt64(va))), ("arm64_va_bits_source", .string(s))]
        }
        guard let (config, _) = try? layout.config(preset: nil, overrides: Overrides(), files: HostFiles()) else {
            return ([("observed_unavailable", .string("no configuration for this host"))], .object(running))
        }
        switch ObservedReader.read(config, paths: paths) {
        case let .success(o):
            var j = ObservedReader.manifestJSON(o)
            if case var .object(p) = j {
                p.append(("how", .string("read as uid \(geteuid()) from \(paths.kcore) at the addresses \(paths.kallsyms) gives, by memmap-check \(ToolVersion.current)")))
                j = .object(p)
            }
            return ([("observed", j)], .object(running))
        case let .failure(e):
            return ([("observed_unavailable", .string(e.description))], .object(running))
        }
    }
}

/// The current time in UTC as ISO 8601 to the second, "2026-05-01T12:00:00Z" (what
/// ISO8601DateFormatter wrote by default).
private func utcTimestamp() -> String {
    var t = time(nil)
    var tm = tm()
    gmtime_r(&t, &tm)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
}
