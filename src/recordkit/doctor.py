"""``recordkit doctor``: what works on this installation and what is missing.

Each check is a small function returning a ``Check`` with the command that
fixes it; required checks decide the exit code, optional ones only inform.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from recordkit.archive.rules import SYSTEM_FILES, silencing_hidden, skipped_patterns
from recordkit.billing.closing import left_open
from recordkit.core.config import ArchiveSettings, office_phone, search_backend, signing_operator, spaced
from recordkit.core.dates import Month, machine_offset, office_zone
from recordkit.core.errors import ConfigError, LedgerDiskFull, LedgerError, RecordkitError, read_refusal, system_account
from recordkit.core.filenames import as_shell_word
from recordkit.core.unitcodes import begins_a_building
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import (
    NO_SCHEMA,
    NO_SCHEMA_ADVICE,
    SCHEMA_ADVICE,
    SCHEMA_MADE_BY,
    Ledger,
    connection_advice,
    holds_no_ledger,
    ledgers_beside_said,
    read_workspace_ledger,
    sqlite_file,
    sqlite_ledger_not_there,
    sqlite_refused,
)
from recordkit.ledger.schema import HEAD_REVISION, metadata
from recordkit.owners.contacts import contacts_with_owners_numbers
from recordkit.owners.roster import owners_under_two_numbers, roster_names_now, villas_numbered_as_flats
from recordkit.resources import FONT_PATH, cjk_font
from recordkit.search.backends import BACKEND_NAMES, PostgresIndex, open_index
from recordkit.search.backends.base import NewerIndexError
from recordkit.search.backends.postgresql import NoIndexTables
from recordkit.search.query import moved_warning

#: What a check reads from the ledger (``_from_ledger``).
_Found = TypeVar("_Found")

BUILTIN_TEMPLATES_DIR = Path(__file__).parent / "documents" / "templates" / "builtin"
MIN_FREE_BYTES = 1_000_000_000


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


#: The fix of a line whose message says itself what to change (a refused setting or database).
FOLLOW_THE_MESSAGE = "按说明中的做法改好后，再运行 recordkit doctor"
#: What doctor adds to a current ledger's line behind a connection pool.
POOLED = "；经过连接池（如 pgbouncer），语句不在数据库里预编译"


def check_database(workspace: Workspace) -> Check:
    """The ledger's line, said first — whatever it finds — to be the environment's where a variable changes
    recordkit.toml's address or schema (``_changed_by_environment``), as every message names the variable."""
    check = _check_ledger(workspace)
    changed = _changed_by_environment(workspace)
    if not changed:
        return check
    return replace(check, detail=f"环境变量 {'、'.join(changed)} 改了 recordkit.toml 的台账设置：{check.detail}")


def _changed_by_environment(workspace: Workspace) -> list[str]:
    """The environment's variables that gave the ledger's address or schema another value than recordkit.toml's (the
    settings' own record, ``DatabaseSettings.changed_by_environment``: no flag names the ledger); one repeating the
    file's own value changes nothing, and is not named."""
    return workspace.settings.database.variables_changing("url", "schema")


def _check_ledger(workspace: Workspace) -> Check:
    file = sqlite_file(workspace.database_url)
    if file is not None and file.parent.is_dir() and holds_no_ledger(file):
        # records/ledger.sqlite3 gone, or of 0 bytes (a copy cut short, a full disk): found again from a backup, never
        # taken for a new estate's (a folder not there: the settings' refusal)
        return Check("台账数据库", False, *sqlite_ledger_not_there(file, workspace.settings.database))
    try:
        with read_workspace_ledger(workspace) as ledger:
            where, revision, schema_exists = ledger.where, ledger.revision(), ledger.schema_exists()
            moved = ledger.moved_to() if revision == HEAD_REVISION else None
            creatable = revision is not None or ledger.may_create()
            not_granted = ledger.not_granted_said() if revision is None and ledger.not_granted() else None
            no_schema = revision is None and not creatable and ledger.no_schema()
            in_the_way = ledger.tables_in_the_way() if revision is None and schema_exists else []
            grants = ledger.grants_to_ask(schema_missing=not schema_exists)
            read_only = ledger.read_only()
            read_only_said, read_only_advice = ledger.read_only_said, ledger.read_only_advice
            # (a SQLite ledger kept read-only by -wal or -shm files a reader left: a fault, unlike a replica)
            leftovers_fix = ledger.writes_need() if ledger.leftovers() else ""
            upgrade_where = (
                "在连主库的电脑上" if ledger.dialect == "postgresql" else f"{ledger.writes_need()}后"
            ) + "运行 recordkit db upgrade"
            only_read = ledger.tables_only_read() if revision == HEAD_REVISION and not read_only else []
            write_grants = ledger.write_grants_to_ask()
            account, ledger_tables = ledger.account_name, len(metadata.sorted_tables)
            pooled = ledger.behind_pool()
            ledgers_beside = ledger.ledger_schemas() if revision is None else []
    except ConfigError as err:  # a setting, or the database it names, that recordkit refuses: the message says why
        return Check("台账数据库", False, err.message, FOLLOW_THE_MESSAGE)
    except RecordkitError as err:
        # (the message says what to do: a refused connection, a full disk, a SQLite file or folder this account
        # may not write)
        cause = err.__cause__
        advised = isinstance(err, LedgerDiskFull) or (
            cause is not None and (bool(connection_advice(cause)) or sqlite_refused(cause))
        )
        fix = (
            FOLLOW_THE_MESSAGE
            if advised
            else f"检查{spaced(workspace.settings.database.named('url'))}，或数据库服务是否启动"
        )
        return Check("台账数据库", False, err.message, fix)
    if moved is not None:
        return Check(
            "台账数据库",
            False,
            f"{where}：{moved.said}，不能再写入",
            workspace.settings.database.to_new_address(),
        )
    if read_only:  # a clerk's PC on a replica searches and lists there: fine, but writes go to the primary
        upgrade = revision != HEAD_REVISION
        return Check(
            "台账数据库",
            not upgrade and not leftovers_fix,
            f"{where}：{read_only_said}"
            + (
                f"，表结构版本 {revision or '（空库）'}，需要 {HEAD_REVISION}"
                if upgrade
                else f"（表结构版本 {revision}）"
            )
            + f"：{read_only_advice}",
            upgrade_where if upgrade else leftovers_fix,
        )
    if not_granted is not None:  # (a ledger there, not this account's to see: not a new one)
        return Check("台账数据库", False, f"{where}：{not_granted[0]}", not_granted[1])
    if no_schema:
        return Check("台账数据库", False, f"{where}：新的空台账，但{NO_SCHEMA}", NO_SCHEMA_ADVICE)
    if not creatable:  # the first use would fail: say so now
        return Check("台账数据库", False, f"{where}：新的空台账，但这个数据库账户不能在这里建表", grants)
    if not schema_exists:
        return _new_ledger(workspace, where, f"模式还不存在，{SCHEMA_MADE_BY}时建立", ledgers_beside)
    if in_the_way:  # the first use would be refused: say so now
        return Check(
            "台账数据库",
            False,
            f"{where}：新的空台账，但库里已有别的程序的同名表（{'、'.join(in_the_way)}），首次使用时不能建表",
            f"{SCHEMA_ADVICE}（recordkit 自己建这个模式，只用它），或换一个新建的数据库",
        )
    if revision is None:
        return _new_ledger(workspace, where, f"新的空台账，{SCHEMA_MADE_BY}时建表", ledgers_beside)
    if revision != HEAD_REVISION:
        return Check(
            "台账数据库",
            False,
            f"{where}：表结构版本 {revision or '（空库）'}，需要 {HEAD_REVISION}",
            "recordkit db upgrade",
        )
    if only_read:  # a PC kept for searching needs no more: a reminder, not a failure
        tables = (
            f"全部 {len(only_read)} 张表"
            if len(only_read) == ledger_tables
            else f"{len(only_read)} 张表（{'、'.join(only_read[:5])}{'等' if len(only_read) > 5 else ''}）"
        )
        return Check(
            "台账数据库",
            False,
            f"{where}（表结构版本 {revision}）：数据库账户 {account} 对台账的{tables}只能读："
            "检索和查看可以，收款、归档、借阅等写入会被拒绝",
            f"这台电脑只用来检索时可以不管；否则请数据库管理员执行 {write_grants}",
            required=False,
        )
    return Check("台账数据库", True, f"{where}（表结构版本 {revision}）" + (POOLED if pooled else ""))


