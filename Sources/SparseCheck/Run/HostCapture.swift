#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
internal import CCapture

/// `capture DIR`: what a capture holds is CCapture's (ccapture.h), the same C code the static
/// `memmap-capture` runs: the files `host` reads, copied into a tree `host --root DIR` accepts, plus a
/// manifest (`memmap-check-capture.json`: kernel release, machine, page size, time, files that could
/// not be read, the running facts and, as root, the observed base read through /proc/kcore). This side
/// adds only what needs Swift or libnuma: what libnuma said, and the model's facts for the section
/// walk when the kernel's BTF and config do not give them.
public enum HostCapture {
    public struct Summary: Sendable {
        public var written: Int
        public var unreadable: [String]
        public var manifest: String
        /// The one-line summary (as memmap-capture prints it).
        public var line: String
    }

    public static func capture(to dir: String, numa: NumaQuery? = LibNuma(),
                               kernel paths: ObservedReader.Paths = ObservedReader.Paths(), tar: String? = nil) throws -> Summary {
        let src = HostFiles()
        var libnuma: String?
        if let numa {
            var fields: [(String, JSON)] = []
            let avail = numa.available()
            fields.append(("available", .int(Int64(avail))))
            if avail >= 0 {
                let maxNode = numa.maxNode()
                fields.append(("max_node", .int(Int64(maxNode))))
                var nodes: [JSON] = []
                if maxNode >= 0 {
                    for id in 0...Int(maxNode) where src.exists("\(HostReader.nodeDir)/node\(id)") {
                        nodes.append(.object([
                            ("id", .int(Int64(id))), ("size", .int(numa.nodeSize(id))),
                            ("cpus", numa.cpus(id).map { .string(formatIDList($0)) } ?? .null),
                        ]))
                    }
                }
                fields.append(("nodes", .array(nodes)))
            }
            libnuma = JSON.object(fields).serialized(indent: 2).replacingAll("\n", with: "\n  ")
        }
        let model = modelFacts(paths)
        var o = ccap_options()
        ccap_options_init(&o)
        var r = ccap_result()
        let status: Int32 = withCStrings([paths.kcore, paths.kallsyms, paths.lockdown, paths.kptrRestrict, paths.btf,
                                          "memmap-check", ToolVersion.current, libnuma, tar]) { p in
            (o.kcore, o.kallsyms, o.lockdown, o.kptr_restrict, o.btf) = (p[0], p[1], p[2], p[3], p[4])
            (o.collector, o.version, o.libnuma_json, o.tar) = (p[5], p[6], p[7], p[8])
            o.require_root = paths.requireRoot ? 1 : 0
            if let m = model {
                o.mem_section_size = Int32(m.memSectionSize)
                o.section_map_last_bit = Int32(m.lastBit)
                o.sparsemem_extreme = m.extreme ? 1 : 0
                o.sparsemem_vmemmap = m.vmemmap ? 1 : 0
            }
            return ccap_capture(dir, &o, &r)
        }
        let error = withUnsafeBytes(of: r.error) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        switch status {
        case CCAP_OK: break
        case CCAP_EINPUT:
            // "capture DIR: expected ..." as InputError formats it
            let parts = error.components(separatedBy: ": expected ")
            throw InputError(parts[0], expected: parts.dropFirst().joined(separator: ": expected "))
        default:
            let parts = error.components(separatedBy: ": ")
            throw EnvironmentError(parts[0], problem: parts.dropFirst().joined(separator: ": "))
        }
        var line = [CChar](repeating: 0, count: 2048)
        withCStrings([tar]) { p in
            o.tar = p[0]
            ccap_summary(dir, &o, &r, &line, line.count)
        }
        let manifest = dir + "/" + HostReader.manifestName
        var unreadable: [String] = []
        if let d = FileManager.default.contents(atPath: manifest),
           let m = JSONReader.object(d) {
            for u in m["unreadable"] as? [[String: Any]] ?? [] {
                unreadable.append("\(u["path"] as? String ?? "?"): \(u["error"] as? String ?? "?")")
            }
        }
        return Summary(written: Int(r.written), unreadable: unreadable, manifest: manifest,
                       line: line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    /// The model's section-walk facts for this host, used by the collector only where BTF and the
    /// kernel config are silent.
    static func modelFacts(_ paths: ObservedReader.Paths) -> (memSectionSize: Int, lastBit: Int, extreme: Bool, vmemmap: Bool)? {
        guard var layout = try? HostReader.read(HostFiles()) else { return nil }
        HostRun.detectARM64Mode(&layout, HostFiles(), paths)
        guard let (c, _) = try? layout.config(preset: nil, overrides: Overrides(), files: HostFiles()),
              let lastBit = try? c.derive(base: 0).sectionMapLastBit else { return nil }
        return (Int(c.memSectionSize), Int(lastBit), c.sparsememExtreme, c.sparsememVmemmap)
    }

    /// Runs body with C strings for each (nil stays NULL), valid only inside body.
    static func withCStrings<T>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let dup = strings.map { $0.map { UnsafePointer(strdup($0)!) } }
        defer { for p in dup { if let p { free(UnsafeMutablePointer(mutating: p)) } } }
        return body(dup)
    }
}
