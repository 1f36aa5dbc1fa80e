/// `sweep --format html`: one self-contained report page (drawing code in Render/SweepHTML).
public final class HTMLWriter: ReportWriter {
    let out: OutputStream
    var run = RunInfo(command: .sweep, policy: .error)
    public init(out: OutputStream) { self.out = out }
    public func begin(_ run: RunInfo) { self.run = run }
    public func end(_ summary: SweepReport?) {
        if let summary, let sweep = summary.sweep {
            out.write(SweepHTML.render(sweep, summary.summary, policy: run.policy, arguments: run.arguments))
        }
        out.flush()
    }
}
