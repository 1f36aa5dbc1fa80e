import Foundation
import Testing
@testable import SparseCheck

// memmap-capture (the static C collector) run as root inside real Debian 7.2.13 guests under qemu
// (Fixtures/real-collector, from scripts/real-kernels/boot.sh --collector and
// make-collector-fixture.sh). Each capture is judged by host --root and held against kread's reading of
// the same kernel in the same boot (kread.txt: section_mem_map with the bits below SECTION_MAP_LAST_BIT
// cleared, the formula-free witness).

/// Every fixture in Fixtures/real-collector.
let collectorRuns: [String] = {
    let dir = fixture("real-collector")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { FileManager.default.fileExists(atPath: "\(dir)/\($0)/capture") }.sorted()
}()

/// What the booted kernel ran with (qemu.txt's command line and the guest's own files; kread.txt).
let collectorExpected: [String: (page: UInt64, mode: String, nodes: Int)] = [
    "riscv64-sv39-numa2": (4096, "sv39", 2),   // -append no4lvl, two -numa nodes
    "s390x-nokaslr": (4096, "the only mode", 1),
    "arm64-va48": (4096, "48", 1),            // -cpu cortex-a57: no LPA2, 48-bit VA
    "ppc64le-64k-radix": (65536, "radix", 1),  // the powerpc64le-64k flavour, POWER9 radix
    "amd64-nokaslr-5level": (4096, "5-level", 1),
]

/// kread's pfn_to_page(0): the first present section's section_mem_map with its flag bits cleared.
func kreadWitness(_ text: String) -> UInt64? {
    for line in text.split(separator: "\n") where line.hasPrefix("section.") {
        if let r = line.range(of: " map 0x") { return UInt64(line[r.upperBound...], radix: 16) }
    }
    return nil
}

struct RealCollectorTests {
    @Test("there are collector captures of riscv64 (two nodes) and s390x")
    func present() {
        #expect(collectorRuns.contains("riscv64-sv39-numa2"))
        #expect(collectorRuns.contains("s390x-nokaslr"))
    }

    @Test("inside a real guest the collector reads the kernel's pfn_to_page(0); host --root gives it as model and observed base",
          arguments: collectorRuns)
    func judgedAsTheKernel(name: String) throws {
        let dir = fixture("real-collector/\(name)")
        let kread = try String(contentsOfFile: dir + "/kread.txt", encoding: .utf8)
        let real = try #require(kreadWitness(kread), "\(name): kread.txt has a section witness")
        let rc = try String(contentsOfFile: dir + "/collector.rc", encoding: .utf8)
        #expect(rc.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let line = try String(contentsOfFile: dir + "/collector.out", encoding: .utf8)
        #expect(line.contains("observed pfn_to_page(0) \(hex(real))"), "\(name): \(line)")
        let h = try hostCheck(dir + "/capture")
        #expect(h.layout.observed?.pfnToPage0 == real, "\(name): observed")
        #expect(h.layout.observed?.readFrom == HostReader.manifestName)
        #expect(h.modelled.base.value == real, "\(name): model \(hex(h.modelled.base.value)) vs the kernel's \(hex(real))")
        #expect(h.result.base.value == real, "\(name): the judged base is the observed one")
        #expect(h.observedAgrees == true)
        #expect(h.result.status() == .pass, "\(name)")
        #expect(h.layout.structPageSizeSource.contains("BTF"), "\(name): sizeof(struct page) from the kernel's (trimmed) BTF")
        let c = h.result.config
        if let e = collectorExpected[name] {
            #expect(c.pageSize == e.page, "\(name) page size")
            let mode = h.layout.running.mode?.value.name ?? ModelDrift.modeName(c)
            #expect(mode.contains(e.mode), "\(name): mode \(mode)")
            #expect(h.layout.nodes.count == e.nodes, "\(name) nodes")
        }
    }
}
