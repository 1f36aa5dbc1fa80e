public enum RuleID: String, CaseIterable, Sendable {
    case folioVmemmapAlign = "folio-vmemmap-align"
    case folioVmemmapAlignV2 = "folio-vmemmap-align-v2"
    case sectionMapEncoding = "section-map-encoding"

    public var severity: Severity {
        switch self {
        case .folioVmemmapAlign, .sectionMapEncoding: return .error
        case .folioVmemmapAlignV2: return .info
        }
    }

    /// One paragraph: what the rule protects and the kernel code it mirrors.
    public var summary: String {
        switch self {
        case .folioVmemmapAlign:
            return "Linux 7.1 stores a mask, not a head pointer, in every tail page's compound_info when compound_info_has_mask() (HVO built in, power-of-two struct page); the head is found by masking the tail's address, which is right only if pfn_to_page(0) is a multiple of MAX_FOLIO_VMEMMAP_ALIGN = MAX_FOLIO_NR_PAGES * sizeof(struct page). Mirrors sparse_init()'s VM_WARN_ON_ONCE (mm/sparse.c), which compiles away without CONFIG_DEBUG_VM."
        case .folioVmemmapAlignV2:
            return "The first posting (v2 02/14, Dec 2025) checked IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_SIZE / sizeof(struct page)) on every configuration. That equals the merged demand only when PAGE_SIZE == sizeof(struct page)^2; reported for comparison, never failing."
        case .sectionMapEncoding:
            return "section_mem_map keeps flag bits below SECTION_MAP_LAST_BIT, so the encoded mem_map (sparse_encode_mem_map() in mm/sparse.c before the series; inline in sparse_init_one_section() in 7.2 (mm/internal.h) and 7.3 (mm/sparse.h)) must have them clear: the kernel's build-time bound (2018, every release up to 7.3: PFN_SECTION_SHIFT; proposed 2026, in no release: min(PFN_SECTION_SHIFT + __ffs(sizeof(struct page)), PAGE_SHIFT)) and the run-time check on the encoded value."
        }
    }
}

/// The rule a finding or a report group names: a config rule or a host layout rule. Reports print its
/// name (`folio-vmemmap-align`, `node-section-shared`); code compares the typed value.
public enum AnyRuleID: Hashable, Sendable, CustomStringConvertible {
    case config(RuleID)
    case layout(LayoutRuleID)
    /// A release newer than the newest modelled (`Checker.releaseBeyondTable`).
    case releaseModelled

    /// The rule's name, as every report spells it.
    public var rawValue: String {
        switch self {
        case let .config(r): return r.rawValue
        case let .layout(r): return r.rawValue
        case .releaseModelled: return "release-modelled"
        }
    }

    public var description: String { rawValue }

    public var severity: Severity {
        switch self {
        case let .config(r): return r.severity
        case let .layout(r): return r.severity
        case .releaseModelled: return .warning
        }
    }

    /// The config rule, nil for a layout rule.
    public var config: RuleID? {
        if case let .config(r) = self { return r }
        return nil
    }
}

extension RuleID {
    public var anyID: AnyRuleID { .config(self) }
}

public enum Status: String, Sendable { case pass, fail, skip }
public enum Severity: String, Sendable, Comparable {
    case info, warning, error
    var rank: Int { self == .error ? 2 : (self == .warning ? 1 : 0) }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One rule's verdict on one configuration.
public struct Finding: Equatable, Sendable {
    public var rule: AnyRuleID
    public var status: Status
    public var severity: Severity
    /// The address checked (pfn_to_page(0) for the config rules).
    public var address: UInt64?
    /// The alignment required.
    public var required: UInt64?
    /// The largest power of two dividing `address` (nil when there is none to report).
    public var actualAlignment: UInt64?
    /// The kernel expression with the numbers plugged in.
    public var message: String
    /// A concrete fix, for failures.
    public var fix: String?
    /// Why the rule was skipped.
    public var reason: String?
    /// Rule-specific numbers.
    public var details: [String: JSON] = [:]
    public var detailOrder: [String] = []

