import Foundation
import Testing
@testable import SparseCheck

// Replaying an observed base from a capture manifest, model-drift both ways, the running kernel's facts.

/// A scratch copy of a host fixture.
func scratchHost(_ name: String) throws -> String {
    let dir = NSTemporaryDirectory() + "memmap-check-observed-\(name)-\(UUID().uuidString)"
    try FileManager.default.copyItem(atPath: hostFixture(name), toPath: dir)
    return dir
}

/// Writes a capture manifest recording `observed` as the base read from /proc/kcore.
func writeManifest(_ dir: String, observed: UInt64?, unavailable: String? = nil) throws {
    var m: [String: Any] = ["schema": "memmap-check-capture/1", "page_size": 4096]
    if let observed {
        m["observed"] = ["source": "/proc/kcore", "pfn_to_page0": hex(observed), "via": "vmemmap_base",
                         "witnesses": [["section": 0, "section_mem_map": hex(observed | 0x17), "pfn_to_page0": hex(observed)]],
                         "symbols": ["vmemmap_base": ["address": "0xffffffff9cc15730", "value": hex(observed)]]] as [String: Any]
    }
    if let unavailable { m["observed_unavailable"] = unavailable }
    let data = try JSONSerialization.data(withJSONObject: m)
    try data.write(to: URL(fileURLWithPath: dir + "/" + HostReader.manifestName))
}

private func drift(_ h: HostCheck) -> Finding? { h.result.findings.first { $0.rule == .layout(.modelDrift) } }

struct ObservedReplayTests {
    // 2node-equal: Debian 6.1.0-56-amd64 under qemu, CONFIG_RANDOMIZE_MEMORY=y; its kernel-vars.txt read
    // vmemmap_base = 0xfffffaa000000000 through /proc/kcore (../shared/reference/host-sources.md §0).
    static let real: UInt64 = 0xffff_faa0_0000_0000

