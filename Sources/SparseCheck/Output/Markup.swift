#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

public enum Markup {
    /// Text safe inside XML/HTML elements and double- or single-quoted attributes: `& < > " '` become
    /// entities; characters XML 1.0 forbids (C0 controls except tab, newline, CR; U+FFFE/U+FFFF) become
    /// U+FFFD, so a hostile file name cannot make the document unparsable.
    /// With `whitespaceAsReferences`, tab, newline and CR become `&#9;` `&#10;` `&#13;`, which an
    /// attribute value keeps (raw ones are normalised to spaces).
    public static func escape(_ s: String, whitespaceAsReferences: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r":
                if whitespaceAsReferences { out += "&#\(u.value);" } else { out.unicodeScalars.append(u) }
            case _ where u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A number for an attribute: at most two decimals, no trailing zeros (`12`, `12.5`, `0.33`).
    public static func num(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = r.fixed(2)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