def _new_ledger(workspace: Workspace, where: str, first_use: str, ledgers_beside: list[str]) -> Check:
    """The line of a ledger not made yet (``first_use``: how its first use makes it): right for a new estate, wrong
    where records/archive holds what was filed already (``archive_without_its_ledger``: the filing service then
    refuses to start; a clerk's first payment would still make an empty ledger, numbering receipts from 1).  With
    nothing filed here (a clerk's PC) but other schemas of the database holding a ledger, a reminder naming them: a
    mistyped schema there is told before a payment or an import makes an empty ledger."""
    # loaded on first use: the archive's own test (a file below records/archive); its module costs doctor ~0.5 s
    from recordkit.archive.archivist import archive_without_its_ledger

    told = archive_without_its_ledger(workspace, where, ledgers_beside)
    if told is None and ledgers_beside:
        return Check(
            "台账数据库",
            False,
            f"{where}：{first_use}；{ledgers_beside_said(ledgers_beside)}",
            f"是新的小区就不用管；要用其中一个的，把{spaced(workspace.settings.database.named('schema'))} 改成它，"
            + _NOT_BEFORE_CHECKED,
            required=False,
        )
    if told is None:
        return Check("台账数据库", True, f"{where}：{first_use}")
    said, fix = told
    return Check("台账数据库", False, said, f"{fix}；{_NOT_BEFORE_FIXED}")


#: What not to do while the ledger's address names no ledger of the archive's (``_new_ledger``).
_NOT_BEFORE_FIXED = "改好之前不要启动归档服务、不要收款（会在这里新建一个空台账，收据号从 1 编起）"
#: What not to do while a schema not made yet may be another estate's mistyped (``_new_ledger``).
_NOT_BEFORE_CHECKED = "改好之前不要导入名册、不要运行 recordkit db upgrade（会在这里新建一个空台账，收据号从 1 编起）"


def check_search_index(workspace: Workspace) -> Check:
    """Which index backend is in use, and whether it is built, current and readable (informs only: a new
    workspace has no index until its first ``recordkit index``)."""
    backend = search_backend(workspace.settings)
    where = BACKEND_NAMES[backend]
    try:
        index = open_index(workspace)
        if not index.exists():
            return Check("检索索引", False, f"{where}：还没有建立", "recordkit index", required=False)
        items, pending = index.count()
        moved = index.moved_away() if isinstance(index, PostgresIndex) else None
    except NewerIndexError as err:
        return Check("检索索引", False, f"{where}：{err.message}", "升级本机的 recordkit", required=False)
    except LedgerError as err:  # the database the index lives in cannot be reached: nothing to rebuild
        return Check("检索索引", False, f"{where}：{err.message}", _LEDGER_FIRST, required=False)
    except ConfigError as err:  # (a database not in UTF8, a backend the ledger cannot hold): a rebuild cannot help
        return Check("检索索引", False, f"{where}：{err.message}", FOLLOW_THE_MESSAGE, required=False)
    except NoIndexTables as err:  # (a ledger older than the index tables, or none yet: index makes no ledger)
        # (no ledger here — none yet, a schema mistyped, or one not this account's —: an upgrade would make an empty one)
        if (unread := _no_ledger_here(workspace)) is not None:
            return Check("检索索引", False, f"{where}：{unread}，没有检查", _LEDGER_FIRST, required=False)
        return Check(
            "检索索引",
            False,
            f"{where}：{err.message}",
            "recordkit db upgrade，再运行 recordkit index --rebuild",
            required=False,
        )
    except RecordkitError as err:
        return Check("检索索引", False, f"{where}：{err.message}", "recordkit index --rebuild", required=False)
    waiting = f"，{pending} 件待 OCR（recordkit index）" if pending else ""
    if moved is not None:
        warning = moved_warning(moved, workspace.settings.office.time_zone)
        return Check("检索索引", False, f"{where}：{items} 件{waiting}。{warning}", FOLLOW_THE_MESSAGE, required=False)
    return Check("检索索引", True, f"{where}：{items} 件{waiting}", required=False)


def _no_ledger_here(workspace: Workspace) -> str | None:
    """``_why_unread``'s words when the workspace's ledger is not there, or there but not granted to this account, else
    None."""
    try:
        with read_workspace_ledger(workspace) as ledger:
            return _why_unread(ledger) if ledger.revision() is None else None
    except RecordkitError:
        return None


