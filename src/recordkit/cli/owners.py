"""``recordkit owners``: import, list, show and export units and owners."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import (
    WIDE_HELP,
    console,
    cut_to_fit,
    new_table,
    print_json,
    progress_bar,
    refuse_blank,
    state,
)
from recordkit.cli._options import (
    SHOW_PRIVATE_HELP,
    coming_date,
    estate_building,
    estate_unit,
    optional_date,
    refuse_bad_phone,
)
from recordkit.core.errors import UsageError
from recordkit.core.filenames import readable_name
from recordkit.core.personal import ID_TYPES, RESIDENT_ID, named_in_sentence

if TYPE_CHECKING:
    from recordkit.owners.contacts import Contact

#: ``--id-number``'s help, in ``contact add`` and ``contact edit``.
ID_NUMBER_HELP = (
    "证件号码：身份证号（18 位，或旧的 15 位），护照等其他证件的号码另写 --id-type；检查与导入名册相同；"
    "租户的居住证明印这个号码。"
)
#: ``--id-type``'s help, in ``contact add`` and ``contact edit``.
ID_TYPE_HELP = (
    "--id-number 的证件类型：居民身份证（默认；更正时默认原来的）、护照、港澳居民来往内地通行证（回乡证）、"
    "台湾居民来往大陆通行证（台胞证）、外国人永久居留身份证、港澳台居民居住证、军官证、其他证件。"
)


def with_document(number: str | None, document: str | None) -> str:
    """A number as the counter's tables show it (``to_dict``'s ``id_number`` and ``id_type``): another document's than
    the resident ID card with the document's name after it, ``E1*****78（护照）``; "" for none."""
    if not number:
        return ""
    return number if document in (None, ID_TYPES[RESIDENT_ID]) else f"{number}（{document}）"


def _contact_named(contact: Contact, *, numbered: bool = True) -> str:
    """A contact as the counter's notes name it inside a sentence, ``1-1-101 的租户“赵磊”（联系人编号 3）``: the name
    quoted (``named_in_sentence``: a Latin name would run into the words around it); ``numbered=False`` without its
    number (one removed has none left to type)."""
    named = f"{contact.unit} 的{contact.record.relation}{named_in_sentence(contact.record.name)}"
    return f"{named}（联系人编号 {contact.id}）" if numbered else named


#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

owners_app = typer.Typer(
    help="房屋与业主：从 Excel 导入、查看、导出。\n\n例：recordkit owners list --building 3", no_args_is_help=True
)
commands.add_typer(owners_app, name="owners")


