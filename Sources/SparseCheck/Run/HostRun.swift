#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `host`: read the layout, assemble the configuration, read (or replay) the observed base, check, and
/// preview what another release's formulas would conclude (`UpgradePreview`; outside the verdict).
public enum HostRun {
    public static func check(_ files: HostFiles, preset: String? = nil, overrides: Overrides = Overrides(),
                             numa: NumaQuery? = nil, kernel paths: ObservedReader.Paths? = ObservedReader.Paths(),
                             preview: PreviewRequest = .newest) throws -> HostCheck {
        var layout = try HostReader.read(files, numa: numa)
        // Read and parsed once: the arm64 mode detection, the configuration and the preview share it.
        if (preset == nil && overrides.pageShift == nil) || layout.arch == .arm64 {
            layout.kernelConfig = layout.readKernelConfig(files)
        }
        detectARM64Mode(&layout, files, paths)
        let (config, used) = try layout.config(preset: preset, overrides: overrides, files: files)
        layout.kernelConfigUsed = used
        observe(&layout, config, files, paths)
        var h = try LayoutChecker.check(layout, config: config, whatIf: NodeLayout.isWhatIf(preset: preset, overrides))
        do {
            h.preview = try UpgradePreview.make(h, request: preview, preset: preset, overrides: overrides, files: files)
        } catch {
            h.notes.append("upgrade preview not computed: \(error)")
        }
        return h
    }

    /// arm64: the VA size in use, recorded in `running.mode` before the configuration is assembled:
    /// kcore's linear map (live root), else the kernel log's CPU features against the configured
    /// CONFIG_ARM64_VA_BITS, else the configured size when it leaves no run-time choice (<= 48).
    static func detectARM64Mode(_ L: inout NodeLayout, _ files: HostFiles, _ paths: ObservedReader.Paths?) {
        guard L.arch == .arm64, L.running.mode == nil else { return }
        if files.isLive, let p = paths, geteuid() == 0 || !p.requireRoot, let m = arm64ModeFromKcore(p.kcore) {
            L.running.mode = m
            return
        }
        guard let path = L.kernelConfigPath, case let .file(k)? = L.kernelConfig ?? L.readKernelConfig(files),
              let e = k["ARM64_VA_BITS"], let va = UInt32(e.value) else { return }
        let shift = UInt32((L.hostPageSize ?? 4096).trailingZeroBitCount)
        if let m = L.arm64Mode(configuredVA: va, noChoice: "\(path): \(k.cite("ARM64_VA_BITS")) leaves no run-time choice", pageShift: shift) {
            L.running.mode = m
        }
    }

    /// arm64's VA size in use from kcore: the lowest PT_LOAD segment is the linear map, which starts at
    /// _PAGE_OFFSET(vabits_actual) = -(1 << vabits_actual) (arch/arm64/include/asm/memory.h).
    static func arm64ModeFromKcore(_ path: String) -> Sourced<PagingMode>? {
        guard let k = try? KcoreFile(path: path, maxReads: 1), let span = try? k.loadSpan(), span.count > 0 else { return nil }
        let va = UInt32(64 - (~span.lowest).leadingZeroBitCount)
        guard [47, 48, 52].contains(va), let m = PagingMode.arm64(va) else { return nil }
        return Sourced(m, "\(path): the linear map (lowest PT_LOAD) starts at \(hex(span.lowest)), inside _PAGE_OFFSET(\(va))")
    }

    /// The observed base: from kernel memory on the live host, from the manifest of a captured tree.
    static func observe(_ L: inout NodeLayout, _ config: SparseConfig, _ files: HostFiles, _ paths: ObservedReader.Paths?) {
        let result: Result<ObservedBase, KcoreError>?
        if files.isLive {
            result = paths.map { ObservedReader.read(config, paths: $0) }
        } else if let m = HostReader.readManifest(files) {
            result = ObservedReader.fromManifest(m)
                ?? .failure(KcoreError(HostReader.manifestName, "records no observed base (captured by an older memmap-check)"))
        } else {
            result = .failure(KcoreError(files.display(HostReader.manifestName), "missing: the tree carries no record of kernel memory"))
        }
        switch result {
        case let .success(o)?: L.observed = o
        case let .failure(e)?: L.observedProblem = e.description
        case nil: break
        }
    }
}
