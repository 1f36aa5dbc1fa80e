import Foundation
import Testing
@testable import SparseCheck

// memmap-check itself run inside Debian 7.2.13 guests under qemu (Fixtures/real-tool, from
// scripts/real-kernels/boot.sh ARCH SCENARIO --tool dist/memmap-check, dist/memmap-check-arm64 on arm64): as root `host --format json`
// and `capture`, as nobody `host --format json`, and kread's independent /proc/kcore reading after
// them. Each README.txt has the command lines.

/// Every guest run in Fixtures/real-tool.
let realToolRuns: [String] = {
    let dir = fixture("real-tool")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { FileManager.default.fileExists(atPath: "\(dir)/\($0)/kread.txt") }.sorted()
}()

/// One guest run's files.
struct RealToolRun {
    let name: String
    var dir: String { fixture("real-tool/\(name)") }
    var capture: String { dir + "/capture" }

    func text(_ file: String) throws -> String { try String(contentsOfFile: dir + "/" + file, encoding: .utf8) }

    func json(_ file: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))) as? [String: Any])
    }

    /// kread's lines `key=value` (first of each key).
    func kread() throws -> [String: String] {
        var kv: [String: String] = [:]
        for line in try text("kread.txt").split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let k = String(line[..<eq])
            if kv[k] == nil { kv[k] = String(line[line.index(after: eq)...]) }
        }
        return kv
    }

    /// The base kread read independently: the direct variable (x86_64 vmemmap_base, powerpc/s390 vmemmap)
    /// when the kernel has one, and the first present section's section_mem_map with its flag bits cleared.
    func kreadBase() throws -> (direct: UInt64?, witness: UInt64) {
        let kv = try kread()
        let direct = (kv["sym.vmemmap_base"] ?? kv["sym.vmemmap"]).flatMap(hexValue)
        let section = try #require(kv.keys.filter { $0.hasPrefix("section.") }.sorted().first.flatMap { kv[$0] })
        // `raw 0x... map 0x...`
        let map = try #require(section.split(separator: " ").last.map(String.init).flatMap(hexValue))
        return (direct, map)
    }
}

/// A scratch copy of a run's capture with the manifest's observed.pfn_to_page0 replaced by `value`.
func alteredCapture(_ run: RealToolRun, observed value: UInt64) throws -> String {
    let dir = NSTemporaryDirectory() + "memmap-check-real-tool-\(run.name)-\(UUID().uuidString)"
    try FileManager.default.copyItem(atPath: run.capture, toPath: dir)
    let url = URL(fileURLWithPath: dir + "/" + HostReader.manifestName)
    var m = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    var o = try #require(m["observed"] as? [String: Any])
    o["pfn_to_page0"] = hex(value)
    m["observed"] = o
    try JSONSerialization.data(withJSONObject: m).write(to: url)
    return dir
}

struct RealToolRunTests {
    @Test("the fixtures hold the KASLR amd64 guest and one whose base is not randomised")
    func present() {
        #expect(realToolRuns.contains("amd64-kaslr-4level"))
        #expect(realToolRuns.count >= 2, "\(realToolRuns)")
    }

