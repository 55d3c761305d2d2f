"""The root Typer app, its shared state, and the one place errors become messages.

Importing this module must stay cheap: no SQLAlchemy, openpyxl, docx, whoosh,
jieba or onnxruntime here or in any ``cli`` module's top level (a test checks).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import re
import sys
import tempfile
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer
from typer.core import TyperGroup

from recordkit.cli import _chinese
from recordkit.core.errors import (
    INTERNAL_ERROR_EXIT_CODE,
    INTERRUPTED_EXIT_CODE,
    RecordkitError,
    UsageError,
    ValidationError,
    WorkspaceError,
    storage_error,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger

log = logging.getLogger("recordkit.cli")
# Until a command knows its workspace (and its log file), recordkit's log records go nowhere rather than to
# Python's last-resort handler, which printed a whole traceback above the Chinese message (`recordkit init` on a
# database that refused it).  The same for the PostgreSQL driver's own warnings.
for _logger in ("recordkit", "psycopg"):
    logging.getLogger(_logger).addHandler(logging.NullHandler())


def _localise_help(rich_utils: Any) -> None:
    # Typer's panel titles are module constants; the office reads Chinese.
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.ABORTED_TEXT = "已取消。"
    rich_utils.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.DEPRECATED_STRING = "（已停用）"
    # A long run of Chinese has no space to wrap at: fold it onto the next line instead of
    # cutting it with "…" (Typer's tables default to cutting).
    make_rich_text = rich_utils._make_rich_text

    def folding_rich_text(*args: Any, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("text"), str):
            # "archive_no、title、…" has no space to wrap at, and would be cut inside a name.
            kwargs["text"] = re.sub(r"(?<=[A-Za-z0-9_])、(?=[A-Za-z])", ", ", kwargs["text"])
        text = make_rich_text(*args, **kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    rich_utils._make_rich_text = folding_rich_text


class _LocaliseOnImport:
    """Localises typer.rich_utils when Typer first imports it (for help or an error), so that a
    command that shows neither does not pay the ~0.2 s import of rich's markdown and columns.
    (A meta path finder needs only ``find_spec``; ``importlib.abc`` would cost its own import.)"""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            run(module)
            _localise_help(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if "typer.rich_utils" in sys.modules:
    _localise_help(sys.modules["typer.rich_utils"])
else:
    sys.meta_path.insert(0, _LocaliseOnImport())

try:  # Typer >= 0.20 vendors click as typer._click
    from typer._click.core import Command as _ClickCommand
    from typer._click.exceptions import UsageError as _ClickUsageError
except ImportError:  # pragma: no cover - older Typer on plain click
    # (mypy sees only the installed Typer, whichever branch that is)
    from click.core import Command as _ClickCommand  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]
    from click.exceptions import UsageError as _ClickUsageError  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]

_original_get_help_option = _ClickCommand.get_help_option


def _chinese_help_option(self: Any, ctx: Any) -> Any:
    # click hard-codes "Show this message and exit." on the generated option.
    option = _original_get_help_option(self, ctx)
    if option is not None:
        option.help = "显示此帮助并退出。"
    return option


_ClickCommand.get_help_option = _chinese_help_option  # type: ignore[method-assign]
_chinese.install()

_USAGE_MESSAGES = (
    (re.compile(r"^Missing argument '(.+)'\.?$"), "缺少参数 {0}"),
    (re.compile(r"^Missing option '(.+)'\.?$"), "缺少选项 {0}"),
    (re.compile(r"^No such option: (\S+?)(?:\s+Did you mean (?P<suggestion>.+?)\?)?$"), "没有这个选项：{0}"),
    # (the click Typer vendors offers the near names so)
    (re.compile(r"^No such option: (\S+?)\s+\(Possible options: (?P<suggestion>.+?)\)$"), "没有这个选项：{0}"),
    (re.compile(r"^No such command '(.+?)'\.(?:\s+Did you mean (?P<suggestion>.+?)\?)?$"), "没有这个命令：{0}"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$"), "多余的参数：{0}"),
    (re.compile(r"^Option '(.+)' requires an argument\.?$"), "选项 {0} 需要一个值"),
    (re.compile(r"^Invalid value for (.+?): Input should be a valid integer.*$"), "{0} 应为整数"),
    (re.compile(r"^Invalid value for (.+?): Input should be a valid number.*$"), "{0} 应为数字"),
    (re.compile(r"^Invalid value for (.+?): Input should be greater than or equal to (\S+)$"), "{0} 应不小于 {1}"),
    (re.compile(r"^Invalid value for (.+?): Input should be less than or equal to (\S+)$"), "{0} 应不大于 {1}"),
    # click's Path checks ("File 'out' is a directory.", "Directory 'x' does not exist." …)
    (re.compile(r"^Invalid value for (.+?): \w+ '(.+)' is a directory\.?$"), "{0} 应为文件，{1} 是文件夹"),
    (re.compile(r"^Invalid value for (.+?): \w+ '(.+)' is a file\.?$"), "{0} 应为文件夹，{1} 是文件"),
    (re.compile(r"^Invalid value for (.+?): \w+ '(.+)' does not exist\.?$"), "{0} 的值无效：{1} 不存在"),
    (re.compile(r"^Invalid value for (.+?): \w+ '(.+)' is not readable\.?$"), "{0} 的值无效：没有权限读取 {1}"),
    (re.compile(r"^Invalid value for (.+?): \w+ '(.+)' is not writable\.?$"), "{0} 的值无效：没有权限写入 {1}"),
    (re.compile(r"^Invalid value for (.+?): (.+)$"), "{0} 的值无效：{1}"),
    (re.compile(r"^Missing command\.?$"), "缺少子命令"),
)


def translate_usage(message: str) -> str:
    """click's English usage errors in the office's language (the original when unknown)."""
    for pattern, template in _USAGE_MESSAGES:
        if match := pattern.match(message.strip()):
            text = template.format(*match.groups())
            suggestion = match.groupdict().get("suggestion")
            return f"{text}（是不是 {suggestion}？）" if suggestion else text
    return message


def _chinese_usage_error(err: Any) -> Any:
    return _ClickUsageError(translate_usage(err.format_message()), ctx=err.ctx)


def _report_unexpected(err: BaseException) -> int:
    """Log the traceback (never on screen: locals and values may hold owners' data)."""
    # loaded on first use: (already, by any command that knew its workspace) the root's help need not load it
    from recordkit.core.workspace import LOG_HANDLER_NAME

    reference = uuid.uuid4().hex[:8]
    files = [h for h in logging.getLogger("recordkit").handlers if isinstance(h, logging.FileHandler)]
    if files:
        log.error("unexpected error [%s]", reference, exc_info=err)
    # The file named is one the traceback went to: the workspace's log before a service's own (watch.log and index.log
    # get every line too, their handler maybe first); each is opened by its first line, which may have failed, and
    # its disk may refuse the traceback (filled since).
    written = sorted(
        (h for h in files if h.stream is not None and not getattr(h, "refused_last_line", False)),
        key=lambda h: h.get_name() != LOG_HANDLER_NAME,
    )
    where = written[0].baseFilename if written else ""
    if not where:
        # failed before the workspace (and its log) was known, or its log file, opened by its first line, could not be
        # (a folder this account may not write), or took no traceback (a full or read-only disk)
        try:
            handle, where = tempfile.mkstemp(prefix="recordkit-error-", suffix=".log")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(f"[{reference}]\n" + "".join(traceback.format_exception(err)))
        except OSError:  # the same full or read-only disk: the clerk still gets the message, not a second traceback
            if where:  # made, but its disk refused the traceback: no empty file that no message names is left
                with suppress(OSError):
                    os.unlink(where)
            typer.echo(
                f"错误：程序内部错误（{type(err).__name__}，编号 {reference}），详情没能写下来（日志和临时文件夹都写不进去，"
                "多半是磁盘满了或不能写）。请把这个编号和出错前做的操作告诉维护人员",
                err=True,
            )
            return INTERNAL_ERROR_EXIT_CODE
    typer.echo(
        f"错误：程序内部错误（{type(err).__name__}），详情已写入 {where}（编号 {reference}）。请把这个编号告诉维护人员",
        err=True,
    )
    return INTERNAL_ERROR_EXIT_CODE


def report_error(err: RecordkitError) -> None:
    typer.echo(f"错误：{err.message}", err=True)
    if isinstance(err, ValidationError):
        for problem in err.problems[:200]:
            typer.echo(f"  {problem}", err=True)
        if len(err.problems) > 200:
            typer.echo(f"  ……另有 {len(err.problems) - 200} 处错误未列出", err=True)
    if not err.logged:
        log.info("command failed (exit %s): %s", err.exit_code, err.message)


#: Each command of the root and the ``recordkit.cli`` module that defines it, in the order an office
#: meets them (the root help's order).  A module is imported only when one of its names is typed
#: (or the root help lists them all): ``fees pay`` does not pay for building the archive's options.
COMMAND_MODULES = {
    "init": "init", "demo": "demo", "doctor": "doctor", "owners": "owners", "fees": "fees", "receipt": "receipt",
    "notice": "notice", "cert": "cert", "docs": "docs", "templates": "templates", "renovation": "renovation",
    "workorder": "workorder", "report": "report", "file": "intake", "watch": "intake", "index": "index",
    "search": "search", "archive": "archive", "serve": "serve", "users": "users", "journal": "journal", "db": "db",
}  # fmt: skip
COMMAND_ORDER = tuple(COMMAND_MODULES)

#: The click commands of each loaded module, by command name (built once per process).
_loaded_commands: dict[str, Any] = {}


def load_command(name: str) -> Any:
    """The click command ``name`` of the root, its module imported and converted on first use; None
    for a name the root does not have."""
    if name not in _loaded_commands and name in COMMAND_MODULES:
        from typer.main import TyperInfo, get_group_from_info

        module = importlib.import_module(f"recordkit.cli.{COMMAND_MODULES[name]}")
        # Converted exactly as add_typer on the root would (Chinese help in rich markup).
        group = get_group_from_info(
            TyperInfo(module.commands),
            pretty_exceptions_short=app.pretty_exceptions_short,
            suggest_commands=app.suggest_commands,
            rich_markup_mode=app.rich_markup_mode,
        )
        _loaded_commands.update(group.commands)
    return _loaded_commands.get(name)


class RecordkitGroup(TyperGroup):
    """The root command group: loads each command's module when it is named, and turns every error
    into a message and an exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = set(super().list_commands(ctx)) | set(COMMAND_MODULES)
        rank = {name: position for position, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None and (loaded := load_command(cmd_name)) is not None:
            self.commands[cmd_name] = command = loaded
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except _ClickUsageError as err:
            # Typer suggests a close name only among the commands already loaded: offer them all.
            from difflib import get_close_matches  # only for a mistyped command

            matches = get_close_matches(args[0], list(COMMAND_MODULES)) if args else []
            if matches and "Did you mean" not in err.message:
                suggestions = ", ".join(f"{match!r}" for match in matches)
                err.message = f"{err.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except _ClickUsageError as err:
            raise _chinese_usage_error(err) from None
        except RecordkitError as err:  # the root's own options read wrong (``--workspace a --workspace b``)
            report_error(err)
            raise typer.Exit(err.exit_code) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _ClickUsageError as err:
            raise _chinese_usage_error(err) from None
        except RecordkitError as err:
            report_error(err)
            raise typer.Exit(err.exit_code) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            # `recordkit … | head`: the reader stopped reading. What was done is done (the ledger
            # commits before anything is printed), so neither an error nor a failing exit code.
            _silence(sys.stdout)
            if _saved(ctx):
                try:
                    typer.echo("输出已中断；操作已经完成并保存。", err=True)
                except OSError:  # `2>&1 | head`: stderr is the closed pipe too; the exit code still says it
                    _silence(sys.stderr)
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            if _saved(ctx):
                typer.echo("已中断；此前的操作已经完成并保存。", err=True)
                raise typer.Exit(0) from None
            typer.echo("已取消，没有保存任何改动。", err=True)
            raise typer.Exit(INTERRUPTED_EXIT_CODE) from None
        except OSError as err:
            refusal = storage_error(err)
            if refusal is None:
                raise typer.Exit(_report_unexpected(err)) from None
            report_error(refusal)
            raise typer.Exit(refusal.exit_code) from None
        except Exception as err:
            if type(err).__module__.startswith("typer"):
                raise  # usage errors: Typer prints them itself
            raise typer.Exit(_report_unexpected(err)) from None


def _saved(ctx: Any) -> bool:
    """Whether this command committed anything to the ledger before it was stopped."""
    app_state = ctx.find_root().obj
    return isinstance(app_state, AppState) and app_state.saved


def _silence(stream: TextIO) -> None:
    # Later writes (and the interpreter's final flush) must not raise again on the closed pipe.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (a test runner's buffer)
        pass


#: Commands that take money or print documents: signed by a named clerk, never by an account.
SIGNING_COMMANDS = frozenset(
    {"fees pay", "receipt issue", "receipt void", "receipt reprint", "notice make", "notice batch", "notice remind",
     "cert make", "renovation register", "renovation pay", "renovation agreement", "renovation pass",
     "renovation inspect", "renovation refund", "report monthly"}
)  # fmt: skip

#: Commands that only read, by name or, where another group's command of that name writes, by path: they never
#: write the ledger, and never create one.
READ_ONLY_COMMANDS = frozenset(
    {"list", "show", "arrears", "fees register", "daily", "loans", "verify", "text", "search", "account", "check"}
)

#: Commands of a name not saying so that are meant to make a new estate's ledger — its SQLite file, its ``[database]
#: schema`` and tables — (as ``init``, ``demo``, ``db upgrade`` and ``db move`` do, opening it themselves); every other
#: command refuses a ledger not made yet (a file gone, a mistyped name: ``Ledger.no_ledger_refusal``).
LEDGER_MAKING_COMMANDS = frozenset({"owners import"})
#: How to make a new ledger all the same where a ledger-making command is refused one (records/archive holds what
#: was filed already: this workspace had a ledger): ``db upgrade`` makes it, then the command.
MADE_ON_PURPOSE = "确要在这里新建台账的，先运行 recordkit db upgrade，再导入"


@dataclass
class OfficeClock:
    """Whether a command moves its process onto the office's clock before it runs: the console script's
    (``cli.main``) do; a test runner calling the app in its own process does not."""

    adopt: bool = False

    def adopt_for(self, workspace: Path | None) -> None:
        """Put the process on the clock of the workspace the command will open (``[office] time_zone``), so that
        "today" is the office's day from the first date a command takes; outside any workspace (``init``, ``demo``)
        the zone a new one gets.  Quietly nothing when the workspace's settings are wrong: the command says so
        itself when it opens it."""
        if not self.adopt:
            return
        from recordkit.core.config import CONFIG_FILE_NAME, load_settings
        from recordkit.core.dates import adopt_office_clock  # loaded on first use: with the settings, not by --help
        from recordkit.core.workspace import find_root

        try:
            try:
                config: Path | None = find_root(workspace, os.environ, Path.cwd()) / CONFIG_FILE_NAME
            except WorkspaceError:
                config = None
            adopt_office_clock(load_settings(config, os.environ).office.time_zone)
        except (RecordkitError, OSError):
            return


OFFICE_CLOCK = OfficeClock()


@dataclass
class AppState:
    """What the root options say; the workspace and ledger are opened on first use."""

    workspace_path: Path | None = None
    operator: str | None = None
    command: str | None = None
    command_path: str = ""
    _workspace: Workspace | None = field(default=None, repr=False)
    _ledger: Ledger | None = field(default=None, repr=False)

    def workspace(self) -> Workspace:
        if self._workspace is None:
            from recordkit.core.workspace import open_workspace, setup_logging

            self._workspace = open_workspace(self.workspace_path, flags={"operator": self.operator})
            setup_logging(self._workspace)
        return self._workspace

    def ledger(self, *, create: bool | None = None, migrate: bool = True, dry_run: bool = False) -> Ledger:
        """The workspace's ledger, made on first use unless the command only reads (``READ_ONLY_COMMANDS``) or
        ``create`` is False (a command of another name that writes no ledger rows: ``index``) — and made, where
        there is none yet (no SQLite file, an empty one, a PostgreSQL schema not made yet or empty), only by a command
        meant to make a ledger (``LEDGER_MAKING_COMMANDS``, or ``create`` True: ``archive verify --repair``); brought
        up to date unless ``migrate`` is False (``search``, which reads its index alone and asks the ledger only
        whether it was moved away).  A ``dry_run`` (``--dry-run``) makes no ledger and upgrades none (an older one
        is refused: ``db upgrade`` first), and is refused one not made yet beside a filed archive as the run it checks
        would be; ``db backup``, which only reads the ledger it copies, opens it so too.  A command that only reads —
        unless it asks for a new ledger (``create`` True) — opens it as a dry run does (``upgrades=False``): nothing
        upgraded, a SQLite file's journal mode left as it is."""
        if self._ledger is None:
            from recordkit.ledger.db import open_workspace_ledger

            reads = self.command in READ_ONLY_COMMANDS or self.command_path in READ_ONLY_COMMANDS
            making = self.command_path in LEDGER_MAKING_COMMANDS
            makes = making and not dry_run if create is None else create
            if create is None and making:  # (archive verify --repair, create True, rebuilds from the filed archive)
                # loaded on first use: the archive's rules are needed only by a command that makes a ledger
                from recordkit.archive.archivist import refuse_a_new_ledger_beside_the_archive

                refuse_a_new_ledger_beside_the_archive(
                    self.workspace(), "名册没有导入", made_on_purpose=MADE_ON_PURPOSE
                )
            self._ledger = open_workspace_ledger(
                self.workspace(),
                create=not (reads or dry_run) if create is None else create,
                new_ledger=makes,
                migrate=migrate,
                upgrades=not (dry_run or (reads and not create)),
            )
            if reads:
                self.warn_if_moved(self._ledger)
        return self._ledger

    @staticmethod
    def warn_if_moved(ledger: Ledger) -> None:
        """A command that only reads still reads a ledger that was moved (a PC whose recordkit.toml was not
        changed yet): it says so, since arrears or loans shown from there are as of the move."""
        moved = ledger.moved_to()
        if moved is not None:
            typer.echo(
                f"注意：这个台账（{ledger.where}）{moved.said}，下面是搬走时的内容，"
                f"之后的收款、归档都不在这里：请{ledger.given_by.to_new_address()}",
                err=True,
            )

    @property
    def saved(self) -> bool:
        """Whether a ledger write of this command has committed."""
        return self._ledger is not None and self._ledger.commits > 0

    @property
    def operator_name(self) -> str:
        """Who acts: for commands that take money or print documents, a named clerk (never root)."""
        from recordkit.core.config import signing_operator

        settings = self.workspace().settings
        if self.command_path in SIGNING_COMMANDS:
            return signing_operator(settings)
        return settings.operator_name

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None


def state(ctx: typer.Context) -> AppState:
    """The root options' state; called by a command with its own context, it also notes which
    command runs (a command that only reads opens the ledger without creating it)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    if ctx is not root and ctx.command is not None and ctx.command.name:
        root.obj.command = ctx.command.name
        root.obj.command_path = " ".join(ctx.command_path.split()[1:])
    return root.obj


def console() -> Console:
    from rich.console import Console

    # A terminal's own width, or COLUMNS when set; pipes without COLUMNS get a wide console so
    # that a long title or remark is not folded for a script.
    columns = os.environ.get("COLUMNS", "")
    wide = columns.isdigit() or sys.stdout.isatty()
    return Console(width=int(columns) if columns.isdigit() else (None if wide else 200), highlight=False)


class ProgressBar:
    """What ``progress_bar`` yields: called with (done, total) as the work advances; ``stage`` names the next part
    of the work, its count starting again (a rebuild: extracting texts, writing the index, building it)."""

    def __init__(self, progress: Any, description: str) -> None:
        self.progress = progress  # (a ``rich.progress.Progress``, its one task this bar's)
        self._task = progress.add_task(description, total=None)
        [self._shown] = progress.tasks

    def __call__(self, done: int, total: int | None) -> None:
        self.progress.update(self._task, completed=done, total=total)

    def stage(self, description: str, total: int | None = None) -> None:
        self.progress.update(self._task, description=description, completed=0)
        # (``update`` leaves the total as it was when given None, and the clock stopped when the last part was
        # done: the time shown is the whole work's)
        self._shown.total, self._shown.finished_time = total, None


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressBar]:
    """A rich progress bar on stderr for long work; silent when stderr is not a terminal.  A part of the work whose
    size is not known shows its time alone (no "0/?")."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Count(MofNCompleteColumn):
        def render(self, task: Any) -> Text:
            return Text("") if task.total is None else super().render(task)

    err_console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        Count(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        yield ProgressBar(progress, description)


def refuse_blank(*options: tuple[str, str | None]) -> None:
    """``UsageError`` for a filter option given as empty or blank text (``--unit "$UNIT"``, the variable unset):
    read as no filter, it would list everything, answering a question the clerk did not ask."""
    for name, value in options:
        if value is not None and not value.strip():
            raise UsageError(f"{name} 是空的：请写明要筛选的值；不筛选就不写 {name}")


def refuse_blank_number(what: str, value: str, example: str, option: str | None = None) -> None:
    """``UsageError`` for a number given as empty or blank text (``workorder show "$NO"``, the variable unset): looked
    up, it would be "not found" with a blank where the number should be.  ``option`` names the option it came with."""
    if not value.strip():
        named = f"{option} 的" if option else ""
        raise UsageError(f"{named}{what}是空的：请写明{what}，例如 {example}")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


#: Columns a clerk reads as one token: never folded across lines (a unit code, an archive number,
#: an amount, a phone or a date cut in two is misread); the other columns fold to make room.
KEY_HEADERS = frozenset(
    {"房号", "档号", "收据编号", "编号", "工单编号", "登记编号", "序号", "日期", "时间", "月份", "借出日期", "应还日期",
     "入住日期", "报修时间", "投诉时间", "受理时间", "欠费月数", "最早欠费月份", "页数", "张数", "电话", "起租", "到期"}
)  # fmt: skip

#: The help of every listing's --wide option.
WIDE_HELP = "显示全部列（默认只显示能放进 100 列终端的主要列）。"


def _is_key_header(header: str) -> bool:
    return header in KEY_HEADERS or "（元）" in header or "（㎡）" in header


def new_table(*headers: str, title: str | None = None, wide_only: tuple[str, ...] = (), wide: bool = True) -> Table:
    """A listing's table.  Columns named in ``wide_only`` are shown only with ``wide`` (``--wide``);
    ``add_row`` takes every column's cell either way and drops the hidden ones.  A text cell is shown as it is,
    never read as rich's markup: a title from a file named ``物业服务合同[draft].pdf`` lost its ``[draft]``, and
    doctor's advice its ``[database]`` (a cell with styles is a ``rich.text.Text``)."""
    from rich.table import Table
    from rich.text import Text

    shown = [header for header in headers if wide or header not in wide_only]
    hidden = [index for index, header in enumerate(headers) if header not in shown]

    class ListingTable(Table):
        def add_row(self, *cells: Any, **kwargs: Any) -> None:
            if hidden and len(cells) == len(headers):
                cells = tuple(cell for index, cell in enumerate(cells) if index not in hidden)
            super().add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in cells), **kwargs)

    table = ListingTable(title=title, show_lines=False, header_style="bold")
    for header in shown:
        key = _is_key_header(header)
        table.add_column(header, overflow="fold", no_wrap=key, min_width=cell_width(header) if key else None)
    return table


