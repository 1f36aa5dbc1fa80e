#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

extension NodeLayout {
    /// The architecture of this host's machine name.
    public var arch: Arch? {
        switch machine {
        case "x86_64", "amd64": return .x86_64
        case "aarch64", "arm64": return .arm64
        case "riscv64": return .riscv64
        case "ppc64le", "ppc64": return .powerpc64
        case "s390x": return .s390x
        case "loongarch64": return .loongarch64
        default: return nil
        }
    }

    /// The preset for this host's machine, page size and running paging mode.
    public var presetName: String? {
        let p = hostPageSize ?? (arch == .powerpc64 ? 65536 : 4096)
        let shift = UInt32(p.nonzeroBitCount == 1 ? p.trailingZeroBitCount : 12)
        if let m = running.mode?.value, m.arch == arch, Preset.named(m.presetName(pageShift: shift)) != nil {
            return m.presetName(pageShift: shift)
        }
        switch arch {
        case .x86_64: return la57 == true ? "x86_64-la57" : "x86_64"
        case .arm64: return "arm64-\(p >> 10)k-va48"
        case .riscv64: return "riscv64-sv39"
        case .powerpc64: return p == 4096 ? "powerpc64-radix-4k" : "powerpc64-radix-64k"
        case .s390x: return "s390x"
        case .loongarch64: return "loongarch64-16k"
        case nil: return nil
        }
    }

    /// True when the user's options replace what the running kernel says (a what-if): then the observed
    /// base is reported but not judged, and no drift is raised.
    public static func isWhatIf(preset: String?, _ o: Overrides) -> Bool {
        preset != nil || o.pageShift != nil || o.vmemmapBase != nil || o.kernel != nil || o.dramBase != nil || o.kaslr != nil
            || o.pagingMode != nil
    }

    /// The configuration this layout runs with — the one place where the host's facts meet the model.
    /// With no `--preset` or `--page-size` what-if, the running kernel's own `.config` (`/proc/config.gz`
    /// or `boot/config-<release>`, read through the bounded, root-confined `files`) gives the
    /// architecture constants and every CONFIG_ switch; otherwise, or when it cannot be read, the preset
    /// for the machine and running mode does, marked assumed. Then the running kernel's facts
    /// (`running`: release, paging mode, KASLR, DRAM start; BTF's sizeof(struct page)) apply, and the
    /// user's overrides last. Returns the configuration and whether the kernel config was used.
    public func config(preset: String?, overrides o: Overrides, files: HostFiles? = nil) throws -> (SparseConfig, Bool) {
        var eff = o
        var assumed: [Assumption] = []
        if eff.structPageSize == nil, let s = structPageSize { eff.structPageSize = s }
        // The running release picks the formulas (uname -r / proc/version), unless --kernel says otherwise.
        if eff.kernel == nil, let r = kernelRelease, let rel = KernelRelease.fromKernelText(r) {
            eff.kernel = KernelTarget(release: rel)
        } else if let r = kernelRelease, o.kernel == nil {
            assumed.append(.releaseUnreadable(r))
        }
        if o.structPageSize == nil && structPageSize == nil {
            assumed.append(.structPageSizeFromConfig)
        }

        // The running kernel's .config, unless the user asked for a preset or page-size what-if.
        var why: String?
        if preset == nil, o.pageShift == nil, let files, let path = kernelConfigPath,
           let loaded = kernelConfig ?? readKernelConfig(files) {
            switch loaded {
            case let .failed(reason):
                why = reason
            case let .file(k):
                do {
                    switch try k.derive() {
                    case var .config(kc):
                        if let p = hostPageSize, p != kc.pageSize {
                            kc.notes.append(.hostPageSizeDiffers(host: p, path: path, config: kc.pageSize))
                        }
                        var c = try kc.applying(eff)
                        c.assumed += assumed
                        applyRunning(&c, preset: preset, overrides: o)
                        try c.validate()
                        return (c, true)
                    case let .notApplicable(_, _, reason):
                        why = "\(path): \(reason)"
                    }
                } catch let e as InputError {
                    why = e.description
                } catch {
                    why = "\(path): \(error)"
                }
            }
        }

        let name = preset ?? presetName
        if preset == nil && presetName == nil {
            assumed.append(.noPresetForMachine(machine))
        }
        if eff.pageShift == nil, let p = hostPageSize, p.nonzeroBitCount == 1 {
            eff.pageShift = UInt32(p.trailingZeroBitCount)
        } else if eff.pageShift == nil {
            assumed.append(.pageSizeFromPreset)
        }
        var c = try SparseConfig.make(preset: name, overrides: eff)
        if preset == nil {
            let reason = why.map { "the kernel config could not be used: \($0)" }
                ?? (kernelConfigPath == nil ? "no kernel config found" : "a --page-size what-if replaces the kernel config")
            assumed.append(.presetValues(preset: c.preset, reason: reason))
        }
        c.assumed += assumed
        applyRunning(&c, preset: preset, overrides: o)
        if c.arch == .x86_64 && c.vmemmapBaseOverride == nil && !c.kaslr && running.kaslr == nil {
            c.assumed.append(.x86BaseWithoutKASLR)
        }
        try c.validate()
        return (c, false)
    }

