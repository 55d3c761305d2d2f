"""One unit's account printed for the owner (对账单, ``fees account --out``): an .xlsx or a .docx drawn
from ``accounts.Account``.

Draws only: the figures are the account's (so the paper says what the screen says).  Files are
written atomically; money goes into cells as exact decimals of 元 with a number format.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document as new_document
from openpyxl import Workbook
from openpyxl.styles import Font

from recordkit.billing.accounts import (
    BILL_HEADERS,
    BILL_STATES,
    PAYMENT_HEADERS,
    Account,
    bill_texts,
    closing_figures,
    deposit_text,
    payment_texts,
    payment_uses,
)
from recordkit.billing.registers import MONEY_FORMAT, print_setup, style_header
from recordkit.core.atomic import saved, write_bytes
from recordkit.core.errors import UsageError
from recordkit.core.money import format_yuan, yuan
from recordkit.core.sheets import save_atomically
from recordkit.documents.templates.engine import chinese_date

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def _title(estate: str) -> str:
    return f"{estate}对账单".strip()


def _heading(account: Account) -> str:
    owner = f"业主 {account.owners_of_record}" if account.owners_of_record else "未登记业主"
    return f"房屋 {account.unit}（{owner}），截至 {chinese_date(account.as_of)}"


def write_statement(account: Account, path: Path, estate: str = "", office: str = "") -> Path:
    """Write the 对账单 to ``path`` (.xlsx or .docx, by its suffix); ``UsageError`` for another suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _write_xlsx(account, path, estate)
    if suffix == ".docx":
        return _write_docx(account, path, estate, office)
    raise UsageError(f"对账单文件名应以 .xlsx 或 .docx 结尾：{path}")


def _money(sheet: Worksheet, row: int, column: int, fen: int) -> None:
    sheet.cell(row, column, yuan(fen)).number_format = MONEY_FORMAT


def _write_xlsx(account: Account, path: Path, estate: str) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "对账单"
    sheet.cell(1, 1, _title(estate)).font = Font(bold=True, size=14)
    sheet.merge_cells("A1:F1")
    sheet.cell(2, 1, _heading(account))
    sheet.merge_cells("A2:F2")
    row = 4
    for column, text in enumerate(BILL_HEADERS, start=1):
        sheet.cell(row, column, text)
    style_header(sheet, (row,), len(BILL_HEADERS))
    for bill in account.bills:
        row += 1
        sheet.cell(row, 1, str(bill.month))
        sheet.cell(row, 2, bill.item)
        for column, fen in ((3, bill.amount_fen), (4, bill.paid_fen), (5, bill.owed_fen)):
            _money(sheet, row, column, fen)
        sheet.cell(row, 6, BILL_STATES[bill.state])
    row += 2
    for column, text in enumerate(PAYMENT_HEADERS, start=1):
        sheet.cell(row, column, text)
    style_header(sheet, (row,), len(PAYMENT_HEADERS))
    for payment in account.payments:
        row += 1
        sheet.cell(row, 1, payment.number)
        sheet.cell(row, 2, payment.paid_on.isoformat())
        sheet.cell(row, 3, payment.method)
        _money(sheet, row, 4, payment.amount_fen)
        sheet.cell(row, 5, payment.status)
        sheet.cell(row, 6, payment_uses(payment, chinese_months=True))
    row += 1
    for deposit in account.deposits:
        row += 1
        sheet.cell(row, 1, f"装修押金（{deposit.renovation}）")
        sheet.cell(row, 3, deposit_text(deposit))
    row += 1
    for label, fen, note in closing_figures(account):
        row += 1
        sheet.cell(row, 1, label).font = Font(bold=True)
        _money(sheet, row, 3, fen)
        if note:
            sheet.cell(row, 4, note)
    for letter, width in zip("ABCDEF", (20, 14, 14, 14, 12, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    print_setup(sheet, "4:4", landscape=False)
    return save_atomically(workbook, path)


def _write_docx(account: Account, path: Path, estate: str, office: str) -> Path:
    document = new_document()
    document.add_heading(_title(estate), level=1)
    document.add_paragraph(_heading(account))
    bills = document.add_table(rows=1, cols=len(BILL_HEADERS))
    bills.style = "Table Grid"
    for cell, text in zip(bills.rows[0].cells, BILL_HEADERS, strict=True):
        cell.text = text
    for bill in account.bills:
        for cell, text in zip(bills.add_row().cells, bill_texts(bill), strict=True):
            cell.text = text
    document.add_paragraph("")
    paid = document.add_table(rows=1, cols=len(PAYMENT_HEADERS))
    paid.style = "Table Grid"
    for cell, text in zip(paid.rows[0].cells, PAYMENT_HEADERS, strict=True):
        cell.text = text
    for payment in account.payments:
        for cell, text in zip(paid.add_row().cells, payment_texts(payment, chinese_months=True), strict=True):
            cell.text = text
    for deposit in account.deposits:
        document.add_paragraph(f"装修押金（{deposit.renovation}）：{deposit_text(deposit)}")
    document.add_paragraph(
        "；".join(f"{label} {format_yuan(fen)} 元{note}" for label, fen, note in closing_figures(account))
    )
    if office:
        document.add_paragraph(f"{office}　{chinese_date(account.as_of)}")
    return write_bytes(path, saved(document))
