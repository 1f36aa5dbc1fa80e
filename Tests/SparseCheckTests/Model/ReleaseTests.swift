import Foundation
import Testing
@testable import SparseCheck

/// Kernel releases, the release table and the paging modes.
@Suite struct ReleaseTests {
    @Test("release strings parse, keep the text seen and order by their numbers")
    func parsing() throws {
        let r = try #require(KernelRelease("7.2.13+deb14-riscv64"))
        #expect(r.major == 7 && r.minor == 2 && r.patch == 13 && r.seen == "7.2.13+deb14-riscv64")
        #expect(r.series.seen == "7.2")
        #expect(KernelRelease("6.1.0-56-amd64")?.patch == 0)
        #expect(KernelRelease("7.3.0-rc2")?.minor == 3)
        #expect(KernelRelease("6.12")?.patch == nil)
        for bad in ["7.x", "99", "next", "v7.2", "7.", ".2", "7.2a", "", "1.2.3.4", "7..2"] {
            #expect(KernelRelease(bad) == nil, "\(bad)")
        }
        #expect(KernelRelease("6.12")! < KernelRelease("7.1")! && KernelRelease("7.2")! < KernelRelease("7.2.13")!)
        #expect(KernelRelease("7.2.0") == KernelRelease("7.2"))
    }

    @Test("uname -r and /proc/version text give the running release")
    func kernelText() {
        #expect(KernelRelease.fromKernelText("6.18.0-1-amd64\n")?.seen == "6.18.0-1-amd64")
        let v = "Linux version 7.2.13+deb14-riscv64 (debian-kernel@lists.debian.org) (gcc-15 (Debian 15.2.0-9) 15.2.0) #1 SMP Debian 7.2.13-1 (2026-11-20)"
        #expect(KernelRelease.fromKernelText(v)?.seen == "7.2.13+deb14-riscv64")
        #expect(KernelRelease.fromKernelText("Linux version") == nil)
    }

