"""File names as they reach recordkit from Windows machines and scanners.

On Linux a name written in GBK arrives as bytes that are not UTF-8; Python keeps
them as lone surrogates (PEP 383), mixed with whatever byte pairs happen to be
valid UTF-8.  This module turns such names back into readable Chinese for
screens, messages and logs; it never renames a file.
"""

from __future__ import annotations

import re
import shlex
import unicodedata

#: Unicode categories never wanted in a name: controls (a newline, ESC) and invisible format characters
#: (a right-to-left override U+202E turns "收据‮fdp.exe" into what looks like "收据exe.pdf").
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


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


#: Control characters a screen or a log must not get: a NUL, ESC (which starts a terminal's escape sequence), a
#: carriage return (which writes over the line) …: all of C0 and C1 but tab and line feed.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: Half of a UTF-16 pair on its own (a JSON ``"\ud83d"``: an emoji cut in two by a tool counting UTF-16 units):
#: no UTF-8 file, terminal or database can hold it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe to print, log and keep: any bytes that are not UTF-8 and any half of a UTF-16 pair become �,
    control characters other than tab and line feed are dropped."""
    if _has_escaped_bytes(text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _escapes_only(text) else text
    return _UNPRINTABLE.sub("", _LONE_SURROGATE.sub("\ufffd", text))


def _escapes_only(text: str) -> bool:
    """Whether every surrogate in ``text`` is an undecodable byte (``surrogateescape``), not half of a pair."""
    return all("\udc80" <= ch <= "\udcff" for ch in _LONE_SURROGATE.findall(text))


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def hidden_characters(text: str) -> list[str]:
    """The control and invisible format characters in ``text``, as ``U+202E`` code points, sorted."""
    return sorted({f"U+{ord(ch):04X}" for ch in text if _hidden(ch)})


def without_hidden(text: str) -> str:
    """``text`` with its control and invisible format characters removed."""
    return "".join(ch for ch in text if not _hidden(ch))


def without_trailing_invisible(text: str) -> str:
    """``text`` without the white space (a tab, a full-width blank, a line end) and control or invisible format
    characters at its end: what a name copied from a list or written by a scanner's software may carry."""
    end = len(text)
    while end and (text[end - 1].isspace() or _hidden(text[end - 1])):
        end -= 1
    return text[:end]


def shown_plainly(text: str) -> str:
    """``text`` with each control or invisible format character written out as ``<U+202E>``: what the
    name really holds, shown without turning the line around."""
    return "".join(f"<U+{ord(ch):04X}>" if _hidden(ch) else ch for ch in text)


_SHOWN_CHARACTER = re.compile(r"<U\+([0-9A-F]{4,6})>")


def as_written(shown: str) -> str:
    """``shown_plainly``'s text read back: each ``<U+200B>`` of a control or invisible format character that character
    again (a name the ledger keeps as shown, compared with one as written); any other text unchanged."""

    def character(match: re.Match[str]) -> str:
        code = int(match[1], 16)
        return chr(code) if code <= 0x10FFFF and _hidden(chr(code)) else match[0]

    return _SHOWN_CHARACTER.sub(character, shown)


#: What a shell reads as something other than a letter of a word: a blank, a quote, a variable, a glob, a redirection.
_SHELL_SPECIAL = re.compile(r"""[\s'"\\$`&|;<>()*?\[\]#~!{}]""")


def as_shell_word(word: str) -> str:
    """``word`` (a path, a person's name) as a message's suggested command writes it for a shell to take back whole:
    quoted when it holds a blank or a character the shell reads (``'Tran Van Nam'``), else as it is (``赵磊``)."""
    return shlex.quote(word) if _SHELL_SPECIAL.search(word) else word
