"""The filing rules: what a scan is (category, unit, title, date …) from its flags, sidecar, folder and name.

Pure functions on plain values: no disk (sidecar *text* is handed in), no ledger, no clock.
The order of the sources is fixed: command flags, then the sidecar next to the scan, then the
inbox folder path, then the file name; the first source that tells a field wins.
What the categories are called and which words tell them comes from ``[archive]`` in recordkit.toml.
"""

from __future__ import annotations

import codecs
import datetime as dt
import fnmatch
import functools
import json
import os
import re
import string
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from recordkit.core.dates import (
    BUSINESS_YEARS,
    DateError,
    find_date,
    office_time,
    office_zone,
    parse_date,
    parse_month,
    parse_when,
)
from recordkit.core.errors import ConfigError, UsageError, ValidationError
from recordkit.core.filenames import (
    hidden_characters,
    printable,
    shown_plainly,
    without_hidden,
    without_trailing_invisible,
)
from recordkit.core.personal import says_something
from recordkit.core.unitcodes import (
    PHASES_ADVICE,
    PHASES_ADVICE_ON_PAGE,
    UnitCode,
    find_unit_code,
    fold_spelling,
    parse_unit_code,
)

if TYPE_CHECKING:
    from recordkit.core.config import ArchiveCategorySettings, ArchiveSettings

#: What the archive accepts, by lower-case extension.
ACCEPTED_EXTENSIONS = {
    ".pdf": "pdf",
    ".jpg": "image",
    ".jpeg": "image",
    ".jfif": "image",  # a JPEG as Windows' browsers save a photo
    ".jpe": "image",
    ".png": "image",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".docx": "docx",
    ".xlsx": "xlsx",
}
#: What an accepted file is named in the archive when not by its own extension: a JPEG saved as .jfif or .jpe is
#: kept as .jpg, which every viewer opens.
ARCHIVED_AS = {".jfif": ".jpg", ".jpe": ".jpg"}
#: Files next to a scan that describe it (never filed themselves).
SIDECAR_EXTENSIONS = (".json", ".txt")
#: A scanner's sidecar is a few lines; a bigger one is not read (the scan is filed, flagged for review).
MAX_SCANNER_SIDECAR_BYTES = 64 * 1024

#: The longest title kept (a clerk's correction longer than this is refused: ``title_too_long``).
MAX_TITLE_CHARS = 60
# Bytes, not characters: Linux allows 255 bytes per name; 档号, "_", the extension and a margin fit beside it.
_MAX_TITLE_BYTES = 180


# -- categories -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """A category as filed: its name, number prefix, default retention."""

    name: str
    prefix: str
    retention: str
    known: bool = True


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


@dataclass(frozen=True)
class FilingRules:
    """The ``[archive]`` settings made ready for lookups."""

    categories: tuple[ArchiveCategorySettings, ...]
    unknown: Category
    unit_category: str
    number_pattern: str
    #: The estate's phases (every spelling → its name, ``OfficeSettings.phase_table``): a unit code in a
    #: file name, folder or sidecar is read with them, as a unit a clerk types is (empty: no phases).
    phases: Mapping[str, str] = field(default_factory=dict)
    #: The office's time zone (``[office] time_zone``; its default here): the day a phone's moment in a file name
    #: (WeChat's ``mmexport1700000000000``, milliseconds since 1970) falls on.
    time_zone: str = "Asia/Shanghai"
    #: The phases whose flats the ledger holds without 单元 (the demo's 二期·1-101): there a bare ``1-101`` written
    #: with the phase's word or below its folder is that phase's flat (``_bare_flat``); filled by the archivist.
    flat_phases: frozenset[str] = frozenset()

    @classmethod
    def from_settings(
        cls, settings: ArchiveSettings, phases: Mapping[str, str] | None = None, time_zone: str | None = None
    ) -> FilingRules:
        check_number_pattern(settings.number_pattern)
        for category in settings.categories:
            if not category.name or not category.prefix:
                raise ConfigError(
                    '配置文件中 [[archive.categories]] 的每一项都要写 name 和 prefix，例如 name = "业主档案"、prefix = "YZ"'
                )
            if safe_title(category.name) != category.name or safe_title(category.prefix) != category.prefix:
                raise ConfigError(f"档案类别“{category.name}”或其前缀“{category.prefix}”含有不能用于文件夹名的字符")
            parse_retention(category.retention, where=f"archive.categories 中 {category.name} 的 retention")
        unknown = Category(settings.unknown_category, settings.unknown_prefix, settings.unknown_retention, known=False)
        made = cls(settings.categories, unknown, settings.unit_category, settings.number_pattern, dict(phases or {}))
        return made if time_zone is None else replace(made, time_zone=time_zone)

    def category(self, name: str) -> Category | None:
        """The category a name or alias stands for (``业主``, ``业主档案`` …), or None."""
        folded = _fold(name)
        for entry in self.categories:
            if folded in (_fold(entry.name), _fold(entry.prefix), *(_fold(alias) for alias in entry.aliases)):
                return Category(entry.name, entry.prefix, entry.retention)
        if folded == _fold(self.unknown.name):
            return self.unknown
        return None

    def no_such_category(self, name: str) -> UsageError:
        """The refusal of a category filter that names none of this office's (a typo: 工程档按), with their names:
        an empty list or 「没有找到」 would say the archive holds nothing of it."""
        names = [entry.name for entry in self.categories] + [self.unknown.name]
        return UsageError(
            f"没有“{printable(name.strip())}”这个档案类别（本处的类别：{'、'.join(names)}）：写全称、简称或前缀都可以，"
            f"例如 {names[0]}"
        )

    def category_from_words(self, text: str) -> Category | None:
        """The first category (in configured order) whose name is in ``text`` (a file named for its category:
        ``业主档案.pdf``), else the first one of whose keywords is: a name says more than another's keyword
        (``工程档案 装修验收`` is 工程档案's, though 装修 is a keyword of 业主档案)."""
        folded = _fold(text)
        named = (entry for entry in self.categories if _fold(entry.name) in folded)
        worded = (entry for entry in self.categories if any(_fold(word) in folded for word in entry.keywords if word))
        entry = next(named, None) or next(worded, None)
        return Category(entry.name, entry.prefix, entry.retention) if entry else None

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.categories]

    def unit_shown(self, unit: str | None, category: str) -> str:
        """An item's unit as ``archive show`` and the item page show it: its code; without one, （未识别） where
        a unit is expected (the category a unit alone tells, 业主档案: listed for review then), else 无 (an
        engineering drawing or a contract of the estate has none to recognise)."""
        if unit:
            return unit
        return "（未识别）" if category == self.unit_category else "无"


# -- numbers --------------------------------------------------------------------------------


def check_number_pattern(pattern: str) -> None:
    """``ConfigError`` unless the pattern can number items: ``{prefix}``, ``{year}``, ``{seq}`` only, ``{seq}`` needed."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        if "seq" not in names or "prefix" not in names or names - {"prefix", "year", "seq"}:
            raise ValueError(names)
        pattern.format(prefix="YZ", year=2026, seq=1)
    except (ValueError, IndexError, KeyError) as err:
        raise ConfigError(
            f"archive.number_pattern“{pattern}”无法生成档号：只能用 {{prefix}}、{{year}}、{{seq}}，"
            '且必须有 {prefix} 和 {seq}，例如 "{prefix}-{year}-{seq:05d}"'
        ) from err


def sequence_year(pattern: str, year: int) -> int:
    """The year the sequence counts in: the filing year when the pattern shows it, else 0 (one sequence)."""
    return year if _shows_year(pattern) else 0


@functools.lru_cache(maxsize=16)
def _shows_year(pattern: str) -> bool:
    return "year" in {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


def format_archive_no(pattern: str, prefix: str, year: int, seq: int) -> str:
    """``{prefix}-{year}-{seq:05d}`` → ``YZ-2026-00001``."""
    return pattern.format(prefix=prefix, year=year, seq=seq)


_NUMBER_PARTS = {"prefix": r"[^\s/\\]{1,16}?", "year": r"[0-9]{1,4}", "seq": r"[0-9]{1,18}"}


def parse_archive_no(pattern: str, number: str) -> tuple[str, int, int] | None:
    """``YZ-2026-00001`` → ``("YZ", 2026, 1)``: the prefix, the year its sequence counts in (0 when the
    pattern shows none, as ``sequence_year``) and the sequence number; None unless ``pattern`` makes
    exactly ``number`` from them (a number written by another pattern, or not a number at all)."""
    parts, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if name in _NUMBER_PARTS:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{_NUMBER_PARTS[name]})")
            seen.add(name)
    found = re.fullmatch("".join(parts), number)
    if found is None or "prefix" not in seen or "seq" not in seen:
        return None
    prefix, seq = found["prefix"], int(found["seq"])
    year = int(found["year"]) if "year" in seen else 0
    if format_archive_no(pattern, prefix, year, seq) != number:
        return None
    return prefix, sequence_year(pattern, year), seq


# -- values ---------------------------------------------------------------------------------

_RETENTION_WORDS = ("永久", "长期", "短期")
_YEARS = re.compile(r"([1-9][0-9]?)\s*年")


def parse_retention(text: str, where: str = "保管期限") -> str:
    """保管期限 as stored: 永久, 长期, 短期 or ``N年`` (1–99); ``ValidationError`` otherwise."""
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    if folded in _RETENTION_WORDS:
        return folded
    if folded.isdigit() and 0 < int(folded) < 100:
        return f"{int(folded)}年"
    if (match := _YEARS.fullmatch(folded)) is not None:
        return f"{int(match[1])}年"
    raise ValidationError(f"{where}“{text}”无效，应为 永久、长期、短期 或年数（例如 30年）")


_TRUE_WORDS = {"1", "true", "yes", "y", "是", "保密", "机密", "秘密", "绝密", "内部"}
_FALSE_WORDS = {"0", "false", "no", "n", "否", "不保密", "公开", ""}


def parse_flag(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    folded = _fold(str(value))
    if folded in _TRUE_WORDS:
        return True
    if folded in _FALSE_WORDS:
        return False
    raise ValidationError(f"{what}“{value}”无效，应为 是 或 否")


_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]+")
_PLAIN = re.compile(r"[A-Za-z0-9_-]*")
#: The longest value the ledger keeps for these fields (longer ones are cut, and the item flagged).
FIELD_LIMITS = {"box": 32, "shelf": 32, "topic": 128}


def safe_title(text: str) -> str:
    """A title that is safe as part of a file name: no separators, NUL, control characters,
    ``..`` or leading dots; spaces collapsed; cut to a length every file system takes."""
    if len(text) <= MAX_TITLE_CHARS and _PLAIN.fullmatch(text):  # an archive number: nothing to change
        return text.strip("-_")
    cleaned = _cleaned_title(text)[:MAX_TITLE_CHARS]
    while len(cleaned.encode("utf-8")) > _MAX_TITLE_BYTES:
        cleaned = cleaned[:-1]
    return cleaned.rstrip(" .-_")


def _cleaned_title(text: str) -> str:
    cleaned = unicodedata.normalize("NFC", text)
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    cleaned = _UNSAFE.sub("-", cleaned)
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    return re.sub(r"\s+", " ", cleaned).strip(" .-_")


def title_too_long(text: str) -> str | None:
    """Why a title typed by a clerk cannot be kept whole (longer than ``MAX_TITLE_CHARS`` once its blanks are
    collapsed, or too long for the file name: a rare character or an emoji takes four bytes there, a common one
    three), or None.  A title read from a file name is cut instead (``safe_title``): nobody typed it."""
    cleaned = _cleaned_title(text)
    if len(cleaned) > MAX_TITLE_CHARS:
        return f"题名最多 {MAX_TITLE_CHARS} 个字，现在 {len(cleaned)} 个字"
    size = len(cleaned.encode("utf-8"))
    if size > _MAX_TITLE_BYTES:
        # Said in common characters (three bytes each), the measure a clerk knows from the limit above.
        return (
            "题名太长：生僻字和表情符号在文件名里占的位置多，这个题名放不进文件名"
            f"（最多相当于 {_MAX_TITLE_BYTES // 3} 个常用字，现在相当于 {-(-size // 3)} 个）：请改短一些"
        )
    return None


def windows_name(name: str) -> str:
    """``name`` as Windows reads it, without the blanks and dots some copy tools leave at its end (``合同.pdf ``,
    ``合同.pdf.``), nor the tabs, other white space and control characters scanners' software and names copied from
    a list leave there (``合同.pdf\\t``, ``合同.pdf\\u3000``): a file's kind is judged, and it is filed or quarantined,
    by that name (unchanged when nothing else is left).  The ledger's ``original_name`` keeps the name as written."""
    return _without_trailing_blanks_and_dots(name) or name