    /// Reads and parses the kernel config at `kernelConfigPath` through the bounded, root-confined
    /// `files` (nil when there is none).
    public func readKernelConfig(_ files: HostFiles) -> LoadedKernelConfig? {
        guard let path = kernelConfigPath else { return nil }
        do {
            let bytes = try files.bytes(files.isLive ? String(path.dropFirst()) : path, cap: KconfigFile.maxBytes)
            return .file(try KconfigFile.load(data: Data(bytes), path: path))
        } catch let e as InputError {
            return .failed(e.description)
        } catch {
            return .failed("\(path): \(error)")
        }
    }

    /// The running kernel's paging mode, DRAM start and KASLR on top of a configuration, each unless the
    /// user set it, each cited in `derivedFrom`.
    func applyRunning(_ c: inout SparseConfig, preset: String?, overrides o: Overrides) {
        // Paging mode: only the mode the kernel runs is judged (a --preset or --paging-mode what-if
        // keeps its own).
        if preset == nil, o.vmemmapBase == nil, o.pagingMode == nil {
            if let m = arm64Mode(c) ?? running.mode { applyMode(&c, m) }
            else if c.arch == .arm64, case let .arm64(va, vaMin, _, _) = c.layout, va > vaMin {
                c.assumed.append(.arm64VAUnknown(va: va, vaMin: vaMin))
            }
        }
        // DRAM start from the tree.
        if c.baseDependsOnDRAM, o.dramBase == nil, o.vmemmapBase == nil, let d = running.dramStart {
            c.dramBase = d.value
            c.assumed.removeAll { $0.isDRAMStart }
            c.derivedFrom.append("DRAM start \(hex(d.value)) <- \(d.source)")
        }
        // KASLR as the running kernel reports it.
        if o.kaslr == nil, let k = running.kaslr {
            if c.baseCanBeRandomized { c.kaslr = k.value }
            c.derivedFrom.append("KASLR \(k.value ? "on" : "off") <- \(k.source)")
        }
    }

    /// arm64: the running mode already read (`running.mode`), else the one detection
    /// (`arm64Mode(configuredVA:noChoice:pageShift:)`) over the configuration's VA_BITS.
    func arm64Mode(_ c: SparseConfig) -> Sourced<PagingMode>? {
        guard c.arch == .arm64, case let .arm64(va, _, _, _) = c.layout else { return nil }
        if let m = running.mode, m.value.arch == .arm64 { return m }
        return arm64Mode(configuredVA: va, noChoice: "CONFIG_ARM64_VA_BITS=\(va): no run-time choice", pageShift: c.pageShift)
    }

    /// arm64's VA size in use for a kernel built with `va` bits: a kernel configured for 48 bits or fewer
    /// runs what it was built for (`noChoice` says where `va` was read); a 52-bit kernel may fall back to
    /// 48 bits (47 with 16K pages) on a CPU without 52-bit VA, and the kernel log's CPU features say
    /// which (the live kernel's kcore linear map too: `HostRun.arm64ModeFromKcore`). nil when nothing says.
    public func arm64Mode(configuredVA va: UInt32, noChoice: String, pageShift: UInt32) -> Sourced<PagingMode>? {
        if va <= 48 { return PagingMode.arm64(va).map { Sourced($0, noChoice) } }
        guard let log = kernelLog else { return nil }
        return RunningKernel.arm64VABits(dmesg: log, path: kernelLogPath ?? "dmesg", configured: va, pageShift: pageShift)
    }

    /// Replaces the base formula's mode-dependent inputs with those of the running mode's preset.
    func applyMode(_ c: inout SparseConfig, _ m: Sourced<PagingMode>) {
        guard m.value.arch == c.arch else { return }
        let pm = m.value
        // A configuration that allows the running mode (a .config decided at boot): pin it.
        if c.allowedModes.contains(pm), let pinned = try? c.withPagingMode(pm) {
            c = pinned
            c.derivedFrom.append("paging mode \(m.value.name) <- \(m.source)")
            return
        }
        // Otherwise (a preset fixes its mode): the running mode's preset gives the base formula.
        let name = m.value.presetName(pageShift: c.pageShift)
        guard let p = Preset.named(name) else {
            c.notes.append(.runningModeHasNoPreset(mode: pm.name, source: m.source, preset: name))
            return
        }
        let pc = p.config(pageShift: c.pageShift)
        c.layout = pc.layout
        if let m = pc.pagingMode { c.pinMode(m) } // the mode named beside the base is the one judged
        switch c.arch {
        case .x86_64: c.maxPhysmemBits = pc.maxPhysmemBits
        case .powerpc64: (c.pmdShift, c.pudShift) = (pc.pmdShift, pc.pudShift)
        default: break
        }
        c.derivedFrom.append("paging mode \(m.value.name) <- \(m.source); its base formula is preset \(name)'s")
        if c.kconfigPath == nil, !c.preset.hasPrefix(name) { c.preset = name }
    }
}

/// The running kernel's config as read once: the parsed file, or why it could not be read.
public enum LoadedKernelConfig: Sendable {
    case file(KconfigFile)
    case failed(String)
}
