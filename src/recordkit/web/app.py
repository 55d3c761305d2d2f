"""The web application behind ``recordkit serve``: the app factory, who is signed in and what they may do,
the session's secret key, the error pages and the headers every answer carries.

The pages are ``views``; users, passwords and login throttling are ``accounts``.  Flask is imported only
here and in ``views``, which only ``recordkit serve`` (and the tests) load.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from recordkit.archive.rules import reason_on_page
from recordkit.core.errors import RecordkitError, UsageError
from recordkit.core.personal import mask_in_text, masked_kinds
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_workspace_ledger
from recordkit.web.accounts import ROLES, LoginRefused, authenticate, get_user
from recordkit.web.context import LedgerOutage, Site, marked, site, status_of
from recordkit.web.views import pages

log = logging.getLogger(__name__)

#: The session cookie's signing key, made once per workspace and kept beside the ledger (never in
#: recordkit.toml, which is shown and copied around).
SECRET_FILE = ".web-secret"
SECRET_BYTES = 32


def secret_key(workspace: Workspace) -> bytes:
    """The workspace's session key from records/.web-secret (mode 0600), made on first use.  Two servers
    starting at once agree: the key is published with ``os.link``, which never replaces one there."""
    path = workspace.records_dir / SECRET_FILE
    try:
        key = path.read_bytes()
        if len(key) >= SECRET_BYTES:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".~recordkit-", dir=path.parent)  # made with mode 0600
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(SECRET_BYTES))
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():  # an empty or short key (a crash of an older write): replace it
            os.replace(temp_name, path)
        else:
            try:
                os.link(temp_name, path)
            except FileExistsError:
                pass
    finally:
        Path(temp_name).unlink(missing_ok=True)
    return path.read_bytes()


#: Addresses only this computer can reach: the page may be served there without accounts.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def accounts_required(host: str, has_users: bool) -> bool:
    """Whether users must sign in: always when the page is served beyond this computer (``host`` not a
    loopback address), and on this computer too once accounts exist.  ``UsageError`` for another address
    while no account exists: the page is never served on the network to whoever finds it."""
    local = host.strip().lower() in LOOPBACK_HOSTS
    if not local and not has_users:
        raise UsageError(
            f"在 {host} 上提供网页，办公室网络上的人都能打开：请先建立账户（recordkit users add 姓名），"
            "或去掉 --host 只在本机使用"
        )
    return has_users or not local


def create_app(workspace: Workspace, *, accounts_required: bool, ledger: Ledger | None = None) -> Flask:
    """The web application on ``workspace`` and its open ``ledger``.  With ``accounts_required`` every page
    but the login page asks for a signed-in user (``accounts``); without, the page is for this computer's
    own user (``Site.local_user``), which ``recordkit serve`` allows only on 127.0.0.1, until an account is
    added (``Site.sign_in_required``).  The ledger is opened here unless given, as a command that only reads opens
    it: never made here (a ledger not there — a file gone or empty, a schema not made yet — is a ``LedgerError``)."""
    if ledger is None:
        # (its [database] schema too: several estates share a database)
        ledger = open_workspace_ledger(workspace, create=False)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(workspace),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="recordkit_session",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=64 * 1024,  # forms only: nothing is uploaded
        TEMPLATES_AUTO_RELOAD=False,
    )
    ledger.outage = LedgerOutage(ledger.where)  # (said by the page: once, then a line a request)
    app.extensions["recordkit"] = Site(workspace, ledger, accounts_required)
    # The sign-in page checks its own token, after it has said whether it takes a sign-in at all: on a ledger the
    # page cannot write it offers no form, so a sign-in sent there has no token and gets the page's own answer.
    CSRFProtect(app).exempt(login)
    app.register_blueprint(pages)
    app.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    app.add_url_rule("/logout", "logout", logout, methods=["POST"])
    app.before_request(_refuse_other_hosts)
    app.before_request(_refuse_control_characters)
    app.before_request(_sign_in)
    app.after_request(_headers)
    app.register_error_handler(RecordkitError, _library_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.jinja_env.globals.update(
        ROLES=ROLES, current_user=lambda: g.get("user"), masked=mask_in_text, masked_kinds=masked_kinds
    )
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.filters["reason"] = reason_on_page
    return app


# -- who is signed in ---------------------------------------------------------------------------


def _sign_in() -> Response | tuple[str, int] | None:
    if request.endpoint == "static":
        return None
    here = site()
    moved = here.moved_to()
    if moved is not None:  # every page would show the ledger as of the move: none is shown
        return error_page(
            f"台账{moved.said}，这个网页还连着原来的台账（{here.ledger.where}）："
            "请管理员把设置中的台账数据库地址改为新地址后重启网页服务",
            503,
        )
    if request.endpoint == "login":
        return None
    if not here.sign_in_required():
        g.user = here.local_user
        return None
    name = session.get("user")
    found = get_user(here.ledger, name) if isinstance(name, str) else None
    if found is None or found.disabled:
        # signed out by a disabled or removed account; a visitor's session (the login form's CSRF token, which
        # the browser's favicon request must not wipe) is kept
        return _to_login() if name is None else _signed_out(None)
    if session.get(PASSWORD_STAMP) != found.password_changed_at:
        # the password was changed (``recordkit users passwd``: a leaked one, a clerk who left) since this
        # browser signed in with the old one; a session of an older version, without the stamp, just signs in again
        return _signed_out(PASSWORD_CHANGED if PASSWORD_STAMP in session else None)
    now = time.time()
    seen = session.get(LAST_SEEN)
    if not isinstance(seen, int) or now - seen >= SESSION_IDLE.total_seconds():
        return _signed_out(IDLE_SIGNED_OUT if isinstance(seen, int) else None)
    if now - seen >= LAST_SEEN_STEP:
        session[LAST_SEEN] = int(now)
    g.user = found
    return None


#: What a session keeps besides the user's name: the account's ``password_changed_at`` when it signed in, and
#: when (seconds since the epoch) it was last used.
PASSWORD_STAMP = "password_changed_at"
LAST_SEEN = "seen"
PASSWORD_CHANGED = "密码已更改，请重新登录"
IDLE_SIGNED_OUT = "长时间未操作，已自动退出，请重新登录"

#: A session unused this long is signed out: a counter PC left signed in overnight is no open door in the
#: morning, while a clerk's working day with its breaks stays signed in.  Kept in the signed session and checked
#: here rather than by ``PERMANENT_SESSION_LIFETIME``: Flask drops a cookie older than that unread, and the login
#: page could not say why the clerk must sign in again.
SESSION_IDLE = dt.timedelta(hours=8)
#: The last-seen moment is written again at most this often (seconds): not a new cookie for every thumbnail.
LAST_SEEN_STEP = 60


def _signed_out(reason: str | None) -> Response:
    """End the session and send the browser to the login page, which says ``reason`` (when given)."""
    session.clear()
    if reason:
        flash(reason)
    return _to_login()


def _to_login() -> Response:
    return redirect(url_for("login", next=request.full_path if request.method == "GET" else None))


def _refuse_other_hosts() -> tuple[str, int] | None:
    """Without accounts the page answers only to this computer's own names (the ``Host`` a browser sends):
    a web site whose name an attacker points at 127.0.0.1 (DNS rebinding) would otherwise be the page's own
    origin in the clerk's browser, read owners' files and send its forms with their token.  (Flask's
    ``TRUSTED_HOSTS`` cannot say ``[::1]``: Werkzeug cuts a trusted name at its first colon.)"""
    if site().sign_in_required():
        return None
    host = (urlsplit(f"//{request.host}").hostname or "") if _HOST.fullmatch(request.host) else ""
    if host.lower() in LOOPBACK_HOSTS:
        return None
    return error_page(
        "这个网页不需要登录，只能在本机用 127.0.0.1 或 localhost 打开，不能用别的网址：请在地址栏输入"
        "网页服务启动时显示的地址（以 http://127.0.0.1 开头）",
        400,
    )


#: A ``Host`` header: a name or IPv4 address, or an IPv6 address in brackets, and an optional port.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


#: Control characters no form field or query of these pages holds (a NUL, ESC, DEL …): a request with one is
#: refused before any library call, so none reaches the ledger (PostgreSQL refuses a NUL in text; SQLite keeps
#: it and ``db move`` fails on the row later).  Tab and line breaks pass: the library checks its own fields.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters() -> tuple[str, int] | None:
    fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
    if any(_CONTROL_CHARACTERS.search(key) or _CONTROL_CHARACTERS.search(value) for key, value in fields):
        return error_page("提交的内容或地址里有控制字符（如 NUL），没有处理：请重新输入后再提交", 400)
    return None


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, else the search page.  Browsers drop tabs and
    line breaks from a URL and read ``\\`` as ``/`` (``/<TAB>/evil.example`` is ``//evil.example``, another
    host), so a target with any blank, control or invisible character or a backslash is refused, and what is
    left must parse as a path without a scheme or host."""
    if not target or "\\" in target or any(not char.isprintable() or char.isspace() for char in target):
        return url_for("pages.search_page")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return url_for("pages.search_page")
    return target


