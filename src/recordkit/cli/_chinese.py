"""Typer's and click's own words in the office's language (the usage line, placeholders, ranges),
its values read without pydantic, and an option that takes one value refused when given twice.

Typer prints ``Usage: recordkit fees pay [OPTIONS] {unit}`` and ``<str>`` beside every option;
a clerk reads ``用法：recordkit fees pay [选项] 房号`` and ``金额``.  Typer offers no hook for
these, so the few methods that produce them are wrapped here, once, when the CLI is imported
(cheap: nothing from rich is imported).

Typer 0.2x reads every value through a pydantic ``TypeAdapter`` built on first use, which imports
pydantic (~60 ms of every command).  The values this CLI takes are text, whole numbers, decimals,
flags and paths; those are read here directly when they are well-formed, and anything else (a bad
number, a number out of range, another type) still goes through Typer's own reader, so every
error message stays Typer's.  ``tests/test_help_chinese.py`` runs every command's help
and fails on an English word, so a Typer release that moves these methods is caught at once.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, get_args, get_origin

try:  # Typer >= 0.20 vendors click as typer._click
    from typer._click.core import Command as _ClickCommand
    from typer._click.formatting import HelpFormatter
    from typer._click.globals import get_current_context
    from typer._click.parser import _Option as _ParserOption
except ImportError:  # pragma: no cover - older Typer on plain click
    # (mypy sees only the installed Typer, whichever branch that is)
    from click.core import Command as _ClickCommand  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]
    from click.formatting import HelpFormatter  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]
    from click.globals import get_current_context  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]
    from click.parser import _Option as _ParserOption  # type: ignore[no-redef,import-not-found,assignment,attr-defined,unused-ignore]
from typer import _coercion as typer_coercion
from typer import _param_types as typer_param_types
from typer import core as typer_core

USAGE_PREFIX = "用法："
#: What an argument or option holds, by parameter name: shown instead of Typer's ``<str>``.
PLACEHOLDERS = {
    "unit": "房号", "units": "房号", "amount": "金额", "deduct": "金额", "rate": "单价", "date": "日期",
    "as_of": "日期", "date_from": "日期", "date_to": "日期", "start": "日期", "end": "日期", "due": "日期",
    "valid_until": "日期", "at": "时间", "month": "月份", "months": "月份范围", "effective_from": "月份",
    "number": "编号", "archive_no": "档号", "file": "文件", "paths": "文件",
    "sheet": "表格", "out": "文件", "directory": "目录", "workspace": "目录", "template": "模板",
    "name": "名称", "kind": "类别", "category": "类别", "item": "收费项目", "items": "物品", "method": "方式",
    "payer": "姓名", "owner": "姓名", "operator": "姓名", "manager": "姓名", "carrier": "姓名",
    "reported_by": "姓名", "contractor": "单位", "dept": "部门", "phone": "电话", "building": "楼栋",
    "query": "检索词", "key": "对象", "status": "状态", "result": "结果", "satisfaction": "满意度",
    "retention": "保管期限", "hours": "时段", "workers": "姓名,证件号", "values": "变量=内容", "box": "盒号",
    "shelf": "架位", "title": "题名", "office": "名称", "estate": "名称", "purpose": "用途", "place": "位置",
    "reason": "原因", "notes": "说明", "desc": "说明", "cancel": "编号", "reissue": "编号",
    "unit_label": "单位", "sort": "排序方式", "unit_kinds": "房屋类型", "column_map": "表头=列名",
    "sheet_name": "工作表", "address": "地址", "relation": "关系", "to": "对象", "contact_id": "编号",
    "backend": "后端", "target_url": "地址", "schema": "模式名", "target": "文件或文件夹", "clear": "项目",
}  # fmt: skip
#: The same for numbers (a name may mean a count in one command and codes in another: --units).
NUMBER_PLACEHOLDERS = {
    "min_months": "月数", "limit": "条数", "interval": "秒数", "units": "户数", "vacant_percent": "百分比",
    "min_confidence": "小数",
}  # fmt: skip
#: Typer's type labels, for a parameter not named above.
TYPE_WORDS = {"str": "文本", "int": "整数", "float": "数字", "Path": "路径", "datetime": "时间", "int range": "整数"}
#: click's usage-line words.
USAGE_WORDS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}


def placeholder(param: Any, many: bool = True) -> str | None:
    """The Chinese word shown for what ``param`` holds (``…...`` when it takes several, unless
    ``many`` is False); None for a flag (it holds nothing)."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    label = _original_display_type(param)
    numeric = label in ("int", "float", "int range", "float range")
    word = (NUMBER_PLACEHOLDERS if numeric else PLACEHOLDERS).get(param.name or "") or TYPE_WORDS.get(label, label)
    several = getattr(param, "multiple", False) or param.nargs != 1
    return f"{word}..." if several and many else word


