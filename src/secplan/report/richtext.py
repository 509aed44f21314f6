"""Untrusted text made readable in HTML: escaped first, then advisory ids, control ids and a small
Markdown subset turned into markup. Only patterns matched on the *escaped* text become tags, so no
markup, script or URL scheme from a finding's message can reach the page.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: Advisory ids and where their record is read (osv.dev knows every ecosystem's ids).
ADVISORY_LINKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b"), "https://github.com/advisories/{}"),
    (re.compile(r"\b(CVE-\d{4}-\d{4,})\b"), "https://www.cve.org/CVERecord?id={}"),
    (re.compile(r"\b((?:PYSEC|OSV|RUSTSEC|GO)-\d{4}-\d+)\b"), "https://osv.dev/vulnerability/{}"),
)
CONTROL_ID = re.compile(r"\b((?:DS|MS|PS|CS|HS)-[1-9])\b")
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https://[^\s()<>\"']+)\)")


def linked_ids(text: str) -> Markup:
    """``text`` escaped, with advisory ids and control ids as links: for finding messages, which
    quote file content, so that no Markdown in a file can restyle the report."""
    part = str(escape(text))
    for pattern, url in ADVISORY_LINKS:
        part = pattern.sub(lambda m, url=url: f'<a href="{url.format(m[1])}" rel="noopener noreferrer">{m[1]}</a>',
                           part)
    return Markup(CONTROL_ID.sub(r'<a href="#control-\1">\1</a>', part))


def rich_text(text: str) -> Markup:
    """``text`` escaped, with `code`, **bold**, [links](https://...) and the ids of :func:`linked_ids`:
    for remediation, which secplan's own rules write. Code spans are left as they are inside."""
    parts = _CODE.split(str(escape(text)))
    out = []
    for n, part in enumerate(parts):
        if n % 2:  # inside a code span: no further markup
            out.append(f"<code>{part}</code>")
            continue
        part = _BOLD.sub(r"<strong>\1</strong>", part)
        if _LINK.search(part):  # ids inside a link's text stay plain
            part = _LINK.sub(r'<a href="\2" rel="noopener noreferrer">\1</a>', part)
        else:
            part = str(linked_ids(Markup(part)))
        out.append(part)
    return Markup("".join(out))
