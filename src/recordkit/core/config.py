"""Settings: one typed object, built once per command.

Precedence is defaults < ``recordkit.toml`` < ``RECORDKIT_*`` environment <
command-line flags.  Nothing else in recordkit reads the TOML or ``os.environ``.
An unknown key, a wrong type or an unreadable file is a ``ConfigError`` that
names the file (or variable), the key and what was expected.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from recordkit.core.atomic import write_bytes
from recordkit.core.dates import check_business_month, office_zone, parse_month
from recordkit.core.errors import ConfigError, ValidationError, read_refusal, system_account, write_refusal
from recordkit.core.filenames import hidden_characters
from recordkit.core.personal import validate_phone
from recordkit.core.unitcodes import phase_spellings

CONFIG_FILE_NAME = "recordkit.toml"
ENV_PREFIX = "RECORDKIT_"
#: The metadata key of a settings field that is no setting (what ``load_settings`` learnt of the others).
NOT_A_SETTING = "not_a_setting"
#: RECORDKIT_* variables that are not settings: the workspace itself, and the test suite's own.
ENV_NOT_SETTINGS = ("RECORDKIT_HOME", "RECORDKIT_TEST_")


@dataclass(frozen=True)
class PhaseSettings:
    """One ``[[office.phases]]`` table: a 区/期 of the estate, part of its units' identity."""

    # The name printed and kept in the code: "香榭丽舍", "二期".
    name: str = ""
    # Other ways clerks and rosters write it: "香榭", "一期", "2期".
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfficeSettings:
    name: str = "物业服务中心"
    estate: str = "示例小区"
    # The estate's full address as written on certificates and notices, e.g. "江宁市秦淮区幸福路88号";
    # the estate name and the unit's display form follow it on paper.
    address: str = ""
    # The office's time zone: every time shown, printed or exported, and the month a time falls in.
    time_zone: str = "Asia/Shanghai"
    # The estate's phases (区/期); none means units have no phase and nothing about codes changes.
    phases: tuple[PhaseSettings, ...] = ()

    def phase_table(self) -> dict[str, str]:
        """Every spelling of the estate's phases → its name, for ``core.unitcodes``' parsers (empty: no phases)."""
        return phase_spellings(self.phases)


@dataclass(frozen=True)
class ReceiptSettings:
    prefix: str = "SJ"
    # The receipt number: {prefix}, {year} and {seq} (the sequence, per year when {year} is in it).
    number_pattern: str = "{prefix}{year}-{seq:06d}"
    # Paper of the printed receipt: "A4" or "241" (pin-feed paper 241 mm wide).
    layout: str = "A4"
    # The years a payment may be dated in (year 1 or 9999 is a typo): refused at the door otherwise.
    first_year: int = 2000
    last_year: int = 2099

    @property
    def years(self) -> tuple[int, int]:
        """``(first_year, last_year)``: the books' years, which money, work orders, papers and the reports of a
        day or month must lie in (``core.dates.check_business_day``, ``check_business_month``)."""
        return self.first_year, self.last_year


@dataclass(frozen=True)
class FeeItemSettings:
    """One ``[[fees.items]]`` table: a fee item and its rule, seeded into the ledger when new there."""

    name: str = ""
    # area (元/㎡·月), fixed (元/月), metered (元/吨, 元/度 from readings), oneoff (一次性)
    kind: str = ""
    # 元 per unit of the rule, up to 4 decimals; written as text ("2.35") or a number (2.35).
    rate: str = ""
    # First month the rate applies, "2026-01".
    effective_from: str = ""
    # How the rate reads on paper, e.g. "元/㎡·月"; empty for the kind's usual unit.
    unit_label: str = ""
    # Share of the fee a vacant (空置) unit pays, in percent: 100 is full, 0 is none.
    vacant_percent: int = 100
    # Units the item applies to ("1-1-101", ...); empty means every unit.
    units: tuple[str, ...] = ()
    # Kinds of unit the item applies to ("住宅", "别墅", "商铺", "车位", "储藏室"); empty means every kind.
    unit_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeesSettings:
    # Rounding of each bill to fen: half_up (四舍五入), down (舍去), up (进一).
    rounding: str = "half_up"
    items: tuple[FeeItemSettings, ...] = ()


