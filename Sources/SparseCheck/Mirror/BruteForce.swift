internal import CSparse

/// The brute-force cross-check of `folio-vmemmap-align`: store every tail's compound_info as
/// set_compound_head() would and decode it with _compound_head(), for sampled folios of every
/// order up to MAX_FOLIO_ORDER (the C oracle cs_bruteforce_decode()).
public enum BruteForce {
    public struct Outcome: Equatable, Sendable {
        /// Every sampled tail decoded to its head.
        public var allDecoded: Bool
        /// The smallest order with a wrongly decoded tail.
        public var firstFailingOrder: UInt32?
        public var tailsChecked: UInt64
    }

    /// Decodes sampled folios. `maxTailsPerFolio` bounds the work per folio: folios with more tails
    /// are visited with a stride (always including the last tail, the one furthest from the head).
    public static func run(_ config: SparseConfig, base: UInt64, samplesPerOrder: Int = 3,
                           maxTailsPerFolio: UInt64 = 1 << 22) -> Outcome {
        var cfg = config.c
        var order: UInt32 = 0
        guard cs_max_folio_order(&cfg, &order) == CS_OK else {
            return Outcome(allDecoded: false, firstFailingOrder: nil, tailsChecked: 0)
        }
        let form = CS_MASK_MERGED
        var checked: UInt64 = 0
        // Sample PFNs below 2^(MAX_PHYSMEM_BITS - PAGE_SHIFT) whose struct page address fits 64 bits.
        let physLimit: UInt64 = config.maxPhysmemBits > config.pageShift
            ? UInt64(1) << UInt64(min(config.maxPhysmemBits - config.pageShift, 62)) : 1
        let pfnLimit = min(physLimit, (UInt64.max - base) / config.structPageSize)
        var rng = SplitMix64(seed: base ^ UInt64(order))
        for o in 0...order {
            let nr = UInt64(1) << UInt64(o)
            let stride = max(1, nr / maxTailsPerFolio)
            var heads: [UInt64] = [0, nr]
            for _ in 0..<max(0, samplesPerOrder - 2) {
                let slots = max(pfnLimit / nr, 1)
                heads.append((rng.next() % slots) * nr)
            }
            for head in heads where head < pfnLimit || head == 0 {
                var bad: UInt64 = 0, firstBad: UInt64 = 0
                let st = cs_bruteforce_decode(&cfg, form, base, head, o, stride, &bad, &firstBad)
                if st != CS_OK { continue }
                checked += nr / stride
                if bad > 0 {
                    return Outcome(allDecoded: false, firstFailingOrder: o, tailsChecked: checked)
                }
            }
        }
        return Outcome(allDecoded: true, firstFailingOrder: nil, tailsChecked: checked)
    }
}

/// A small deterministic generator (SplitMix64) for sampling.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
