import Foundation
import Testing
@testable import SparseCheck

// The kcore reader, the observed base and model-drift, on ELF cores and kallsyms files the tests write.

/// Bytes of an unsigned value in a byte order.
func bytes(_ v: UInt64, _ n: Int, bigEndian: Bool) -> [UInt8] {
    let le = (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
    return bigEndian ? le.reversed() : le
}

/// An ELF64 core (ET_CORE) with one PT_LOAD per segment, data laid out after the program headers.
func elfCore(bigEndian be: Bool, machine: UInt16 = 62, segments: [(vaddr: UInt64, data: [UInt8])], declaredExtra: UInt64 = 0) -> [UInt8] {
    var out: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, be ? 2 : 1, 1, 0] + [UInt8](repeating: 0, count: 8)
    out += bytes(4, 2, bigEndian: be) + bytes(UInt64(machine), 2, bigEndian: be) + bytes(1, 4, bigEndian: be)
    out += bytes(0, 8, bigEndian: be) + bytes(64, 8, bigEndian: be) + bytes(0, 8, bigEndian: be) + bytes(0, 4, bigEndian: be)
    out += bytes(64, 2, bigEndian: be) + bytes(56, 2, bigEndian: be) + bytes(UInt64(segments.count), 2, bigEndian: be)
    out += bytes(0, 2, bigEndian: be) + bytes(0, 2, bigEndian: be) + bytes(0, 2, bigEndian: be)
    var offset = UInt64(64 + 56 * segments.count)
    for s in segments {
        let size = UInt64(s.data.count) + declaredExtra
        out += bytes(1, 4, bigEndian: be) + bytes(4, 4, bigEndian: be) + bytes(offset, 8, bigEndian: be)
        out += bytes(s.vaddr, 8, bigEndian: be) + bytes(0, 8, bigEndian: be) + bytes(size, 8, bigEndian: be)
        out += bytes(size, 8, bigEndian: be) + bytes(4096, 8, bigEndian: be)
        offset += UInt64(s.data.count)
    }
    for s in segments { out += s.data }
    return out
}

func tempFile(_ content: [UInt8], _ name: String = "f") throws -> String {
    let dir = NSTemporaryDirectory() + "memmap-check-kcore-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    try Data(content).write(to: URL(fileURLWithPath: path))
    return path
}

struct KcoreReaderTests {
    @Test("reads a value through the PT_LOAD segment holding it, in either byte order", arguments: [false, true])
    func bothByteOrders(bigEndian: Bool) throws {
        let seg1 = bytes(0x1111_2222_3333_4444, 8, bigEndian: bigEndian) + bytes(0xffff_ea00_0000_0000, 8, bigEndian: bigEndian)
        let seg2 = bytes(0x0370_0000_0000, 8, bigEndian: bigEndian)
        let path = try tempFile(elfCore(bigEndian: bigEndian, segments: [(0xffff_ffff_8200_0000, seg1), (0x0000_0372_0000_0000, seg2)]))
        let k = try KcoreFile(path: path)
        #expect(k.bigEndian == bigEndian)
        #expect(k.programHeaders == 2)
        #expect(try k.u64(0xffff_ffff_8200_0008) == 0xffff_ea00_0000_0000)
        #expect(try k.u64(0xffff_ffff_8200_0000) == 0x1111_2222_3333_4444)
        #expect(try k.u64(0x0000_0372_0000_0000) == 0x0370_0000_0000)
        let span = try k.loadSpan()
        #expect(span.count == 2 && span.lowest == 0x0000_0372_0000_0000 && span.highest == 0xffff_ffff_8200_000f)
    }

