"""The template engine: .docx templates with Jinja placeholders, filled in a sandbox.

A template is compiled once: docxtpl's cleaning joins placeholders that Word split
across runs, and each XML part with a placeholder becomes one sandboxed Jinja
template with StrictUndefined.  Filling it renders only the Jinja and writes the
other parts of the package as they are, which is what makes a batch of a thousand
letters fast.  Which values a document gets is the business of the module that
makes it (notices, receipts, renovations); built-in templates are drawn by
``templates.designs`` and shipped in ``templates/builtin``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import itertools
import re
import secrets
import traceback
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from xml.etree import ElementTree
from xml.parsers import expat

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.sandbox import SecurityError
from jinja2.visitor import NodeTransformer
from markupsafe import escape

from recordkit.core.atomic import write_bytes
from recordkit.core.dates import chinese_date
from recordkit.core.errors import NotFoundError, ValidationError
from recordkit.core.filenames import as_shell_word, readable_name
from recordkit.core.sheets import OLE2_SIGNATURE
from recordkit.documents.templates import limits
from recordkit.documents.templates.designs import kind_of, older_names
from recordkit.documents.templates.limits import (
    INTEGER,
    LOOP,
    OUTPUT,
    TIME,
    LimitedSandbox,
    LimitExceeded,
    NotText,
    budgeted,
    render_limited,
)
from recordkit.documents.templates.package import (
    control_ids,
    copies_with_unique_ids,
    copies_with_unique_shapes,
    drawing_ids,
    loops_with_unique_ids,
    range_ids,
    renumber_repeated_drawings,
    shape_ids,
    unique_drawing_ids,
    with_ranges_paired,
    with_unique_drawing_ids,
    without_comments,
)

if TYPE_CHECKING:
    from recordkit.core.workspace import Workspace

BUILTIN_DIR = Path(__file__).parent / "builtin"
ORIGIN_BUILTIN = "内置"
ORIGIN_OFFICE = "本处"

_MAIN_PART = "word/document.xml"
#: Variables whose value is one household's: a merged print file cannot print them in a header.
PER_COPY_VARIABLES = frozenset(
    (
        "业主姓名",
        "房号",
        "房屋",
        "房屋地址",
        "楼栋",
        "称呼",
        "收件人",
        "明细",
        "合计",
        "合计大写",
        "欠费月数",
        "最早月份",
        "预收款",
        "预收说明",
    )
)
_JINJA_MARK = re.compile(r"\{[{%#]")
_LISTING_CHARS = re.compile("[\t\a\n\f]")
#: Where the text marks a footnote or an endnote.
_NOTE_REFERENCE = re.compile(r"<w:(?:footnote|endnote)Reference\b")
#: A statement that can print its content more than once: a loop, or a macro called again.
_REPEATING = re.compile(r"\{%(?:tr|tc|p|r)?[-+]?\s*(?:for|macro)\b")
# What Word wants unique that a loop can print again: a bookmark, an edit-permission range, Word 2010's id of a
# paragraph or a drawing, a content control, a VML shape.
_WORD_IDS = re.compile(r"<w:bookmarkStart\b|<w:permStart\b|\bw14:paraId=|\bwp14:anchorId=|<w:sdtPr\b|<v:")
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
# Attribute names the sandbox refuses; `templates check` reports them before anyone prints.
_UNSAFE_ATTRIBUTE = re.compile(r"^_|^(mro|func_\w+|gi_\w+|cr_\w+|ag_\w+|f_\w+|tb_\w+|co_\w+)$")
#: Where a built-in filter takes the name of an attribute it looks up on its value or on each item:
#: (its place among the arguments after the value, its keyword).  ``map('attr', name)`` is ``attr``'s.
_LOOKUP_ARGUMENTS: dict[str, tuple[int | None, str | None]] = {
    "attr": (0, "name"),
    "map": (None, "attribute"),
    "selectattr": (0, None),
    "rejectattr": (0, None),
    "groupby": (0, "attribute"),
    "sum": (0, "attribute"),
    "join": (1, "attribute"),
    "sort": (2, "attribute"),
    "unique": (1, "attribute"),
    "min": (1, "attribute"),
    "max": (1, "attribute"),
}


class TemplateError(ValidationError):
    """A template cannot be filled: broken Jinja, an unknown variable, a sandbox violation, a limit."""


#: Word and WPS formats a template cannot be filled from: the office saves it as .docx first.
NOT_DOCX_SUFFIXES = frozenset((".doc", ".dot", ".dotx", ".dotm", ".docm", ".wps", ".wpt", ".rtf", ".odt"))


def not_docx(path: Path) -> TemplateError:
    """The clerk's line for a template saved as .doc, .wps or another format that is not .docx."""
    return TemplateError(
        f"模板文件 {readable_name(path.name)} 是 {path.suffix} 格式，recordkit 只能用 .docx 格式的模板："
        f"请用 Word/WPS 打开它，“另存为” Word 文档（*.docx），保存到 templates/ 后再试"
    )


def unused_note(path: Path) -> str:
    """The clerk's line for a template's .doc (or .wps …) lying beside its .docx, which is the one printed."""
    return f"同名的 {readable_name(path.name)} 没有使用（只用 .docx）"


def lacking_note(name: str, lacks: Sequence[str]) -> str:
    """The clerk's line for the office's own copy of a built-in template that lacks variables the built-in of its
    name uses (``TemplateLibrary.lacking``): copied from an older version, before the built-in gained them."""
    return (
        f"内置的“{name}”用到的变量 {'、'.join(lacks)} 本处的模板里没有（本处的模板可能是从旧版本复制的，"
        f"内置模板后来加了这些内容）：要用内置的新内容，运行 recordkit templates copy {name} --force 换成内置模板"
        "（本处改过的地方要重新改，先把原文件另存一份），或对照内置模板，在 Word/WPS 里把这些变量补进本处的模板；"
        "本处特意不用这些变量的，在 Word/WPS 的“文件 → 属性”里把“类别”改成别的字（例如 本处模板），就不再提示"
    )


def older_name_notes(name: str, used: Iterable[str]) -> list[str]:
    """A line for each variable of ``used`` that a template of this name writes under its older name
    (``designs.older_names``): filled as before, told so that the office knows its name now."""
    renamed = older_names(name)
    return [
        f"变量“{older}”是“{renamed[older]}”以前的名称，照常填写，与“{renamed[older]}”相同"
        for older in sorted(renamed.keys() & set(used))
    ]


#: What `templates copy` writes in its copy's 类别 (the .docx core property ``category``, which Word and WPS show
#: under 文件 → 属性 and keep on saving) before the built-in's name: the mark of a copy (``copy_of_builtin``).
COPY_MARK = "recordkit 内置模板："
#: The author (``dc:creator``) of every built-in: a copy an older version made, before the mark, still says it.
BUILTIN_AUTHOR = "recordkit"
_CORE_PROPERTIES = "docProps/core.xml"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_CATEGORY = re.compile(r"<cp:category\s*/>|<cp:category>.*?</cp:category>", re.DOTALL)


def marked_copy(builtin: bytes, name: str) -> bytes:
    """The built-in template's package ``builtin`` with ``COPY_MARK`` and its ``name`` as its 类别: the copy
    `templates copy` puts into templates/.  Written into the part as text, not through python-docx, whose
    ``cp`` prefix docxcompose (a merged print file) rebinds to the custom properties' namespace on import."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(builtin)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == _CORE_PROPERTIES:
                core = _CATEGORY.sub("", data.decode("utf-8"))
                mark = f"<cp:category>{escape(COPY_MARK + name)}</cp:category>"
                data = core.replace("</cp:coreProperties>", f"{mark}</cp:coreProperties>").encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def copy_of_builtin(path: Path, name: str) -> bool:
    """Whether the office's template at ``path`` is a copy of the built-in ``name``: marked so in its 类别 by
    `templates copy` (``COPY_MARK``), or — a copy an older version made before the mark — with no 类别 and the
    built-ins' author.  A template the office wrote itself (another author), or one whose 类别 the office changed
    to stop ``lacking_note``, is not; neither is a file that is no .docx package (its problem is told instead)."""
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo(_CORE_PROPERTIES)
            if info.file_size > 1 << 20:  # a core-properties part is a few hundred bytes: a larger one is no copy
                return False
            properties = ElementTree.fromstring(package.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return False
    category = (properties.findtext(f"{{{_CP}}}category") or "").strip()
    if category:
        return category == f"{COPY_MARK}{name}"
    return (properties.findtext(f"{{{_DC}}}creator") or "").strip() == BUILTIN_AUTHOR


def limit_message(name: str, what: str) -> str:
    """The clerk's line for a template that went over one of the limits (``limits.LIMITS``)."""
    reasons = {
        TIME: f"填写超过 {limits.LIMITS.seconds:g} 秒仍未完成",
        LOOP: f"循环次数超过 {limits.LIMITS.loop_items} 次（range() 和嵌套循环合计）",
        OUTPUT: f"填写出的内容超过 {limits.LIMITS.output_chars} 个字符",
        INTEGER: "算出的数字过大",
    }
    return f"模板“{name}”{reasons.get(what, '超出限制')}，已停止：请检查模板里的循环、乘方和重复，改正后再用"


# Tags that would read another file: a template is one .docx, it includes nothing.
_FOREIGN_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
}


