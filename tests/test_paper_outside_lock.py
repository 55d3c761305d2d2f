"""Receipts, certificates, exit passes and renovation papers are filled before the ledger's write
lock (issue 20, item 11): the lock is held for the numbered commit only, no template is filled while
it is held, and the paper still carries the number the commit gave it, even when another clerk took
the expected one meanwhile."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from recordkit.billing.receipts import PaymentRequest, pay, pay_and_print
from recordkit.billing.rules import add_rule
from recordkit.core.errors import LedgerError
from recordkit.core.workspace import Workspace
from recordkit.documents.certificates import list_certificates, make_certificate
from recordkit.documents.templates.engine import Prefilled, Template
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.renovations.passes import change_passes, change_passes_and_print
from recordkit.renovations.registration import RegistrationRequest, pay_charges, register_and_print
from tests.documents_fixtures import estate, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER, DAY, RECEIPTS, bill_months

TAKEN_MEANWHILE = [
    # kind, what it needs, the number expected when filled, the number the write takes
    ("居住证明", {"purpose": "子女入学"}, "JZ2026-0001", "JZ2026-0002"),
    ("出门条", {"items": "冰箱1台"}, "CM2026-000001", "CM2026-000002"),
]


def _words(path: Path) -> str:
    """Every word of the .docx's body, tags dropped (the number sits in a table cell)."""
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


class FillLog:
    """Which fills ran, and whether the ledger's write lock was held then."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, ledger: Ledger) -> None:
        self.fills: list[tuple[str, bool]] = []
        self.writing = False
        self.parts_filled_under_lock = 0  # the engine's lowest step: one part of the .docx filled by Jinja
        real_write, real_prefill, real_render = ledger.write, Template.prefill, Template.render_bytes
        real_part = Template._render_part

        @contextmanager
        def write() -> Iterator[Any]:
            with real_write() as conn:
                self.writing = True
                try:
                    yield conn
                finally:
                    self.writing = False

        def prefill(template: Template, *args: Any, **kwargs: Any) -> Any:
            self.fills.append(("prefill", self.writing))
            self.before_lock()
            return real_prefill(template, *args, **kwargs)

        def render_bytes(template: Template, *args: Any, **kwargs: Any) -> bytes:
            self.fills.append(("render", self.writing))
            return real_render(template, *args, **kwargs)

        def render_part(template: Template, *args: Any, **kwargs: Any) -> str:
            self.parts_filled_under_lock += self.writing
            return real_part(template, *args, **kwargs)

        monkeypatch.setattr(ledger, "write", write)
        monkeypatch.setattr(Template, "prefill", prefill)
        monkeypatch.setattr(Template, "render_bytes", render_bytes)
        monkeypatch.setattr(Template, "_render_part", render_part)

    def before_lock(self) -> None:
        """What another clerk does while this one's paper is being filled (nothing by default)."""


