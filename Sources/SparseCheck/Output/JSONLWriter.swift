#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `--format jsonl`: one compact record per combination (schema in docs/json-schema.md, "JSONL
/// record"), no prose. `sweep` formats its records on the worker threads with `JSONLRecord` and hands
/// the bytes over in order; `add(_:)` formats one checked result into the same record.
public final class JSONLWriter: ReportWriter {
    let out: OutputStream
    var policy = FailPolicy.error
    private var index: UInt64 = 0
    private let buffer = ByteBuffer(capacity: 1024)

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) { policy = run.policy }

    public func add(_ r: CheckResult) {
        buffer.removeAll()
        JSONLRecord.append(r, index: index, policy: policy, to: buffer)
        out.write(bytes: buffer.bytes)
        index += 1
    }

    public func notApplicable(_ n: NotApplicable) {
        out.line(JSON.object([("source", .string(n.path)), ("arch", .string(n.arch)), ("status", .string("not-applicable")),
                              ("reason", .string(n.reason))]).serialized())
    }

    /// Chunks a sweep formatted on its worker threads, in combination order.
    public func add(chunk: UnsafeRawBufferPointer) { out.write(bytes: chunk) }

    public func end(_ summary: SweepReport?) { out.flush() }
}