@dataclass(frozen=True)
class DatabaseSettings:
    # Empty means the SQLite ledger at records/ledger.sqlite3.
    url: str = ""
    # Seconds a writer waits for another writer before giving up.
    busy_timeout: int = 30
    # PostgreSQL only: the schema that holds this estate's ledger and search index, so that several
    # estates share one database, one schema each.  Empty means the server's default (public).
    schema: str = ""
    #: Not a setting: the keys above that a ``RECORDKIT_DATABASE_*`` variable gave (``load_settings``), for ``named``.
    from_environment: frozenset[str] = field(default=frozenset(), metadata={NOT_A_SETTING: True})
    #: Not a setting: those of ``from_environment`` whose variable holds another value than recordkit.toml's (or the
    #: default, where the file gives none): a variable repeating the file's own value changes nothing.
    changed_by_environment: frozenset[str] = field(default=frozenset(), metadata={NOT_A_SETTING: True})

    def named(self, *keys: str) -> str:
        """Where the ledger's settings ``keys`` (``url``, ``schema``) were given, as a message sends the IT person
        to them: recordkit.toml's ``[database]``, or the environment's variable that changed it (a service's
        drop-in, a variable exported to look at a backup).  Put after Chinese words with ``spaced``."""
        written = [key for key in keys if key not in self.from_environment]
        given = self.variables(*keys)
        # (the file's part ends in a Latin word, the variable's begins in Chinese: "url 和环境变量 …")
        return " 和".join(
            ([f"recordkit.toml 的 [database] {' 和 '.join(written)}"] if written else [])
            + ([f"环境变量 {' 和 '.join(given)}"] if given else [])
        )

    def variables(self, *keys: str) -> list[str]:
        """The environment's variables that gave the settings ``keys`` (``url``, ``schema``), in that order."""
        return [f"{ENV_PREFIX}DATABASE_{key.upper()}" for key in keys if key in self.from_environment]

    def variables_changing(self, *keys: str) -> list[str]:
        """The environment's variables that changed the settings ``keys`` from recordkit.toml's values (or the
        defaults), in that order: a variable merely repeating the file's value is not one."""
        return [f"{ENV_PREFIX}DATABASE_{key.upper()}" for key in keys if key in self.changed_by_environment]

    def address_named(self) -> str:
        """``named`` of the settings that say where the ledger is: its url, and its schema if one is given."""
        return self.named("url", "schema") if self.schema else self.named("url")

    def to_new_address(self) -> str:
        """What every message about a ledger moved away from asks the IT person to change: recordkit.toml's address
        (``db move`` wrote the new one there, but a service may run on the old one), or the variable that gave the
        old one, which overrides what ``db move`` wrote."""
        if not self.from_environment:
            return "把 recordkit.toml 的 [database] url（和 schema）改为新地址"
        return f"把{spaced(self.address_named())} 改为新地址"


@dataclass(frozen=True)
class RenovationSettings:
    """``[renovation]``: what a renovation registration charges, and the usual working hours."""

    # Fee items (fees rules, kind oneoff) charged at registration: the deposit is held and
    # refunded after the inspection; the waste-removal fee is the office's income.
    deposit_item: str = "装修押金"
    waste_item: str = "装修垃圾清运费"
    # Working hours allowed when --hours is not given.
    hours: str = "8:00-12:00,14:00-18:00"
    # Registration numbers: {prefix}{year}-{seq:04d}, e.g. ZX2026-0001.
    prefix: str = "ZX"


@dataclass(frozen=True)
class NoticesSettings:
    """Issue 5: what notices, payment reminders and certificates print besides the office's name."""

    # The office's telephone, printed on payment reminders.
    phone: str = ""
    #: Not a setting: where ``phone`` came from, as a refusal names it (``office_phone``); empty for the default.
    phone_from: str = field(default="", metadata={NOT_A_SETTING: True})
    # How owners can pay, printed on every 催缴通知书.
    payment_methods: str = "到物业服务中心前台以现金、微信、支付宝或 POS 刷卡缴纳，或银行转账（请注明房号）"
    # Days an owner is given to pay, counted from the day the 催缴通知书 is printed.
    payment_days: int = 15
    # Whom `notice make` addresses when --to is not given: 业主 (the owner), 住户 (the occupant: the
    # unit's tenants when it has any, else its owner) or 全部 (owner and tenants on one notice).
    to: str = "业主"