#: What the sign-in page says on a ledger that takes no writes (a replica, or a database set read-only) …
READ_ONLY_SIGN_IN = (
    "这个网页连着只能读的台账（从库），不能在这里登录：请到连着主库的档案室网页（一般是办公室服务器上的）登录"
)
#: … and on a SQLite ledger the page's service account may only read.
SQLITE_READ_ONLY_SIGN_IN = (
    "运行这个网页的系统账户不能写入台账，而登录要写入台账，所以不能在这里登录："
    "请管理员让这个账户能写入台账文件和它所在的文件夹"
)
#: … and on one kept read-only by the -wal or -shm files a reader left beside it, which doctor names.
SQLITE_LEFTOVERS_SIGN_IN = (
    "运行这个网页的系统账户不能写入台账旁边 SQLite 留下的文件，而登录要写入台账，所以不能在这里登录："
    "请管理员运行 recordkit doctor，按其中的说明处理"
)


def login() -> Any:
    here = site()
    if not here.sign_in_required():
        return redirect(url_for("pages.search_page"))
    if here.ledger.read_only():
        # Every sign-in writes (its attempt is counted in the ledger before the password is checked, so that guesses
        # sent at once stop at the limit), which a replica refuses: said before a password is typed, no form offered,
        # nothing of a session kept.  (``recordkit serve`` refuses to start there once accounts exist; this is a page
        # started on this computer without accounts that has since seen one.)
        said = READ_ONLY_SIGN_IN
        if here.ledger.dialect == "sqlite":
            said = SQLITE_LEFTOVERS_SIGN_IN if here.ledger.leftovers() else SQLITE_READ_ONLY_SIGN_IN
        return render_template("login.html", message=said, read_only=True, next=""), 503
    message, status = None, 200
    if request.method == "POST":
        current_app.extensions["csrf"].protect()  # (exempt from the check before every request: see create_app)
        name = request.form.get("name", "").strip()
        try:
            signed_in = authenticate(
                here.ledger, name, request.form.get("password", ""), client=request.remote_addr or "unknown"
            )
        except LoginRefused as err:
            message, status = err.message, 403
        else:
            session.clear()
            session["user"] = signed_in.name
            session[PASSWORD_STAMP] = signed_in.password_changed_at
            session[LAST_SEEN] = int(time.time())
            return redirect(_safe_next(request.form.get("next")))
    return render_template("login.html", message=message, next=request.values.get("next", "")), status


