// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "memmap-check",
    products: [
        .executable(name: "memmap-check", targets: ["memmap-check"]),
        .library(name: "SparseCheck", targets: ["SparseCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The C mirror of the kernel's sparse/vmemmap arithmetic: pure, header-only, no I/O.
        .target(name: "CSparse"),
        // The host shim's libnuma part: the only C code that links libnuma.
        .target(
            name: "CHost",
            linkerSettings: [.linkedLibrary("numa")]
        ),
        // What a capture holds, defined once (files, running facts, the observed base through the
        // bounded /proc/kcore reader), for `memmap-check capture` and the static `memmap-capture`.
        // libc only: scripts/build-collectors.sh cross-compiles it for every architecture.
        .target(name: "CCapture"),
        // `memmap-capture DIR`: the collector without Swift or libnuma.
        .executableTarget(
            name: "memmap-capture",
            dependencies: ["CCapture"]
        ),
        // A bounded gunzip over the system zlib (zlib1g-dev), for /proc/config.gz.
        .target(
            name: "CZlib",
            linkerSettings: [.linkedLibrary("z")]
        ),
        .target(
            name: "SparseCheck",
            dependencies: ["CSparse", "CHost", "CCapture", "CZlib"]
        ),
        .executableTarget(
            name: "memmap-check",
            dependencies: [
                "SparseCheck",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz harnesses (scripts/fuzz.sh builds them with -sanitize=fuzzer -DFUZZING); a plain build
        // is a corpus replayer.
        .executableTarget(
            name: "memmap-fuzz",
            dependencies: ["SparseCheck"]
        ),
        // Benchmarks (README, "Performance"): build with
        // `swift build -c release --static-swift-stdlib --scratch-path .build-static`, run .build-static/release/memmap-bench.
        .target(
            name: "BenchRef",
            dependencies: ["CSparse"],
            path: "Benchmarks/BenchRef"
        ),
        .executableTarget(
            name: "memmap-bench",
            dependencies: ["SparseCheck", "BenchRef"],
            path: "Benchmarks/memmap-bench"
        ),
        .testTarget(
            name: "SparseCheckTests",
            dependencies: ["SparseCheck", "CSparse", "memmap-check", "memmap-fuzz", "memmap-capture"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