def check_templates(workspace: Workspace) -> Check:
    office = workspace.templates_dir
    builtin = sorted(p.name for p in BUILTIN_TEMPLATES_DIR.glob("*.docx"))
    if not office.is_dir():
        return Check("模板", False, f"缺少目录 {office}", f"mkdir {office}")
    try:
        own = sorted(p.name for p in office.iterdir() if p.suffix.lower() == ".docx")
    except OSError as err:
        return Check("模板", False, f"无法读取 {office}：{read_refusal(err)}", f"检查 {office} 的访问权限")
    if not own:  # (the template engine is loaded only when there is an office's template to look at)
        return Check("模板", True, f"内置模板 {len(builtin)} 个，本处模板 0 个（{office}）")
    # What `templates list` shows as 有问题 (one Word cannot open, one that would print ｛｛ … ｝｝ as typed): found
    # here by the IT person, not at the counter by the first clerk who prints from it.
    from recordkit.documents.templates.checks import listing  # loaded on first use: Jinja, python-docx
    from recordkit.documents.templates.engine import ORIGIN_OFFICE, TemplateLibrary  # loaded on first use: the same

    # An office's copy of a built-in made from an older version, lacking variables the built-in has gained since
    # (``TemplateLibrary.lacking``), is told too: it prints the old fixed words without a word.
    infos = [info for info in listing(TemplateLibrary.for_workspace(workspace)) if info.origin == ORIGIN_OFFICE]
    broken = [info.name for info in infos if info.problem is not None]
    lacking = [info for info in infos if info.problem is None and info.lacks]
    counted = f"内置模板 {len(builtin)} 个，本处模板 {len(own)} 个"
    if broken:
        older = f"；另有 {len(lacking)} 个比内置模板少了变量（templates check 逐个说明）" if lacking else ""
        return Check(
            "模板",
            False,
            f"{counted}，其中 {len(broken)} 个有问题：{'、'.join(broken)}{older}",
            f"运行 recordkit templates check {as_shell_word(broken[0])}（有问题的模板各运行一次）列出要改的地方",
            required=False,
        )
    if lacking:
        named = "、".join(f"{info.name}（{'、'.join(info.lacks)}）" for info in lacking)
        return Check(
            "模板",
            False,
            f"{counted}，其中 {len(lacking)} 个比内置模板少了变量：{named}",
            f"运行 recordkit templates check {lacking[0].name}，按提示换成内置模板或在 Word/WPS 里补上这些变量",
            required=False,
        )
    return Check("模板", True, f"{counted}（{office}）")


def check_cjk_fonts(_workspace: Workspace) -> Check:
    fix = "apt-get install fonts-noto-cjk"
    if shutil.which("fc-list") is None:
        return Check(
            "中文字体",
            False,
            "没有 fc-list，无法检查字体（生成 PDF 需要中文字体）",
            f"apt-get install fontconfig && {fix}",
            required=False,
        )
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    families = sorted({line.split(",")[0].strip() for line in found.splitlines() if line.strip()})
    if not families:
        return Check("中文字体", False, "没有中文字体：PDF 中的汉字会显示为方框", fix, required=False)
    return Check(
        "中文字体",
        True,
        "、".join(families[:3]) + (f" 等 {len(families)} 种" if len(families) > 3 else ""),
        required=False,
    )


def check_libreoffice(_workspace: Workspace) -> Check:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        return Check(
            "LibreOffice",
            False,
            "未安装：文书只能生成 .docx，不能转成 PDF",
            "apt-get install libreoffice-writer",
            required=False,
        )
    return Check("LibreOffice", True, binary, required=False)


#: What doctor's OCR check draws and reads back: a few characters of the office's own words.
OCR_SAMPLE = "物业档案 3-2-1201"


def load_engine() -> Any:
    """The archive's OCR engine (the models take a second or more to load)."""
    # loaded on first use: the OCR stack (onnxruntime, OpenCV, pypdfium2) is needed only by --ocr
    from recordkit.archive.extract import load_engine as load_ocr_engine

    return load_ocr_engine()


def _ocr_missing() -> Check | None:
    """The failed check when the OCR engine is not installed, else None."""
    if importlib.util.find_spec("rapidocr_onnxruntime") is not None:
        return None
    return Check(
        "OCR 文字识别",
        False,
        "未安装：没有文字层的扫描件只能按文件信息检索",
        "pip install rapidocr_onnxruntime",
        required=False,
    )


def check_ocr_installed(_workspace: Workspace) -> Check:
    """Whether the OCR engine is installed, without loading it (``doctor --ocr`` reads a sample)."""
    if (missing := _ocr_missing()) is not None:
        return missing
    return Check(
        "OCR 文字识别",
        True,
        "rapidocr_onnxruntime 已安装（未试识别；recordkit doctor --ocr 会读一张样张）",
        required=False,
    )


def check_ocr(_workspace: Workspace) -> Check:
    """Load the engine and read a small rendered sample: proves the models load and recognise Chinese."""
    # loaded on first use: Pillow and the OCR helpers are needed only when a sample is read
    from PIL import Image, ImageDraw

    from recordkit.archive.extract import character_accuracy  # loaded on first use (as above)

    if (missing := _ocr_missing()) is not None:
        return missing

    if not FONT_PATH.is_file():
        return Check(
            "OCR 文字识别",
            False,
            f"缺少样张字体 {FONT_PATH.name}，无法试识别（安装包不完整）",
            "pip install --force-reinstall recordkit",
            required=False,
        )

    # Square, because the detector scales the shorter side up to 736 px: a strip would cost seconds.
    sample = Image.new("L", (320, 320), 255)
    ImageDraw.Draw(sample).text((24, 140), OCR_SAMPLE, font=cjk_font(28), fill=0)
    started = time.monotonic()
    try:
        text, _confidence = load_engine().recognize(sample)
    except ImportError as err:  # OpenCV, which rapidocr needs, wants these system libraries
        return Check(
            "OCR 文字识别", False, f"识别引擎无法加载（{err}）", "apt-get install libgl1 libglib2.0-0", required=False
        )
    except Exception as err:  # a broken onnxruntime install: report it, never crash doctor
        return Check(
            "OCR 文字识别",
            False,
            f"识别引擎无法运行（{type(err).__name__}）",
            "pip install --force-reinstall rapidocr_onnxruntime onnxruntime",
            required=False,
        )
    seconds = time.monotonic() - started
    if character_accuracy(OCR_SAMPLE, text) < 0.9:
        return Check(
            "OCR 文字识别",
            False,
            f"试识别样张“{OCR_SAMPLE}”读成了“{text}”",
            "pip install --force-reinstall rapidocr_onnxruntime",
            required=False,
        )
    return Check(
        "OCR 文字识别",
        True,
        f"rapidocr_onnxruntime：样张“{OCR_SAMPLE}”识别正确（{seconds:.1f} 秒，模型随安装包提供，离线可用）",
        required=False,
    )


