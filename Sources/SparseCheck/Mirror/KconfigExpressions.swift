extension SparseConfig {
    /// CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP from its Kconfig expression (fs/Kconfig).
    func withKconfigHVO() -> SparseConfig {
        var c = self
        c.hvo = CMirror.hugetlbPageOptimizeVmemmap(hugetlbPage: hugetlbPage, archWantHVO: archWantHVO, sparsememVmemmap: sparsememVmemmap)
        return c.withKconfigPreinit()
    }

    /// CONFIG_SPARSEMEM_VMEMMAP_PREINIT: selected only by HUGETLB_PAGE_OPTIMIZE_VMEMMAP when the architecture
    /// wants it (fs/Kconfig:281, 7.2).
    func withKconfigPreinit() -> SparseConfig {
        var c = self
        c.vmemmapPreinit = CMirror.sparsememVmemmapPreinit(hvo: hvo, archWantVmemmapPreinit: archWantVmemmapPreinit)
        return c
    }
}
