"""The pages of the archive room: search, an item (its pages, text, loans and journal), review, lending.

Each view reads the request, calls the same library function as the command line (``search.query.search``
as ``recordkit search``, ``archive.intake.update_and_index`` as ``archive update``, ``archivist.lend`` as
``archive lend`` …) and renders a template.  Files are found only by 档号 through the ledger, never by a
path from the request.  Sign-in, errors and headers are ``app``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from recordkit.archive.archivist import (
    FILED_AND_REMOVED,
    JOURNAL_LABELS,
    ArchiveItem,
    NoChange,
    archived_file,
    catalogued_elsewhere,
    files_here,
    former_numbers,
    get_item,
    items_by_number,
    latest_due,
    lend,
    lent_note,
    list_items,
    list_loans,
    list_quarantined,
    no_archive_here,
    paper_state,
    return_item,
    returned_note,
)
from recordkit.archive.extract import stored_text
from recordkit.archive.intake import update_and_index
from recordkit.archive.pages import IMAGE_SUFFIX, PAGE_WIDTHS, SHOWN_KINDS, THUMB_WIDTH, page_count, page_image
from recordkit.archive.rules import ACCEPTED_EXTENSIONS, FilingRules, reason_on_page
from recordkit.core.dates import format_stamp, parse_date, stamp_as_written
from recordkit.core.errors import NotFoundError, RecordkitError
from recordkit.core.filenames import as_written, without_hidden
from recordkit.core.personal import mask_in_text, mask_values
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger import journal
from recordkit.search.indexer import indexed_text, waits_for_ocr
from recordkit.search.query import MAX_QUERY_CHARS, SORT_NAMES, highlight_spans, moved_warning, search
from recordkit.web.context import refuse, requires, site, status_of, user

pages = Blueprint("pages", __name__)

#: Results on one page of the search, and how deep paging goes (the index ranks only so many).
PAGE_SIZE = 20
MAX_PAGE = 50
#: Days a paper original is lent for unless the archivist says otherwise.
DEFAULT_LOAN_DAYS = 14
#: Journal entries shown on an item's page (newest first).
JOURNAL_SHOWN = 50
#: What an archive number in a URL may look like: anything else is no item (404), before any lookup.
_ARCHIVE_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")
#: The item page's zoom levels: the page image widths wider than a thumbnail.
ZOOM_WIDTHS = tuple(width for width in PAGE_WIDTHS if width > THUMB_WIDTH)
#: The query keys of an item's page (search words, zoom level, 显示完整号码): the rest are no page's.
ITEM_QUERY = ("q", "zoom", "private")
_MIMETYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


@pages.app_template_global()
def place(item: ArchiveItem | None) -> str:
    """Where the paper original lies: 盒号/架位, or 未登记."""
    found = "/".join(part for part in (item.box, item.shelf) if part) if item else ""
    return found or "未登记"


@pages.app_template_global()
def has_pages(item: ArchiveItem | None) -> bool:
    """Whether the item's file has pages to show (a scan or PDF; a Word or Excel file is downloaded)."""
    return item is not None and ACCEPTED_EXTENSIONS.get(Path(item.path).suffix.lower(), "") in SHOWN_KINDS


def _checked_number(text: str) -> str:
    if not _ARCHIVE_NO.fullmatch(text):
        abort(404)
    return text


def _item(archive_no: str) -> ArchiveItem:
    """The item of an archive number from the URL (a former number finds it); 404 for anything else."""
    return get_item(site().ledger, _checked_number(archive_no))


def _private_asked() -> bool:
    """The user ticked 显示完整号码: allowed only to a role that may see ID and phone numbers."""
    if request.values.get("private") != "1":
        return False
    if not user().can("private"):
        refuse("private")
    return True


def _estate_unit(text: str) -> str:
    """A unit as typed, read with the estate's phases when it has them (as ``recordkit search --unit``)."""
    phases = site().workspace.settings.office.phase_table()
    return str(parse_unit_code(text, phases=phases)) if phases and text.strip() else text


