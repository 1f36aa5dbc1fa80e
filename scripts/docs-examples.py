#!/usr/bin/env python3
"""The runnable examples of README.md and docs/*.md: list them, check them, or rewrite their output.

An example is a line `$ COMMAND` in a fenced code block, or `    $ COMMAND` in an indented one, and the
lines after it up to the next `$ ` line or the end of the block: what COMMAND prints (stdout and stderr)
when run with bash from the repository root, with `memmap-check` the build's binary. A trailing
`# exit N` on the command line is the exit code expected (0 when absent). In the shown output

  - a line `...` stands for any number of lines (none included),
  - `...` or `…` inside a line for any text on that line,
  - durations (`0.82 s`, `12 ms`) are compared as `N s`.

An example that cannot run from a checkout (it reads the live machine) is preceded, on the line before its
block, by `<!-- docs-example: not run: REASON -->`; it is listed and skipped.

Usage (scripts/check-docs.sh and scripts/make-docs.sh run it):
  docs-examples.py list   FILE.md...
  docs-examples.py check  FILE.md...      exit 1 when an example prints or exits other than shown
  docs-examples.py update FILE.md...      rewrite each example's shown output (and `# exit N`) from a run,
                                          keeping its `...` elisions where the lines around them still match
MEMMAP_CHECK=PATH names the binary (default: memmap-check on PATH); each example runs with its directory
first on PATH. EXAMPLE_TIMEOUT (seconds, default 300) bounds one example.
"""
import os
import re
import subprocess
import sys

SKIP = re.compile(r"<!--\s*docs-example:\s*not run:?\s*(.*?)\s*-->")
EXIT = re.compile(r"#\s*exit\s+(\d+)")
DURATION = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|µs|us|s)\b")


class Example:
    def __init__(self, path, line, indent, command, shown, skip):
        self.path, self.line, self.indent = path, line, indent  # line: 0-based index of the `$ ` line
        self.command, self.shown, self.skip = command, shown, skip

    @property
    def expected_exit(self):
        m = EXIT.search(self.command)
        return int(m.group(1)) if m else 0

    def where(self):
        return f"{self.path}:{self.line + 1}"


