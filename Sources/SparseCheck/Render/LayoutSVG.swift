#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A label's box in picture coordinates (top-left origin), as placed by the renderer.
public struct LabelBox: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public var text: String

    /// True when the boxes, grown by `padX` / `padY` on each side, intersect.
    public func overlaps(_ o: LabelBox, padX: Double = 0, padY: Double = 0) -> Bool {
        x < o.x + o.width + padX && o.x < x + width + padX
            && y < o.y + o.height + padY && o.y < y + height + padY
    }
}

/// `memmap-check host --format svg`: a map of the physical layout (one band per node, blocks coloured by
/// state, section grid, holes, findings where they apply) and of each node's vmemmap range with the
/// MAX_FOLIO_VMEMMAP_ALIGN boundaries. Every node, section boundary, memory block and finding is an
/// element with `data-*` attributes, so tests and scripts can find them.
public enum LayoutSVG {
    public static let width = 1200.0

    /// How panel 1 marks the address axis.
    public enum Grid: Equatable, Sendable {
        /// A line at every section boundary.
        case sections
        /// Sections would be under 3 px apart: a tick every memory block.
        case blocks(UInt64)
        /// Sections and blocks would be under 3 px apart: a tick every power-of-two GiB.
        case bytes(UInt64)
    }

    public struct Rendered: Sendable {
        public var svg: String
        /// Every text label drawn, with its computed box (none may overlap another).
        public var labels: [LabelBox]
        public var grid: Grid
    }

    /// The map of `h`; its verdict (`data-status`, the title's result) is `policy`'s, the run's.
    public static func render(_ h: HostCheck, policy: FailPolicy = .error) -> Rendered {
        var r = Renderer(h, policy: policy)
        return r.run()
    }
}

// MARK: - Canvas: markup plus label bookkeeping

private struct Canvas {
    var w = MarkupWriter()
    var labels: [LabelBox] = []
    /// Room kept between placed labels: a word's width across, a hair between rows.
    static let padX = 10.0, padY = 1.0

    static func box(_ s: String, x: Double, baseline: Double, size: Double, anchor: Anchor) -> LabelBox {
        let width = TextMetrics.width(s, size: size)
        let left: Double
        switch anchor {
        case .start: left = x
        case .middle: left = x - width / 2
        case .end: left = x - width
        }
        return LabelBox(x: left, y: baseline - 0.93 * size, width: width, height: 1.17 * size, text: s)
    }

    enum Anchor: String { case start, middle, end }

    /// Vertical leader lines drawn so far: x, from y, to y.
    var leaders: [(x: Double, top: Double, bottom: Double)] = []

    /// No label within the padding, and no leader line through it.
    func free(_ b: LabelBox) -> Bool {
        !labels.contains { $0.overlaps(b, padX: Canvas.padX, padY: Canvas.padY) }
            && !leaders.contains { LabelBox(x: $0.x - 1, y: $0.top, width: 2, height: $0.bottom - $0.top, text: "").overlaps(b, padX: 2) }
    }

    /// True when a leader dropping at `x` from `from` to the top of `b` crosses no label.
    func clearOfLeaders(_ b: LabelBox, x: Double, from: Double) -> Bool {
        let own = LabelBox(x: x - 1, y: from, width: 2, height: max(b.y - from, 0), text: "")
        return !labels.contains { $0.overlaps(own) }
    }

    /// Draws `s` with its baseline at `baseline` and records its box.
    @discardableResult
    mutating func text(_ s: String, x: Double, baseline: Double, size: Double, anchor: Anchor = .start,
                       bold: Bool = false, color: String = Palette.text, attrs: [(String, String)] = []) -> LabelBox {
        let b = Canvas.box(s, x: x, baseline: baseline, size: size, anchor: anchor)
        labels.append(b)
        var a: [(String, String)] = [("x", Markup.num(b.x)), ("y", Markup.num(baseline)), ("font-size", Markup.num(size)), ("fill", color)]
        if bold { a.append(("font-weight", "bold")) }
        w.element("text", a + attrs, text: s)
        return b
    }

    /// Places `s` centred on `x` (kept inside `minX...maxX`) in the first of `rows` (baselines) where it
    /// hits no other label. An optional label that fits nowhere is dropped (nil); a required one slides
    /// along the rows, away from `x`, to the nearest free spot.
    mutating func place(_ s: String, x: Double, rows: [Double], size: Double, minX: Double, maxX: Double,
                        required: Bool, bold: Bool = false, color: String = Palette.text,
                        attrs: [(String, String)] = [], leader: (x: Double, from: Double)? = nil) -> LabelBox? {
        let width = TextMetrics.width(s, size: size)
        func clamp(_ cx: Double) -> Double { min(max(cx - width / 2, minX), max(minX, maxX - width)) }
        // An optional label may move a little off its point; a required one as far as it takes.
        var tries: [Double] = [0]
        var d = 8.0
        while d < (required ? maxX - minX : 48) { tries += [d, -d]; d += 8 }
        // With a leader, first look for a spot its line reaches without crossing anything; then any spot.
        for strict in leader == nil ? [false] : [true, false] {
            for dx in tries {
                for row in rows {
                    let b = Canvas.box(s, x: clamp(x + dx), baseline: row, size: size, anchor: .start)
                    guard free(b) else { continue }
                    if strict, let l = leader, !clearOfLeaders(b, x: l.x, from: l.from) { continue }
                    if let l = leader { leaders.append((l.x, l.from, b.y)) }
                    return text(s, x: b.x, baseline: row, size: size, bold: bold, color: color, attrs: attrs)
                }
            }
        }
        return nil
    }
}

// MARK: - The physical axis: kept segments separated by compressed gaps

private struct Axis {
    struct Segment { var start: UInt64; var end: UInt64; var x0: Double; var x1: Double }
    var segments: [Segment] = []
    var scale = 0.0 // px per byte
    static let breakWidth = 28.0