    mutating func detail(_ key: String, _ value: JSON) {
        if details[key] == nil { detailOrder.append(key) }
        details[key] = value
    }
}

/// The findings for one configuration.
public struct CheckResult: Sendable {
    public var config: SparseConfig
    public var base: VmemmapBase
    public var derived: Derived
    public var findings: [Finding]
}

extension SparseConfig {
    /// The configuration with the assumptions that depend on the release and mode in force added to
    /// `assumed` (only those that were made): the release's formulas when no release was given, is newer
    /// than the table, or could not be confirmed; the paging mode when several were allowed and one
    /// was taken without being chosen; the randomised base judged at its guaranteed alignment.
    func withReportedAssumptions() -> SparseConfig {
        var c = self
        func add(_ a: Assumption) { if !c.assumed.contains(a) { c.assumed.append(a) } }
        if c.kernel.proposed {
            add(.proposedFormulas)
        } else if !c.kernel.given {
            add(.newestFormulas(label: c.kernel.label))
        } else if let why = c.kernel.caveat {
            add(.kernelCaveat(why))
        }
        if !c.modePinned, c.allowedModes.count > 1, let m = c.pagingMode {
            add(.pagingMode(m, allowed: c.allowedModes))
        }
        if c.baseRandomized, c.vmemmapBaseOverride == nil {
            switch c.layout {
            case .x86_64: add(.kaslrX86Slot)
            case .arm64: add(.kaslrARM64Offset(kernel: c.kernel.label))
            case .s390x: add(.kaslrS390Placement)
            default: break
            }
        }
        return c
    }

    /// Rejects a configuration the kernel would not build or the arithmetic cannot represent, naming
    /// the option that sets the offending value.
    public func validate() throws { try validate(mirror) }

    /// `validate()` over `m`, this configuration's mirror (built once per check).
    func validate(_ m: CMirror) throws {
        try validateFields(m)
        // A DRAM start the sparse model cannot hold (cs_max_physmem_check: mm/sparse.c
        // mminit_validate_memmodel_limits() cuts memory starting at or above 1 << MAX_PHYSMEM_BITS to nothing).
        if baseDependsOnDRAM, vmemmapBaseOverride == nil, let d = dramBase {
            if !m.holdsPhysical(d) {
                throw InputError("\(OptionName.dramBase.flag) \(hex(d))",
                                 expected: "a DRAM start below 1 << MAX_PHYSMEM_BITS (\(maxPhysmemBits)) = \(hex(1 << UInt64(maxPhysmemBits))) on \(arch.rawValue) (mm/sparse.c mminit_validate_memmodel_limits() drops memory starting above it)")
            }
        }
    }

