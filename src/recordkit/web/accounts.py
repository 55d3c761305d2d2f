"""Accounts of the web page: users, roles, passwords (scrypt) and the throttling of failed sign-ins.

Kept in the ledger (``web_users``, ``web_login_failures``); every change to an account is journalled with
the operator's name, never with the password or its hash.  The pages (Flask) call ``authenticate`` and
``get_user``; ``recordkit users`` calls the rest.  No web framework is imported here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordkit.core.errors import ConflictError, NotFoundError, RecordkitError, UsageError, ValidationError
from recordkit.ledger.db import Ledger
from recordkit.ledger.journal import Change, record
from recordkit.ledger.schema import web_login_failures, web_users

#: Role code → the office's word for it.
ROLES: dict[str, str] = {"reader": "查阅", "archivist": "档案管理员"}
#: What each role may do: search and view items; lend and return; review the inbox; ask to see ID and
#: phone numbers unmasked.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "reader": frozenset({"search", "view"}),
    "archivist": frozenset({"search", "view", "lend", "review", "private"}),
}
ACTIONS = frozenset().union(*ROLE_ACTIONS.values())

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
NAME_MAX_LENGTH = 32
_NAME = re.compile(r"[\w.\-]+")  # letters (Chinese too), digits, _ . -

# scrypt (RFC 7914), memory-hard: N=2**15, r=8, p=1 takes 32 MB and ~0.1 s per check.  The parameters are
# kept in each hash, so raising them later leaves the existing hashes readable.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
_SCRYPT_MAXMEM = 256 << 20
_HASH = re.compile(r"scrypt:(\d+):(\d+):(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")

#: After this many failed sign-ins for one name within ``FAILURE_WINDOW``, the name is refused for
#: ``LOCKOUT`` (a right password included); a browser's address gets ``MAX_CLIENT_FAILURES`` across names.
MAX_USER_FAILURES = 5
MAX_CLIENT_FAILURES = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)

WRONG_PASSWORD = "用户名或密码不对：请重新输入（连续输错 5 次将暂停登录 15 分钟）"


class LoginRefused(RecordkitError):
    """A sign-in refused: wrong name or password, a disabled account, or too many failures (then
    ``retry_at``, UTC, says when the next try is allowed: a page answers 429 rather than 401)."""

    exit_code = UsageError.exit_code

    def __init__(self, message: str, retry_at: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


@dataclass(frozen=True)
class User:
    """A signed-in (or looked-up) account."""

    name: str
    role: str
    disabled: bool
    #: When its password was last set (UTC stamp, as kept): a web session remembers it at sign-in and ends
    #: when it differs (``recordkit users passwd``).  Empty for the page's local user, who has no password.
    password_changed_at: str = field(default="", compare=False)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def can(self, action: str) -> bool:
        """Whether the role allows ``action`` ("search", "view", "lend", "review", "private"); a disabled
        account may do nothing."""
        return not self.disabled and action in ROLE_ACTIONS.get(self.role, frozenset())


@dataclass(frozen=True)
class Account:
    """An account as ``recordkit users list`` shows it."""

    name: str
    role: str
    disabled: bool
    created_at: str
    created_by: str
    password_changed_at: str
    last_login_at: str | None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "role_label": self.role_label,
            "disabled": self.disabled,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "password_changed_at": self.password_changed_at,
            "last_login_at": self.last_login_at,
        }


# -- pure rules ----------------------------------------------------------------------------------------


def role_code(text: str) -> str:
    """The role code for ``查阅`` / ``档案管理员`` (or the codes themselves); ``UsageError`` for another."""
    folded = unicodedata.normalize("NFKC", text).strip()
    for code, label in ROLES.items():
        if folded in (code, label):
            return code
    raise UsageError(f"没有角色“{folded}”：只能是 {' 或 '.join(ROLES.values())}")


def checked_name(name: str) -> str:
    """The user name as kept (NFC, trimmed); ``ValidationError`` for one that cannot be a sign-in name."""
    folded = unicodedata.normalize("NFC", name).strip()
    if not folded:
        raise ValidationError("用户名不能为空")
    if len(folded) > NAME_MAX_LENGTH or not _NAME.fullmatch(folded):
        raise ValidationError(
            f"用户名“{folded}”不能用：只能用汉字、字母、数字和 _ . -，不能有空格，最多 {NAME_MAX_LENGTH} 个字"
        )
    return folded


def name_key(name: str) -> str:
    """The name as accounts are told apart (uniqueness, signing in, counting failed sign-ins): NFKC and case
    folded, so that ``wang``, ``Wang`` and ``Ｗａｎｇ`` are one name, as a clerk reads them."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).strip()


