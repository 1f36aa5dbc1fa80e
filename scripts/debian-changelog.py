#!/usr/bin/env python3
"""Writes the Debian changelog of the .deb (a native package) from CHANGELOG.md: one entry, for VERSION
(the version the package is built at), from CHANGELOG.md's `## VERSION` section, each bullet an item
wrapped at 78 columns, dated by the commit built (git log -1), so the same commit gives the same
changelog. Earlier versions are not repeated: the history before the first packaged version has no
packaging dates to give them.

Usage: scripts/debian-changelog.py CHANGELOG.md VERSION "Name <address>"   (scripts/package.sh runs it)
"""
import email.utils
import os
import re
import subprocess
import sys
import textwrap


def commit_date():
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True, text=True,
                             check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
    return int(out[0]) if out else int(os.environ.get("SOURCE_DATE_EPOCH", "0"))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: debian-changelog.py CHANGELOG.md VERSION 'Name <address>'")
    path, want, maintainer = sys.argv[1], sys.argv[2], sys.argv[3]
    sections = []  # (version, [bullet text])
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"## (\d+\.\d+\.\d+)\s*$", line)
        if m:
            sections.append((m.group(1), []))
        elif sections and line.startswith("- "):
            sections[-1][1].append(line[2:].strip())
        elif sections and sections[-1][1] and line.startswith("  ") and line.strip():
            sections[-1][1][-1] += " " + line.strip()
    sections = [x for x in sections if x[0] == want]
    if not sections:
        sys.exit(f"debian-changelog.py: no '## {want}' section in {path}")
    version, bullets = sections[0]
    out = [f"memmap-check ({version}) unstable; urgency=medium\n"]
    for b in bullets or ["Release " + version + "."]:
        out.append(textwrap.fill(b, width=78, initial_indent="  * ", subsequent_indent="    ",
                                 break_on_hyphens=False, break_long_words=False))
    date = email.utils.formatdate(commit_date()).replace("-0000", "+0000")
    out.append(f"\n -- {maintainer}  {date}\n")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