    private func validateFields(_ m: CMirror) throws {
        guard let (field, reason) = m.rejection() else { return }
        let from = " (preset \(preset))"
        switch field {
        case .pageShift:
            throw InputError("\(OptionName.pageSize.flag) \(pageSize)", expected: "a power of two from 1K to 2M")
        case .sectionSizeBits:
            let expected: String
            switch reason {
            case .belowPageShift:
                expected = "at least PAGE_SHIFT (\(pageShift)) for \(Units.human(pageSize)) pages"
            case .belowSubsection:
                expected = "at least SUBSECTION_SHIFT (21): include/linux/mmzone.h refuses to build (\"Subsection size exceeds section size\")"
            case .other:
                expected = "at most MAX_PHYSMEM_BITS (\(maxPhysmemBits))"
            }
            throw InputError("\(OptionName.sectionBits.flag) \(sectionSizeBits)", expected: expected)
        case .maxPhysmemBits:
            throw InputError("\(OptionName.physmemBits.flag) \(maxPhysmemBits)", expected: "20 to BITS_PER_LONG (\(bitsPerLong))")
        case .maxPageOrder:
            throw InputError(
                "\(OptionName.maxPageOrder.flag) \(maxPageOrder)\(from)",
                expected: "at most SECTION_SIZE_BITS - PAGE_SHIFT (\(Int(sectionSizeBits) - Int(pageShift))): include/linux/mmzone.h refuses to build (\"Allocator MAX_PAGE_ORDER exceeds SECTION_SIZE\")")
        case .structPageSize:
            throw InputError(
                "\(OptionName.structPageSize.flag) \(structPageSize)",
                expected: "a multiple of sizeof(long) (\(bitsPerLong / 8)) from \(bitsPerLong / 8) to PAGE_SIZE (\(pageSize))")
        case .maxFolioOrder:
            let top = Int(maxPhysmemBits) - Int(pageShift)
            throw InputError(
                "\(OptionName.maxFolioOrder.flag) \(maxFolioOrderOverride.map(String.init) ?? "(derived)")",
                expected: "0 to \(top): a folio cannot exceed MAX_PHYSMEM_BITS (\(maxPhysmemBits)) with \(Units.human(pageSize)) pages, and MAX_FOLIO_NR_PAGES * sizeof(struct page) must fit 64 bits")
        case .pmdPudShift:
            throw InputError("PMD_SHIFT \(pmdShift) / PUD_SHIFT \(pudShift)\(from)", expected: "PAGE_SHIFT < PMD_SHIFT <= PUD_SHIFT < BITS_PER_LONG")
        case .memSectionSize:
            throw InputError("sizeof(struct mem_section) \(memSectionSize)", expected: "a power of two from 8 to PAGE_SIZE")
        case .bitsPerLong:
            throw InputError("BITS_PER_LONG \(bitsPerLong)", expected: "32 or 64")
        }
    }

    /// The numbers the rules read, from the C mirror.
    public func derive(base: UInt64) throws -> Derived { try derive(base: base, mirror) }

    func derive(base: UInt64, _ m: CMirror) throws -> Derived {
        let v: CVerdict
        do { v = try m.sparseInitChecks(base: base) } catch let e as MirrorError {
            throw InputError("\(preset) configuration", expected: "values whose derived quantities fit \(bitsPerLong) bits (\(e))")
        }
        return Derived(
            vmemmap: v.vmemmap, baseFormula: "", actualAlignment: v.actualAlignment,
            maxFolioOrder: v.maxFolioOrder, maxFolioNrPages: v.maxFolioNrPages, maxFolioSize: v.maxFolioSize,
            maxFolioVmemmapAlign: v.maxFolioVmemmapAlign, v2Demand: v.v2Demand,
            v2DemandIsPowerOf2: v.v2DemandIsPowerOf2, v2Aligned: v.v2Aligned,
            hasMask: v.hasMask && kernel.hasMaskEncoding, hasMaskV3V4: v.hasMaskV3V4,
            folioAligned: v.folioAligned, sectionMapLastBit: v.sectionMapLastBit,
            sectionMapRequired: v.sectionMapRequired, bound2018: v.bound2018, bound2026: v.bound2026,
            buildOK2018: v.buildOK2018, buildOK2026: v.buildOK2026, encodingOK: v.encodingOK)
    }
}

/// The three config rules' statuses from the C verdict, with the per-configuration conditions worked
/// out once: the sweep evaluates a cell's plan for every combination of the cell.
struct StatusPlan {
    let folioApplies: Bool
    let vmemmap: Bool
    let boundIs2026: Bool

    init(_ c: SparseConfig) {
        vmemmap = c.sparsememVmemmap
        folioApplies = c.sparsememVmemmap && Checker.maskApplies(c)
        boundIs2026 = c.kernel.encodeBoundIs2026
    }

    @inline(__always) func folio(aligned: Bool) -> Status { folioApplies ? (aligned ? .pass : .fail) : .skip }

    @inline(__always) func v2(aligned: Bool) -> Status { vmemmap ? (aligned ? .pass : .fail) : .skip }