def range_words(low: float | None, high: float | None) -> str | None:
    """``x>=1`` as the office reads it."""
    if low is None and high is None:
        return None
    if low is None:
        return f"不大于 {high}"
    if high is None:
        return f"不小于 {low}"
    return f"{low} 至 {high}"


def _original_display_type(param: Any) -> str:
    """Typer's own label (``str``, ``int range`` …); it needs a context only for choices, which
    keep their own words."""
    if _ORIGINAL_DISPLAY_TYPE is None:
        return "文本"
    try:
        return str(_ORIGINAL_DISPLAY_TYPE(param, None)).strip("<>")
    except Exception:  # a parameter type this Typer describes differently: say "text"
        return "文本"


_ORIGINAL_DISPLAY_TYPE = getattr(typer_core._TyperParameter, "display_type", None)


def _display_type_rich(self: Any, ctx: Any) -> str | None:
    if isinstance(self, typer_core.TyperArgument):
        return None  # the argument's name column already says what it holds
    type_descriptor = getattr(self, "type_descriptor", None)
    if type_descriptor is not None and getattr(type_descriptor, "is_choice", False):
        return str(_ORIGINAL_DISPLAY_TYPE(self, ctx)) if _ORIGINAL_DISPLAY_TYPE else None
    return placeholder(self)


def _usage_display_name(self: Any) -> str:
    name = str(placeholder(self) or self.name)
    return name if self.required else f"[{name}]"


def _display_name_raw(self: Any) -> str:
    return placeholder(self, many=False) or str(self.name)


def _write_usage(original: Any) -> Any:
    @functools.wraps(original)
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    return write_usage


def _collect_usage_pieces(original: Any) -> Any:
    @functools.wraps(original)
    def collect_usage_pieces(self: Any, ctx: Any) -> list[str]:
        return [USAGE_WORDS.get(piece, piece) for piece in original(self, ctx)]

    return collect_usage_pieces


def _once_only(original: Any) -> Any:
    @functools.wraps(original)
    def process(self: Any, value: Any, state: Any) -> None:
        # click keeps the last value of an option given twice (``--amount 100 --amount 200`` paid 200, the 100 gone
        # without a word); an option that takes one value is refused the second time, before the command does
        # anything.  Options meant to repeat (``--set``, ``multiple``) are "append" and flags "store_const": not here.
        # Shell completion parses the line typed so far leniently (``resilient_parsing``): nothing runs, nothing to
        # refuse — the refusal would end the completion and print over the clerk's prompt.
        if self.action == "store" and self.dest in state.opts and not _completing():
            from recordkit.core.errors import UsageError  # loaded on first use: only a repeated option needs it

            # Every name of the option (``--limit/-n``): the clerk may have typed either, or one of each.
            name = option_names(self.obj)
            both = "、".join(_quoted(given) for given in (state.opts[self.dest], value))
            raise UsageError(f"{name} 只能写一次，这里写了两次：{both}；请只写要用的那一个")
        original(self, value, state)

    return process


def option_names(option: Any) -> str:
    """An option as a refusal names it: every name, in its help's order (``--limit/-n``), whichever was typed."""
    return "/".join(option.opts)


def _completing() -> bool:
    """Whether the command line is being parsed for shell completion, not to run (click parses inside the
    context it makes: the current one)."""
    context = get_current_context(silent=True)
    return context is not None and context.resilient_parsing


#: The quotes a value is shown in: the first pair none of whose marks it holds (张三”、“李四 in 「」, not read as two).
_QUOTES = (("“", "”"), ("「", "」"), ("『", "』"), ("《", "》"))


def _quoted(value: Any) -> str:
    """An option's value as typed, quoted (several words of an option taking several: joined by blanks): a blank one
    (``--carrier ""``, ``" "``) said in words, （空白）, not as “” or “ ” (easy to miss); one holding “ or ” in another
    pair of quotes (``_QUOTES``); a line break or another control or invisible character written out (``<U+000A>``)
    rather than breaking the one-line message."""
    from recordkit.core.filenames import shown_plainly  # loaded on first use: only a repeated option needs it

    text = " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    if not text.strip():
        return "（空白）"
    text = shown_plainly(text)
    opening, closing = next((pair for pair in _QUOTES if not set(pair) & set(text)), _QUOTES[-1])
    return f"{opening}{text}{closing}"


def _replace(owner: type, name: str, value: Any) -> None:
    # Typer's classes are not ours to type: replace the attribute without telling mypy it is a method.
    setattr(owner, name, value)


