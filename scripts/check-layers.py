#!/usr/bin/env python3
"""Checks that dependencies inside Sources/OctoFCGI point one way.

Sources/OctoFCGI/README.md names the folders from the bottom layer up. A file may
use the types of its own folder and of the folders below it, never of a folder
above. Swift has no per-folder imports, so this reads the sources: it collects
the types (struct, class, enum, protocol, actor, typealias) each folder declares
and reports every use of a higher folder's type in a lower folder's code
(comments and string literals aside). Exit status 1 lists the violations.

Usage: python3 scripts/check-layers.py [SOURCES_DIR]
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent / "Sources/OctoFCGI")


def layers() -> dict[str, int]:
    """Each folder's layer from the README's numbered list: `N. `A/`, `B/` — ...`
    puts A and B, siblings, on layer N."""
    text = (ROOT / "README.md").read_text()
    rank = {}
    for number, heads in re.findall(r"^(\d+)\.\s+((?:`[A-Za-z]+/`(?:,\s*)?)+)", text, re.M):
        for folder in re.findall(r"`([A-Za-z]+)/`", heads):
            rank[folder] = int(number)
    if not rank:
        sys.exit("check-layers: no numbered `Folder/` list in Sources/OctoFCGI/README.md")
    return rank


NESTED = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private|final|indirect|nonisolated)\s+)*(?:struct|class|enum|protocol|actor|typealias)\s+([A-Z]\w*)", re.M)
DECL = re.compile(r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private|final|indirect|nonisolated)\s+)*(?:struct|class|enum|protocol|actor|typealias)\s+([A-Z]\w*)", re.M)


def strip(code: str) -> str:
    """Removes comments and string literals, so only code names count."""
    code = re.sub(r'#"""[\s\S]*?"""#|"""[\s\S]*?"""', '""', code)
    code = re.sub(r'#"(?:[^"\\]|\\.)*"#', '""', code)
    code = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', code)
    code = re.sub(r"/\*[\s\S]*?\*/", " ", code)
    return re.sub(r"//[^\n]*", " ", code)


def main() -> int:
    rank = layers()
    files = sorted(ROOT.rglob("*.swift"))
    owner: dict[str, str] = {}
    unknown = set()
    for f in files:
        folder = f.relative_to(ROOT).parts[0]
        if folder not in rank:
            unknown.add(folder)
            continue
        for name in DECL.findall(strip(f.read_text())):
            owner.setdefault(name, folder)
    if unknown:
        print("check-layers: folders missing from the README's layer list: " + ", ".join(sorted(unknown)))
        return 1
    violations = []
    for f in files:
        folder = f.relative_to(ROOT).parts[0]
        code = strip(f.read_text())
        # A name this file declares itself (a nested `Endpoint`, say) is its own.
        local = set(NESTED.findall(code))
        for name in sorted(set(re.findall(r"\b[A-Z]\w*\b", code)) - local):
            home = owner.get(name)
            if home and home != folder and rank[home] >= rank[folder]:
                relation = "a sibling of" if rank[home] == rank[folder] else "above"
                violations.append(f"{f.relative_to(ROOT)}: uses {name} from {home}/ ({relation} {folder}/)")
    for v in violations:
        print(v)
    print(f"check-layers: {len(files)} files, {len(owner)} types, {len(set(rank.values()))} layers, {len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
