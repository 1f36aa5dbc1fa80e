import CSparse
import Foundation
import Testing
@testable import SparseCheck

// Helpers shared by every test file: where the fixtures are, the CLI runner, configs for the C mirror.

/// Tests/SparseCheckTests, found from this file's path (Support/TestSupport.swift).
let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

/// The package's root directory.
let packageRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()

// MARK: Fixtures

/// A fixture under Tests/Fixtures (kept outside the test target so SwiftPM never walks the captured
/// sysfs trees, whose node/memory links form cycles).
func fixture(_ name: String) -> String {
    testsDir.deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

func derivedConfig(_ name: String) throws -> SparseConfig {
    guard case let .config(c) = try KconfigFile.load(path: fixture("kconfig/" + name)).derive() else {
        throw InputError(name, expected: "a SPARSEMEM config")
    }
    return c
}

/// The captured qemu fixtures (copied from shared/fixtures; files `host` reads + README + expected.json).
func hostFixture(_ name: String) -> String { fixture("hosts/\(name)") }

func hostCheck(_ root: String, preset: String? = nil, overrides: Overrides = Overrides()) throws -> HostCheck {
    try HostRun.check(try HostFiles(root: root), preset: preset, overrides: overrides)
}

// MARK: The command-line tool

/// Runs the built `memmap-check` as a user would and checks exit codes, stdout and stderr.
struct CLI {
    static let binary: URL = {
        // The test bundle sits next to the products it depends on (.build/<triple>/<config>/).
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("memmap-check")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "memmap-check")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
    }

    /// Runs `executable` (memmap-check by default) with `args`, collecting stdout and stderr.
    static func run(_ args: [String], environment: [String: String]? = nil, executable: URL = binary,
                    directory: URL? = nil) throws -> Output {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        if let environment { p.environment = environment }
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}

func findings(_ json: [String: Any]?) -> [[String: Any]] {
    let results = json?["results"] as? [[String: Any]] ?? []
    return results.first?["findings"] as? [[String: Any]] ?? []
}

func rule(_ json: [String: Any]?, _ id: String) -> [String: Any]? {
    findings(json).first { $0["rule"] as? String == id }
}


// MARK: The C mirror

/// A 64-bit SPARSEMEM_VMEMMAP config with hugetlb, gigantic folios and HVO (x86_64-like).
func cfg(pageShift: UInt32 = 12, sectionBits: UInt32 = 27, physmem: UInt32 = 46, structPage: UInt64 = 64,
         maxPageOrder: UInt32 = 10, hvo: Bool = true, gigantic: Bool = true, vmemmap: Bool = true,
         hugetlb: Bool = true, zoneDevice: Bool = true, preinit: Bool = false, pud: UInt32 = 30) -> cs_config {
    var c = cs_config()
    c.page_shift = pageShift
    c.section_size_bits = sectionBits
    c.max_physmem_bits = physmem
    c.max_page_order = maxPageOrder
    c.bits_per_long = 64
    c.pmd_shift = pageShift + (pageShift - 3)
    c.pud_shift = max(pud, c.pmd_shift)
    c.mem_section_size = 16
    c.struct_page_size = structPage
    c.max_folio_order_override = -1
    c.sparsemem_vmemmap = vmemmap
    c.hugetlb_page = hugetlb
    c.have_gigantic_folios = gigantic
    c.hugetlb_page_optimize_vmemmap = hvo
    c.zone_device = zoneDevice
    c.sparsemem_vmemmap_preinit = preinit
    c.sparsemem_extreme = true
    return c
}

func u64(_ f: (UnsafeMutablePointer<UInt64>) -> cs_status) -> UInt64? {
    var v: UInt64 = 0
    return f(&v) == CS_OK ? v : nil
}

func u32(_ f: (UnsafeMutablePointer<UInt32>) -> cs_status) -> UInt32? {
    var v: UInt32 = 0
    return f(&v) == CS_OK ? v : nil
}


/// The table's releases, as tests name them.
extension KernelTarget {
    static let v6_18 = KernelTarget(release: KernelRelease(major: 6, minor: 18))
    static let v7_1 = KernelTarget(release: KernelRelease(major: 7, minor: 1))
    static let v7_2 = KernelTarget(release: KernelRelease(major: 7, minor: 2))
    static let v7_3 = KernelTarget(release: KernelRelease(major: 7, minor: 3))
}

/// One release per row of FormulaTable (the sweep's `--kernel all`).
let allKernels: [KernelTarget?] = FormulaTable.rowReleases.map { KernelTarget(release: $0) }