    @inline(__always)
    func encoding(buildOK2018: Bool, buildOK2026: Bool, encodingOK: Bool, lastBit: UInt32, bound2026 b: UInt32) -> Status {
        let buildOK = boundIs2026 ? buildOK2026 : buildOK2018
        let runOK = vmemmap ? encodingOK : lastBit <= b
        return buildOK && runOK ? .pass : .fail
    }

    /// (folio-vmemmap-align, folio-vmemmap-align-v2, section-map-encoding) from `cs_sparse_init_checks()`.
    @inline(__always)
    func statuses(_ v: CVerdict) -> (folio: Status, v2: Status, encoding: Status) {
        (folio(aligned: v.folioAligned), v2(aligned: v.v2Aligned),
         encoding(buildOK2018: v.buildOK2018, buildOK2026: v.buildOK2026, encodingOK: v.encodingOK,
                  lastBit: v.sectionMapLastBit, bound2026: v.bound2026))
    }
}

/// Runs the rules on configurations.
public enum Checker {
    /// Every paging mode the configuration allows, checked (one result each, in the configuration's
    /// order); a configuration with a pinned mode or one mode gives one result.
    public static func checkModes(_ config: SparseConfig) throws -> [CheckResult] {
        try config.pagingModeVariants().map(check)
    }

    /// The finding for a release newer than the newest modelled: the check still runs on the newest
    /// formulas, and this warning (so `--fail-on warning` stops on it) names the release and those formulas.
    public static let releaseRule = AnyRuleID.releaseModelled

    static func releaseBeyondTable(_ config: SparseConfig) -> Finding? {
        guard config.kernel.beyondTable else { return nil }
        let newest = FormulaTable.newestRelease.seen
        let forms = config.kernel.formulas
        let used = ["compound_info_has_mask(): \(forms.mask.rawValue)", "riscv " + forms.riscvAlignText,
                    "LoongArch vmemmap " + forms.loongarchText, forms.encodeBoundText + " in " + forms.encodeSite]
        return Finding(
            rule: releaseRule, status: .fail, severity: .warning,
            message: "kernel \(config.kernel.release.seen) is newer than the newest modelled release \(newest): checked with \(newest)'s formulas (\(used.joined(separator: "; "))), which no one has held against \(config.kernel.release.seen)'s source",
            fix: "check the release's definitions with scripts/kernel-drift.sh LINUX_SOURCE_DIR, or pass --kernel \(newest) to accept \(newest)'s formulas")
    }

    /// Validates `config`, computes its base, and evaluates every config rule.
    public static func check(_ config0: SparseConfig) throws -> CheckResult {
        let config = config0.withReportedAssumptions()
        let m = config.mirror // the one cs_config of this check
        try config.validate(m)
        let base = try config.vmemmapBase(m)
        var d = try config.derive(base: base.value, m)
        d.baseFormula = base.formula
        var findings = [
            folioVmemmapAlign(config, d, m),
            folioVmemmapAlignV2(config, d),
            sectionMapEncoding(config, d, m),
        ]
        if let g = base.guaranteedAlignment {
            for i in findings.indices where findings[i].status != .skip && findings[i].address != nil {
                findings[i].message += "; KASLR: the base is randomised at boot, so this judges the worst base the randomisation can produce (\(hex(d.vmemmap))), i.e. the guaranteed alignment \(Units.alignment(g)) of every possible base"
                findings[i].detail("kaslr_guaranteed_alignment", .uint(g))
            }
        }
        if let why = config.kernel.caveat {
            for i in findings.indices where findings[i].status != .skip { findings[i].message += "; \(why)" }
        }
        if let f = releaseBeyondTable(config) { findings.append(f) }
        return CheckResult(config: config, base: base, derived: d, findings: findings)
    }

    // MARK: statuses (shared by the findings and the sweep's fast path)