def _without_trailing_blanks_and_dots(text: str) -> str:
    """``text`` without the blanks (a full-width one too), dots, control and invisible characters at its end."""
    while (shorter := without_trailing_invisible(text).rstrip(".")) != text:
        text = shorter
    return text


def scan_as_matched(name: str) -> str:
    """A scan's name as its sidecars are matched to it (``sidecar_as_read``): as Windows reads it (``windows_name``),
    in NFC (a Mac share sends it decomposed), without the invisible characters a phone's or scanner's software leaves
    in it (U+200B, U+FEFF), its stem without the blanks and dots at its end — ``扫描001 .pdf``, ``扫描001\\u3000.pdf``
    and ``扫描001\\u200b.pdf`` are ``扫描001.pdf``: a scanner or a clerk writes the one, a copy over the share the
    other."""
    stem, extension = os.path.splitext(without_hidden(unicodedata.normalize("NFC", windows_name(name))))
    return (_without_trailing_blanks_and_dots(stem) or stem) + extension


def sidecar_as_read(name: str) -> str:
    """A sidecar's name (``X.pdf.json``, ``X.txt``) as it is matched to its scan's (``scan_as_matched``): in NFC,
    without the blanks, dots, tabs and invisible characters a scanner's software or a clerk left before its suffix —
    ``扫描001.pdf .json``, ``扫描001.pdf\\t.json`` and ``扫描001.pdf..json`` are ``扫描001.pdf.json`` —, nor at the end of
    the stem of the scan's name it holds (``扫描001 .pdf.json`` is ``扫描001.pdf.json``), nor an invisible character
    anywhere in it.  Any other name unchanged."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in SIDECAR_EXTENSIONS:
        return name
    described = _without_trailing_blanks_and_dots(stem) or stem
    if safe_extension(described):
        described = scan_as_matched(described)
    return without_hidden(unicodedata.normalize("NFC", described)) + dot + suffix


def safe_extension(name: str) -> str:
    """The lower-case extension of an accepted file (``.jpeg`` stays ``.jpeg``), or ``""``."""
    match = re.search(r"(\.[A-Za-z0-9]{1,5})$", name)
    suffix = match[1].lower() if match else ""
    return suffix if suffix in ACCEPTED_EXTENSIONS else ""


def archived_extension(name: str) -> str:
    """The extension an accepted file is archived with (``safe_extension``; ``.jpg`` for a ``.jfif``), or ``""``."""
    extension = safe_extension(name)
    return ARCHIVED_AS.get(extension, extension)


def is_ignored(name: str, patterns: Sequence[str]) -> bool:
    """True for the scanners' and editors' temporary files (``~$*``, ``*.tmp``, ``Thumbs.db`` …)."""
    return any(
        fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(name.lower(), pattern.lower()) for pattern in patterns
    )


#: What other computers write into a folder they showed or copied into — Windows Explorer's thumbnails and folder
#: settings, a Mac's folder settings and the AppleDouble ``._`` companions it leaves on a share: never a document, so
#: deleted with an inbox folder the filing emptied (``is_system_file``).  Not the other ignored names: ``~$*`` or
#: ``.~lock.*#`` mark a document open in Word or LibreOffice now, ``*.part`` a download still running.
SYSTEM_FILES = ("Thumbs.db", "desktop.ini", ".DS_Store", "._*")


def is_system_file(name: str) -> bool:
    """True for a file another computer wrote into a folder it showed (``SYSTEM_FILES``, in any case)."""
    return is_ignored(name, SYSTEM_FILES)


def is_hidden(name: str) -> bool:
    """True for a name beginning with "." (hidden on Linux and a Mac): never filed — a sync tool may still be writing
    it under that name — but, unless ``is_ignored``, said to a clerk, who renames it to have it filed."""
    return name.startswith(".")


def skipped_patterns(patterns: Sequence[str]) -> tuple[str, ...]:
    """The names nobody files and nobody is told of: other computers' system files (``SYSTEM_FILES``) whatever the
    office's ``[archive] ignore_patterns`` says — they are no office's choice —, and ``patterns`` besides (each once,
    in any case)."""
    kept = {pattern.lower(): pattern for pattern in SYSTEM_FILES}
    for pattern in patterns:
        kept.setdefault(pattern.lower(), pattern)
    return tuple(kept.values())


#: ``why_not_filed`` of a name skipped without a word.
NOT_SAID = ""


def why_not_filed(name: str, patterns: Sequence[str]) -> str | None:
    """Whether a file (or a folder) of ``name`` met in the inbox or a folder given to ``recordkit file`` is left
    unfiled, and whether that is said — the one answer of ``file``, ``watch``, ``watch --once`` and ``doctor``:
    ``NOT_SAID`` for a name of ``skipped_patterns(patterns)`` (read as Windows reads it: ``扫描.tmp `` is a ``.tmp``),
    ``HIDDEN_FILE`` for any other hidden name, said to a clerk, None for a name that is filed."""
    if is_ignored(windows_name(name), skipped_patterns(patterns)):
        return NOT_SAID
    return HIDDEN_FILE if is_hidden(name) else None


#: A hidden scan's name, as a sync tool writes one: what ``silencing_hidden`` tries the patterns on.
_HIDDEN_SCAN = ".扫描001.pdf"


def silencing_hidden(patterns: Sequence[str]) -> list[str]:
    """The ignore patterns among ``patterns`` that skip a hidden scan without a word (beginning with "." and matching
    one: ``".*"``, in the default of older versions that an office's recordkit.toml may still spell out), where the
    service would otherwise say it is left alone (``HIDDEN_FILE``)."""
    return [
        pattern
        for pattern in patterns
        if pattern.startswith(".") and why_not_filed(_HIDDEN_SCAN, [pattern]) == NOT_SAID
    ]


#: Why a hidden file (``is_hidden``) or a broken link in the inbox is left there, neither filed nor quarantined.
HIDDEN_FILE = "文件名以“.”开头，是隐藏文件，可能是同步软件还没写完的，不归档：要归档请去掉文件名开头的“.”"
BROKEN_LINK = "链接指向的文件不存在，不归档：请放入文件本身"


# -- the metadata sources --------------------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    """What one source says about a scan; None is "this source does not say"."""

    category: str | None = None
    unit: str | None = None
    title: str | None = None
    doc_date: dt.date | None = None
    topic: str | None = None
    box: str | None = None
    shelf: str | None = None
    confidential: bool | None = None
    retention: str | None = None
    note: str | None = None
    #: A folder's: the phase's folder as written (``二区``) when no unit's folder lies below it (``二期/``), whose
    #: phase a unit the file name writes without one lies in (``二期/1-1-101 产权证.pdf``).  A name's: the phase a
    #: word of it begins with (``二期 产权证明``) where it writes no unit, whose phase a unit its folder gives without one
    #: lies in (``1-1-101/二期 产权证明.jpg``).
    phase: str | None = None
    #: A folder's: why no unit its folders or the file name write without a phase was taken (a folder naming two
    #: phases, ``二期三期交房资料``): a review reason.  A name's: it writes two phases and no unit (``二期三期 产权证明``),
    #: so a unit its folder gives without a phase is neither's.
    doubt: str | None = None

    def over(self, lower: Metadata) -> Metadata:
        """These values, with ``lower``'s where this one says nothing."""
        return replace(
            lower, **{f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        )


_SIDECAR_KEYS = {
    "category": ("category", "类别", "分类", "档案类别", "档案分类", "门类"),
    "unit": ("unit", "房号", "房屋", "户号", "房间"),
    "title": ("title", "题名", "标题", "名称", "文件名称", "文件题名"),
    "doc_date": ("date", "doc_date", "日期", "文件日期", "形成日期"),
    "topic": ("topic", "主题", "专题", "项目"),
    "box": ("box", "盒号", "档案盒", "盒"),
    "shelf": ("shelf", "架位", "架号", "位置"),
    "confidential": ("confidential", "保密", "密级"),
    "retention": ("retention", "保管期限", "期限"),
    "note": ("note", "备注", "说明"),
}
_KEY_OF = {_fold(alias): name for name, aliases in _SIDECAR_KEYS.items() for alias in aliases}


def decode_text(raw: bytes) -> str:
    """Sidecar bytes as text: UTF-16 with its BOM (Notepad's "Unicode", Windows PowerShell's ``Out-File``), UTF-8
    (with or without BOM), else GBK as Windows scanners write it."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", "replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


class WrittenFloat(float):
    """A JSON number with a fraction or an exponent, which remembers how it was written (``1.5e3``, not ``1500.0``):
    a sidecar's field holding one is said as the station wrote it."""

    written: str

    def __new__(cls, text: str) -> WrittenFloat:
        number = super().__new__(cls, text)
        number.written = text
        return number


def parse_sidecar(raw: bytes, suffix: str) -> dict[str, Any]:
    """A sidecar's key/value pairs: JSON (an object) or the scanner's ``键: 值`` / ``键=值`` lines.  A JSON value
    keeps its type (a null is ``""``, as a line with nothing after its key: not said; a fraction a
    ``WrittenFloat``); a line's is text.

    Raises ``ValidationError`` for JSON that is not an object of plain values, and for a sidecar
    too big, too deeply nested or with a number too long to read (it is data, hostile until checked).
    """
    if len(raw) > MAX_SCANNER_SIDECAR_BYTES:
        raise ValidationError(f"说明文件太大（超过 {MAX_SCANNER_SIDECAR_BYTES // 1024} KB），没有读取")
    text = decode_text(raw)
    if suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_float=WrittenFloat)
        except json.JSONDecodeError as err:
            raise ValidationError(f"说明文件不是有效的 JSON（第 {err.lineno} 行）") from None
        except RecursionError:
            raise ValidationError("说明文件的 JSON 嵌套过深，没有读取") from None
        except ValueError:  # an integer of thousands of digits (int_max_str_digits)
            raise ValidationError("说明文件中有过长的数字，没有读取") from None
        if not isinstance(data, dict):
            raise ValidationError('说明文件的 JSON 应为一个对象（{"房号": "3-2-1201", …}）')
        # JSON may spell half of a UTF-16 pair (``"\\ud83d"``: an emoji cut in two by the scanner's software),
        # which no UTF-8 file or database can hold: kept as �, as the pairs are kept in the item's sidecar.
        # Other values keep their JSON type: a field of the wrong type is a reason for review (``sidecar_value``).
        return {
            printable(str(key)): "" if value is None else printable(value) if isinstance(value, str) else value
            for key, value in data.items()
        }
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^\s*([^:：=]+?)\s*[:：=]\s*(.*?)\s*$", line)
        if match and not line.lstrip().startswith("#"):
            pairs[match[1]] = match[2]
    return pairs


#: How a 盒号 and a 架位 are named, typed and written: (label, option, example); a sidecar's keys for them are in ``_SIDECAR_KEYS``.
PLACE_LABELS = {"box": ("盒号", "--box", "B-12"), "shelf": ("架位", "--shelf", "3排2层")}


def place_label(value: str | None) -> str | None:
    """A 盒号 or 架位 as it is stored and looked for: NFKC-folded (``Ａ－１－２``, typed with the input method left in
    full width, is the box ``A-1-2``) and without blanks at its ends; None for none or a blank one."""
    return (unicodedata.normalize("NFKC", value).strip() or None) if value else None


def place_label_too_long(name: str, value: str) -> str | None:
    """Why the ``box`` or ``shelf`` (``name``) a clerk typed is longer than the ledger keeps (``FIELD_LIMITS``), counted
    as it is stored (``place_label``): ``㍿`` is stored as ``株式会社``, four characters, so a label typed within the
    limit may be over it once folded, and the refusal names the stored length and the character that made it longer.
    None when it fits."""
    stored = place_label(value) or ""
    limit = FIELD_LIMITS[name]
    if len(stored) <= limit:
        return None
    label = PLACE_LABELS[name][0]
    said = f"{label}最多 {limit} 个字，现在 {len(stored)} 个字"
    typed = value.strip()
    if len(stored) > len(typed):
        widened = next((char for char in typed if len(unicodedata.normalize("NFKC", char)) > 1), None)
        if widened is not None:
            folded = unicodedata.normalize("NFKC", widened)
            said += f"（输入的是 {len(typed)} 个字，按存放的写法计：“{widened}”存为“{folded}”，{len(folded)} 个字）"
    return said + "：请改短一些"


def check_place_label(name: str, value: str | None) -> None:
    """``ValidationError`` when the ``box`` or ``shelf`` (``name``) a clerk typed has no letter, digit nor Chinese
    character as it is stored ("。", ",,": it would stand as where the paper original is; ``㍿``, stored as 株式会社,
    says something).  None or blank is no label, left alone."""
    if value is None or not value.strip() or says_something(place_label(value) or ""):
        return
    label, option, example = PLACE_LABELS[name]
    said = f"{label}“{value.strip()}”没有字母、数字或汉字："
    raise ValidationError(
        f"{said}请用 {option} 写明{label}，例如 {option} {example}", form_message=f"{said}请写明{label}，例如 {example}"
    )


#: A sidecar's texts checked as the same flags are (`--title`, `--box`, `--shelf`), and its 主题 and 备注 alike, by
#: their labels.
_TYPED_TEXTS = {"title": "题名", "box": "盒号", "shelf": "架位", "topic": "主题", "note": "备注"}


def _check_typed_text(name: str, value: str) -> None:
    """``ValidationError`` for a sidecar's title, 盒号, 架位, 主题 or 备注 the command line would refuse: an invisible
    format character in it (a right-to-left override turns it around on screen, and a title in the file's name too),
    or punctuation alone (``check_place_label`` for a 盒号 or 架位): ",," would stand as the title in every listing
    and in the file's name, and as the item's 主题 or 备注."""
    # A title's blanks, tabs and line breaks are tidied as a file name's are (``safe_title``); a 备注 of several lines
    # keeps them; a place label or a 主题 keeps none.
    seen = safe_title(value) if name == "title" else re.sub(r"[\n\t]", " ", value) if name == "note" else value
    label = _TYPED_TEXTS[name]
    if hidden := hidden_characters(seen):
        codes = "、".join(hidden)
        said = f"{label}“{shown_plainly(value)}”里有控制字符（如换行）或不可见的格式字符（{codes}），没有采用"
        raise ValidationError(f"{said}：请核对原件后改正")
    if name in PLACE_LABELS:  # "。" would stand as where the paper original is, as `--box 。` may not
        check_place_label(name, value)
    elif not says_something(seen):  # as `--title ,,` may not (``archivist``)
        example = _SIDECAR_EXAMPLES[name][1]
        raise ValidationError(f"{label}“{value}”只有标点，没有采用：请写明{label}，例如 {example}")


def metadata_from_sidecar(
    pairs: Mapping[str, Any], phases: Mapping[str, str] | None = None
) -> tuple[Metadata, list[str]]:
    """What a sidecar says, and what in it could not be used (each a Chinese reason for review); its unit
    read with the estate's ``phases``."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, raw in pairs.items():
        name = _KEY_OF.get(_fold(key))
        if name is None:
            continue
        try:
            value = sidecar_value(name, raw, phases)
        except ValidationError as err:
            problems.append(f"说明文件中 {key}：{sidecar_refusal(name, err)}")
            continue
        if value is not None:
            values[name] = value
    return Metadata(**values), problems


def sidecar_value(name: str, raw: Any, phases: Mapping[str, str] | None = None) -> Any:
    """The value a sidecar's field ``name`` (a ``Metadata`` field) is filed with, None when it says nothing:
    checked as filing checks a scanner's sidecar, and as ``archive verify --repair`` checks an archived item's
    sidecar edited by hand (one rule for both).  ``ValidationError`` for a value filing does not take: a unit, date,
    保密 or 保管期限 it cannot read, or a text the command line would refuse (``_check_typed_text``).  A 盒号 or 架位 as
    it is stored (``place_label``): ``Ｂ－７`` is the box B-7."""
    if name == "confidential" and isinstance(raw, bool):
        return raw
    value = printable(_sidecar_text(name, raw)).strip()  # a NUL or control character never reaches the ledger
    if not value:
        return None
    if name == "unit":
        return str(parse_unit_code(value, phases=phases or None))
    if name == "doc_date":
        return _sidecar_day(value)
    if name == "confidential":
        return parse_flag(value, "保密")
    if name == "retention":
        return parse_retention(value)
    if name in _TYPED_TEXTS:
        _check_typed_text(name, value)
    return place_label(value) if name in PLACE_LABELS else value


#: Each field a sidecar sets, by its label, and a value of it as text: what a refusal of another type asks for.
_SIDECAR_EXAMPLES = {
    "category": ("类别", "业主档案"),
    "unit": ("房号", "3-2-1201"),
    "title": ("题名", "3号楼给排水竣工图纸"),
    "doc_date": ("日期", "2026-11-02"),
    "topic": ("主题", "电梯"),
    "box": ("盒号", "B-12"),
    "shelf": ("架位", "3排2层"),
    "confidential": ("保密", "是"),
    "retention": ("保管期限", "30年"),
    "note": ("备注", "业主自带原件核对"),
}
#: What a JSON value that is no text is, as the refusal names it.
_JSON_KINDS = ((bool, "真假值"), (float, "小数"), (list, "列表"), (dict, "对象"))


def _sidecar_text(name: str, raw: Any) -> str:
    """A sidecar's value of field ``name`` as text: a string as it is, a whole number as its digits (a station that
    writes ``"盒号": 12`` means 盒 12).  ``ValidationError`` naming the field and the JSON as written for a true or
    false, a fraction, a list or an object: ``true`` would be filed as 盒号 "true", ``1.5e3`` as "1500.0"."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    kind = next((said for kinds, said in _JSON_KINDS if isinstance(raw, kinds)), "值")
    label, example = _SIDECAR_EXAMPLES[name]
    said = f"{label}写的是 {_json_as_written(raw)}（{kind}），"
    if name == "confidential":
        raise ValidationError(f'{said}没有采用：请写 "保密": "是" 或 "保密": "否"')
    raise ValidationError(f'{said}不是文字，没有采用：请写成带引号的文字，例如 "{label}": "{example}"')