    @Test("an address outside every segment, or a read running past one, is refused")
    func outsideEverySegment() throws {
        let path = try tempFile(elfCore(bigEndian: false, segments: [(0x1000, [UInt8](repeating: 7, count: 16))]))
        let k = try KcoreFile(path: path)
        #expect(throws: KcoreError.self) { try k.u64(0x2000) }
        #expect(throws: KcoreError.self) { try k.u64(0x0ff8) }
        #expect(throws: KcoreError.self) { try k.u64(0x100c) } // 4 bytes left in the segment
        #expect(throws: KcoreError.self) { try k.u64(UInt64.max - 3) }
        do { _ = try k.u64(0x2000); Issue.record("no error") } catch let e as KcoreError { #expect(e.problem.contains("no PT_LOAD segment")) }
    }

    @Test("a truncated file, a file that is not ELF64 and a too-large read are statuses, not crashes")
    func truncatedAndMalformed() throws {
        let whole = elfCore(bigEndian: false, segments: [(0x1000, [UInt8](repeating: 7, count: 16))])
        let header = try tempFile(Array(whole.prefix(40)))
        do { _ = try KcoreFile(path: header); Issue.record("no error") } catch let e as KcoreError { #expect(e.problem == "truncated") }
        // The segment claims 4 KiB more than the file holds.
        let short = try tempFile(elfCore(bigEndian: false, segments: [(0x1000, [UInt8](repeating: 7, count: 16))], declaredExtra: 4096))
        let k = try KcoreFile(path: short)
        do { _ = try k.u64(0x1800); Issue.record("no error") } catch let e as KcoreError { #expect(e.problem.contains("truncated")) }
        // Cut inside the program headers.
        let phdrs = try tempFile(Array(whole.prefix(80)))
        let k2 = try KcoreFile(path: phdrs)
        #expect(throws: KcoreError.self) { try k2.u64(0x1000) }
        var elf32 = whole
        elf32[4] = 1
        do { _ = try KcoreFile(path: try tempFile(elf32)); Issue.record("no error") } catch let e as KcoreError { #expect(e.problem == "not ELF64") }
        do { _ = try KcoreFile(path: try tempFile(Array("hello, world; not a core at all, but long enough for a header....".utf8))); Issue.record("no error") }
        catch let e as KcoreError { #expect(e.problem == "not an ELF file") }
        #expect(throws: KcoreError.self) { try KcoreFile(path: "/nonexistent/kcore") }
        let k3 = try KcoreFile(path: try tempFile(whole))
        #expect(throws: KcoreError.self) { try k3.read(0x1000, count: 1 << 20) }
    }

    @Test("the number of reads is bounded")
    func readLimit() throws {
        let k = try KcoreFile(path: try tempFile(elfCore(bigEndian: false, segments: [(0x1000, [UInt8](repeating: 7, count: 16))])), maxReads: 2)
        _ = try k.u64(0x1000)
        _ = try k.u64(0x1008)
        do { _ = try k.u64(0x1000); Issue.record("no error") } catch let e as KcoreError { #expect(e.problem.contains("read limit")) }
    }
}

/// A fake running kernel: kallsyms + kcore + lockdown/kptr_restrict files in a directory.
struct FakeKernel {
    var dir: String
    var paths: ObservedReader.Paths

    /// `vars` are (symbol, address, value); the mem_section root array and one root of sections whose
    /// section_mem_map is `base | flags` from `firstPresent` on.
    init(bigEndian be: Bool, vars: [(String, UInt64, UInt64)], base: UInt64?, firstPresent: Int = 2,
         pageSize: Int = 4096, zeroed: Bool = false, lockdown: String? = nil) throws {
        dir = NSTemporaryDirectory() + "memmap-check-fakekernel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let dataVA: UInt64 = 0xffff_ffff_8200_0000
        var data = [UInt8](repeating: 0, count: 4096)
        var syms = ""
        for (i, v) in vars.enumerated() {
            let at = UInt64(i * 8)
            data.replaceSubrange(Int(at)..<Int(at) + 8, with: bytes(v.2, 8, bigEndian: be))
            syms += "\(zeroed ? "0000000000000000" : String(dataVA + at, radix: 16)) D \(v.0)\n"
        }
        var segments: [(UInt64, [UInt8])] = []
        if let base {
            // mem_section (a pointer) -> roots array at rootsVA -> root 0 at rootVA.
            let msAt = UInt64(vars.count * 8)
            let rootsVA: UInt64 = 0xffff_8880_0000_0000, rootVA: UInt64 = 0xffff_8880_0000_1000
            data.replaceSubrange(Int(msAt)..<Int(msAt) + 8, with: bytes(rootsVA, 8, bigEndian: be))
            syms += "\(zeroed ? "0000000000000000" : String(dataVA + msAt, radix: 16)) B mem_section\n"
            var roots = [UInt8](repeating: 0, count: 64 * 8)
            roots.replaceSubrange(0..<8, with: bytes(rootVA, 8, bigEndian: be))
            var root = [UInt8](repeating: 0, count: pageSize)
            for s in firstPresent..<(firstPresent + 4) {
                root.replaceSubrange(s * 16..<s * 16 + 8, with: bytes(base | 0xf, 8, bigEndian: be))
            }
            segments += [(rootsVA, roots), (rootVA, root)]
        }
        syms = "\(zeroed ? "0000000000000000" : "ffffffff81000000") T _text\n" + syms + "ffffffffc0000000 t helper\t[some_module]\n"
        segments.insert((dataVA, data), at: 0)
        try Data(elfCore(bigEndian: be, machine: be ? 22 : 62, segments: segments)).write(to: URL(fileURLWithPath: dir + "/kcore"))
        try syms.write(toFile: dir + "/kallsyms", atomically: true, encoding: .utf8)
        try "1\n".write(toFile: dir + "/kptr_restrict", atomically: true, encoding: .utf8)
        paths = ObservedReader.Paths()
        paths.kcore = dir + "/kcore"
        paths.kallsyms = dir + "/kallsyms"
        paths.kptrRestrict = dir + "/kptr_restrict"
        paths.lockdown = dir + "/lockdown"
        paths.requireRoot = false
        // No BTF: the collector's section walk takes the model's sizes (the fake roots use 16 bytes).
        paths.btf = dir + "/btf"
        if let lockdown { try lockdown.write(toFile: dir + "/lockdown", atomically: true, encoding: .utf8) }
    }
}

struct ObservedBaseTests {
    @Test("x86_64: vmemmap_base and the section witnesses give the real base")
    func x86() throws {
        let base: UInt64 = 0xffff_d4c3_4000_0000
        let k = try FakeKernel(bigEndian: false, vars: [("vmemmap_base", 0, base), ("page_offset_base", 0, 0xffff_8880_0000_0000)], base: base)
        let c = try SparseConfig.make(preset: "x86_64")
        let o = try ObservedReader.read(c, paths: k.paths).get()
        #expect(o.pfnToPage0 == base)
        #expect(o.via == "vmemmap_base")
        #expect(o.witnesses.count == 3)
        #expect(o.witnesses.map(\.section) == [2, 3, 4])
        #expect(o.witnesses.allSatisfy { $0.pfnToPage0 == base && $0.sectionMemMap == base | 0xf })
        #expect(o.notes.isEmpty)
    }

    @Test("s390x (big-endian): vmemmap, and a witness that disagrees is reported")
    func s390BigEndian() throws {
        let k = try FakeKernel(bigEndian: true, vars: [("vmemmap", 0, 0x0372_0000_0000)], base: 0x0372_0000_0000)
        let c = try SparseConfig.make(preset: "s390x")
        let o = try ObservedReader.read(c, paths: k.paths).get()
        #expect(o.pfnToPage0 == 0x0372_0000_0000)
        #expect(o.witnesses.first?.pfnToPage0 == 0x0372_0000_0000)
        let bad = try FakeKernel(bigEndian: true, vars: [("vmemmap", 0, 0x0372_0000_0000)], base: 0x03ff_8000_0000)
        let o2 = try ObservedReader.read(c, paths: bad.paths).get()
        #expect(o2.pfnToPage0 == 0x0372_0000_0000)
        #expect(o2.notes.contains { $0.contains("0x3ff80000000") })
    }

    @Test("riscv64 sv48: VMEMMAP_START of the running mode minus vmemmap_start_pfn; the witness wins when they differ")
    func riscv() throws {
        // Linux 7.2 on qemu virt (DRAM 0x80000000), sv48: vmemmap_start_pfn = 0, pfn_to_page(0) = 0xffff8d8000000000 (issue 10).
        let k = try FakeKernel(bigEndian: false, vars: [("vmemmap_start_pfn", 0, 0), ("phys_ram_base", 0, 0x8000_0000), ("satp_mode", 0, 9 << 60)],
                               base: 0xffff_8d80_0000_0000, firstPresent: 16)
        let c = try SparseConfig.make(preset: "riscv64-sv48")
        let o = try ObservedReader.read(c, paths: k.paths).get()
        #expect(o.pfnToPage0 == 0xffff_8d80_0000_0000)
        #expect(o.via.contains("section_mem_map of section 16"))
        #expect(o.symbol("vmemmap_start_pfn") == 0)
        #expect(o.notes.isEmpty)
    }

    @Test("arm64: a 52-bit kernel on a 48-bit CPU has a negative memstart_addr")
    func arm64Fallback() throws {
        // memstart_addr = 0x40000000 - (_PAGE_OFFSET(48) - _PAGE_OFFSET(52)) (arch/arm64/mm/init.c).
        let memstart = UInt64(0x4000_0000) &- ((1 << 52) - (1 << 48))
        let k = try FakeKernel(bigEndian: false, vars: [("memstart_addr", 0, memstart)], base: nil)
        let c = try SparseConfig.make(preset: "arm64-4k-va52")
        let o = try ObservedReader.read(c, paths: k.paths).get()
        #expect(o.pfnToPage0 == 0xffff_fdff_bf00_0000) // issue 10: qemu -cpu cortex-a57
    }

    @Test("zeroed kallsyms, lockdown, no kcore and a missing symbol are reasons, not errors")
    func cannotRead() throws {
        let c = try SparseConfig.make(preset: "x86_64")
        let z = try FakeKernel(bigEndian: false, vars: [("vmemmap_base", 0, 1 << 40)], base: nil, zeroed: true)
        guard case let .failure(e) = ObservedReader.read(c, paths: z.paths) else { Issue.record("read"); return }
        #expect(e.problem.contains("kptr_restrict = 1") && e.problem.contains("does not change it"))
        let l = try FakeKernel(bigEndian: false, vars: [("vmemmap_base", 0, 1 << 40)], base: nil, lockdown: "none integrity [confidentiality]\n")
        guard case let .failure(e2) = ObservedReader.read(c, paths: l.paths) else { Issue.record("read"); return }
        #expect(e2.problem.contains("lockdown is 'confidentiality'"))
        var none = l.paths
        none.kcore = l.dir + "/no-such-kcore"
        none.lockdown = "/nonexistent"
        guard case let .failure(e3) = ObservedReader.read(c, paths: none) else { Issue.record("read"); return }
        #expect(e3.problem.contains("CONFIG_PROC_KCORE"))
        let m = try FakeKernel(bigEndian: false, vars: [("page_offset_base", 0, 1 << 40)], base: nil)
        guard case let .failure(e4) = ObservedReader.read(c, paths: m.paths) else { Issue.record("read"); return }
        #expect(e4.problem.contains("vmemmap_base is not in /proc/kallsyms"))
        var root = m.paths
        root.requireRoot = true
        if geteuid() != 0 {
            guard case let .failure(e5) = ObservedReader.read(c, paths: root) else { Issue.record("read"); return }
            #expect(e5.problem.contains("needs root"))
        }
    }

    @Test("the lockdown file's selected mode")
    func lockdownMode() {
        #expect(ObservedReader.lockdownMode("[none] integrity confidentiality\n") == "none")
        #expect(ObservedReader.lockdownMode("none [integrity] confidentiality") == "integrity")
        #expect(ObservedReader.lockdownMode("garbage") == nil)
    }
}