    /// The three rules' statuses, in RuleID order, without building any text.
    @inline(__always)
    static func statuses(_ c: SparseConfig, _ d: Derived) -> (folio: Status, v2: Status, encoding: Status) {
        (folioStatus(c, d), v2Status(c, d), encodingStatus(c, d))
    }

    /// True when compound_info_has_mask() holds for this kernel (the merged form, gated by the series).
    static func maskApplies(_ c: SparseConfig) -> Bool {
        c.kernel.hasMaskEncoding && c.structPageSize.nonzeroBitCount == 1 && c.hvo
    }

    static func folioStatus(_ c: SparseConfig, _ d: Derived) -> Status { StatusPlan(c).folio(aligned: d.folioAligned) }

    static func v2Status(_ c: SparseConfig, _ d: Derived) -> Status { StatusPlan(c).v2(aligned: d.v2Aligned) }

    static func encodingStatus(_ c: SparseConfig, _ d: Derived) -> Status {
        StatusPlan(c).encoding(buildOK2018: d.buildOK2018, buildOK2026: d.buildOK2026, encodingOK: d.encodingOK,
                               lastBit: d.sectionMapLastBit, bound2026: d.bound2026)
    }

    // MARK: folio-vmemmap-align

    /// Why compound_info_has_mask() is false, or nil when it is true.
    static func maskSkipReason(_ c: SparseConfig) -> String? {
        if !c.kernel.hasMaskEncoding {
            return "kernel \(c.kernel.label) predates the mask-encoded compound_info (no MAX_FOLIO_VMEMMAP_ALIGN check)"
        }
        if c.structPageSize.nonzeroBitCount != 1 {
            return "compound_info_has_mask() is false: sizeof(struct page) = \(c.structPageSize) is not a power of two, so MAX_FOLIO_VMEMMAP_ALIGN is 0 and tails keep a head pointer"
        }
        if !c.hvo {
            var why = "compound_info_has_mask() is false: CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP is not set"
            if !c.archWantHVO { why += " (\(c.arch.rawValue) does not select ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP)" }
            else if !c.hugetlbPage { why += " (CONFIG_HUGETLB_PAGE is off)" }
            else if !c.sparsememVmemmap { why += " (CONFIG_SPARSEMEM_VMEMMAP is off)" }
            return why
        }
        return nil
    }

    /// The largest folio order whose tails still decode to the right head with this base alignment.
    static func largestDecodableOrder(_ c: SparseConfig, _ d: Derived) -> Int? {
        guard d.actualAlignment != 0 else { return nil }
        let a = d.actualAlignment
        guard a >= c.structPageSize, c.structPageSize.nonzeroBitCount == 1 else { return -1 }
        return (a / c.structPageSize).trailingZeroBitCount
    }

    static func folioVmemmapAlign(_ c: SparseConfig, _ d: Derived, _ m: CMirror) -> Finding {
        let req = d.maxFolioVmemmapAlign
        var f = Finding(
            rule: .config(.folioVmemmapAlign), status: .pass, severity: .error, address: d.vmemmap,
            required: nil, actualAlignment: d.actualAlignment == 0 ? nil : d.actualAlignment, message: "")
        f.detail("max_folio_order", .uint(UInt64(d.maxFolioOrder)))
        f.detail("max_folio_vmemmap_align", .uint(req))
        let status = folioStatus(c, d)
        if !c.sparsememVmemmap {
            f.status = .skip
            f.address = nil
            f.actualAlignment = nil
            f.reason = "CONFIG_SPARSEMEM_VMEMMAP is off: compound_info_has_mask() is false (HVO needs SPARSEMEM_VMEMMAP) and pfn_to_page(0) is not a fixed address"
            f.message = "skipped: " + f.reason!
            return f
        }
        if status == .skip {
            let why = maskSkipReason(c) ?? "compound_info_has_mask() is false"
            f.status = .skip
            f.reason = why
            f.message = "skipped: \(why)"
            return f
        }
        f.required = req
        let expr = "IS_ALIGNED(pfn_to_page(0) = \(hex(d.vmemmap)), MAX_FOLIO_VMEMMAP_ALIGN = MAX_FOLIO_NR_PAGES (2^\(d.maxFolioOrder)) * sizeof(struct page) (\(c.structPageSize)) = \(req) (\(Units.human(req))))"
        if status == .pass {
            f.message = "\(expr) holds: the base is aligned to \(Units.alignment(d.actualAlignment))"
            return f
        }
        f.status = .fail
        let order = largestDecodableOrder(c, d).map { $0 >= 0 ? "folios up to order \($0)" : "no folio" } ?? ""
        f.message = "sparse_init(): VM_WARN_ON_ONCE(!\(expr)) fires (a warning only with CONFIG_DEBUG_VM, include/linux/mmdebug.h; without it the kernel stays silent): the base is aligned only to \(Units.alignment(d.actualAlignment)); \(order) decode the right head, larger ones (up to order \(d.maxFolioOrder)) would mask to a wrong struct page"
        f.fix = folioFix(c, d, m)
        return f
    }

