"""`templates check` and `templates copy`: what is wrong with a template before anyone prints it.

A check reads a template the way filling would and reports every problem it can find:
Jinja that does not parse (quoting the paragraph), variables recordkit does not provide
for the template's kind, sandbox violations, a trial fill that goes over the limits,
placeholders Word broke apart that could not be joined, and (for information) those it did join.  Filling is in ``templates``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from typing import Any

from recordkit.core.atomic import write_bytes
from recordkit.core.errors import ConflictError, NotFoundError
from recordkit.core.filenames import as_shell_word, readable_name
from recordkit.documents.templates.designs import (
    NOTICE_KIND,
    asked_variables,
    kind_of,
    office_phone_variables,
    provided_variables,
    row_fields,
    shown_variables,
)
from recordkit.documents.templates.designs.notices import REMINDER_KIND
from recordkit.documents.templates.engine import (
    NOT_DOCX_SUFFIXES,
    ORIGIN_BUILTIN,
    ORIGIN_OFFICE,
    Placement,
    Template,
    TemplateError,
    TemplateInfo,
    TemplateLibrary,
    lacking_note,
    marked_copy,
    not_docx,
    older_name_notes,
    paragraph_text,
    patch_placeholders,
    read_package,
    revised_paragraph,
    torn_paragraph,
    unused_note,
)
from recordkit.documents.templates.package import without_comments

ERROR = "错误"
WARNING = "提示"
_WELL_FORMED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
# What is left of a paragraph once its well-formed placeholders are taken out and that Jinja would
# print as it is (an unclosed "{{" is a syntax error, reported by Template.load instead).
# A full-width ％ or ＃ (typed with the Chinese input method on) makes no tag at all: {％ if … ％} is
# printed as it is.  _PLACEHOLDER marks where a well-formed one stood: {{ 房号 }}} prints a "}".
_PLACEHOLDER = "\x00"
_JINJA = re.compile(r"\{[{%#]")
_STRAY = re.compile(
    r"\{\s+\{|\}\s+\}|\}\}|%\}|[｛｝]|\{\s*[\w\u4e00-\u9fff]+\s*\}|\{\s*[％＃]|[％＃]\s*\}|\x00\}|\{\x00"
)


@dataclass(frozen=True)
class Finding:
    level: str  # 错误 / 提示
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.level}] {self.where}：{self.message}" if self.where else f"[{self.level}] {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "where": self.where, "message": self.message}


@dataclass
class CheckReport:
    name: str
    kind: str
    path: Path
    variables: list[str] = field(default_factory=list)
    provided: list[str] = field(default_factory=list)
    asks: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level == ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "path": readable_name(str(self.path)),
            "ok": self.ok,
            "variables": self.variables,
            "provided": self.provided,
            "asks": self.asks,
            "findings": [f.to_dict() for f in self.findings],
        }


def resolve(library: TemplateLibrary, name_or_file: str) -> tuple[str, Path, str]:
    """(name, path, origin) of a template named in the library or given as a .docx path."""

    candidate = Path(name_or_file).expanduser()
    if candidate.suffix.lower() in NOT_DOCX_SUFFIXES and candidate.is_file():
        raise not_docx(candidate)
    if candidate.suffix.lower() == ".docx" and candidate.is_file():
        return readable_name(candidate.stem), candidate, ORIGIN_OFFICE
    if candidate.suffix.lower() == ".docx" and (len(candidate.parts) > 1 or not library.names()):
        raise NotFoundError(f"找不到模板文件 {name_or_file}")

    name = name_or_file.removesuffix(".docx")
    # Found without compiling it: a broken template is what the check is for.
    office = library.office_path(name)
    if office is not None:
        return name, office, ORIGIN_OFFICE
    other = library.other_format(name)
    if other is not None:  # the office's copy, not the built-in of that name, is what it will print
        raise not_docx(other)
    builtin = library.builtin_path(name)
    if builtin is None:
        library.get(name)  # raises NotFoundError listing the names there are
    assert builtin is not None
    return name, builtin, ORIGIN_BUILTIN


def check_template(library: TemplateLibrary, name_or_file: str) -> CheckReport:
    """Every problem of one template (by name, or a .docx file checked under its file name's kind).

    Raises ``NotFoundError`` for an unknown name or a missing file, ``TemplateError`` for a template
    saved as .doc, .wps or another format that is not .docx; problems of the template itself are
    findings, never exceptions.
    """

    name, path, origin = resolve(library, name_or_file)
    # A file its name would not find again (outside templates/, or another template of its name there)
    # is checked again by its path, as given.
    found_by_name = origin == ORIGIN_BUILTIN or _same_file(library.office_path(name), path)
    check_as = as_shell_word(name if found_by_name else readable_name(name_or_file))
    provided, asks = provided_variables(name), asked_variables(name)
    kind = kind_of(name)
    report = CheckReport(name, kind, path, provided=sorted(shown_variables(name)), asks=sorted(asks))
    lacks: tuple[str, ...] = ()
    if origin == ORIGIN_OFFICE and _same_file(library.office_path(name), path):
        report.findings += [Finding(WARNING, "", unused_note(unused)) for unused in library.unused_formats(name)]
        lacks = library.lacking(name)
        if lacks:
            report.findings.append(Finding(WARNING, "", lacking_note(name, lacks)))
    report.findings += _split_placeholders(path)
    report.findings += _comments(path)
    report.findings += _merge_fields(path)
    try:
        template = Template.load(path, name=name, origin=origin, check_as=check_as)
    except TemplateError as err:
        report.findings.append(Finding(ERROR, "", err.message))
        return report
    report.variables = sorted(template.variables)
    report.findings += [Finding(WARNING, "", note) for note in older_name_notes(name, template.variables)]
    # A loop, a power or a repeat that would stall printing, a filter named wrong …: every paragraph that would stop it.
    for placement, refusal in template.trial_fill(row_fields(name)):
        report.findings.append(Finding(ERROR, str(placement) if placement else "", refusal))
    for placement, attribute in template.unsafe_uses():
        report.findings.append(
            Finding(ERROR, str(placement), f"访问“{attribute}”是不允许的（模板沙箱会拒绝），模板里只能使用普通变量")
        )
    if kind in (NOTICE_KIND, REMINDER_KIND):  # printed merged too (--merge): one header for every household
        report.findings += [Finding(ERROR, "", refusal) for refusal in template.per_copy_in_headers()]
        if template.has_notes():
            report.findings.append(
                Finding(
                    WARNING,
                    "",
                    "模板正文里有脚注或尾注：逐户打印不受影响，合并打印（--merge）会拒绝（每户的脚注无法分开）",
                )
            )
    free_text = kind == "通知"  # a notice's other variables come from --set
    misspelt = misspelt_variables(template)
    for variable in sorted(template.variables - provided - asks):
        places = template.places_of(variable)  # where to correct it, in a template of several pages
        where = f"{places[0]}{f' 等 {len(places)} 处' if len(places) > 1 else ''}" if places else ""
        if variable in misspelt:
            report.findings.append(
                Finding(ERROR, where, f"变量“{variable}”recordkit 不提供，是不是“{misspelt[variable]}”写错了？")
            )
        elif free_text:
            report.findings.append(Finding(WARNING, "", f"变量“{variable}”需要在打印时用 --set {variable}=… 填写"))
        else:
            report.findings.append(
                Finding(
                    ERROR,
                    where,
                    f"变量“{variable}”recordkit 不提供（{kind}可用的变量：{'、'.join(report.provided)}）",
                )
            )
    unused = sorted(asks - template.variables - set(lacks))  # those the lacking note named are not said twice
    if unused:
        report.findings.append(Finding(WARNING, "", f"内置模板的这些变量没有用到：{'、'.join(unused)}"))
    return report


def misspelt_variables(template: Template) -> dict[str, str]:
    """The variables of ``template`` that recordkit neither fills nor asks for under its name and that look like a
    misspelling of one it does (``业主姓明`` → ``业主姓名``, ``恢复时问`` → ``恢复时间``), each with the one it looks
    like: ``templates check``'s errors, and what printing a notice refuses unless given by ``--set``."""
    known = provided_variables(template.name) | asked_variables(template.name)
    suggested = shown_variables(template.name) | asked_variables(template.name)  # a name now, never an older one
    found = {}
    for variable in sorted(template.variables - known):
        close = difflib.get_close_matches(variable, sorted(suggested), n=1, cutoff=0.5)
        if close:
            found[variable] = close[0]
    return found


def _same_file(one: Path | None, other: Path) -> bool:
    try:
        return one is not None and one.samefile(other)
    except OSError:
        return False


def printing_refusals(path: Path) -> list[Finding]:
    """The errors ``templates check`` finds that filling would not notice and would print as typed on every
    paper: placeholders still broken once Word's runs are joined (``｛｛ ｝｝``, ``{％ ％}``, a brace too many) and
    Word's mail-merge fields."""
    return [finding for finding in (*_split_placeholders(path), *_merge_fields(path)) if finding.level == ERROR]


def printable(library: TemplateLibrary, name: str) -> Template:
    """``library.get(name)`` to fill: the office's own template is refused (``TemplateError``, the first problem
    and its paragraph) when ``templates check`` fails it for what would be printed as typed (``printing_refusals``:
    ｛｛ 检修时间 ｝｝ on every owner's notice).  The built-ins pass the check by construction."""
    template = library.get(name)
    if template.origin == ORIGIN_OFFICE and (refusals := printing_refusals(template.path)):
        first = refusals[0]
        raise TemplateError(
            f"模板“{template.name}”的{first.where}：{first.message}。"
            f"改正后再用（{template.check_command} 列出全部问题）"
        )
    return template


def listing(library: TemplateLibrary) -> list[TemplateInfo]:
    """What ``templates list`` shows: every template file found (``TemplateLibrary.describe``), an office's
    own that loads but that filling would refuse (``printable``, the sandbox) with that refusal as its problem.
    Never raises for a template's own faults: ``templates check`` is where they fail."""
    infos = []
    for info in library.describe():
        if info.problem is None and info.origin == ORIGIN_OFFICE:
            try:
                printable(library, info.name).check_sandbox()
            except TemplateError as err:
                info = replace(info, problem=err.message)
        infos.append(info)
    return infos


def printing_office_phone(library: TemplateLibrary) -> list[str]:
    """The names of the templates found (``TemplateLibrary.describe``: an office's own where it has one) that print the
    office's telephone (``designs.office_phone_variables``): those a bad ``[notices] phone`` stops
    (``documents.generated._printable``)."""
    return [info.name for info in library.describe() if set(info.variables) & office_phone_variables(info.name)]


def _split_placeholders(path: Path) -> list[Finding]:
    """Placeholders Word split over runs: those still broken after joining (errors, with the
    paragraph) and those joined (information)."""

    findings: list[Finding] = []
    try:
        parts = [
            (info.filename, data.decode("utf-8", "replace"))
            for info, data in without_comments(read_package(path, readable_name(path.stem)))
            if info.filename.startswith("word/") and info.filename.endswith(".xml")
        ]
    except TemplateError:
        return findings  # Template.load reports it
    for part, xml in parts:
        for raw in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
            text = paragraph_text(raw)
            if (
                not any(mark in text for mark in ("{", "}", "｛", "｝"))
                or revised_paragraph(raw)
                or torn_paragraph(raw)
            ):
                continue  # a tracked change or a torn placeholder is Template.load's refusal
            where = str(Placement(part, text[:80]))
            leftover = _WELL_FORMED.sub(_PLACEHOLDER, paragraph_text(patch_placeholders(raw)))
            if _STRAY.search(leftover):
                findings.append(
                    Finding(
                        ERROR,
                        where,
                        "占位符不完整或被拆开（例如 { { 中间有空格、用了全角括号｛｝或全角的 ％、"
                        "少了或多了一个括号）：请在 Word 里删掉整个占位符，重新输入 {{ 变量名 }}",
                    )
                )
                continue
            for placeholder in _WELL_FORMED.findall(text):
                if placeholder not in raw:
                    findings.append(
                        Finding(
                            WARNING,
                            where,
                            f"Word 把占位符 {placeholder} 拆成了几段，recordkit 已自动合并，可以正常填写",
                        )
                    )
    return findings


_MERGE_FIELD = re.compile(r"MERGEFIELD\s+(?:\"([^\"]+)\"|([^\s\\<\"]+))")


def _merge_fields(path: Path) -> list[Finding]:
    """Word's mail-merge fields («业主姓名», 邮件合并 → 插入合并域): recordkit fills only {{ }}, so each
    would print as «业主姓名» on every paper."""
    try:
        package = without_comments(read_package(path, readable_name(path.stem)))  # a comment is not printed
    except TemplateError:
        return []  # Template.load reports it
    findings: list[Finding] = []
    for info, data in package:
        if not (info.filename.startswith("word/") and info.filename.endswith(".xml")):
            continue
        for raw in re.findall(r"<w:p[ >].*?</w:p>", data.decode("utf-8", "replace"), flags=re.S):
            for quoted, bare in _MERGE_FIELD.findall(raw):
                name = unescape(quoted or bare).strip('"')  # w:instr=" MERGEFIELD &quot;房号&quot; "
                shown = paragraph_text(re.sub(r"<w:instrText\b[^>]*>.*?</w:instrText>", "", raw, flags=re.S))
                findings.append(
                    Finding(
                        ERROR,
                        str(Placement(info.filename, shown[:80])),
                        f"“{name}”是 Word 的邮件合并域，recordkit 不会填写它（纸上会原样印出）："
                        f"请删掉它，改为输入 {{{{ {name} }}}}",
                    )
                )
    return findings


def _comments(path: Path) -> list[Finding]:
    """The comments (批注) a template carries, told so that the clerk knows they stay on the template:
    filling leaves them out (``package.without_comments``), placeholders in them too."""
    try:
        package = {info.filename: data for info, data in read_package(path, readable_name(path.stem))}
    except TemplateError:
        return []  # Template.load reports it
    xml = package.get("word/comments.xml", b"").decode("utf-8", "replace")
    comments = re.findall(r"<w:comment\b[^>]*>(.*?)</w:comment>", xml, flags=re.S)
    if not comments:
        return []
    first = f"{'第一条：' if len(comments) > 1 else ''}“{paragraph_text(comments[0])[:40]}”"
    placeholders = "，批注里的 {{ }} 也不会填写" if any(_JINJA.search(paragraph_text(c)) for c in comments) else ""
    return [
        Finding(
            WARNING,
            "",
            f"模板里有 {len(comments)} 条批注（{first}）：批注不会印到文件里（填写出的文书不带批注{placeholders}）",
        )
    ]


def copy_template(library: TemplateLibrary, name: str, force: bool = False) -> Path:
    """Put a built-in template into the workspace's templates/ for the office to edit.

    ``NotFoundError`` for a name with no built-in; ``ConflictError`` when the office
    already has its own copy (unless ``force``).
    """

    name = name.removesuffix(".docx")
    source = library.builtin_path(name)
    if source is None:
        builtins = sorted(p.stem for p in library.builtin_dir.glob("*.docx"))
        raise NotFoundError(f"没有名为“{name}”的内置模板。内置模板：{'、'.join(builtins)}")
    if library.office_dir is None:
        raise NotFoundError("工作区没有 templates/ 目录")
    # The office's own copy may be 停水通知.DOCX or have a GBK name: a second one beside it would take its place.
    target = library.office_path(name) or library.office_dir / f"{name}.docx"
    if target.exists() and not force:
        raise ConflictError(
            f"templates/{readable_name(target.name)} 已存在（本处自己的模板），没有覆盖。确实要用内置模板替换时加 --force"
        )
    library.office_dir.mkdir(parents=True, exist_ok=True)
    write_bytes(target, marked_copy(source.read_bytes(), name))
    return target