def cut_to_fit(text: str) -> Text:
    """A cell that, when its column must narrow to fit the terminal, is cut with … rather than folded onto more
    lines (a contact's long name: the listing keeps one line a row)."""
    from rich.text import Text

    return Text(text, no_wrap=True, overflow="ellipsis")


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes (a Chinese character takes two)."""
    from rich.cells import cell_len

    return cell_len(text)


def listing_title(what: str, shown: int, total: int, unit: str, latest: bool = False) -> str:
    """``操作日志 10846 条，显示最近 30 条`` when a listing shows part of what there is, else
    ``操作日志 30 条``."""
    if shown < total:
        return f"{what} {total} {unit}，显示{'最近' if latest else ''} {shown} {unit}"
    return f"{what} {total} {unit}"


app = typer.Typer(
    cls=RecordkitGroup,
    help="recordkit：物业服务中心的档案与文书工具（业主名册、台账、收据、通知、档案检索）。\n\n"
    "例：recordkit init 我的物业 && cd 我的物业 && recordkit doctor",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["--help", "-h"]},
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"recordkit {version('recordkit')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    workspace: Path | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="工作区目录（默认：RECORDKIT_HOME，或从当前目录向上查找）。",
        file_okay=False,
    ),
    operator: str | None = typer.Option(
        None, "--operator", help="经办人姓名，写入操作日志（默认取配置或电脑登录名）。"
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号并退出。"),
) -> None:
    """Root options, shared by every command (the help text is the app's)."""
    app_state = state(ctx)
    app_state.workspace_path, app_state.operator = workspace, operator
    OFFICE_CLOCK.adopt_for(workspace)
    ctx.call_on_close(app_state.close)