@owners_app.command("import")
def owners_import(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ...,
        help="业主名册 .xlsx 或 .csv（表头：楼栋 单元 房号 建筑面积 业主姓名 联系电话 身份证号 入住日期 状态；"
        "有护照等其他证件的加一列 证件类型）。",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并报告会有哪些变化，不写入台账。"),
    column_map: list[str] = typer.Option(
        [], "--map", help="表头对照，可多次使用：例如 --map 房间=房号 表示“房间”列就是房号。"
    ),
    sheet_name: str | None = typer.Option(None, "--sheet", help="读取哪个工作表（默认：表头对得上的那个）。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出导入结果（各项数字与屏幕上的相同）。"),
) -> None:
    """导入业主名册：逐格检查，有任何错误就什么也不写入；重复导入只更新变化的行。

    其他系统导出的名册（房间、楼号、单元编号、房屋状态 等表头）可直接导入，
    认不出的表头用 --map 指明；同一房号的 共有人、家属、租户 行按“关系”列记为
    共有人或联系人。

    例：recordkit owners import 业主名册.xlsx --dry-run
    """
    from recordkit.owners.roster import import_owners
    from recordkit.owners.roster_sheet import parse_column_map, status_map

    app_state = state(ctx)
    all_settings = app_state.workspace().settings
    settings = all_settings.roster
    named = parse_column_map(column_map)
    mapping = {**settings.map, **named}
    with progress_bar(f"读取 {readable_name(file.name)}") as advance:
        summary = import_owners(
            # (a dry run makes no ledger: with none to compare the roster with, it says so as the import itself does)
            app_state.ledger(dry_run=dry_run),
            file,
            app_state.operator_name,
            dry_run=dry_run,
            progress=advance,
            column_map=mapping,
            sheet=sheet_name,
            status_words=status_map(settings.status_map),
            phases=all_settings.office.phase_table(),
            estate=all_settings.office.estate,
            map_headers=tuple(named),
        )
    if as_json:
        print_json(summary.to_dict())
        return
    prefix = "检查通过（未写入，--dry-run）" if summary.dry_run else "导入完成"
    typer.echo(
        f"读取工作表“{summary.sheet}”"
        + (f"；未读取的列：{'、'.join(summary.ignored_columns)}" if summary.ignored_columns else "")
    )
    typer.echo(
        f"{prefix}：共 {summary.rows} 行；新增房屋 {summary.units_created} 户，更新 {summary.units_updated} 户，"
        f"未变 {summary.units_unchanged} 户；新增业主 {summary.owners_created} 人，更新业主 {summary.owners_updated} 人"
    )
    will = "将" if summary.dry_run else "已"
    if summary.contacts_read:
        typer.echo(f"共有人 {summary.co_owners} 人，联系人（家属、租户）{summary.contacts} 人")
    elif summary.co_owners:  # (contacts left as they were: never "0 人", as if taken off)
        typer.echo(f"共有人 {summary.co_owners} 人；名册里没有家属、租户，联系人没有改动")
    for split in summary.owners_split:  # (an older version's 王芳、李娜 kept as one owner: never split in silence)
        typer.echo(f"{split.unit} 的业主“{split.name}”是几个人，{will}拆成{split.split_into()}")
    for merged in summary.owners_merged:  # (an older import's Smith and John: merged, or why not)
        typer.echo(merged.said(will))
    for renamed in summary.owners_renamed:  # (units the sheet does not name may be his: never renamed in silence)
        typer.echo(renamed.said(will))
    if summary.names_tidied:  # (an older version's blanks: the same names, said apart from any rename)
        typer.echo(f"姓名中的空格{will}整理（只是空格，不算改名）：{len(summary.names_tidied)} 人")
    for rephoned in summary.phones_changed:  # (the same person, not a new one: said, masked)
        typer.echo(rephoned.said(will))
    if summary.contacts_now_owners:
        typer.echo(
            f"{len(summary.contacts_now_owners)} 位联系人成为业主，{will}不再是联系人："
            + "、".join(summary.contacts_now_owners)
        )
    if summary.owners_removed:  # (deleted in the import's transaction and journalled: never in silence)
        typer.echo(f"不再持有房屋、{will}删除的业主记录 {summary.owners_removed} 人")
    for warning in summary.warnings:
        typer.echo(f"提醒：{warning}")
    if summary.dry_run and summary.changed_units:
        shown = "、".join(summary.changed_units[:20])
        more = f" 等 {len(summary.changed_units)} 户" if len(summary.changed_units) > 20 else ""
        typer.echo(f"将新增或更新的房屋：{shown}{more}")


