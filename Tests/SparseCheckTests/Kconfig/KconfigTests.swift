import Foundation
import Testing
@testable import SparseCheck

@Suite struct KconfigTests {
    struct Expected: Sendable {
        var file: String
        var arch: Arch
        var pageShift: UInt32
        var maxPageOrder: UInt32
        var maxPhysmemBits: UInt32
        var hvo: Bool
        var zoneDevice: Bool
        var preinit: Bool
        var kaslr: Bool
        var memSectionSize: UInt32
        var gigantic: Bool
    }

    // Numbers from the files themselves and the kernel's Kconfig semantics:
    // - ARCH_FORCE_MAX_ORDER means MAX_ORDER (exclusive) before 6.4 and MAX_PAGE_ORDER after
    //   (commit "mm: ... MAX_ORDER ... inclusive", 6.4): arm64 6.1 says 11 -> 10; 6.12 values are taken as is.
    // - Absent ARCH_FORCE_MAX_ORDER: MAX_PAGE_ORDER 10 (include/linux/mmzone.h default).
    // - PAGE_EXTENSION adds page_ext + pad to struct mem_section: 32 bytes (include/linux/mmzone.h).
    // - HAVE_GIGANTIC_FOLIOS (mm/Kconfig) = (HUGETLB_PAGE && ARCH_HAS_GIGANTIC_PAGE) || (ZONE_DEVICE && THP_PUD).
    // - x86_64 MAX_PHYSMEM_BITS 46 with 4-level paging (arch/x86/include/asm/sparsemem.h); arm64 = ARM64_PA_BITS;
    //   s390 = CONFIG_MAX_PHYSMEM_BITS; powerpc 51 (asm/book3s/64/radix.h); riscv 56; LoongArch 48.
    static let expected: [Expected] = [
        .init(file: "debian-amd64-amd64-6.12.117.config", arch: .x86_64, pageShift: 12, maxPageOrder: 10, maxPhysmemBits: 46,
              hvo: true, zoneDevice: true, preinit: false, kaslr: true, memSectionSize: 32, gigantic: true),
        .init(file: "debian-arm64-arm64-16k-6.12.117.config", arch: .arm64, pageShift: 14, maxPageOrder: 11, maxPhysmemBits: 52,
              hvo: false, zoneDevice: true, preinit: false, kaslr: true, memSectionSize: 32, gigantic: true),
        .init(file: "debian-arm64-arm64-6.1.192.config", arch: .arm64, pageShift: 12, maxPageOrder: 10, maxPhysmemBits: 48,
              hvo: false, zoneDevice: false, preinit: false, kaslr: true, memSectionSize: 32, gigantic: true),
        .init(file: "debian-ppc64el-powerpc64le-64k-6.12.113.config", arch: .powerpc64, pageShift: 16, maxPageOrder: 8, maxPhysmemBits: 51,
              hvo: false, zoneDevice: true, preinit: false, kaslr: false, memSectionSize: 32, gigantic: true),
        // s390x CONFIG_RANDOMIZE_BASE=y (line 312): the kernel image, and with it __abs_lowcore, is placed at random.
        .init(file: "debian-s390x-s390x-6.1.176.config", arch: .s390x, pageShift: 12, maxPageOrder: 10, maxPhysmemBits: 46,
              hvo: false, zoneDevice: false, preinit: false, kaslr: true, memSectionSize: 32, gigantic: true),
        .init(file: "riscv64-6.18-handwritten.config", arch: .riscv64, pageShift: 12, maxPageOrder: 10, maxPhysmemBits: 56,
              hvo: true, zoneDevice: true, preinit: false, kaslr: false, memSectionSize: 16, gigantic: true),
        .init(file: "riscv64-6.18-handwritten.config.gz", arch: .riscv64, pageShift: 12, maxPageOrder: 10, maxPhysmemBits: 56,
              hvo: true, zoneDevice: true, preinit: false, kaslr: false, memSectionSize: 16, gigantic: true),
        // LoongArch selects no ARCH_HAS_GIGANTIC_PAGE (arch/loongarch/Kconfig): no gigantic folios.
        .init(file: "loongarch64-16k-6.18-handwritten.config", arch: .loongarch64, pageShift: 14, maxPageOrder: 11, maxPhysmemBits: 48,
              hvo: true, zoneDevice: false, preinit: true, kaslr: false, memSectionSize: 16, gigantic: false),
    ]