@dataclass(frozen=True)
class Settings:
    """Everything recordkit may be configured with.  Sections mirror recordkit.toml."""

    operator: str = ""
    office: OfficeSettings = field(default_factory=OfficeSettings)
    receipt: ReceiptSettings = field(default_factory=ReceiptSettings)
    fees: FeesSettings = field(default_factory=FeesSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    renovation: RenovationSettings = field(default_factory=RenovationSettings)
    notices: NoticesSettings = field(default_factory=NoticesSettings)
    archive: ArchiveSettings = field(default_factory=lambda: ArchiveSettings())
    workorders: WorkOrderSettings = field(default_factory=lambda: WorkOrderSettings())
    ocr: OcrSettings = field(default_factory=lambda: OcrSettings())
    roster: RosterSettings = field(default_factory=lambda: RosterSettings())
    limits: LimitSettings = field(default_factory=lambda: LimitSettings())
    search: SearchSettings = field(default_factory=lambda: SearchSettings())

    @property
    def operator_name(self) -> str:
        """Who is acting: the configured operator, else the OS user."""
        return self.operator or system_account()


#: Login names that are accounts, not people: money and paper are never signed by them.
SYSTEM_ACCOUNTS = frozenset(
    {"root", "administrator", "admin", "user", "guest", "system", "unknown", "nobody", "www-data", "ubuntu",
     "debian", "pi", "recordkit", "office", "pc", "test"}
)  # fmt: skip


def signing_operator(settings: Settings) -> str:
    """The clerk who signs money and paper: set on purpose (``operator`` in recordkit.toml,
    RECORDKIT_OPERATOR or ``--operator``) and not an account name.

    ``ConfigError`` saying how to set it otherwise: a receipt signed 收款人 root, or by whatever
    login the office PC happens to have, is no signature.
    """
    name = settings.operator.strip()
    how = '请在 recordkit.toml 写 operator = "王芳"，或设置环境变量 RECORDKIT_OPERATOR，或加 --operator 王芳'
    if not name:
        raise ConfigError(f"收款和打印文书需要经办人姓名，现在没有设置（电脑登录名不能代替签名）：{how}")
    if name.lower() in SYSTEM_ACCOUNTS:
        raise ConfigError(f"经办人“{name}”是电脑账户名，不是人名，不能签在收据和文书上：{how}")
    return name


_TYPE_NAMES = {str: "文本", int: "整数", bool: "true 或 false", float: "数字"}


def spaced(words: str) -> str:
    """``words`` as they follow Chinese words in a message: a space before a Latin start (recordkit.toml), none
    before a Chinese one (环境变量)."""
    return f" {words}" if words[:1].isascii() else words


def _settings_of(owner: type) -> list[dataclasses.Field[Any]]:
    """The fields of a settings class that recordkit.toml and the environment may give (not ``NOT_A_SETTING``)."""
    return [f for f in dataclasses.fields(owner) if not f.metadata.get(NOT_A_SETTING)]


def _sections() -> dict[str, type]:
    hints = get_type_hints(Settings)
    return {f.name: hints[f.name] for f in dataclasses.fields(Settings) if dataclasses.is_dataclass(hints[f.name])}


def _scalar_type(owner: type, key: str) -> type | None:
    for f in _settings_of(owner):
        if f.name == key:
            hint = get_type_hints(owner)[key]
            return None if dataclasses.is_dataclass(hint) else hint
    return None


def _tuple_item_type(hint: Any) -> type | None:
    """``X`` of a ``tuple[X, ...]`` field (a TOML array), else None."""
    if get_origin(hint) is tuple:
        item: type = get_args(hint)[0]
        return item
    return None


def _check_table_list(value: Any, item_type: type, where: str, key: str) -> tuple[Any, ...]:
    """A TOML array of tables (``[[fees.items]]``) as a tuple of ``item_type``; every key checked."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ConfigError(f"{where}：{key} 应写成 [[{key}]] 表的列表，现在是 {value!r}")
    known = {f.name for f in dataclasses.fields(item_type)}
    items = []
    for number, entry in enumerate(value, start=1):
        fields: dict[str, Any] = {}
        for sub_key, sub_value in entry.items():
            label = f"{key}[{number}].{sub_key}"
            if sub_key not in known:
                raise ConfigError(f"{where}：未知的配置项 {label}（可用：{'、'.join(sorted(known))}）")
            expected = get_type_hints(item_type)[sub_key]
            if expected is str and isinstance(sub_value, int | float) and not isinstance(sub_value, bool):
                # A rate written as a TOML number: its shortest repr is what the clerk typed.
                sub_value = repr(sub_value)
            fields[sub_key] = _check_type(sub_value, expected, where, label)
        items.append(item_type(**fields))
    return tuple(items)


def _check_type(value: Any, expected: Any, where: str, key: str) -> Any:
    if get_origin(expected) is dict:
        # A TOML table of words (``[roster.map]`` 房间 = "房号"): text keys, text values.
        if not isinstance(value, dict) or not all(isinstance(v, str | int) for v in value.values()):
            raise ConfigError(f'{where}：{key} 应写成 [{key}] 表，每行 原写法 = "标准写法"，现在是 {value!r}')
        return {str(k): str(v) for k, v in value.items()}
    if (element := _tuple_item_type(expected)) is not None:
        if dataclasses.is_dataclass(element):
            return _check_table_list(value, element, where, key)
        if not isinstance(value, list):
            raise ConfigError(f'{where}：{key} 应为列表（例如 ["1-1-101", "1-1-102"]），现在是 {value!r}')
        return tuple(_check_type(entry, element, where, key) for entry in value)
    # bool is an int in Python; a TOML `true` must not pass as a number.
    ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if not ok:
        raise ConfigError(f"{where}：{key} 应为{_TYPE_NAMES.get(expected, expected.__name__)}，现在是 {value!r}")
    return value


def _parse_env_value(raw: str, expected: type, var: str) -> Any:
    if _tuple_item_type(expected) is not None or get_origin(expected) is dict:
        raise ConfigError(f"环境变量 {var} 不能设置列表或表格配置项：请写在 recordkit.toml 中")
    if expected is str:
        return raw
    if expected is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
    else:
        try:
            return expected(raw)
        except ValueError:
            pass
    raise ConfigError(f"环境变量 {var} 应为{_TYPE_NAMES.get(expected, expected.__name__)}，现在是 {raw!r}")


# What tomllib says (its messages, "Invalid value (at line 2, column 10)"), in the words of a clerk who edits
# recordkit.toml: the mistakes the README's examples invite first.
_QUOTE_TEXT = '等号后面的值写得不对：文字要放在英文双引号里（例如 estate = "幸福里小区"，不能用中文引号“”），数字和 true、false 不加引号'
_BACKSLASH = "英文双引号里的反斜杠 \\ 要写成两个（\\\\），或把双引号换成单引号，例如 'D:\\备份'"
_TOML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), said)
    for pattern, said in (
        (r"Invalid value", _QUOTE_TEXT),
        (r"Unterminated string|Illegal character '\\n'", "引号没有配对：文字的开头和结尾都要有英文双引号"),
        (r"Illegal character|Found invalid character", "这里有不能出现的字符：请检查这一行有没有多余的符号"),
        (r"Expected '=' after a key", '设置名后面要写英文等号 =，例如 estate = "幸福里小区"'),
        (r"Expected newline or end of document", "一行只能写一项设置，值的后面多了内容：要加说明，请在说明前写 #"),
        (
            r"Invalid statement|Invalid initial character for a key",
            "这一行不是设置：设置写成“名称 = 值”，说明文字的行首要写 #",
        ),
        (
            r"Cannot declare \((?P<key>.*)\) twice",
            "[{key}] 写了两次：同一节只能写一次，请把后一节里的设置移到前一节里，再删掉后一个 [{key}]",
        ),
        (r"Cannot overwrite a value|Duplicate inline table key", "同一项设置写了两次：请删掉其中一行"),
        (r"Expected '\]' at the end of a table", "节名缺少右方括号 ]，例如 [office]"),
        (r"Expected '\]\]' at the end of an array", "缺少右边的两个方括号 ]]，例如 [[office.phases]]"),
        (r"Unclosed array", "方括号 [ ] 没有配对：列表以 ] 结束，各项之间用英文逗号"),
        (r"Unclosed inline table", "花括号 { } 没有配对"),
        (r"Unescaped '\\'|Invalid hex value|Escaped character", _BACKSLASH),
        (r"Invalid date or datetime", "日期写得不对，例如 2026-12-05"),
    )
)
_TOML_WHERE = re.compile(r"^(?P<what>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$", re.S)


def toml_problem(said: str, path: Path) -> str:
    """tomllib's message ``said`` about ``path`` in Chinese: where (第 2 行第 10 列, 文件末尾), what to write, and the
    line itself — never a line holding an address with ``://`` (a database's password)."""
    where = _TOML_WHERE.match(said)
    what, line = (where["what"], where["line"]) if where else (said, None)
    place = f"第 {line} 行第 {where['column']} 列" if where and line else "文件末尾"
    shown = ""
    if line:
        try:
            text = path.read_text(encoding="utf-8").splitlines()[int(line) - 1].strip()
        except (OSError, UnicodeDecodeError, IndexError):
            text = ""
        if text and "://" not in text:
            shown = f"（这一行是：{text}）"
    return f"{place}：{_toml_told(what, at_end=not line)}{shown}"


def _toml_told(what: str, *, at_end: bool) -> str:
    if at_end and what == "Invalid value":  # the file ends inside a setting
        return "最后一项设置没有写完：请检查最后几行的方括号和引号是否配对"
    for pattern, words in _TOML_PROBLEMS:
        if found := pattern.match(what):
            # a table's key as tomllib writes it, a tuple: ('office', 'phases') is [office.phases]
            key = ".".join(ast.literal_eval(f"({found['key']})")) if "key" in pattern.groupindex else ""
            return words.format(key=key)
    return f"写法不对（{what}）"


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file as a dict; ``ConfigError`` naming the file and the line when unreadable."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"配置文件 {path} 格式错误：{toml_problem(str(err), path)}") from err
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"配置文件 {path} 不是 UTF-8 编码（可能是 GBK）：请用记事本打开，“另存为”时选择 UTF-8 编码"
        ) from err
    except PermissionError as err:  # (a file root saved with mode 600 under a service's own account)
        account = system_account()
        raise ConfigError(
            f"无法读取配置文件 {path}：运行 recordkit 的系统账户 {account} 没有读取它的权限：请让这个账户能读它"
            f"（例如 sudo chown {account}: {path}）；文件里可能写着数据库的密码，不要改成所有人都能读"
        ) from err
    except OSError as err:
        raise ConfigError(f"无法读取配置文件 {path}：{read_refusal(err)}") from err