def _json_as_written(value: Any) -> str:
    """A sidecar's JSON value as the station wrote it (a fraction its own way, else as JSON writes it), shown safely
    (``shown_plainly``) and cut to a line."""
    try:
        text = value.written if isinstance(value, WrittenFloat) else json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):  # a list nested as deep as its reading allowed
        text = "[…]" if isinstance(value, list) else "{…}"
    text = printable(shown_plainly(text))
    return text if len(text) <= 60 else text[:60] + "…"


def sidecar_refusal(name: str, err: ValidationError) -> str:
    """Why a sidecar's field ``name`` was not taken (``sidecar_value``'s refusal), as the review listing says it:
    a typed text's in the words of the web page's form, where it is put right (``archive update`` or the page)."""
    return err.form_message if name in _TYPED_TEXTS else err.message


def _sidecar_day(value: str) -> dt.date:
    """The day a sidecar's date names: as a clerk writes it, or with the time of day scanning software writes after
    it (``2019-09-15 10:30:00``, ``2019-09-15T10:30:00``); a month alone is its first day, as in a file name
    (``"日期": "2024年5月"`` on a month's maintenance record: filed in 2024).  ``DateError`` in the words of a day
    otherwise."""
    try:
        return parse_date(value)
    except DateError as err:
        for other in (lambda: parse_when(value).date(), lambda: parse_month(value).first_day()):
            try:
                return other()
            except DateError:
                continue
        raise err from None


