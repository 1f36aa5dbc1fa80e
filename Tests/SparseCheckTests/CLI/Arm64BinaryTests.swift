import Foundation
import Testing

// The arm64 build (`scripts/package.sh --arch arm64`: dist/memmap-check-arm64, cross-compiled by
// Debian's Swift 6.2.3, fully static) run under qemu-user on this machine against the amd64 build the
// tests use (CLI.binary, Swift 6.3.1): on every committed real arm64 capture (Fixtures/real/arm64-*)
// both must print the same bytes on stdout and stderr and exit with the same code, as text and as JSON,
// and for a preset check and --version. Building the arm64 binary takes chroots and minutes, so CI does
// not; these tests run when the binary is there and are skipped (with the reason) when it is not.

/// dist/memmap-check-arm64, when `scripts/package.sh --arch arm64` has written it.
let arm64Binary = packageRoot.appendingPathComponent("dist/memmap-check-arm64")

/// qemu-user for aarch64 (Debian's qemu-user-static, which scripts/arm64-toolchain.sh installs).
let qemuAarch64 = URL(fileURLWithPath: "/usr/bin/qemu-aarch64-static")

let arm64Runnable = FileManager.default.isExecutableFile(atPath: arm64Binary.path)
    && FileManager.default.isExecutableFile(atPath: qemuAarch64.path)

/// Every committed real arm64 capture (4K and 16K pages, 7.2.13 and 7.3.4).
let realArm64Captures: [String] = {
    let dir = fixture("real")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasPrefix("arm64-") }.sorted()
}()

@Suite(.enabled(if: arm64Runnable,
                "no dist/memmap-check-arm64 (scripts/package.sh --arch arm64 builds it) or no /usr/bin/qemu-aarch64-static (apt-get install qemu-user-static)"))
struct Arm64BinaryTests {
    /// Runs the arm64 binary under qemu-user and the amd64 one directly with `args`; both outputs.
    func both(_ args: [String]) throws -> (arm64: CLI.Output, amd64: CLI.Output) {
        let arm = try CLI.run([arm64Binary.path] + args, executable: qemuAarch64)
        let amd = try CLI.run(args)
        return (arm, amd)
    }

    func expectSame(_ args: [String]) throws {
        let (arm, amd) = try both(args)
        #expect(arm.status == amd.status, "exit code of \(args)")
        #expect(arm.stdout == amd.stdout, "stdout of \(args)")
        #expect(arm.stderr == amd.stderr, "stderr of \(args)")
    }

    @Test func theCapturesAreThere() {
        // 4K va48/va52 and 16K va47/va52 on 7.2.13, two on 7.3.4: if they moved, the comparison below is empty.
        #expect(realArm64Captures.count >= 6, "\(realArm64Captures)")
    }

    @Test func isAStaticAarch64Binary() throws {
        let data = try Data(contentsOf: arm64Binary, options: .alwaysMapped)
        // ELF, 64-bit, little-endian, e_machine EM_AARCH64 (183).
        #expect(data.prefix(4) == Data([0x7f, 0x45, 0x4c, 0x46]))
        #expect(data[4] == 2 && data[5] == 1)
        #expect(UInt16(data[18]) | UInt16(data[19]) << 8 == 183)
        // No PT_INTERP program header: no loader, so no particular glibc on the target.
        let phoff = (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[32 + $1]) << (8 * UInt64($1)) }
        let phentsize = Int(UInt16(data[54]) | UInt16(data[55]) << 8)
        let phnum = Int(UInt16(data[56]) | UInt16(data[57]) << 8)
        for i in 0..<phnum {
            let o = Int(phoff) + i * phentsize
            let type = (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[o + $1]) << (8 * UInt32($1)) }
            #expect(type != 3, "program header \(i) is PT_INTERP")
        }
    }

    @Test func version() throws {
        try expectSame(["--version"])
    }

    @Test func presetCheck() throws {
        try expectSame(["check", "--preset", "arm64-4k-va48"])
        try expectSame(["check", "--preset", "arm64-16k-va47", "--format", "json"])
    }

    @Test(arguments: realArm64Captures)
    func hostOnRealCapture(_ name: String) throws {
        try expectSame(["host", "--root", fixture("real/\(name)")])
        try expectSame(["host", "--root", fixture("real/\(name)"), "--format", "json"])
    }

    @Test func badInput() throws {
        // The one-line error and exit 2 are the same too.
        try expectSame(["host", "--root", fixture("real/no-such-capture")])
    }
}
