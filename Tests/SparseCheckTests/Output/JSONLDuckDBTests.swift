import Foundation
import Testing
@testable import SparseCheck

/// Issue 18: the JSONL stream is columns. Real DuckDB (the `duckdb` Python module, `pip install duckdb`;
/// `.ci/run` installs it) reads `sweep --format jsonl` with `read_json_auto` and must give one VARCHAR
/// column per rule, whose values count the same as the sweep's own summary.
@Suite("JSONL in DuckDB")
struct JSONLDuckDBTests {
    static let duckdb: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import duckdb"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            print("JSONL in DuckDB: skipped: the python3 module duckdb is not installed (pip install duckdb; .ci/run installs it)")
        }
        return p.terminationStatus == 0
    }()

    @Test("read_json_auto gives one VARCHAR column per rule; counts by rule agree with the sweep's summary",
          .enabled(if: duckdb, "the python3 module duckdb is not installed (pip install duckdb; .ci/run installs it)"))
    func columns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-check-duckdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sweep = ["sweep", "--presets", "riscv64-*,arm64-4k-va48", "--kernel", "7.1,7.2", "--dram-bases", "0:8G:64M", "--struct-page-sizes", "56,64"]
        let jsonl = try CLI.run(sweep + ["--format", "jsonl"])
        #expect(jsonl.status == 1, "\(jsonl.stderr)")
        let file = dir.appendingPathComponent("sweep.jsonl")
        try jsonl.stdout.write(to: file, atomically: true, encoding: .utf8)
        let summary = try #require(try CLI.run(sweep + ["--format", "json"]).json?["summary"] as? [String: Any])
        let counts = try #require(summary["rules"] as? [String: [String: Int]], "\(summary.keys)")

        let script = """
            import duckdb, json, sys
            con = duckdb.connect()
            rel = "read_json_auto('\(file.path)')"
            cols = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()}
            rules = \(JSONLRecord.ruleKeys)
            out = {"types": {r: cols.get(r) for r in rules}, "counts": {}}
            for r in rules:
                q = f'SELECT split_part("{r}", \\' \\', 1) AS s, count(*) FROM {rel} GROUP BY s'
                out["counts"][r] = {s: n for s, n in con.execute(q).fetchall()}
            out["rows"] = con.execute(f"SELECT count(*) FROM {rel}").fetchone()[0]
            out["required"] = con.execute(f'SELECT DISTINCT "folio-vmemmap-align" FROM {rel} WHERE starts_with("folio-vmemmap-align", \\'fail\\')').fetchall()
            print(json.dumps(out))
            """
        let py = try CLI.run(["python3", "-c", script], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(py.status == 0, "\(py.stderr)")
        let out = try #require(py.json, "\(py.stdout)\(py.stderr)")
        let types = try #require(out["types"] as? [String: Any])
        for r in RuleID.allCases {
            #expect(types[r.rawValue] as? String == "VARCHAR", "\(r.rawValue): \(types)")
        }
        #expect(out["rows"] as? Int == summary["evaluated"] as? Int)
        let got = try #require(out["counts"] as? [String: [String: Int]])
        for r in RuleID.allCases {
            for s in ["pass", "fail", "skip"] {
                #expect((got[r.rawValue]?[s] ?? 0) == (counts[r.rawValue]?[s] ?? 0), "\(r.rawValue) \(s): DuckDB \(got[r.rawValue] ?? [:]), sweep \(counts[r.rawValue] ?? [:])")
            }
        }
        // A failing rule's column carries the alignment it requires: 256 MiB for these (MAX_FOLIO_VMEMMAP_ALIGN
        // = 2^22 pages * 64 bytes; with 56-byte struct pages the merged check is skipped).
        let required = (out["required"] as? [[Any]])?.compactMap { $0.first as? String }
        #expect(required == ["fail 256M"], "\(String(describing: required))")
    }
}