    @Test("the table: pre-series, the series as merged for 7.1, 7.2, 7.3; proposed adds the 2026 bound only")
    func table() throws {
        func f(_ s: String) throws -> KernelFormulas { try KernelTarget.parse(s).formulas }
        #expect(try f("6.12").mask == .none && f("6.12").riscvAlign == .section && f("6.12").loongarchVmemmap == .pmd)
        #expect(try f("7.1.0").mask == .merged && f("7.1").riscvAlign == .maxFolioVmemmapAlign)
        #expect(try f("7.1").arm64LinearMapRandomized && f("7.1").loongarchVmemmap == .alignMaxFolio)
        let t72 = try KernelTarget.parse("7.2.13+deb14-riscv64")
        #expect(t72.label == "7.2" && t72.releaseSeen == "7.2.13+deb14-riscv64")
        #expect(t72.formulas.riscvAlign == .pfnPhys && !t72.formulas.arm64LinearMapRandomized)
        #expect(t72.formulas.encodeBound == .tesarik2018 && t72.formulas.encodeSite.contains("mm/internal.h"))
        #expect(try f("7.3.4").encodeSite.contains("mm/sparse.h"))
        // Every release keeps the 2018 bound; only `proposed` has the 2026 one, on top of the newest row.
        for row in FormulaTable.rowReleases { #expect(FormulaTable.formulas(for: row).encodeBound == .tesarik2018) }
        let p = try KernelTarget.parse("proposed")
        #expect(p.label == "proposed" && p.formulas.encodeBound == .muchun2026)
        #expect(p.formulas.riscvAlign == FormulaTable.formulas(for: FormulaTable.newestRelease).riscvAlign)
        // Newer than the table: the newest formulas, said so.
        let newer = try KernelTarget.parse("9.0.1")
        #expect(newer.label == FormulaTable.newestRelease.seen && newer.beyondTable)
        #expect(newer.caveat?.contains("newer than the newest modelled release") == true)
        // 7.1's own text was not readable: every 7.1 result says so.
        #expect(try KernelTarget.parse("7.1").caveat?.contains("not read") == true)
        #expect(try KernelTarget.parse("7.2").caveat == nil)
    }

    @Test("--kernel: bad values exit 2 with one line naming the accepted forms; next points to proposed")
    func badKernel() throws {
        for bad in ["7.x", "99", "next", "latest"] {
            #expect(throws: InputError.self) { try OptionParser.kernel(.kernel)(bad) }
            let o = try CLI.run(["check", "--preset", "x86_64", "--kernel", bad])
            #expect(o.status == 2 && o.stderr.split(separator: "\n").count == 1 && o.stderr.contains("7.2.13+deb14-riscv64"), "\(bad)")
        }
        let next = try CLI.run(["check", "--kernel", "next"])
        #expect(next.stderr.contains("proposed"))
        // A release newer than the table: the newest formulas, said under `assumed`; the exact release is kept.
        let newer = try CLI.run(["check", "--preset", "x86_64", "--kernel", "9.1.2-1-amd64", "--format", "json"])
        let cfg = try #require((newer.json?["results"] as? [[String: Any]])?.first?["config"] as? [String: Any])
        #expect(newer.status == 0 && cfg["kernel"] as? String == FormulaTable.newestRelease.seen)
        #expect(cfg["release_seen"] as? String == "9.1.2-1-amd64")
        #expect(((cfg["assumed"] as? [String]) ?? []).contains { $0.contains("newer than the newest modelled release") })
    }

    @Test("--paging-mode: validated against the modes the configuration allows")
    func pagingModeOption() throws {
        let path = fixture("kconfig/debian-riscv64-riscv64-7.2.13.config")
        let o = try CLI.run(["check", "--kconfig", path, "--paging-mode", "sv48", "--format", "json"])
        #expect(o.status == 0)
        let results = try #require(o.json?["results"] as? [[String: Any]])
        #expect(results.count == 1)
        let cfg = try #require(results[0]["config"] as? [String: Any])
        #expect(cfg["paging_mode"] as? String == "sv48" && cfg["vmemmap_base"] as? String == "0xffff8d8000000000")
        #expect(!((cfg["assumed"] as? [String]) ?? []).contains { $0.contains("paging mode") })
        let bad = try CLI.run(["check", "--kconfig", path, "--paging-mode", "5-level"])
        #expect(bad.status == 2 && bad.stderr.contains("sv39, sv48, sv57") && bad.stderr.split(separator: "\n").count == 1)
        let unknown = try CLI.run(["check", "--preset", "x86_64", "--paging-mode", "sv64"])
        #expect(unknown.status == 2 && unknown.stderr.contains("--paging-mode sv64"))
        // A preset fixes its mode.
        let fixed = try CLI.run(["check", "--preset", "riscv64-sv39", "--paging-mode", "sv48"])
        #expect(fixed.status == 2 && fixed.stderr.contains("allows: sv39"))
    }

    @Test("x86 --no-hvo drops SPARSEMEM_VMEMMAP_PREINIT (fs/Kconfig:281, 7.2): SECTION_MAP_LAST_BIT 5, not 6")
    func preinitFollowsHVO() throws {
        let on = try SparseConfig.make(preset: "x86_64")
        let onBits = try on.derive(base: 0).sectionMapLastBit
        #expect(on.vmemmapPreinit && onBits == 6)
        var o = Overrides()
        o.hvo = false
        let off = try SparseConfig.make(preset: "x86_64", overrides: o)
        let offBits = try off.derive(base: 0).sectionMapLastBit
        #expect(!off.vmemmapPreinit && offBits == 5)
        // The Debian 7.2.13 amd64 .config: HVO and PREINIT on; --no-hvo re-derives both.
        let kc = try derivedConfig("debian-amd64-amd64-7.2.13.config")
        #expect(kc.vmemmapPreinit && kc.archWantVmemmapPreinit)
        let kcOff = try kc.applying(o)
        #expect(!kcOff.vmemmapPreinit)
    }
}

/// Each Debian 7.2.13 / 7.3.4 .config (Debian's linux-image packages; Tests/.../Fixtures/kconfig): the
/// release read from its header, every paging mode it allows with the base the kernel computes, and no
/// false FAIL. Bases are cited to a real booted kernel (/work/kernels/captures, issue 10) where one ran.
@Suite struct DebianReleaseConfigTests {
    struct Case: Sendable, CustomStringConvertible {
        let file: String
        let label: String
        let dram: UInt64?
        let noKaslr: Bool
        /// mode -> pfn_to_page(0)
        let bases: [(String, UInt64)]
        var description: String { file }
    }