    /// The nearest aligned bases and the architecture-level change that would align the base.
    static func folioFix(_ c: SparseConfig, _ d: Derived, _ m: CMirror) -> String {
        let req = d.maxFolioVmemmapAlign
        var parts = ["nearest aligned bases: \(nearestAligned(m, d.vmemmap, req))"]
        if c.vmemmapBaseOverride != nil {
            return parts.joined(separator: "; ")
        }
        switch c.layout {
        case .riscv64:
            // PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page)): the physical rounding the base needs.
            let phys = stated { try m.pfnPhys(req / c.structPageSize) }
            var later = c
            later.kernel = KernelTarget(release: KernelRelease(major: 7, minor: 2))
            let section = stated { try m.bit(c.sectionSizeBits) }
            if c.kernel.formulas.riscvAlign != .pfnPhys {
                let nb = stated({ try later.vmemmapBase().value }, hex)
                parts.append("vmemmap_start_pfn must round the physical DRAM start to PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page)) = \(phys), not to MAX_FOLIO_VMEMMAP_ALIGN (a vmemmap-byte quantity): 7.2's VMEMMAP_ADDR_ALIGN = max(1 << SECTION_SIZE_BITS (\(section)), PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page)) (\(phys))) (arch/riscv/mm/init.c:65) gives pfn_to_page(0) = \(nb) (--kernel 7.2)")
            } else {
                parts.append("VMEMMAP_ADDR_ALIGN (\(phys) physical) already rounds the DRAM start: only a different VMEMMAP_START or sizeof(struct page) breaks this")
            }
        case .loongarch64:
            var later = c
            later.kernel = KernelTarget(release: KernelRelease(major: 7, minor: 1))
            if c.kernel.formulas.loongarchVmemmap == .pmd {
                let nb = stated({ try later.vmemmapBase().value }, hex)
                parts.append("place vmemmap at ALIGN(VMALLOC_END, max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN)) = \(nb) (the 7.1 formula)")
            }
        case .x86_64:
            parts.append("vmemmap_base must be a multiple of \(Units.human(req)); __VMEMMAP_BASE_L4/L5 and KASLR's PUD-aligned (1 GiB) slots are, so only a smaller PUD or a larger MAX_FOLIO_VMEMMAP_ALIGN breaks this")
        case .arm64:
            let phys = stated { try m.pfnPhys(req / c.structPageSize) }
            parts.append("both VMEMMAP_START and (memstart_addr >> PAGE_SHIFT) * sizeof(struct page) must be multiples of \(Units.human(req)): ARM64_MEMSTART_ALIGN would need to be at least \(phys)")
        case .powerpc64, .s390x:
            parts.append("the architecture's vmemmap start must be a multiple of \(Units.human(req))")
        }
        return parts.joined(separator: "; ")
    }

