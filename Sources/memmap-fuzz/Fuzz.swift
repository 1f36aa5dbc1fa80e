import Foundation
import SparseCheck

/// One fuzz harness per parser. Each must return normally for every input: a parser may reject the
/// input with `InputError`/`EnvironmentError`, but never trap, hang or return a value that breaks
/// the invariant checked here (a violation calls `fatalError`, which the fuzzer reports as a crash).
enum Harness: String, CaseIterable {
    case units, axis, kconfig, zoneinfo, iomem, idlist, meminfo, btf

    func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .units:
            if let v = try? Units.parseSize(text, option: "--x") {
                // A size that parsed prints back as hex and re-parses to the same value.
                guard (try? Units.parseSize(hex(v), option: "--x")) == v else { fatalError("size round trip \(text)") }
            }
            if let v = try? Units.parseAddress(text, option: "--x"),
               (try? Units.parseAddress(hex(v), option: "--x")) != v {
                fatalError("address round trip \(text)")
            }
            if let s = try? Units.parsePageSize(text), !(10...21).contains(s) { fatalError("page shift \(s)") }
            _ = try? Units.parseInt(text, option: "--x", range: 0...63, what: "x")
            _ = Units.human(UInt64(truncatingIfNeeded: data.count) &* 0x1_0000_0001)
        case .axis:
            if let a = try? SweepAxis.parse(text, option: "--x", { try Units.parseSize($0, option: "--x") }) {
                let n = a.count
                guard n > 0 else { fatalError("empty axis from \(text)") }
                if case let .range(s, e, _) = a {
                    let last = a.value(n - 1)
                    guard last >= s, last < e else { fatalError("range value outside [start, end) for \(text)") }
                }
            }
        case .kconfig:
            // Plain or gzip (the reader sniffs the magic), then everything the rules derive from it.
            if let f = try? KconfigFile.load(data: Data(data), path: "fuzz.config"),
               let outcome = try? f.derive(), case let .config(c) = outcome {
                _ = try? Checker.check(c)
            }
        case .zoneinfo:
            _ = HostReader.parseZoneinfo(text)
        case .iomem:
            let (ranges, _) = HostReader.parseIomem(text)
            for r in ranges where r.end < r.start { fatalError("iomem range ends before it starts: \(text)") }
        case .idlist:
            if let ids = parseIDList(text) {
                guard ids.allSatisfy({ $0 >= 0 }) else { fatalError("negative id from \(text)") }
                guard parseIDList(formatIDList(ids)) == ids.sorted() || ids != ids.sorted() else { fatalError("id list round trip \(text)") }
            }
        case .meminfo:
            _ = HostReader.meminfoValue(text, key: "MemTotal")
        case .btf:
            if let size = try? BTF.structSize("page", in: data), size == 0 || size > 1 << 32 {
                fatalError("implausible struct page size \(size)")
            }
        }
    }

    static var selected: Harness {
        let name = ProcessInfo.processInfo.environment["MEMMAP_FUZZ_TARGET"] ?? "units"
        guard let h = Harness(rawValue: name) else {
            fatalError("MEMMAP_FUZZ_TARGET=\(name): expected one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return h
    }
}

#if FUZZING
nonisolated(unsafe) var harness: Harness?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    if harness == nil { harness = Harness.selected }
    guard let start else { harness!.run([]); return 0 }
    harness!.run(Array(UnsafeBufferPointer(start: start, count: count)))
    return 0
}

/// libFuzzer's driver (libclang_rt.fuzzer): SwiftPM links an executable's entry point as
/// `<module>_main`, so the fuzz build provides that symbol and hands over to the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("memmap_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var args = argv
    return LLVMFuzzerRunDriver(&count, &args, fuzzOne)
}
#else
/// Without the fuzzer: replays files (a corpus or crash reproducers) through the selected harness.
@main
enum Replay {
    static func main() {
        let h = Harness.selected
        var n = 0
        for path in CommandLine.arguments.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for f in files {
                if let d = FileManager.default.contents(atPath: f) {
                    h.run([UInt8](d))
                    n += 1
                }
            }
        }
        print("replayed \(n) inputs through \(h.rawValue)")
    }
}
#endif