def _chinese_date_filter(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return chinese_date(value)
    if isinstance(value, str):
        try:
            return chinese_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined that fails inside a list as well (``(x|map(attribute='姓名')|list)|string``): its
    repr, "Undefined", was printed on paper."""

    __slots__ = ()
    __repr__ = jinja2.StrictUndefined._fail_with_undefined_error


def _looked_up(name: str, args: Sequence[nodes.Expr], kwargs: Sequence[Any]) -> Iterator[str]:
    """The attribute names a filter called with written-out arguments looks up (``_LOOKUP_ARGUMENTS``; its
    keyword arguments are ``nodes.Keyword``, whatever Jinja's annotation says),
    each part of a dotted or comma-separated one (``attribute='0.__class__'``) apart."""
    if name == "map" and args and isinstance(args[0], nodes.Const) and isinstance(args[0].value, str):
        yield from _looked_up(args[0].value, args[1:], kwargs)  # map('attr', '__class__')
    position, keyword = _LOOKUP_ARGUMENTS.get(name, (None, None))
    written = [args[position]] if position is not None and position < len(args) else []
    written += [argument.value for argument in kwargs if argument.key == keyword]
    for node in written:
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            yield from re.split(r"[.,]", node.value)


def _make_environment() -> jinja2.Environment:

    # Autoescape turns the owner's "&" or "<" into XML entities instead of a broken file.
    environment = LimitedSandbox(undefined=_Undefined, autoescape=True, keep_trailing_newline=True)
    environment.filters["中文日期"] = _chinese_date_filter
    environment.finish_filters()
    return environment


_environment: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The one sandboxed Jinja environment every template is compiled in."""
    global _environment
    if _environment is None:
        _environment = _make_environment()
    return _environment


@dataclass(frozen=True)
class Placement:
    """Where in the template a problem lies: the part and the paragraph's visible text."""

    part: str
    paragraph: str

    def __str__(self) -> str:
        return f"{_part_name(self.part)}段落“{self.paragraph}”"


def paragraph_text(xml: str) -> str:
    """The visible text of a stretch of WordprocessingML, tags dropped."""
    return re.sub(r"<[^>]+>", "", xml).strip()


# Text standing right after an element's end (``</w:tr>{% endfor %}``), not inside a run's text: the tag of a
# ``{%tr %}`` row or a ``{%p %}`` paragraph, which docxtpl put in place of that row or paragraph.
_MOVED_TEXT = re.compile(r"(?:</[^>]+>|<[^>]+/>)([^<]+)")
# A moved tag without an expression, which nothing can make fail: ``{% endfor %}``, ``{% else %}``.
# The markup between two runs' texts: what separates two placeholders Word put in runs of their own.
_XML_TAG = re.compile(r"<[^>]*>")
_BARE_TAG = re.compile(r"\{%-?\s*(?:end\w+|else)\s*-?%\}")


def seen_paragraph_text(line: str) -> str:
    """The text of one line of a patched part (a paragraph) as the clerk sees it in Word: without the tag of a
    ``{%tr %}`` row or a ``{%p %}`` paragraph next to it (docxtpl put that tag in place of its own row or
    paragraph, so that it lands on the line before).  Where the paragraph has no placeholder of its own but
    such a tag has an expression, what stops a fill there is that tag: it is the text then.  Where both have
    one, both are the text (the line does not say which failed)."""
    moved = [found.group(1) for found in _MOVED_TEXT.finditer(line) if found.group(1).strip()]
    if not moved:
        return paragraph_text(line)
    own = paragraph_text(_MOVED_TEXT.sub(lambda found: found.group(0)[: found.start(1) - found.start()], line))
    tags = "".join(_BARE_TAG.sub("", text) for text in moved).strip()
    if not tags:
        return own
    if not _JINJA_MARK.search(own):
        return tags
    return paragraph_text(line)


@dataclass
class _Part:
    name: str
    source: str  # the patched XML, one paragraph per line
    template: jinja2.Template | None = None


def patch_placeholders(xml: str) -> str:
    """A part's XML with placeholders Word split over runs joined, one paragraph per line."""

    # docxtpl's cleaning: joins {{ }} that Word split over runs, handles {%tr %} / {%p %}.
    patched = DocxTemplate.patch_xml(DocxTemplate.__new__(DocxTemplate), xml)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def _unpatch(xml: str) -> str:
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    # Newlines and tabs inside values become <w:br/> and <w:tab/>, as docxtpl does.  Its pass
    # rewrites only those four characters, and walking every run costs more than the render:
    # a part without any of them (after the XML declaration's line end) comes back unchanged,
    # so it is skipped.
    start = xml.find("?>") + 2 if xml.startswith("<?xml") else 0
    while xml[start : start + 1] in ("\r", "\n"):  # the declaration's own line end
        start += 1
    if not _LISTING_CHARS.search(xml, start):
        return xml
    return DocxTemplate.resolve_listing(DocxTemplate.__new__(DocxTemplate), xml)


def read_package(path: Path, name: str) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Every entry of a .docx package, read only once the sizes its directory declares are sane
    (a few KB can declare gigabytes).  ``TemplateError`` for a broken or oversized package."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            if len(infos) > limits.LIMITS.entries:
                raise TemplateError(f"模板“{name}”里有 {len(infos)} 个文件，不像是 Word 文档，已拒绝")
            for info in infos:
                if info.file_size > limits.LIMITS.entry_bytes:
                    raise TemplateError(
                        f"模板“{name}”里的 {info.filename} 解压后有 {info.file_size // 2**20} MB，"
                        f"超过上限 {limits.LIMITS.entry_bytes // 2**20} MB，不像是正常的 Word 模板，已拒绝"
                    )
            total = sum(info.file_size for info in infos)
            if total > limits.LIMITS.package_bytes:
                raise TemplateError(
                    f"模板“{name}”解压后共 {total // 2**20} MB，超过上限 {limits.LIMITS.package_bytes // 2**20} MB，"
                    "不像是正常的 Word 模板，已拒绝"
                )
            # zipfile stops at the declared size and checks the CRC: an entry cannot inflate past it.
            return [(info, package.read(info)) for info in infos]
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        if isinstance(err, zipfile.BadZipFile) and _is_ole2(path):
            # A .doc renamed to .docx, or a .docx with a password (Word keeps it encrypted in an OLE file):
            # saving it again as .docx with its password would not help.
            raise TemplateError(
                f"模板“{name}”其实是 Word 97-2003 文档（.doc）或设了打开密码的文档，只是文件名写成了 .docx："
                "请用 Word/WPS 打开（有密码的先去掉密码），“另存为” Word 文档（*.docx）后再试"
            ) from err
        raise TemplateError(f"模板“{name}”不是有效的 .docx 文件（{err}）。请用 Word/WPS 另存为 .docx 格式") from err


def _is_ole2(path: Path) -> bool:
    """Whether ``path`` is an OLE compound file (Word 97-2003, or an Office file with a password)."""
    try:
        with path.open("rb") as stream:
            return stream.read(len(OLE2_SIGNATURE)) == OLE2_SIGNATURE
    except OSError:
        return False


class UnknownField(Exception):
    """A trial fill read a field a list variable's rows do not have (``{{ 行.金頟 }}``)."""

    def __init__(self, field: str, fields: Sequence[str]) -> None:
        super().__init__(field)
        self.field = field
        self.fields = tuple(fields)


class _StandIn(str):
    """Any value in a trial fill: the text 示例 (so ``*`` and string methods behave as on a name),
    with every public field and item, iterating once over itself.  A list variable whose rows'
    fields are known (``row_fields``) iterates once over a row that has only those fields."""

    fields: tuple[str, ...] | None
    row: bool

    def __new__(cls, fields: Sequence[str] | None = None, row: bool = False) -> _StandIn:
        stand_in = super().__new__(cls, "示例")
        stand_in.fields = tuple(fields) if fields is not None else None
        stand_in.row = row
        return stand_in

    def __getattr__(self, name: str) -> _StandIn:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._field(name)

    def __getitem__(self, key: object) -> _StandIn:  # a field, not a character
        if isinstance(key, str) and _UNSAFE_ATTRIBUTE.match(key):
            # As the sandbox refuses a real value's x['__class__'] (no such item: then the attribute).
            raise SecurityError(f"access to attribute {key!r} of 'str' object is unsafe.")
        if isinstance(key, str) and not self.row and callable(getattr(str, key, None)):
            # A text has no item of this name, so Jinja takes its method, as for a real value: x['upper'],
            # x|map(attribute='upper') print a method, which the fill refuses (the rows' fields are Chinese).
            raise KeyError(key)
        return self._field(key)

    def _field(self, key: object) -> _StandIn:
        if self.row and self.fields is not None and key not in self.fields:
            raise UnknownField(str(key), self.fields)
        return _StandIn()

    def __iter__(self) -> Iterator[_StandIn]:  # one row, not its characters
        return iter([_StandIn(self.fields, row=True) if self.fields is not None else self])


def _failing_line(err: BaseException) -> int | None:
    """The line of the template (one paragraph per line) whose filling raised ``err``: Jinja's frames of a
    template are named ``<template>``.  None when no frame says."""
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else None


#: The name a trial fill's stand-in goes by where a paragraph that stopped the fill is filled again.
_STANDING_IN = "试填替身"
#: The paragraphs of one part a trial fill stands in for, at most: a part failing in more is told its first ones.
_TRIAL_RETRIES = 20


class _TrialStop(NamedTuple):
    """What stopped a trial fill: the refusal to tell (None: not the trial's business), the paragraph to name
    beside it, the template's line it stopped on, and whether to try again with that line standing in."""

    refusal: str | None
    where: Placement | None
    line: int | None
    go_on: bool = True


_Called = TypeVar("_Called", nodes.Filter, nodes.Call)


class _StandingIn(NodeTransformer):
    """A template's tree with each expression on ``lines`` replaced by the trial's stand-in: the paragraph
    prints 示例 where its placeholders were, its ``{% for %}`` iterates once, its ``{% if %}`` is true.  Its
    text (the paragraph's XML) and the names it sets are left as they are, and so are the filter of a
    ``{% filter %}`` block and the macro a ``{% call %}`` block calls, which Jinja compiles only as such:
    their arguments and the block's body stand in."""

    def __init__(self, lines: set[int]) -> None:
        self.lines = lines

    def visit_FilterBlock(self, node: nodes.FilterBlock) -> nodes.FilterBlock:
        node.filter = self._with_arguments_standing_in(node.filter)
        node.body = [self.visit(child) for child in node.body]
        return node

    def visit_CallBlock(self, node: nodes.CallBlock) -> nodes.CallBlock:
        node.call = self._with_arguments_standing_in(node.call)
        node.args = [self.visit(child) for child in node.args]
        node.defaults = [self.visit(child) for child in node.defaults]
        node.body = [self.visit(child) for child in node.body]
        return node

    def _with_arguments_standing_in(self, node: _Called) -> _Called:
        """``node`` (a block's filter or call) kept, its arguments standing in where they are on ``lines``."""
        node.args = [self.visit(child) for child in node.args]
        node.kwargs = [self.visit(child) for child in node.kwargs]
        node.dyn_args = self.visit(node.dyn_args) if node.dyn_args is not None else None
        node.dyn_kwargs = self.visit(node.dyn_kwargs) if node.dyn_kwargs is not None else None
        return node

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if (
            isinstance(node, nodes.Expr)
            and not isinstance(node, nodes.Literal)  # the paragraph's XML, and a list or tuple's items one by one
            and node.lineno in self.lines
            and getattr(node, "ctx", "load") == "load"
            and not isinstance(node, nodes.NSRef)  # {% set ns.x = … %}: a name set
        ):
            return nodes.Name(_STANDING_IN, "load", lineno=node.lineno)
        return super().visit(node, *args, **kwargs)


@dataclass
class Template:
    """One .docx template, compiled once and filled many times."""

    name: str
    path: Path
    origin: str
    #: What ``templates check`` is given to find this template again: its name, or — a file outside
    #: templates/, whose name would find another template or none — its path as the clerk wrote it.
    check_as: str = ""
    _parts: list[_Part] = field(default_factory=list, repr=False)
    _shell: bytes = field(default=b"", repr=False)
    #: The drawing ids of the parts other than the body (a logo in the header), which a merged file keeps.
    _drawing_ids: frozenset[int] = field(default=frozenset(), repr=False)
    #: The parts whose pictures a loop can repeat, and the ids of the pictures no fill repeats.
    _repeating_drawings: tuple[str, ...] = field(default=(), repr=False)
    _fixed_drawing_ids: frozenset[int] = field(default=frozenset(), repr=False)
    #: The content controls' and VML shapes' ids of the parts other than the body, which a merged file keeps.
    _control_ids: frozenset[int] = field(default=frozenset(), repr=False)
    _shape_ids: frozenset[str] = field(default=frozenset(), repr=False)
    #: The parts whose bookmarks or Word 2010 ids a loop can repeat, and every part's bookmark and edit-permission
    #: range ids.
    _repeating_ids: tuple[str, ...] = field(default=(), repr=False)
    _range_ids: frozenset[int] = field(default=frozenset(), repr=False)

    @classmethod
    def load(cls, path: Path, name: str | None = None, origin: str = ORIGIN_OFFICE, check_as: str = "") -> Template:
        """Read and compile a .docx template; ``check_as`` is what its messages tell the clerk to give
        ``templates check`` (by default its name).

        Raises ``NotFoundError`` when the file is missing and ``TemplateError`` when it is
        not a .docx or its Jinja does not parse (naming the paragraph).
        """
        if not path.is_file():
            raise NotFoundError(f"找不到模板文件 {path}")
        template = cls(name=name or path.stem, path=path, origin=origin, check_as=check_as)
        template._read()
        for part in template._parts:
            part.template = template._compile(part)
        return template

    @property
    def check_command(self) -> str:
        """The command that checks this template: ``recordkit templates check 停水通知``."""
        return f"recordkit templates check {self.check_as or as_shell_word(self.name)}"

    def _read(self) -> None:
        # A clerk's 批注 ("记得改日期") is a note on the template, never on an owner's paper; pictures
        # numbered once here cost no fill anything.
        entries = with_unique_drawing_ids(without_comments(read_package(self.path, self.name)))
        if not any(info.filename == _MAIN_PART for info, _ in entries):
            raise TemplateError(f"模板“{self.name}”里没有正文（word/document.xml），不是 Word 文档")
        saved_as = _saved_as({info.filename: data for info, data in entries}.get("[Content_Types].xml", b""))
        if saved_as is not None:
            # Its papers would keep its kind under a .docx name, which Word refuses to open (as it does the template).
            label, suffix = saved_as
            raise TemplateError(
                f"模板“{self.name}”其实是{label}（{suffix}），只是文件名改成了 .docx：这样填出的文书 Word 打不开。"
                f"请把文件名改回 {suffix}，用 Word/WPS 打开，“另存为” Word 文档（*.docx），保存到 templates/ 后再试"
            )
        shell = io.BytesIO()
        with zipfile.ZipFile(shell, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in entries:
                text = data.decode("utf-8", errors="replace") if info.filename.endswith(".xml") else ""
                if info.filename.startswith("word/") and _JINJA_MARK.search(text) or info.filename == _MAIN_PART:
                    if not _whole_xml(data):  # damaged as saved: not a fault of its placeholders
                        raise TemplateError(
                            f"模板“{self.name}”的{_part_name(info.filename)}已损坏（不是完整的 XML），"
                            "不是有效的 Word 文档。请用 Word/WPS 打开后另存为 .docx 格式"
                        )
                    revised = revised_paragraph(text)
                    if revised is not None:
                        raise TemplateError(
                            f"模板“{self.name}”的{Placement(info.filename, revised)}里有尚未接受的修订"
                            "（Word“修订”模式下的改动）：填写出的文书会带着修订标记，删掉的字和占位符也还在。"
                            "请在 Word 里点“审阅 → 接受 → 接受所有修订”，保存后再用"
                        )
                    torn = torn_paragraph(text)
                    if torn is not None:
                        raise TemplateError(
                            f"模板“{self.name}”的{Placement(info.filename, torn)}里，Word 把一个占位符拆到了"
                            "超链接、智能标记或内容控件的里外，无法自动合并（合并会拆坏这一段）："
                            "请在 Word 里删掉整个占位符，重新输入 {{ 变量名 }}"
                        )
                    across = loop_across_cells(text)
                    if across is not None:
                        raise TemplateError(self._loop_across_cells(info.filename, *across))
                    self._parts.append(_Part(info.filename, patch_placeholders(text)))
                else:
                    out.writestr(info, data)
        # Everything without placeholders is compressed once; filling appends only the rendered parts.
        self._shell = shell.getvalue()
        self._drawing_ids = frozenset(
            number
            for info, data in entries
            if info.filename.startswith("word/") and info.filename.endswith(".xml") and info.filename != _MAIN_PART
            for number in drawing_ids(data.decode("utf-8", "replace"))
        )
        others = [
            data.decode("utf-8", "replace")
            for info, data in entries
            if info.filename.startswith("word/") and info.filename.endswith(".xml") and info.filename != _MAIN_PART
        ]
        self._control_ids = frozenset(number for xml in others for number in control_ids(xml))
        self._shape_ids = frozenset(name for xml in others for name in shape_ids(xml))
        self._repeating_ids = tuple(
            part.name for part in self._parts if _WORD_IDS.search(part.source) and _REPEATING.search(part.source)
        )
        self._range_ids = frozenset(
            number
            for info, data in entries
            if info.filename.startswith("word/") and info.filename.endswith(".xml")
            for number in range_ids(data.decode("utf-8", "replace"))
        )
        self._repeating_drawings = tuple(
            part.name for part in self._parts if "<wp:docPr" in part.source and _REPEATING.search(part.source)
        )
        self._fixed_drawing_ids = frozenset(
            number
            for info, data in entries
            if info.filename.startswith("word/")
            and info.filename.endswith(".xml")
            and info.filename not in self._repeating_drawings
            for number in drawing_ids(data.decode("utf-8", "replace"))
        )

    def _loop_across_cells(self, part: str, table: int, row: int, statement: str) -> str:
        """The clerk's line for a plain ``{% for %}`` opened in one cell of a row and ended in another."""
        row_loop = re.sub(r"^\{%[-+]?\s*", "{%tr ", statement)
        return (
            f"模板“{self.name}”的{_part_name(part)}第 {table} 个表格第 {row} 行：{statement} 和它的 {{% endfor %}} "
            "写在这一行的不同格子里，填写时会在这一行里多出格子，而不是每一项多出一行，已拒绝。要每一项印一行，"
            f"请在这一行上面插入一行、只写 {row_loop}，下面插入一行、只写 {{%tr endfor %}}，"
            f"再删掉这一行里的 {statement} 和 {{% endfor %}}"
        )

    def _compile(self, part: _Part) -> jinja2.Template:
        try:
            tree = environment().parse(part.source)
            for node_type, tag in _FOREIGN_TAGS.items():
                for node in tree.find_all(node_type):
                    raise TemplateError(
                        f"模板“{self.name}”的{self._placement(part, node.lineno)}用了 {{% {tag} %}}："
                        "模板不能引用其他文件，已拒绝"
                    )
            for called in tree.find_all((nodes.Filter, nodes.Test)):
                assert isinstance(called, (nodes.Filter, nodes.Test))
                filtered = isinstance(called, nodes.Filter)
                if called.name not in (environment().filters if filtered else environment().tests):
                    # Jinja leaves one inside {% if %} to the fill that takes the branch: refused here.
                    reason = _unknown_name_reason("filter" if filtered else "test", called.name)
                    raise TemplateError(self._miswritten(part, called.lineno, reason))
            return environment().from_string(part.source)
        except jinja2.TemplateSyntaxError as err:
            # A block never closed (the {%tr endfor %} row deleted) is found at the end of the part:
            # the paragraph to correct is the one that opens it.
            unclosed = _opening_line(part.source) if "Unexpected end of template" in str(err.message) else None
            raise TemplateError(self._miswritten(part, unclosed or err.lineno, _syntax_reason(err))) from err

    def _miswritten(self, part: _Part, lineno: int | None, reason: str) -> str:
        """The clerk's line for a placeholder written wrong: the template, the paragraph, the reason."""
        return (
            f"模板“{self.name}”的占位符写法有误：{self._placement(part, lineno)}："
            f"{reason}。请在 Word 里改正后再试，或运行 {self.check_command}"
        )

    @staticmethod
    def _placement(part: _Part, lineno: int | None) -> Placement:
        lines = part.source.splitlines()
        line = lines[min(max((lineno or 1) - 1, 0), len(lines) - 1)] if lines else ""
        return Placement(part.name, seen_paragraph_text(line)[:80])

    @cached_property
    def variables(self) -> frozenset[str]:
        """The top-level names the template uses (what its context must provide)."""

        names: set[str] = set()
        for part in self._parts:
            names |= meta.find_undeclared_variables(environment().parse(part.source))
        return frozenset(names)

    def unsafe_uses(self) -> list[tuple[Placement, str]]:
        """Attribute accesses the sandbox will refuse: ``''.__class__``, ``x['__class__']``, and
        the same written as a filter, ``x|attr('__class__')``, ``x|map(attribute='__class__')``,
        ``x|sort(attribute='__len__')`` (``_LOOKUP_ARGUMENTS``)."""
        return list(self._unsafe_uses)

    @cached_property
    def _unsafe_uses(self) -> tuple[tuple[Placement, str], ...]:
        found = []
        trees = [(part, environment().parse(part.source)) for part in self._parts]
        for part, tree in trees:
            for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
                attribute = (
                    node.attr if isinstance(node, nodes.Getattr) else getattr(getattr(node, "arg", None), "value", None)
                )
                if isinstance(attribute, str) and _UNSAFE_ATTRIBUTE.match(attribute):
                    found.append((self._placement(part, node.lineno), attribute))
        for part, tree in trees:
            for node in tree.find_all(nodes.Filter):
                for attribute in _looked_up(node.name, node.args, node.kwargs):
                    if _UNSAFE_ATTRIBUTE.match(attribute):
                        found.append((self._placement(part, node.lineno), attribute))
        return tuple(found)

    def check_sandbox(self) -> None:
        """``TemplateError`` naming the paragraph when the template reaches outside the sandbox,
        before anything is filled (the same refusal the sandbox gives while filling)."""
        if self.unsafe_uses():
            raise TemplateError(self._refusal())

    def _refusal(self) -> str:
        """The clerk's line for what the sandbox refused, naming the paragraph (never Jinja's English)."""
        uses = self.unsafe_uses()
        if not uses:
            return f"模板“{self.name}”用到了模板沙箱不允许的写法，已拒绝：请运行 {self.check_command} 查看是哪一段"
        placement, attribute = uses[0]
        return f"模板“{self.name}”的{placement}访问“{attribute}”，模板沙箱不允许，已拒绝：模板里只能使用普通变量"

    def check_context(self, context: Mapping[str, Any]) -> None:
        """Raise ``TemplateError`` naming every variable the template uses and the context lacks."""
        missing = sorted(self.variables - context.keys())
        if missing:
            raise TemplateError(
                f"模板“{self.name}”用到了没有提供的变量：{'、'.join(missing)}。"
                "请检查变量名是否写错（recordkit templates check 可列出可用变量）"
            )

    def _render_part(self, part: _Part, context: Mapping[str, Any]) -> str:
        assert part.template is not None
        if self._unsafe_uses:  # refused even where a branch not taken would never reach it
            raise TemplateError(self._refusal())
        try:
            with budgeted():
                xml = render_limited(part.template.generate(context))
            self._check_whole(part, xml)
            return xml
        except LimitExceeded as err:
            raise TemplateError(limit_message(self.name, err.what)) from None
        except RecursionError:
            raise TemplateError(f"模板“{self.name}”的宏调用层数过深（递归），已停止：请检查模板里的宏") from None
        except MemoryError:
            raise TemplateError(limit_message(self.name, OUTPUT)) from None
        except OverflowError:
            raise TemplateError(limit_message(self.name, INTEGER)) from None
        except jinja2.UndefinedError as err:
            missing_field = re.search(r"has no attribute '([^']+)'", str(err))
            if missing_field:
                raise TemplateError(self._unknown_field(missing_field.group(1), ())) from None
            raise TemplateError(
                f"模板“{self.name}”用到了没有提供的变量：{_undefined_name(err)}。"
                "请检查变量名是否写错，或用 recordkit templates check 查看"
            ) from err
        except SecurityError as err:
            raise TemplateError(self._sandbox_refusal(part, err)) from err
        except NotText as err:
            raise TemplateError(self._not_text_refusal(part, err)) from None
        except (
            jinja2.TemplateError
        ) as err:  # {{ 明细|map('中文日其')|join('、') }}: a name Jinja looks up while filling
            placement = self._filling(part, err)
            where = f"的{placement}" if placement else ""
            raise TemplateError(f"模板“{self.name}”{where}无法填写：{_syntax_reason(err)}") from err
        except (TypeError, ValueError, ArithmeticError) as err:  # the template's own arithmetic: {{ 户数 + 1 }}
            raise TemplateError(self._calculation_refusal(part, err)) from err

    def _check_whole(self, part: _Part, xml: str) -> None:
        """``TemplateError`` when a filled part is not whole XML: a ``{% if %}`` opened in a table cell
        and closed in a paragraph after the table (Word splits nothing, the clerk typed it so) cuts
        the table apart where the condition is false, and Word would refuse the file as damaged."""
        if not _whole_xml(xml.encode("utf-8")):
            raise TemplateError(self._broken_structure(part.name))

    def _broken_structure(self, part: str) -> str:
        return (
            f"模板“{self.name}”的{_part_name(part)}填写后不是完整的 Word 文档（某个 {{% if %}} 或 {{% for %}} 与它的 "
            "{% endif %}、{% endfor %} 不在同一段落或同一个表格格子里，填写时把段落或表格拆坏了），已拒绝："
            "请把开始和结束写在同一段落里；要整段或整行表格重复或省略时，用 {%p if … %} 或 {%tr for … %}"
        )

    def _sandbox_refusal(self, part: _Part, err: SecurityError) -> str:
        """The clerk's line for what the sandbox refused while filling ``part``: where the template
        reaches outside it, found in the template's text or else in the paragraph being filled (an
        attribute name put together while filling, ``attr('__cla' ~ 'ss__')``, is in no text)."""
        if self.unsafe_uses():
            return self._refusal()
        placement = self._filling(part, err)
        attribute = re.search(r"attribute '([^']+)'", str(err))
        if placement is None or attribute is None:
            return self._refusal()
        return (
            f"模板“{self.name}”的{placement}访问“{attribute.group(1)}”，模板沙箱不允许，已拒绝：模板里只能使用普通变量"
        )

    def _filling(self, part: _Part, err: BaseException) -> Placement | None:
        """The paragraph of ``part`` whose filling raised ``err``; None when no frame says."""
        line = _failing_line(err)
        return self._placement(part, line) if line is not None else None

    def _calculation_refusal(self, part: _Part, err: Exception) -> str:
        """The clerk's line for a paragraph whose arithmetic fails on the values filled in (every --set
        value is text: ``{{ 户数 + 1 }}`` adds a number to text), never an internal error."""
        placement = self._filling(part, err)
        where = f"的{placement}" if placement else ""
        what = "除数是 0" if isinstance(err, ZeroDivisionError) else "用到的值不能这样计算，例如文字加数字"
        return (
            f"模板“{self.name}”{where}无法填写：这一段的计算出错（{what}）。--set 填写的值都是文字，"
            f"要当数字计算请写成 {{{{ 户数|int + 1 }}}} 这样，改正后再用 {self.check_command} 检查"
        )

    def _not_text_refusal(self, part: _Part, err: NotText) -> str:
        """The clerk's line for a paragraph that prints a program object (``NotText``) instead of text."""
        placement = self._filling(part, err)
        where = f"的{placement}" if placement else ""
        return (
            f"模板“{self.name}”{where}印出的是程序内部的对象（{err.what}），不是文字，已拒绝："
            "请改正这一段（列表要用 |join('、') 连成文字，方法要加括号调用）"
        )

    def trial_fill(self, rows: Mapping[str, Sequence[str]] | None = None) -> list[tuple[Placement | None, str]]:
        """Fill every part with stand-in values (each variable prints 示例, has every field and iterates
        once) and say what would stop a fill: a limit gone over, a field a row of a list variable lacks
        (``rows``: each list variable's fields), what the sandbox refused, a filter or test named wrong.
        Each refusal comes with the paragraph where its message does not name it (None where it does, or
        where no paragraph is known).  A paragraph that stops the fill is filled again standing in
        (``_standing_in``), so that each paragraph after it is tried too and every one that fails is
        told, not only the first.  Other errors are ignored: the stand-ins are not real values, and
        ``templates check`` reports the real problems itself.  An empty list: nothing would stop a fill."""
        rows = rows or {}
        context = {name: _StandIn(rows.get(name)) for name in self.variables} | {_STANDING_IN: _StandIn()}
        refusals: list[tuple[Placement | None, str]] = []
        for part in self._parts:
            stood_in: set[int] = set()  # the lines (paragraphs) of the part filled standing in
            template = part.template
            while template is not None:
                stop = self._trial(part, template, context)
                if stop is None:
                    break
                if stop.refusal is not None:
                    refusals.append((stop.where, stop.refusal))
                if stop.line is None or stop.line in stood_in or not stop.go_on or len(stood_in) == _TRIAL_RETRIES:
                    break
                stood_in.add(stop.line)
                template = self._standing_in(part, stood_in)
        return refusals

    def _trial(self, part: _Part, template: jinja2.Template, context: Mapping[str, Any]) -> _TrialStop | None:
        """What stopped one trial fill of ``part`` (compiled as ``template``), or None when it went through."""
        try:
            with budgeted():
                xml = render_limited(template.generate(context))
            self._check_whole(part, xml)
            return None
        except TemplateError as err:  # the part filled to its end: nothing after it to try
            return _TrialStop(err.message, None, None, go_on=False)
        except LimitExceeded as err:  # out of time: another try could take as long again
            return self._stop(part, err, limit_message(self.name, err.what), named=False, go_on=err.what != TIME)
        except UnknownField as err:
            return self._stop(part, err, self._unknown_field(err.field, err.fields), named=False)
        except NotText as err:
            return self._stop(part, err, self._not_text_refusal(part, err))
        except SecurityError as err:
            if self.unsafe_uses():  # written in the text: `templates check` names each use itself
                return self._stop(part, err, None)
            return self._stop(part, err, self._sandbox_refusal(part, err))
        except jinja2.TemplateRuntimeError as err:
            if not re.match(r"No (filter|test) named", str(err)):
                return self._stop(part, err, None)  # a stand-in is not a real value: not the trial's business
            placement = self._filling(part, err)  # {{ 日期列表|map('中文日其') }}: wrong with any value
            where = f"的{placement}" if placement else ""
            return self._stop(part, err, f"模板“{self.name}”{where}无法填写：{_syntax_reason(err)}")
        except RecursionError as err:
            return self._stop(
                part, err, f"模板“{self.name}”的宏调用层数过深（递归），已停止：请检查模板里的宏", named=False
            )
        except MemoryError as err:
            return self._stop(part, err, limit_message(self.name, OUTPUT), named=False)
        except OverflowError as err:
            return self._stop(part, err, limit_message(self.name, INTEGER), named=False)
        except Exception as err:  # a stand-in is not a real value: not the trial's business
            return self._stop(part, err, None)

    def _stop(
        self, part: _Part, err: BaseException, refusal: str | None, *, named: bool = True, go_on: bool = True
    ) -> _TrialStop:
        """A trial fill of ``part`` stopped by ``err``: ``refusal`` to tell (None: nothing), its paragraph
        beside it unless it is ``named`` in it, and whether to try the part again with that paragraph standing in."""
        line = _failing_line(err)
        where = None if named or line is None else self._placement(part, line)
        return _TrialStop(refusal, where, line, go_on)

    def _standing_in(self, part: _Part, lines: set[int]) -> jinja2.Template | None:
        """``part`` compiled with every expression on ``lines`` (paragraphs that stopped a trial fill)
        standing in for itself: printing 示例, iterating once, true.  None when it cannot be."""
        try:
            tree = _StandingIn(lines).visit(environment().parse(part.source))
            return environment().template_class.from_code(
                environment(), environment().compile(tree), environment().make_globals(None), None
            )
        except Exception:  # a tree Jinja cannot compile with a stand-in in it: tried no further
            return None

    def _unknown_field(self, field: str, fields: Sequence[str]) -> str:
        """The clerk's line for ``{{ 行.金頟 }}``: a field the rows of a table do not have."""
        if not fields:  # filling: Jinja says only which field, not whose
            return (
                f"模板“{self.name}”用到了没有提供的变量或字段“{field}”。请检查名称是否写错，"
                f"改正后再用 {self.check_command} 检查"
            )
        close = difflib.get_close_matches(field, fields, n=1, cutoff=0.0)
        hint = f"（是不是 {close[0]}？）" if close else ""
        return (
            f"模板“{self.name}”的表格用到了没有的字段“{field}”{hint}。表格每行的字段：{'、'.join(fields)}，"
            f"改正后再用 {self.check_command} 检查"
        )

    def render_bytes(self, context: Mapping[str, Any]) -> bytes:
        """The filled document as .docx bytes."""
        self.check_context(context)
        return self._package(self._render_parts(context))

    def _render_parts(self, context: Mapping[str, Any]) -> dict[str, str]:
        rendered = {part.name: self._filled(part, context) for part in self._parts}
        if self._repeating_drawings:  # a picture in a {%tr for %} row: one id per row printed
            seen = set(self._fixed_drawing_ids)
            for name in self._repeating_drawings:
                rendered[name] = renumber_repeated_drawings(rendered[name], seen)
        return rendered

    def _filled(self, part: _Part, context: Mapping[str, Any]) -> str:
        """One part filled, each table row or paragraph a loop printed once per item with ids of its own, and
        without the half of a bookmark whose other half a paragraph left out took away (``with_ranges_paired``)."""
        xml = _unpatch(self._render_part(part, context))
        if part.name in self._repeating_ids:
            xml = loops_with_unique_ids(xml, self._range_ids, self._control_ids, self._shape_ids)
        return with_ranges_paired(xml)

    def printed_as_is(self, name: str) -> bool:
        """Whether every use of the variable ``name`` is a bare ``{{ name }}``: no filter, no test, no
        loop, no arithmetic, never assigned.  Then its value appears in the filled XML exactly as
        written, which is what lets ``prefill`` put the number in after the fill."""
        return name not in self._not_printed_as_is

    @cached_property
    def _not_printed_as_is(self) -> frozenset[str]:
        """The variables some use of which is not a bare ``{{ name }}`` (``printed_as_is``), from one parse of
        the template: parsing it at every paper filled (a receipt at the counter) cost more than the fill."""
        names: set[str] = set()
        for part in self._parts:
            tree = environment().parse(part.source)
            printed = {id(node) for output in tree.find_all(nodes.Output) for node in output.nodes}
            names.update(
                node.name for node in tree.find_all(nodes.Name) if node.ctx != "load" or id(node) not in printed
            )
        return frozenset(names)

    def printed_after(self, first: str, name: str) -> bool:
        """Whether every use of the variable ``name`` is a bare ``{{ name }}`` printed right after a bare ``{{ first }}``,
        nothing but the XML of the runs Word split them into between: ``{{ 小区 }}{{ 停水范围 }}``, where a value
        naming the whole estate would say its name twice."""
        return self._printed_after.get(name) == frozenset({first})

    @cached_property
    def _printed_after(self) -> dict[str, frozenset[str | None]]:
        """Each variable's uses by what is printed right before them (``printed_after``): the bare variable printed
        there, or None (text, an expression, a tag, or a use that prints no bare value)."""
        before: dict[str, set[str | None]] = {}
        for part in self._parts:
            tree = environment().parse(part.source)
            placed: dict[int, str | None] = {}
            for output in tree.find_all(nodes.Output):
                previous: str | None = None
                for node in output.nodes:
                    if isinstance(node, nodes.Name):
                        placed[id(node)], previous = previous, node.name
                    elif not (isinstance(node, nodes.TemplateData) and not _XML_TAG.sub("", node.data).strip()):
                        previous = None
            for node in tree.find_all(nodes.Name):
                if node.ctx == "load":
                    before.setdefault(node.name, set()).add(placed.get(id(node)))
        return {name: frozenset(found) for name, found in before.items()}

    def prefill(self, context: Mapping[str, Any], numbers: Sequence[str] = ()) -> Prefilled:
        """Fill the template before a ledger write (outside its lock) with ``context`` as the write is
        expected to make it.  The values of ``numbers`` (the paper's number, taken only under the
        lock) are filled as unique stand-ins where the template prints them as they are, so that
        ``Prefilled.complete`` can put the real number in; elsewhere the expected value is filled."""
        stand_ins = {
            key: f"RKNUMBER{secrets.token_hex(8)}X" for key in numbers if key in context and self.printed_as_is(key)
        }
        filled = {**context, **stand_ins}
        self.check_context(filled)
        return Prefilled(self, filled, stand_ins, self._render_parts(filled))

    def render_to(self, target: Path, context: Mapping[str, Any]) -> Path:
        """Fill the template and write it to ``target`` atomically."""

        return write_bytes(target, self.render_bytes(context))

    def render_merged_bytes(self, contexts: Iterable[Mapping[str, Any]], *, duplex: bool = False) -> bytes:
        """One document holding one filled copy per context, each starting on a new page (on an
        odd page with ``duplex``, so that no copy is printed on the back of another).

        Each copy ends with a section break carried by its own last paragraph (the template's
        page set-up, type "next page" or "odd page"): a copy that fills its page exactly is not
        followed by a blank page, as it was after a separate page-break paragraph.  Headers and
        footers are filled once, from the first context: in a print file they belong to the
        office, not to one recipient.  One that would read differently for another copy (it
        names the household: ``{{ 房号 }}``) is a ``TemplateError``: printed once, it would put
        the first household on every page; each is filled as in one paper (``_filled``).
        Each copy's pictures get ids of their own (``unique_drawing_ids``), and its bookmarks and edit-permission
        ranges too, without Word's ``_GoBack`` (``copies_with_unique_ids``), and its content controls and VML shapes
        (``copies_with_unique_shapes``).  A template with footnotes or endnotes is a
        ``TemplateError``: every copy's mark would lead to the first household's note.
        """
        bodies: list[str] = []
        first: Mapping[str, Any] | None = None
        others = [part for part in self._parts if part.name != _MAIN_PART]
        rendered: dict[str, str] = {}
        main = next(part for part in self._parts if part.name == _MAIN_PART)
        if self.has_notes():
            raise TemplateError(self.notes_refusal())
        for context in contexts:
            self.check_context(context)
            first = first if first is not None else context
            bodies.append(_body_of(self._filled(main, context)))
            for part in others:
                # Filled as in one paper: a bookmark half a {%p if %} left out took away goes too, a loop's ids apart.
                text = self._filled(part, context)
                if rendered.setdefault(part.name, text) != text:
                    raise TemplateError(self.per_copy_refusal(part.name))
        if first is None:
            raise TemplateError(f"模板“{self.name}”：没有任何收件人，无法生成合并打印文件")
        head, _, tail = _split_body(_unpatch(self._render_part(main, first)))
        taken = {number for text in (*rendered.values(), *bodies) for number in range_ids(text)}
        bodies = copies_with_unique_ids(bodies, taken)
        bodies = copies_with_unique_shapes(bodies, self._control_ids, self._shape_ids)
        breaker = _section_break(tail, "oddPage" if duplex else "nextPage")
        if duplex:
            # The last copy gets its blank back too: n one-page copies make 2n pages, so the file is
            # whole sheets and the next job in the printer does not start on this one's last back.
            ended = [_end_with_section(body, breaker) for body in bodies]
            rendered[_MAIN_PART] = head + "".join(ended) + _EMPTY_PARAGRAPH + _final_section(tail, "evenPage")
        else:
            ended = [_end_with_section(body, breaker) for body in bodies[:-1]]
            rendered[_MAIN_PART] = head + "".join(ended) + bodies[-1] + tail
        # Each copy repeats the body's pictures: numbered once each, after the header's and footer's.
        rendered[_MAIN_PART] = unique_drawing_ids(rendered[_MAIN_PART], self._drawing_ids)
        return self._package(rendered)

    def has_notes(self) -> bool:
        """Whether the template's text marks a footnote or an endnote (a merged print file refuses it)."""
        return any(_NOTE_REFERENCE.search(part.source) for part in self._parts if part.name == _MAIN_PART)

    def notes_refusal(self) -> str:
        """The clerk's line for a template with footnotes or endnotes, in a merged print file."""
        return (
            f"模板“{self.name}”的正文里有脚注或尾注：合并打印文件里每一户的脚注标号都会指向同一条脚注（第一户的），"
            "已拒绝。请不加 --merge 逐户打印，或在 Word 里把脚注的内容改写到正文里"
        )

    def per_copy_refusal(self, part: str) -> str:
        """The clerk's line for a header or footer that names the household, in a merged print file."""
        where = "页脚" if "footer" in part else "页眉"
        names = "、".join(sorted(self.variables_of(part) & PER_COPY_VARIABLES)) or "每户不同的内容"
        return (
            f"模板“{self.name}”的{where}里有每户不同的变量（{names}），合并打印文件的{where}只印一份，"
            f"会把第一户印在每一页上，已拒绝：请把它们移到正文里，或不加 --merge 逐户打印"
        )

    def variables_of(self, part_name: str) -> frozenset[str]:
        """The top-level names one part of the template uses."""
        part = next((part for part in self._parts if part.name == part_name), None)
        return frozenset(meta.find_undeclared_variables(environment().parse(part.source))) if part else frozenset()

    def places_of(self, name: str) -> list[Placement]:
        """The paragraphs that use the top-level variable ``name``, part by part (for `templates check`)."""
        places: list[Placement] = []
        for part in self._parts:
            tree = environment().parse(part.source)
            if name not in meta.find_undeclared_variables(tree):
                continue  # only a loop's or a {% set %}'s own name here
            for node in tree.find_all(nodes.Name):
                place = self._placement(part, node.lineno)
                if node.name == name and node.ctx == "load" and place not in places:
                    places.append(place)
        return places

    def per_copy_in_headers(self) -> list[str]:
        """What ``per_copy_refusal`` says of each header or footer that names the household."""
        return [
            self.per_copy_refusal(part.name)
            for part in self._parts
            if part.name != _MAIN_PART and self.variables_of(part.name) & PER_COPY_VARIABLES
        ]

    def render_merged_to(self, target: Path, contexts: Iterable[Mapping[str, Any]], *, duplex: bool = False) -> Path:
        return write_bytes(target, self.render_merged_bytes(contexts, duplex=duplex))

    def _package(self, rendered: Mapping[str, str]) -> bytes:
        buffer = io.BytesIO(self._shell)
        buffer.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
            for name, xml in rendered.items():
                package.writestr(name, xml.encode("utf-8"))
        return buffer.getvalue()


@dataclass(frozen=True)
class Prefilled:
    """A paper filled before its ledger write, waiting for the values only the write knows."""

    template: Template
    context: Mapping[str, Any]  # as filled: stand-ins in place of the numbers
    stand_ins: Mapping[str, str]
    parts: Mapping[str, str]

    def complete(self, context: Mapping[str, Any]) -> bytes | None:
        """The paper for ``context`` as the write made it, or None when it must be filled again: a
        value other than a stand-in number changed meanwhile (another clerk's payment on the same
        unit), or the number needs escaping in XML (never, for the project's numbers)."""
        if {**context, **self.stand_ins} != self.context:
            return None
        values = {key: context[key] for key in self.stand_ins}
        if any(
            not isinstance(value, str) or escape(value) != value or _LISTING_CHARS.search(value)
            for value in values.values()
        ):
            return None
        parts = dict(self.parts)
        for key, stand_in in self.stand_ins.items():
            parts = {name: xml.replace(stand_in, values[key]) for name, xml in parts.items()}
        return self.template._package(parts)


#: What the main part of a Word file other than a .docx says it is, and what the clerk calls that.
_OTHER_MAIN_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": ("启用宏的 Word 文档", ".docm"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": ("Word 模板", ".dotx"),
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ("启用宏的 Word 模板", ".dotm"),
}
_MAIN_OVERRIDE = re.compile(r"<Override\b[^>]*\bPartName=\"/word/document\.xml\"[^>]*>")


def _saved_as(content_types: bytes) -> tuple[str, str] | None:
    """What a package is when its main part says it is a .docm, .dotx or .dotm, else None."""
    found = _MAIN_OVERRIDE.search(content_types.decode("utf-8", "replace"))
    kind = re.search(r'\bContentType="([^"]+)"', found.group(0)) if found else None
    return _OTHER_MAIN_TYPES.get(kind.group(1)) if kind else None


def _whole_xml(data: bytes) -> bool:
    """Whether ``data`` is well-formed XML.  Expat with no handlers only reads it through: no tree
    is built, nothing is fetched."""
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError:
        return False
    return True


# Word's tracked changes: text inserted or deleted, moved from or to, a paragraph mark inserted or deleted
# (w:insideH and w:delText are other elements).
_REVISION = re.compile(r"<w:(?:ins|del|moveFrom|moveTo)(?=[\s/>])")


def revised_paragraph(xml: str) -> str | None:
    """The visible text of the first paragraph of ``xml`` holding a tracked change, without its
    deleted text, or None when there is none.  Filled as it is, a deleted {{ 旧变量 }} would still be
    asked for, and a placeholder retyped in part would be joined across the revision's tags."""
    found = _REVISION.search(xml)
    if found is None:
        return None
    start = max(xml.rfind("<w:p>", 0, found.start()), xml.rfind("<w:p ", 0, found.start()))
    end = xml.find("</w:p>", found.end())
    paragraph = xml[start:end] if start != -1 and end != -1 else ""
    return paragraph_text(re.sub(r"<w:delText\b[^>]*>.*?</w:delText>", "", paragraph, flags=re.DOTALL))[:80]


#: The parts a clerk edits with placeholders in them, by what Word calls them.
_PART_NAMES = {"word/footnotes.xml": "脚注", "word/endnotes.xml": "尾注"}


_PLACEHOLDER_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def torn_paragraph(xml: str) -> str | None:
    """The visible text of the first paragraph of ``xml`` that joining its split placeholders would tear
    apart, or None.  docxtpl joins ``{{ 停水`` and ``时间 }}`` by dropping the tags between them; when
    one half lies inside a hyperlink, a smart tag or a content control and the other outside, that
    drops an element's start and keeps its end (or the reverse), and the paragraph is no longer XML."""
    for raw in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.DOTALL):
        if "{" not in raw or not _whole_xml(raw.encode("utf-8")):
            continue  # no placeholder, or a paragraph holding others (a text box): not one to judge alone
        joined = _PLACEHOLDER_TAG.sub("", patch_placeholders(raw))  # {%p if … %}: nothing left but the tag
        if not _whole_xml(f"<p>{joined}</p>".encode()):
            return paragraph_text(raw)[:80]
    return None


_TABLE_STRUCTURE = re.compile(r"<w:p[ >].*?</w:p>|<(/?)w:(tbl|tr|tc)(?=[\s>/])", re.DOTALL)
# A loop's start or end as the clerk typed it: plain, or docxtpl's {%tr %} / {%tc %} (the whole row or cell
# is the tag, so the loop repeats rows or cells on purpose), {%p %} (a paragraph, in its cell) or {%r %}.
_LOOP_TAG = re.compile(r"\{%(?:(tr|tc|p|r)(?=\s)|[-+]?)\s*(for|endfor)\b.*?%\}", re.DOTALL)


def loop_across_cells(xml: str) -> tuple[int, int, str] | None:
    """(the table's number in the part, the row's number in its table, the ``{% for … %}`` as written) of the
    first loop that opens in one cell of a table row and ends in another cell of that same row, or None.
    Filled, it repeats the cells between them inside that row (物业费 | 10月 | 100水费 | 11月 | 20), never
    the row: the clerk meant docxtpl's row loop, ``{%tr for %}``.  A loop from one row into the next
    (ending in the next row's first cell) does repeat rows, and is left alone.  Read from the XML as Word
    saved it, so that rows are numbered as Word shows them (a ``{%tr %}`` row too)."""
    tables = 0
    table_rows: list[list[int]] = []  # per open table: its number, its rows so far
    rows: list[tuple[int, int]] = []  # per open row: its table's number, its number
    cells: list[int] = []
    opened_cells = 0
    loops: list[tuple[tuple[int, int] | None, int | None, str, bool]] = []
    for found in _TABLE_STRUCTURE.finditer(xml):
        closing, element = found.group(1), found.group(2)
        if element is None:
            row, cell = (rows[-1] if rows else None), (cells[-1] if cells else None)
            for tag in _LOOP_TAG.finditer(paragraph_text(found.group(0))):
                in_place = tag.group(1) not in ("tr", "tc")
                if tag.group(2) == "for":
                    loops.append((row, cell, tag.group(0), in_place))
                elif loops:
                    opened_row, opened_cell, statement, opened_in_place = loops.pop()
                    if in_place and opened_in_place and row is not None and opened_row == row and opened_cell != cell:
                        return row[0], row[1], statement
        elif closing:
            stack: list[Any] = table_rows if element == "tbl" else rows if element == "tr" else cells
            if stack:
                stack.pop()
        elif element == "tbl":
            tables += 1
            table_rows.append([tables, 0])
        elif element == "tr" and table_rows:
            table_rows[-1][1] += 1
            rows.append((table_rows[-1][0], table_rows[-1][1]))
        elif element == "tc":
            opened_cells += 1
            cells.append(opened_cells)
    return None


def _part_name(part: str) -> str:
    """A part of the package as the clerk knows it: 正文, 页眉页脚, 脚注, 尾注, or its name."""
    if part == _MAIN_PART:
        return "正文"
    if "header" in part or "footer" in part:
        return "页眉页脚"
    return _PART_NAMES.get(part, part)


def _split_body(xml: str) -> tuple[str, str, str]:
    """(everything up to <w:body>, the body's content, the final section properties and the rest)."""
    start = xml.index(">", xml.index("<w:body")) + 1
    end = xml.rindex("</w:body>")
    section = xml.rfind("<w:sectPr", start, end)
    cut = section if section != -1 else end
    return xml[:start], xml[start:cut], xml[cut:]


def _body_of(xml: str) -> str:
    return _split_body(xml)[1]


_SECTION = re.compile(r"<w:sectPr\b.*?</w:sectPr>", re.DOTALL)
_SECTION_TYPE = re.compile(r"<w:type\b[^>]*/>")
_PARAGRAPH_START = re.compile(r"<w:p(?=[\s>])")


def _section_break(tail: str, kind: str) -> str:
    """The template's final section properties (page size, margins, headers) as a section break
    of ``kind`` ("nextPage" or "oddPage"); a plain page break when the template has none."""
    found = _SECTION.search(tail)
    if found is None:
        return ""
    section = _SECTION_TYPE.sub("", found.group(0))
    kind_tag = f'<w:type w:val="{kind}"/>'
    # w:type comes after the header and footer references and before the page size (ECMA-376 CT_SectPr).
    anchor = re.search(r"<w:(?:pgSz|pgMar|paperSrc|pgBorders|lnNumType|pgNumType|cols|formProt|vAlign|noEndnote"
                       r"|titlePg|textDirection|bidi|rtlGutter|docGrid|printerSettings)\b|</w:sectPr>", section)  # fmt: skip
    assert anchor is not None  # the closing tag always matches
    return section[: anchor.start()] + kind_tag + section[anchor.start() :]


#: The paragraph of the blank back after the last copy of a double-sided print file.
_EMPTY_PARAGRAPH = "<w:p/>"


def _final_section(tail: str, kind: str) -> str:
    """The template's final section properties, the section starting as ``kind`` says."""
    found = _SECTION.search(tail)
    if found is None:
        return tail
    return tail[: found.start()] + _section_break(tail, kind) + tail[found.end() :]


def _end_with_section(body: str, section: str) -> str:
    """``body`` ending with ``section``: inside its last paragraph's properties, or in a paragraph
    of its own after a closing table (a table cannot carry one)."""
    if not section:
        return body + _PAGE_BREAK
    stripped = body.rstrip()
    starts = list(_PARAGRAPH_START.finditer(stripped))
    if not stripped.endswith("</w:p>") or not starts:
        return body + f"<w:p><w:pPr>{section}</w:pPr></w:p>"
    start = starts[-1].start()
    paragraph = stripped[start:]
    opening_end = paragraph.index(">") + 1
    if paragraph.startswith("/>", opening_end - 2):  # <w:p/> cannot be: it ends with </w:p>
        return body + f"<w:p><w:pPr>{section}</w:pPr></w:p>"
    rest = paragraph[opening_end:]
    if re.match(r"<w:pPr\b", rest):
        if rest.startswith("<w:pPr/>"):
            rest = f"<w:pPr>{section}</w:pPr>" + rest[len("<w:pPr/>") :]
        else:
            close = rest.index("</w:pPr>")
            rest = rest[:close] + section + rest[close:]
    else:
        rest = f"<w:pPr>{section}</w:pPr>" + rest
    return stripped[:start] + paragraph[:opening_end] + rest


#: Chinese punctuation that NFKC leaves as it is, and the half-width sign the clerk meant.
_CHINESE_PUNCTUATION = {"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "【": "[", "】": "]"}


def _syntax_reason(err: Exception) -> str:
    """What is wrong with a placeholder, in the clerk's words: Jinja's own message (English, with an
    offset into the XML) only where nothing better is known, after a Chinese lead."""
    message = str(getattr(err, "message", "") or err)
    if "unexpected '}'" in message or "unexpected end of template" in message:
        return "占位符没有正确闭合（{{ 要与 }} 成对，{% 要与 %} 成对）"
    if "expected token 'end of print statement'" in message:
        return "占位符里有多余的字或空格（变量名中间不能有空格）"
    if "expected token 'end of statement block'" in message:
        return "{% %} 语句里有多余的字或空格"
    char = re.match(r"unexpected char (['\"])(.+)\1 at \d+", message)
    if char:
        return _character_reason(char.group(2))
    unknown = re.match(r"No (filter|test) named '([^']+)'", message)
    if unknown:
        return _unknown_name_reason(unknown.group(1), unknown.group(2))
    innermost = re.search(r"The innermost block that needs to be closed is '(\w+)'", message)
    tag = re.match(r"Encountered unknown tag '([^']+)'", message)
    if tag:
        return _unknown_tag_reason(tag.group(1), innermost.group(1) if innermost else None)
    if "Unexpected end of template" in message:
        if innermost:
            return f"{{% {innermost.group(1)} %}} 没有对应的 {{% end{innermost.group(1)} %}}"
        return "语句没有配对的结束标记"
    if message.startswith("Expected an expression"):
        return "占位符里没有写变量名（{{ }} 或 {% %} 里是空的）"
    if message == "tag name expected":
        return "{% %} 里是空的"
    if "expected token ':'" in message:  # {{{ 房号 }}: the third brace opens a dict
        return "占位符的括号多了一个（应写成 {{ 变量名 }}）"
    if "expected token 'in'" in message:
        return "for 语句要写成 {% for 行 in 明细 %}"
    return f"无法读懂这里的写法（{message}）"


def _character_reason(char: str) -> str:
    """The clerk's line for a character Jinja cannot read inside a placeholder."""
    half = _CHINESE_PUNCTUATION.get(char) or unicodedata.normalize("NFKC", char)
    if half != char and half.isascii():
        return f"占位符里用了中文（全角）符号“{char}”：请切换到英文输入法，改成半角的“{half}”"
    if char in ("'", '"'):
        return f"占位符里的引号 {char} 没有成对"
    return f"占位符里有不能用的字符“{char}”"


def _unknown_name_reason(what: str, name: str) -> str:
    """The clerk's line for ``{{ 日期|中文日其 }}`` (a filter) or ``{% if x is 空 %}`` (a test)."""
    known = environment().filters if what == "filter" else environment().tests
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    hint = f"，是不是“{close[0]}”？" if close else ""
    if what == "filter":
        return f"没有名为“{name}”的过滤器（| 后面的名字写错了{hint}）"
    return f"没有名为“{name}”的判断（is 后面的名字写错了{hint}）"


#: Where docxtpl's ``{%p %}``, ``{%tr %}``, ``{%tc %}`` and ``{%r %}`` must stand.
_DOCXTPL_PLACES = {
    "p": "{%p … %} 要单独占一个段落（整段重复或省略）",
    "tr": "{%tr … %} 要写在表格的一行里（整行重复或省略），这里不在表格里",
    "tc": "{%tc … %} 要写在表格的一格里（整格重复或省略），这里不在表格里",
    "r": "{%r … %} 要写在一段文字里",
}
_STATEMENTS = ("if", "elif", "else", "endif", "for", "endfor", "set", "macro", "endmacro", "filter", "endfilter")


def _unknown_tag_reason(tag: str, innermost: str | None) -> str:
    """The clerk's line for a ``{% … %}`` whose first word Jinja does not know where it stands."""
    if tag in _DOCXTPL_PLACES:
        return _DOCXTPL_PLACES[tag]
    if tag != tag.lower() and tag.lower() in _STATEMENTS:
        return f"语句“{tag}”要写成小写的“{tag.lower()}”（Word 可能自动改成了大写）"
    if innermost:
        return f"这里的 {{% {tag} %}} 不对：前面的 {{% {innermost} %}} 要先用 {{% end{innermost} %}} 结束"
    if tag in _STATEMENTS:
        return f"{{% {tag} %}} 前面没有与它配对的开始语句"
    return f"不认识的语句“{tag}”（可用的有 if、elif、else、endif、for、endfor、set）"


#: Statements whose block ends with an {% end… %} of their own name.
_BLOCKS = ("if", "for", "macro", "call", "filter", "with", "autoescape")


def _opening_line(source: str) -> int | None:
    """The line of the innermost block ``source`` leaves open (read with Jinja's own lexer), or None."""
    try:
        tokens = [(line, kind, value) for line, kind, value in environment().lex(source) if kind != "whitespace"]
    except jinja2.TemplateSyntaxError:
        return None
    opened: list[int] = []
    for (line, kind, _), (_, next_kind, word) in itertools.pairwise(tokens):
        if kind != "block_begin" or next_kind != "name":
            continue
        if word in _BLOCKS:
            opened.append(line)
        elif word.startswith("end") and word[3:] in _BLOCKS and opened:
            opened.pop()
    return opened[-1] if opened else None


def _undefined_name(err: Exception) -> str:
    match = re.search(r"'([^']+)' is undefined", str(err))
    return match.group(1) if match else str(err)


@dataclass(frozen=True)
class TemplateInfo:
    """A template as `templates list` shows it."""

    name: str
    kind: str
    origin: str
    path: Path
    variables: tuple[str, ...]
    overrides_builtin: bool
    problem: str | None = None  # why it cannot be filled, in the clerk's words
    notes: tuple[str, ...] = ()  # what else the clerk should know: a .doc of the same name not used
    lacks: tuple[str, ...] = ()  # the built-in's variables an office's copy of it lacks (``TemplateLibrary.lacking``)

    @property
    def status(self) -> str:
        return "可用" if self.problem is None else "有问题"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "origin": self.origin,
            "path": readable_name(str(self.path)),
            "variables": list(self.variables),
            "overrides_builtin": self.overrides_builtin,
            "status": self.status,
            "problem": self.problem,
            "notes": list(self.notes),
            "lacks": list(self.lacks),
        }


class TemplateLibrary:
    """The templates a workspace can use: the office's own ``templates/`` over the built-ins."""

    def __init__(self, office_dir: Path | None, builtin_dir: Path = BUILTIN_DIR) -> None:
        self.office_dir = office_dir
        self.builtin_dir = builtin_dir
        self._cache: dict[Path, tuple[float, Template]] = {}

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> TemplateLibrary:
        return cls(workspace.templates_dir)

    def office_path(self, name: str) -> Path | None:
        """The office's own template of this name, when there is one (found without compiling it);
        its file name may be in GBK (saved on a Windows share), read as ``readable_name`` reads it."""
        if self.office_dir is None:
            return None
        path = self.office_dir / f"{name}.docx"
        if path.is_file():
            return path
        return next(
            (path for path in _docx_files(self.office_dir) if readable_name(path.stem) == name and path.is_file()),
            None,
        )

    def builtin_path(self, name: str) -> Path | None:
        path = self.builtin_dir / f"{name}.docx"
        return path if path.is_file() else None

    def names(self) -> list[str]:
        found = {path.stem for path in _docx_files(self.builtin_dir)}
        if self.office_dir is not None:
            found |= {readable_name(path.stem) for path in _docx_files(self.office_dir)}
        return sorted(found)

    def get(self, name: str) -> Template:
        """The template called ``name``: the office's own when there is one, else the built-in.

        Raises ``NotFoundError`` listing the names there are, or ``TemplateError`` when the office saved
        a template of that name as .doc, .wps or another format that is not .docx and has no .docx of
        it (``not_docx``), whether or not a built-in has that name.
        """
        name = name.removesuffix(".docx")
        office = self.office_path(name)
        # The office's own copy saved as .doc is the paper it means, even under a built-in's name:
        # the built-in printed in its place would drop the office's edits without a word.
        other = self.other_format(name) if office is None else None
        if other is not None:
            raise not_docx(other)
        path, origin = (office, ORIGIN_OFFICE) if office else (self.builtin_path(name), ORIGIN_BUILTIN)
        if path is None:
            raise NotFoundError(f"没有名为“{name}”的模板。现有模板：{'、'.join(self.names()) or '（无）'}")
        return self._load(path, name, origin)

    def other_format(self, name: str) -> Path | None:
        """The office's template of this name saved in a format other than .docx (Word 97's .doc,
        WPS's .wps …), when there is one: what the clerk meant, to be saved as .docx first."""
        return next(iter(self._other_formats(name)), None)

    def unused_formats(self, name: str) -> list[Path]:
        """The office's files of this name saved as .doc, .wps … beside its .docx of it, which is the one used:
        told by `templates list` and `templates check` (``unused_note``), so that an edit made in the .doc
        is not believed printed."""
        return self._other_formats(name) if self.office_path(name) is not None else []

    def lacking(self, name: str) -> tuple[str, ...]:
        """The variables the built-in template of this name uses that the office's own .docx of it does not, sorted:
        a copy made by `templates copy` from an older version keeps the fixed words the built-in has since replaced
        (told by `templates list`, `templates check` and doctor, ``lacking_note``).  Nothing when either is missing,
        when the office's template is no copy of the built-in (``copy_of_builtin``: one the office wrote itself under
        the built-in's name leaves out what it chose to), or when it cannot be loaded (its problem is told instead)."""
        office, builtin = self.office_path(name), self.builtin_path(name)
        if office is None or builtin is None or not copy_of_builtin(office, name):
            return ()
        try:
            own = self._load(office, name, ORIGIN_OFFICE).variables
        except ValidationError:
            return ()
        renamed = older_names(name)  # written under its older name, a variable is there all the same
        own = own | {renamed[older] for older in own & renamed.keys()}
        return tuple(sorted(self._load(builtin, name, ORIGIN_BUILTIN).variables - own))

    def _other_formats(self, name: str) -> list[Path]:
        if self.office_dir is None or not self.office_dir.is_dir():
            return []
        suffix = Path(name).suffix.lower()
        stem = name[: -len(suffix)] if suffix in NOT_DOCX_SUFFIXES else name
        return [
            path
            for path in sorted(self.office_dir.iterdir())
            if path.suffix.lower() in NOT_DOCX_SUFFIXES
            and not path.name.startswith("~$")
            and readable_name(path.stem) == stem
            and path.is_file()
        ]

    def _load(self, path: Path, name: str, origin: str) -> Template:
        stamp = path.stat().st_mtime
        cached = self._cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        template = Template.load(path, name=name, origin=origin)
        self._cache[path] = (stamp, template)
        return template

    def describe(self) -> list[TemplateInfo]:
        """Every template file found, with its kind, origin and variables: the office's own (those saved as
        .doc, .wps … too), and the built-ins they do not replace.  One that cannot be loaded has no variables
        and says why (``problem``, what filling it would say)."""

        infos = []
        for name in sorted(set(self.names()) | self._other_format_names()):
            office = self.office_path(name)
            saved_as = self.other_format(name) if office is None else None  # what get() refuses
            path = office or saved_as or self.builtin_path(name)
            assert path is not None
            problem = None
            try:
                variables = tuple(sorted(self.get(name).variables))
            except ValidationError as err:
                variables, problem = (), err.message
            lacks = self.lacking(name)
            infos.append(
                TemplateInfo(
                    name=name,
                    kind=kind_of(name),
                    origin=ORIGIN_OFFICE if office or saved_as else ORIGIN_BUILTIN,
                    path=path,
                    variables=variables,
                    overrides_builtin=bool((office or saved_as) and self.builtin_path(name)),
                    problem=problem,
                    notes=(
                        *(unused_note(unused) for unused in self.unused_formats(name)),
                        *([lacking_note(name, lacks)] if lacks else []),
                        *older_name_notes(name, variables),
                    ),
                    lacks=lacks,
                )
            )
        return infos

    def _other_format_names(self) -> set[str]:
        """The names of the office's templates saved only in a format other than .docx (``other_format``)."""
        if self.office_dir is None or not self.office_dir.is_dir():
            return set()
        return {
            readable_name(path.stem)
            for path in self.office_dir.iterdir()
            if path.suffix.lower() in NOT_DOCX_SUFFIXES and not path.name.startswith("~$") and path.is_file()
        }


def _docx_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        # Word's lock files (~$name.docx) are not templates, nor is a folder or a link to nothing; a name
        # ending in .DOCX (renamed on Windows, where case does not matter) is one.
        yield from (
            path
            for path in sorted(folder.iterdir())
            if path.suffix.lower() == ".docx" and not path.name.startswith("~$") and path.is_file()
        )


def fill_many(template: Template, contexts: Sequence[Mapping[str, Any]], targets: Sequence[Path]) -> None:
    """Fill one file per context (all checked first, so a bad context writes nothing)."""
    for context in contexts:
        template.check_context(context)
    for context, target in zip(contexts, targets, strict=True):
        template.render_to(target, context)