#: The folders of records/ that may lie on a disk of their own (a NAS share mounted there, the scanner's share), and
#: what stops while it takes no writes; records/ itself holds the SQLite ledger, the papers made and the logs.
_DISK_FOLDERS = {
    "records": "收款、归档都写不进台账（SQLite），文书和日志也写不进去",
    "records/inbox": "扫描件归档后从收件箱里删不掉",
    "records/archive": "扫描件不能归档（归档服务把它们留在收件箱）",
}


def _disks(workspace: Workspace) -> Iterator[tuple[str, Path]]:
    """records/ (the workspace's folder before records/ is made) and each folder of ``_DISK_FOLDERS`` on a disk of its own, as
    (the folder as shown, its path)."""
    seen: set[int] = set()
    for shown in _DISK_FOLDERS:
        folder = workspace.root / shown
        try:
            disk = folder.stat().st_dev
        except OSError:  # not made yet: made on first use, on its parent's disk
            if shown == "records":
                yield "records", workspace.root
            continue
        if disk not in seen:
            seen.add(disk)
            yield shown, folder


def _write_refused(shown: str, folder: Path) -> tuple[str, str] | None:
    """Why ``folder`` takes no writes and what to do, or None: its disk mounted read-only, or the account running
    recordkit may not write it."""
    if os.access(folder, os.W_OK):
        return None
    statvfs = getattr(os, "statvfs", None)  # (Unix only)
    if statvfs is not None and statvfs(folder).f_flag & os.ST_RDONLY:
        return f"{shown} 所在的磁盘是只读的", f"把 {shown} 所在的磁盘重新以可写的方式挂载"
    account = system_account()
    return (
        f"运行 recordkit 的系统账户 {account} 不能写入 {shown}",
        f"让这个账户能写入 {folder}（sudo chown -R {account}: {folder}）",
    )


#: What the services write below records/ (the filing service's log and lock, the SQLite ledger's write queue, the
#: nightly index, the quarantine, the web page's page cache): one of these another account left there (a command
#: once run with sudo) stops the service that writes it, while records/ itself still takes writes.
_SERVICE_PLACES = ("logs", "index", "quarantine", "cache", "watch.lock", "ledger.sqlite3-queue")


def _left_by_another(records: Path) -> list[str]:
    """The places of ``_SERVICE_PLACES`` (and what each folder of them holds) this account may not write, as shown
    (records/logs/watch.log), in order."""
    refused = []
    for name in _SERVICE_PLACES:
        place = records / name
        inside = sorted(place.iterdir()) if place.is_dir() and os.access(place, os.R_OK | os.X_OK) else []
        for path in (place, *inside):
            if os.path.lexists(path) and not path.is_symlink() and not os.access(path, os.W_OK):
                refused.append(f"records/{path.relative_to(records).as_posix()}")
    return sorted(refused)


def check_disk(workspace: Workspace) -> Check:
    """The free space of records/, and of its inbox and archive where they lie on another disk, and whether each
    takes writes: a disk mounted read-only, or a folder the account running recordkit may not write (a share
    mounted as another account's), stops filing as surely as a full one."""
    problems: list[tuple[str, str]] = []
    free = []
    for shown, folder in _disks(workspace):
        where = "" if folder in (workspace.records_dir, workspace.root) else f"{shown} 所在的磁盘"
        left = shutil.disk_usage(folder).free
        if (refused := _write_refused(shown, folder)) is not None:
            said, fix = refused
            problems.append((f"{said}：{_DISK_FOLDERS[shown]}", fix))
        elif left < MIN_FREE_BYTES:
            problems.append((f"{where}只剩 {left / 1e9:.1f} GB", f"清理磁盘或把 {shown}/ 移到更大的磁盘"))
        free.append(f"{where}剩余 {left / 1e9:.0f} GB")
    records = workspace.records_dir
    # (records/ itself refused is said above, with the same chown)
    if os.access(records, os.W_OK) and (left_there := _left_by_another(records)):
        account = system_account()
        shown = "、".join(left_there[:5]) + (f" 等 {len(left_there)} 个" if len(left_there) > 5 else "")
        problems.append(
            (
                f"运行 recordkit 的系统账户 {account} 不能写入 {shown}（别的账户的文件，多半是用 sudo 运行 recordkit 留下的）："
                "归档服务、网页和夜间索引写不进它们就会停下",
                f"让这个账户能写入它们（sudo chown -R {account}: {records}）",
            )
        )
    if problems:
        return Check("磁盘空间", False, "；".join(said for said, _ in problems), "；".join(fix for _, fix in problems))
    return Check("磁盘空间", True, "；".join(free))


def check_operator(workspace: Workspace) -> Check:
    """The clerk who signs receipts and documents on this PC (money and paper refuse without one)."""
    try:
        name = signing_operator(workspace.settings)
    except ConfigError as err:
        return Check("经办人", False, err.message, 'recordkit.toml 里写 operator = "王芳"（或设置 RECORDKIT_OPERATOR）')
    return Check("经办人", True, f"{name}（签在收据和文书上）")


#: The estate name a new workspace gets when nobody gave one.
PLACEHOLDER_ESTATE = "示例小区"


def check_estate(workspace: Workspace) -> Check:
    """The estate's name, address and office phone that certificates and notices print: a phone papers refuse
    (``core.config.office_phone``) is a failed line naming where it was set; a missing one a reminder."""
    office = workspace.settings.office
    try:
        phone = office_phone(workspace.settings)
    except ConfigError as err:
        where = workspace.settings.notices.phone_from
        fix = f"把{where} 改成正确的号码，例如 025-84561234；还不知道号码的先清空，以后再填"
        return Check("小区信息", False, f"{err.message}：{_stopped_by_the_phone(workspace)}", fix)
    missing = []
    if office.estate.strip() in ("", PLACEHOLDER_ESTATE):
        missing.append(f"小区名称还是“{office.estate}”")
    if not office.address.strip():
        missing.append("没有填写小区地址")
    if not phone.strip():
        missing.append("没有填写物业电话")
    if missing:
        fix = 'recordkit.toml 的 [office] 写 estate = "幸福里小区"、address = "江宁市秦淮区幸福路88号"，[notices] 写 phone = "025-84561234"'
        return Check("小区信息", False, "；".join(missing) + "：证明和通知上会印错或缺少", fix, required=False)
    return Check("小区信息", True, f"{office.address}{office.estate}，电话 {phone}")


