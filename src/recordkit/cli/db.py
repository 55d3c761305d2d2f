"""``recordkit db``: the ledger database itself (bring its tables up to date, move it, copy it for a backup)."""

from __future__ import annotations

import typer

from recordkit.cli._app import print_json, progress_bar, state
from recordkit.core.dates import office_time
from recordkit.core.errors import ConfigError, UsageError
from recordkit.core.filenames import readable_name

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

db_app = typer.Typer(
    help="台账数据库：升级表结构，整个搬到另一个数据库，或备份。\n\n例：recordkit db upgrade", no_args_is_help=True
)
commands.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """把台账数据库升级到最新表结构（首次使用时也会自动进行）。

    例：recordkit db upgrade
    """
    from recordkit.ledger.db import open_workspace_ledger

    with open_workspace_ledger(state(ctx).workspace(), migrate=False) as ledger:
        before = ledger.revision()
        after = ledger.upgrade()
        where = ledger.where
    if before == after:
        typer.echo(f"台账数据库 {where} 已是最新版本（{after}）")
    else:
        typer.echo(f"台账数据库 {where} 已从 {before or '空库'} 升级到 {after}")


@db_app.command("move")
def db_move(
    ctx: typer.Context,
    target_url: str = typer.Option(
        ...,
        "--to",
        help="新台账的地址，写法与 recordkit.toml 里台账的地址相同（见下面的例子）；须是空库。",
    ),
    schema: str = typer.Option("", "--schema", help="新台账放在数据库服务器的这个模式里（几个小区共用一台服务器时）。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果。"),
) -> None:
    """把整个台账搬到另一个数据库（例如从单机的台账文件搬到几台电脑共用的数据库服务器）。

    全部复制、逐表核对，再把新地址写进 recordkit.toml。

    搬的过程中别人不能写台账；新库必须是空的。原台账保留作备份，但此后不能再写入
    （还在用旧地址的 recordkit watch / serve 会提示改地址）。检索索引随后用 recordkit index --to 搬。

    例：recordkit db move --to postgresql://rk:密码@192.168.1.10/rk
    """
    from recordkit.core.config import load_settings, search_backend, write_setting
    from recordkit.ledger.db import display_url
    from recordkit.ledger.move import absolute_url, move_ledger, open_target

    app_state = state(ctx)
    workspace, source = app_state.workspace(), app_state.ledger()
    if not target_url.strip():
        raise UsageError(
            "--to 没有写新台账的地址：例如 --to postgresql://账户:密码@主机/库名 或 --to sqlite:///文件路径"
        )
    schema = schema.strip()
    before, url = search_backend(workspace.settings), absolute_url(target_url.strip())
    with (
        open_target(url, schema=schema, busy_timeout=source.busy_timeout) as target,
        progress_bar("复制台账（行）") as bar,
    ):
        moved = move_ledger(source, target, app_state.operator_name, progress=bar)
    # An index kept in the old PostgreSQL ledger cannot follow a ledger that is now a SQLite file.
    index_left = workspace.settings.search.backend == "postgresql" and target.dialect != "postgresql"
    left = f"台账已经搬到 {moved.target}，但新地址还没有写进 recordkit.toml：请再运行一次同一条 recordkit db move（只补写新地址，不再复制）"
    try:
        write_setting(workspace.config_file, "database", "url", url)
        if schema or workspace.settings.database.schema:
            write_setting(workspace.config_file, "database", "schema", schema)
        if index_left:
            write_setting(workspace.config_file, "search", "backend", "sqlite")
    except KeyboardInterrupt:  # (the old ledger is closed now: "saved, exit 0" would leave the office on it)
        raise ConfigError(f"已中断：{left}") from None
    except ConfigError as err:  # recordkit.toml could not be written
        raise ConfigError(f"{err.message}；{left}") from err
    now = load_settings(workspace.config_file)
    overridden = now.database.url != url or now.database.schema != schema
    after = search_backend(now)
    if as_json:
        print_json({**moved.to_dict(), "settings_overridden": overridden, "search_backend": after})
        return
    if moved.earlier:
        typer.echo(
            f"台账已于 {moved.earlier[:10]} 搬到 {moved.target}（上次没来得及写 recordkit.toml），这次没有再复制"
        )
    elif moved.resumed:
        typer.echo(
            f"上次搬迁已把台账复制到 {moved.target}，但没来得及收尾：已逐表核对新台账与现在的台账一致"
            f"（共 {moved.total} 行），补上了收尾"
        )
    else:
        typer.echo(f"已把台账从 {moved.source} 搬到 {moved.target}：共 {moved.total} 行，逐表核对无误")
    typer.echo("已在 recordkit.toml 的 [database] 中写入新地址；原台账保留作备份，此后不能再写入")
    if index_left:
        typer.echo('检索索引不能留在 PostgreSQL：已在 recordkit.toml 的 [search] 中写入 backend = "sqlite"')
    if overridden:
        typer.echo(
            f"但环境变量 RECORDKIT_DATABASE_URL 或 RECORDKIT_DATABASE_SCHEMA 仍指向 {display_url(now.database.url)}"
            f"{'（模式 ' + now.database.schema + '）' if now.database.schema else ''}：请改为新地址或删除它"
        )
    if before != after or after == "postgresql":
        typer.echo(f"下一步：recordkit index --to {after}（检索索引搬进新台账，用已识别的文字，不重新 OCR）")


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    target: str | None = typer.Argument(
        None,
        help="备份文件，或放它的文件夹（文件名为 ledger-小区名-年月日-时分秒.sqlite3；以 / 结尾的是文件夹）；文件夹要已经建好"
        "（备份盘没接好时不会写到本机磁盘上）；默认 records/backups/。",
    ),
    keep: int | None = typer.Option(
        None,
        "--keep",
        help="备份到文件夹时，只保留这个台账最新的几份备份（含这一份），更早的删掉；"
        "别的台账的备份和文件夹里别的文件不动。",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出结果（path、bytes；--keep 删掉的 removed、删不掉的 not_removed）。"
    ),
) -> None:
    """备份台账文件：使用中（归档服务、网页、文员收款）也能复制出完整一致的一份。

    先写到目标文件夹里的临时文件，核对完整性后才改成正式文件名；已有的文件不覆盖。
    备份文件只有本账户能读（权限 600）：里面有业主完整的电话和身份证号。
    台账放在数据库服务器上的，请用服务器的 pg_dump 备份。

    例：recordkit db backup /mnt/备份盘/台账
    """
    import datetime as dt

    from recordkit.ledger.backup import PRIVATE_NOTE, backup_ledger

    app_state = state(ctx)
    workspace = app_state.workspace()
    # Opened as a dry run opens it, since a backup only reads it: an older ledger copied as it is (a backup before its
    # upgrade), one in the rollback journal's mode left so.  (Not by its name among the commands that only read: a
    # PostgreSQL ledger is refused, pointing at pg_dump, before any connection to it.)
    ledger = app_state.ledger(create=False, migrate=False, dry_run=True)
    moment = office_time(dt.datetime.now(dt.UTC), workspace.settings.office.time_zone)
    with progress_bar("备份台账（页）") as bar:
        copy = backup_ledger(
            ledger,
            target,
            default_folder=workspace.records_dir / "backups",
            moment=moment,
            estate=workspace.settings.office.estate,
            progress=bar,
            keep=keep,
        )
    app_state.warn_if_moved(ledger)  # (a copy of a ledger moved away: as of the move, as every reading says)
    if as_json:
        print_json(copy.to_dict())
        return
    typer.echo(f"已把台账备份到 {readable_name(str(copy.path))}（{copy.bytes / 2**20:.1f} MB，{copy.bytes} 字节）")
    typer.echo(f"{PRIVATE_NOTE}（文件权限 600，只有本账户能读）")
    if keep is not None:
        names = "、".join(path.name for path in copy.removed)
        typer.echo(f"只保留最新的 {keep} 份：删掉了 {len(copy.removed)} 份更早的备份{'：' + names if names else ''}")
    for path, reason in copy.not_removed:
        typer.echo(f"注意：旧备份 {readable_name(str(path))} 删不掉（{reason}），请检查这个文件夹的权限", err=True)
