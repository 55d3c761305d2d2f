"""The office workspace: where it is, what it holds, and making a new one.

A workspace is a folder with ``recordkit.toml`` or with both ``templates/`` and
``records/`` (so the repository root works with no configuration at all).
This module knows the folder layout; it knows nothing of the ledger's tables.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recordkit.core.config import CONFIG_FILE_NAME, Settings, load_settings
from recordkit.core.errors import WorkspaceError
from recordkit.core.filenames import as_shell_word
from recordkit.core.personal import mask_in_text

RECORDS_SUBDIRS = ("inbox", "archive", "generated", "quarantine", "index", "logs")

CONFIG_TEMPLATE = """\
# recordkit 配置文件（TOML 格式）。以 # 开头的行是说明，删掉行首的 # 即可生效。
# 优先级：内置默认值 < 本文件 < 环境变量 RECORDKIT_* < 命令行参数。
# 写错配置项名称或类型时，recordkit 会报错并指出是哪一项。

# 经办人：签在收据和文书上（收款人、经办人），并写入操作日志（journal）。
# 收款和打印文书时必须设置，而且不能是 root 这样的电脑账户名；也可以每次用 --operator 指定，
# 或设置环境变量 RECORDKIT_OPERATOR（几位文员共用一台电脑时）。
{operator_line}

[office]
# 物业服务中心名称：印在通知、收据、证明等文书上。
name = "{office}"
# 小区（园区）名称。
estate = {estate}
# 小区所在的详细地址（不含小区名），印在居住证明、通知等文书上，后面接小区名和房屋，例如
# “江宁市秦淮区幸福路88号幸福里小区1栋1单元101室”。
address = {address}

[notices]
# 物业服务中心的联系电话，印在证明、通知和催缴通知书上。
phone = {phone}

[receipt]
# 收据编号前缀，例如 SJ 生成 SJ2026-000123。
prefix = "SJ"
# 收据编号格式：{{prefix}} 前缀、{{year}} 年份、{{seq:06d}} 六位流水号（含 {{year}} 时每年从 1 起）。
# 编号连续、不重复、作废后也不再使用。
number_pattern = "{{prefix}}{{year}}-{{seq:06d}}"
# 收据纸张："A4"（一页三联）或 "241"（241 mm 针式打印连续纸，三联）。
layout = "A4"

[fees]
# 每笔应收金额算到分的取舍方式：half_up 四舍五入（默认）、down 舍去、up 进一。
rounding = "half_up"

# 收费项目与标准。首次使用时写入台账，之后以台账为准（调整标准用 recordkit fees rules set）。
# kind：area 按面积（元/㎡·月）、fixed 每月固定（元/月）、metered 按读数（元/吨、元/度）、oneoff 一次性。
# vacant_percent：空置房按百分之几收取（100 为全额，0 为不收）；units：只对这些房屋收取（省略为全部）。
# [[fees.items]]
# name = "物业服务费"
# kind = "area"
# rate = "2.35"
# effective_from = "2026-01"
# vacant_percent = 70
#
# [[fees.items]]
# name = "停车费"
# kind = "fixed"
# rate = "150"
# effective_from = "2026-01"
# units = ["1-1-101", "3-2-1201"]

[database]
# 台账数据库。留空表示使用 records/ledger.sqlite3（单机使用）。
# 多台电脑共用时填写 PostgreSQL 地址，例如：
# url = "postgresql+psycopg://recordkit:密码@192.168.1.10:5432/recordkit"
url = ""
# 另一个操作正在写台账时最多等待的秒数。
busy_timeout = 30
# 几个小区共用一个 PostgreSQL 数据库时，每个小区写一个自己的模式名（小写字母、数字、下划线），
# 台账和检索索引都放在这个模式里，互不可见。留空为数据库的默认模式（public）。
# schema = "estate_a"