def _stopped_by_the_phone(workspace: Workspace) -> str:
    """Which papers a bad office phone stops, by name: those whose template prints it (the office's own where it has
    one: ``checks.printing_office_phone``)."""
    from recordkit.documents.templates.checks import printing_office_phone  # loaded on first use: Jinja, python-docx
    from recordkit.documents.templates.engine import TemplateLibrary  # loaded on first use: the same

    names = printing_office_phone(TemplateLibrary.for_workspace(workspace))
    if not names:
        return "现在的模板都不印这个电话，照常打印"
    return f"印这个电话的文书打印不了：{'、'.join(names)}，不印电话的照常打印"


def check_phases(workspace: Workspace) -> Check:
    """The estate's phases, and a reminder for each spelling of one that could begin a building number (A, P2:
    ``core.unitcodes.begins_a_building``): A3 typed for phase A's building 3 is the building A3, without a word, so
    the office is told how to type that phase's buildings (A·3, A区3) and how to do without the spelling."""
    table = workspace.settings.office.phase_table()
    if not table:
        return Check("分区", True, "本小区没有设分区", required=False)
    lettered = [(spelling, name) for spelling, name in table.items() if begins_a_building(spelling)]
    if not lettered:
        return Check("分区", True, "、".join(dict.fromkeys(table.values())), required=False)
    said, fixes = [], []
    for spelling, name in lettered:
        said.append(
            f"分区“{name}”的写法“{spelling}”后面紧跟楼号时按楼号读：{spelling}3 是 {spelling}3 栋，不是 {name} 的 3 栋"
        )
        other = next((other for other, of in table.items() if of == name and not begins_a_building(other)), None)
        typed = [f"{spelling}·3", *([f"{other}3"] if other else [])]
        fix = f"{name} 的楼请写 {' 或 '.join(typed)}（房号写 {' 或 '.join(f'{each}-1-101' for each in typed)}）"
        if spelling != name:
            fix += f"；用不着“{spelling}”这个写法的，把它从 recordkit.toml 的 [[office.phases]] spellings 里删去"
        fixes.append(fix)
    return Check("分区", False, "；".join(said), "；".join(fixes), required=False)


def _utc_offset(offset: dt.timedelta) -> str:
    """``UTC+08:00``, ``UTC-05:00``, ``UTC+05:30``."""
    minutes = int(offset.total_seconds()) // 60
    return f"UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _hours(minutes: int) -> str:
    """``8 个小时``, ``5 个半小时``, ``45 分钟``."""
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours} 个小时"
    if rest == 30 and hours:
        return f"{hours} 个半小时"
    return f"{hours} 小时 {rest} 分钟" if hours else f"{rest} 分钟"


def check_clock(workspace: Workspace, now: dt.datetime | None = None) -> Check:
    """Whether this machine keeps the office's time.  The day written on receipts, documents, loans and reports is
    the process's date: the command line moves itself onto the office's clock (``core.dates.adopt_office_clock``);
    where it cannot (no zone data, no ``time.tzset``), a server kept in UTC (a cloud machine, a fresh install) dates
    the first hours of each office day as the day before."""
    name = workspace.settings.office.time_zone
    moment = now or dt.datetime.now(dt.UTC)
    office = moment.astimezone(office_zone(name))
    office_offset = office.utcoffset() or dt.timedelta(0)
    here_offset = machine_offset(moment)  # this machine's zone (TZ, /etc/localtime, Windows' setting)
    shown = f"{name}（{_utc_offset(office_offset)}）"
    if office_offset == here_offset:
        return Check("时区", True, f"{shown}，现在是 {office:%Y-%m-%d %H:%M}", required=False)
    if moment.astimezone().utcoffset() == office_offset:  # the command line went onto the office's clock
        return Check(
            "时区",
            True,
            f"这台电脑的时区是 {_utc_offset(here_offset)}，recordkit 按办公室的时区 {shown}记日期，"
            f"现在是 {office:%Y-%m-%d %H:%M}",
            required=False,
        )
    gap = int(abs(office_offset - here_offset).total_seconds()) // 60
    side = "前一天" if office_offset > here_offset else "后一天"
    return Check(
        "时区",
        False,
        f"这台电脑的时区是 {_utc_offset(here_offset)}，办公室（recordkit.toml 的 [office] time_zone）是 {shown}："
        f"收据、文书、借阅和报表上的日期取这台电脑的日期，每天有 {_hours(gap)}会记成办公室的{side}",
        f"把这台电脑的时区设成 {name}（Linux：sudo timedatectl set-timezone {name}，再重启 recordkit 的服务；"
        "Windows：设置 → 时间和语言 → 时区），或改正 [office] time_zone",
        required=False,
    )


def _from_ledger(workspace: Workspace, name: str, read: Callable[[Ledger], _Found]) -> _Found | Check:
    """What ``read`` finds in the workspace's ledger for the check ``name``, or that check's 提醒 when the ledger
    cannot be read for it (not there, not granted, not reachable, not of the current tables: the 台账数据库 line
    says why)."""
    try:
        with read_workspace_ledger(workspace) as ledger:
            if (unread := _why_unread(ledger)) is not None:
                return Check(name, False, f"{unread}，没有检查", _LEDGER_FIRST, required=False)
            return read(ledger)
    except RecordkitError as err:
        return Check(name, False, f"没有检查：{err.message}", _LEDGER_FIRST, required=False)


#: The fix of a line that could not read the ledger: the 台账数据库 line's.
_LEDGER_FIRST = "先按“台账数据库”一项的修复方法处理"


def _why_unread(ledger: Ledger) -> str | None:
    """Why a check does not read ``ledger`` — this account not granted the ledger there, no ledger yet, or one not
    of the current tables —; None for a current ledger."""
    revision = ledger.revision()
    if revision == HEAD_REVISION:
        return None
    if revision is None and ledger.not_granted():
        return f"数据库账户 {ledger.account_name} 没有使用台账的权限"
    return "还没有台账" if revision is None else "台账不是最新的表结构"


