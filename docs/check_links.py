#!/usr/bin/env python3
"""List broken relative links (missing file or #anchor) in README.md and docs/**/*.md; exit 1 if any.

Standard library only. Run from anywhere: ${PYTHON:-python3} docs/check_links.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FENCE = re.compile(r'^(```|~~~).*?^\1[^\n]*$', re.S | re.M)
CODE_SPAN = re.compile(r'(`+)(?:(?!\1).)+?\1', re.S)
LINK = re.compile(r'\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)')


def anchors(path):
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats."""
    seen, out = {}, set()
    for line in FENCE.sub('', path.read_text(encoding='utf-8')).splitlines():
        m = re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if m:
            title = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', m.group(1)).replace('`', '')
            slug = re.sub(r'[^\w\- ]', '', title.lower()).replace(' ', '-')
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f'{slug}-{n}')
    return out


def main():
    files = [ROOT / 'README.md'] + sorted((ROOT / 'docs').rglob('*.md'))
    broken = []
    for md in files:
        text = CODE_SPAN.sub('``', FENCE.sub('', md.read_text(encoding='utf-8')))
        for m in LINK.finditer(text):
            target = m.group(1)
            if re.match(r'[A-Za-z][A-Za-z0-9+.-]*:', target):   # http:, https:, mailto:
                continue
            path, _, frag = target.partition('#')
            dest = (md.parent / path).resolve() if path else md
            if not dest.exists():
                broken.append(f'{md.relative_to(ROOT)}: {target} (no such file)')
            elif frag and dest.suffix == '.md' and frag not in anchors(dest):
                broken.append(f'{md.relative_to(ROOT)}: {target} (no such anchor)')
    for b in broken:
        print(b)
    print(f'{len(files)} files checked, {len(broken)} broken link(s)')
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main())
