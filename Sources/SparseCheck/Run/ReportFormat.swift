/// Every output format, and the one writer that produces it. Each command offers the subset it
/// supports (`check`, `sweep` and `host` declare their own `--format` choices) and asks this for the
/// writer, so a format has one constructor.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, jsonl, junit, sarif, html, svg

    public func writer(_ out: OutputStream) -> any ReportWriter {
        switch self {
        case .text: return TextWriter(out: out)
        case .json: return JSONWriter(out: out)
        case .jsonl: return JSONLWriter(out: out)
        case .junit: return JUnitWriter(out: out)
        case .sarif: return SARIFWriter(out: out)
        case .html: return HTMLWriter(out: out)
        case .svg: return SVGWriter(out: out)
        }
    }
}