    @Test("fixture parses to expected parameters", arguments: expected)
    func fixtureParsesToExpectedParameters(_ e: Expected) throws {
        let c = try derivedConfig(e.file)
        #expect(c.arch == e.arch)
        #expect(c.pageShift == e.pageShift)
        #expect(c.maxPageOrder == e.maxPageOrder)
        #expect(c.maxPhysmemBits == e.maxPhysmemBits)
        #expect(c.hvo == e.hvo)
        #expect(c.zoneDevice == e.zoneDevice)
        #expect(c.vmemmapPreinit == e.preinit)
        #expect(c.kaslr == e.kaslr)
        #expect(c.memSectionSize == e.memSectionSize)
        #expect(c.haveGiganticFolios == e.gigantic)
        #expect(c.sparsememVmemmap)
        #expect(c.kconfigPath?.hasSuffix(e.file) == true)
        // Every derived value names the config line it came from.
        #expect(c.derivedFrom.contains { $0.hasPrefix("page size") })
        #expect(c.derivedFrom.contains { $0.hasPrefix("MAX_PAGE_ORDER \(e.maxPageOrder)") })
    }

    @Test("arm64 VA bits and KASLR alignment") func arm64VABitsAndKASLRAlignment() throws {
        // Debian arm64 16K 6.12: ARM64_VA_BITS=52, so VA_BITS_MIN = 47 with 16K pages (arch/arm64/Kconfig).
        let c16 = try derivedConfig("debian-arm64-arm64-16k-6.12.117.config")
        guard case let .arm64(va, vaMin, _, _) = c16.layout else { Issue.record("not arm64"); return }
        #expect(va == 52 && vaMin == 47)
        // ARM64_MEMSTART_ALIGN = 1 GiB for 4K pages (PUD_SHIFT 30); the vmemmap moves in steps of
        // (1 GiB >> 12) * 64 = 16 MiB, and VMEMMAP_START (0xfffffdffc0000000) is 1 GiB-aligned: 16 MiB guaranteed.
        let c4 = try derivedConfig("debian-arm64-arm64-6.1.192.config")
        let base = try c4.vmemmapBase()
        #expect(base.guaranteedAlignment == 16 << 20)
        #expect(base.value & ((32 << 20) - 1) == 16 << 20)
    }

    @Test("x86 KASLR is judged at PUD alignment") func x86KASLRIsJudgedAtPUDAlignment() throws {
        // arch/x86/mm/kaslr.c: every vmemmap_base is a multiple of PUD_SIZE (1 GiB) and no more is guaranteed.
        var c = try derivedConfig("debian-amd64-amd64-6.12.117.config")
        c.kernel = .v7_2 // 6.12 has no mask encoding: judge this config with 7.2's formulas
        let r = try Checker.check(c)
        #expect(r.base.guaranteedAlignment == 1 << 30)
        #expect(r.derived.actualAlignment == 1 << 30)
        // MAX_FOLIO_VMEMMAP_ALIGN = 2^22 * 64 = 256 MiB divides 1 GiB: the check passes, and says KASLR.
        let f = try #require(r.findings.first { $0.rule == .config(.folioVmemmapAlign) })
        #expect(f.status == .pass)
        #expect(f.message.contains("KASLR"))
        #expect(r.config.assumed.contains { $0.description.contains("KASLR slot") })
    }

    @Test("flatmem says no rule applies") func flatmemSaysNoRuleApplies() throws {
        let outcome = try KconfigFile.load(path: fixture("kconfig/debian-armhf-armmp-lpae-6.12.113.config")).derive()
        guard case let .notApplicable(_, arch, reason) = outcome else { Issue.record("expected not applicable"); return }
        #expect(arch == "arm")
        #expect(reason.contains("FLATMEM"))
    }

    @Test("not set and absent are kept apart") func notSetAndAbsentAreKeptApart() throws {
        let f = try KconfigFile.parse("# CONFIG_ZONE_DEVICE is not set\nCONFIG_X86_64=y\n", path: "t")
        #expect(f.bool("ZONE_DEVICE") == false)
        #expect(f.bool("SPARSEMEM") == nil)
        #expect(f["ZONE_DEVICE"]?.line == 1)
    }