    /// A number from the C mirror for a message (`Units.human` unless `show` says otherwise), or the
    /// refusal itself (`refused`, else the formula and why) when C refuses: never a number in its place.
    static func stated<T>(_ value: () throws -> T, _ show: (T) -> String, refused: String? = nil) -> String {
        do { return show(try value()) } catch { return refused ?? "(refused by the C mirror: \(error))" }
    }

    static func stated(_ bytes: () throws -> UInt64) -> String { stated(bytes, Units.human) }

    /// "B below, A above": the aligned bases around `base` (round_down, round_up); none above when
    /// round_up overflows BITS_PER_LONG, the refusal stated for any other status.
    static func nearestAligned(_ m: CMirror, _ base: UInt64, _ req: UInt64) -> String {
        let below = stated({ try CMirror.roundDown(base, req) }, hex)
        do {
            return "\(below) below, \(hex(try m.roundUp(base, req))) above"
        } catch let e as MirrorError where e.overflow {
            return "\(below) below"
        } catch {
            return "\(below) below, above: (refused by the C mirror: \(error))"
        }
    }

    // MARK: folio-vmemmap-align-v2

    static func folioVmemmapAlignV2(_ c: SparseConfig, _ d: Derived) -> Finding {
        let demand = d.v2Demand
        var f = Finding(
            rule: .config(.folioVmemmapAlignV2), status: .pass, severity: .info, address: d.vmemmap,
            required: demand, actualAlignment: d.actualAlignment == 0 ? nil : d.actualAlignment, message: "")
        f.detail("max_folio_size", .uint(d.maxFolioSize))
        f.detail("demand_is_power_of_2", .bool(d.v2DemandIsPowerOf2))
        if !c.sparsememVmemmap {
            f.status = .skip
            f.address = nil
            f.actualAlignment = nil
            f.reason = "CONFIG_SPARSEMEM_VMEMMAP is off: pfn_to_page(0) is section 0's allocated mem_map, unknown before boot"
            f.message = "skipped: " + f.reason!
            return f
        }
        // The merged verdict from the shared status function: no second finding (and fix text) built.
        let mergedStatus = folioStatus(c, d)
        let v2Warns = v2Status(c, d) == .fail
        let mergedWarns = mergedStatus == .fail
        let agrees = v2Warns == mergedWarns
        f.detail("merged_status", .string(mergedStatus.rawValue))
        f.detail("agrees_with_merged", .bool(agrees))
        f.detail("merged_required", .uint(d.maxFolioVmemmapAlign))
        f.status = v2Warns ? .fail : .pass
        var m = "v2 (18 Dec 2025) WARN_ON(!IS_ALIGNED(pfn_to_page(0) = \(hex(d.vmemmap)), MAX_FOLIO_SIZE / sizeof(struct page) = \(Units.human(d.maxFolioSize)) / \(c.structPageSize) = \(demand)\(d.v2DemandIsPowerOf2 ? " (\(Units.human(demand)))" : ""))) \(v2Warns ? "would have warned" : "would not have warned")"
        if !d.v2DemandIsPowerOf2 {
            m += "; the demand is not a power of two, so the kernel's IS_ALIGNED bit test (x & (a - 1)) answers a meaningless question"
        }
        let mergedText: String
        switch mergedStatus {
        case .skip: mergedText = "the merged check is skipped"
        case .pass: mergedText = "the merged check (\(Units.human(d.maxFolioVmemmapAlign))) passes"
        case .fail: mergedText = "the merged check (\(Units.human(d.maxFolioVmemmapAlign))) fails"
        }
        m += "; \(mergedText): \(agrees ? "agrees" : "disagrees")"
        if c.pageSize != c.structPageSize * c.structPageSize {
            m += " (PAGE_SIZE \(c.pageSize) != sizeof(struct page)^2 = \(c.structPageSize * c.structPageSize), so the two demands differ)"
        }
        f.message = m
        return f
    }

    // MARK: section-map-encoding

