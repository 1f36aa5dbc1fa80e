import Foundation
import Testing
@testable import SparseCheck

/// The library imports FoundationEssentials only; these helpers stand in for what full Foundation gave
/// (`String(format:)`, `NSString` paths, `padding`, `trimmingCharacters`, `replacingOccurrences`,
/// `JSONSerialization`). The tests link full Foundation and hold each helper against it.
@Suite("Light text: the FoundationEssentials stand-ins match Foundation")
struct LightTextTests {
    @Test("fixed(n) is String(format: \"%.nf\")", arguments: [
        (0.005, 2), (1.0 / 3, 3), (12345.678, 1), (-0.0, 2), (0.125, 2), (99.95, 1), (1e20, 3), (Double.infinity, 2), (-2.5, 0),
    ] as [(Double, Int)])
    func fixed(value: Double, digits: Int) {
        #expect(value.fixed(digits) == String(format: "%.\(digits)f", value))
    }

    @Test("padded(to:) is padding(toLength:withPad:\" \",startingAt:0), cutting too", arguments: [
        ("abc", 5), ("abcdefgh", 5), ("", 2), ("é", 3), ("abcde", 5), ("folio-vmemmap-align-v2", 23),
    ] as [(String, Int)])
    func padded(text: String, width: Int) {
        #expect(text.padded(to: width) == text.padding(toLength: width, withPad: " ", startingAt: 0))
    }

    @Test("trimming matches CharacterSet.whitespaces and .whitespacesAndNewlines", arguments: [
        "  a b \t", "\u{00a0}x\u{2003}", "\n x \r\n", "", "   ", "x\u{85}", " \u{301}a ", "\t\u{3000}x y\u{2002} ", "\r\n\u{2028}z\u{85}",
    ])
    func trimming(text: String) {
        #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces))
        #expect(text.trimmingSpacesAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        let sub = ("#" + text + "#").dropFirst().dropLast()
        #expect(sub.trimmingSpaces() == sub.trimmingCharacters(in: .whitespaces))
    }

    @Test("replacingAll matches replacingOccurrences for ASCII targets, \\r\\n included")
    func replacing() {
        for s in ["a\r\nb%c:d,e", "x'y'", "\r\n", "", "%%", "/proc/cpuinfo: la57 /proc/cpuinfo"] {
            for (t, r) in [("\n", "%0A"), ("\r", "%0D"), ("%", "%25"), ("'", "'\\''"), ("/proc/cpuinfo", "proc/cpuinfo")] {
                #expect(s.replacingAll(t, with: r) == s.replacingOccurrences(of: t, with: r), "\(s.debugDescription) \(t.debugDescription)")
            }
        }
    }

    @Test("PathName matches NSString's last, parent, join and standardizingPath (symlinks resolved)")
    func paths() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/light-paths-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/real/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/abs", withDestinationPath: dir + "/real")
        try FileManager.default.createSymbolicLink(atPath: dir + "/rel", withDestinationPath: "real/sub")
        for p in ["/a/b", "/a/b/", "/", "/a//b", "/a/./b/../c", dir + "/abs/x/..", dir + "/abs/../y", dir + "/rel/z", dir + "/rel/../../q", dir + "/abs/nope/z"] {
            let ns = p as NSString
            #expect(PathName.last(p) == ns.lastPathComponent, "\(p)")
            #expect(PathName.parent(p) == ns.deletingLastPathComponent, "\(p)")
            #expect(PathName.join(p, "f") == ns.appendingPathComponent("f"), "\(p)")
            #expect(PathName.components(standardizing: p) == ns.standardizingPath.split(separator: "/").map(String.init), "\(p)")
        }
    }

    @Test("JSONReader reads what JSONSerialization reads, the same values, and refuses malformed text")
    func json() throws {
        let doc = #"{"a": [1, -2, 3.5, 1e2, 18446744073709551615, true, false, null], "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {"k": {}}, "e": []}"#
        let mine = try #require(JSONReader.object(Array(doc.utf8)))
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(doc.utf8)) as? [String: Any])
        #expect(mine["s"] as? String == theirs["s"] as? String)
        let a = try #require(mine["a"] as? [Any])
        #expect(a[0] as? Int == 1 && a[1] as? Int == -2 && a[2] as? Double == 3.5 && a[3] as? Double == 100)
        #expect(a[4] as? UInt64 == UInt64.max && a[5] as? Bool == true && a[6] as? Bool == false && a[7] is JSONReader.Null)
        #expect((mine["o"] as? [String: Any])?["k"] is [String: Any] && (mine["e"] as? [Any])?.isEmpty == true)
        for bad in ["", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1} x", "01", "\"\\x\"", "\"\u{1}\"", "[\"\\ud800\"]", "nul", "1.", "-"] {
            #expect(JSONReader.value(Array(bad.utf8)) == nil, "\(bad.debugDescription)") // strict: refused
        }
        #expect(JSONReader.value(Array(String(repeating: "[", count: 600).utf8) + Array(String(repeating: "]", count: 600).utf8)) == nil)
        #expect(JSONReader.value([0x22, 0xff, 0x22]) == nil) // invalid UTF-8
    }
}