    @Test("malformed line names file and line") func malformedLineNamesFileAndLine() {
        #expect(throws: InputError.self) { try KconfigFile.parse("CONFIG_X86_64=y\nCONFIG_FOO bar\n", path: "my.config") }
        do {
            _ = try KconfigFile.parse("CONFIG_X86_64=y\n\nCONFIG_FOO=\"unterminated\n", path: "my.config")
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.input == "my.config:3")
        } catch { Issue.record("\(error)") }
    }

    @Test("contradictions are errors") func contradictionsAreErrors() throws {
        let twoArches = "CONFIG_X86_64=y\nCONFIG_ARM64=y\nCONFIG_SPARSEMEM=y\n"
        #expect(throws: InputError.self) { try KconfigFile.parse(twoArches, path: "a").derive() }
        let pages = "CONFIG_ARM64=y\nCONFIG_64BIT=y\nCONFIG_ARM64_4K_PAGES=y\nCONFIG_PAGE_SHIFT=14\nCONFIG_ARM64_VA_BITS=48\nCONFIG_SPARSEMEM=y\n"
        do {
            _ = try KconfigFile.parse(pages, path: "p").derive()
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.input == "p:3")
            #expect(e.expected.contains("contradictory"))
        }
        let hvo = "CONFIG_X86_64=y\nCONFIG_SPARSEMEM=y\n# CONFIG_SPARSEMEM_VMEMMAP is not set\nCONFIG_HUGETLB_PAGE=y\nCONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y\n"
        #expect(throws: InputError.self) { try KconfigFile.parse(hvo, path: "h").derive() }
        let dup = "CONFIG_X86_64=y\n# CONFIG_X86_64 is not set\n"
        #expect(throws: InputError.self) { try KconfigFile.parse(dup, path: "d") }
    }

    @Test("unknown architecture is an error") func unknownArchitectureIsAnError() {
        let mips = "#\n# Linux/mips 6.12.0 Kernel Configuration\n#\nCONFIG_MIPS=y\nCONFIG_SPARSEMEM=y\n"
        do {
            _ = try KconfigFile.parse(mips, path: "m").derive()
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.input == "m:2")
            #expect(e.expected.contains("mips"))
        } catch { Issue.record("\(error)") }
    }

    @Test("version shift of force max order") func versionShiftOfForceMaxOrder() throws {
        // Same value, different meaning before and after 6.4.
        let body = "CONFIG_ARM64=y\nCONFIG_64BIT=y\nCONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_VA_BITS=48\nCONFIG_SPARSEMEM=y\nCONFIG_SPARSEMEM_VMEMMAP=y\nCONFIG_ARCH_FORCE_MAX_ORDER=11\n"
        func order(_ header: String) throws -> UInt32 {
            guard case let .config(c) = try KconfigFile.parse(header + body, path: "v").derive() else { return 0 }
            return c.maxPageOrder
        }
        #expect(try order("# Linux/arm64 6.3.0 Kernel Configuration\n") == 10)
        #expect(try order("# Linux/arm64 6.4.0 Kernel Configuration\n") == 11)
    }

    @Test("gzip bomb is refused") func gzipBombIsRefused() {
        // 70 MiB of zeros, above the 64 MiB cap.
        do {
            _ = try KconfigFile.load(path: fixture("gzip-bomb-70MiB.gz"))
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.expected.contains("at most 64 MiB"))
        } catch { Issue.record("\(error)") }
    }

    @Test("build machine /proc/config.gz") func buildMachineProcConfigGz() throws {
        // /proc/config.gz of the build machine, when present (CONFIG_IKCONFIG_PROC).
        guard FileManager.default.isReadableFile(atPath: "/proc/config.gz") else { return }
        let f = try KconfigFile.load(path: "/proc/config.gz")
        guard case let .config(c) = try f.derive() else { return }
        #expect(c.kconfigPath == "/proc/config.gz")
        #expect(c.pageShift >= 12)
        if f.bool("HAVE_GIGANTIC_FOLIOS") != nil {
            #expect(c.haveGiganticFolios == f.bool("HAVE_GIGANTIC_FOLIOS"))
        }
        #expect(c.hvo == (f.bool("HUGETLB_PAGE_OPTIMIZE_VMEMMAP") ?? false))
    }
}