#: The pairs ``check_owner_numbers`` names (the rest counted).
_PAIRS_NAMED = 10


def check_owner_numbers(workspace: Workspace) -> Check:
    """One person a version before the two numbers were told apart kept as two owners, under a first-generation
    (15-digit) ID number and the 18-digit one (``owners.roster.owners_under_two_numbers``): a 提醒 naming each pair,
    masked, with their units, and what makes them one — re-importing their units, which an import now matches as one
    owner with the newer number."""
    name = "业主证件号码"
    pairs = _from_ledger(workspace, name, owners_under_two_numbers)
    if isinstance(pairs, Check):
        return pairs
    if not pairs:
        return Check(name, True, "没有同一个人记成两位业主的（15 位和 18 位身份证号）", required=False)
    named = "；".join(f"{older.said()}与 {newer.said()}" for older, newer in pairs[:_PAIRS_NAMED])
    if len(pairs) > _PAIRS_NAMED:
        named += f" 等 {len(pairs)} 位"
    return Check(
        name,
        False,
        f"{len(pairs)} 位业主在台账里记成了两位（旧版本把同一个人的 15 位和 18 位身份证号各记一位）：{named}",
        "把这些房屋重新导入一次，就并成一位、保留 18 位号码（名册里写 15 位或 18 位都可以）："
        "recordkit owners export 名册.xlsx，再 recordkit owners import 名册.xlsx；"
        "导入时提示同一证件号码的电话或姓名不同的，核对后写成一样的再导入",
        required=False,
    )


def check_closed_months(workspace: Workspace, today: dt.date | None = None) -> Check:
    """Months an older version's closing left open before a closed one (``billing.closing.left_open``): a 提醒 naming
    them and the closing that mends it — the next one, which closes such empty months along and stores its closing
    balances again (run once that month is over, ``today`` by default this computer's day); a month among them with
    bills or money is to be closed first, as the closing itself would say."""
    name = "结账月份"
    found = _from_ledger(workspace, name, left_open)
    if isinstance(found, Check):
        return found
    if found is None:
        return Check(name, True, "已结账的月份之前没有漏结的月份", required=False)
    months, last = "、".join(map(str, found.months)), found.last_closed
    detail = (
        f"{months} 还没有结账，而在它以后的 {last} 已经结账（旧版本结账时跳过了没有账单也没有收付款的月份）："
        "那以后结账的月份没有存下结账余额，月报只能从头汇总"
    )
    if found.with_money:
        first = found.with_money[0]
        return Check(
            name,
            False,
            detail,
            f"按月份顺序先结 {first}：recordkit --operator 经办人姓名 fees close --month {first}",
            required=False,
        )
    after = last + 1
    over = after < Month.of(today or dt.date.today())
    return Check(
        name,
        False,
        detail,
        f"下次结账会把 {months} 一并结账，并重新存下结账余额：recordkit --operator 经办人姓名 fees close --month {after}"
        + ("" if over else f"（{after} 过完以后运行）"),
        required=False,
    )


def check_archive_files(workspace: Workspace) -> Check:
    """A catalogue listing items while records/archive holds no file at all (``archive.archivist.catalogued_elsewhere``:
    a ledger restored without the archive folder, the archive's disk not mounted), in the words of the filing service
    and ``archive verify``, which refuse to run then.  A fault beside a SQLite ledger, whose archive is on this
    computer; a 提醒 beside a PostgreSQL one, which a clerk's PC shares while the archive is on the office's server."""
    # loaded on first use: the archive's own test (a file below records/archive); its module costs doctor ~0.5 s
    from recordkit.archive.archivist import CHECK_THE_ARCHIVE_DISK, archive_missing_said, catalogued_elsewhere

    name = "档案文件"
    found = _from_ledger(workspace, name, lambda ledger: (catalogued_elsewhere(workspace, ledger), ledger.dialect))
    if isinstance(found, Check):
        return found
    catalogued, dialect = found
    if not catalogued:
        return Check(name, True, "台账里的档案在 records/archive 里找得到（逐件核对用 recordkit archive verify）")
    fix = (
        f"{CHECK_THE_ARCHIVE_DISK}；只从备份恢复了台账的，把 records/archive 也恢复过来"
        "（在这以前归档服务和 recordkit archive verify 都不会运行）"
    )
    shared = dialect == "postgresql"
    if shared:
        fix = "文员的电脑共用台账、档案在办公室服务器上的，不用管；存放档案的电脑上：" + fix
    return Check(name, False, archive_missing_said(catalogued), fix, required=not shared)


def check_inbox(workspace: Workspace) -> Check:
    """The inbox's ``[archive] ignore_patterns``: a 提醒 naming those that skip hidden files without a word
    (``archive.rules.silencing_hidden``: ``".*"`` of the list an older ``recordkit init`` wrote), what removing them
    does, and the default's patterns of hidden temporary files to add in their place (LibreOffice's, recordkit's own:
    other computers' system files are skipped whatever the setting, ``archive.rules.skipped_patterns``).  The office's
    setting is its own: never rewritten."""
    name, patterns = "收件箱", workspace.settings.archive.ignore_patterns
    silencing = silencing_hidden(patterns)
    skipped = skipped_patterns(patterns)
    if not silencing:
        return Check(
            name,
            True,
            f"不处理的临时文件名 {len(skipped)} 种（别的电脑留下的系统文件 {'、'.join(SYSTEM_FILES)} 总是不处理，"
            f"[archive] ignore_patterns 另加 {len(skipped) - len(SYSTEM_FILES)} 种）；其他以“.”开头的文件不归档，归档服务会提到",
            required=False,
        )
    named = _quoted(silencing)
    missing = [
        pattern for pattern in ArchiveSettings().ignore_patterns if pattern.startswith(".") and pattern not in skipped
    ]
    return Check(
        name,
        False,
        f"recordkit.toml 的 [archive] ignore_patterns 里有 {named}：收件箱里以“.”开头的文件（如同步软件还没写完的 "
        ".扫描001.pdf）都不归档，归档服务和 watch --once 也一句不提",
        f"从 [archive] ignore_patterns 删去 {named}，归档服务和 watch --once 就会提到这些文件（仍不归档，去掉文件名开头的“.”才归档）"
        + (f"；同时加上 {_quoted(missing)}，LibreOffice 和 recordkit 自己的这些临时文件照旧不提" if missing else ""),
        required=False,
    )