    @Test("a capture's observed base is reported, judged, and agrees with the KASLR promise")
    func replayAgrees() throws {
        let dir = try scratchHost("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeManifest(dir, observed: Self.real)
        let h = try hostCheck(dir)
        #expect(h.layout.observed?.pfnToPage0 == Self.real)
        #expect(h.observedAgrees == true)
        #expect(h.judgesObserved)
        #expect(h.result.base.value == Self.real)
        #expect(h.modelled.base.guaranteedAlignment == 1 << 30)
        let enc = try #require(h.result.findings.first { $0.rule == .config(.sectionMapEncoding) })
        #expect(enc.address == Self.real)
        #expect(enc.message.hasPrefix("observed: "))
        #expect(drift(h)?.status == .pass)

        let o = try CLI.run(["host", "--root", dir, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let layout = try #require(o.json?["layout"] as? [String: Any])
        let observed = try #require(layout["observed"] as? [String: Any])
        #expect(observed["pfn_to_page0"] as? String == "0xfffffaa000000000")
        #expect(observed["source"] as? String == "/proc/kcore")
        #expect(observed["agrees_with_model"] as? Bool == true)
        #expect((observed["symbols"] as? [String: String])?["vmemmap_base"] == "0xfffffaa000000000")
        #expect((observed["witnesses"] as? [[String: Any]])?.count == 1)
        #expect(rule(o.json, "section-map-encoding")?["address"] as? String == "0xfffffaa000000000")
        let text = try CLI.run(["host", "--root", dir])
        #expect(text.stdout.contains("observed pfn_to_page(0) 0xfffffaa000000000 in /proc/kcore (vmemmap_base, recorded in memmap-check-capture.json)"))
    }

    @Test("model-drift fires when the manifest's observed value is altered (KASLR: less alignment than promised)")
    func alteredKASLR() throws {
        let dir = try scratchHost("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeManifest(dir, observed: Self.real + 0x20_0000)
        let h = try hostCheck(dir)
        let f = try #require(drift(h))
        #expect(f.status == .fail && f.severity == .error)
        #expect(f.address == Self.real + 0x20_0000)
        #expect(f.required == 1 << 30)
        #expect(f.message.contains("aligned only to 2 MiB"))
        #expect(f.message.contains("release 6.1.0-56-amd64"))
        #expect(f.message.contains("KASLR"))
        let o = try CLI.run(["host", "--root", dir, "--format", "json"])
        #expect(o.status == 1)
        #expect(rule(o.json, "model-drift")?["status"] as? String == "fail")
        // A what-if preset reports the observed base but raises no drift.
        let w = try hostCheck(dir, preset: "x86_64")
        #expect(drift(w)?.status == .skip)
        #expect(!w.judgesObserved)
    }

    @Test("without KASLR (nokaslr on the command line) the model promises the exact value; a 5-level base is explained by the mode")
    func exactAndMode() throws {
        let dir = try scratchHost("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "BOOT_IMAGE=/vmlinuz root=/dev/vda nokaslr\n".write(toFile: dir + "/proc/cmdline", atomically: true, encoding: .utf8)
        try writeManifest(dir, observed: 0xffff_ea00_0000_0000)
        let h = try hostCheck(dir)
        #expect(h.result.config.kaslr == false)
        #expect(h.layout.running.kaslr == Sourced(false, "'nokaslr' on proc/cmdline"))
        #expect(h.result.config.derivedFrom.contains("KASLR off <- 'nokaslr' on proc/cmdline"))
        #expect(drift(h)?.status == .pass)
        let o = try CLI.run(["host", "--root", dir, "--format", "json"])
        let cfg = ((o.json?["results"] as? [[String: Any]])?.first?["config"]) as? [String: Any]
        #expect(cfg?["kaslr"] as? Bool == false)

        try writeManifest(dir, observed: 0xffd4_0000_0000_0000)
        let d = try hostCheck(dir)
        let f = try #require(drift(d))
        #expect(f.status == .fail)
        #expect(f.message.contains("but the model gives 0xffffea0000000000"))
        #expect(f.message.contains("preset x86_64-la57's formula gives exactly the observed value"))
        #expect(f.details["explained_by"] == .array([.string("mode"), .string("kaslr")]))
    }

    @Test("a tree without an observation says why in an info finding and exits as before")
    func noObservation() throws {
        let h = try hostCheck(hostFixture("2node-equal"))
        #expect(h.layout.observed == nil)
        #expect(h.layout.observedProblem?.contains("memmap-check-capture.json: missing") == true)
        let info = h.result.findings.filter { $0.rule == .layout(.layoutSource) && $0.details["source"] == .string("observed base") }
        #expect(info.count == 1 && info[0].severity == .info)
        #expect(drift(h) == nil)
        let dir = try scratchHost("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeManifest(dir, observed: nil, unavailable: "/proc/kallsyms: every address reads as zero (kptr_restrict = 2)")
        let u = try hostCheck(dir)
        #expect(u.layout.observedProblem?.contains("at capture time: /proc/kallsyms: every address reads as zero") == true)
        let o = try CLI.run(["host", "--root", dir])
        #expect(o.status == 0)
        #expect(o.stdout.contains("observed pfn_to_page(0): not read"))
    }

    @Test("live host without kcore: host works from the model and says why (this machine has no /proc/kcore or is not root)")
    func liveWithoutKcore() throws {
        let o = try CLI.run(["host", "--format", "json"])
        #expect(o.status == 0 || o.status == 1)
        let layout = try #require(o.json?["layout"] as? [String: Any])
        if layout["observed"] is NSNull {
            #expect(layout["observed_unavailable"] is String)
            #expect(findings(o.json).contains { $0["rule"] as? String == "layout-source" && $0["source"] as? String == "observed base" && $0["severity"] as? String == "info" })
        }
    }

    @Test("capture records the observed base and how it was read; host --root reproduces it")
    func captureRecordsObserved() throws {
        #if arch(x86_64)
        let base: UInt64 = 0xffff_ea00_0000_0000
        let k = try FakeKernel(bigEndian: false, vars: [("vmemmap_base", 0, base)], base: base)
        let dir = NSTemporaryDirectory() + "memmap-check-capture-observed-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try HostCapture.capture(to: dir, numa: nil, kernel: k.paths)
        let m = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + HostReader.manifestName))) as? [String: Any])
        let obs = try #require(m["observed"] as? [String: Any])
        #expect(obs["pfn_to_page0"] as? String == hex(base))
        #expect((obs["how"] as? String)?.contains("read as uid") == true)
        #expect(m["running"] is [String: Any])
        let h = try hostCheck(dir)
        #expect(h.layout.observed?.pfnToPage0 == base)
        #expect(h.layout.observed?.readFrom == HostReader.manifestName)
        #expect(h.layout.observed?.witnesses.count == 3)
        #endif
    }
}

struct RunningKernelTests {
    @Test("paging mode from /proc/cpuinfo")
    func modes() {
        #expect(RunningKernel.mode(cpuinfo: "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc\nmmu\t\t: sv48\n", machine: "riscv64")?.value == .sv48)
        #expect(RunningKernel.mode(cpuinfo: "cpu\t\t: POWER9 (architected)\nMMU\t\t: Hash\n", machine: "ppc64le")?.value == .hash)
        #expect(RunningKernel.mode(cpuinfo: "cpu\t\t: POWER9\nMMU\t\t: Radix\n", machine: "ppc64le")?.value == .radix)
        #expect(RunningKernel.mode(cpuinfo: "flags\t\t: fpu vme la57 pdpe1gb\n", machine: "x86_64")?.value == .level5)
        #expect(RunningKernel.mode(cpuinfo: "flags\t\t: fpu vme pdpe1gb\n", machine: "x86_64")?.value == .level4)
        #expect(PagingMode.sv57.presetName(pageShift: 12) == "riscv64-sv57")
        #expect(PagingMode.va47.presetName(pageShift: 14) == "arm64-16k-va47")
        #expect(PagingMode.hash.presetName(pageShift: 12) == "powerpc64-hash-4k")
    }

    @Test("KASLR from the command line and the kernel log; arm64 VA from CPU features; page size from smaps")
    func bootFacts() {
        #expect(RunningKernel.kaslr(cmdline: "console=ttyS0 nokaslr", path: "proc/cmdline")?.value == false)
        #expect(RunningKernel.kaslr(cmdline: "console=ttyS0 kaslr", path: "proc/cmdline")?.value == true)
        #expect(RunningKernel.kaslr(cmdline: "console=ttyS0", path: "proc/cmdline") == nil)
        let s390 = "[    0.000000] KASLR disabled: CPU has no PRNG\n"
        #expect(RunningKernel.kaslr(dmesg: s390, path: "dmesg.txt") == Sourced(false, "dmesg.txt: 'KASLR disabled: CPU has no PRNG'"))
        #expect(RunningKernel.kaslr(dmesg: "Physical KASLR disabled: no suitable memory region!\n", path: "d") == nil)
        let a57 = "[    0.000000] CPU features: detected: Spectre-v2\n[    0.000000] CPU features: detected: ARM erratum 832075\n"
        #expect(RunningKernel.arm64VABits(dmesg: a57, path: "d", configured: 52, pageShift: 12)?.value == .va48)
        #expect(RunningKernel.arm64VABits(dmesg: a57, path: "d", configured: 52, pageShift: 14)?.value == .va47)
        let max = a57 + "[    0.000000] CPU features: detected: 52-bit Virtual Addressing (LPA2)\n"
        #expect(RunningKernel.arm64VABits(dmesg: max, path: "d", configured: 52, pageShift: 12)?.value == .va52)
        #expect(RunningKernel.arm64VABits(dmesg: "no features here\n", path: "d", configured: 52, pageShift: 12) == nil)
        #expect(RunningKernel.pageSize(smaps: "55d0-55d1 r--p 00000000 08:01 1 /bin/x\nSize:                 64 kB\nKernelPageSize:       64 kB\n") == 65536)
    }

    @Test("the kernel config's page-size symbols: ppc64le 64K is 64 KiB, not THP's PMD guess")
    func pageSizeFromConfig() throws {
        let k = try KconfigFile.load(path: fixture("kconfig/debian-ppc64el-powerpc64le-64k-6.12.113.config"))
        #expect(RunningKernel.pageSize(kconfig: k)?.value == 65536)
        let dir = try scratchHost("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A ppc64le radix 64K tree: THP's PMD is 2 MiB, which the PAGE_SIZE^2/8 rule would read as 4 KiB.
        try "2097152\n".write(toFile: dir + "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: dir + "/boot/config-6.1.0-56-amd64")
        try FileManager.default.copyItem(atPath: fixture("kconfig/debian-ppc64el-powerpc64le-64k-6.12.113.config"), toPath: dir + "/boot/config-6.1.0-56-amd64")
        try "Linux h 6.1.0-56-amd64 #1 SMP ppc64le GNU/Linux\n".write(toFile: dir + "/uname.txt", atomically: true, encoding: .utf8)
        try "processor\t: 0\ncpu\t\t: POWER9 (architected)\nMMU\t\t: Radix\n".write(toFile: dir + "/proc/cpuinfo", atomically: true, encoding: .utf8)
        let L = try HostReader.read(try HostFiles(root: dir))
        #expect(L.hostPageSize == 65536)
        #expect(L.hostPageSizeSource?.contains("CONFIG_PAGE_SHIFT=16") == true)
    }

    @Test("la57 in cpuinfo judges 5-level paging even when a kernel config is found")
    func la57WithConfig() throws {
        let dir = try scratchHost("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cpuinfo = try String(contentsOfFile: dir + "/proc/cpuinfo", encoding: .utf8)
        let with = cpuinfo.replacingOccurrences(of: "flags\t\t: ", with: "flags\t\t: la57 ")
        try with.write(toFile: dir + "/proc/cpuinfo", atomically: true, encoding: .utf8)
        try "nokaslr\n".write(toFile: dir + "/proc/cmdline", atomically: true, encoding: .utf8)
        let h = try hostCheck(dir)
        #expect(h.layout.kernelConfigUsed)
        #expect(h.result.config.layout == .x86_64(la57: true))
        #expect(h.result.base.value == 0xffd4_0000_0000_0000) // issue 10: amd64 la57 nokaslr guest
        // The running mode is judged, pinned: no paging mode is reported as taken without being chosen.
        #expect(h.result.config.modePinned && h.result.config.pagingMode == .level5)
        #expect(!h.result.config.assumed.contains { if case .pagingMode = $0 { return true } else { return false } })
        #expect(h.result.config.derivedFrom.contains { $0.hasPrefix("paging mode 5-level (la57) <- 'la57' in proc/cpuinfo flags") })
    }
}

struct NoNUMAHostTests {
    /// A kernel without NUMA (Debian s390x): no sys/devices/system/node; 8 blocks of 128 MiB; zoneinfo node 0.
    func tree() throws -> String {
        let dir = NSTemporaryDirectory() + "memmap-check-nonuma-\(UUID().uuidString)"
        let fm = FileManager.default
        func put(_ rel: String, _ text: String) throws {
            let p = dir + "/" + rel
            try fm.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: p, atomically: true, encoding: .utf8)
        }
        try put("sys/devices/system/memory/block_size_bytes", "8000000\n")
        for b in 0..<8 { try put("sys/devices/system/memory/memory\(b)/state", "online\n") }
        try put("proc/zoneinfo", """
            Node 0, zone      DMA
              pages free     1000
                    spanned  262144
                    present  262144
                    managed  250000
              start_pfn:           0
            Node 0, zone   Normal
              pages free     0
                    spanned  0
                    present  0
                    managed  0

            """)
        try put("proc/cpuinfo", "vendor_id       : IBM/S390\n# processors    : 2\n")
        try put("proc/sys/kernel/osrelease", "7.2.13+deb14-s390x\n")
        try put("proc/cmdline", "console=ttysclp0\n")
        try put("proc/iomem", "00000000-3fffffff : System RAM\n  00100000-00ffffff : Kernel code\n")
        try put("dmesg.txt", "[    0.000000] KASLR disabled: CPU has no PRNG\n")
        try put("uname.txt", "Linux h 7.2.13+deb14-s390x #1 SMP Debian 7.2.13-1 s390x GNU/Linux\n")
        return dir
    }

    @Test("one node holding every memory block, no layout warning, 4 KiB pages, KASLR off from dmesg")
    func oneNode() throws {
        let dir = try tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try hostCheck(dir)
        #expect(h.layout.nodes.count == 1)
        #expect(h.layout.nodes[0].blockIDs == Array(0..<8))
        #expect(h.layout.hostPageSize == 4096)
        #expect(h.layout.running.numa?.value == false)
        #expect(h.layout.running.kaslr?.value == false)
        #expect(h.layout.running.dramStart?.value == 0)
        #expect(!h.result.findings.contains { $0.rule == .layout(.layoutSourcesDisagree) })
        #expect(!h.result.findings.contains { $0.status == .fail && $0.severity >= .warning })
        let text = Report.text(h)
        #expect(text.contains("memory blocks 0-7: 8 online"))
        #expect(text.contains("(kernel without NUMA: one node)"))
    }
}

struct BigEndianBTFTests {
    /// A minimal BTF: one INT and `struct page` of `size`, in a byte order.
    func btf(bigEndian be: Bool, size: UInt32) -> [UInt8] {
        func u32(_ v: UInt32) -> [UInt8] { bytes(UInt64(v), 4, bigEndian: be) }
        let strings = Array("\0int\0page\0".utf8)
        var types: [UInt8] = []
        types += u32(1) + u32(1 << 24) + u32(4) + u32(32)                  // INT "int", 4 bytes, 32 bits
        types += u32(5) + u32(4 << 24 | 1) + u32(size) + u32(1) + u32(1) + u32(0) // STRUCT "page", one member
        var out = bytes(0xeb9f, 2, bigEndian: be) + [1, 0] + u32(24)
        out += u32(0) + u32(UInt32(types.count)) + u32(UInt32(types.count)) + u32(UInt32(strings.count))
        return out + types + strings
    }

    @Test("struct page from BTF in either byte order (s390x is big-endian)", arguments: [false, true])
    func structPage(bigEndian: Bool) throws {
        #expect(try BTF.structSize("page", in: btf(bigEndian: bigEndian, size: 64)) == 64)
        #expect(throws: BTF.Failure.self) { try BTF.structSize("folio", in: btf(bigEndian: bigEndian, size: 64)) }
    }
}