def _overrides_from_toml(data: Mapping[str, Any], where: str) -> dict[str, dict[str, Any] | Any]:
    sections = _sections()
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key in sections:
            if not isinstance(value, dict):
                raise ConfigError(f"{where}：[{key}] 应为一个小节（表），现在是 {value!r}")
            section_values: dict[str, Any] = {}
            for sub_key, sub_value in value.items():
                expected = _scalar_type(sections[key], sub_key)
                if expected is None:
                    known = "、".join(f.name for f in _settings_of(sections[key]))
                    # TOML reads a key written below a section as that section's (operator = … added at the end)
                    below = (
                        f"：{sub_key} 是不属于任何小节的配置项，要写在文件开头、第一个 [小节] 之前"
                        if _scalar_type(Settings, sub_key) is not None
                        else ""
                    )
                    raise ConfigError(f"{where}：未知的配置项 {key}.{sub_key}（[{key}] 可用：{known}）{below}")
                section_values[sub_key] = _check_type(sub_value, expected, where, f"{key}.{sub_key}")
            result[key] = section_values
        else:
            expected = _scalar_type(Settings, key)
            if expected is None and isinstance(value, dict):  # a section misspelt: [databse]
                raise ConfigError(f"{where}：未知的小节 [{key}]（可用的小节：{'、'.join(sorted(sections))}）")
            if expected is None:
                top = "、".join(f.name for f in dataclasses.fields(Settings) if f.name not in sections)
                raise ConfigError(f"{where}：未知的配置项 {key}（小节以外可用：{top}；其余的写在各自的 [小节] 下面）")
            result[key] = _check_type(value, expected, where, key)
    return result