def examples(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fenced = line.strip().startswith("```")
        indented = line.startswith("    $ ") and (i == 0 or not lines[i - 1].startswith("    "))
        if not (fenced or indented):
            i += 1
            continue
        skip = None
        for back in (i - 1, i - 2):
            if back >= 0:
                m = SKIP.search(lines[back])
                if m:
                    skip = m.group(1) or "marked"
        if fenced:
            start = i + 1
            end = start
            while end < len(lines) and not lines[end].strip().startswith("```"):
                end += 1
            block, indent, after = lines[start:end], "", end + 1
        else:
            start = i
            end = start
            while end < len(lines) and (lines[end].startswith("    ") or
                                        (lines[end] == "" and end + 1 < len(lines) and lines[end + 1].startswith("    "))):
                end += 1
            block, indent, after = [l[4:] for l in lines[start:end]], "    ", end
        cmd_at = [k for k, l in enumerate(block) if l.startswith("$ ")]
        for n, k in enumerate(cmd_at):
            stop = cmd_at[n + 1] if n + 1 < len(cmd_at) else len(block)
            shown = block[k + 1:stop]
            while shown and shown[-1] == "":
                shown.pop()
            found.append(Example(path, start + k, indent, block[k][2:], shown, skip))
        i = after
    return found


def normal(s):
    return DURATION.sub("N s", s.rstrip())


def line_matches(pattern, actual):
    pattern, actual = normal(pattern), normal(actual)
    if "..." not in pattern and "…" not in pattern:
        return pattern == actual
    parts = re.split(r"\.\.\.|…", pattern)
    rx = ".*?".join(re.escape(p) for p in parts)
    return re.fullmatch(rx, actual, re.S) is not None


def matches(shown, actual):
    """Whether the shown lines (with `...` lines) match the actual lines."""
    memo = {}

    def go(i, j):
        if (i, j) in memo:
            return memo[i, j]
        if i == len(shown):
            r = j == len(actual)
        elif shown[i].strip() == "...":
            r = any(go(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            r = j < len(actual) and line_matches(shown[i], actual[j]) and go(i + 1, j + 1)
        memo[i, j] = r
        return r

    sys.setrecursionlimit(100000)
    return go(0, 0)


def run(ex):
    env = dict(os.environ)
    binary = os.environ.get("MEMMAP_CHECK")
    if binary:
        env["PATH"] = os.path.dirname(os.path.abspath(binary)) + os.pathsep + env.get("PATH", "")
    env.pop("COLUMNS", None)
    try:
        p = subprocess.run(["bash", "-c", ex.command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, env=env, timeout=int(os.environ.get("EXAMPLE_TIMEOUT", "300")))
    except subprocess.TimeoutExpired:
        return None, ["(timed out)"]
    # The checkout's own absolute path is shown as `/…` (an elision): docs carry no machine paths.
    out = p.stdout.decode("utf-8", "replace").replace(os.getcwd(), "/…").split("\n")
    while out and out[-1] == "":
        out.pop()
    return p.returncode, out


def regenerate(shown, actual):
    """The shown lines rewritten from actual. Each shown line is looked up in the actual output after
    the previous one: a line that still matches stays as written (with its inline elisions); one that
    changed is replaced by the most similar actual line (difflib ratio >= 0.6) and one with no similar
    line is dropped. Lines skipped between two kept lines become a `...` line if there was none. Without
    a final `...` the rest of the actual output is appended."""
    import difflib

    def similar(s, a):
        s, a = normal(s), normal(a)
        if len(s) >= 6 and (a.startswith(s) or s.startswith(a)):
            return True
        m = difflib.SequenceMatcher(None, s, a, autojunk=False)
        return m.real_quick_ratio() >= 0.6 and m.quick_ratio() >= 0.6 and m.ratio() >= 0.6

    out, pos, gap = [], 0, False
    for s in shown:
        if s.strip() == "...":
            if not gap:
                out.append(s)
            gap = True
            continue
        j = next((k for k in range(pos, len(actual)) if line_matches(s, actual[k])), None)
        keep = j is not None
        if j is None:
            j = next((k for k in range(pos, len(actual)) if similar(s, actual[k])), None)
        if j is None:
            continue  # gone from the output
        if j > pos and not gap:
            out.append("...")
        out.append(s if keep else actual[j])
        pos, gap = j + 1, False
    if not gap:
        out.extend(actual[pos:])
    return out


def with_exit(command, code):
    if EXIT.search(command):
        return EXIT.sub(f"# exit {code}", command, count=1) if code else re.sub(r"\s*#\s*exit\s+\d+\s*$", "", command)
    return command if code == 0 else f"{command}   # exit {code}"


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("list", "check", "update"):
        sys.exit(__doc__.split("\n\n")[-1] if False else "usage: docs-examples.py list|check|update FILE.md...")
    mode, files = sys.argv[1], sys.argv[2:]
    failed = ran = skipped = 0
    for path in files:
        exs = examples(path)
        if mode == "list":
            for ex in exs:
                print(f"{ex.where()}: {'(not run: ' + ex.skip + ') ' if ex.skip else ''}{ex.command}")
            continue
        text = open(path, encoding="utf-8").read().split("\n")
        edits = []
        for ex in exs:
            if ex.skip:
                skipped += 1
                print(f"docs: skip {ex.where()}: {ex.command} (not run: {ex.skip})", file=sys.stderr)
                continue
            ran += 1
            code, actual = run(ex)
            ok = code == ex.expected_exit and matches(ex.shown, actual)
            if mode == "check":
                if ok:
                    print(f"docs: ok   {ex.where()}: {ex.command}", file=sys.stderr)
                else:
                    failed += 1
                    print(f"docs: FAIL {ex.where()}: {ex.command}", file=sys.stderr)
                    if code != ex.expected_exit:
                        print(f"  exit {code}, the docs say {ex.expected_exit}", file=sys.stderr)
                    if not matches(ex.shown, actual):
                        print("  shown:", file=sys.stderr)
                        for l in ex.shown:
                            print("    | " + l, file=sys.stderr)
                        print("  printed:", file=sys.stderr)
                        for l in actual[:60]:
                            print("    | " + l, file=sys.stderr)
                        if len(actual) > 60:
                            print(f"    | ({len(actual) - 60} more lines)", file=sys.stderr)
            elif not ok:
                new = regenerate(ex.shown, actual)
                edits.append((ex, with_exit(ex.command, code), new))
        if mode == "update" and edits:
            for ex, command, new in reversed(edits):
                first = ex.line + 1
                text[ex.line] = ex.indent + "$ " + command
                text[first:first + len(ex.shown)] = [(ex.indent + l).rstrip() if l else "" for l in new]
            open(path, "w", encoding="utf-8").write("\n".join(text))
            for ex, _, _ in edits:
                print(f"docs: updated {ex.where()}: {ex.command}", file=sys.stderr)
    if mode == "check":
        print(f"docs: {ran - failed} of {ran} examples print and exit as shown"
              f"{f', {failed} differ' if failed else ''}; {skipped} not run (marked)", file=sys.stderr)
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
