/// Renders `host`: the `check` document (schema `memmap-check/3`) plus a `layout` object, or text per node.
extension Report {
    public static func document(_ h: HostCheck, policy: FailPolicy = .error) -> JSON {
        guard case var .object(pairs) = document([h.result], policy: policy) else { return .null }
        pairs.append(("layout", layoutJSON(h)))
        return .object(pairs)
    }

    static func rangeJSON(_ r: PhysRange, pageSize: UInt64) -> JSON {
        .object([
            ("start", .string(hex(r.start))), ("end", .string(hex(r.end))),
            ("start_pfn", .uint(r.start / pageSize)), ("end_pfn", .uint((r.end + pageSize - 1) / pageSize)),
            ("bytes", .uint(r.size)),
        ])
    }

    public static func layoutJSON(_ h: HostCheck) -> JSON {
        let L = h.layout
        let c = h.result.config
        func ids(_ a: [Int]?) -> JSON { a.map { .array($0.map { .int(Int64($0)) }) } ?? .null }
        let nodes: [JSON] = zip(L.nodes, h.nodes).map { n, d in
            let (states, sharedBlocks) = L.blockSummary(n)
            return .object([
                ("id", .int(Int64(n.id))),
                ("online", .bool(n.hasDirectory)),
                ("cpus", ids(n.cpus)),
                ("distances", .object(n.distances.map { ("\($0.node)", .int(Int64($0.distance))) })),
                ("memoryless", .bool(!n.hasMemory)),
                ("mem_total", JSON.size(n.memTotal)),
                ("libnuma_size", n.libnumaSize.map { .int($0) } ?? .null),
                ("zones", .array(n.zones.map { z in
                    .object([
                        ("zone", .string(z.name)), ("start_pfn", JSON.size(z.startPFN)), ("spanned", .uint(z.spanned)),
                        ("present", .uint(z.present)), ("managed", .uint(z.managed)),
                    ])
                })),
                ("present_pages", .uint(n.presentPages)),
                ("managed_pages", .uint(n.managedPages)),
                ("ranges", .array(n.ranges.map { r in
                    guard case var .object(p) = rangeJSON(r.range, pageSize: c.pageSize) else { return .null }
                    p.append(("state", .string(r.online ? "online" : "offline")))
                    return .object(p)
                })),
                ("holes", .array(d.holes.map { rangeJSON($0, pageSize: c.pageSize) })),
                ("start_pfn", JSON.size(d.startPFN)),
                ("end_pfn", JSON.size(d.endPFN)),
                ("first_section", JSON.size(d.firstSection)),
                ("last_section", JSON.size(d.lastSection)),
                ("sections", .uint(UInt64(d.sections))),
                ("sections_owned", .uint(UInt64(d.sectionsOwned))),
                ("memory_blocks", .string(formatIDList(n.blockIDs))),
                ("memory_block_count", .uint(UInt64(n.blockIDs.count))),
                ("blocks_by_state", .object(states.map { ($0.state, .uint(UInt64($0.count))) })),
                ("memory_blocks_shared", ids(sharedBlocks)),
                ("memmap", .object([
                    ("start", JSON.address(d.memmapStart)), ("end", JSON.address(d.memmapEnd)),
                    ("bytes", .uint(d.memmapBytes)),
                ])),
            ])
        }
        let pairs: [(String, JSON)] = [
            ("origin", .string(L.origin)),
            ("kernel_release", L.kernelRelease.map { .string($0) } ?? .null),
            ("machine", L.machine.map { .string($0) } ?? .null),
            ("page_size", .uint(c.pageSize)),
            ("host_page_size", JSON.size(L.hostPageSize)),
            ("host_page_size_source", L.hostPageSizeSource.map { .string($0) } ?? .null),
            ("section_size", .uint(UInt64(1) << UInt64(c.sectionSizeBits))),
            ("block_size_bytes", JSON.size(L.blockSize)),
            ("sections_per_block", L.blockSize.map { .uint($0 >> UInt64(c.sectionSizeBits)) } ?? .null),
            ("struct_page_size", .uint(c.structPageSize)),
            ("struct_page_size_source", .string(L.structPageSize != nil ? L.structPageSizeSource : "preset \(c.preset) (assumed)")),
            ("kernel_config", .object([
                ("path", L.kernelConfigPath.map { .string($0) } ?? .null),
                ("used", .bool(L.kernelConfigUsed)),
            ])),
            ("vmemmap_backing_unit", .uint(h.backingUnit)),
            ("numa", .object([
                ("available", L.numa.available.map { .int(Int64($0)) } ?? .null),
                ("max_node", L.numa.maxNode.map { .int(Int64($0)) } ?? .null),
                ("note", L.numa.note.map { .string($0) } ?? .null),
            ])),
            ("possible_nodes", ids(L.possible)),
            ("online_nodes", ids(L.online)),
            ("has_memory", ids(L.hasMemory)),
            ("nodes", .array(nodes)),
            ("memory_block_count", .uint(UInt64(L.blocks.count))),
            ("memory_blocks", .string(formatIDList(L.blocks.map(\.id)))),
            ("offline_blocks", ids(L.blocks.filter { $0.state == .offline }.map(\.id))),
            ("shared_sections", .array(h.sharedSections.map { s in
                .object([
                    ("section", .uint(s.section)), ("owner", .int(Int64(s.owner))),
                    ("nodes", .array(([s.owner] + s.others).map { .int(Int64($0)) })),
                    ("memory_block", s.memoryBlock.map { .int(Int64($0)) } ?? .null),
                ])
            })),
            ("system_ram", L.systemRAM.map { .array($0.map { rangeJSON($0, pageSize: c.pageSize) }) } ?? .null),
            ("sources", .array(L.sources.map { s in
                .object([("name", .string(s.name)), ("path", .string(s.path)), ("status", .string(s.status)), ("detail", s.detail.map { .string($0) } ?? .null)])
            })),
            ("notes", .array(h.notes.map { .string($0) })),
            ("running", runningJSON(L.running)),
            ("observed", observedJSON(h)),
            ("observed_unavailable", L.observedProblem.map { .string($0) } ?? .null),
            ("preview", previewJSON(h.preview, policy: .error)),
        ]
        return .object(pairs)
    }