@owners_app.command("list")
def owners_list(
    ctx: typer.Context,
    building: str | None = typer.Option(
        None,
        "--building",
        "-b",
        help="只列出某栋楼，例如 3；分区的楼写 二期1；别墅、商铺、车位写 别墅、二期车位（与月报的楼栋一列相同）。",
    ),
    show_private: bool = typer.Option(False, "--show-private", help=SHOW_PRIVATE_HELP),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（unit、owner、co_owners、area、status 等字段）。"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出房屋和业主；电话、身份证号默认打码，证件号码和入住日期加 --wide 才显示。

    例：recordkit owners list --building 3
    """
    from recordkit.owners.contacts import owners_of_record
    from recordkit.owners.roster import list_owners, record_private_view

    refuse_blank(("--building", building))
    app_state = state(ctx)
    # every owner of record, as the export and the papers name them (``owners show``'s co_owners)
    listed = list_owners(app_state.ledger(), building=estate_building(ctx, building))
    if show_private:
        shown = [str(entry.unit.code) for entry in listed]
        record_private_view(app_state.ledger(), app_state.operator_name, "owners list", shown)
    rows = [
        entry.unit.to_dict(show_private) | {"co_owners": [c.to_dict(show_private) for c in entry.co_owners]}
        for entry in listed
    ]
    if as_json:
        print_json(rows)
        return
    table = new_table(
        "房号", "房屋", "业主", "联系电话", "证件号码", "建筑面积（㎡）", "状态", "入住日期",
        title=f"房屋 {len(rows)} 户", wide_only=("房屋", "证件号码", "入住日期"), wide=wide,
    )  # fmt: skip
    for row in rows:
        table.add_row(
            row["unit"],
            row["display"],
            owners_of_record(row["owner"], (c["name"] for c in row["co_owners"])),
            row["phone"] or "",
            with_document(row["id_number"], row["id_type"]),
            f"{row['area']:.2f}",
            row["status"],
            row["move_in_date"] or "",
        )
    console().print(table)


@owners_app.command("show")
def owners_show(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="房号，例如 3-2-1201（也可写 3栋2单元1201）。"),
    show_private: bool = typer.Option(False, "--show-private", help=SHOW_PRIVATE_HELP),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
) -> None:
    """查看一户房屋及其业主（业主名下的其他房屋一并列出）。

    例：recordkit owners show 3-2-1201
    """
    from recordkit.billing.accounts import balance_line, unit_with_account
    from recordkit.owners.roster import record_private_view

    app_state = state(ctx)
    phases = app_state.workspace().settings.office.phase_table()
    details, account = unit_with_account(app_state.ledger(), unit, phases)  # one moment: the unit and its balance
    view, holdings = details.unit, details.holdings
    co_owners = [c.to_dict(show_private) for c in details.co_owners]
    contacts = [c.to_dict(show_private) for c in details.contacts]
    if show_private:
        record_private_view(app_state.ledger(), app_state.operator_name, str(view.code), [str(view.code)])
    data = {
        **view.to_dict(show_private),
        "units_held": holdings,
        "co_owners": co_owners,
        "contacts": contacts,
        "balance": {
            "due_now_fen": account.due_now_fen,
            "prepaid_fen": account.prepaid_fen,
            "deposits_held_fen": account.deposits_held_fen,
        },
    }
    if as_json:
        print_json(data)
        return
    table = new_table("项目", "内容", title=f"房屋 {data['unit']}")
    for label, value in (
        ("房号", data["unit"]),
        ("房屋", data["display"]),
        ("类型", data["kind"] + (f"（{data['phase']}）" if data["phase"] else "")),
        ("建筑面积", f"{data['area']:.2f} ㎡"),
        ("状态", data["status"]),
        ("业主", data["owner"] or "（无）"),
        ("联系电话", data["phone"] or ""),
        ("证件号码", with_document(data["id_number"], data["id_type"])),
        ("入住日期", data["move_in_date"] or ""),
        ("业主名下房屋", "、".join(holdings)),
    ):
        table.add_row(label, value)
    for co_owner in co_owners:
        number = with_document(co_owner["id_number"], co_owner["id_type"])
        table.add_row("共有人", " ".join(v for v in (co_owner["name"], co_owner["phone"], number) if v))
    for held, contact in zip(details.contacts, contacts, strict=True):
        number = with_document(contact["id_number"], contact["id_type"])
        shown = " ".join(v for v in (contact["name"], contact["phone"], number, held.lease_text()) if v)
        table.add_row(contact["relation"], f"{shown}（联系人编号 {contact['id']}）")
    console().print(table)
    typer.echo(balance_line(account))


@owners_app.command("export")
def owners_export(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="要写出的 .xlsx 文件。"),
    show_private: bool = typer.Option(False, "--show-private", help="导出完整的电话和身份证号（会记入操作日志）。"),
) -> None:
    """导出业主名册 .xlsx，格式与导入相同：导出后原样导入，台账不会有任何变化。

    例：recordkit owners export 业主名册-导出.xlsx
    """
    from recordkit.core.atomic import require_folder
    from recordkit.owners.roster import export_owners

    app_state = state(ctx)
    if file.suffix.lower() != ".xlsx":
        raise UsageError(f"导出文件名应以 .xlsx 结尾：{file}")
    require_folder(file.parent)
    count = export_owners(app_state.ledger(), file, app_state.operator_name, show_private=show_private)
    typer.echo(
        f"已导出 {count} 户到 {readable_name(str(file))}"
        + ("（含完整个人信息）" if show_private else "（电话、身份证号已打码）")
    )


contact_app = typer.Typer(
    help="房屋的联系人（家属、租户）：添加、查看、更正、删除。\n\n例：recordkit owners contact list --relation 租户",
    no_args_is_help=True,
)
owners_app.add_typer(contact_app, name="contact")


@contact_app.command("add")
def contact_add(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="房号，例如 3-2-1201。"),
    name: str = typer.Argument(..., help="联系人姓名。"),
    relation: str = typer.Option("租户", "--relation", help="关系：租户、家属、配偶、子女、父母 等。"),
    phone: str | None = typer.Option(None, "--phone", help="联系电话。"),
    id_number: str | None = typer.Option(None, "--id-number", help=ID_NUMBER_HELP),
    id_type: str | None = typer.Option(None, "--id-type", help=ID_TYPE_HELP),
    start: str | None = typer.Option(None, "--start", help="起租日期，例如 2026-03-01。"),
    end: str | None = typer.Option(None, "--end", help="到期日期，例如 2027-02-28，也可写 明天、后天。"),
) -> None:
    """给房屋添加联系人（家属或租户），记入操作日志。

    例：recordkit owners contact add 3-2-1201 赵磊 --relation 租户 --phone 13900001111 --id-number 110101199003071234
    """
    from recordkit.owners.contacts import add_contact

    refuse_bad_phone(phone)
    app_state = state(ctx)
    contact = add_contact(
        app_state.ledger(),
        unit,
        name,
        relation,
        app_state.operator_name,
        phone=phone,
        id_number=id_number,
        id_type=id_type,
        start_date=optional_date(start, "起租日期"),
        end_date=None if end is None else coming_date(end, "到期日期"),
        phases=app_state.workspace().settings.office.phase_table(),
    )
    typer.echo(f"已添加 {_contact_named(contact)}")
    if (warning := contact.name_warning()) is not None:
        typer.echo(f"提醒：{warning}")


@contact_app.command("list")
def contact_list(
    ctx: typer.Context,
    unit: str | None = typer.Option(None, "--unit", help="只列出一户，例如 3-2-1201。"),
    relation: str | None = typer.Option(None, "--relation", help="只列出一种关系，例如 租户。"),
    show_private: bool = typer.Option(False, "--show-private", help=SHOW_PRIVATE_HELP),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（id、unit、name、relation、phone 等字段）。"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出房屋的联系人（家属、租户）；电话、身份证号默认打码，证件号码和起租日期加 --wide 才显示。

    例：recordkit owners contact list --relation 租户
    """
    refuse_blank(("--unit", unit), ("--relation", relation))
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.owners.contacts import list_contacts
    from recordkit.owners.roster import record_private_view

    app_state = state(ctx)
    contacts = list_contacts(app_state.ledger(), unit, relation)
    if show_private:
        record_private_view(
            app_state.ledger(), app_state.operator_name, "owners contact list", [c.unit for c in contacts]
        )
    rows = [c.to_dict(show_private) for c in contacts]
    if as_json:
        print_json(rows)
        return
    # One line a contact on an 80-column terminal, a name of up to four characters whole beside a landline with an
    # extension (0755-****6666-123) and a unit code like 12-2-1201: the ID number (as in owners list) and the start
    # of the lease with --wide, the end kept (the counter asks when a lease ends); a longer name cut.
    table = new_table(
        "编号", "房号", "姓名", "关系", "电话", "证件号码", "起租", "到期",
        title=f"联系人 {len(rows)} 人", wide_only=("证件号码", "起租"), wide=wide,
    )  # fmt: skip
    for row in rows:
        table.add_row(
            str(row["id"]), row["unit"], cut_to_fit(row["name"]), row["relation"], row["phone"] or "",
            with_document(row["id_number"], row["id_type"]), row["start_date"] or "", row["end_date"] or "",
        )  # fmt: skip
    console().print(table)


@contact_app.command("edit")
def contact_edit(
    ctx: typer.Context,
    contact_id: int = typer.Argument(..., help="联系人编号（见 owners contact list）。"),
    name: str | None = typer.Option(None, "--name", help="改正姓名。"),
    relation: str | None = typer.Option(None, "--relation", help="改正关系：租户、家属、配偶、子女、父母 等。"),
    phone: str | None = typer.Option(None, "--phone", help="新的联系电话。"),
    id_number: str | None = typer.Option(None, "--id-number", help=ID_NUMBER_HELP),
    id_type: str | None = typer.Option(None, "--id-type", help=ID_TYPE_HELP),
    start: str | None = typer.Option(None, "--start", help="起租日期，例如 2026-03-01。"),
    end: str | None = typer.Option(
        None, "--end", help="到期日期（续租时写新的），例如 2028-02-29，也可写 明天、后天。"
    ),
    clear: list[str] = typer.Option(
        [],
        "--clear",
        help="清空登记错了的一项，可多次使用：电话、证件号码、起租日期、到期日期；姓名、关系不能清空。",
    ),
) -> None:
    """更正一位联系人：只改写了的几项，每项的检查与添加时相同，记入操作日志（电话、身份证号打码）。

    登记错了要去掉的电话、证件号码、起租或到期日期，用 --clear 清空（例如 --clear 电话）。
    没有一项与台账不同时什么也不改，也不记操作日志。

    例：recordkit owners contact edit 1 --phone 13900002222 --end 2028-02-29
    """
    from recordkit.owners.contacts import edit_contact

    refuse_bad_phone(phone)
    app_state = state(ctx)
    edit = edit_contact(
        app_state.ledger(),
        contact_id,
        app_state.operator_name,
        name=name,
        relation=relation,
        phone=phone,
        id_number=id_number,
        id_type=id_type,
        start_date=optional_date(start, "起租日期"),
        end_date=None if end is None else coming_date(end, "到期日期"),
        clear=clear,
    )
    contact = edit.after
    who = _contact_named(contact)
    if not edit.changed():
        typer.echo(f"{who}没有变化：写的与台账相同，没有修改")
        return
    typer.echo(f"已更正 {who}：{edit.said()}")
    if "name" in edit.changed() and (warning := contact.name_warning("更正")) is not None:
        typer.echo(f"提醒：{warning}")


@contact_app.command("remove")
def contact_remove(
    ctx: typer.Context,
    contact_id: int = typer.Argument(..., help="联系人编号（见 owners contact list）。"),
) -> None:
    """删除一位联系人（例如租户搬走），记入操作日志。

    例：recordkit owners contact remove 3
    """
    from recordkit.owners.contacts import remove_contact

    app_state = state(ctx)
    contact = remove_contact(app_state.ledger(), contact_id, app_state.operator_name)
    typer.echo(f"已删除 {_contact_named(contact, numbered=False)}")