def _overrides_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    sections = _sections()
    result: dict[str, Any] = {}
    for var, raw in sorted(environ.items()):
        if not var.startswith(ENV_PREFIX) or var.startswith(ENV_NOT_SETTINGS):
            continue
        name = var[len(ENV_PREFIX) :].lower()
        section, _, sub_key = name.partition("_")
        if section in sections and (expected := _scalar_type(sections[section], sub_key)) is not None:
            result.setdefault(section, {})[sub_key] = _parse_env_value(raw, expected, var)
        elif (expected := _scalar_type(Settings, name)) is not None:
            result[name] = _parse_env_value(raw, expected, var)
        else:
            raise ConfigError(f"未知的环境变量 {var}：请检查拼写（例如 RECORDKIT_DATABASE_URL、RECORDKIT_OPERATOR）")
    return result


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


def load_settings(
    config_file: Path | None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from defaults, the TOML file (if it exists), the environment and flags.

    ``flags`` uses the same shape as the TOML (``{"operator": ..., "database": {"url": ...}}``);
    ``None`` values in flags mean "not given".  Raises ``ConfigError``.
    """
    layers: dict[str, Any] = {}
    if config_file is not None and config_file.exists():
        layers = _merge(layers, _overrides_from_toml(read_toml(config_file), f"配置文件 {config_file}"))
    from_env = _overrides_from_env(os.environ if environ is None else environ)
    written = {**dataclasses.asdict(DatabaseSettings()), **layers.get("database", {})}
    layers = _merge(layers, from_env)
    if "database" in from_env:
        given = from_env["database"]
        layers["database"]["from_environment"] = frozenset(given)
        layers["database"]["changed_by_environment"] = frozenset(k for k, v in given.items() if v != written[k])
    if flags:
        clean = {
            k: ({sk: sv for sk, sv in v.items() if sv is not None} if isinstance(v, dict) else v)
            for k, v in flags.items()
            if v is not None
        }
        layers = _merge(layers, _overrides_from_toml(clean, "命令行参数"))
        if "from_environment" in layers.get("database", {}):  # (a flag's value is the flag's, not the variable's)
            for record in ("from_environment", "changed_by_environment"):
                layers["database"][record] -= set(clean.get("database", {}))
    if "phone" in layers.get("notices", {}):
        layers["notices"]["phone_from"] = _said_where("notices", "phone", config_file, from_env, flags)
    sections = _sections()
    kwargs: dict[str, Any] = {}
    for key, value in layers.items():
        kwargs[key] = sections[key](**value) if key in sections else value
    settings = Settings(**kwargs)
    office_zone(settings.office.time_zone)  # an unknown zone is a configuration error now, not later
    check_operator_name(settings.operator)
    check_ranges(settings)
    check_fee_items(settings)
    check_schema_name(settings.database.schema)
    check_search_backend(settings)
    try:
        settings.office.phase_table()
    except ValidationError as err:
        raise ConfigError(f"[[office.phases]] 有误：{err.message}") from err
    return settings


def _said_where(
    section: str, key: str, config_file: Path | None, from_env: Mapping[str, Any], flags: Mapping[str, Any] | None
) -> str:
    """Where the value of ``[section] key`` came from, as a refusal names it: the flag, the environment variable or
    the file (the highest layer that set it)."""
    if (flags or {}).get(section, {}).get(key) is not None:
        return "命令行参数"
    if key in from_env.get(section, {}):
        return f"环境变量 {ENV_PREFIX}{section.upper()}_{key.upper()}"
    return f"配置文件 {config_file} 的 [{section}] {key}"


def office_phone(settings: Settings) -> str:
    """``[notices] phone`` as papers print it (as written), or ``ConfigError`` naming where it was set (the file's
    ``[notices] phone``, the environment variable) when ``validate_phone`` refuses it (0755-12345678, 8666).

    Asked for by what prints it, not on loading: a wrong phone on reminders must not stop the cashier or the archive
    room.  Empty (not filled in yet) passes: doctor reminds of it."""
    phone = settings.notices.phone
    if phone.strip():
        try:
            validate_phone(phone, "物业服务中心电话")
        except ValidationError as err:
            raise ConfigError(f"{settings.notices.phone_from} 有误：{err.message}") from err
    return phone


#: Sane bounds of numeric settings, by "section.key": a typo like 99999999999 days is refused at
#: once, not met later as an overflow in date arithmetic.
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "database.busy_timeout": (1, 3600),
    "receipt.first_year": (1900, 2100),
    "receipt.last_year": (2000, 9998),
    "notices.payment_days": (1, 365),
    "archive.stability_seconds": (0, 3600),
    "archive.poll_interval": (0.01, 3600),
    "workorders.repeat_days": (1, 3650),
    "ocr.min_confidence": (0, 1),
    "ocr.max_side": (100, 20_000),
    "ocr.render_dpi": (50, 1200),
    "ocr.max_pixels": (1_000_000, 2_000_000_000),
    "limits.max_file_mb": (1, 100_000),
    "limits.max_pages": (1, 100_000),
    "limits.max_pixels": (1_000_000, 2_000_000_000),
    "limits.max_inflated_mb": (1, 100_000),
    "limits.reader_seconds": (1, 3600),
    "limits.reader_memory_mb": (256, 1_048_576),
}


def check_ranges(settings: Settings) -> None:
    """``ConfigError`` naming the setting, its value and its bounds when a number is out of them."""
    for dotted, (low, high) in NUMBER_RANGES.items():
        section, key = dotted.split(".")
        value = getattr(getattr(settings, section), key)
        if not low <= value <= high:
            raise ConfigError(f"配置项 {dotted} 的值 {value} 超出范围：应在 {low:g} 到 {high:g} 之间")


#: How ``[[fees.items]]``' first month is named in what the clerk is told.
EFFECTIVE_FROM = "effective_from（起始月份）"


def fee_item_error(number: int, name: str, problem: str) -> ConfigError:
    """The refusal of the ``number``-th ``[[fees.items]]`` (named ``name``) of recordkit.toml for ``problem``."""
    return ConfigError(f"recordkit.toml 的第 {number} 个 [[fees.items]]（{name.strip() or '未命名'}）有误：{problem}")


def check_fee_items(settings: Settings) -> None:
    """``ConfigError`` (``fee_item_error``) for a ``[[fees.items]]`` whose ``effective_from`` is no month or lies
    outside the books' years (``[receipt] first_year``–``last_year``, ``check_business_month``'s words): a price
    from 1999 would be written into the ledger by the next sync, of a year no bill, payment or register can bear.
    An empty one is left to the sync, which says what to write."""
    for number, entry in enumerate(settings.fees.items, start=1):
        if not entry.effective_from:
            continue
        try:
            check_business_month(parse_month(entry.effective_from), EFFECTIVE_FROM, settings.receipt.years)
        except ValidationError as err:
            raise fee_item_error(number, entry.name, err.message) from err


#: Longest clerk's name: it is printed in a receipt's signature box.
OPERATOR_MAX_CHARS = 20


def check_operator_name(name: str) -> None:
    """``ConfigError`` for a name that cannot stand on paper or in the journal: control characters
    (a newline, ESC, a right-to-left override) or more than ``OPERATOR_MAX_CHARS`` characters."""
    if hidden_characters(name):
        raise ConfigError("经办人姓名里有换行、控制字符或不可见的格式字符：请只写姓名，例如 王芳")
    if len(name.strip()) > OPERATOR_MAX_CHARS:
        raise ConfigError(f"经办人姓名太长（{len(name.strip())} 个字）：最多 {OPERATOR_MAX_CHARS} 个字")


#: A schema name recordkit puts into ``search_path`` and its SQL unquoted: PostgreSQL folds unquoted
#: names to lower case, so only lower-case letters, digits and "_" are taken (63 bytes at most).
_SCHEMA_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def check_schema_name(name: str) -> None:
    """``ConfigError`` for a ``[database] schema`` PostgreSQL would not take as it is written, or
    one of its own (``pg_…``, ``information_schema``); empty (the server's default) passes."""
    if not name:
        return
    if not _SCHEMA_NAME.fullmatch(name) or name.startswith("pg_") or name == "information_schema":
        raise ConfigError(
            f"[database] schema 的值 {name!r} 不能用作 PostgreSQL 模式名：请只用小写英文字母、数字和下划线，"
            "以字母开头，不超过 63 个字符，且不以 pg_ 开头（例如 estate_a）"
        )


# Issue 6: the archive.  Appended as its own section so that the other issues' settings merge cleanly.


@dataclass(frozen=True)
class ArchiveCategorySettings:
    """One ``[[archive.categories]]`` table: a category of archive items and how it is filed."""

    name: str = ""
    # The archive number's prefix: YZ (业主档案), GC (工程档案), HT (合同协议档案), CW (财务档案).
    prefix: str = ""
    # 保管期限: 永久, 长期, 短期, or a number of years ("30年").
    retention: str = "永久"
    # Other names the office writes for it (folder names, sidecars, flags): "业主", "工程".
    aliases: tuple[str, ...] = ()
    # Words in a file name that tell this category ("产权证明", "图纸"); tried in the order of the categories.
    keywords: tuple[str, ...] = ()


DEFAULT_ARCHIVE_CATEGORIES = (
    ArchiveCategorySettings(
        "业主档案",
        "YZ",
        "永久",
        ("业主", "业主资料", "owner"),
        ("产权证明", "房产证", "不动产权", "身份证", "户口", "入住", "交房", "收楼", "装修", "购房"),
    ),
    ArchiveCategorySettings(
        "工程档案",
        "GC",
        "永久",
        ("工程", "工程资料", "engineering"),
        ("图纸", "竣工", "说明书", "维保", "维修保养", "设备", "电梯", "消防", "验收", "施工"),
    ),
    ArchiveCategorySettings(
        "合同协议档案", "HT", "长期", ("合同", "合同档案", "协议", "contracts"), ("合同", "协议", "委托书")
    ),
    ArchiveCategorySettings(
        "财务档案",
        "CW",
        "30年",
        ("财务", "财务资料", "finance"),
        ("收据", "凭证", "发票", "对账", "台账", "日结", "账单", "报表"),
    ),
)


@dataclass(frozen=True)
class ArchiveSettings:
    # The archive number 档号: {prefix}, {year} (the filing year) and {seq} (per prefix and year).
    number_pattern: str = "{prefix}-{year}-{seq:05d}"
    categories: tuple[ArchiveCategorySettings, ...] = DEFAULT_ARCHIVE_CATEGORIES
    # Where an item whose category cannot be told is filed (flagged for review).
    unknown_category: str = "未分类"
    unknown_prefix: str = "WF"
    unknown_retention: str = "永久"
    # A file naming a unit but no category is taken as this category.
    unit_category: str = "业主档案"
    # Seconds a file's size and modification time must stay unchanged before it is filed.
    stability_seconds: float = 2.0
    # Seconds between checks of the inbox (also the polling interval with --polling).
    poll_interval: float = 1.0
    # File names the watcher never touches and never mentions (scanners' and editors' temporary files, what other
    # computers leave in a folder they showed or copied into — Windows' Thumbs.db and desktop.ini, a Mac's .DS_Store
    # and its AppleDouble ._ companions on a share, LibreOffice's .~lock.…# while a document is open — and
    # recordkit's own temporary files).  Any other name beginning with "." is not filed either, but is said
    # (``rules.is_hidden``): a scan a sync tool is still writing, or one a clerk may rename to have it filed.
    ignore_patterns: tuple[str, ...] = (
        "~$*",
        "*.tmp",
        "*.part",
        "*.crdownload",
        "Thumbs.db",
        "desktop.ini",
        ".DS_Store",
        "._*",
        ".~lock.*#",
        ".~recordkit-*",
    )
    # Also file what recordkit writes to records/generated/ (the source stays where it is).
    file_generated: bool = False


# Issue 8: work orders (工单).  Appended as its own section so that the other issues' settings merge cleanly.


@dataclass(frozen=True)
class WorkOrderLimitSettings:
    """One ``[[workorders.limits]]`` table: how soon an order of a category must be dispatched and finished."""

    category: str = ""
    # Hours from the report to dispatch (派工); past it an undispatched order is overdue.
    response_hours: int = 0
    # Hours from the report to completion (完成); a later close is "closed late".
    close_hours: int = 0


DEFAULT_WORKORDER_LIMITS = (
    WorkOrderLimitSettings("电梯", 2, 24),
    WorkOrderLimitSettings("水电", 4, 24),
    WorkOrderLimitSettings("门窗", 24, 72),
    WorkOrderLimitSettings("公共设施", 24, 72),
    WorkOrderLimitSettings("噪音", 2, 24),
    WorkOrderLimitSettings("卫生", 4, 24),
    WorkOrderLimitSettings("安保", 1, 24),
    WorkOrderLimitSettings("收费", 24, 72),
    WorkOrderLimitSettings("其他", 24, 72),
)


@dataclass(frozen=True)
class WorkOrderSettings:
    # Work order numbers: {prefix}{year}-{seq:06d}, e.g. GD2026-000123 (per year of the report).
    prefix: str = "GD"
    # Per-category limits; a category not listed here keeps its built-in limits.
    limits: tuple[WorkOrderLimitSettings, ...] = DEFAULT_WORKORDER_LIMITS
    # A complaint about the same unit and category within this many days of an earlier one is a repeat.
    repeat_days: int = 30


# Issue 7: text extraction and OCR.  Appended as its own section.


@dataclass(frozen=True)
class OcrSettings:
    """``[ocr]``: how scans without a text layer are recognised, and which pages are sent for review."""

    # OCR'd pages whose mean line confidence (0..1) is below this are listed by `recordkit archive review`.
    min_confidence: float = 0.85
    # Longer side, in pixels, a page is scaled down to before OCR (an A0 drawing too): bounds memory and time.
    max_side: int = 2000
    # Resolution a PDF page without a text layer is rendered at (capped by max_side).
    render_dpi: int = 200
    # Images with more pixels than this are not recognised at all (a decompression bomb, a corrupt header).
    max_pixels: int = 150_000_000


# Issue 15: rosters exported by other systems.  Appended as its own section.


@dataclass(frozen=True)
class RosterSettings:
    """``[roster.map]`` and ``[roster.status_map]``: what another system's roster export calls things."""

    # Header as the other system writes it -> the column it is (房号, 楼栋, 单元, 建筑面积, 业主姓名, …).
    map: dict[str, str] = field(default_factory=dict)
    # Status word or code of the other system -> 已入住, 已交付 or 空置 (added to the built-in map).
    status_map: dict[str, str] = field(default_factory=dict)


# Issue 20: what reading one file from the inbox may cost.  Appended as its own section.


@dataclass(frozen=True)
class LimitSettings:
    """``[limits]``: beyond any of these a file is not filed but quarantined, with a note naming the limit."""

    # Largest file filed, in MB (a sparse or runaway file never reaches the archive).
    max_file_mb: int = 500
    # Most pages of a PDF, or frames of a TIFF.
    max_pages: int = 2000
    # Most pixels of one image or TIFF frame (an A3 page at 600 dpi is 70 million).
    max_pixels: int = 100_000_000
    # Most MB a file may unpack to: an image's decoded pixels, the entries of a .docx or .xlsx.
    max_inflated_mb: int = 1024
    # Seconds one reading of a PDF or an image may take in the reader process before it is stopped.
    reader_seconds: int = 60
    # MB of memory the reader process may use (POSIX): a PDF whose streams inflate past it is stopped.
    reader_memory_mb: int = 1536


# Issue 17: where the search index lives.  Appended as its own section.

SEARCH_BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class SearchSettings:
    """``[search]``: the index backend."""

    # "sqlite" (the FTS5 file in records/index) or "postgresql" (tables in the ledger's PostgreSQL database);
    # empty: postgresql when the ledger is PostgreSQL, else sqlite.
    backend: str = ""


def search_backend(settings: Settings) -> str:
    """The index backend in use: the ``[search] backend`` setting, else the ledger's kind."""
    if settings.search.backend:
        return settings.search.backend
    url = settings.database.url
    return "postgresql" if url.startswith(("postgres://", "postgresql://", "postgresql+")) else "sqlite"


def check_search_backend(settings: Settings) -> None:
    """``ConfigError`` for an unknown backend, or postgresql without a PostgreSQL ledger to hold it."""
    backend = settings.search.backend
    if backend and backend not in SEARCH_BACKENDS:
        raise ConfigError(f"[search] backend 的值“{backend}”无法识别：应为 sqlite 或 postgresql（留空则随台账）")
    if backend == "postgresql" and not settings.database.url.startswith(("postgres://", "postgresql")):
        raise ConfigError(
            '[search] backend = "postgresql" 需要 PostgreSQL 台账：请在 [database] url 写 PostgreSQL 地址，'
            "或把 backend 改为 sqlite"
        )


def write_setting(config_file: Path, section: str, key: str, value: str) -> None:
    """Set ``[section] key = "value"`` in recordkit.toml, keeping every other line and comment as written: the
    key's line replaced inside its section, else added under the section's header, else the section appended.
    ``ConfigError`` when the file cannot be written."""
    lines = config_file.read_text(encoding="utf-8").splitlines() if config_file.exists() else []
    setting = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    header = re.compile(r"^\s*\[\s*" + re.escape(section) + r"\s*\]\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        lines += ["", f"[{section}]", setting]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        own = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        found = next((i for i in range(start + 1, end) if own.match(lines[i])), None)
        if found is None:
            lines.insert(start + 1, setting)
        else:
            lines[found] = setting
    try:
        # The file keeps who may read it (the service's and the nightly run's accounts; or not, for a password).
        mode = stat.S_IMODE(config_file.stat().st_mode) if config_file.exists() else None
        write_bytes(config_file, ("\n".join(lines) + "\n").encode("utf-8"), mode=mode)
    except OSError as err:
        # (written through a new file in its folder, then put in its place: the folder must take writes)
        account, folder = system_account(), config_file.parent
        fix = f"请让这个账户能写入它所在的文件夹 {folder}（例如 sudo chown {account}: {folder} {config_file}）"
        raise ConfigError(f"无法写入配置文件 {config_file}：{write_refusal(err, account, fix)}") from err
