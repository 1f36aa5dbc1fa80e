#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `fleet DIR...`: every capture under the directories, each judged exactly as `host --root CAPTURE`
/// judges it alone (`HostRun.check` with no preset and no override), on `jobs` threads, handed to the
/// caller in discovery order. A capture that cannot be read is an outcome, never the end of the run.
public enum Fleet {
    /// A capture found: its `host` label and its directory.
    public struct Capture: Sendable, Equatable {
        public var label: String
        public var path: String
    }

    /// How deep below a given directory captures are looked for.
    public static let maxDepth = 8

    /// A capture directory: what `capture` writes (its manifest) or a copied tree with sysfs' node or
    /// memory directories.
    public static func isCapture(_ dir: String) -> Bool {
        if FileManager.default.fileExists(atPath: dir + "/" + HostReader.manifestName) { return true }
        return PathName.isDirectory(dir + "/sys/devices/system/node") == true
            || PathName.isDirectory(dir + "/sys/devices/system/memory") == true
    }

    /// The captures under `dirs`, in the order given and by name below each (symbolic links to
    /// directories are not followed; a capture's own tree is not searched further). Labels are the
    /// path below the given directory (the directory's name when it is a capture itself); a label two
    /// directories share is prefixed with the given directory.
    public static func discover(_ dirs: [String]) throws -> [Capture] {
        var out: [Capture] = []
        var used = Set<String>()
        for d in dirs {
            guard PathName.isDirectory(d) == true else {
                throw InputError("fleet \(d)", expected: "a directory holding captures (memmap-check capture DIR, or copied sys/ and proc/ trees)")
            }
            let base = d.count > 1 && d.hasSuffix("/") ? String(d.dropLast()) : d
            var found: [Capture] = []
            if isCapture(base) {
                found.append(Capture(label: URL(fileURLWithPath: base).standardizedFileURL.lastPathComponent, path: base))
            } else {
                walk(base, rel: "", depth: 0, into: &found)
            }
            for var c in found {
                if used.contains(c.label) { c.label = base + "/" + c.label }
                var label = c.label, i = 2
                while used.contains(label) { label = "\(c.label)#\(i)"; i += 1 }
                c.label = label
                used.insert(label)
                out.append(c)
            }
        }
        return out
    }

    private static func walk(_ dir: String, rel: String, depth: Int, into out: inout [Capture]) {
        guard depth < maxDepth, let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = dir + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            let r = rel.isEmpty ? name : rel + "/" + name
            if (st.st_mode & S_IFMT) == S_IFREG, name.hasSuffix(".tar"), HostFiles.isCaptureTar(path) {
                out.append(Capture(label: r, path: path))
                continue
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else { continue }
            if isCapture(path) {
                out.append(Capture(label: r, path: path))
            } else {
                walk(path, rel: r, depth: depth + 1, into: &out)
            }
        }
    }

    /// Judges one capture as `host --root` does.
    public static func judge(_ c: Capture, preview: PreviewRequest = .newest) -> FleetHost {
        do {
            let files = try HostFiles(root: c.path)
            defer { files.discardExtracted() }
            let h = try HostRun.check(files, preview: preview)
            return FleetHost(label: c.label, path: c.path, outcome: .checked(h))
        } catch {
            let line = "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
            return FleetHost(label: c.label, path: c.path, outcome: .unreadable(line))
        }
    }

    /// Judges every capture on `jobs` threads and hands each result to `consume` in discovery order
    /// (at most `4 * jobs` finished results wait, so memory stays bounded).
    public static func run(_ captures: [Capture], jobs: Int, preview: PreviewRequest = .newest,
                           consume: (FleetHost) -> Void) {
        let jobs = max(1, min(jobs, captures.count))
        if jobs == 1 {
            for c in captures { consume(judge(c, preview: preview)) }
            return
        }
        let board = ChunkBoard<FleetHost>(count: captures.count, window: 4 * jobs)
        for _ in 0..<jobs {
            startThread {
                while let i = board.claim() { board.put(i, .success(judge(captures[i], preview: preview))) }
            }
        }
        for i in captures.indices {
            if case let .success(h) = board.take(i) { consume(h) }
        }
    }
}