def test_a_receipt_is_filled_outside_the_lock(ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    bill_months(estate, "2026-11")
    log = FillLog(monkeypatch, estate)
    view, document = pay_and_print(ws, estate, CASHIER, PaymentRequest("1-1-101", 12000), today=DAY)
    assert log.fills == [("prefill", False)]
    assert view.number == "SJ2026-000001"
    words = _words(document.path)
    assert "编号：SJ2026-000001" in words and "RKNUMBER" not in words
    assert document.path.name == "收据SJ2026-000001_1-1-101.docx"


def test_another_clerk_takes_the_expected_number_meanwhile(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    bill_months(estate, "2026-11")
    log = FillLog(monkeypatch, estate)
    other = open_ledger(ws.database_url)

    def another_clerk() -> None:
        if len(log.fills) == 1:  # while the first paper is being filled, a payment on another unit
            pay(other, RECEIPTS, "李明", PaymentRequest("3-2-1201", 34793), today=DAY)

    log.before_lock = another_clerk  # type: ignore[method-assign]
    try:
        view, document = pay_and_print(ws, estate, CASHIER, PaymentRequest("1-1-101", 12000), today=DAY)
    finally:
        other.close()
    # Not filled again: the number alone differed, and it went into the prefilled paper.
    assert log.fills == [("prefill", False)]
    assert view.number == "SJ2026-000002"
    words = _words(document.path)
    assert "编号：SJ2026-000002" in words and "SJ2026-000001" not in words
    assert "120.00" in words


def test_a_paper_that_changed_meanwhile_is_filled_again_outside_the_lock(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    bill_months(estate, "2026-10", "2026-11")
    log = FillLog(monkeypatch, estate)
    other = open_ledger(ws.database_url)

    def same_unit_paid() -> None:
        # Another cashier takes October's parking fee of the same unit: this payment's lines change.
        if len(log.fills) == 1:
            pay(other, RECEIPTS, "李明", PaymentRequest("1-1-101", 36997), today=DAY)

    log.before_lock = same_unit_paid  # type: ignore[method-assign]
    try:
        again = PaymentRequest("1-1-101", 36997, again=True)  # the same sum twice, on purpose
        view, document = pay_and_print(ws, estate, CASHIER, again, today=DAY)
    finally:
        other.close()
    # The write that found the paper stale was rolled back; the paper was filled again before the
    # next turn of the lock, never under it.
    assert log.fills == [("prefill", False), ("prefill", False)]
    assert log.parts_filled_under_lock == 0
    assert view.number == "SJ2026-000002"
    words = _words(document.path)
    assert "编号：SJ2026-000002" in words
    # The paper shows the month this payment really paid (November), not the one it expected (October).
    assert [line.period for line in view.lines] == ["2026-11"] * len(view.lines)
    assert "2026年11月" in words and "2026年10月" not in words


def _template(tmp_path: Path, *paragraphs: str) -> Template:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "收据.docx"
    path.write_bytes(buffer.getvalue())
    return Template.load(path)


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


@pytest.mark.parametrize(
    ("source", "as_is"),
    [
        ("编号 {{ 收据编号 }} 重复 {{ 收据编号 }}", True),
        ("{% for x in 明细 %}{{ 收据编号 }}{% endfor %}", True),
        ("编号 {{ 收据编号|lower }}", False),
        ("{{ 收据编号[2:] }}", False),
        ("{% if 收据编号 %}有{% endif %}", False),
        ("{% set 收据编号 = 'X' %}{{ 收据编号 }}", False),
        ("{{ 收据编号 ~ '号' }}", False),
    ],
)
def test_a_number_is_put_in_afterwards_only_where_the_template_prints_it_as_is(
    tmp_path: Path, source: str, as_is: bool
) -> None:
    template = _template(tmp_path, source)
    assert template.printed_as_is("收据编号") is as_is
    context = {"收据编号": "SJ2026-000001", "明细": [1]}
    prefilled = template.prefill(context, ["收据编号"])
    taken = {**context, "收据编号": "SJ2026-000007"}
    data = prefilled.complete(taken)
    if as_is:
        # The paper as if filled with the number the write took.
        assert data is not None and _paragraphs(data) == _paragraphs(template.render_bytes(taken))
    else:
        # Filled with the expected number: right only if that is the one taken.
        assert data is None
        assert prefilled.complete(context) is not None


def test_a_renovation_form_is_filled_outside_the_lock(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_rule(estate, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(estate, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    log = FillLog(monkeypatch, estate)
    request = RegistrationRequest("3-2-1201", "安居装饰工程有限公司", "王强", "13600001111", "2026-11-25", "2026-12-31")
    renovation, document = register_and_print(ws, estate, CASHIER, request, today=DAY)
    assert log.fills == [("prefill", False)]
    words = _words(document.path)
    assert renovation.number in words and "RKNUMBER" not in words


@pytest.mark.parametrize(("kind", "needs", "expected", "taken"), TAKEN_MEANWHILE)
def test_a_certificate_is_filled_outside_the_lock_even_when_its_number_was_taken_meanwhile(
    ws: Workspace,
    estate: Ledger,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    needs: dict[str, str],
    expected: str,
    taken: str,
) -> None:
    log = FillLog(monkeypatch, estate)
    other = open_ledger(ws.database_url)

    def another_clerk() -> None:
        if len(log.fills) == 1:  # while this paper is being filled, another counter issues the same kind
            make_certificate(ws, other, kind, "1-1-101", "李明", today=DAY, **needs)  # type: ignore[arg-type]

    log.before_lock = another_clerk  # type: ignore[method-assign]
    try:
        made = make_certificate(ws, estate, kind, "1-1-101", CASHIER, today=DAY, **needs)  # type: ignore[arg-type]
    finally:
        other.close()
    # Ours and the other clerk's fill (inside ours), both outside any write lock; none under ours.
    assert log.fills == [("prefill", False), ("prefill", False)]
    assert log.parts_filled_under_lock == 0
    assert made.number == taken
    words = _words(made.document.path)
    assert taken in words and expected not in words and "RKNUMBER" not in words
    assert made.document.path.name == f"{kind}{taken}_1-1-101.docx"


def test_a_pass_card_whose_number_another_clerk_took_is_filled_again_outside_the_lock(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_rule(estate, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(estate, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    request = RegistrationRequest("3-2-1201", "安居装饰工程有限公司", "王强", "13600001111", "2026-11-25", "2026-12-31")
    renovation, _ = register_and_print(ws, estate, CASHIER, request, today=DAY)
    pay_charges(estate, RECEIPTS, CASHIER, renovation.number, paid_on=DAY)
    log = FillLog(monkeypatch, estate)
    other = open_ledger(ws.database_url)

    def another_clerk() -> None:
        if len(log.fills) == 1:  # while our card is filled (as pass -01), another counter issues -01
            change_passes(other, "李明", renovation.number, ["李四,510107197509236123"], today=DAY)

    log.before_lock = another_clerk  # type: ignore[method-assign]
    try:
        changes, document = change_passes_and_print(
            ws, estate, CASHIER, renovation.number, ["张三,440304198805123412,水电工"], today=DAY
        )
    finally:
        other.close()
    # The write found the card stale (its pass number was taken), rolled back, and the card was filled
    # again before the next turn of the lock; never under it.
    assert log.fills == [("prefill", False), ("prefill", False)]
    assert log.parts_filled_under_lock == 0
    assert [p.number for p in changes.issued] == [f"{renovation.number}-02"]
    assert document is not None
    words = _words(document.path)
    assert f"{renovation.number}-02" in words and f"{renovation.number}-01" not in words


def test_a_paper_stale_at_every_turn_is_refused_and_nothing_is_issued(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Prefilled, "complete", lambda self, context: None)  # changed by others every time
    log = FillLog(monkeypatch, estate)
    with pytest.raises(LedgerError) as refused:
        make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", today=DAY)
    assert refused.value.message == (
        "出门条填写期间台账上的内容被其他操作反复改动（已重试 8 次），没有开具：请稍后再试一次"
    )
    assert log.fills == [("prefill", False)] * 8 and log.parts_filled_under_lock == 0
    assert list_certificates(estate) == []
    generated = ws.records_subdir("generated")
    assert [p for p in generated.rglob("*") if p.is_file()] == []
