/// A bounded reader of raw BTF (`/sys/kernel/btf/vmlinux`, include/uapi/linux/btf.h): finds the size of
/// a named struct without allocating per type. Every offset is checked against the buffer.
public enum BTF {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badMagic, truncated(String), unknownKind(UInt32), notFound(String), implausible(String, UInt64)
        public var description: String {
            switch self {
            case .badMagic: return "not BTF (magic is not 0xeb9f)"
            case let .truncated(what): return "truncated BTF (\(what) runs past the end)"
            case let .unknownKind(k): return "unknown BTF kind \(k)"
            case let .notFound(n): return "no struct \(n) in the BTF type section"
            case let .implausible(n, size): return "struct \(n) has an implausible size \(size) (expected 1 to 4096 bytes)"
            }
        }
    }

    /// sizeof(struct `name`) from the type section.
    public static func structSize(_ name: String, in data: [UInt8]) throws -> UInt64 {
        var data = data
        return try structSize(name, in: &data)
    }

    /// The same over any bytes, such as a file read on demand (`ChunkedFile`): only the header, the types
    /// up to struct `name` and the names compared are read (vmlinux BTF is 5 MiB; struct page is within
    /// its first pages).
    public static func structSize(_ name: String, in data: inout some BTFBytes) throws -> UInt64 {
        guard data.count >= 24 else { throw Failure.truncated("header") }
        let swapped: Bool
        let m0 = try data.byte(0), m1 = try data.byte(1)
        if m0 == 0x9f && m1 == 0xeb { swapped = false }
        else if m0 == 0xeb && m1 == 0x9f { swapped = true }
        else { throw Failure.badMagic }
        func u32(_ o: Int) throws -> UInt32 {
            guard o >= 0, o + 4 <= data.count else { throw Failure.truncated("a field at offset \(o)") }
            let v = UInt32(try data.byte(o)) | UInt32(try data.byte(o + 1)) << 8 | UInt32(try data.byte(o + 2)) << 16 | UInt32(try data.byte(o + 3)) << 24
            return swapped ? v.byteSwapped : v
        }
        let hdrLen = Int(try u32(4))
        let typeOff = Int(try u32(8)), typeLen = Int(try u32(12))
        let strOff = Int(try u32(16)), strLen = Int(try u32(20))
        let typesStart = hdrLen + typeOff, typesEnd = typesStart + typeLen
        let strStart = hdrLen + strOff, strEnd = strStart + strLen
        guard typesEnd <= data.count, typesStart <= typesEnd else { throw Failure.truncated("type section") }
        guard strEnd <= data.count, strStart <= strEnd else { throw Failure.truncated("string section") }
        let want = Array(name.utf8)
        func nameIs(_ off: UInt32) throws -> Bool {
            let s = strStart + Int(off)
            guard s + want.count < strEnd else { return false }
            for (i, b) in want.enumerated() where (try data.byte(s + i)) != b { return false }
            return try data.byte(s + want.count) == 0
        }
        var o = typesStart
        while o < typesEnd {
            guard o + 12 <= typesEnd else { throw Failure.truncated("type at offset \(o)") }
            let nameOff = try u32(o), info = try u32(o + 4), sizeOrType = try u32(o + 8)
            let kind = (info >> 24) & 0x1f, vlen = Int(info & 0xffff)
            if try kind == 4 && nameOff != 0 && nameIs(nameOff) {
                // A corrupt or hostile BTF must not hand a 0 or huge size to the arithmetic.
                guard sizeOrType > 0, sizeOrType <= 4096 else { throw Failure.implausible(name, UInt64(sizeOrType)) }
                return UInt64(sizeOrType)
            }
            let extra: Int
            switch kind {
            case 1, 14, 17: extra = 4                  // INT, VAR, DECL_TAG
            case 2, 7, 8, 9, 10, 11, 12, 16, 18: extra = 0 // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
            case 3: extra = 12                          // ARRAY
            case 4, 5, 15, 19: extra = vlen * 12       // STRUCT, UNION, DATASEC, ENUM64
            case 6, 13: extra = vlen * 8               // ENUM, FUNC_PROTO
            default: throw Failure.unknownKind(kind)
            }
            o += 12 + extra
        }
        guard o == typesEnd else { throw Failure.truncated("last type") }
        throw Failure.notFound(name)
    }
}

/// Bytes BTF is read from: offsets 0 ..< count, each read at most once from its source.
public protocol BTFBytes {
    var count: Int { get }
    mutating func byte(_ offset: Int) throws -> UInt8
}

extension Array: BTFBytes where Element == UInt8 {
    public func byte(_ offset: Int) -> UInt8 { self[offset] }
}