def organised_folders(parts: Sequence[str]) -> list[str]:
    """Of the folders between where a file's folders are read from and the file (``parts``, the outermost first),
    those read: all of them, but where one is hidden (a name beginning with "."), the file's own folder alone — a
    hidden folder is a program's (a cache, a sync tool's), and what lies in it no filing of the office's: of
    ``.cache/x/3-2-1201/`` only ``3-2-1201``; a hidden folder itself never."""
    if not any(is_hidden(part) for part in parts):
        return list(parts)
    return [parts[-1]] if not is_hidden(parts[-1]) else []


def metadata_from_folder(parts: Sequence[str], rules: FilingRules) -> Metadata:
    """What the inbox sub-folders say: ``业主档案/3-2-1201/``, ``工程档案/电梯/``; a unit below its phase's folder
    (``业主档案/二期/3-2-1201/``, ``二期交房资料/1-202/``: ``_phase_of_folder``) is that phase's.  Only the
    ``organised_folders`` among them are read."""
    parts = organised_folders(parts)
    category = unit = doubt = None
    topic: list[str] = []
    # the last phase's folder: its place in ``topic`` (None: the folder says more than the phase, and stays a topic
    # when a unit's folder lies below it), the phase as written
    phase: tuple[int | None, str] | None = None
    # the last folder named for a phase that is none of the estate's (三期/, C/): its place in ``parts``
    foreign: int | None = None
    index = 0
    while index < len(parts):
        part = parts[index]
        index += 1
        if category is None and (found := rules.category(part)) is not None:
            category = found.name
            continue
        if unit is None:
            # A folder per level (1栋/1单元/101室/, as a scanner profile makes them) names the unit together.
            levels = _levels(parts[index - 1 :])
            name, taken = ("".join(parts[index - 1 : index - 1 + levels]), levels) if levels else (part, 1)
            code = _unit_of_folder(name, rules.phases)
            own = _phase_of_folder(part, rules.phases)
            if isinstance(own, tuple) and code is not None and not code.phase:
                # the folder's name begins with the phase, a name between it and the unit (二期孙丽 1-1-101): no
                # one is named 二期…, and the phase is the unit's, as in a file name (``metadata_from_name``)
                code = _in_phase(code, own[0], rules.phases)
            elif phase is not None and (code is None or not code.phase):
                # joined as a code writes a phase: a letter's (A/3-2-1201/) run into it would be building A3's; the
                # unit a folder writes after a name (二期/孙丽 1-1-101/) is the phase's too
                joined = _unit_of_folder(f"{phase[1]}·{name}", rules.phases)
                if joined is None or not joined.phase:
                    joined = _in_phase(code, phase[1], rules.phases) if code is not None else joined
                if joined is not None:
                    code = joined
                    if phase[0] is not None:
                        del topic[phase[0]]  # the phase's folder names the unit together with this one
            if elsewhere := _other_phase_before_unit(part, _folder_words(part, rules.phases), rules.phases, "文件夹"):
                code, doubt = None, elsewhere
            elif isinstance(own, _TwoPhases) and code is not None and not code.phase:
                code = None  # whose unit, no one can tell (二期三期 1-1-101/): the folder's doubt, below
            elif foreign is not None and code is not None and not code.phase:
                # such a phase's folder above the unit's is the blank before it (三期/1-1-101/ as 三期 1-1-101/)
                written_in = "/".join(parts[foreign : index - 1 + taken])
                doubt = _other_phase_said("文件夹", written_in, str(code), parts[foreign], rules.phases)
                code = None
            if code is not None and (doubt is None or code.phase):
                unit, doubt = str(code), _nearer_phase_said(doubt) if code.phase else doubt
                index += taken - 1
                continue
            # (where the estate has no phases, a folder 二期/ says nothing of the unit: a clerk's batch, say)
            if own is None and rules.phases and _other_phase(part, rules.phases):
                foreign, phase = index - 1, None  # the nearer folder says which phase
            if isinstance(own, _TwoPhases):
                phase, doubt = None, own.reason
            elif own is not None:
                written, rest = own
                doubt, foreign = _nearer_phase_said(doubt), None
                if category is None and rest and (found := rules.category(rest)) is not None:
                    category, rest = found.name, ""
                phase = (len(topic) if not rest else None, written)
        topic.append(part)
    # the phase a unit the file name writes without one is read in: one of the estate's, or one that is none of its
    # (``_in_folders_phase`` leaves the unit to review)
    below = (
        None if unit is not None else phase[1] if phase is not None else parts[foreign] if foreign is not None else None
    )
    return Metadata(category=category, unit=unit, topic="/".join(topic) or None, phase=below, doubt=doubt)


def _nearer_phase_said(doubt: str | None) -> str | None:
    """A folder's ``doubt`` once a folder below it names one phase (``二期三期交房资料/二期/``): the nearer folder says
    which phase, and the far one's 写了两个分区 is answered; any other doubt stands."""
    return None if doubt is not None and _TWO_PHASES in doubt else doubt


_BUILDING_LEVEL = re.compile(r"[A-Za-z]?[0-9]+[A-Za-z]?\s*(?:栋|幢|座|号楼|#)")
_ENTRANCE_LEVEL = re.compile(r"[0-9]+\s*单元")
_ROOM_LEVEL = re.compile(r"[A-Za-z]?[0-9]+[A-Za-z]?\s*室?")


def _levels(parts: Sequence[str]) -> int:
    """How many of the first ``parts`` are the levels of one unit, a folder each (``1栋``, ``1单元``, ``101室``; or a
    building without 单元: ``5栋``, ``1201室``): 3 or 2, else 0."""
    folded = [unicodedata.normalize("NFKC", part).strip() for part in parts[:3]]
    if not folded or not _BUILDING_LEVEL.fullmatch(folded[0]):
        return 0
    if len(folded) == 3 and _ENTRANCE_LEVEL.fullmatch(folded[1]) and _ROOM_LEVEL.fullmatch(folded[2]):
        return 3
    if len(folded) >= 2 and folded[1].endswith("室") and _ROOM_LEVEL.fullmatch(folded[1]):
        return 2  # (室 written: a year's folder below a building's, 1栋/2024/, is no room)
    return 0


@dataclass(frozen=True)
class _TwoPhases:
    """A folder whose name writes two of the estate's phases (``二期三期交房资料``): whose unit, no one can tell."""

    folder: str
    names: tuple[str, ...]
    #: what writes them: a folder, or a file name (``二期三期 产权证明``)
    source: str = "文件夹"

    @property
    def reason(self) -> str:
        said = f"{self.source}“{self.folder}”{_TWO_PHASES}（{'、'.join(self.names)}）"
        return f"{said}，没有按它判断房号：请核对是哪个分区的房屋"


_TWO_PHASES = "写了两个分区"


def _phase_of_folder(part: str, phases: Mapping[str, str]) -> tuple[str, str] | _TwoPhases | None:
    """The phase a folder is named for, as ``(written, rest)``: a folder named for the phase alone (``二期``, ``b区``),
    as written, the rest empty; a name beginning with a phase's name or alias (``二期交房资料``, ``二期 交房资料``,
    ``香榭丽舍业主档案``), that name or alias (the longest) and the rest past separators (``交房资料``, ``业主档案``).
    ``_TwoPhases`` when the rest writes another phase (``二期三期交房资料``); None when it begins with no phase."""
    if _is_phase(part, phases):
        return part, ""
    folded = fold_spelling(part).strip()
    begun = [spelling for spelling in phases if _written_at(folded, spelling) == 0]
    if not begun:
        return None
    written = max(begun, key=len)
    rest = _NAME_SEPARATORS.sub(" ", folded[len(written) :]).strip()
    found = {spelling: at for spelling in phases if (at := _written_at(rest, spelling)) >= 0}
    named = [phases[spelling] for spelling in sorted(found, key=found.__getitem__)]
    if any(name != phases[written] for name in named):
        return _TwoPhases(part, tuple(dict.fromkeys((phases[written], *named))))
    return written, rest


