import Foundation
import Testing
@testable import SparseCheck

/// `host` reads faster (issue 19 item 4) without reading or concluding anything else: the .config byte
/// path against the Character path on every line, BTF read on demand against BTF read whole.
@Suite("Host speed: the fast paths give the slow paths' answers")
struct HostSpeedTests {
    static let configs = ((try? FileManager.default.contentsOfDirectory(atPath: fixture("kconfig"))) ?? []).filter { $0.hasSuffix(".config") }.sorted()

    func outcome(_ body: () throws -> KconfigFile) -> String {
        do {
            let f = try body()
            return "\(f.entries.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.value)@\($0.value.line)" }) \(String(describing: f.version)) \(String(describing: f.versionLine)) \(String(describing: f.headerArch)) \(String(describing: f.release))"
        } catch {
            return "error: \(error)"
        }
    }

    @Test("every fixture .config parses the same by bytes as by Characters")
    func fixtures() throws {
        #expect(Self.configs.count >= 10)
        for name in Self.configs {
            let text = try String(contentsOfFile: fixture("kconfig/" + name), encoding: .utf8)
            let fast = outcome { try KconfigFile.parse(text, path: name) }
            #expect(fast == outcome { try KconfigFile.parseByCharacters(text, path: name) }, "\(name)")
            #expect(fast.contains("X86_64=y") || fast.contains("ARM64=y") || !fast.hasPrefix("error"), "\(name)")
        }
    }

    @Test("odd lines: CR LF, tabs, non-ASCII, bad values, contradictions, the header", arguments: [
        "CONFIG_A=y\nCONFIG_B=m\n", "CONFIG_A=y\r\nCONFIG_B=y\r\n", "\tCONFIG_A=0x1F \t\n# CONFIG_B is not set\n",
        "#\tCONFIG_B is not set\nCONFIG_C=\"a b\"\nCONFIG_D=-12\n", "CONFIG_A=y\nCONFIG_A=n\n", "CONFIG_A=\n", "CONFIG_=y\n",
        "CONFIG_A=0x\n", "CONFIG_A=0xZZ\n", "CONFIG_A=yes\n", "CONFIG_A=\"\n", "CONFIG_A=-\n", "CONFIG_É=y\n", "CONFIG_A=y # é\n",
        "# Linux/x86 7.2.13 Kernel Configuration\nCONFIG_A=y\n", "# Linux/arm64 6.1.0-1 Kernel Configuration\n# Linux/x86 7.0 Kernel Configuration\nCONFIG_A=y",
        "\u{00a0}CONFIG_A=y\n", "CONFIG_A=y\u{2003}\n", "# CONFIG_A-B is not set\n", "# CONFIG_ is not set\n", "garbage\n", "", "\n\n", "CONFIG_A=y\rCONFIG_B=y",
        "CONFIG_A=\"x\"\u{7f}\n", "CONFIG_A=1\n\u{301}CONFIG_B=2\n",
    ])
    func oddLines(text: String) {
        #expect(outcome { try KconfigFile.parse(text, path: "t") } == outcome { try KconfigFile.parseByCharacters(text, path: "t") })
    }

    @Test("BTF read on demand gives what BTF read whole gives", arguments: [false, true])
    func chunkedBTF(bigEndian: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.path + "/btf-chunked-\(getpid())-\(bigEndian)"
        try FileManager.default.createDirectory(atPath: dir + "/sys/kernel/btf", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The small BTF of BigEndianBTFTests, then 40 KiB of padding so the file spans three chunks.
        let btf = BigEndianBTFTests().btf(bigEndian: bigEndian, size: 64) + [UInt8](repeating: 0, count: 40 << 10)
        try Data(btf).write(to: URL(fileURLWithPath: dir + "/sys/kernel/btf/vmlinux"))
        let files = try HostFiles(root: dir)
        var file = try #require(try files.chunked("sys/kernel/btf/vmlinux", cap: HostFiles.btfCap))
        #expect(file.count == btf.count)
        #expect(try BTF.structSize("page", in: &file) == BTF.structSize("page", in: btf))
        #expect(throws: BTF.Failure.self) { try BTF.structSize("folio", in: &file) }
        #expect(throws: HostFileError.self) { try files.chunked("sys/kernel/btf/vmlinux", cap: 1024) }
        #expect(throws: HostFileError.self) { try files.chunked("sys/kernel/btf/none", cap: HostFiles.btfCap) }
    }
}
