/// `host --format svg`: the map of the nodes' physical ranges and vmemmap (drawing code in Render/).
public final class SVGWriter: ReportWriter {
    let out: OutputStream
    public init(out: OutputStream) { self.out = out }
    public func begin(_ run: RunInfo) {}
    public func add(_ h: HostCheck) { out.write(LayoutSVG.render(h).svg) }
    public func end(_ summary: SweepReport?) { out.flush() }
}