    static let cases: [Case] = [
        // riscv64, qemu virt DRAM at 0x80000000: arch/riscv/mm/init.c:65-67 rounds it to 16 GiB -> 0.
        // Real 7.2.13 guests: sv39 0xffffffc500000000 (riscv64-sv39-numa2), sv48 0xffff8d8000000000 (riscv64-sv48);
        // sv57 0xff1c000000000000 = VMEMMAP_START (pgtable.h:84-88, page.h:29; Documentation/arch/riscv/vm-layout.rst).
        Case(file: "debian-riscv64-riscv64-7.2.13.config", label: "7.2", dram: 0x8000_0000, noKaslr: false,
             bases: [("sv39", 0xffff_ffc5_0000_0000), ("sv48", 0xffff_8d80_0000_0000), ("sv57", 0xff1c_0000_0000_0000)]),
        // amd64 with nokaslr: __VMEMMAP_BASE_L4/L5 (pgtable_64_types.h:113-114); real 5-level nokaslr 0xffd4000000000000.
        Case(file: "debian-amd64-amd64-7.2.13.config", label: "7.2", dram: nil, noKaslr: true,
             bases: [("4-level", 0xffff_ea00_0000_0000), ("5-level", 0xffd4_0000_0000_0000)]),
        Case(file: "debian-amd64-amd64-7.3.4.config", label: "7.3", dram: nil, noKaslr: true,
             bases: [("4-level", 0xffff_ea00_0000_0000), ("5-level", 0xffd4_0000_0000_0000)]),
        // arm64 4K VA_BITS 52, qemu virt DRAM at 1 GiB: real va48 (cortex-a57) 0xfffffdffbf000000 (7.2.13 and 7.3.4),
        // va52 (max CPU, LPA2) 0xffffc1ffbf000000. 7.2 has no linear-map randomisation: KASLR does not move it.
        Case(file: "debian-arm64-arm64-7.2.13.config", label: "7.2", dram: 0x4000_0000, noKaslr: false,
             bases: [("va48", 0xffff_fdff_bf00_0000), ("va52", 0xffff_c1ff_bf00_0000)]),
        Case(file: "debian-arm64-arm64-7.3.4.config", label: "7.3", dram: 0x4000_0000, noKaslr: false,
             bases: [("va48", 0xffff_fdff_bf00_0000), ("va52", 0xffff_c1ff_bf00_0000)]),
        // arm64 16K VA 52: real va47 0xffffffbfbfc00000 (7.2.13, 7.3.4), va52 0xfffff03fbfc00000.
        Case(file: "debian-arm64-arm64-16k-7.2.13.config", label: "7.2", dram: 0x4000_0000, noKaslr: false,
             bases: [("va47", 0xffff_ffbf_bfc0_0000), ("va52", 0xffff_f03f_bfc0_0000)]),
        Case(file: "debian-arm64-arm64-16k-7.3.4.config", label: "7.3", dram: 0x4000_0000, noKaslr: false,
             bases: [("va47", 0xffff_ffbf_bfc0_0000), ("va52", 0xffff_f03f_bfc0_0000)]),
        // powerpc64le 4K: real radix 0xc00c000000000000, hash (disable_radix) 0xc0003f0000000000.
        Case(file: "debian-ppc64el-powerpc64le-7.2.13.config", label: "7.2", dram: nil, noKaslr: false,
             bases: [("radix", 0xc00c_0000_0000_0000), ("hash", 0xc000_3f00_0000_0000)]),
        // powerpc64le 64K: real radix and hash both 0xc00c000000000000.
        Case(file: "debian-ppc64el-powerpc64le-64k-7.2.13.config", label: "7.2", dram: nil, noKaslr: false,
             bases: [("radix", 0xc00c_0000_0000_0000), ("hash", 0xc00c_0000_0000_0000)]),
        // s390x 4 GiB guest with KASLR off: real 0x37200000000 (arch/s390/boot/startup.c:397-428).
        Case(file: "debian-s390x-s390x-7.2.13.config", label: "7.2", dram: nil, noKaslr: true, bases: [("", 0x372_0000_0000)]),
    ]

    @Test("every allowed mode's base, no false FAIL", arguments: cases)
    func modes(_ k: Case) throws {
        var o = Overrides()
        o.dramBase = k.dram
        if k.noKaslr { o.kaslr = false }
        let c = try derivedConfig(k.file).applying(o)
        #expect(c.kernel.label == k.label && c.kernel.releaseSeen == String(k.file.split(separator: "-").last!.dropLast(".config".count)))
        let results = try Checker.checkModes(c)
        #expect(results.map { $0.config.pagingMode?.rawValue ?? "" } == k.bases.map(\.0))
        for (r, (mode, base)) in zip(results, k.bases) {
            #expect(r.base.value == base, "\(k.file) \(mode)")
            #expect(FailPolicy.error.verdict(r).status == "pass", "\(k.file) \(mode)")
            #expect(r.config.kernel.label == k.label)
            // Every mode was evaluated, none chosen: no mode assumption.
            #expect(!r.config.assumed.contains { $0.description.contains("paging mode") })
        }
    }