    /// `layout.preview`: what another release's formulas would conclude for this host (null when no
    /// preview applies). Outside `results`, `status` and `summary`: never part of the verdict.
    static func previewJSON(_ p: UpgradePreview?, policy: FailPolicy) -> JSON {
        guard let p else { return .null }
        return .object([
            ("kernel", .string(p.kernel.label)),
            ("running_release", p.runningRelease.map { .string($0) } ?? .null),
            ("compared_with", .string(p.comparedWith)),
            ("requested", .bool(p.requested)),
            ("pfn_to_page0", .string(hex(p.pfnToPage0))),
            ("vmemmap_base_formula", .string(p.result.base.formula)),
            ("paging_mode", p.result.config.pagingMode.map { .string($0.rawValue) } ?? .null),
            ("max_folio_vmemmap_align", .uint(p.result.derived.maxFolioVmemmapAlign)),
            ("differs", .array(p.differs.map { .string($0.rawValue) })),
            ("findings", .array(p.result.findings.map(json))),
            ("would_be", .string(policy.verdict(p.result).status)),
            ("summary", .string(p.summary)),
        ])
    }

    /// The text block after the verdict: the summary, a reminder that it is a preview, the base, and
    /// each config rule's status with its required and actual alignment (and the check's status where
    /// it differs).
    static func previewLines(_ h: HostCheck) -> [String] {
        guard let p = h.preview else { return [] }
        var lines = [p.summary]
        lines.append("  preview only: not part of the checks, the result or the exit code above (--no-preview omits it, --preview-kernel picks the release)")
        lines.append("  base: \(p.result.base.formula)")
        for f in p.result.findings {
            let tag = f.status == .pass ? "PASS" : (f.status == .skip ? "SKIP" : (f.severity == .info ? "INFO" : (f.severity == .warning ? "WARN" : "FAIL")))
            var line = "  \(tag.padded(to: 5)) \(f.rule.rawValue.padded(to: 23))"
            if f.status == .skip {
                line += " \(f.reason ?? "skipped")"
            } else {
                line += " required \(f.required.map(Units.human) ?? "-"), actual \(f.actualAlignment.map(Units.human) ?? "-")"
            }
            if let id = f.rule.config, p.differs.contains(id), let was = h.modelled.findings.first(where: { $0.rule == f.rule }) {
                line += " (kernel \(p.comparedWith): \(was.status.rawValue)\(was.required.map { ", required \(Units.human($0))" } ?? ""))"
            }
            lines.append(line)
        }
        return lines
    }