def _written_at(text: str, spelling: str) -> int:
    """Where ``spelling`` is first written in ``text`` as a word of its own, or -1: a spelling beginning or ending with
    a letter or digit (``A``, ``B区``'s B) not where one stands beside it — ``AB栋资料`` writes neither A nor B, ``A3栋``
    no A —, nor one ending with either before a building's word (``A栋``, ``B座``: the building's letter); while
    ``二期`` is written in ``二期交房资料``."""
    start = text.find(spelling)
    while start >= 0:
        end = start + len(spelling)
        if not (_alnum(spelling[0]) and start > 0 and _alnum(text[start - 1])) and not (
            _alnum(spelling[-1]) and end < len(text) and (_alnum(text[end]) or _BUILDING_WORD.match(text, end))
        ):
            return start
        start = text.find(spelling, start + 1)
    return -1


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _is_phase(word: str, phases: Mapping[str, str]) -> bool:
    """``word`` is the name of one of the estate's phases, as written (``二期``, ``2期``, ``二区``)."""
    return fold_spelling(word).strip() in phases  # as the phases' spellings are kept (B区 for b区)


def _in_phase(code: UnitCode, written: str, phases: Mapping[str, str]) -> UnitCode:
    """``code`` in the phase ``written`` names (one of the estate's, as written: ``2期``, ``b区``)."""
    return replace(code, phase=phases[fold_spelling(written).strip()])


def _phase_joined(tokens: Sequence[str], phases: Mapping[str, str]) -> list[str]:
    """The words of a name (empty ones left out), a phase's name joined to the unit written after it (``二期 1-1-101``,
    ``二期_3栋2单元1201`` → ``二期·1-1-101``; ``第二期 1-1-101``, a phase's usual word, too): apart, the unit would be
    read as another phase's unit of that code.
    Joined with ``·``, as a code writes a phase: a letter's (``A 1-1-202``) run into the code would be building A1's."""
    words = [token for token in tokens if token]
    joined: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if (
            index + 1 < len(words)
            and (_is_phase(word, phases) or (phases and _PHASE_LIKE.fullmatch(fold_spelling(word).strip())))
            and _unit_of_token(f"{word}·{words[index + 1]}", phases) is not None
        ):
            joined.append(f"{word}·{words[index + 1]}")
            index += 2
            continue
        joined.append(word)
        index += 1
    return joined


def _unit_of_folder(part: str, phases: Mapping[str, str]) -> UnitCode | None:
    """The unit a folder is named for: the whole name (``3栋2单元1201``), or its first word that is a unit code,
    as a file name's (``1-1-101 张伟``, ``3-2-1201_李秀英``: an archivist names a folder after the unit and its
    owner); a scanner's time or date is no unit."""
    try:
        return parse_unit_code(part, phases=phases or None)
    except ValidationError:
        pass
    return next(
        (code for word in _folder_words(part, phases) if (code := _unit_of_token(word, phases)) is not None), None
    )


def _folder_words(part: str, phases: Mapping[str, str]) -> list[str]:
    """The words of a folder's name, as a file name's are read (``_phase_joined``); a scanner's time or date none."""
    return _phase_joined(_NAME_SEPARATORS.split(_SCANNER_TIMES.sub(" ", part)), phases)


_FIELD_LABELS = {"box": "盒号", "shelf": "架位", "topic": "主题"}
_NAME_SEPARATORS = re.compile(r"[_\s\u3000]+")
# A year-month in a file name (电梯维保记录_2024年5月, 巡检_2024-05, 水费_202405), when it holds no whole day.
_NAME_MONTHS = (
    re.compile(r"((?:19|20)[0-9]{2})\s*年\s*([0-9]{1,2})\s*月"),
    re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*[-/.]\s*([0-9]{1,2})(?![0-9])(?!\s*[-/.]\s*[0-9])"),
    re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(0[1-9]|1[0-2])(?![0-9])"),
)


def find_month(text: str) -> tuple[dt.date, str] | None:
    """The first real year-month written in ``text`` as its first day, and the text it was written as, or None."""
    folded = unicodedata.normalize("NFKC", text)
    for pattern in _NAME_MONTHS:
        for match in pattern.finditer(folded):
            try:
                return parse_month(f"{match[1]}-{match[2]}").first_day(), match[0]
            except DateError:
                continue
    return None


def metadata_from_name(
    stem: str, rules: FilingRules, in_phase: str | None = None, *, unit_kept: bool = False
) -> Metadata:
    """What a file name says: ``3-2-1201_产权证明_20261102``, ``3栋2单元1201 装修协议``; ``in_phase``, the phase its
    folders name (as written), reads a bare flat's ``1-101`` as in a name writing that phase (``_bare_flat``).
    ``unit_kept``: its title keeps the words of its unit (and phase), for a unit not taken (``resolve``)."""
    # A whole word that is a unit code wins over a code found inside a longer word
    # (收据SJ2026-000001_3-2-1201 is about 3-2-1201, not 1-3-2).  A scanner's time or date is no unit.
    # A 档号 in the name (YZ-2015-1 补充材料: the item it belongs to) is neither a date nor a unit code.
    readable = _without_numbers(stem, rules)
    written = _CAMERA_NAMES.sub(" ", readable)  # what the clerk wrote, beside a camera's own name
    without_clock = _SCANNER_TIMES.sub(" ", written)
    words = _phase_joined(_NAME_SEPARATORS.split(without_clock), rules.phases)
    code = next(
        (parsed for token in words if (parsed := _unit_of_token(token, rules.phases)) is not None), None
    ) or find_unit_code(without_clock)
    tokens = _phase_joined(_NAME_SEPARATORS.split(_CAMERA_NAMES.sub(" ", stem)), rules.phases)
    said = _phase_word(tokens, rules.phases)
    if code is None:
        code = _bare_flat(without_clock, said[1] if isinstance(said, tuple) else in_phase, rules)
    if (elsewhere := _other_phase_before_unit(stem, words, rules.phases)) is not None:
        code = None
    # A year-month is the month's first day (电梯维保记录_2024年5月 is filed in 2024, not in the year it is filed).
    # A day the clerk wrote is the document's, not the day its photo was taken.
    found_date = find_date(written) or find_month(written) or _camera_day(readable, rules.time_zone)
    unit_written = str(code) if code is not None else None
    # A phase written as a word of its own (二期 产权证明 1-1-101), read as a folder's is: the phase of a unit written
    # without one, no word of the title; a unit of another phase, or two phases, are neither's (``_TwoPhases``).
    # With no unit, the phase is the folder's unit's (``_in_names_phase``).
    phase, doubt = None, elsewhere
    if isinstance(said, _TwoPhases):
        doubt, code = _TwoPhases(stem, said.names, "文件名").reason, None
    elif said is not None and code is None:
        phase = said[1]
    elif said is not None and code is not None and not code.phase:
        code = _in_phase(code, said[1], rules.phases)
        tokens[said[0]] = tokens[said[0]] if unit_kept else said[2]
    titled = []
    for token in tokens:
        if not token:  # a phase's word taken for the unit's phase
            continue
        if (
            not unit_kept
            and unit_written is not None
            and code is not None
            and _is_unit_token(token, unit_written, rules.phases)
        ):
            continue
        token_date = (find_date(token) or find_month(token)) if found_date is not None else None
        if token_date is not None and token_date[1] == unicodedata.normalize("NFKC", token):
            continue
        titled.append(token)
    category = rules.category_from_words(stem)
    title = _without_copy_counter(" ".join(titled).strip(" -_"), stem, category) or None
    if title is not None and category is not None and _names_only(title, category):
        title = None  # 3-2-1201_业主档案 says no more than its unit does: titled as the unit alone is (``resolve``)
    if category is None and code is not None:
        category = rules.category(rules.unit_category)
    return Metadata(
        category=category.name if category else None,
        unit=str(code) if code else None,
        title=title,
        doc_date=found_date[0] if found_date else None,
        phase=phase,
        doubt=doubt,
    )


#: How a phase is written (``unitcodes``' generic phases, and a letter alone): ``A``, ``B区``, ``三期``, ``第3期``.
_PHASE_LIKE = re.compile(r"[A-Z](?:区|期)?|第?(?:[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3})[区期]")
#: Such a phase written joined to a code (``三期1-1-101``): a letter's alone is the building's (``A1-1-202``).
_PHASE_JOINED = re.compile(r"(第?(?:[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3}|[A-Z])[区期])·?(.+)")
#: What the reason of a unit not taken for the phase before it says (``_other_phase_before_unit``,
#: ``reasons_about_unit``).
_PHASE_BEFORE = "前写了“"


def _other_phase(word: str, phases: Mapping[str, str]) -> bool:
    """``word`` is written as a phase is (``C``, ``B区``, ``三期``, ``第3期``) and is none of the estate's."""
    return bool(_PHASE_LIKE.fullmatch(fold_spelling(word).strip())) and not _is_phase(word, phases)