def check_password(name: str, password: str) -> None:
    """``ValidationError`` for a password too short, too long, or the same as the name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"密码太短：至少 {MIN_PASSWORD_LENGTH} 个字符，没有保存")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"密码太长：最多 {MAX_PASSWORD_LENGTH} 个字符，没有保存")
    if password.strip().casefold() == name.strip().casefold():
        raise ValidationError("密码不能与用户名相同，没有保存")
    if not password.strip():
        raise ValidationError("密码不能全是空格，没有保存")


def hash_password(password: str) -> str:
    """``scrypt:N:r:p$salt$key`` (base64), a fresh random salt each time."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (compared in constant time); False for a
    hash this version cannot read."""
    match = _HASH.fullmatch(stored or "")
    if match is None:
        return False
    n, r, p = (int(group) for group in match.group(1, 2, 3))
    if n < 2 or n & (n - 1) or n > 2**20 or not 1 <= r <= 32 or not 1 <= p <= 16:
        return False  # not ours, or a hash that would cost the server more than a sign-in should
    salt, key = base64.b64decode(match[4]), base64.b64decode(match[5])
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(key)), key)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = KEY_BYTES) -> bytes:
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=length)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


#: Checked against when the name is unknown, so that an unknown name costs the same time as a known one.
_DUMMY_HASH = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}${_b64(bytes(SALT_BYTES))}${_b64(bytes(KEY_BYTES))}"


def locked_until(failures: list[dt.datetime], limit: int, now: dt.datetime) -> dt.datetime | None:
    """When sign-ins are allowed again after ``failures`` (any order), or None when they are now: ``limit``
    failures within ``FAILURE_WINDOW`` lock for ``LOCKOUT`` from the last of them."""
    recent = sorted(moment for moment in failures if moment <= now)
    if len(recent) < limit:
        return None
    last = recent[-1]
    within = [moment for moment in recent if last - moment <= FAILURE_WINDOW]
    if len(within) < limit or now >= last + LOCKOUT:
        return None
    return last + LOCKOUT


# -- the ledger ----------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or dt.datetime.now(dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _user(row: Any) -> User:
    return User(row.name, row.role, bool(row.disabled), row.password_changed_at)


def _row(conn: Connection, name: str) -> Any:
    """The account named ``name`` as kept, else the one account whose name is the same by ``name_key`` (None when
    there is none, or two kept before names were compared so)."""
    exact = conn.execute(sa.select(web_users).where(web_users.c.name == name)).first()
    if exact is not None:
        return exact
    same = _same_name(conn, name)
    return same[0] if len(same) == 1 else None


def _same_name(conn: Connection, name: str) -> list[Any]:
    """The accounts whose names are ``name`` by ``name_key``, by name (there are a few dozen accounts at most)."""
    key = name_key(name)
    rows = conn.execute(sa.select(web_users)).all()
    return sorted((row for row in rows if name_key(row.name) == key), key=lambda row: str(row.name))


def _view(row: Any) -> dict[str, Any]:
    """What the journal keeps of an account: never the password or its hash."""
    return {"name": row.name, "role": row.role, "disabled": bool(row.disabled)}


def get_user(ledger: Ledger, name: str) -> User | None:
    """The account ``name`` (disabled ones included), or None."""
    with ledger.read() as conn:
        row = _row(conn, unicodedata.normalize("NFC", name).strip())
    return None if row is None else _user(row)


def any_user(ledger: Ledger) -> bool:
    """Whether any account exists (a page served beyond 127.0.0.1 needs one)."""
    with ledger.read() as conn:
        return conn.execute(sa.select(web_users.c.id).limit(1)).first() is not None


def require_user(ledger: Ledger, name: str) -> User:
    """The account ``name``; ``NotFoundError`` when there is none."""
    user = get_user(ledger, name)
    if user is None:
        raise NotFoundError(_no_such_user(unicodedata.normalize("NFC", name).strip()))
    return user


def check_new_account(ledger: Ledger, name: str, role: str) -> tuple[str, str]:
    """The name as kept and the role code of an account that can be added (asked before a password is):
    ``ValidationError``, ``UsageError`` or ``ConflictError`` otherwise."""
    checked, code = checked_name(name), role_code(role)
    with ledger.read() as conn:
        _require_free(conn, checked)
    return checked, code


def _require_free(conn: Connection, name: str) -> None:
    for row in _same_name(conn, name):
        taken = row.name
        why = "" if taken == name else "（用户名不分大小写和全角半角）"
        raise ConflictError(f"账户 {taken} 已存在{why}：改密码用 recordkit users passwd {taken}")


def list_users(ledger: Ledger) -> list[Account]:
    """Every account, by name (its characters' order, not the database's collation: the same on SQLite and on a
    PostgreSQL made with a Chinese locale)."""
    with ledger.read() as conn:
        rows = sorted(conn.execute(sa.select(web_users)).all(), key=lambda row: str(row.name))
    return [
        Account(
            r.name,
            r.role,
            bool(r.disabled),
            r.created_at,
            r.created_by,
            r.password_changed_at,
            r.last_login_at,
        )
        for r in rows
    ]


def add_user(
    ledger: Ledger, name: str, role: str, password: str, *, operator: str, now: dt.datetime | None = None
) -> User:
    """A new account (``role`` a code or its Chinese word); journalled as ``user.add``.

    ``ValidationError`` for a bad name or password, ``UsageError`` for an unknown role, ``ConflictError``
    when the name is taken; nothing is written then."""
    name, role = checked_name(name), role_code(role)
    check_password(name, password)
    password_hash = hash_password(password)  # ~0.1 s: before the write lock, never inside it
    stamp = _stamp(_now(now))
    with ledger.write() as conn:
        _require_free(conn, name)
        values = {
            "name": name,
            "role": role,
            "password_hash": password_hash,
            "disabled": False,
            "created_at": stamp,
            "created_by": operator,
            "password_changed_at": stamp,
        }
        conn.execute(web_users.insert().values(**values))
        record(
            conn,
            operator,
            [Change("user.add", "web_user", name, None, {"name": name, "role": role, "disabled": False})],
        )
    return User(name, role, False, stamp)


def disable_user(ledger: Ledger, name: str, *, operator: str) -> User:
    """Disable the account: it can no longer sign in, and a signed-in session of it stops working at its
    next request (``get_user`` says disabled).  Journalled as ``user.disable``; ``NotFoundError`` for an
    unknown name, ``ConflictError`` when it is disabled already."""
    return _set_disabled(ledger, name, True, operator)


def enable_user(ledger: Ledger, name: str, *, operator: str) -> User:
    """Allow a disabled account to sign in again; journalled as ``user.enable``."""
    return _set_disabled(ledger, name, False, operator)


def _set_disabled(ledger: Ledger, name: str, disabled: bool, operator: str) -> User:
    name = unicodedata.normalize("NFC", name).strip()
    with ledger.write() as conn:
        row = _row(conn, name)
        if row is None:
            raise NotFoundError(_no_such_user(name))
        if bool(row.disabled) == disabled:
            raise ConflictError(f"账户 {name} 已经是{'停用' if disabled else '启用'}状态，没有改动")
        conn.execute(web_users.update().where(web_users.c.id == row.id).values(disabled=disabled))
        after = {**_view(row), "disabled": disabled}
        record(
            conn, operator, [Change("user.disable" if disabled else "user.enable", "web_user", name, _view(row), after)]
        )
    return User(row.name, row.role, disabled, row.password_changed_at)


def set_password(ledger: Ledger, name: str, password: str, *, operator: str, now: dt.datetime | None = None) -> User:
    """A new password for the account (its failed sign-ins are forgotten, and a web session signed in with the
    old one ends at its next request: its ``password_changed_at`` differs); journalled as ``user.passwd``
    without the password.  ``NotFoundError`` for an unknown name, ``ValidationError`` for a bad password."""
    name = require_user(ledger, name).name
    check_password(name, password)
    password_hash = hash_password(password)
    with ledger.write() as conn:
        row = _row(conn, name)
        if row is None:
            raise NotFoundError(_no_such_user(name))
        stamp = _stamp(_now(now))
        conn.execute(
            web_users.update()
            .where(web_users.c.id == row.id)
            .values(password_hash=password_hash, password_changed_at=stamp)
        )
        conn.execute(web_login_failures.delete().where(web_login_failures.c.user_name == _failure_key(name)))
        record(conn, operator, [Change("user.passwd", "web_user", name, None, {"password_changed_at": stamp})])
    return replace(_user(row), password_changed_at=stamp)


def _no_such_user(name: str) -> str:
    return f"没有账户 {name}：用 recordkit users list 查看已有账户"


# -- signing in ----------------------------------------------------------------------------------------


def authenticate(
    ledger: Ledger,
    name: str,
    password: str,
    *,
    client: str,
    now: dt.datetime | None = None,
    zone: dt.tzinfo | None = None,
) -> User:
    """The account, when ``password`` is its password and it may sign in now.

    Raises ``LoginRefused`` (the same words for an unknown name as for a wrong password) for a wrong name
    or password, a disabled account, or too many failures — ``MAX_USER_FAILURES`` for the name or
    ``MAX_CLIENT_FAILURES`` from ``client`` (the browser's address) within ``FAILURE_WINDOW`` — until
    ``LOCKOUT`` has passed, a right password included; the message says when to retry (on ``zone``'s
    clock when given).  Failures are kept in the ledger, so a restart forgets none.  ``ValidationError``
    for a control character (a NUL) in ``name`` or ``client``: refused before the ledger is asked.

    Each attempt is written down as a failure, in the same write transaction (under the ledger's write lock)
    that found the name and the address not locked, before the password is checked; a right password then
    forgets the name's failures.  So attempts made at once queue at the lock and no more than
    ``MAX_USER_FAILURES`` passwords of a name (``MAX_CLIENT_FAILURES`` from an address) are ever checked
    within the window, however many arrive together.

    The name is compared by ``name_key`` (``Ｗａｎｇ`` signs in as ``wang``), and failures are counted under it.  Two
    accounts kept before names were compared so (``wang`` and ``Wang``, both enabled) cannot be told apart: the
    right password of either is refused, naming ``recordkit users disable``."""
    name = unicodedata.normalize("NFC", name).strip()[:64]
    client = (client or "?")[:64]
    if any(unicodedata.category(char) == "Cc" for char in name + client):  # a NUL: PostgreSQL refuses it
        raise ValidationError("用户名里有控制字符（如 NUL）：请重新输入")
    with ledger.write() as conn:
        # The clock read under the lock: an attempt that waited for it must not stamp itself earlier than the
        # failures written meanwhile (``locked_until`` ignores failures later than its moment).
        moment = _now(now)
        until = _throttled(conn, _failure_key(name), client, moment)
        same = _same_name(conn, name) if name else []
        attempt = None if until is not None else _record_attempt(conn, _failure_key(name), client, moment)
    if until is not None:
        raise LoginRefused(_retry_message(until, moment, zone), until)
    enabled = [row for row in same if not row.disabled]
    if len(enabled) > 1:
        # The password first: to one who does not know it, the refusal says no more than for any other name.
        if not any(verify_password(password, row.password_hash) for row in enabled):
            raise LoginRefused(WRONG_PASSWORD)
        with ledger.write() as conn:
            conn.execute(web_login_failures.delete().where(web_login_failures.c.id == attempt))
        raise LoginRefused(
            f"账户 {'、'.join(row.name for row in enabled)} 的用户名只差大小写或全角半角，分不出是哪一个，没有登录："
            "请档案管理员用 recordkit users disable 停用不用的那个"
        )
    row = enabled[0] if enabled else same[0] if same else None
    right = verify_password(password, row.password_hash if row is not None else _DUMMY_HASH)
    if row is None or not right:  # the attempt stays a failure
        raise LoginRefused(WRONG_PASSWORD)
    if row.disabled:  # the right password: not a guess
        with ledger.write() as conn:
            conn.execute(web_login_failures.delete().where(web_login_failures.c.id == attempt))
        raise LoginRefused(f"账户 {row.name} 已停用：请联系档案管理员")
    with ledger.write() as conn:
        conn.execute(web_login_failures.delete().where(web_login_failures.c.user_name == _failure_key(row.name)))
        conn.execute(web_users.update().where(web_users.c.id == row.id).values(last_login_at=_stamp(moment)))
    return _user(row)


def _failure_key(name: str) -> str:
    """What a failed sign-in is counted under: ``name_key``, so that typing the name another way (``WANG``,
    ``Ｗａｎｇ``) does not start a count of its own, cut to the column's 64 characters."""
    return name_key(name)[:64]


def _throttled(conn: Connection, name: str, client: str, moment: dt.datetime) -> dt.datetime | None:
    since = _stamp(moment - FAILURE_WINDOW - LOCKOUT)
    locks = []
    for column, value, limit in (
        (web_login_failures.c.user_name, name, MAX_USER_FAILURES),
        (web_login_failures.c.client, client, MAX_CLIENT_FAILURES),
    ):
        stamps = conn.execute(
            sa.select(web_login_failures.c.at).where(column == value, web_login_failures.c.at >= since)
        ).scalars()
        until = locked_until([dt.datetime.fromisoformat(stamp) for stamp in stamps], limit, moment)
        if until is not None:
            locks.append(until)
    return max(locks) if locks else None


def _record_attempt(conn: Connection, name: str, client: str, moment: dt.datetime) -> int:
    """Write down a sign-in attempt as a failure (until its password proves right); its row id."""
    # Only the last window and lockout matter: older failures go, so the table stays small.
    conn.execute(web_login_failures.delete().where(web_login_failures.c.at < _stamp(moment - FAILURE_WINDOW - LOCKOUT)))
    inserted = conn.execute(
        web_login_failures.insert().values(at=_stamp(moment), user_name=name, client=client)
    ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def _retry_message(until: dt.datetime, moment: dt.datetime, zone: dt.tzinfo | None) -> str:
    minutes = max(1, math.ceil((until - moment).total_seconds() / 60))
    clock = f"（{until.astimezone(zone):%H:%M} 以后）" if zone is not None else ""
    return f"登录失败次数过多，已暂停登录：请 {minutes} 分钟后{clock}再试"


__all__ = [
    "ROLES",
    "Account",
    "LoginRefused",
    "User",
    "add_user",
    "any_user",
    "authenticate",
    "disable_user",
    "enable_user",
    "get_user",
    "check_new_account",
    "list_users",
    "name_key",
    "require_user",
    "set_password",
]