    /// `layout.running`: what the running kernel said about the formulas' inputs, with sources.
    static func runningJSON(_ r: RunningKernel) -> JSON {
        func fact<T>(_ f: Sourced<T>?, _ value: (T) -> JSON) -> JSON {
            f.map { .object([("value", value($0.value)), ("source", .string($0.source))]) } ?? .null
        }
        return .object([
            ("release", fact(r.release) { .string($0) }),
            ("paging_mode", fact(r.mode) { .string($0.name) }),
            ("kaslr", fact(r.kaslr) { .bool($0) }),
            ("page_size", fact(r.pageSize) { .uint($0) }),
            ("dram_start", fact(r.dramStart) { .string(hex($0)) }),
            ("numa", fact(r.numa) { .bool($0) }),
        ])
    }

    /// `layout.observed`: the real pfn_to_page(0) read from kernel memory, or null.
    static func observedJSON(_ h: HostCheck) -> JSON {
        guard let o = h.layout.observed else { return .null }
        return .object([
            ("source", .string(o.source)),
            ("read_from", .string(o.readFrom)),
            ("pfn_to_page0", .string(hex(o.pfnToPage0))),
            ("via", .string(o.via)),
            ("witnesses", .array(o.witnesses.map { w in
                .object([("section", .uint(w.section)), ("section_mem_map", .string(hex(w.sectionMemMap))), ("pfn_to_page0", .string(hex(w.pfnToPage0)))])
            })),
            ("symbols", .object(o.symbols.map { ($0.name, .string(hex($0.value))) })),
            ("agrees_with_model", h.observedAgrees.map { .bool($0) } ?? .null),
            ("modelled_pfn_to_page0", .string(hex(h.modelled.base.value))),
            ("judged", .bool(h.judgesObserved)),
            ("notes", .array(o.notes.map { .string($0) })),
        ])
    }

    /// The text line under the node summary about the observed base.
    static func observedLine(_ h: HostCheck) -> String? {
        if let o = h.layout.observed {
            let agree = h.observedAgrees == true ? "agrees with the model" : "DIFFERS from the model's \(hex(h.modelled.base.value)) (model-drift)"
            return "  observed pfn_to_page(0) \(hex(o.pfnToPage0)) in \(o.source) (\(o.via)\(o.readFrom == "live" ? "" : ", recorded in \(o.readFrom)")); \(o.witnesses.count) section witness\(o.witnesses.count == 1 ? "" : "es"); \(agree)\(h.judgesObserved ? "; the rules judge it" : "")"
        }
        return h.layout.observedProblem.map { "  observed pfn_to_page(0): not read (\($0)); the model's base is judged" }
    }

    // MARK: Text

