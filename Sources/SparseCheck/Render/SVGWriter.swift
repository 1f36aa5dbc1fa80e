/// `host --format svg`: the map of the nodes' physical ranges and vmemmap (drawing code in Render/).
public final class SVGWriter: ReportWriter {
    let out: OutputStream
    /// The run's policy (from `begin`): the map's verdict is the report's.
    var policy = FailPolicy.error
    public init(out: OutputStream) { self.out = out }
    public func begin(_ run: RunInfo) { policy = run.policy }
    public func add(_ h: HostCheck) { out.write(LayoutSVG.render(h, policy: policy).svg) }
    public func end(_ summary: SweepReport?) { out.flush() }
}