def _rules() -> FilingRules:
    """The archive's categories and the estate's phases, as ``recordkit archive`` reads them."""
    settings = site().workspace.settings
    return FilingRules.from_settings(settings.archive, settings.office.phase_table())


def _categories() -> list[str]:
    """The archive's categories, as the forms offer them."""
    return [category.name for category in _rules().categories]


def _shown(text: str | None, private: bool) -> str:
    return str(text or "") if private else mask_in_text(str(text or ""))


# -- search ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchForm:
    """The search page's query string, as ``recordkit search`` takes it."""

    q: str = ""
    category: str = ""
    unit: str = ""
    owner: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "相关度"
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> SearchForm:
        try:
            page = min(MAX_PAGE, max(1, int(args.get("page", "1"))))
        except ValueError:
            page = 1

        def field(name: str) -> str:
            # never cut: a query too long is the library's to refuse, with the message the command line gives
            return str(args.get(name, "")).strip()

        return cls(
            q=field("q"),
            category=field("category"),
            unit=field("unit"),
            owner=field("owner"),
            date_from=field("from"),
            date_to=field("to"),
            sort=field("sort") or "相关度",  # one the page does not know is refused (``search_page``), never replaced
            page=page,
        )

    @property
    def asked(self) -> bool:
        return any((self.q, self.category, self.unit, self.owner, self.date_from, self.date_to))

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this search (with ``changes``), for paging and sort links."""
        values = {
            "q": self.q, "category": self.category, "unit": self.unit, "owner": self.owner,
            "from": self.date_from, "to": self.date_to, "sort": self.sort, "page": self.page,
        }  # fmt: skip
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}


@pages.get("/")
def index() -> Response:
    return redirect(url_for("pages.search_page"))


@pages.get("/search")
@requires("search")
def search_page() -> Any:
    form = SearchForm.from_args(request.args)
    private = _private_asked()
    here = site()
    result, error, hits, places, status = None, None, [], {}, 200
    here_files: set[str] = set()
    if form.asked or form.sort not in SORT_NAMES:  # a bad sort= is refused even without a query, as --sort is
        try:
            result = search(
                here.workspace,
                form.q,
                category=form.category or None,
                unit=_estate_unit(form.unit) or None,
                owner=form.owner or None,
                date_from=form.date_from or None,
                date_to=form.date_to or None,
                limit=form.page * PAGE_SIZE,
                sort=form.sort,
                show_private=private,
                ledger=here.ledger,  # (a PostgreSQL index's outage told as the ledger's, in the page's log)
            )
        except RecordkitError as err:
            error = err.form_message
            # the query's fault: 400; the database away or busy (a restart): 503, what a monitor should see
            status = 503 if status_of(err) == 503 else 400
        else:
            hits = result.hits[(form.page - 1) * PAGE_SIZE :]
            places = items_by_number(here.ledger, [hit.archive_no for hit in hits])
            # a thumbnail only of a file on this computer (a clerk's PC holds none): never an image that answers 404
            here_files = files_here(here.workspace, places.values())
            if private and hits:
                journal.record_private_view(
                    here.ledger, user().name, "archive_item", f"网页检索 {form.q}", [hit.archive_no for hit in hits]
                )
    pages_total = min(MAX_PAGE, math.ceil(result.total / PAGE_SIZE)) if result else 0
    # where a thumbnail would be: the original is on the server (no file here at all), or gone from the archive
    away = "原件在服务器上" if len(here_files) < len(places) and no_archive_here(here.workspace) else "文件不在档案库中"
    moved = result.moved_away if result else None
    zone = here.workspace.settings.office.time_zone
    if result is not None and form.page > max(1, pages_total):
        # a page past the last (a bookmark, the back button after items left the list, a typed address): the
        # last page, never "nothing found" under "找到 39 条"
        last = form.args(page=max(1, pages_total), private="1" if private else None)
        return redirect(url_for("pages.search_page", **last))
    return render_template(
        "search.html",
        form=form,
        result=result,
        hits=hits,
        places=places,
        here_files=here_files,
        away=away,
        error=error,
        # in the page's words: the command line's warning names the commands that move an index
        index_warning=moved_warning(moved, zone, for_page=True) if moved is not None else None,
        pages_total=pages_total,
        categories=_categories(),
        sorts=list(SORT_NAMES),
        private=private,
        thumb_width=THUMB_WIDTH,
    ), status


# -- the catalogue --------------------------------------------------------------------------------

#: The 档案目录's filters, as ``recordkit archive list`` takes them (--category, --unit, --box, --shelf).
LIST_FILTERS = ("category", "unit", "box", "shelf")
#: Rows the 档案目录 shows at most (a category alone may hold thousands): the count says how many there are.
LIST_SHOWN = 500


@pages.get("/archive")
@requires("search")
def list_page() -> Any:
    """档案目录: the items ``recordkit archive list`` lists with the same filters (``list_items``: a 盒号 or 架位 typed
    full-width is the half-width one), titles masked unless 显示完整号码; nothing listed before a filter is given."""
    form = {name: str(request.args.get(name, "")).strip() for name in LIST_FILTERS}
    private = _private_asked()
    here = site()
    items: list[ArchiveItem] = []
    error, status = None, 200
    if any(form.values()):
        try:
            items = list_items(
                here.ledger,
                form["category"] or None,
                _estate_unit(form["unit"]) or None,
                rules=_rules(),
                box=form["box"] or None,
                shelf=form["shelf"] or None,
            )
        except RecordkitError as err:
            error = err.form_message
            status = 503 if status_of(err) == 503 else 400
        shown = [item.archive_no for item in items[:LIST_SHOWN]]
        if private and shown:
            journal.record_private_view(here.ledger, user().name, "archive_item", "网页档案目录", shown)
    return render_template(
        "archive.html",
        form=form,
        asked=any(form.values()),
        items=[item if private else item.masked() for item in items[:LIST_SHOWN]],
        total=len(items),
        error=error,
        categories=_categories(),
        private=private,
    ), status


# -- an item --------------------------------------------------------------------------------------


def _item_or_redirect(archive_no: str, endpoint: str, **values: Any) -> ArchiveItem | Response:
    """The item of ``archive_no``; a former number (or one written another way) redirects to the current,
    keeping only the page's own query keys (``ITEM_QUERY``): ``url_for`` reads ``_external``, ``_scheme``,
    ``_anchor`` and ``_method`` as its options, never as a query."""
    item = _item(archive_no)
    if item.archive_no != archive_no:
        kept = {key: value for key, value in request.args.items() if key in ITEM_QUERY}
        return redirect(url_for(endpoint, **{**kept, **values, "archive_no": item.archive_no}))
    return item


def _journal_entries(item: ArchiveItem, private: bool) -> list[dict[str, Any]]:
    numbers = [item.archive_no, *former_numbers(site().ledger, [item.archive_no]).get(item.archive_no, ())]
    zone = site().workspace.settings.office.time_zone
    with site().ledger.read() as conn:
        entries = [entry for number in numbers for entry in journal.recent(conn, JOURNAL_SHOWN, entity_key=number)]
    entries.sort(key=lambda entry: entry.id, reverse=True)
    shown = []
    for entry in entries[:JOURNAL_SHOWN]:
        after = entry.after if private else cast("dict[str, Any] | None", mask_values(entry.after))
        details = "；".join(
            f"{JOURNAL_LABELS.get(key, key)}：{_journal_value(key, value, zone)}"
            for key, value in (after or {}).items()
            if value not in (None, "")
        )
        shown.append(
            {
                "at": format_stamp(entry.at, zone),
                "operator": entry.operator,
                "action": journal.action_label(entry.action),
                "details": details,
            }
        )
    return shown


def _journal_value(key: str, value: Any, zone: str) -> str:
    """A value of a journal entry as the page shows it: 是/否, a moment on the office's clock."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key.endswith("_at") and isinstance(value, str):
        return stamp_as_written(value, zone)
    return str(value)