    public static func text(_ h: HostCheck, policy: FailPolicy = .error) -> String {
        let L = h.layout
        let c = h.result.config
        var lines: [String] = []
        lines.append("host \(L.origin): kernel \(L.kernelRelease ?? "unknown"), \(L.machine ?? "unknown machine"), \(L.nodes.count) node\(L.nodes.count == 1 ? "" : "s"), \(L.blocks.count) memory blocks of \(L.blockSize.map(Units.human) ?? "unknown size")")
        lines.append("  struct page \(c.structPageSize) B (\(L.structPageSize != nil ? L.structPageSizeSource : "preset, assumed")); page size \(Units.human(c.pageSize)) (\(L.hostPageSize == c.pageSize ? L.hostPageSizeSource ?? "" : "what-if; the host's is \(L.hostPageSize.map(Units.human) ?? "unknown")")); section \(Units.human(UInt64(1) << UInt64(c.sectionSizeBits))); vmemmap backing unit \(Units.human(h.backingUnit)); kernel config: \(L.kernelConfigPath ?? "none found")")
        if let o = observedLine(h) { lines.append(o) }
        for note in h.notes { lines.append("  note: \(note)") }
        for (n, d) in zip(L.nodes, h.nodes) {
            var head = "node \(n.id)"
            if let cpus = n.cpus ?? n.libnumaCPUs { head += ": cpus \(cpus.isEmpty ? "none" : formatIDList(cpus))" }
            if !n.distances.isEmpty { head += ", distances \(n.distances.map { "\($0.node):\($0.distance)" }.joined(separator: " "))" }
            if !n.hasDirectory { head += L.running.numa?.value == false ? " (kernel without NUMA: one node)" : " (no node directory)" }
            lines.append(head)
            if !n.hasMemory {
                lines.append("  no memory")
                continue
            }
            let present = n.presentPages * (L.hostPageSize ?? c.pageSize)
            var size = "  present \(Units.approx(present))"
            if let mt = n.memTotal { size += ", MemTotal \(Units.approx(mt))" }
            if let lib = n.libnumaSize { size += ", libnuma \(Units.approx(UInt64(max(lib, 0))))" }
            lines.append(size)
            for z in n.populatedZones {
                lines.append("  zone \(z.name.padded(to: 7)) start_pfn \(z.startPFN.map(hex) ?? "?") spanned \(z.spanned) present \(z.present) managed \(z.managed)")
            }
            for r in n.ranges {
                lines.append("  range \(hex(r.range.start))-\(hex(r.range.end - 1)) (\(Units.approx(r.range.size)))\(r.online ? "" : " offline")")
            }
            for hole in d.holes { lines.append("  hole  \(hex(hole.start))-\(hex(hole.end - 1)) (\(Units.approx(hole.size)))") }
            if let fs = d.firstSection, let ls = d.lastSection {
                lines.append("  pfn \(d.startPFN.map(hex) ?? "?")-\(d.endPFN.map { hex($0 - 1) } ?? "?"), sections \(fs)-\(ls) (\(d.sections) touched, \(d.sectionsOwned) owned)")
            }
            let (states, shared) = L.blockSummary(n)
            lines.append("  memory blocks \(n.blockIDs.isEmpty ? "none" : formatIDList(n.blockIDs)): \(states.map { "\($0.count) \($0.state)" }.joined(separator: ", "))\(shared.isEmpty ? "" : "; shared with another node: \(formatIDList(shared))")")
            if let s = d.memmapStart, let e = d.memmapEnd {
                lines.append("  memmap \(hex(s))-\(hex(e)) (\(Units.approx(e - s)) of vmemmap), \(Units.human(d.memmapBytes)) allocated on this node")
            }
        }
        lines.append("checks (\(configLine(c, base: h.result.base, derived: h.result.derived))):")
        for a in c.assumed { lines.append("  assumed: \(a)") }
        for note in c.notes { lines.append("  note: \(note)") }
        for f in h.result.findings { lines += findingLines(f) }
        lines.append(verdictLine(policy.verdict(h.result), below: belowThreshold(h.result, policy), policy))
        lines += previewLines(h)
        return lines.joined(separator: "\n")
    }
}