def install() -> None:
    """Wrap Typer's and click's methods once (idempotent)."""
    if getattr(HelpFormatter.write_usage, "_recordkit", False):
        return
    write_usage = _write_usage(HelpFormatter.write_usage)
    write_usage._recordkit = True
    _replace(HelpFormatter, "write_usage", write_usage)
    _replace(_ParserOption, "process", _once_only(_ParserOption.process))
    for command_class in {_ClickCommand, typer_core.TyperCommand, typer_core.TyperGroup}:
        if "collect_usage_pieces" in vars(command_class):
            _replace(
                command_class,
                "collect_usage_pieces",
                _collect_usage_pieces(vars(command_class)["collect_usage_pieces"]),
            )
    classes = (typer_core._TyperParameter, typer_core.TyperOption, typer_core.TyperArgument)
    for parameter_class in classes:
        if "display_type_rich" in vars(parameter_class) and _ORIGINAL_DISPLAY_TYPE is not None:
            _replace(parameter_class, "display_type_rich", _display_type_rich)
        if "_get_number_range_help_str" in vars(parameter_class):
            _replace(parameter_class, "_get_number_range_help_str", _range_help)
    if isinstance(vars(typer_core._TyperParameter).get("display_name_raw"), property):
        _replace(typer_core._TyperParameter, "display_name_raw", property(_display_name_raw))
    if "get_runtime_param" in vars(typer_core._TyperParameter) and hasattr(typer_coercion, "RuntimeParam"):
        _replace(typer_core._TyperParameter, "get_runtime_param", _get_runtime_param)
    if "_usage_display_name" in vars(typer_core.TyperArgument):
        _replace(typer_core.TyperArgument, "_usage_display_name", _usage_display_name)


def _range_help(self: Any) -> str | None:
    return range_words(getattr(self, "min", None), getattr(self, "max", None))


#: Numbers as a clerk types them; anything else is left to Typer (and its error message).
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_PLAIN_TYPES = (str, bool, int, float)


def _is_plain(annotation: Any, parameter_info: Any) -> bool:
    if getattr(parameter_info, "parser", None) is not None or getattr(parameter_info, "clamp", False):
        return False
    if get_origin(annotation) is list:
        return len(get_args(annotation)) == 1 and _is_plain(get_args(annotation)[0], parameter_info)
    if annotation in _PLAIN_TYPES:
        return True
    return isinstance(annotation, type) and issubclass(annotation, Path) and not parameter_info.allow_dash


class _PlainValue(typer_coercion.RuntimeParam):  # type: ignore[misc,unused-ignore]
    """Text, numbers, flags and paths read without pydantic; the rest by Typer's own reader."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if get_origin(self.annotation) is list:
            leaf = get_args(self.annotation)[0]
            items = value if isinstance(value, (list, tuple)) else [value]
            return [self._leaf(leaf, item, param, ctx) for item in items]
        return self._leaf(self.annotation, value, param, ctx)

    def _leaf(self, annotation: Any, value: Any, param: Any, ctx: Any) -> Any:
        if annotation is str and isinstance(value, str):
            return value
        if annotation is bool and isinstance(value, bool):
            return value
        if annotation in (int, float):
            number = None
            if isinstance(value, str) and (_INTEGER if annotation is int else _DECIMAL).fullmatch(value.strip()):
                number = annotation(value.strip())
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and annotation(value) == value:
                number = annotation(value)  # a default
            low, high = self.parameter_info.min, self.parameter_info.max
            if number is not None and (low is None or number >= low) and (high is None or number <= high):
                return number
        path_type = self.parameter_info.path_type or annotation
        if isinstance(path_type, type) and issubclass(path_type, Path) and isinstance(value, str) and not value.strip():
            # An empty path (a script's variable left unset: ``recordkit file "$SCANS"``) is not the current folder,
            # which ``Path("")`` is: ``file ""`` filed the workspace's own sheets, ``journal anchor --out ""`` ended
            # in an internal error.
            from recordkit.core.errors import UsageError  # loaded on first use: only an empty path needs it

            named = option_names(param) if isinstance(param, typer_core.TyperOption) else placeholder(param, many=False)
            raise UsageError(f"路径是空的（{named or '参数'}）：请写明文件或文件夹，当前文件夹写 .")
        if isinstance(path_type, type) and issubclass(path_type, Path) and isinstance(value, (str, Path)):
            return typer_param_types.coerce_cli_path(
                path_type(value), self.parameter_info, path_type=path_type, param=param, ctx=ctx
            )
        # Anything unusual: Typer's reader, with its own checks and messages.
        descriptor = typer_coercion.resolve_type_descriptor(annotation, self.parameter_info)
        return typer_coercion.build_runtime_param(descriptor).coerce(value, param=param, ctx=ctx)


def _get_runtime_param(self: Any) -> Any:
    if self._runtime_param is None:
        descriptor = self.type_descriptor
        if descriptor.file_annotation is None and _is_plain(descriptor.annotation, descriptor.parameter_info):
            self._runtime_param = _PlainValue(
                annotation=descriptor.annotation, parameter_info=descriptor.parameter_info
            )
        else:
            self._runtime_param = typer_coercion.build_runtime_param(descriptor)
    return self._runtime_param