def _other_phase_before_unit(
    written_in: str, words: Sequence[str], phases: Mapping[str, str], source: str = "文件名"
) -> str | None:
    """Why the unit a name (``source``: a file name, or a folder's) writes after a phase that is none of the estate's
    (``_phase_joined`` has joined those that are to their unit) is not taken: a blank before it (``C 1-1-202``,
    ``B区_3-1-101``, ``三期 1-1-101``) or, where the estate has phases, joined to it (``三期1-1-101``, a code that names
    no phase of the estate, its ``1-1-101`` found inside it): another phase's flat, or a building's letter, no one can
    tell whose.  None where no such phase stands before a unit."""
    for index, word in enumerate(words):
        folded = fold_spelling(word).strip()
        written = code = None
        if index + 1 < len(words) and _other_phase(word, phases):
            written, code = word, _unit_of_token(words[index + 1], phases)
        elif phases and (joined := _PHASE_JOINED.fullmatch(folded)) and _unit_of_token(word, phases) is None:
            written, code = joined[1], _unit_of_token(joined[2], phases)
        if code is not None and written is not None:
            return _other_phase_said(source, written_in, str(code), written, phases)
    return None


def _other_phase_said(source: str, written_in: str, unit: str, written: str, phases: Mapping[str, str]) -> str:
    """The review reason of ``unit`` not taken for ``written``, a phase that is none of the estate's, before it."""
    where = f"不是本小区的分区（{'、'.join(dict.fromkeys(phases.values()))}）" if phases else "本小区没有设分区"
    said = f"{source}“{written_in}”在房号 {unit} {_PHASE_BEFORE}{written}”，{where}，没有按它判断房号"
    return said + "：请核对是哪个分区、哪栋楼的房屋"


def _phase_word(words: Sequence[str], phases: Mapping[str, str]) -> tuple[int, str, str] | _TwoPhases | None:
    """The first of a name's ``words`` beginning with one of the estate's phases, read as a folder's name is
    (``_phase_of_folder``: ``二期``, ``二期产权证明``), as (its place, the phase as written, the rest of the word); None
    when none does; ``_TwoPhases`` when its words write two phases (``二期三期 产权证明``, ``二期 产权证明 三期``)."""
    found: list[tuple[int, str, str]] = []
    for index, word in enumerate(words):
        said = _phase_of_folder(word, phases)
        if isinstance(said, _TwoPhases):
            return said
        if said is not None:
            found.append((index, *said))
    named = tuple(dict.fromkeys(phases[fold_spelling(written).strip()] for _, written, _ in found))
    if len(named) > 1:
        return _TwoPhases(" ".join(words), named)
    return found[0] if found else None


# What scanner and phone apps write into their file names that reads like a unit code: a time of day in
# two-digit parts (Scan_2026-11-02_15-30-12, "Scan 2026-11-02 10-05-33-001") and a day written month or day
# first with a four-digit year (CamScanner 11-02-2026 15.30).  A unit's 单元 is never written 05 or 30.
_SCANNER_TIMES = re.compile(
    r"(?<![0-9])(?:(?:[01][0-9]|2[0-3])-[0-5][0-9]-[0-5][0-9]|(?:0[1-9]|[12][0-9]|3[01])-(?:0[1-9]|[12][0-9]|3[01])-(?:19|20)[0-9]{2})(?![0-9])"
)

# The names a phone or camera gives its photos and screenshots: the moment it was taken and the app's or mode's tag,
# no word of the document's.  Their day is still its date, unless the clerk wrote the document's beside it.  A camera's
# (IMG_20261120_101500, DSC_…, MVIMG_…, a panorama's PANO_…, with a mode's suffix: _HDR, _BURST001_COVER), OPPO's
# (IMG20261120101500), a Samsung's (20261120_101500, a burst's _001, an older one's _Richtone(HDR)), a Pixel's
# (PXL_20261120_101500123 in UTC, with its mode: .MP, .NIGHT, .RAW-01.MP.COVER), WhatsApp's (IMG-20261120-WA0001), a
# screenshot's (Screenshot_20261120-101500, Huawei's Screenshot_20261120_101500_com.tencent.mm, MIUI's
# Screenshot_2026-11-20-10-15-00-123_com.tencent.mm, OPPO's …-10-15-00-12_965bbf4d18d205f782c6b8409c5773a4, Samsung's
# Screenshot_20261120-101500_WeChat, macOS's Screenshot 2026-11-20 at 9.05.00 AM, 截屏2026-11-20 上午10.15.00, an older
# one's Screen Shot … and 屏幕快照 …, Windows' 屏幕截图 2026-11-20 101500 and 屏幕截图(1)), WeChat's: a phone's
# mmexport1700000000000 (milliseconds since 1970), a PC's 微信图片_20261120101500, 微信截图_… and
# 微信图片_2026-11-20_101500_123, QQ's QQ图片20261120101500 and QQ截图….  A second photo in the same second's _1 or (0), a
# copy's (2), macOS Finder's copy's " 2" at the end, an edited one's ~2 are its camera's; not a unit's building (IMG_20261120_101500_3-2-1201).  A camera's
# counter, with no day: an iPhone's or Canon's IMG_1234 (an edited one's IMG_E1234, Adobe RGB's _MG_1234), Sony's
# DSC01234, Nikon's DSC_1234, _DSC1234 and DSCN0001, Fujifilm's DSCF1234, Panasonic's and Olympus' P1010001 (a folder's
# number or a month and day before the four digits).  A Samsung screenshot's app label is the app's name as the phone
# shows it, in any case or script (_WeChat, _eBay, _bilibili, _微信, _Samsung Internet, its later words capitalised):
# one word after the time, so the clerk's words after a space or another _ (…_微信 缴费记录, …_微信_缴费记录) stay
# the title; a word joined to the time by _ alone (…-101500_缴费记录) cannot be told from a label and is taken for one.
# ``_camera_day`` reads their days.
_CAMERA_NAMES = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:IMG|DSC|MVIMG|PANO)[_-]?(?:19|20)[0-9]{6}[_-]?[0-9]{6,9}(?:_(?:HDR|BURST[0-9]*(?:_COVER)?))*"
    r"(?:_[0-9]{1,2}(?![0-9-]))?"
    r"|(?:19|20)[0-9]{6}_(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9](?:_[0-9]{3}|_Richtone\(HDR\))?"
    r"|PXL_(?P<utc>(?:19|20)[0-9]{6}_[0-9]{6})[0-9]{3}"
    r"(?:\.(?:MP|NIGHT|PORTRAIT|PANO|PHOTOSPHERE|LONG_EXPOSURE|MOTION|ACTION_PAN|RAW|COVER|ORIGINAL)(?:-[0-9]{2})?)*"
    r"|(?:IMG|VID)-(?:19|20)[0-9]{6}-WA[0-9]{4,}"
    r"|(?:Screenshot|Screen\s?Shot|截屏|屏幕截图|屏幕快照)[_\s]*(?:"
    r"(?:19|20)[0-9]{2}-?[01][0-9]-?[0-3][0-9][_\s-]*(?:at\s*)?(?:上午|下午)?[0-2]?[0-9][.-]?[0-5][0-9][.-]?[0-5][0-9]"
    r"(?:\s?[AP]M)?(?:-[0-9]{2,3})?"
    r"(?:_(?:[a-z][a-z0-9]*(?:\.[a-z0-9_]+)+|[0-9a-f]{32}"
    r"|(?-i:[A-Za-z][A-Za-z0-9&+']*(?: [A-Z][A-Za-z0-9&+']*)*)|[\u3400-\u4dbf\u4e00-\u9fff]+))?"
    r"|\([0-9]{1,4}\))"
    r"|mmexport(?P<ms>[0-9]{10,13})"
    r"|微信(?:图片|截图)_(?:(?:19|20)[0-9]{12}|(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]_[0-9]{6}(?:_[0-9]{1,4})?)"
    r"|QQ(?:图片|截图)(?:19|20)[0-9]{12}"
    r"|(?:IMG_E?|_MG_|DSC[NF]|_DSC|DSC_?[0-9]?|P[1-9A-C][0-9]{2})[0-9]{4}"
    r")(?:\s?\([0-9]{1,3}\)|~[0-9]{1,3}| [0-9]{1,3}$)?(?![0-9])",
    re.IGNORECASE,
)
#: A day and a time of day written as one run of digits (微信图片_20261120101500, IMG20261120101500): the day is its
#: first eight, which ``find_date`` does not read inside a longer number.
_DAY_AND_TIME = re.compile(r"(?<![0-9])((?:19|20)[0-9]{6})[0-9]{6}(?![0-9])")


