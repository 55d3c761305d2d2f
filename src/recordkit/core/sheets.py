"""Reading and writing the office's .xlsx sheets (and reading other systems' .csv): Chinese headers, cell positions, atomic saves.

It finds the header row (a title row above it is fine), matches headers in any
order with stray spaces and full-width characters, and hands each data row back
with its Excel row number so that every problem can name its row and column.
What the cells mean is the caller's business.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordkit.core.atomic import PRIVATE, saved, write_bytes
from recordkit.core.errors import CellProblem, NotFoundError, ValidationError
from recordkit.core.filenames import readable_name

if TYPE_CHECKING:
    from openpyxl import Workbook

#: How far down a title block may push the header row.
HEADER_SEARCH_ROWS = 10
#: How a cell starts that Excel or WPS would take as a formula (or, opened as CSV, as a command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column the caller expects: its key, its canonical header and the other spellings offices use."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


#: What another system writes in the first cells of a totals row at the bottom of an export (or under a group).
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "共计", "总合计", "本页合计", "本页小计"})


@dataclass(frozen=True)
class SheetRow:
    """One data row: its Excel row number and the cells by column key (missing columns are None).

    ``total`` is true for a totals row (合计/总计/小计 … written as a cell of its own, in any column); ``footer`` holds
    the label cell of a footer line (制表人、审核、备注 …, ``is_footer_label``)."""

    number: int
    cells: dict[str, Any]
    total: bool = False
    #: A footer line's first non-empty cell as written (制表人：李文 …, ``is_footer_label``) and its Excel column
    #: letter; "" for any other row.
    footer: str = ""
    footer_column: str = ""


@dataclass(frozen=True)
class SheetTable:
    rows: list[SheetRow]
    letters: dict[str, str]  # column key -> Excel column letter
    headers: dict[str, str]  # column key -> header as written in the sheet
    sheet: str = ""  # the title of the sheet read
    ignored: tuple[str, ...] = ()  # header cells of that row that no column reads

    def problem(self, row: int, key: str, reason: str) -> CellProblem:
        return CellProblem(row, self.letters.get(key, ""), self.headers.get(key, key), reason)


#: What separates a ``名=值`` option's name from its value (``--set``, ``--map``): ``=``, or the full-width ``＝`` a
#: Chinese input method types.
_ASSIGN = re.compile("[=＝]")


def split_assignment(item: str) -> tuple[str, str, str]:
    """``item`` (``--set 停水原因＝维修``, ``--map 房间=房号``) split as ``str.partition`` splits it, at its first ``=``
    or ``＝``."""
    found = _ASSIGN.search(item)
    if found is None:
        return item, "", ""
    return item[: found.start()], found[0], item[found.end() :]


def normalise_header(text: object) -> str:
    """Fold a header cell for matching: NFKC, no spaces, no unit suffix like （㎡）."""
    folded = unicodedata.normalize("NFKC", str(text or "")).replace("㎡", "m2")
    folded = "".join(folded.split())
    for opener in ("(", "["):
        if opener in folded:
            folded = folded.split(opener, 1)[0]
    return folded


#: What may follow a total label in its cell: the count or sum it gives (合计：3户, 总计 268.5).
_TOTAL_COUNT = re.compile(r":?\d+(?:\.\d+)?[户套间个条项人笔]?")


def is_total_label(value: object) -> bool:
    """Whether a cell says the row is a totals row: 合计, 合 计, 合计：, 总计 … (``TOTAL_LABELS``), also with what it
    counts or sums after it in the same cell (合计：3户, 小计 2 套, 总计 268.5)."""
    if not isinstance(value, str):
        return False
    folded = "".join(unicodedata.normalize("NFKC", value).split()).rstrip(":")
    label = max((label for label in TOTAL_LABELS if folded.startswith(label)), key=len, default=None)
    return label is not None and (folded == label or _TOTAL_COUNT.fullmatch(folded, len(label)) is not None)


#: What another system's export writes under its data as a line of its own: who made, filled in and checked it,
#: when it was printed, a note (制表人：李文    审核：王经理    打印日期：2026-11-30; 填表人：张敏; 备注：…; 注意：…).
#: Only words that never begin a unit (房号) or a data row (an order's 报修/投诉, a reading's unit): a row starting
#: with one is no data, wherever it stands.
FOOTER_LABELS = frozenset(
    {"制表人", "制表", "制表日期", "填表人", "填表日期", "审核", "审核人", "复核", "复核人", "打印日期", "打印时间",
     "打印人", "备注", "说明", "注", "注意"}
)  # fmt: skip
#: Labels that are a footer's only with their colon (注：面积以产权证为准; 注意：…), being short words a cell may hold.
_FOOTER_LABELS_WITH_COLON = frozenset({"注", "注意"})


def is_footer_label(value: object) -> bool:
    """Whether a cell starts a footer line (``FOOTER_LABELS``): the label alone (制表人, its name in the next cell) or
    followed by a colon (制表人：李文, 审核:, 注：面积以产权证为准); 注 and 注意 only with their colon."""
    if not isinstance(value, str):
        return False
    folded = "".join(unicodedata.normalize("NFKC", value).split())
    label, colon, _ = folded.partition(":")
    return label in FOOTER_LABELS and (bool(colon) or label not in _FOOTER_LABELS_WITH_COLON)


def footer_rows(
    table: SheetTable, is_data: Callable[[SheetRow], bool], what: str
) -> tuple[list[int], list[CellProblem]]:
    """The footer lines under a sheet's data (制表人：李文、审核、备注：… — ``SheetRow.footer``), which end it: their row
    numbers, and a problem for each one with a data row (``is_data``: not a totals row) under it — a note between
    ``what`` rows (房屋, 读数, 工单), neither the end of the data nor a row of it, left out silently a clerk would never
    learn of — named by its row and the cell as written.  One rule for every import that reads a sheet."""
    footers: list[int] = []
    problems: list[CellProblem] = []
    last = max((row.number for row in table.rows if not row.footer and is_data(row)), default=0)
    for row in table.rows:
        if not row.footer:
            continue
        if row.number < last:
            header = next(
                (table.headers[key] for key, letter in table.letters.items() if letter == row.footer_column), ""
            )
            reason = (
                f"“{row.footer}”是表尾的说明行，但它下面还有{what}行（第 {last} 行）："
                f"请删去这一行，或把它移到最后一行{what}的下面"
            )
            problems.append(CellProblem(row.number, row.footer_column, header, reason))
        else:
            footers.append(row.number)
    return footers, problems


def footer_warning(footers: Sequence[int], what: str) -> str:
    """The 提醒 line naming the footer lines ``footer_rows`` found under the data, left out."""
    return f"第 {'、'.join(map(str, footers))} 行是表尾（制表人、审核、备注、说明等），不是{what}，没有导入"


def totals_warning(totals: Sequence[int], what: str, left_out: str = "没有导入") -> str:
    """The 提醒 line naming the 合计/小计 rows (``SheetRow.total``) an import left out as no ``what`` of its own."""
    return f"第 {'、'.join(map(str, totals))} 行是合计/小计行，不是{what}，{left_out}"


def _footer_cell(values: Sequence[Any]) -> tuple[str, str]:
    """A row's first non-empty cell as written and its column letter when it starts a footer line, else ("", "")."""
    for index, value in enumerate(values):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return (value.strip(), column_letter(index)) if is_footer_label(value) else ("", "")
    return "", ""


