"""File names as they reach recordkit from Windows machines and scanners.

On Linux a name written in GBK arrives as bytes that are not UTF-8; Python keeps
them as lone surrogates (PEP 383), mixed with whatever byte pairs happen to be
valid UTF-8.  This module turns such names back into readable Chinese for
screens, messages and logs; it never renames a file.
"""

from __future__ import annotations


def _has_escaped_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def readable_name(name: str) -> str:
    """A file name or path for people: each part that is not UTF-8 is read as GBK (GB18030).

    A part that is neither shows � for the bytes that cannot be read.
    """
    if not _has_escaped_bytes(name):
        return name
    parts = []
    for part in name.split("/"):
        raw = part.encode("utf-8", "surrogateescape")
        try:
            parts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                parts.append(raw.decode("gb18030"))
            except UnicodeDecodeError:
                parts.append(raw.decode("utf-8", "replace"))
    return "/".join(parts)


def printable(text: str) -> str:
    """``text`` safe to print and log: any bytes that are not UTF-8 become �."""
    if not _has_escaped_bytes(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