def _camera_day(text: str, time_zone: str) -> tuple[dt.date, str] | None:
    """The day the first camera's or app's name in ``text`` was taken on, and the name: a Pixel's moment in UTC and
    ``mmexport``'s milliseconds since 1970 read on the office's clock, ``微信图片_20261120101500``'s first eight digits
    (``_DAY_AND_TIME``), the others' day as written; None where there is none, or its day is no real one of the books' years."""
    for match in _CAMERA_NAMES.finditer(unicodedata.normalize("NFKC", text)):
        day: dt.date | None = None
        if match["ms"] is not None:
            day = dt.datetime.fromtimestamp(int(match["ms"]) // 1000, office_zone(time_zone)).date()
        elif match["utc"] is not None:
            moment_of = match["utc"]  # 20261120_101500
            try:
                moment = dt.datetime(
                    int(moment_of[:4]), int(moment_of[4:6]), int(moment_of[6:8]),
                    int(moment_of[9:11]), int(moment_of[11:13]), int(moment_of[13:15]),
                )  # fmt: skip
            except ValueError:
                continue
            day = office_time(moment, time_zone).date()
        elif (found := find_date(run[1] if (run := _DAY_AND_TIME.search(match[0])) else match[0])) is not None:
            day = found[0]
        if day is not None and BUSINESS_YEARS[0] <= day.year <= BUSINESS_YEARS[1]:
            return day, match[0]
    return None


# A flat without 单元 is taken from a file name only when a building or a phase is named (5栋1201,
# 二期·1-101): a bare "400-8208" or "123-4567" is more often a phone or serial number than a unit.
_BUILDING_WORD = re.compile(r"[栋幢座#]|号楼")


def _unit_of_token(token: str, phases: Mapping[str, str]) -> UnitCode | None:
    try:
        code = parse_unit_code(token, phases=phases or None)
    except ValidationError:
        return None
    if code.kind == "住宅" and not code.entrance and not code.phase and not _BUILDING_WORD.search(token):
        return None
    return code


#: A flat without 单元 written bare, building and room (1-101, 12-1502): read only as the flat of a phase named beside
#: it whose flats have no 单元 (``FilingRules.flat_phases``).  A month and year (12-2026) is never one.
_BARE_FLAT = re.compile(r"(?<![0-9.,:/-])[1-9][0-9]?-[1-9][0-9]{2,3}(?![0-9.,:/-])")
_MONTH_YEAR = re.compile(r"(?:0?[1-9]|1[0-2])-(?:19|20)[0-9]{2}")


def _bare_flat(text: str, phase_written: str | None, rules: FilingRules) -> UnitCode | None:
    """The first bare flat's code in ``text`` (``1-101``, no phase) where ``phase_written`` names a phase whose flats
    the ledger holds without 单元, else None: alone such a pair is more often a phone's or a serial's."""
    if phase_written is None or rules.phases.get(fold_spelling(phase_written).strip()) not in rules.flat_phases:
        return None
    for match in _BARE_FLAT.finditer(unicodedata.normalize("NFKC", text)):
        if _MONTH_YEAR.fullmatch(match[0]) or find_date(match[0]) or find_month(match[0]):
            continue
        try:
            return parse_unit_code(match[0])
        except ValidationError:
            continue
    return None


def _is_unit_token(token: str, code: str, phases: Mapping[str, str]) -> bool:
    try:
        return str(parse_unit_code(token, phases=phases or None)) == code
    except ValidationError:
        return False


def same_unit(folder_unit: str, name_unit: str, phases: Mapping[str, str]) -> bool:
    """The unit a folder names and the one a file name names are one: the same code, or the name's written without
    the phase the folders above it give (``二期/1-1-101/`` and ``1-1-101 购房合同``)."""
    if folder_unit == name_unit:
        return True
    try:
        in_folder = parse_unit_code(folder_unit, phases=phases or None)
        in_name = parse_unit_code(name_unit, phases=phases or None)
    except ValidationError:
        return False
    return not in_name.phase and replace(in_folder, phase="") == in_name


_CONFLICT = "文件夹写的是 "


def _in_folders_phase(
    written: str, folder: Metadata, unit: str, name: Metadata, phases: Mapping[str, str], reasons: list[str]
) -> tuple[Metadata, Metadata]:
    """A unit the file name writes without its phase, below a phase's folder (``二期/1-1-101 产权证.pdf``): that
    phase's unit, the phase's folder no topic (as with a unit's folder below it); read alone it would be the unit of
    that code in no phase, another owner's.  One that names another phase is neither's: a reason, no unit; so is
    one below a folder of a phase that is none of the estate's (``三期/1-1-101 产权证.pdf``)."""
    try:
        in_name = parse_unit_code(unit, phases=phases or None)
    except ValidationError:
        return folder, name
    if not _is_phase(written, phases):  # a folder of a phase that is none of the estate's (三期/1-1-101 产权证明)
        if in_name.phase:
            return folder, name
        reasons.append(_other_phase_said("文件夹和文件名", f"{written}/{unit}", unit, written, phases))
        return folder, replace(name, unit=None)
    phase = phases[fold_spelling(written).strip()]
    if in_name.phase and in_name.phase != phase:
        reasons.append(f"{_CONFLICT}{written}，文件名写的是 {unit}")
        return folder, replace(name, unit=None)
    topic = (folder.topic or "").split("/")
    if written in topic:
        del topic[len(topic) - 1 - topic[::-1].index(written)]
    return replace(folder, topic="/".join(topic) or None), replace(name, unit=str(replace(in_name, phase=phase)))


def _in_names_phase(
    folder: Metadata, name: Metadata, phases: Mapping[str, str], reasons: list[str]
) -> tuple[Metadata, Metadata]:
    """A unit its folder gives without its phase, the file name writing a phase and no unit
    (``1-1-101/二期 产权证明.jpg``): that phase's unit, the phase's word no word of the title (as a phase's folder is
    no topic); read alone it would be the unit of that code in no phase, another owner's.  A folder's unit in another
    phase is neither's: a reason, no unit; so is one in no phase where the name writes two (``二期三期 产权证明``).
    The name's unit in a phase (``1-1-101/二期 1-1-101 …``) is the folder's unit written with its phase: no conflict."""
    try:
        in_folder = parse_unit_code(folder.unit or "", phases=phases or None)
        in_name = parse_unit_code(name.unit, phases=phases or None) if name.unit else None
    except ValidationError:
        return folder, name
    if in_name is not None:
        same = in_name.phase and not in_folder.phase and replace(in_name, phase="") == in_folder
        return (replace(folder, unit=name.unit) if same else folder), name
    if name.doubt is not None:
        if in_folder.phase:
            return folder, name
        reasons.append(name.doubt)
        return replace(folder, unit=None), name
    if name.phase is None:
        return folder, name
    written = name.phase
    phase = phases[fold_spelling(written).strip()]
    if in_folder.phase and in_folder.phase != phase:
        reasons.append(f"{_CONFLICT}{folder.unit}，文件名写的是 {written}")
        return replace(folder, unit=None), name
    dropped = _without_phase_word(name.title or "", phases)
    title = dropped[1] if dropped is not None else name.title
    unit = str(replace(in_folder, phase=phase))
    return replace(folder, unit=unit), replace(name, unit=unit, title=title or None)


#: What a document date after today's reason asks: in words for the web page and the command line alike (no option
#: names in what is stored; the command line adds its own hint where it prints reasons, ``FUTURE_DATE_REASON``).
FUTURE_DATE_ADVICE = "请核对后改正日期"
FUTURE_DATE_REASON = re.compile(r"^文件日期 \S+ 晚于今天，没有采用")

#: Advice older versions stored inside reasons (review reasons, quarantine notes), naming the command line's options
#: and commands, which the web page has none of: shown in today's words (``reason_as_said``); the ledger stays as it is.
_OLD_ADVICE = (
    (re.compile(r"：请核对后用 archive update --date 改正$"), "：" + FUTURE_DATE_ADVICE),
    (re.compile(r"：请按说明文件核对后用 recordkit archive update (\S+) 改正$"), r"：请按说明文件核对后改正 \1 的登记"),
)


def reason_as_said(reason: str) -> str:
    """A stored reason in today's words: one an older version stored naming a command-line option is reworded."""
    for old, new in _OLD_ADVICE:
        reason = old.sub(new, reason)
    return reason


#: The ``[limits]`` settings a reason names (a file too big or too long to read, a reader stopped), as what they limit.
_LIMIT_WORDS = {
    "max_file_mb": "文件大小上限",
    "max_pages": "页数上限",
    "reader_memory_mb": "读取内存上限",
    "reader_seconds": "读取时间上限",
}
#: The recordkit.toml settings a reason or a refusal names, said to the web page's users, who never edit it: the
#: administrator asked, the setting by what it does.
_SETTINGS_ON_PAGE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"请管理员调整 (?:recordkit\.toml 的 )?\[limits\] (\w+)"),
        lambda found: f"请管理员调整设置中的{_LIMIT_WORDS.get(found[1], '上限')}",
    ),
    (re.compile(r"[，；](?:上限)?见 \[limits\] \w+）"), lambda _found: "；上限可请管理员在设置中调整）"),
    (re.compile("，" + re.escape(PHASES_ADVICE)), lambda _found: "，" + PHASES_ADVICE_ON_PAGE),
)


def reason_on_page(reason: str) -> str:
    """A stored reason (a quarantine note's, an item's review reason) or a refusal's as the web page says it: in
    today's words (``reason_as_said``), a recordkit.toml setting it names said as what it does, with the
    administrator to ask (the command line keeps the setting's name, for the person who edits the file)."""
    reason = reason_as_said(reason)
    for setting, words in _SETTINGS_ON_PAGE:
        reason = setting.sub(words, reason)
    return reason


def reasons_about_unit(reasons: Sequence[str]) -> bool:
    """One of ``reasons`` already says why the scan has no unit (its folder and name disagree, its folder names two
    phases)."""
    return any(reason.startswith(_CONFLICT) or _TWO_PHASES in reason or _PHASE_BEFORE in reason for reason in reasons)


#: A 档号 inside a file name, written in full or as read off a box label (``YZ-2026-00012``, ``YZ-2026-12``,
#: ``YZ2026-12``): a prefix, a four-digit year and a sequence.
_NUMBER_IN_NAME = re.compile(r"(?<![A-Za-z])([A-Za-z]{1,16})-?([0-9]{4})-([0-9]{1,9})(?![0-9])")


_NAME_WORD = re.compile(r"[^_\s\u3000]+")  # the words ``_NAME_SEPARATORS`` leaves


def numbers_in_name(stem: str, rules: FilingRules) -> tuple[str, ...]:
    """The archive numbers a file name carries, as written (upper case), of the configured categories' prefixes
    (``YZ-2026-0012 补充材料``): the name of an item it may belong to, which a person decides at review.  Other
    numbers (a receipt's ``SJ2026-000001``) are not looked at."""
    return tuple(dict.fromkeys(number for number, _ in _numbers_written(unicodedata.normalize("NFKC", stem), rules)))


def _numbers_written(folded: str, rules: FilingRules) -> list[tuple[str, re.Match[str]]]:
    """Each archive number of a configured prefix in ``folded`` (NFKC), upper case, and where it is written."""
    prefixes = {_fold(entry.prefix).upper() for entry in rules.categories} | {_fold(rules.unknown.prefix).upper()}
    found = [(match[0].upper(), match) for match in _NUMBER_IN_NAME.finditer(folded) if match[1].upper() in prefixes]
    for word in _NAME_WORD.finditer(folded):  # a number of the estate's own pattern ({prefix}{year}{seq:04d} …)
        parsed = parse_archive_no(rules.number_pattern, word[0].upper())
        if parsed is not None and parsed[0] in prefixes:
            found.append((word[0].upper(), word))
    return found