    init(intervals: [PhysRange], unit: UInt64, left: Double, right: Double) {
        var iv = intervals.map { r -> PhysRange in
            let s = r.start / unit * unit
            let (e, o) = ((r.end + unit - 1) / unit).multipliedReportingOverflow(by: unit)
            return PhysRange(s, o ? r.end : e)
        }.sorted { $0.start < $1.start }
        guard !iv.isEmpty else { return }
        var merged = [iv.removeFirst()]
        for r in iv {
            if r.start <= merged[merged.count - 1].end { merged[merged.count - 1].end = max(merged[merged.count - 1].end, r.end) }
            else { merged.append(r) }
        }
        // A gap larger than an eighth of the memory shown (and two sections) is cut out of the scale.
        let total = merged.reduce(0) { $0 + $1.size }
        let threshold = max(2 * unit, total / 8)
        var kept = [merged[0]]
        for r in merged.dropFirst() {
            if r.start - kept[kept.count - 1].end > threshold { kept.append(r) }
            else { kept[kept.count - 1].end = r.end }
        }
        let breaks = Double(kept.count - 1) * Axis.breakWidth
        let shown = kept.reduce(0) { $0 + $1.size }
        scale = (right - left - breaks) / Double(shown)
        var x = left
        for r in kept {
            let w = Double(r.size) * scale
            segments.append(Segment(start: r.start, end: r.end, x0: x, x1: x + w))
            x += w + Axis.breakWidth
        }
    }

    var isEmpty: Bool { segments.isEmpty }
    var left: Double { segments.first?.x0 ?? 0 }
    var right: Double { segments.last?.x1 ?? 0 }

    /// The x of a physical address; addresses in a cut gap fall inside its break.
    func x(_ a: UInt64) -> Double {
        guard let first = segments.first else { return 0 }
        if a <= first.start { return first.x0 }
        for (i, s) in segments.enumerated() {
            if a <= s.end { return s.x0 + Double(a - s.start) * scale }
            if i + 1 < segments.count, a < segments[i + 1].start {
                let n = segments[i + 1]
                return s.x1 + Double(a - s.end) / Double(n.start - s.end) * (n.x0 - s.x1)
            }
        }
        return segments[segments.count - 1].x1
    }

    func contains(_ a: UInt64) -> Bool { segments.contains { $0.start <= a && a <= $0.end } }
}

// MARK: - Renderer

private struct Renderer {
    let h: HostCheck
    let policy: FailPolicy
    let L: NodeLayout
    let c: SparseConfig
    let sectionSize: UInt64
    var cv = Canvas()
    var y = 0.0
    let margin = 16.0
    let axisLeft = 168.0
    var axisRight: Double { LayoutSVG.width - margin - 8 }
    let bandHeight = 32.0
    let bandGap = 6.0

    init(_ h: HostCheck, policy: FailPolicy) {
        self.h = h
        self.policy = policy
        L = h.layout
        c = h.result.config
        sectionSize = UInt64(1) << UInt64(min(c.sectionSizeBits, 63))
    }

    /// The layout findings of one rule that name a section, with their nodes and block.
    struct Mark { var finding: Finding; var index: Int; var section: UInt64?; var nodes: [Int]; var block: Int? }

    func marks(_ rule: LayoutRuleID) -> [Mark] {
        h.result.findings.enumerated().compactMap { i, f in
            guard f.rule == .layout(rule) else { return nil }
            var section: UInt64?
            if case let .uint(s)? = f.details["section"] { section = s }
            return Mark(finding: f, index: i, section: section, nodes: Renderer.ints(f.details["nodes"]), block: Renderer.ints(f.details["memory_block"].map { .array([$0]) }).first)
        }
    }

    static func ints(_ j: JSON?) -> [Int] {
        guard case let .array(a)? = j else { return [] }
        return a.compactMap {
            if case let .int(v) = $0 { return Int(v) }
            if case let .uint(v) = $0 { return Int(v) }
            return nil
        }
    }

    /// `live host`, or the captured tree's directory name (not its full path, which is the
    /// capturing machine's business and would leak into committed pictures).
    var hostName: String {
        L.origin == "live" ? "live host" : "captured tree \(URL(fileURLWithPath: L.origin).lastPathComponent)"
    }

    static func list(_ ids: [Int]) -> String { ids.map(String.init).joined(separator: " ") }