def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


#: How an Excel 97-2003 workbook, or one with an opening password, starts (an OLE2 compound file, not a zip).
OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
#: A workbook unpacking to more than this is refused before it is read (a zip bomb).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: How a DTD starts in an XML part, in the encodings XML allows (UTF-8, UTF-16 either way).
_DTD_MARKS = tuple(
    mark.encode(encoding) for mark in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def check_workbook_parts(path: Path) -> None:
    """``ValidationError`` for a workbook that unpacks past ``MAX_UNPACKED_BYTES`` or whose XML parts declare
    a DTD or entities.  Office Open XML forbids DTDs (ECMA-376 Part 2, M1.17), so Excel and WPS never write
    one: a DOCTYPE is an entity-expansion ("billion laughs") or external-entity attack, refused unread."""
    name = readable_name(path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    f"{name} 解压后过大（超过 {MAX_UNPACKED_BYTES >> 20} MB），已拒绝：可能是恶意文件"
                )
            for info in archive.infolist():
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                tail = b""
                with archive.open(info) as part:
                    while chunk := part.read(1 << 20):
                        window = tail + chunk
                        if any(mark in window for mark in _DTD_MARKS):
                            raise ValidationError(
                                f"{name} 含有 DOCTYPE/实体声明，Excel 和 WPS 保存的表格不会有（可能是恶意文件），已拒绝："
                                "请在 Excel/WPS 中打开后“另存为”新的 Excel 工作簿再导入"
                            )
                        tail = window[-32:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
        raise ValidationError(
            f"无法打开 {name}：文件已损坏、加密，或不是 Excel 工作簿（{type(err).__name__}）"
        ) from err


def _open_workbook(path: Path, read_only: bool) -> Workbook:

    if not path.exists():
        raise NotFoundError(f"找不到文件 {readable_name(str(path))}")
    if path.suffix.lower() == ".csv":
        return _csv_workbook(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(
            f"{readable_name(path.name)} 不是 .xlsx 文件：请在 Excel/WPS 中“另存为” Excel 工作簿（*.xlsx）"
        )
    with path.open("rb") as head:
        if head.read(len(OLE2_SIGNATURE)) == OLE2_SIGNATURE:
            raise ValidationError(
                f"{readable_name(path.name)} 其实是 Excel 97-2003 工作簿（.xls）或设了打开密码的工作簿，只是名字写成了 .xlsx："
                "请在 Excel/WPS 中打开（有密码的先去掉密码），“另存为” Excel 工作簿（*.xlsx）后再试"
            )
    check_workbook_parts(path)
    try:
        # openpyxl (with numpy) costs ~0.4 s to import; only a command that reads a sheet needs it
        from openpyxl import load_workbook  # loaded on first use (see above)

        return load_workbook(path, read_only=read_only, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise ValidationError(
            f"无法打开 {readable_name(path.name)}：文件已损坏、加密，或不是 Excel 工作簿（{type(err).__name__}）"
        ) from err


def _csv_workbook(path: Path) -> Workbook:
    """A .csv another system exported, as a workbook of one sheet of text cells: UTF-8 (with or without a
    BOM) or GBK (GB 18030), as Excel and WPS save one on a Chinese Windows.  ``ValidationError`` otherwise."""
    name = readable_name(path.name)
    if path.stat().st_size > MAX_UNPACKED_BYTES:
        raise ValidationError(f"{name} 过大（超过 {MAX_UNPACKED_BYTES >> 20} MB），已拒绝")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(
            f"{name} 不是 UTF-8 或 GBK 编码的 CSV 文件，读不出来：请在 Excel/WPS 中打开，"
            "“另存为” Excel 工作簿（*.xlsx）后再试"
        )
    from openpyxl import Workbook  # loaded on first use (see _open_workbook)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", "", path.stem)[:31] or "CSV"
    for row in csv.reader(io.StringIO(text, newline="")):
        # A control character is no part of a roster; openpyxl refuses to hold one.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    return workbook


#: Told (rows read so far, rows in the sheet or None) while a long sheet is read.
ProgressCallback = Callable[[int, int | None], None]


def shown_sheet(workbook: Any) -> Any:
    """The sheet a clerk sees on opening the file: the active one when it is visible, else the first
    visible one (a hidden or very hidden first sheet, an old copy left by another system, is not it)."""
    visible = [sheet for sheet in workbook.worksheets if getattr(sheet, "sheet_state", "visible") == "visible"]
    active = workbook.active
    if active is not None and active in visible:
        return active
    return visible[0] if visible else workbook.worksheets[0]


def sheet_values(sheet: Any) -> Iterator[Sequence[Any]]:
    """The cell values of ``sheet`` row by row, down to its last real row and across to each row's last cell.

    A read-only worksheet otherwise stops at the size recorded in the file (``<dimension ref=…>``), which
    other systems' exports often get wrong: rows past it were dropped without a word, and a recorded
    ``A1`` hid the headers.  ``reset_dimensions`` (openpyxl's documented remedy) makes it read the real
    rows; a row may then be shorter than the widest one, or empty."""
    if hasattr(sheet, "reset_dimensions"):  # read-only worksheets only; a loaded sheet knows its cells
        sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True)


#: Merged ranges read from one sheet at most (a hostile file could declare millions).
MAX_MERGED_RANGES = 100_000
#: Columns a merged range is filled across at most.
MAX_MERGED_COLUMNS = 256
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)"')


def merged_ranges(path: Path, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only ``sheet`` of ``path`` as (min_col, min_row, max_col, max_row), top first.

    A read-only worksheet does not read them (they follow the rows in the sheet's XML), so they are
    found in the part itself, read in chunks."""
    # openpyxl is imported by the workbook already open (``_open_workbook``)
    from openpyxl.utils.cell import range_boundaries  # loaded on first use (see _open_workbook)

    part = getattr(sheet, "_worksheet_path", None)
    if not part:
        return []
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            while chunk := stream.read(1 << 20):
                window = tail + chunk
                last_end = 0
                for match in _MERGE_REF.finditer(window):
                    if len(found) >= MAX_MERGED_RANGES:
                        break
                    min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode("ascii").upper())
                    found.append((min_col or 0, min_row or 0, max_col or 0, max_row or 0))
                    last_end = match.end()
                tail = window[max(last_end, len(window) - 200) :]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return []
    return sorted(set(found), key=lambda r: (r[1], r[0]))


def fill_merged(rows: Iterator[Sequence[Any]], ranges: Sequence[tuple[int, int, int, int]]) -> Iterator[Sequence[Any]]:
    """``rows`` with every cell of a merged range holding what its top-left cell holds, as the clerk sees
    it: 楼栋 merged down over its units, a 房号 header merged over two header rows, a 项目 over a block."""
    if not ranges:
        yield from rows
        return
    pending = sorted(ranges, key=lambda r: r[1])
    next_range = 0
    active: list[tuple[tuple[int, int, int, int], Any]] = []
    for number, values in enumerate(rows, start=1):
        while next_range < len(pending) and pending[next_range][1] <= number:
            bounds = pending[next_range]
            next_range += 1
            if bounds[1] == number:
                anchor = values[bounds[0] - 1] if 0 < bounds[0] <= len(values) else None
                if anchor is not None:
                    active.append((bounds, anchor))
        active = [(bounds, anchor) for bounds, anchor in active if bounds[3] >= number]
        if not active:
            yield values
            continue
        filled = list(values)
        for (min_col, min_row, max_col, _), anchor in active:
            last = min(max_col, min_col + MAX_MERGED_COLUMNS)
            if len(filled) < last:
                filled.extend([None] * (last - len(filled)))
            for column in range(min_col, last + 1):
                if (column, number) != (min_col, min_row) and filled[column - 1] is None:
                    filled[column - 1] = anchor
        yield filled


def _header_cells(
    values: Sequence[Any], by_name: dict[str, str], groups: Sequence[Any] = (), rank: dict[str, int] | None = None
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """The known headers of one row (key -> position and text as written) and its other non-empty cells.

    A header under a group cell (the row above, merged over its columns) is read with the group's name
    first when that names a column: 姓名 under 租户信息 is 租户姓名, 电话 under 业主信息 业主电话.
    Two cells naming one column (an export with 问题描述 and 内容): the standard name is read, else the spelling
    its column lists first (``rank``: a name's place in the column's header and aliases), wherever it stands; the
    other is left among the cells nothing reads."""
    rank = rank or {}
    found: dict[str, tuple[int, str]] = {}
    ranks: dict[str, int] = {}
    others: list[str] = []
    for index, value in enumerate(values):
        group = _GROUP_SUFFIX.sub("", normalise_header(groups[index])) if index < len(groups) else ""
        name = group + normalise_header(value) if group and group + normalise_header(value) in by_name else ""
        name = name or normalise_header(value)
        key = by_name.get(name)
        text = str(value).strip() if value is not None else ""
        if key and (key not in found or rank.get(name, 0) < ranks[key]):
            if key in found:
                others.append(found[key][1])
            found[key], ranks[key] = (index, text), rank.get(name, 0)
        elif text:
            others.append(text)
    return found, others


#: What a group cell above the headers ends with: 业主信息, 租户资料 name the group 业主, 租户.
_GROUP_SUFFIX = re.compile(r"(?:信息|资料|情况)$")


def _find_header(
    values_iter: Iterator[Sequence[Any]],
    by_name: dict[str, str],
    wanted: int,
    required: Sequence[str] = (),
    rank: dict[str, int] | None = None,
) -> tuple[int, dict[str, int], dict[str, str], list[str], list[Sequence[Any]]]:
    """Look for the header row in the first ``HEADER_SEARCH_ROWS`` rows: (row number or 0, positions,
    headers as written, the other non-empty header cells of that row, which nothing reads, and the rows
    read past it, which the caller reads on from).

    The header row is the one with the ``required`` headers and, among those, the most known headers (the
    first of equals) — not merely the first with ``wanted`` of them: a group-header row above it
    (房屋信息 | 业主信息 | 联系方式, merged over the columns) holds spellings of 房号 and 联系电话 too."""
    head = list(itertools.islice(values_iter, HEADER_SEARCH_ROWS))
    best: tuple[int, dict[str, tuple[int, str]], list[str]] | None = None
    best_score = (False, 0)
    for number, values in enumerate(head, start=1):
        found, others = _header_cells(values, by_name, head[number - 2] if number > 1 else (), rank)
        score = (all(key in found for key in required), len(found))
        if len(found) >= wanted and (best is None or score > best_score):
            best, best_score = (number, found, others), score
    if best is None:
        return 0, {}, {}, [], []
    number, found, others = best
    return (
        number,
        {key: index for key, (index, _) in found.items()},
        {key: text for key, (_, text) in found.items()},
        others,
        head[number:],
    )


def accepted_spellings(column: Column) -> str:
    """The header spellings a column is recognised by, for a message: "房号、房间号、房间"."""
    return "、".join(dict.fromkeys((column.header, *column.aliases)))


def read_table(
    path: Path,
    columns: Sequence[Column],
    progress: ProgressCallback | None = None,
    sheet_name: str | None = None,
    map_option: bool = False,
) -> SheetTable:
    """Read one sheet of ``path`` against ``columns``.

    The sheet is ``sheet_name`` when given; else the sheet a clerk sees on opening the file
    (``shown_sheet``) when it has every required header, else the first other visible sheet that
    has them (another system's export may put a cover or a summary sheet first).  The table
    names the sheet read (``sheet``) and the header cells nothing reads (``ignored``).

    Cells of a merged range read as its top-left cell (``fill_merged``): a 楼栋 merged down over its
    units, a header merged over two header rows.  Raises ``NotFoundError`` for a missing file or sheet
    and ``ValidationError`` for a file that is not a readable .xlsx or lacks a required header (listing
    the accepted spellings, and ``--map`` where the command has it: ``map_option``).
    """
    workbook = _open_workbook(path, read_only=True)
    try:
        by_name = {normalise_header(name): col.key for col in columns for name in (col.header, *col.aliases)}
        # The standard name first, then the aliases as listed: which of two cells naming one column is read.
        rank = {
            normalise_header(name): place for col in columns for place, name in enumerate((col.header, *col.aliases))
        }
        wanted = min(2, len(columns))
        required = [col for col in columns if col.required]
        if sheet_name is not None:
            names = workbook.sheetnames
            if sheet_name not in names:
                raise NotFoundError(
                    f"{readable_name(path.name)} 中没有名为“{sheet_name}”的工作表（有：{'、'.join(names)}）"
                )
            candidates = [workbook[sheet_name]]
        else:
            shown = shown_sheet(workbook)
            candidates = [shown] + [
                s for s in workbook.worksheets if s is not shown and getattr(s, "sheet_state", "visible") == "visible"
            ]
        chosen = None
        # The sheet that came closest (most headers found), for the message when none has them all.
        best: tuple[int, Any, int, dict[str, int]] = (-1, candidates[0], 0, {})
        for sheet in candidates:
            recorded_rows = sheet.max_row  # the size the file claims, only a hint for the progress bar
            rows = fill_merged(sheet_values(sheet), merged_ranges(path, sheet))
            header_row, positions, headers, ignored, after_header = _find_header(
                rows, by_name, wanted, [col.key for col in required], rank
            )
            if header_row and all(col.key in positions for col in required):
                chosen = sheet
                break
            if len(positions) > best[0]:
                best = (len(positions), sheet, header_row, positions)
        if chosen is None:
            _, closest, header_row, positions = best
            missing = [col for col in required if col.key not in positions] if header_row else required
            spellings = "；".join(f"{col.header}（可写作：{accepted_spellings(col)}）" for col in missing)
            if header_row:
                where = f"读的是工作表“{closest.title}”第 {header_row} 行的表头"
            elif len(candidates) > 1:
                where = f"{len(candidates)} 个工作表中都没有找到表头"
            else:
                where = f"工作表“{closest.title}”中没有找到表头"
            raise ValidationError(
                f"{readable_name(path.name)} 缺少表头：{'、'.join(col.header for col in missing)}"
                f"（{where}；表头应在前 {HEADER_SEARCH_ROWS} 行内）。可用的写法：{spellings}"
                + (
                    "；其他写法请用 --map 表头=标准列名 指明，例如 --map 房间=房号"
                    if map_option
                    else "；请把表头改成其中一种写法"
                )
            )
        data = []
        column_positions = [(col.key, positions.get(col.key, -1)) for col in columns]
        for number, values in enumerate(itertools.chain(after_header, rows), start=header_row + 1):
            if progress is not None and number % 1000 == 0:
                # Past the recorded size the total is unknown: the bar runs on without one.
                total = recorded_rows - header_row if recorded_rows and number <= recorded_rows else None
                progress(number - header_row, total)
            cells: dict[str, Any] = {}
            for key, index in column_positions:
                value = values[index] if 0 <= index < len(values) else None
                cells[key] = (value.strip() or None) if isinstance(value, str) else value
            # A footer line is one wherever it stands, in a column nothing reads too (客户编号, 备注): each import
            # says it, or refuses it between its rows, by one rule (``footer_rows``).
            footer = _footer_cell(values)
            if any(value is not None for value in cells.values()) or footer[0]:
                total = any(is_total_label(value) for value in values)
                data.append(SheetRow(number, cells, total, *footer))
        letters = {key: column_letter(index) for key, index in positions.items()}
        # A problem about a column the sheet lacks names it by its Chinese header, never by its key.
        headers = {col.key: col.header for col in columns} | headers
        return SheetTable(data, letters, headers, chosen.title, tuple(ignored))
    finally:
        workbook.close()


def iter_column_widths(rows: Sequence[Sequence[Any]], minimum: int = 6, maximum: int = 40) -> Iterator[int]:
    """A readable width per column: CJK characters count double."""
    for values in zip(*rows, strict=False):
        widest = max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(v or "")) for v in values)
        yield max(minimum, min(maximum, widest + 2))


def cells_as_text(workbook: Workbook) -> int:
    """Store every text cell that starts like a formula (``FORMULA_STARTS``) as plain text.

    openpyxl writes a string starting with ``=`` as a live formula: an owner called ``=A1`` or
    ``=HYPERLINK(…)`` would be evaluated when the file is opened and read back empty.  Such cells
    become strings with Excel's quote prefix (shown, printed, edited and re-imported exactly as
    written).  The project writes no formulas of its own, so every workbook it writes goes through
    here (``save_atomically`` calls it).  Returns how many cells it changed.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed


def save_atomically(workbook: Workbook, target: Path, *, private: bool = False) -> Path:
    """Save beside the target, fsync, then rename over it: a crash never leaves half a file.

    Cells from user data that look like formulas are stored as text first (``cells_as_text``).
    The file is readable as any new file of the process (the office's other accounts), or by its
    writer only when ``private`` (personal data unmasked: ``core.atomic.PRIVATE``).
    """

    cells_as_text(workbook)
    return write_bytes(target.expanduser().resolve(), saved(workbook), mode=PRIVATE if private else None)