[search]
# 检索索引放在哪里：sqlite（records/index 中的文件）或 postgresql（台账所在的 PostgreSQL 数据库，
# 各台电脑不用共享文件夹就能检索）。留空表示随台账：SQLite 台账用 sqlite，PostgreSQL 台账用 postgresql。
# 换用另一种时运行 recordkit index --to postgresql（或 --to sqlite），不必重新 OCR。
backend = ""
"""


@dataclass(frozen=True)
class Workspace:
    """A located workspace and its settings."""

    root: Path
    settings: Settings
    #: The clock the papers made in it are recorded by (``documents.generated``): None, the computer's; the demo's
    #: own day at office hours for a demo built as of an earlier day (``recordkit demo --today``).
    clock: Callable[[], dt.datetime] | None = field(default=None, compare=False, repr=False)

    def now(self) -> dt.datetime:
        """The present moment, aware: the workspace's ``clock``, else the computer's (in UTC)."""
        return self.clock() if self.clock is not None else dt.datetime.now(dt.UTC)

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE_NAME

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def records_dir(self) -> Path:
        return self.root / "records"

    def records_subdir(self, name: str) -> Path:
        """A sub-folder of records/ (inbox, archive, …), created on first use."""
        if name not in RECORDS_SUBDIRS:
            raise ValueError(f"unknown records folder {name!r}")
        path = self.records_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def log_file(self) -> Path:
        """records/logs/recordkit.log; neither it nor its folder made here (``_LogFile``: by the first line)."""
        return self.records_dir / "logs" / "recordkit.log"

    @property
    def database_url(self) -> str:
        """The ledger's SQLAlchemy URL: the configured one, else SQLite in records/."""
        if self.settings.database.url:
            return self.settings.database.url
        self.records_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.records_dir / 'ledger.sqlite3'}"


def is_workspace(path: Path) -> bool:
    return (path / CONFIG_FILE_NAME).is_file() or ((path / "templates").is_dir() and (path / "records").is_dir())


