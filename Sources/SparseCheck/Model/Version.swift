/// The tool's version: the one source of truth for `--version`, `tool_version` in JSON documents,
/// the man page and the .deb (scripts/package.sh reads it from here). CHANGELOG.md records each one.
public enum ToolVersion {
    public static let current = "0.2.0"
}