def _not_here(item: ArchiveItem) -> str | None:
    """Why the original of ``item`` can be neither downloaded nor corrected on this computer, as its download's
    refusal says it (a clerk's PC, the archive on the server; a file gone from the archive), or None when its file
    is here.  The page offers neither then: both would be refused once clicked."""
    try:
        archived_file(site().workspace, item)
    except NotFoundError as err:
        return err.form_message
    return None


def _item_page(item: ArchiveItem, status: int = 200, error: str | None = None, form: Any = None) -> Any:
    here = site()
    private = _private_asked()
    q = request.values.get("q", "")
    if len(q.strip()) > MAX_QUERY_CHARS:  # no search takes it: nothing of it to mark
        q = ""
    try:
        zoom = min(max(0, int(request.args.get("zoom", "0"))), len(ZOOM_WIDTHS) - 1)
    except ValueError:
        zoom = 0
    try:
        count, page_error = page_count(here.workspace, here.ledger, item.archive_no), None
    except RecordkitError as err:
        count, page_error = 0, err.form_message
    not_here = _not_here(item)
    text, indexed = stored_text(here.workspace, item), False
    if text is None and not_here is not None:
        # the file and its extracted text are where the archive is (a clerk's PC): the text the shared index holds
        text = indexed_text(here.workspace, here.ledger, item)
        indexed = text is not None
    text_pages = []
    for page in text.pages if text else ():
        body = _shown(page.text, private)
        text_pages.append({"number": page.number, "text": body, "spans": highlight_spans(body, q) if q else []})
    loans = list_loans(here.ledger, include_returned=True, archive_no=item.archive_no)
    out = next((loan for loan in loans if loan.returned_at is None), None)
    if private:
        journal.record_private_view(here.ledger, user().name, "archive_item", "网页查看档案", [item.archive_no])
    zone = here.workspace.settings.office.time_zone
    return render_template(
        "item.html",
        item=item,
        title=_shown(item.title, private),
        unit=_rules().unit_shown(item.unit, item.category),
        original_name=_shown(item.original_name, private),
        former=former_numbers(here.ledger, [item.archive_no]).get(item.archive_no, ()),
        page_count=count,
        page_error=page_error,
        not_here=not_here,
        widths=ZOOM_WIDTHS,
        zoom=zoom,
        text=text,
        indexed=indexed,
        # no text here nor in the index, on a computer without the archive: extracted there, never "尚未提取" — but
        # of a scan the index holds as waiting for OCR, which the server has no text of either
        text_elsewhere=text is None
        and not_here is not None
        and no_archive_here(here.workspace)
        and not waits_for_ocr(here.workspace, here.ledger, item),
        text_pages=text_pages,
        q=q,
        loans=loans,
        out=out,
        paper_state=paper_state(out),
        journal_entries=_journal_entries(item, private),
        shown=lambda text: _shown(text, private),
        filed_at=format_stamp(item.filed_at, zone),
        stamp=lambda at: format_stamp(at, zone) if at else "",
        today=dt.date.today(),
        default_due=dt.date.today() + dt.timedelta(days=DEFAULT_LOAN_DAYS),
        latest_due=latest_due(dt.date.today()),
        categories=_categories(),
        private=private,
        error=error,
        form=form or {},
    ), status