    @Test("as root in the guest, layout.observed.pfn_to_page0 is kread's value and the folio finding's address", arguments: realToolRuns)
    func rootRunMatchesKread(name: String) throws {
        let run = RealToolRun(name: name)
        let (direct, witness) = try run.kreadBase()
        if let direct { #expect(direct == witness, "\(name): kread's variable and its section witness") }
        let j = try run.json("host-root.json")
        #expect(try run.text("host-root.rc").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let layout = try #require(j["layout"] as? [String: Any])
        let observed = try #require(layout["observed"] as? [String: Any], "\(name): \(layout["observed_unavailable"] ?? "")")
        #expect(observed["source"] as? String == "/proc/kcore")
        #expect(hexValue(observed["pfn_to_page0"]) == witness, "\(name)")
        #expect(observed["agrees_with_model"] as? Bool == true)
        if let direct, name.hasPrefix("amd64") {
            #expect(hexValue((observed["symbols"] as? [String: Any])?["vmemmap_base"]) == direct)
        }
        let folio = try #require(rule(j, "folio-vmemmap-align"))
        #expect(hexValue(folio["address"]) == witness)
        #expect((folio["message"] as? String)?.hasPrefix("observed: ") == true)
        #expect(rule(j, "model-drift")?["status"] as? String == "pass")
        // The guest's boot: KASLR on the amd64 KASLR scenario, off where the base is not randomised.
        let cfg = ((j["results"] as? [[String: Any]])?.first?["config"]) as? [String: Any]
        #expect(cfg?["kaslr"] as? Bool == name.contains("-kaslr"), "\(name)")
    }

    @Test("the capture the tool wrote records the observed value; host --root reproduces it and model-drift passes", arguments: realToolRuns)
    func captureReplays(name: String) throws {
        let run = RealToolRun(name: name)
        let (_, witness) = try run.kreadBase()
        #expect(try run.text("capture.rc").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let m = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.capture + "/" + HostReader.manifestName))) as? [String: Any])
        let recorded = try #require(m["observed"] as? [String: Any])
        #expect(hexValue(recorded["pfn_to_page0"]) == witness)
        #expect(m["observed_unavailable"] == nil)

        let h = try hostCheck(run.capture)
        #expect(h.layout.observed?.pfnToPage0 == witness)
        #expect(h.layout.observed?.readFrom == HostReader.manifestName)
        #expect(h.observedAgrees == true)
        #expect(h.judgesObserved)
        let drift = try #require(h.result.findings.first { $0.rule == .layout(.modelDrift) })
        #expect(drift.status == .pass, "\(drift.message)")
        let folio = try #require(h.result.findings.first { $0.rule == .config(.folioVmemmapAlign) })
        #expect(folio.address == witness)

        // The replay reports the same layout.observed as the root run in the guest did.
        let o = try CLI.run(["host", "--root", run.capture, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let live = try #require((try run.json("host-root.json")["layout"] as? [String: Any])?["observed"] as? [String: Any])
        let replay = try #require((o.json?["layout"] as? [String: Any])?["observed"] as? [String: Any])
        for key in ["pfn_to_page0", "source", "via", "modelled_pfn_to_page0"] {
            #expect(replay[key] as? String == live[key] as? String, "\(name): \(key)")
        }
        // The same variables and values (the replay lists them sorted by name).
        #expect(replay["symbols"] as? [String: String] == live["symbols"] as? [String: String])
        #expect((live["symbols"] as? [String: String])?.isEmpty == false)
        #expect((replay["witnesses"] as? [[String: Any]])?.count == (live["witnesses"] as? [[String: Any]])?.count)
        #expect(replay["agrees_with_model"] as? Bool == true)
    }

    @Test("an altered copy of the manifest's observed value makes model-drift fail", arguments: realToolRuns)
    func alteredDrifts(name: String) throws {
        let run = RealToolRun(name: name)
        let (_, witness) = try run.kreadBase()
        // 2 MiB off: less alignment than any KASLR promise, and not the exact value of a fixed base.
        let dir = try alteredCapture(run, observed: witness + 0x20_0000)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try hostCheck(dir)
        #expect(h.layout.observed?.pfnToPage0 == witness + 0x20_0000)
        #expect(h.observedAgrees == false)
        let drift = try #require(h.result.findings.first { $0.rule == .layout(.modelDrift) })
        #expect(drift.status == .fail && drift.severity == .error)
        #expect(drift.message.contains(hex(witness + 0x20_0000)))
        #expect(drift.message.contains("release 7.2.13+deb14-"))
        let o = try CLI.run(["host", "--root", dir, "--format", "json"])
        #expect(o.status == 1)
        #expect(rule(o.json, "model-drift")?["status"] as? String == "fail")
    }

    @Test("as nobody in the guest, host exits 0 or 1 and says why the observed base could not be read", arguments: realToolRuns)
    func unprivileged(name: String) throws {
        let run = RealToolRun(name: name)
        let rc = Int(try run.text("host-nobody.rc").trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(rc == 0 || rc == 1, "\(name): rc \(rc.map(String.init) ?? "?")")
        #expect(try run.text("host-nobody.stderr").contains("uid=65534(nobody)"))
        let j = try run.json("host-nobody.json")
        let layout = try #require(j["layout"] as? [String: Any])
        #expect(layout["observed"] is NSNull)
        let why = try #require(layout["observed_unavailable"] as? String)
        #expect(why.contains("/proc/kcore") && why.contains("uid 65534") && why.contains("needs root"), "\(why)")
        let info = try #require(findings(j).first { $0["rule"] as? String == "layout-source" && $0["source"] as? String == "observed base" })
        #expect(info["severity"] as? String == "info")
        #expect((info["message"] as? String)?.contains("could not be read") == true)
        #expect(rule(j, "model-drift") == nil)
        let text = try run.text("host-nobody.txt")
        #expect(text.contains("observed pfn_to_page(0): not read"), "\(text.prefix(400))")
        #expect(text.contains("needs root"))
    }
}