def logout() -> Any:
    session.clear()
    return redirect(url_for("login") if site().sign_in_required() else url_for("pages.search_page"))


# -- answers --------------------------------------------------------------------------------------


def _headers(response: Response) -> Response:
    # No script, frame or outside source is needed by any page: the policy says so.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'none'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":  # pages may show owners' data: never kept by a shared browser
        response.headers["Cache-Control"] = "no-store"
    return response


def error_page(message: str, status: int) -> tuple[str, int]:
    return render_template("error.html", message=message, status=status), status


def _library_error(err: RecordkitError) -> tuple[str, int]:
    return error_page(err.form_message, status_of(err))


def _csrf_error(err: CSRFError) -> tuple[str, int]:
    return error_page("表单缺少安全校验码或已过期（请回到上一页刷新后再提交）", 400)


_HTTP_MESSAGES = {
    404: "没有这个页面或档案（文件只能按档号打开）",
    403: "没有权限",
    405: "不能这样打开这个页面",
    413: "提交的内容太长",
}


def _http_error(err: HTTPException) -> tuple[str, int]:
    status = err.code or 500
    message = g.get("refusal") if status == 403 else None
    return error_page(message or _HTTP_MESSAGES.get(status, "请求无法处理"), status)


def _unexpected_error(err: Exception) -> tuple[str, int]:
    reference = uuid.uuid4().hex[:8]
    log.exception("web request failed (reference %s)", reference)
    return error_page(f"服务器内部错误，已记入日志（编号 {reference}）", 500)