    mutating func run() -> LayoutSVG.Rendered {
        title()
        let grid = physicalPanel()
        vmemmapPanel()
        findingList()
        let height = (y + margin).rounded(.up)
        var doc = MarkupWriter()
        doc.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        doc.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("width", Markup.num(LayoutSVG.width)), ("height", Markup.num(height)),
            ("viewBox", "0 0 \(Markup.num(LayoutSVG.width)) \(Markup.num(height))"),
            ("font-family", TextMetrics.fontFamily), ("data-nodes", "\(L.nodes.count)"),
            ("data-blocks", "\(L.blocks.count)"), ("data-status", policy.verdict(h.result).status),
        ])
        doc.element("title", text: "memmap layout of \(hostName): kernel \(L.kernelRelease ?? "unknown"), \(L.machine ?? "unknown machine")")
        doc.leaf("rect", [("x", "0"), ("y", "0"), ("width", "100%"), ("height", "100%"), ("fill", Palette.background)])
        doc.raw(cv.w.finish())
        return LayoutSVG.Rendered(svg: doc.finish() + "\n", labels: cv.labels, grid: grid)
    }

    // MARK: Title

    mutating func title() {
        let textWidth = LayoutSVG.width - 2 * margin
        let status = policy.verdict(h.result).word
        let warnings = h.result.findings.filter { $0.status == .fail && $0.severity == .warning }.count
        cv.text(TextMetrics.fit("memmap layout: \(hostName)", width: textWidth, size: 16), x: margin, baseline: 28, size: 16, bold: true, attrs: [("data-role", "title")])
        let line1 = "kernel \(L.kernelRelease ?? "unknown") · \(L.machine ?? "unknown machine") · \(L.nodes.count) node\(L.nodes.count == 1 ? "" : "s") · \(L.blocks.count) memory blocks of \(L.blockSize.map(Units.human) ?? "unknown size") · result \(status)\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")"
        cv.text(TextMetrics.fit(line1, width: textWidth, size: 12), x: margin, baseline: 47, size: 12)
        let sp = L.structPageSize != nil ? "struct page \(c.structPageSize) B" : "struct page \(c.structPageSize) B (assumed)"
        let ps = L.hostPageSize == c.pageSize ? "\(Units.human(c.pageSize)) pages" : "\(Units.human(c.pageSize)) pages (what-if)"
        let line2 = "\(c.preset) [kernel \(c.kernel.label) formulas]: \(ps), \(Units.human(sectionSize)) sections, \(sp), vmemmap backing unit \(Units.human(h.backingUnit))"
        cv.text(TextMetrics.fit(line2, width: textWidth, size: 12), x: margin, baseline: 64, size: 12, color: Palette.mutedText)
        y = 76
    }

    mutating func header(_ s: String) {
        y += 14
        cv.w.leaf("line", [("x1", Markup.num(margin)), ("y1", Markup.num(y - 6)), ("x2", Markup.num(LayoutSVG.width - margin)), ("y2", Markup.num(y - 6)), ("stroke", "#d0d0d0")])
        cv.text(TextMetrics.fit(s, width: LayoutSVG.width - 2 * margin, size: 14), x: margin, baseline: y + 12, size: 14, bold: true, attrs: [("data-role", "panel-title")])
        y += 22
    }

    /// Two lines in the label column: the node and what it holds.
    mutating func nodeLabel(_ first: String, _ second: String, top: Double, node: Int?) {
        let attrs: [(String, String)] = node.map { [("data-node-label", "\($0)")] } ?? []
        cv.text(first, x: margin, baseline: top + 13, size: 12, bold: true, attrs: attrs)
        let colWidth = axisLeft - margin - 8
        cv.text(TextMetrics.fit(second, width: colWidth, size: 10), x: margin, baseline: top + 26, size: 10, color: Palette.mutedText)
    }

    // MARK: Panel 1

    mutating func physicalPanel() -> LayoutSVG.Grid {
        header("1. Physical address space: one band per node (memory blocks by state, sections, holes, findings)")
        var intervals: [PhysRange] = []
        for n in L.nodes { intervals += n.ranges.map(\.range) }
        if let bs = L.blockSize {
            for b in L.blocks {
                let (s, o1) = UInt64(b.id).multipliedReportingOverflow(by: bs)
                let (e, o2) = s.addingReportingOverflow(bs)
                if !o1 && !o2 { intervals.append(PhysRange(s, e)) }
            }
        }
        let axis = Axis(intervals: intervals, unit: sectionSize, left: axisLeft, right: axisRight)
        let grid: LayoutSVG.Grid
        if Double(sectionSize) * axis.scale >= 3 || axis.isEmpty {
            grid = .sections
        } else if let bs = L.blockSize, bs > sectionSize, Double(bs) * axis.scale >= 3 {
            grid = .blocks(bs)
        } else {
            var g = max(UInt64(1) << 30, sectionSize)
            while Double(g) * axis.scale < 6, g < UInt64(1) << 62 { g *= 2 }
            grid = .bytes(g)
        }

        // Top row: section numbers (or tick addresses).
        let topRow = y + 11
        cv.text(grid == .sections ? "section" : "address", x: margin, baseline: topRow, size: 10, color: Palette.mutedText)
        y += 16
        let bandsTop = y

        // Unlinked blocks get their own band.
        var rows: [(node: Int?, top: Double)] = []
        for n in L.nodes { rows.append((n.id, y)); y += bandHeight + bandGap }
        let unlinked = L.blocks.filter { $0.nodes.isEmpty }
        if !unlinked.isEmpty { rows.append((nil, y)); y += bandHeight + bandGap }
        let bandsBottom = y - bandGap
        func top(_ node: Int) -> Double? { rows.first { $0.node == node }?.top }

        var statesShown = Set<String>()
        var holes: [(node: Int, range: PhysRange, top: Double)] = []
        for (node, t) in rows {
            let n = node.flatMap { L.node($0) }
            cv.w.open("g", node.map { [("data-node", "\($0)"), ("id", "node-\($0)")] } ?? [("data-unlinked", "true")])
            cv.w.leaf("rect", [("x", Markup.num(axisLeft)), ("y", Markup.num(t)), ("width", Markup.num(axisRight - axisLeft)), ("height", Markup.num(bandHeight)), ("fill", Palette.bandBackground)])
            if let n {
                let d = h.nodes.first { $0.id == n.id }
                let present = n.presentPages * (L.hostPageSize ?? c.pageSize)
                let size = n.hasMemory ? Units.approx(present > 0 ? present : n.ranges.reduce(0) { $0 + $1.range.size }) : "no memory"
                let cpus = (n.cpus ?? n.libnumaCPUs).map { $0.isEmpty ? "no cpus" : "cpus \(formatIDList($0))" } ?? "cpus ?"
                nodeLabel("node \(n.id)", "\(size) · \(cpus)", top: t, node: n.id)
                // Blocks (or, without the block tree, the node's ranges).
                if L.blocks.isEmpty || L.blockSize == nil {
                    for r in n.ranges {
                        let st: BlockState = r.online ? .online : .offline
                        statesShown.insert(st.rawValue)
                        rect(axis, r.range, top: t + 2, height: bandHeight - 4, fill: Palette.fill(st), attrs: [("data-range", "\(hex(r.range.start))-\(hex(r.range.end))"), ("data-state", st.rawValue)])
                    }
                } else {
                    for b in L.blocks where b.nodes.contains(n.id) {
                        statesShown.insert(b.state.rawValue)
                        block(axis, b, node: n, top: t)
                    }
                }
                for hole in d?.holes ?? [] where axis.x(hole.end) - axis.x(hole.start) >= 2 { holes.append((n.id, hole, t)) }
            } else {
                nodeLabel("no node", "blocks linked under no node", top: t, node: nil)
                for b in unlinked {
                    statesShown.insert(b.state.rawValue)
                    block(axis, b, node: nil, top: t)
                }
            }
            cv.w.close()
        }

        // Grid: section boundaries, or ticks where sections would be too dense.
        cv.w.open("g", [("data-grid", gridName(grid))])
        var gridLabels: [(String, Double)] = []
        let step: UInt64
        switch grid {
        case .sections: step = sectionSize
        case let .blocks(b): step = b
        case let .bytes(g): step = g
        }
        let labelEvery: UInt64 = {
            guard grid == .sections else { return 1 }
            let px = Double(sectionSize) * axis.scale
            let widest = TextMetrics.width(String((axis.segments.last?.end ?? 0) / sectionSize), size: 10) + 8
            return [1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 256, 512, 1024].first { Double($0) * px >= widest } ?? 2048
        }()
        for s in axis.segments {
            var k = (s.start + step - 1) / step
            while k <= s.end / step {
                let a = k * step
                let x = axis.x(a)
                var attrs: [(String, String)] = [("x1", Markup.num(x)), ("y1", Markup.num(bandsTop - 2)), ("x2", Markup.num(x)), ("y2", Markup.num(bandsBottom)), ("stroke", Palette.grid), ("stroke-width", "0.6")]
                if grid == .sections {
                    attrs.insert(("data-section", "\(k)"), at: 0)
                    if a < s.end && k % labelEvery == 0 { gridLabels.append(("\(k)", x + Double(sectionSize) * axis.scale / 2)) }
                } else {
                    attrs.insert(("data-tick", hex(a)), at: 0)
                    gridLabels.append((Units.human(a), x))
                }
                cv.w.leaf("line", attrs)
                k += 1
            }
        }
        cv.w.close()
        for (s, x) in gridLabels {
            _ = cv.place(s, x: x, rows: [topRow], size: 10, minX: axisLeft, maxX: axisRight, required: false, color: Palette.mutedText)
        }

        // Memoryless nodes: the finding, written in the band.
        for m in marks(.nodeMemoryless) {
            guard let id = m.nodes.first, let t = top(id) else { continue }
            cv.w.open("g", [("data-rule", m.finding.rule.rawValue), ("data-node", "\(id)"), ("data-finding", "\(m.index)")])
            cv.w.element("title", text: m.finding.message)
            let cpus = L.node(id)?.cpus.map(formatIDList) ?? "?"
            cv.text("memoryless: CPUs \(cpus), no memory: no struct pages live here (node-memoryless)", x: axisLeft + 8, baseline: t + 20, size: 11, color: Palette.mark(.nodeMemoryless))
            cv.w.close()
        }

        // Breaks: a zig-zag across the bands where a large gap is cut out.
        var breakLabels: [(String, Double)] = []
        for (a, b) in zip(axis.segments, axis.segments.dropFirst()) {
            let gap = b.start - a.end
            cv.w.open("g", [("data-break", "\(hex(a.end))-\(hex(b.start))"), ("data-skipped-bytes", "\(gap)")])
            cv.w.element("title", text: "\(Units.approx(gap)) from \(hex(a.end)) to \(hex(b.start)) not drawn to scale")
            rectX(a.x1 + 1, b.x0 - 1, top: bandsTop - 4, height: bandsBottom - bandsTop + 8, fill: Palette.background, attrs: [])
            for edge in [a.x1 + 7, b.x0 - 7] {
                var pts: [String] = []
                var yy = bandsTop - 4
                var left = true
                while yy <= bandsBottom + 4 { pts.append("\(Markup.num(edge + (left ? -4 : 4))),\(Markup.num(yy))"); yy += 6; left.toggle() }
                cv.w.leaf("polyline", [("points", pts.joined(separator: " ")), ("fill", "none"), ("stroke", Palette.axis), ("stroke-width", "1.2")])
            }
            cv.w.close()
            breakLabels.append(("// \(Units.approx(gap)) gap", (a.x1 + b.x0) / 2))
        }

        // Holes, drawn over the breaks: a node whose span crosses a cut gap shows it.
        for (node, hole, t) in holes {
            cv.w.open("g", [("data-hole", "\(hex(hole.start))-\(hex(hole.end))"), ("data-node", "\(node)")])
            cv.w.element("title", text: "node \(node): hole \(hex(hole.start))-\(hex(hole.end - 1)) (\(Units.approx(hole.size))), no memory")
            rectX(axis.x(hole.start), axis.x(hole.end), top: t + 9, height: bandHeight - 18, fill: "none", attrs: [("stroke", Palette.hole), ("stroke-dasharray", "4 3")])
            cv.w.close()
        }

        // Axis line and address labels.
        cv.w.open("g", [("data-role", "axis")])
        for s in axis.segments {
            cv.w.leaf("line", [("x1", Markup.num(s.x0)), ("y1", Markup.num(bandsBottom + 3)), ("x2", Markup.num(s.x1)), ("y2", Markup.num(bandsBottom + 3)), ("stroke", Palette.axis)])
        }
        cv.w.close()
        let addrRows = [bandsBottom + 15, bandsBottom + 29]
        for (s, x) in breakLabels {
            _ = cv.place(s, x: x, rows: addrRows, size: 10, minX: axisLeft, maxX: axisRight, required: true, attrs: [("data-role", "break-label")])
        }
        if axis.isEmpty {
            cv.text("no memory ranges to draw", x: axisLeft + 8, baseline: bandsTop + 20, size: 11, color: Palette.mutedText)
        }
        y = bandsBottom + 35

        // Shared sections: outlined in each node's band, labelled below with a leader line.
        let shared = marks(.nodeSectionShared)
        var pending: [(label: String, x: Double, from: Double, attrs: [(String, String)])] = []
        for m in shared {
            guard let s = m.section else { continue }
            let (start, o) = s.multipliedReportingOverflow(by: sectionSize)
            guard !o else { continue }
            let r = PhysRange(start, start &+ sectionSize)
            let x0 = axis.x(r.start), x1 = max(axis.x(r.end), axis.x(r.start) + 3)
            let tops = m.nodes.compactMap(top).sorted()
            guard let last = tops.last else { continue }
            let cx = markFinding(m, .nodeSectionShared, x0: x0, x1: x1, tops: tops, height: bandHeight, opacity: "0.22",
                                 attrs: [("data-section", "\(s)"), ("data-memory-block", m.block.map(String.init) ?? "")])
            let owner = m.nodes.first.map { "memmap on node \($0)" } ?? ""
            let blk = m.block.map { ", block \($0) not offlinable" } ?? ""
            pending.append(("section \(s): nodes \(m.nodes.map(String.init).joined(separator: "+")), \(owner)\(blk)", cx, last + bandHeight, [("data-label-for", "finding-\(m.index)")]))
        }
        y = placeWithLeaders(pending, color: Palette.mark(.nodeSectionShared))
        // Segment ends last: optional, they give way to the leaders.
        for s in axis.segments {
            _ = cv.place(hex(s.start), x: s.x0 + TextMetrics.width(hex(s.start), size: 10) / 2, rows: addrRows, size: 10, minX: axisLeft, maxX: axisRight, required: false, color: Palette.mutedText)
            _ = cv.place(hex(s.end), x: s.x1 - TextMetrics.width(hex(s.end), size: 10) / 2, rows: addrRows, size: 10, minX: axisLeft, maxX: axisRight, required: false, color: Palette.mutedText)
        }

        // Legend.
        var items: [LegendItem] = []
        for st in [BlockState.online, .offline, .goingOffline, .unknown] where statesShown.contains(st.rawValue) {
            items.append(.init(key: "state-\(st.rawValue)", text: L.blocks.isEmpty ? "\(st.rawValue) memory" : "\(st.rawValue) memory block", swatch: .fill(Palette.fill(st))))
        }
        items.append(.init(key: "memmap-on-memory", text: "memmap-on-memory: not modelled", swatch: .none))
        switch grid {
        case .sections: items.append(.init(key: "grid", text: "section boundary (\(Units.human(sectionSize)))", swatch: .line(Palette.grid)))
        case let .blocks(b): items.append(.init(key: "grid", text: "tick every memory block (\(Units.human(b))): sections would be < 3 px apart", swatch: .line(Palette.grid)))
        case let .bytes(g): items.append(.init(key: "grid", text: "tick every \(Units.human(g)): \(Units.human(sectionSize)) sections would be < 3 px apart", swatch: .line(Palette.grid)))
        }
        if !holes.isEmpty { items.append(.init(key: "hole", text: "hole in a node's span", swatch: .dashed(Palette.hole))) }
        if axis.segments.count > 1 { items.append(.init(key: "break", text: "gap cut out (not to scale)", swatch: .zigzag)) }
        if !shared.isEmpty { items.append(.init(key: "node-section-shared", text: "node-section-shared: section with pages of two nodes", swatch: .outlined(Palette.mark(.nodeSectionShared)))) }
        legend(items)
        return grid
    }

    /// A finding drawn where it applies: the same x-range outlined in each involved row (`tops`), joined
    /// by a line; one element carrying the rule, nodes and `attrs`. Returns the mark's centre x.
    mutating func markFinding(_ m: Mark, _ rule: LayoutRuleID, x0: Double, x1: Double, tops: [Double], height: Double,
                              opacity: String, attrs: [(String, String)]) -> Double {
        let colour = Palette.mark(rule)
        cv.w.open("g", [("data-rule", m.finding.rule.rawValue)] + attrs + [("data-nodes", Renderer.list(m.nodes)), ("data-finding", "\(m.index)"), ("id", "finding-\(m.index)")])
        cv.w.element("title", text: m.finding.message)
        for t in tops {
            rectX(x0, x1, top: t, height: height, fill: colour, attrs: [("fill-opacity", opacity), ("stroke", colour), ("stroke-width", "2")])
        }
        let cx = (x0 + x1) / 2
        if let first = tops.first, let last = tops.last, last > first {
            cv.w.leaf("line", [("x1", Markup.num(cx)), ("y1", Markup.num(first + height)), ("x2", Markup.num(cx)), ("y2", Markup.num(last)), ("stroke", colour), ("stroke-width", "2")])
        }
        cv.w.close()
        return cx
    }

    func gridName(_ g: LayoutSVG.Grid) -> String {
        switch g {
        case .sections: return "sections"
        case .blocks: return "memory-blocks"
        case .bytes: return "bytes"
        }
    }

    mutating func rectX(_ x0: Double, _ x1: Double, top: Double, height: Double, fill: String, attrs: [(String, String)]) {
        cv.w.leaf("rect", [("x", Markup.num(x0)), ("y", Markup.num(top)), ("width", Markup.num(max(x1 - x0, 0))), ("height", Markup.num(height)), ("fill", fill)] + attrs)
    }

    mutating func rect(_ axis: Axis, _ r: PhysRange, top: Double, height: Double, fill: String, attrs: [(String, String)]) {
        cv.w.open("g", attrs)
        rectX(axis.x(r.start), axis.x(r.end), top: top, height: height, fill: fill, attrs: [])
        cv.w.close()
    }

    /// One memory block in one node's band: the parts of it holding that node's memory.
    mutating func block(_ axis: Axis, _ b: MemoryBlock, node: Node?, top: Double) {
        guard let bs = L.blockSize else { return }
        let (s, o) = UInt64(b.id).multipliedReportingOverflow(by: bs)
        guard !o else { return }
        let whole = PhysRange(s, s &+ bs)
        var pieces = node?.ranges.compactMap { $0.range.intersection(whole) } ?? []
        if pieces.isEmpty { pieces = [whole] }
        cv.w.open("g", [("data-block", "\(b.id)"), ("data-node", node.map { "\($0.id)" } ?? ""), ("data-state", b.state.rawValue), ("id", "block-\(b.id)\(node.map { "-node-\($0.id)" } ?? "")")])
        cv.w.element("title", text: "memory block \(b.id): \(b.state.rawValue), \(hex(whole.start))-\(hex(whole.end - 1)), linked under node\(b.nodes.count == 1 ? "" : "s") \(b.nodes.isEmpty ? "none" : Renderer.list(b.nodes))")
        let sep = Double(bs) * axis.scale >= 5
        for p in pieces {
            rectX(axis.x(p.start), axis.x(p.end), top: top + 2, height: bandHeight - 4, fill: Palette.fill(b.state), attrs: sep ? [("stroke", Palette.background), ("stroke-width", "0.8")] : [])
        }
        cv.w.close()
    }

    /// Places finding labels in rows below `y`, each joined to its mark by a leader line; returns the new y.
    mutating func placeWithLeaders(_ items: [(label: String, x: Double, from: Double, attrs: [(String, String)])], color: String) -> Double {
        guard !items.isEmpty else { return y }
        let rowHeight = 15.0
        let rows = (0..<items.count).map { y + 11 + Double($0) * rowHeight }
        var lowest = y
        // Right to left, each label starting at its mark: a leader then passes left of the labels above it.
        for it in items.sorted(by: { $0.x > $1.x }) {
            let w = TextMetrics.width(it.label, size: 11)
            guard let b = cv.place(it.label, x: it.x - 4 + w / 2, rows: rows, size: 11, minX: margin, maxX: LayoutSVG.width - margin, required: true, color: color, attrs: it.attrs, leader: (it.x, it.from)) else { continue }
            let lx = min(max(it.x, b.x), b.x + b.width)
            cv.w.leaf("polyline", [("points", "\(Markup.num(it.x)),\(Markup.num(it.from)) \(Markup.num(it.x)),\(Markup.num(b.y - 3)) \(Markup.num(lx)),\(Markup.num(b.y - 1))"), ("fill", "none"), ("stroke", color), ("stroke-width", "0.8"), ("stroke-dasharray", "3 2"), ("data-role", "leader")])
            lowest = max(lowest, b.y + b.height)
        }
        return lowest + 6
    }

    // MARK: Legend

    struct LegendItem {
        enum Swatch { case fill(String), line(String), dashed(String), outlined(String), zigzag, tick(String), none }
        var key: String
        var text: String
        var swatch: Swatch
    }

    mutating func legend(_ items: [LegendItem]) {
        let size = 10.0
        var x = axisLeft
        y += 4
        cv.text("legend", x: margin, baseline: y + 10, size: 10, color: Palette.mutedText)
        for it in items {
            let sw: Double = { if case .none = it.swatch { return 0 } else { return 16 } }()
            let w = sw + TextMetrics.width(it.text, size: size) + 18
            if x + w > LayoutSVG.width - margin && x > axisLeft { x = axisLeft; y += 16 }
            cv.w.open("g", [("data-legend", it.key)])
            switch it.swatch {
            case let .fill(c): rectX(x, x + 12, top: y + 1, height: 11, fill: c, attrs: [])
            case let .line(c): cv.w.leaf("line", [("x1", Markup.num(x + 6)), ("y1", Markup.num(y)), ("x2", Markup.num(x + 6)), ("y2", Markup.num(y + 13)), ("stroke", c)])
            case let .tick(c): cv.w.leaf("line", [("x1", Markup.num(x + 6)), ("y1", Markup.num(y)), ("x2", Markup.num(x + 6)), ("y2", Markup.num(y + 13)), ("stroke", c), ("stroke-width", "1.5")])
            case let .dashed(c): rectX(x, x + 12, top: y + 3, height: 7, fill: "none", attrs: [("stroke", c), ("stroke-dasharray", "3 2")])
            case let .outlined(c): rectX(x, x + 12, top: y + 1, height: 11, fill: c, attrs: [("fill-opacity", "0.22"), ("stroke", c), ("stroke-width", "2")])
            case .zigzag: cv.w.leaf("polyline", [("points", "\(Markup.num(x + 3)),\(Markup.num(y)) \(Markup.num(x + 9)),\(Markup.num(y + 4)) \(Markup.num(x + 3)),\(Markup.num(y + 8)) \(Markup.num(x + 9)),\(Markup.num(y + 12))"), ("fill", "none"), ("stroke", Palette.axis)])
            case .none: break
            }
            cv.text(it.text, x: x + sw, baseline: y + 10, size: size, color: sw == 0 ? Palette.mutedText : Palette.text)
            cv.w.close()
            x += w
        }
        y += 20
    }

    // MARK: Panel 2

    mutating func vmemmapPanel() {
        header("2. vmemmap: each node's struct pages, pfn_to_page(start)..pfn_to_page(end)")
        let base = h.result.base.value
        let sps = c.structPageSize
        let align = h.result.derived.maxFolioVmemmapAlign
        let actual = h.result.derived.actualAlignment
        let size = 11.0
        let textWidth = LayoutSVG.width - 2 * margin
        let folio = h.result.findings.first { $0.rule == .config(.folioVmemmapAlign) }
        cv.text(TextMetrics.fit("pfn_to_page(0) = \(hex(base)), aligned to \(Units.alignment(actual)); base: \(h.result.base.formula)", width: textWidth, size: size), x: margin, baseline: y + 10, size: size, attrs: [("data-role", "base-alignment"), ("data-base", hex(base)), ("data-actual-alignment", "\(actual)")])
        y += 16
        var req = align == 0 ? "MAX_FOLIO_VMEMMAP_ALIGN = 0 (sizeof(struct page) is not a power of two): no boundaries to draw"
            : "MAX_FOLIO_VMEMMAP_ALIGN = MAX_FOLIO_NR_PAGES (2^\(h.result.derived.maxFolioOrder)) × \(sps) B = \(Units.human(align)); the base \(base % align == 0 ? "is" : "is NOT") a multiple"
        if let f = folio {
            let tag = Palette.status(f).tag
            req += "; folio-vmemmap-align: \(tag)\(f.reason.map { " (\($0))" } ?? "")"
        }
        cv.text(TextMetrics.fit(req, width: textWidth, size: size), x: margin, baseline: y + 10, size: size, color: folio?.status == .fail ? Palette.mark(.nodeSectionShared) : Palette.text, attrs: [("data-role", "required-alignment"), ("data-required", "\(align)")])
        y += 18

        func page(_ phys: UInt64, up: Bool) -> UInt64 {
            let pfn = up ? phys / c.pageSize + (phys % c.pageSize == 0 ? 0 : 1) : phys / c.pageSize
            return base &+ pfn &* sps
        }
        let withMemmap = zip(L.nodes, h.nodes).filter { $0.1.memmapStart != nil && $0.1.memmapEnd != nil }
        guard let lo0 = withMemmap.compactMap(\.1.memmapStart).min(), let hi0 = withMemmap.compactMap(\.1.memmapEnd).max(), hi0 > lo0 else {
            cv.text("no node has memory: no memmap to draw", x: axisLeft, baseline: y + 12, size: 11, color: Palette.mutedText)
            y += 24
            return
        }
        var lo = lo0, hi = hi0
        let span = hi0 - lo0
        if base <= lo0 && lo0 - base <= span / 4 { lo = base }
        var ticksNote: String?
        if align > 0 {
            let rlo = lo / align * align
            let (rhiRaw, o) = ((hi + align - 1) / align).multipliedReportingOverflow(by: align)
            let rhi = o ? hi : rhiRaw
            if rhi - rlo <= 16 * span {
                lo = rlo; hi = rhi
            } else {
                // Too coarse to show whole: keep the nodes' range and name the boundaries outside it.
                var outside: [String] = []
                if rlo < lo { outside.append("\(hex(rlo)) below") }
                if rhi > hi { outside.append("\(hex(rhi)) above") }
                ticksNote = "MAX_FOLIO_VMEMMAP_ALIGN boundaries outside this range: \(outside.joined(separator: ", "))"
            }
        }
        let left = axisLeft, right = axisRight
        let scale = (right - left) / Double(hi - lo)
        func x(_ a: UInt64) -> Double { a <= lo ? left : (a >= hi ? right : left + Double(a - lo) * scale) }

        let tickRow = y + 11
        cv.text("vmemmap", x: margin, baseline: tickRow, size: 10, color: Palette.mutedText)
        y += 16
        let rowsTop = y
        let rowHeight = 24.0
        var tops: [Int: Double] = [:]
        var states = Set<String>()
        for (n, d) in zip(L.nodes, h.nodes) {
            let t = y
            tops[n.id] = t
            y += rowHeight + bandGap
            cv.w.open("g", [("data-vmemmap-node", "\(n.id)"), ("id", "vmemmap-node-\(n.id)")])
            cv.w.leaf("rect", [("x", Markup.num(left)), ("y", Markup.num(t)), ("width", Markup.num(right - left)), ("height", Markup.num(rowHeight)), ("fill", Palette.bandBackground)])
            cv.text("node \(n.id)", x: margin, baseline: t + 10, size: 11, bold: true)
            guard let s = d.memmapStart, let e = d.memmapEnd else {
                cv.text("no memmap", x: margin, baseline: t + 22, size: 9, color: Palette.mutedText)
                cv.w.close()
                continue
            }
            cv.text(TextMetrics.fit("\(Units.approx(e - s)) span", width: axisLeft - margin - 8, size: 9), x: margin, baseline: t + 22, size: 9, color: Palette.mutedText)
            cv.w.element("title", text: "node \(n.id): memmap \(hex(s))-\(hex(e)) (\(Units.approx(e - s)) of vmemmap), \(Units.human(d.memmapBytes)) allocated on this node")
            for r in n.ranges {
                let st: BlockState = r.online ? .online : .offline
                states.insert(st.rawValue)
                let ps = page(r.range.start, up: false), pe = page(r.range.end, up: true)
                cv.w.open("g", [("data-memmap", "\(hex(ps))-\(hex(pe))"), ("data-state", st.rawValue)])
                rectX(x(ps), max(x(pe), x(ps) + 1), top: t + 3, height: rowHeight - 6, fill: Palette.fill(st), attrs: [])
                cv.w.close()
            }
            rectX(x(s), max(x(e), x(s) + 1), top: t + 1, height: rowHeight - 2, fill: "none", attrs: [("stroke", Palette.axis), ("stroke-width", "1"), ("stroke-dasharray", "5 2"), ("data-span", "\(hex(s))-\(hex(e))")])
            cv.w.close()
        }
        let rowsBottom = y - bandGap

        // Alignment boundaries.
        var tickLabels: [(String, Double)] = []
        var stride: UInt64 = 1
        if align > 0 {
            while Double(align) * Double(stride) * scale < 5, stride < UInt64(1) << 40 { stride *= 2 }
            let (stepRaw, o) = align.multipliedReportingOverflow(by: stride)
            let step = o ? align : stepRaw
            cv.w.open("g", [("data-role", "align-boundaries"), ("data-align", "\(align)"), ("data-stride", "\(stride)")])
            var a = (lo + step - 1) / step * step
            while a >= lo && a <= hi {
                cv.w.leaf("line", [("data-align-boundary", hex(a)), ("x1", Markup.num(x(a))), ("y1", Markup.num(rowsTop - 3)), ("x2", Markup.num(x(a))), ("y2", Markup.num(rowsBottom + 3)), ("stroke", Palette.alignTick), ("stroke-width", "1.5")])
                tickLabels.append((hex(a), x(a)))
                let (next, o2) = a.addingReportingOverflow(step)
                if o2 { break }
                a = next
            }
            cv.w.close()
        }
        if base >= lo && base <= hi {
            cv.w.leaf("line", [("data-role", "base"), ("data-base", hex(base)), ("x1", Markup.num(x(base))), ("y1", Markup.num(rowsTop - 6)), ("x2", Markup.num(x(base))), ("y2", Markup.num(rowsBottom + 6)), ("stroke", Palette.base), ("stroke-width", "2.5")])
        }

        // Off-node backing units.
        let offnode = marks(.nodeMemmapOffnode)
        var pending: [(label: String, x: Double, from: Double, attrs: [(String, String)])] = []
        for m in offnode {
            guard let a = m.finding.address else { continue }
            let unit = m.finding.required ?? h.backingUnit
            let ts = m.nodes.compactMap { tops[$0] }.sorted()
            guard let last = ts.last else { continue }
            let x0 = x(a), x1 = max(x(a &+ unit), x0 + 3)
            let cx = markFinding(m, .nodeMemmapOffnode, x0: x0, x1: x1, tops: ts, height: rowHeight, opacity: "0.3",
                                 attrs: [("data-section", m.section.map(String.init) ?? ""), ("data-address", hex(a))])
            pending.append(("\(Units.human(unit)) at \(hex(a)): struct pages of nodes \(m.nodes.map(String.init).joined(separator: "+"))", cx, last + rowHeight, [("data-label-for", "finding-\(m.index)")]))
        }

        // Finding labels below two reserved rows, then the optional addresses, which give way to leaders.
        y = rowsBottom + 36
        let after = placeWithLeaders(pending, color: Palette.mark(.nodeMemmapOffnode))
        cv.w.leaf("line", [("x1", Markup.num(left)), ("y1", Markup.num(rowsBottom + 3)), ("x2", Markup.num(right)), ("y2", Markup.num(rowsBottom + 3)), ("stroke", Palette.axis)])
        if base >= lo && base <= hi {
            _ = cv.place("pfn_to_page(0)", x: x(base) + TextMetrics.width("pfn_to_page(0)", size: 10) / 2, rows: [tickRow], size: 10, minX: left, maxX: right, required: true, bold: true)
        }
        // Below the rows: the range's ends, then the boundaries inside it, in two rows.
        let endRows = [rowsBottom + 15, rowsBottom + 29]
        // The low end sits in the label column, right-aligned to the axis, out of the leaders' way.
        _ = cv.place(hex(lo), x: left - 2 - TextMetrics.width(hex(lo), size: 10) / 2, rows: endRows, size: 10, minX: margin, maxX: left - 2, required: false, color: Palette.mutedText)
        _ = cv.place(hex(hi), x: right - TextMetrics.width(hex(hi), size: 10) / 2, rows: endRows, size: 10, minX: left, maxX: right, required: false, color: Palette.mutedText)
        var bottom = rowsBottom + 18.0
        for (s, tx) in tickLabels where s != hex(lo) && s != hex(hi) {
            if let b = cv.place(s, x: tx, rows: endRows, size: 10, minX: left, maxX: right, required: false, color: Palette.alignTick) {
                bottom = max(bottom, b.y + b.height)
            }
        }
        y = max(after, bottom + 6)

        var items: [LegendItem] = []
        for st in [BlockState.online, .offline] where states.contains(st.rawValue) {
            items.append(.init(key: "memmap-\(st.rawValue)", text: "struct pages of \(st.rawValue) memory", swatch: .fill(Palette.fill(st))))
        }
        items.append(.init(key: "span", text: "node's span (holes have no struct pages)", swatch: .dashed(Palette.axis)))
        if align > 0 {
            items.append(.init(key: "align-boundary", text: stride == 1 ? "multiple of MAX_FOLIO_VMEMMAP_ALIGN (\(Units.human(align)))" : "every \(stride)th multiple of \(Units.human(align)) (closer ticks would be < 5 px apart)", swatch: .tick(Palette.alignTick)))
        }
        if base >= lo && base <= hi { items.append(.init(key: "base", text: "pfn_to_page(0)", swatch: .tick(Palette.base))) }
        if !offnode.isEmpty { items.append(.init(key: "node-memmap-offnode", text: "node-memmap-offnode: \(Units.human(h.backingUnit)) backing unit with two nodes' struct pages", swatch: .outlined(Palette.mark(.nodeMemmapOffnode)))) }
        if let note = ticksNote { items.append(.init(key: "align-note", text: note, swatch: .none)) }
        legend(items)
    }

    // MARK: Findings

    mutating func findingList() {
        header("Findings")
        let size = 11.0
        for (i, f) in h.result.findings.enumerated() {
            let st = Palette.status(f)
            cv.w.open("g", [("data-rule", f.rule.rawValue), ("data-status", f.status.rawValue), ("data-severity", f.severity.rawValue), ("data-finding", "\(i)"), ("data-list", "true")])
            cv.w.element("title", text: f.message + (f.fix.map { " — fix: \($0)" } ?? ""))
            rectX(margin, margin + 40, top: y, height: 15, fill: st.bg, attrs: [])
            cv.text(st.tag, x: margin + 20, baseline: y + 11.5, size: size, anchor: .middle, bold: true, color: st.fg)
            let summary = "\(f.rule): \(Renderer.summary(f))"
            cv.text(TextMetrics.fit(summary, width: LayoutSVG.width - 2 * margin - 50, size: size), x: margin + 50, baseline: y + 11.5, size: size)
            cv.w.close()
            y += 18
        }
    }

    /// A finding in a few words: where it applies for layout rules, its message for the rest.
    static func summary(_ f: Finding) -> String {
        let nodes = ints(f.details["nodes"])
        var parts: [String] = []
        if case let .uint(s)? = f.details["section"] { parts.append("section \(s)") }
        if !nodes.isEmpty { parts.append("node\(nodes.count > 1 ? "s" : "") \(nodes.map(String.init).joined(separator: ", "))") }
        if let b = ints(f.details["memory_block"].map { .array([$0]) }).first { parts.append("memory block \(b)") }
        if f.rule == .layout(.nodeSectionShared) || f.rule == .layout(.nodeMemmapOffnode) {
            return parts.joined(separator: " · ")
        }
        return f.message
    }
}