def _quoted(patterns: list[str]) -> str:
    """Patterns as recordkit.toml writes them: ``".*"、"._*"``."""
    return "、".join(json.dumps(pattern, ensure_ascii=False) for pattern in patterns)


#: The names ``check_roster_names`` lists (the rest counted).
_NAMES_LISTED = 20


def check_roster_names(workspace: Workspace) -> Check:
    """Names an older version kept that the roster import and ``owners contact add`` refuse today
    (``owners.roster.names_refused_now``), and owners kept under one name of several people that the import splits
    into owner and co-owners (``owners.roster.owners_split_now``: 王芳、李娜), and owners kept again as their unit's
    co-owner of the same name (``owners.roster.owners_kept_twice``), and two owners side by side that are the halves
    of one Latin name written surname first (``owners.roster.PairToMerge``: Smith and John), and two owners side by
    side that written in one cell may be one body (``owners.roster.BodyKeptApart``: 张三 and 丰餐饮有限公司, which a
    re-import of that cell makes one owner), and one person kept as contacts of one unit under several relations, or
    under one relation twice (``owners.contacts.ContactUnderRelations``: 配偶 赵磊 and 租户 赵磊; 家属 张敏 twice,
    which the counter and the import refuse), and
    an owner or co-owner kept as a contact of his unit under his name (``owners.contacts.OwnerAsContact``: 业主 张伟 and
    家属 张伟, refused alike), all seven read in one read transaction (``owners.roster.roster_names_now``: one moment of the ledger): a 提醒 listing
    each — unit, role, name
    (a name is not masked; no phone nor ID number), what a split makes of it — with what to do: an owner's or
    co-owner's refused name is refused at its cell when its unit's export comes back, a contact's is added again at the
    counter, a split owner's export imported back splits it, an owner kept twice is one once the export, the
    co-owner's number written on the owner's row too, is imported back, and such two are merged by the import once
    the export, their two rows made one of the whole name, is imported back — or, two people, are no longer listed once
    the second has an ID number, written on its row of the export imported back; a body's two kept apart are no longer
    listed once the body's full name is written on its row; a person under several relations, once the contacts of
    the wrong relations are removed, and one kept twice, once the second is (``owners contact remove``), as an owner kept as a contact once that contact is."""
    name = "业主和联系人姓名"
    found = _from_ledger(workspace, name, roster_names_now)
    if isinstance(found, Check):
        return found
    refused, split, twice, pairs, apart = found.refused, found.split, found.twice, found.pairs, found.apart
    if not (refused or split or twice or pairs or apart or found.relations or found.owners_as_contacts):
        return Check(
            name,
            True,
            "台账里的姓名都符合现在的规则，没有一个人在一套房屋登记了几种关系或以同一关系登记了不止一次，"
            "也没有业主、共有人又登记为本户的联系人",
            required=False,
        )
    details, fixes = [], []
    if refused:
        details.append(
            f"{len(refused)} 个姓名是旧版本登记的，现在导入名册和添加联系人都不收"
            f"（一格一个人、不带括号备注、要有汉字或字母）：{_listed([n.said() for n in refused])}"
        )
        fixes.append(
            "业主、共有人（照原样导出的名册再导入会在这些格子报错）：导出名册（recordkit owners export 名册.xlsx），"
            "改正这些格子后再导入（recordkit owners import 名册.xlsx）；租户、联系人：用 recordkit owners contact edit "
            "联系人编号 --name 姓名 改正，几个人记成了一位的，改成其中一位，其余的用 recordkit owners contact add 一位一位添加"
        )
    if split:
        details.append(
            f"{len(split)} 位业主是旧版本把几个人的姓名记成了一位业主：{_listed([s.said() for s in split], '位')}"
        )
        fixes.append(
            "要拆成业主和共有人的：导出名册（recordkit owners export 名册.xlsx）再导入（recordkit owners import 名册.xlsx），"
            "共有人的电话、证件号码可在导入前写在他的“共有人”行；不该拆开的：改正导出名册里的这一格后再导入"
        )
    if twice:
        details.append(
            f"{len(twice)} 户的业主又记成了本户同名的共有人（一个人记了两次）：{_listed([t.said() for t in twice], '户')}"
        )
        fixes.append(
            "一个人记了两次的：导出名册（recordkit owners export 名册.xlsx --show-private），共有人那一行写了证件号码的，"
            "把号码也写在业主那一行（两行电话不同的，改成一样的），再导入（recordkit owners import 名册.xlsx），就并成一位业主"
        )
    if pairs:
        details.append(
            f"{len(pairs)} 处相邻的两位业主合起来是一个姓在前、逗号隔开的英文姓名（旧版本导入时在逗号处拆成了两位）："
            f"{_listed([p.said() for p in pairs], '处')}"
        )
        fixes.append(
            "一个人拆成两位的：导出名册（recordkit owners export 名册.xlsx），在这些房屋把两人的两行并成一行——"
            "前一位那一格写成合起来的姓名（如 Smith, John），删去后一位那一行——再导入（recordkit owners import 名册.xlsx），"
            "就合并为一位业主，导入结果说没有合并的，按它写的原因处理；确是两位业主的，录入后一位（如 John）的证件号码后"
            "不再提示：在导出的名册里他那一行填上证件号码，再导入"
        )
    if apart:
        details.append(
            f"{len(apart)} 处相邻的两位业主写在一格里可能是一家单位（旧版本导入时把“张三、丰餐饮有限公司”这样的一格拆成了两位，"
            f"现在的导入不拆）：{_listed([a.said() for a in apart], '处')}"
        )
        fixes.append(
            "把两位写在一格的名册（如“张三、丰餐饮有限公司”）再导入时，这一格按一位业主原样记下（导入结果提醒核对这一格），"
            "代替这户原来的业主和共有人；是一家单位的：名册里这一格写成单位的全称再导入；确是两位的：导出名册"
            "（recordkit owners export 名册.xlsx），在单位那一行写上这家单位的全称，再导入（recordkit owners import 名册.xlsx），"
            "就不再提示"
        )
    if relations := [r.said() for r in found.relations if not r.one_relation]:
        details.append(
            f"{len(relations)} 人在同一套房屋登记了几种关系（旧版本登记的，一个人在一套房屋只登记一种关系，"
            f"现在添加联系人和导入名册都不收）：{_listed(relations, '人')}"
        )
        fixes.append(
            "一个人登记了几种关系的：核对后删除关系不对的那一位（recordkit owners contact remove 联系人编号），"
            "留下的那一位关系也不对的，用 recordkit owners contact edit 联系人编号 --relation 关系 改正"
        )
    if again := [r.said() for r in found.relations if r.one_relation]:
        details.append(
            f"{len(again)} 人在同一套房屋以同一关系登记了不止一次（旧版本登记的，现在添加联系人和导入名册都不收）："
            f"{_listed(again, '人')}"
        )
        fixes.append(
            "一个人以同一关系登记了不止一次的：核对电话、证件号码后删除多出的那一位（recordkit owners contact remove 联系人编号），"
            "只记在它名下的电话、证件号码先用 recordkit owners contact edit 联系人编号 补到留下的那一位"
        )
    if found.owners_as_contacts:
        details.append(
            f"{len(found.owners_as_contacts)} 位联系人是本户的业主或共有人（旧版本登记的，现在添加联系人和导入名册都不收；"
            f"通知上会把一个人印两次）：{_listed([o.said() for o in found.owners_as_contacts], '位')}"
        )
        fixes.append(
            "业主、共有人又登记为本户联系人的：核对后删除这位联系人（recordkit owners contact remove 联系人编号）"
        )
    return Check(name, False, "。".join(details), "。".join(fixes), required=False)