def _without_numbers(stem: str, rules: FilingRules) -> str:
    """``stem`` with each archive number ``numbers_in_name`` finds in it blanked out (NFKC-folded then), else as it is."""
    folded = unicodedata.normalize("NFKC", stem)
    spans = [match.span() for _, match in _numbers_written(folded, rules)]
    if not spans:
        return stem
    blanked = list(folded)
    for start, end in spans:
        blanked[start:end] = " " * (end - start)
    return "".join(blanked)


@dataclass(frozen=True)
class Resolved:
    """The metadata a scan is filed with, and why it needs review (empty: it does not)."""

    category: Category
    metadata: Metadata
    review_reasons: tuple[str, ...] = field(default=())
    #: The archive numbers its file name carries (``numbers_in_name``): looked up when it is numbered.
    named_numbers: tuple[str, ...] = field(default=())


def plain_title(category: Category, unit: str | None) -> str:
    """The title of a scan whose name holds no words (a camera's own name, a unit alone or with its category's name,
    punctuation): its category's name after its unit (``3-2-1201 业主档案``, ``工程档案``); ``扫描件`` where the
    category is not known."""
    kind = category.name if category.known else _UNNAMED
    return f"{unit} {kind}" if unit else kind


_UNNAMED = "扫描件"  # the title of a scan of no words and no category (``plain_title``)
#: The counter macOS Finder puts after a copy's name (``扫描件 2.pdf``, ``IMG_1234 2.jpg``): a space and a number.
_FINDER_COPY = re.compile(r"(.+) [0-9]{1,3}")


def _without_copy_counter(words: str, stem: str, category: Category | None) -> str:
    """A name's ``words`` without the counter macOS Finder added to ``stem`` where they say no more than a title
    recordkit makes (``plain_title``): ``扫描件 2``, ``业主档案 2`` (of ``3-2-1201 业主档案 2``) are ``扫描件``,
    ``业主档案``.  A clerk's word followed by a number (``附件 2``, ``产权证明 2``, ``第 2 页``) is kept, as is a
    number joined by ``_`` (Finder writes a space).  (A camera's name with the counter is ``_CAMERA_NAMES``'.)"""
    copied, said = _FINDER_COPY.fullmatch(stem), _FINDER_COPY.fullmatch(words)
    if copied is None or said is None:
        return words
    head = said[1].strip()
    made = head == _UNNAMED or (category is not None and _names_only(head, category))
    return head if made else words


def is_plain_title(title: str, category: Category, unit: str | None) -> bool:
    """``title`` reads as ``plain_title`` makes it for this category and unit: a title recordkit made, unless a
    person typed those very words (which the journal tells, ``archivist.update_item``)."""
    return title == plain_title(category, unit)


def remade_title(
    title: str, before: tuple[Category, str | None], after: tuple[Category, str | None], phases: Mapping[str, str]
) -> str | None:
    """The title recordkit makes of an item's new ``(category, unit)`` where ``title`` is one it made of the old
    (unless a person typed those very words, which the journal tells, ``archivist.update_item``), else None.  Made
    are: ``plain_title``'s, now the new one's; and a name's words that kept their unit or phase for want of a unit
    (``1-1-101 购房合同``, ``二期 产权证明``: ``resolve``), given that unit or one of that phase: without the unit's and
    the phase's words, as filed under that unit (``产权证明``; ``plain_title``'s where no word of its own is left).  A
    title whose words name another unit or phase keeps them: which is right is the clerk's to say."""
    if is_plain_title(title, *before):
        return plain_title(*after)
    category, unit = after
    if before[1] is not None or unit is None:
        return None
    words = title.split(" ")
    kept = [word for word in words if not _names_unit(word, unit, phases)]
    dropped = _without_phase_word(" ".join(kept), phases)
    if dropped is not None:
        if parse_unit_code(unit, phases=phases or None).phase != dropped[0]:
            return None
        left = dropped[1]
    elif len(kept) < len(words) and not isinstance(_phase_word(kept, phases), _TwoPhases):
        left = " ".join(kept)
    else:
        return None
    return left if left and not _names_only(left, category) else plain_title(category, unit)


def _names_unit(word: str, unit: str, phases: Mapping[str, str]) -> bool:
    """A title's ``word`` writes ``unit`` (``1-1-101``, ``3栋2单元1201室``; written without the unit's phase too,
    ``same_unit``)."""
    try:
        written = parse_unit_code(word, phases=phases or None)
    except ValidationError:
        return False
    return same_unit(unit, str(written), phases)


def _without_phase_word(title: str, phases: Mapping[str, str]) -> tuple[str, str] | None:
    """The phase the first of ``title``'s words beginning with a phase names, and ``title`` without that phase's
    word (``二期 产权证明``, ``二区产权证明`` → ``二期``, ``产权证明``); None where none does or its words write two."""
    words = title.split(" ")
    found = _phase_word(words, phases)
    if not isinstance(found, tuple):
        return None
    words[found[0]] = found[2]
    return phases[fold_spelling(found[1]).strip()], " ".join(filter(None, words))


def _names_only(text: str, category: Category) -> bool:
    """``text`` (a file name's words) is its category's name and nothing else (``业主档案``): no title of its own."""
    return category.known and _fold(text) == _fold(category.name)


def resolve(
    flags: Metadata,
    sidecar: Metadata,
    folder: Metadata,
    name: Metadata,
    rules: FilingRules,
    original_stem: str,
    sidecar_problems: Sequence[str] = (),
    today: dt.date | None = None,
) -> Resolved:
    """Merge the four sources (flags > sidecar > folder > name) and decide the category.

    A category or unit that cannot be told is no error: the item is filed under the unknown
    category (or without a unit) and the reasons say what the archivist must look at.  So is a
    document date after ``today`` (a serial number read as a date, a year mistyped): it is not
    taken, since the archive number's year would follow it and never change.
    """
    reasons = list(sidecar_problems)
    unit_given = flags.unit is not None or sidecar.unit is not None
    name_unit = name.unit
    if not unit_given and name.doubt is not None and not folder.unit and not folder.doubt:
        reasons.append(name.doubt)  # a folder's unit has its own say (``_in_names_phase``)
    if folder.doubt is not None:
        reasons.append(folder.doubt)
        if not unit_given and name.unit and not parse_unit_code(name.unit, phases=rules.phases or None).phase:
            name = replace(name, unit=None)  # a unit in no phase: the folder's name may have meant either's
    if not unit_given and folder.phase and name.unit:
        folder, name = _in_folders_phase(folder.phase, folder, name.unit, name, rules.phases, reasons)
    if not unit_given and folder.unit:
        folder, name = _in_names_phase(folder, name, rules.phases, reasons)
    if not unit_given and folder.unit and name.unit and not same_unit(folder.unit, name.unit, rules.phases):
        # The folder is one owner's, the name another's: filed to neither by guess, for a person to decide.
        reasons.append(f"{_CONFLICT}{folder.unit}，文件名写的是 {name.unit}")
        folder, name = replace(folder, unit=None), replace(name, unit=None)
    if not unit_given and name_unit is not None and name.unit is None:
        # the name's unit not taken stays in its title, as the clerk wrote it, for the review to see
        name = replace(name, title=metadata_from_name(original_stem, rules, unit_kept=True).title)
    merged = flags.over(sidecar.over(folder.over(name)))
    today = today or dt.date.today()
    if merged.doc_date is not None and merged.doc_date > today:
        reasons.append(f"文件日期 {merged.doc_date.isoformat()} 晚于今天，没有采用：{FUTURE_DATE_ADVICE}")
        merged = replace(merged, doc_date=None)
    if merged.category is None:  # a title given by flag or sidecar, or a unit alone, may still tell it
        told = rules.category_from_words(merged.title or "") or (
            rules.category(rules.unit_category) if merged.unit else None
        )
        merged = replace(merged, category=told.name if told else None)
    category = rules.category(merged.category) if merged.category else None
    if merged.category and category is None:
        reasons.append(f"类别“{merged.category}”不是已配置的档案类别（{'、'.join(rules.names)}）")
    if category is None:
        category = rules.unknown
        if not merged.category:
            reasons.append("无法判断档案类别")
    elif not category.known:  # 未分类 named by a flag, sidecar or folder: a holding place, never a category of its own
        reasons.append(f"类别“{category.name}”只用于暂时无法判断类别的档案：请改为 {'、'.join(rules.names)} 之一")
    if merged.unit is None and category.name == rules.unit_category and not reasons_about_unit(reasons):
        reasons.append(f"{category.name}没有识别出房号")
    # a 盒号 or 架位 counted as it is stored (``place_label``: ㍿ is 株式会社), never cut and then folded longer
    merged = replace(merged, box=place_label(merged.box), shelf=place_label(merged.shelf))
    for field_name, limit in FIELD_LIMITS.items():
        value = getattr(merged, field_name)
        if value is not None and len(value) > limit:
            merged = replace(merged, **{field_name: value[:limit]})
            reasons.append(f"{_FIELD_LABELS[field_name]}超过 {limit} 个字，已截断")
    # A name of the unit alone (3-2-1201.pdf, 3栋2单元1201室_20261102.pdf) says no more than the unit it is filed
    # under: titled as a camera's name in that unit's folder is.  One whose unit was not taken keeps it in the title.
    unit_alone = name.unit is not None and merged.unit is not None and same_unit(merged.unit, name.unit, rules.phases)
    named = "" if unit_alone else safe_title(_CAMERA_NAMES.sub(" ", original_stem))
    named = _without_copy_counter(named, original_stem, category)
    if _names_only(named, category):  # 业主档案.pdf in the unit's folder
        named = ""
    title = safe_title(merged.title or "") or named or plain_title(category, merged.unit)
    retention = merged.retention or category.retention
    merged = replace(
        merged, category=category.name, title=title, retention=retention, confidential=bool(merged.confidential)
    )
    return Resolved(category, merged, tuple(reasons))