    @Test("KASLR as built: x86 PUD slots, s390 rte_size; the real randomised bases have that alignment")
    func kaslrAlignment() throws {
        let amd = try Checker.checkModes(derivedConfig("debian-amd64-amd64-7.2.13.config"))
        #expect(amd.count == 2 && amd.allSatisfy { $0.base.guaranteedAlignment == 1 << 30 && FailPolicy.error.verdict($0).status == "pass" })
        // Real KASLR boots (7.2.13 4-level, 5-level; 7.3.4 4-level).
        for real: UInt64 in [0xffff_f695_0000_0000, 0xfff5_0435_c000_0000, 0xffff_f276_8000_0000] {
            #expect(real & ((1 << 30) - 1) == 0)
        }
        let s390 = try Checker.check(derivedConfig("debian-s390x-s390x-7.2.13.config"))
        #expect(s390.base.guaranteedAlignment == 2 << 30 && FailPolicy.error.verdict(s390).status == "pass")
        #expect(s390.config.assumed.contains { $0.description.contains("cannot be known from a .config") })
        // Real s390x boots (nokaslr, and a KASLR kernel that could not randomise): 0x37200000000, 2 GiB-aligned.
        #expect(UInt64(0x372_0000_0000) & ((2 << 30) - 1) == 0)
        // arm64 7.2: CONFIG_RANDOMIZE_BASE=y no longer randomises the linear map; 7.1 (memstart_offset_seed) did.
        let a = try derivedConfig("debian-arm64-arm64-7.2.13.config")
        let a72 = try Checker.check(a)
        #expect(a.kaslr && !a.baseRandomized && a72.base.guaranteedAlignment == nil)
        var a71 = a
        a71.kernel = .v7_1
        let r71 = try Checker.check(a71)
        #expect(a71.baseRandomized && r71.base.guaranteedAlignment == 16 << 20)
    }

    @Test("done-when: riscv64 7.2.13 check exits 0 for 7.2 with sv39/sv48/sv57; --kernel 7.1 fails sv39 and says it is unconfirmed")
    func riscvDoneWhen() throws {
        let path = fixture("kconfig/debian-riscv64-riscv64-7.2.13.config")
        let o = try CLI.run(["check", "--kconfig", path, "--dram-base", "0x80000000"])
        #expect(o.status == 0)
        #expect(o.stdout.contains("[kernel 7.2, sv39]") && o.stdout.contains("pass in every mode"))
        #expect(o.stdout.contains("sv39 0xffffffc500000000, sv48 0xffff8d8000000000, sv57 0xff1c000000000000"))
        let j = try CLI.run(["check", "--kconfig", path, "--dram-base", "0x80000000", "--format", "json"])
        let results = try #require(j.json?["results"] as? [[String: Any]])
        #expect(results.count == 3)
        let cfg = try #require(results[0]["config"] as? [String: Any])
        #expect(cfg["kernel"] as? String == "7.2" && cfg["release_seen"] as? String == "7.2.13")
        #expect(cfg["paging_modes_allowed"] as? [String] == ["sv39", "sv48", "sv57"])

        let old = try CLI.run(["check", "--kconfig", path, "--dram-base", "0x80000000", "--kernel", "7.1"])
        #expect(old.status == 1)
        #expect(old.stdout.contains("pfn_to_page(0) = 0xffffffc4fe000000") && old.stdout.contains("FAIL in sv39"))
        #expect(old.stdout.contains("the 7.1 release's own text was not read"))
    }

    @Test("sweep: a release list is an axis, .config sources split per paging mode")
    func sweepAxes() throws {
        let path = fixture("kconfig/debian-riscv64-riscv64-7.2.13.config")
        let o = try CLI.run(["sweep", "--kconfig", path, "--kernel", "6.12,7.1,7.2", "--format", "json", "--fail-on", "never"])
        #expect(o.status == 0)
        let sum = try #require(o.json?["summary"] as? [String: Any])
        #expect(sum["evaluated"] as? Int == 9) // 3 releases x 3 modes
        let all = try #require(sum["failing_groups"] as? [[String: Any]])
        let groups = all.filter { $0["rule"] as? String == "folio-vmemmap-align" }
        // Only 7.1 fails (v7's riscv rounding; 6.12 has no such check), in every mode; the reproducer names
        // the mode and the release.
        #expect(groups.allSatisfy { $0["kernel"] as? String == "7.1" })
        #expect(groups.count == 3)
        #expect(groups.contains { ($0["check_command"] as? String)?.contains("--paging-mode sv48 --kernel 7.1") == true })
    }
}
