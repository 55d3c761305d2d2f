"""What a request of the web application works on and who makes it: the workspace and ledger (``Site``),
the signed-in user and what their role allows, and the helper that marks search words in a page.

No page is defined here (``views``), nor the app (``app``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, has_request_context, request
from markupsafe import Markup, escape
from sqlalchemy.exc import DBAPIError

from recordkit.archive.archivist import ArchiveMismatch, OutsideArchive
from recordkit.core.errors import (
    ConfigError,
    ConflictError,
    LedgerError,
    NotFoundError,
    RecordkitError,
    UsageError,
    ValidationError,
    WorkspaceError,
)
from recordkit.core.personal import masked_kinds
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, Moved, server_said
from recordkit.search.backends.base import IndexUnusable
from recordkit.web.accounts import ROLES, User, any_user

log = logging.getLogger(__name__)

#: What a role may not do, as the refusal page says it.
ACTION_WORDS = {"lend": "借出和归还", "review": "复核和改正档案信息", "private": f"查看完整的{masked_kinds()}"}

#: The HTTP status of each kind of refusal; anything else a library call raises is a server error.
#: (The ledger busy, out of reach or taking reads only — a replica —: the service, not the request, is at fault.)
_STATUS_OF = (
    (NotFoundError, 404),
    (UsageError, 400),
    (ValidationError, 400),
    (ConflictError, 409),
    # the archive's folder holding a file of the name the ledger would give (a killed rename's, a ledger restored
    # from an older backup): refused so that nothing is overwritten, until the administrator checks the files
    (ArchiveMismatch, 409),
    # an item's ledger path outside the archive: its file is not in the archive, as its download and page image say
    (OutsideArchive, 404),
    # a correction where the item's file is not (a clerk's PC: the archive is on the server), or filing refused there
    (WorkspaceError, 409),
    (LedgerError, 503),
    # a search index that cannot be used (damaged, built by a newer recordkit, its tables not in the ledger):
    # searching is unavailable until the administrator rebuilds it or upgrades the ledger or the program
    (IndexUnusable, 503),
    # a setting the page cannot work with (a pool in front of an estate's schema, two estates' ledgers in view):
    # the service is unavailable until the administrator changes it, not the page's own failure
    (ConfigError, 503),
)

_View = TypeVar("_View", bound=Callable[..., Any])

#: How often the web looks whether its ledger was moved.
MOVED_CHECK_SECONDS = 5.0


class LedgerOutage:
    """The web page's word on its PostgreSQL ledger out of reach (``Ledger.outage``: a server restarting, a network
    fault): the first failure written to the log with its traceback, then one line a request while it lasts (a page
    asks the ledger more than once: the first failure of a request is its line), and one line when the ledger
    answers again — never a traceback a click of every clerk.  Pages answer 503 meanwhile, in their own words."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._lock = threading.Lock()
        self._since: float | None = None
        self._failures = 0

    def failed(self, err: DBAPIError) -> None:
        if has_request_context():
            if g.get("ledger_outage_said"):
                return
            g.ledger_outage_said = True
        page = self.asking()
        with self._lock:
            first = self._since is None
            if first:
                self._since = time.monotonic()
            self._failures += 1
            failures = self._failures
        if first:
            log.error(
                "ledger %s out of reach (%s): pages answer 503 until it answers again: %s",
                self.where,
                page,
                server_said(err),
                exc_info=err,
            )
        else:
            log.error("ledger %s still out of reach (%s, request %d): %s", self.where, page, failures, server_said(err))

    def asking(self) -> str:
        return request.path if has_request_context() else "-"

    def answered(self) -> None:
        if self._since is None:  # (the usual case, asked at every transaction: no lock)
            return
        with self._lock:
            if self._since is None:
                return
            seconds, failures = time.monotonic() - self._since, self._failures
            self._since, self._failures = None, 0
        log.warning("ledger %s answers again after %.0f s and %d failed requests", self.where, seconds, failures)


@dataclass(frozen=True)
class Site:
    """What every request works on: the workspace, its ledger, and whether users must sign in: from the start
    when ``accounts_required`` (served beyond this computer, or accounts exist), else from the first account on
    (``sign_in_required``)."""

    workspace: Workspace
    ledger: Ledger
    accounts_required: bool
    #: When the ledger was last found not moved (``moved_to``), and where it went once it was.
    _moved: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Whether an account has been seen since the page started without one.
    _accounts: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def sign_in_required(self) -> bool:
        """Whether this request must come from a signed-in user.  A page started on this computer without
        accounts asks the ledger at each request (one small query, and only while it has none): an account
        added meanwhile (``recordkit users add`` in another terminal) is asked for at once, not at the next
        restart.  Once asked, always asked until the page stops: disabling every account locks the page rather
        than opening it to whoever sits at this computer (as after a restart, where disabled accounts count)."""
        if self.accounts_required or self._accounts.get("seen"):
            return True
        if "has_accounts" in g:
            return bool(g.has_accounts)
        # The ledger away (an outage), not made, or not granted: the request is refused here, before its page, by
        # the one handler of library errors (503, the ledger's own sentence) — every page alike, never a page that
        # reads nothing yet (/archive's empty form) answering 200 as if all were well.  Asked again next request.
        g.has_accounts = any_user(self.ledger)
        if g.has_accounts:
            self._accounts["seen"] = True
        return bool(g.has_accounts)

    def moved_to(self) -> Moved | None:
        """Where the ledger was moved (``recordkit db move``) and when, or None: read at most every
        ``MOVED_CHECK_SECONDS`` (a move happens once; a page a few seconds late to notice it costs nothing, a
        query before every thumbnail would), and never again once it was."""
        if "to" in self._moved:
            return cast(Moved, self._moved["to"])
        now = time.monotonic()
        if now - self._moved.get("checked", -MOVED_CHECK_SECONDS) < MOVED_CHECK_SECONDS:
            return None
        moved = self.ledger.moved_to()
        if moved is not None:
            self._moved["to"] = moved
        self._moved["checked"] = now
        return moved

    @property
    def local_user(self) -> User:
        """Who acts when the page is served on this computer only, without accounts: the workspace's
        operator (recordkit.toml's, else the login name), as an archivist."""
        return User(self.workspace.settings.operator_name, "archivist", False)


def site() -> Site:
    """The site of the running app."""
    return cast(Site, current_app.extensions["recordkit"])


def user() -> User:
    """The user of this request (set before every view)."""
    return cast(User, g.user)


def requires(action: str) -> Callable[[_View], _View]:
    """A view only users whose role allows ``action`` may open (others get a Chinese 403 page)."""

    def wrap(view: _View) -> _View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not user().can(action):
                refuse(action)
            return view(*args, **kwargs)

        return cast(_View, checked)

    return wrap


def refuse(action: str) -> None:
    """Stop the request with 403: the user's role does not allow ``action``."""
    role = ROLES.get(user().role, user().role)
    g.refusal = f"您的账户（{role}）不能{ACTION_WORDS.get(action, action)}，请找档案管理员"
    abort(403)


def status_of(err: RecordkitError) -> int:
    """The HTTP status a page answers with when a library call refuses with ``err``."""
    return next((status for kind, status in _STATUS_OF if isinstance(err, kind)), 500)


def marked(text: str, spans: Any) -> Markup:
    """``text`` escaped, with each [start, end) span of ``spans`` inside ``<mark>``."""
    out, at = [], 0
    for start, end in spans or ():
        out += [str(escape(text[at:start])), "<mark>", str(escape(text[start:end])), "</mark>"]
        at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))
