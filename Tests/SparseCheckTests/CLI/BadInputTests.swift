import Foundation
import Testing

/// The bad-input corpus: each case breaks one input a user or a broken machine can produce and asserts
/// the outcome — a finding naming the file, or exit 2 (bad input) / 3 (environment) with one line
/// naming the input — never a crash (exit > 3 or a signal), never a hang, never a read outside --root.
@Suite("Bad-input corpus")
struct BadInputTests {
    /// A private copy of the 2node-equal capture to break.
    static func tree() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-bad-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: hostFixture("2node-equal"), toPath: dir)
        return dir
    }

    enum Breakage: String, CaseIterable {
        case emptyZoneinfo, nonUTF8Zoneinfo, hugeNumbersInZoneinfo, negativeBlockSize, outOfRangeBlockSize,
             hundredMegabyteBlockSize, directoryForZoneinfo, symlinkLoopIomem, fifoForBlockSize,
             symlinkOutsideRoot, truncatedMeminfo, binaryCpulist, nonUTF8Config, truncatedConfigGz, fifoForBlockState
    }

    static let zoneinfo = "proc/zoneinfo"
    static let blockSize = "sys/devices/system/memory/block_size_bytes"
    static let iomem = "proc/iomem"

    /// Applies one breakage; returns the file it concerns (relative to the tree).
    static func apply(_ b: Breakage, _ root: String) throws -> String {
        let fm = FileManager.default
        func put(_ rel: String, _ bytes: [UInt8]) throws {
            try? fm.removeItem(atPath: root + "/" + rel)
            try Data(bytes).write(to: URL(fileURLWithPath: root + "/" + rel))
        }
        switch b {
        case .emptyZoneinfo: try put(zoneinfo, []); return zoneinfo
        case .nonUTF8Zoneinfo: try put(zoneinfo, [0xff, 0xfe, 0x4e, 0x6f, 0x64, 0x65, 0x20, 0xc3, 0x28, 0x0a]); return zoneinfo
        case .hugeNumbersInZoneinfo:
            try put(zoneinfo, Array("Node 0, zone   Normal\n  pages free     1\n        spanned  99999999999999999999999\n        present  18446744073709551615\n        managed  -5\n  start_pfn:           18446744073709551615\n".utf8))
            return zoneinfo
        case .negativeBlockSize: try put(blockSize, Array("-8000000\n".utf8)); return blockSize
        case .outOfRangeBlockSize: try put(blockSize, Array("fffffffffffffffffffff\n".utf8)); return blockSize
        case .hundredMegabyteBlockSize:
            try put(blockSize, [])
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/" + blockSize))
            try h.truncate(atOffset: 100 << 20) // sparse: 100 MB of zeros where 10 bytes are expected
            try h.close()
            return blockSize
        case .directoryForZoneinfo:
            try fm.removeItem(atPath: root + "/" + zoneinfo)
            try fm.createDirectory(atPath: root + "/" + zoneinfo, withIntermediateDirectories: false)
            return zoneinfo
        case .symlinkLoopIomem:
            try fm.removeItem(atPath: root + "/" + iomem)
            try fm.createSymbolicLink(atPath: root + "/" + iomem, withDestinationPath: "iomem")
            return iomem
        case .fifoForBlockSize:
            try fm.removeItem(atPath: root + "/" + blockSize)
            #expect(mkfifo(root + "/" + blockSize, 0o644) == 0)
            return blockSize
        case .symlinkOutsideRoot:
            try fm.removeItem(atPath: root + "/" + zoneinfo)
            try fm.createSymbolicLink(atPath: root + "/" + zoneinfo, withDestinationPath: "/proc/zoneinfo")
            return zoneinfo
        case .fifoForBlockState:
            let rel = "sys/devices/system/memory/memory1/state"
            try fm.removeItem(atPath: root + "/" + rel)
            #expect(mkfifo(root + "/" + rel, 0o644) == 0)
            return "memory1"
        case .truncatedMeminfo:
            let rel = "sys/devices/system/node/node0/meminfo"
            try put(rel, Array("Node 0 MemTotal:   ".utf8))
            return rel
        case .binaryCpulist:
            let rel = "sys/devices/system/node/node0/cpulist"
            try put(rel, [0, 1, 2, 0x2d, 0xff, 0x0a])
            return rel
        case .nonUTF8Config, .truncatedConfigGz:
            let dir = root + "/boot"
            let name = try fm.contentsOfDirectory(atPath: dir).first { $0.hasPrefix("config-") }!
            let rel = "boot/" + name
            if b == .nonUTF8Config {
                try put(rel, Array("CONFIG_X86_64=y\nCONFIG_SPARSEMEM=y\n".utf8) + [0xc3, 0x28, 0xff, 0x0a])
            } else {
                try put(rel, [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b])
            }
            return rel
        }
    }

    @Test("host --root with one broken source: a finding naming the file, or exit 2/3 with one line", arguments: Breakage.allCases)
    func host(_ b: Breakage) throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let rel = try Self.apply(b, root)
        let start = Date()
        let o = try CLI.run(["host", "--root", root, "--format", "json"])
        #expect(Date().timeIntervalSince(start) < 20, "\(b) took too long (a blocking read?)")
        #expect((0...3).contains(o.status), "\(b): exit \(o.status) \(o.stderr)")
        let name = (rel as NSString).lastPathComponent
        if o.status >= 2 {
            #expect(o.stderr.split(separator: "\n").count == 1 && o.stderr.contains(name), "\(b): \(o.stderr)")
        } else {
            // The broken file is named by a finding (layout-source / layout-sources-disagree) or by the
            // kernel-config note; its content is never used as data.
            #expect(o.stdout.contains(name), "\(b): no finding names \(rel)")
            if b == .symlinkOutsideRoot {
                #expect(o.stdout.contains("outside"), "\(b): the escape is not reported")
            }
        }
    }

    @Test("check --kconfig with a broken file exits 2 naming it", arguments: [
        Array("CONFIG_X86_64=y\nCONFIG_SPARSEMEM=y\n".utf8) + [0xc3, 0x28, 0xff, 0x0a, 0x00],
        [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b],
        Array("CONFIG_X86_64=y\nCONFIG_SPARSEMEM=y\nCONFIG_PAGE_SHIFT=99999999999999999999\n".utf8),
        Array("CONFIG_X86_64=y\nCONFIG_ARM64=y\nCONFIG_SPARSEMEM=y\n".utf8),
        [],
    ])
    func kconfig(_ bytes: [UInt8]) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-bad-\(UUID().uuidString).config").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let o = try CLI.run(["check", "--kconfig", path])
        #expect(o.status == 2, "exit \(o.status): \(o.stdout) \(o.stderr)")
        #expect(o.stderr.split(separator: "\n").count == 1 && o.stderr.contains(path))
    }

    @Test("flags: negative, out-of-range and malformed numbers exit 2 with one line", arguments: [
        ["check", "--struct-page-size", "-64"], ["check", "--dram-base", "-1G"], ["check", "--physmem-bits", "99"],
        ["check", "--vmemmap-base", "0x1ffffffffffffffff"], ["check", "--page-size", "0"], ["check", "--page-size", "4M"],
        ["check", "--max-page-order", "20"], ["check", "--struct-page-size", "60"],
        ["sweep", "--dram-bases", "0:0x1ffffffffffffffff:2M"], ["sweep", "--section-bits", "27:10:1"],
        ["sweep", "--struct-page-sizes", "64,abc"], ["sweep", "--page-sizes", "3000"],
        ["host", "--root", "/nonexistent-memmap-root"],
    ])
    func flags(_ args: [String]) throws {
        let o = try CLI.run(args)
        #expect(o.status == 2, "\(args): exit \(o.status) \(o.stderr)")
        #expect(o.stderr.split(separator: "\n").count == 1, "\(args): \(o.stderr)")
    }

    @Test("a range reaching 2^64 is counted without overflow (it trapped before: e - s + step - 1)")
    func rangeAtTheTop() throws {
        let o = try CLI.run(["sweep", "--presets", "x86_64", "--vmemmap-bases", "0:0xffffffffffffffff:0x8000000000000000"])
        #expect(o.status == 0 || o.status == 1, "exit \(o.status): \(o.stderr)")
        #expect(o.stdout.contains("2 combinations"))
    }

    /// Root reads every file, so a permission-denied file is made real by running `host` as `nobody`
    /// (setpriv from util-linux) over a tree whose zoneinfo only root may read.
    @Test("permission denied: a file only root may read is a finding for an unprivileged host run",
          .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func permissionDenied() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root)
        #expect(chmod(root + "/" + Self.zoneinfo, 0o600) == 0)
        let o = try CLI.run(["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary.path, "host", "--root", root],
                            executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        let text = o.stdout + o.stderr
        guard !text.contains("Permission denied") || text.contains("zoneinfo") else {
            // The binary itself was not reachable for nobody (a private build directory): nothing to test.
            return
        }
        #expect((0...1).contains(o.status), "\(text)")
        #expect(text.contains("zoneinfo") && text.contains("ermission denied"), "\(text)")
    }
}