def find_root(explicit: Path | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """``--workspace``, then ``RECORDKIT_HOME``, then the current folder upward.

    Raises ``WorkspaceError`` when the named folder is not a workspace or none is found.
    """
    for named, source in ((explicit, "--workspace"), (environ.get("RECORDKIT_HOME"), "RECORDKIT_HOME")):
        if named:
            path = Path(named).expanduser().resolve()
            if not is_workspace(path):
                raise WorkspaceError(
                    f"{source} 指定的 {path} 不是 recordkit 工作区（没有 {CONFIG_FILE_NAME}，"
                    f"也没有 templates/ 和 records/）。请先运行：recordkit init {as_shell_word(str(path))}"
                )
            return path
    start = cwd.resolve()
    for candidate in (start, *start.parents):
        if is_workspace(candidate):
            return candidate
    raise WorkspaceError(
        f"在 {start} 及其上级目录中没有找到 recordkit 工作区。"
        "请先运行 recordkit init 目录名，或用 --workspace 指定工作区"
    )


def open_workspace(
    explicit: Path | None = None,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Workspace:
    """Locate the workspace and load its settings.  Raises ``WorkspaceError``/``ConfigError``."""
    env = os.environ if environ is None else environ
    root = find_root(explicit, env, cwd or Path.cwd())
    settings = load_settings(root / CONFIG_FILE_NAME, env, flags)
    return Workspace(root=root, settings=settings)


def init_workspace(
    directory: Path,
    office: str = "物业服务中心",
    estate: str = "示例小区",
    operator: str | None = None,
    *,
    address: str = "",
    phone: str = "",
) -> Path:
    """Create a new workspace in ``directory`` (made if missing), recording the office, the estate's
    name, its street address and the office phone in recordkit.toml.

    Refuses, with ``WorkspaceError``, a folder that already is a workspace or
    already holds a ``recordkit.toml``, ``templates/`` or ``records/``, and a file (or a path through one).
    """
    root = directory.expanduser().resolve()
    file = next((path for path in (root, *root.parents) if path.exists() and not path.is_dir()), None)
    if file is not None:  # (the roster typed where the folder belongs)
        raise WorkspaceError(
            f"{file} 是一个文件，不是文件夹：不能在 {root} 新建工作区，请给出一个文件夹（不存在会新建）"
        )
    clashes = [name for name in (CONFIG_FILE_NAME, "templates", "records") if (root / name).exists()]
    if clashes:
        raise WorkspaceError(
            f"{root} 已经有 {'、'.join(clashes)}，不会覆盖。要使用已有的工作区，直接在其中运行命令即可"
        )
    root.mkdir(parents=True, exist_ok=True)
    (root / "templates").mkdir()
    for name in RECORDS_SUBDIRS:
        (root / "records" / name).mkdir(parents=True)
    # Written last and exclusively: a crash before this leaves no half-made workspace that passes as whole.
    with (root / CONFIG_FILE_NAME).open("x", encoding="utf-8") as handle:
        # json.dumps writes a valid TOML basic string for any name (quotes and backslashes escaped).
        operator_line = (
            f"operator = {json.dumps(operator, ensure_ascii=False)}" if operator else '# operator = "张会计"'
        )
        handle.write(
            CONFIG_TEMPLATE.format(
                office=office,
                estate=json.dumps(estate, ensure_ascii=False),
                address=json.dumps(address, ensure_ascii=False),
                phone=json.dumps(phone, ensure_ascii=False),
                operator_line=operator_line,
            )
        )
    return root


#: The name of the handler writing the workspace's own log (records/logs/recordkit.log).
LOG_HANDLER_NAME = "recordkit-file"


def setup_logging(workspace: Workspace) -> Path:
    """Send recordkit's log records to records/logs/recordkit.log (rotating, 5 x 2 MB).

    The file and its folder are made by the first line written (none by a command that logs nothing); a line the disk
    refuses (read-only, full) is dropped (``_LogFile.handleError``): commands that only read, and ``doctor`` that
    says what is wrong, still run; a command that must write meets the disk's refusal where it writes, with its own
    message.
    """
    return add_rotating_log(workspace.log_file, LOG_HANDLER_NAME)


class _LogFile(logging.handlers.RotatingFileHandler):
    """The workspace's log file, silent when its disk refuses a line (full, read-only): the clerk is told the
    command's own message, not a page of the logging module's traceback at every line it could not write.  Every
    line, a traceback's too, has its phone and ID numbers masked as the screen masks them (``mask_in_text``): a scan's
    name, a sidecar's title or an error's words hold an owner's, and the log is kept for weeks and read by whoever
    looks after the server, who never asked for them (``--show-private`` shows them on the screen, journalled)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_in_text(super().format(record))

    def _open(self) -> Any:
        # (at the first line: the folder too, missing in a workspace restored without its logs)
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    #: Whether the disk refused the last line (full, read-only since it was opened): an internal error's traceback
    #: is then written to a file of its own, which its message names (``cli._app._report_unexpected``).
    refused_last_line = False

    def emit(self, record: logging.LogRecord) -> None:
        self.refused_last_line = False
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            self.refused_last_line = True
        else:
            super().handleError(record)


def add_rotating_log(path: Path, name: str) -> Path:
    """Send recordkit's log records also to ``path`` (rotating, 5 x 2 MB; the file made by the first), once per ``name``:
    a handler of that name writing elsewhere (another workspace) is replaced.  The PostgreSQL driver's own
    warnings (a COPY it abandoned with a connection the server ended) go there too, not onto the clerk's screen."""
    log, driver = logging.getLogger("recordkit"), logging.getLogger("psycopg")
    for handler in list(log.handlers):
        if handler.get_name() == name:
            if Path(getattr(handler, "baseFilename", "")) == path:
                return path
            log.removeHandler(handler)
            driver.removeHandler(handler)
            handler.close()
    # (opened by the first line written, not here: a command that logs nothing — one that only reads — makes no file)
    handler = _LogFile(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True)
    handler.set_name(name)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    driver.addHandler(handler)
    log.setLevel(logging.INFO)
    return path
