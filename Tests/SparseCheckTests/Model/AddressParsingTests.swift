import Testing
@testable import SparseCheck

/// One address parser for every address option and axis (issue 13: `check --vmemmap-base 1000` was
/// 0x1000 while `sweep --vmemmap-bases 1000` was 0x3e8).
@Suite("Addresses: hex everywhere, the same digits the same address")
struct AddressParsingTests {
    @Test("bare digits are hex, with or without 0x", arguments: [
        ("1000", 0x1000), ("0x1000", 0x1000), ("0X1000", 0x1000), ("80000000", 0x8000_0000),
        ("ffffea0000000000", 0xffff_ea00_0000_0000), ("0xffff_ea00_0000_0000", 0xffff_ea00_0000_0000),
        ("FFFFFFFFFFFFFFFF", UInt64.max), ("1e", 0x1e), ("4b", 0x4b), (" 10 ", 0x10), ("0", 0),
    ] as [(String, UInt64)])
    func hex(text: String, value: UInt64) throws {
        #expect(try Units.parseAddress(text, option: "--vmemmap-base") == value)
    }

    @Test("a decimal count with a K/M/G/T/P suffix is a round address", arguments: [
        ("2G", 0x8000_0000), ("1G", 0x4000_0000), ("64GiB", 0x10_0000_0000), ("2M", 0x20_0000),
        ("512mb", 0x2000_0000), ("1T", 0x100_0000_0000), ("1P", 0x4_0000_0000_0000),
    ] as [(String, UInt64)])
    func suffixed(text: String, value: UInt64) throws {
        #expect(try Units.parseAddress(text, option: "--dram-base") == value)
    }

    @Test("bad addresses are one InputError naming the option", arguments: [
        "", "0x", "_", "-1G", "0xZZ", "0x2G", "1.5G", "1Q", "G", "12345678901234567",
        "0x1ffffffffffffffff", "99999999999P", "16EiB", "1000 2000",
    ])
    func bad(text: String) {
        #expect(throws: InputError.self) { try Units.parseAddress(text, option: "--vmemmap-bases") }
        do {
            _ = try Units.parseAddress(text, option: "--vmemmap-bases")
        } catch let e as InputError {
            #expect(e.description.hasPrefix("--vmemmap-bases \(text):"))
            #expect(e.description.contains("hexadecimal address"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("sweep address axes read hex too: lists and START:END:STEP")
    func axes() throws {
        let parse: (String) throws -> UInt64 = { try Units.parseAddress($0, option: "--dram-bases") }
        #expect(try SweepAxis.parse("1000,2000", option: "--dram-bases", parse) == .list([0x1000, 0x2000]))
        #expect(try SweepAxis.parse("0:64G:2M", option: "--dram-bases", parse)
            == .range(start: 0, end: 64 << 30, step: 2 << 20))
        #expect(try SweepAxis.parse("0:1000:100", option: "--dram-bases", parse)
            == .range(start: 0, end: 0x1000, step: 0x100))
    }

    /// The defect as a user met it: the same digits through `check` and through `sweep`.
    @Test("check --vmemmap-base 1000 and sweep --vmemmap-bases 1000 check the same address",
          arguments: [("--vmemmap-base", "--vmemmap-bases", "vmemmap_base", "x86_64", "1000", "0x1000"),
                      ("--dram-base", "--dram-bases", "dram_base", "riscv64-sv39", "80000000", "0x80000000")])
    func sameAddressInCheckAndSweep(checkOption: String, sweepOption: String, key: String, preset: String,
                                    digits: String, expected: String) throws {
        let check = try CLI.run(["check", "--preset", preset, checkOption, digits, "--format", "json"])
        let sweep = try CLI.run(["sweep", "--presets", preset, sweepOption, digits, "--format", "json", "--list", "all"])
        #expect([0, 1].contains(check.status) && [0, 1].contains(sweep.status), "\(check.stderr)\(sweep.stderr)")
        let checkResults = check.json?["results"] as? [[String: Any]] ?? []
        let sweepResults = sweep.json?["results"] as? [[String: Any]] ?? []
        try #require(checkResults.count == 1 && sweepResults.count == 1)
        let checkConfig = checkResults[0]["config"] as? [String: Any]
        let sweepConfig = sweepResults[0]["config"] as? [String: Any]
        #expect(checkConfig?[key] as? String == expected)
        #expect(sweepConfig?[key] as? String == expected)
        let checkAddresses = (checkResults[0]["findings"] as? [[String: Any]] ?? []).map { $0["address"] as? String }
        let sweepAddresses = (sweepResults[0]["findings"] as? [[String: Any]] ?? []).map { $0["address"] as? String }
        #expect(!checkAddresses.isEmpty && checkAddresses == sweepAddresses)
        #expect(checkResults[0]["status"] as? String == sweepResults[0]["status"] as? String)
    }
}