def check_contact_id_numbers(workspace: Workspace) -> Check:
    """Contacts an older version kept with the ID number of an owner or co-owner of their unit, or of another unit's
    owner, co-owner or contact, or another contact of their unit, under another name, which the counter and the roster
    import refuse today
    (``owners.contacts.contacts_with_owners_numbers``): a 提醒 listing each — unit, relation, name and contact number,
    the number masked, the other holder (and his unit, another's) — with the edit that clears or corrects it."""
    name = "联系人证件号码"
    found = _from_ledger(workspace, name, contacts_with_owners_numbers)
    if isinstance(found, Check):
        return found
    if not found:
        return Check(
            name,
            True,
            "没有联系人登记的是本户业主、共有人的证件号码，或另一户业主、共有人、联系人的，或本户另一位联系人的",
            required=False,
        )
    own = [f.said() for f in found if not f.unit]
    others = [f.said() for f in found if f.unit and not f.on_contacts]
    details = []
    if own:
        details.append(
            f"{len(own)} 位联系人登记的是本户业主或共有人的证件号码（旧版本登记的，现在添加联系人和导入名册都不收；"
            f"为租户开的居住证明会印成业主的号码）：{_listed(own, '位')}"
        )
    if others:
        details.append(
            f"{len(others)} 位联系人登记的是另一户业主或共有人的证件号码、姓名却不同（旧版本登记的，"
            f"现在添加联系人和导入名册都不收；一个号码成了两个人的）：{_listed(others, '位')}"
        )
    for whose, of_unit in (("另一户的联系人", False), ("本户另一位联系人", True)):
        if on_contacts := [f.said() for f in found if f.on_contacts and (f.unit == f.contact.unit) is of_unit]:
            details.append(
                f"{len(on_contacts)} 位联系人登记的证件号码与{whose}的相同、姓名却不同（旧版本登记的，"
                f"现在添加联系人和导入名册都不收；一个号码成了两个人的）：{_listed(on_contacts, '位')}"
            )
    return Check(
        name,
        False,
        "。".join(details),
        "核对后用 recordkit owners contact edit 联系人编号 --clear 证件号码 清空，"
        "或用 recordkit owners contact edit 联系人编号 --id-number 正确的号码 改正（租户、家属应填本人的证件号）",
        required=False,
    )


def check_unit_numbers(workspace: Workspace) -> Check:
    """Villas an older version kept under a flat's code (别墅3-2-1202, imported from 别墅 beside 3-2-1202), which the
    import refuses today (``owners.roster.villas_numbered_as_flats``): a 提醒 listing each in the words of that
    refusal, with what to do — register the flat (or the villa's own number) by the roster; no command renumbers or
    removes the old record, which keeps its bills and receipts."""
    name = "房屋编号"
    found = _from_ledger(workspace, name, villas_numbered_as_flats)
    if isinstance(found, Check):
        return found
    if not found:
        return Check(name, True, "没有编号是住宅房号的别墅", required=False)
    return Check(
        name,
        False,
        f"{len(found)} 户别墅的编号是住宅的房号（旧版本导入了类型写着别墅的住宅房号，现在的导入不收）："
        f"{_listed([villa.said() for villa in found], '户')}",
        "别墅的编号自成一套（12号别墅、别墅A12），不会是“楼栋-单元-楼层房号”。逐户核对：是住宅的，"
        f"名册里按住宅写这一户（房号写住宅的房号，如 {found[0].flat}，类型写住宅或不写）再导入"
        "（recordkit owners import 名册.xlsx），以后收费、收据、文书都用住宅的房号；是别墅、编号写错了的，"
        "名册里写上它的别墅编号（如 12号别墅）再导入。台账里原来这条别墅记录改不了编号、也删不掉，已有的收费和收据仍记在它名下",
        required=False,
    )


def _listed(items: list[str], measure: str = "个") -> str:
    """The first ``_NAMES_LISTED`` of ``items``, the rest counted."""
    listed = "；".join(items[:_NAMES_LISTED])
    return listed + (f" 等 {len(items)} {measure}" if len(items) > _NAMES_LISTED else "")


CHECKS: tuple[Callable[[Workspace], Check], ...] = (
    check_database,
    check_search_index,
    check_operator,
    check_estate,
    check_phases,
    check_clock,
    check_templates,
    check_cjk_fonts,
    check_libreoffice,
    check_ocr_installed,
    check_disk,
    check_archive_files,
    check_inbox,
    check_closed_months,
    check_owner_numbers,
    check_roster_names,
    check_contact_id_numbers,
    check_unit_numbers,
)


def run_checks(workspace: Workspace, *, ocr: bool = False) -> list[Check]:
    """Run every check; a check never raises, it reports.  With ``ocr`` the OCR engine is loaded
    and reads a rendered sample (seconds); without it, only its installation is checked."""
    results = [Check("工作区", True, str(workspace.root))]
    for check in CHECKS:
        results.append(check_ocr(workspace) if ocr and check is check_ocr_installed else check(workspace))
    return results