@pages.get("/item/<archive_no>")
@requires("view")
def item_page(archive_no: str) -> Any:
    found = _item_or_redirect(archive_no, "pages.item_page")
    return found if isinstance(found, Response) else _item_page(found)


@pages.get("/item/<archive_no>/page/<int:number>")
@requires("view")
def page_image_file(archive_no: str, number: int) -> Any:
    try:
        width = int(request.args.get("w", str(ZOOM_WIDTHS[0])))
    except ValueError:
        abort(404)
    if width not in PAGE_WIDTHS:
        abort(404)
    here = site()
    item = _item(archive_no)
    image = page_image(here.workspace, here.ledger, item.archive_no, number, width=width)
    if isinstance(image, bytes):  # (not cached: the disk would not take it)
        response = send_file(io.BytesIO(image), mimetype=_MIMETYPES[IMAGE_SUFFIX], max_age=3600, etag=False)
    else:
        mimetype = _MIMETYPES.get(image.suffix.lower(), "application/octet-stream")
        response = send_file(image, mimetype=mimetype, max_age=3600, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


#: The characters RFC 5987 lets stand unencoded in a ``filename*`` (as Werkzeug's own ``send_file`` writes it).
_ATTR_CHARS = "!#$&+-.^_`|~"


@pages.get("/item/<archive_no>/original")
@requires("view")
def original_file(archive_no: str) -> Any:
    here = site()
    item = _item(archive_no)
    path = archived_file(here.workspace, item)
    # The name as it is seen: the ledger shows an invisible character in it as <U+200B>, which a browser would save.
    name = without_hidden(as_written(item.original_name)) or path.name
    response = send_file(path, as_attachment=True, download_name=name, conditional=True)
    if not name.isascii():
        # Werkzeug's plain ``filename`` of a Chinese name keeps only its ASCII letters (电梯维保记录.pdf: ".pdf"): a
        # browser that reads no ``filename*`` saves the file under its 档号 instead, the name whole in ``filename*``.
        response.headers.set(
            "Content-Disposition",
            "attachment",
            filename=f"{item.archive_no}{path.suffix}",
            **{"filename*": f"UTF-8''{quote(name, safe=_ATTR_CHARS)}"},
        )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- lending --------------------------------------------------------------------------------------


def _form_failed(archive_no: str, err: RecordkitError) -> Any:
    # the message may name a borrower (the original is out already): masked, as the page is
    message = mask_in_text(err.form_message)
    return _item_page(get_item(site().ledger, archive_no), status_of(err), message, request.form)


@pages.post("/item/<archive_no>/lend")
@requires("lend")
def lend_item(archive_no: str) -> Any:
    number = _checked_number(archive_no)
    form = request.form
    try:
        # as ``archive lend --due`` reads it: also 12月20日, the next such day (a browser without a date field)
        due = parse_date(form.get("due", ""), "应还日期", ahead=dt.date.today())
        loan = lend(
            site().ledger, number, form.get("borrower", ""), due, user().name, form.get("dept"), form.get("reason")
        )
    except RecordkitError as err:
        return _form_failed(number, err)
    # masked, as the page is (``lent_note``); the page's note has never named the dept
    flash(lent_note(replace(loan, dept=None)))
    return redirect(url_for("pages.item_page", archive_no=loan.archive_no))


@pages.post("/item/<archive_no>/return")
@requires("lend")
def return_loan(archive_no: str) -> Any:
    number = _checked_number(archive_no)
    # the loan the page showed as out: a form resent later (the back button, a page left open) never returns
    # another borrower's loan of the same original
    shown = request.form.get("loan", "")
    try:
        loan = return_item(site().ledger, number, user().name, int(shown) if shown.isdecimal() else None)
    except RecordkitError as err:
        return _form_failed(number, err)
    flash(returned_note(loan, dt.date.today()))  # masked, as the page is
    return redirect(url_for("pages.item_page", archive_no=loan.archive_no))


@pages.get("/loans")
@requires("view")
def loans_page() -> Any:
    overdue = request.args.get("overdue") == "1"
    today = dt.date.today()
    loans = list_loans(site().ledger, overdue=overdue, today=today)
    return render_template("loans.html", loans=loans, overdue=overdue, today=today)


# -- review ---------------------------------------------------------------------------------------


def _changes(item: ArchiveItem, form: Any) -> dict[str, Any]:
    """What the review form changes: the fields filled in and different from the item's."""
    changes: dict[str, Any] = {}

    def edited(name: str, current: str) -> str:
        # a field the clerk left as the form showed it (``was_…``) is no change: another clerk's change since the
        # page was opened, or a form the back button brought back, is never undone by saving another field
        value, shown = form.get(name, "").strip(), form.get(f"was_{name}")
        return value if value and value != current and (shown is None or value != shown.strip()) else ""

    if category := edited("category", item.category):
        changes["category"] = category
    if unit := edited("unit", item.unit or ""):
        changes["unit"] = unit  # as typed: ``update_item`` reads it with the estate's phases, as for the command
    # the title as a page shows it masked is no change (only an old or forged form sends it: the form has no
    # title field while the title is masked), never a title with asterisks in place of the numbers
    if (title := edited("title", item.title)) and title != mask_in_text(item.title):
        changes["title"] = title
    if date := edited("date", item.doc_date.isoformat() if item.doc_date else ""):
        changes["doc_date"] = parse_date(date, "文件日期")
    if form.get("reviewed") == "1":
        changes["reviewed"] = True
    return changes


@pages.post("/item/<archive_no>/update")
@requires("review")
def update_item_page(archive_no: str) -> Any:
    here = site()
    item = _item(archive_no)
    try:
        changes = _changes(item, request.form)
        if not changes:
            flash("没有改动")
            return redirect(url_for("pages.item_page", archive_no=item.archive_no))
        updated = update_and_index(here.workspace, here.ledger, item.archive_no, user().name, **changes)
    except NoChange as err:
        flash(err.form_message)
        return redirect(url_for("pages.item_page", archive_no=item.archive_no))
    except RecordkitError as err:
        return _form_failed(item.archive_no, err)
    renumbered = f"（原档号 {item.archive_no}）" if updated.archive_no != item.archive_no else ""
    still = "；仍待复核：" + "；".join(map(reason_on_page, updated.review_reasons)) if updated.needs_review else ""
    flash(f"已更新 {updated.archive_no}{renumbered}：{updated.category}，房号 {updated.unit or '无'}{still}")
    if request.form.get("back") == "review":
        return redirect(url_for("pages.review_page"))
    return redirect(url_for("pages.item_page", archive_no=updated.archive_no))


@pages.get("/review")
@requires("view")
def review_page() -> Any:
    here = site()
    items = list_items(here.ledger, review=True)
    # A copy found filed already is removed only by a role that may change the archive (a GET of the page is no
    # request to change anything: a 查阅 account's look leaves the quarantine as it is).
    listed = list_quarantined(here.workspace, here.ledger, remove_filed=user().can("review"))
    # nothing here on a computer without the archive (a clerk's PC): the quarantine is the server's, never "empty"
    elsewhere = not listed and catalogued_elsewhere(here.workspace, here.ledger) > 0
    return render_template(
        "review.html",
        items=items,
        # an item whose file is not here is corrected where it is (as on its own page): said instead of its form
        not_here={item.archive_no: _not_here(item) for item in items} if user().can("review") else {},
        # a note says when with its offset (an older one on this machine's clock): shown on the office's clock, as
        # every page's moments
        quarantined=[
            replace(entry, at=stamp_as_written(entry.at, here.workspace.settings.office.time_zone))
            for entry in listed
            if entry.filed_as is None
        ],
        # copies a filing from the quarantine left behind when it was cut short, found filed and removed just now
        removed=[entry for entry in listed if entry.filed_as is not None],
        quarantine_elsewhere=elsewhere,
        filed_and_removed=FILED_AND_REMOVED,
        categories=_categories(),
    )