    static func sectionMapEncoding(_ c: SparseConfig, _ d: Derived, _ m: CMirror) -> Finding {
        let req = d.sectionMapRequired
        var f = Finding(
            rule: .config(.sectionMapEncoding), status: .pass, severity: .error, address: d.vmemmap,
            required: req, actualAlignment: d.actualAlignment == 0 ? nil : d.actualAlignment, message: "")
        let use2026 = c.kernel.encodeBoundIs2026
        let buildOK = use2026 ? d.buildOK2026 : d.buildOK2018
        f.detail("section_map_last_bit", .uint(UInt64(d.sectionMapLastBit)))
        f.detail("bound_2018", .uint(UInt64(d.bound2018)))
        f.detail("bound_2026", .uint(UInt64(d.bound2026)))
        f.detail("bound_in_force", .string(use2026 ? "2026" : "2018"))
        let ffs = stated({ try CMirror.ffs(c.structPageSize) }, String.init, refused: "(undefined for 0)")
        let flags = "SECTION_MAP_LAST_BIT = \(d.sectionMapLastBit)\(c.zoneDevice ? " (with ZONE_DEVICE)" : "")\(c.vmemmapPreinit ? " (with VMEMMAP_PREINIT)" : "")"
        let b2018 = "PFN_SECTION_SHIFT = \(d.bound2018)"
        let b2026 = "min(PFN_SECTION_SHIFT \(d.bound2018) + __ffs(\(c.structPageSize)) \(ffs), PAGE_SHIFT \(c.pageShift)) = \(d.bound2026)"
        var parts: [String] = []
        parts.append("build: \(flags) \(buildOK ? "<=" : ">") \(use2026 ? b2026 : b2018) (the \(use2026 ? "2026 (proposed; in no release)" : "2018") BUILD_BUG_ON in \(use2026 ? "sparse_init_one_section()" : c.kernel.formulas.encodeSite), in force for kernel \(c.kernel.label))")
        let other2026 = !use2026
        let otherOK = other2026 ? d.buildOK2026 : d.buildOK2018
        parts.append("the \(other2026 ? "2026" : "2018") form, \(other2026 ? b2026 : b2018), \(otherOK ? "also holds" : "would refuse it")")
        if !c.sparsememVmemmap {
            // Classic SPARSEMEM: the encoded value is a page-aligned allocation minus a PFN multiple of
            // sizeof(struct page); its guaranteed alignment is exactly the 2026 bound.
            f.address = nil
            f.actualAlignment = UInt64(1) << UInt64(d.bound2026)
            parts.append("run time: the encoded mem_map is only guaranteed 2^\(d.bound2026) alignment (page-aligned allocation minus section_nr_to_pfn(pnum) * sizeof(struct page))")
        } else {
            let runOK = d.encodingOK
            parts.append("run time: \(c.kernel.formulas.encodeSite.hasPrefix("sparse_encode") ? "sparse_encode_mem_map()" : "sparse_init_one_section()") stores pfn_to_page(0) = \(hex(d.vmemmap)) for every section; its low \(d.sectionMapLastBit) bits \(runOK ? "are clear" : "are not clear (VM_WARN_ON_ONCE/BUG_ON(coded_mem_map & ~SECTION_MAP_MASK))")")
        }
        f.status = encodingStatus(c, d)
        f.message = parts.joined(separator: "; ")
        if f.status == .fail {
            if !buildOK {
                f.fix = "the kernel will not build: drop ZONE_DEVICE or VMEMMAP_PREINIT flag bits, or raise SECTION_SIZE_BITS until PFN_SECTION_SHIFT >= \(d.sectionMapLastBit)\(use2026 ? "" : "; the 2026 bound (Muchun Song's fix) uses min(PFN_SECTION_SHIFT + __ffs(sizeof(struct page)), PAGE_SHIFT)")"
            } else {
                f.fix = "align pfn_to_page(0) to \(req) bytes: \(nearestAligned(m, d.vmemmap, req))"
            }
        }
        return f
    }
}
