extension SparseConfig {
    /// The .config line a rule's result is best pinned to: the switch that turns the rule on.
    public func kconfigLine(for rule: String) -> Int? {
        let keys: [String]
        switch rule {
        case RuleID.folioVmemmapAlign.rawValue, RuleID.folioVmemmapAlignV2.rawValue:
            keys = ["HUGETLB_PAGE_OPTIMIZE_VMEMMAP", "SPARSEMEM_VMEMMAP", "X86_64", "ARM64", "RISCV", "LOONGARCH", "PPC64", "S390"]
        default:
            keys = ["ZONE_DEVICE", "SPARSEMEM_VMEMMAP_PREINIT", "SPARSEMEM_VMEMMAP"]
        }
        return keys.lazy.compactMap { kconfigLines[$0] }.first
    }
}
