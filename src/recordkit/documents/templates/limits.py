"""Limits on what a template may cost: a sandbox that refuses huge integers, strings, loops and output.

A template in ``templates/`` is data from whoever edited it, never trusted code.  Filling one runs
under a budget (time, ``range()`` items, output characters, integer size) and the package is read
only when its entries' uncompressed sizes are sane.  What to tell the clerk is the engine's business:
here a breach raises ``LimitExceeded`` saying which limit.
"""

from __future__ import annotations

import functools
import inspect
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import make_attrgetter
from jinja2.nodes import Concat, EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup


@dataclass(frozen=True)
class TemplateLimits:
    #: Seconds one fill of one part may take.
    seconds: float = 10.0
    #: Characters one fill may produce (a notice is ~30 000; a merged print is filled per copy).
    output_chars: int = 5_000_000
    #: Items all ``range()`` loops of one fill may run through together (nested loops multiply).
    loop_items: int = 100_000
    #: Bits an integer may have (about 77 decimal digits): no amount or count comes near.
    integer_bits: int = 256
    #: Uncompressed bytes of one entry of the .docx package, and of all of them.
    entry_bytes: int = 64 * 1024 * 1024
    package_bytes: int = 256 * 1024 * 1024
    #: Entries of the package.
    entries: int = 5_000


LIMITS = TemplateLimits()

# What a breach says it breached (the engine turns it into the clerk's message).
TIME = "time"
OUTPUT = "output"
LOOP = "loop"
INTEGER = "integer"


class LimitExceeded(Exception):
    """A fill went over one of ``LIMITS`` (``what`` is TIME, OUTPUT, LOOP or INTEGER)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class NotText(Exception):
    """A fill printed what is no text: a method, a generator, a ``range()`` (``{{ x.upper }}``,
    ``{{ x|map('upper') }}``), whose "<built-in method upper of str object at 0x7f…>" would be on
    paper.  ``what`` is its type's name."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass
class _Budget:
    deadline: float
    loop_items_left: int


_budget: ContextVar[_Budget | None] = ContextVar("recordkit_template_budget", default=None)


def spend(items: int = 0) -> None:
    """Charge the running fill ``items`` loop items and check its clock; no-op outside a fill."""
    budget = _budget.get()
    if budget is None:
        return
    if time.monotonic() > budget.deadline:
        raise LimitExceeded(TIME)
    budget.loop_items_left -= items
    if budget.loop_items_left < 0:
        raise LimitExceeded(LOOP)


@contextmanager
def budgeted(limits: TemplateLimits | None = None) -> Iterator[None]:
    """Run a fill under ``limits``: loop and time budget, and on POSIX's main thread an alarm that
    interrupts a loop no hook sees (``{% for a in s %}{% for b in s %}``) when time is up."""
    limits = limits or LIMITS
    token = _budget.set(_Budget(time.monotonic() + limits.seconds, limits.loop_items))
    # Only when nobody else's alarm is running (a service's watchdog, a test timeout): never clobber it.
    alarm = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    previous: Any = None
    if alarm:

        def out_of_time(_signum: int, _frame: object) -> None:
            raise LimitExceeded(TIME)

        previous = signal.signal(signal.SIGALRM, out_of_time)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds + 0.5)
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        _budget.reset(token)


def render_limited(chunks: Iterator[str], limits: TemplateLimits | None = None) -> str:
    """Join a template's output (``Template.generate``), stopping once it passes the output limit."""
    limits = limits or LIMITS
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limits.output_chars:
            raise LimitExceeded(OUTPUT)
        parts.append(chunk)
        spend()
    return "".join(parts)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_binop(operator: str, left: Any, right: Any, limits: TemplateLimits | None = None) -> None:
    """Refuse, before computing it, a ``**``, ``*`` or ``+`` whose result would be huge."""
    limits = limits or LIMITS
    if _is_int(left) and _is_int(right):
        if operator == "**" and right > 0 and abs(left) > 1:
            bits = abs(left).bit_length() * right
        elif operator == "*":
            bits = abs(left).bit_length() + abs(right).bit_length()
        else:
            bits = max(abs(left).bit_length(), abs(right).bit_length()) + 1
        if bits > limits.integer_bits:
            raise LimitExceeded(INTEGER)
        return
    if operator == "*":
        sequence, count = (left, right) if _is_int(right) else (right, left)
        if isinstance(sequence, (str, list, tuple)) and _is_int(count) and len(sequence) * count > limits.output_chars:
            raise LimitExceeded(OUTPUT)
    if operator == "%" and isinstance(left, str):
        check_format_string(left, limits)
        _check_arguments(iter(right if isinstance(right, tuple) else (right,)), limits)
        return
    if (
        operator == "+"
        and isinstance(left, (str, list, tuple))
        and isinstance(right, (str, list, tuple))
        and len(left) + len(right) > limits.output_chars
    ):
        raise LimitExceeded(OUTPUT)


#: A width or precision in a format string: ``%10s``, ``%.5f``, ``{:>10}``, ``{0:^{1}}``'s literal part.
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d+)|%[-#0 +]*\d*\.(\d+)|\{[^{}]*:[^{}]*?(\d+)")


def check_format_string(text: str, limits: TemplateLimits | None = None) -> None:
    """Refuse a format string whose width or precision alone exceeds the output limit
    (``'%9999999999s' % x``, ``'{:>9999999999}'.format(x)``): the padding would be built first."""
    limits = limits or LIMITS
    for match in _FORMAT_WIDTH.finditer(text):
        digits = next(group for group in match.groups() if group is not None)
        if len(digits) > 12 or int(digits) > limits.output_chars:
            raise LimitExceeded(OUTPUT)


def checked_concat(value: Any) -> Any:
    """The result of a template's ``~``, charged to the budget and held to the output limit: doubling a
    string with ``{% set x = x ~ x %}`` stops at the limit, not at the machine's memory."""
    spend()
    if isinstance(value, str) and len(value) > LIMITS.output_chars:
        raise LimitExceeded(OUTPUT)
    return value


def counted_loop(iterable: Any) -> Any:
    """What a ``{% for %}`` runs through, its clock checked at every item: a loop over a string or a
    list (``{% for a in s %}{% for b in s %}…``) stops at the time limit on any thread, not only
    where the alarm of ``budgeted`` can interrupt it (the main thread on POSIX)."""
    if isinstance(iterable, CountedRange):  # charged item by item already
        return iterable
    return _clocked(iterable)


def _clocked(iterable: Any) -> Iterator[Any]:
    for item in iterable:
        spend()
        yield item


class LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator with every ``~`` (a ``Concat`` node) passed through ``checked_concat``
    and every loop's iterable through ``counted_loop`` (a call the sandbox checks): the sandbox has
    no hook for either, as it has for ``+`` and ``*``.  Each operand of ``~`` goes through ``printable``
    first: ``x.upper ~ ''`` would make text of a method."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.checked_concat(")
        operands = [
            nodes.Call(nodes.EnvironmentAttribute("printable", lineno=part.lineno), [part], [], None, None)
            for part in node.nodes
        ]
        super().visit_Concat(Concat(operands, lineno=node.lineno), frame)
        self.write(")")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not _counted(node.iter):  # a template is compiled once; its tree is wrapped once
            wrapper = nodes.EnvironmentAttribute("counted_loop", lineno=node.iter.lineno)
            node.iter = nodes.Call(wrapper, [node.iter], [], None, None, lineno=node.iter.lineno)
        super().visit_For(node, frame)


def _counted(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.EnvironmentAttribute)
        and node.node.name == "counted_loop"
    )


def _check_arguments(values: Iterator[Any], limits: TemplateLimits | None = None) -> None:
    # A width or a count beyond the output limit ('x'.ljust(10**9), center(10**9)) can only blow up.
    limits = limits or LIMITS
    for value in values:
        if _is_int(value) and abs(value) > limits.output_chars:
            raise LimitExceeded(OUTPUT)
        if isinstance(value, float) and abs(value) > 2.0**limits.integer_bits:
            raise LimitExceeded(INTEGER)


def _check_string_growth(owner: str, name: str, args: tuple[Any, ...], limits: TemplateLimits | None = None) -> None:
    """Refuse, before it is built, a ``replace`` or ``join`` whose result would pass the output limit
    (``x.replace('a', x)`` squares a string's length: a few steps reach gigabytes)."""
    limits = limits or LIMITS
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = owner.count(args[0]) if args[0] else len(owner) + 1
        if len(args) > 2 and _is_int(args[2]) and args[2] >= 0:
            count = min(count, args[2])
        size = len(owner) + count * (len(args[1]) - len(args[0]))
    elif name == "expandtabs" and args and _is_int(args[0]):
        size = len(owner) + owner.count("\t") * max(args[0], 0)
    elif name in ("format", "format_map"):
        values = (*args, *(args[0].values() if name == "format_map" and isinstance(args[0], dict) else ()))
        biggest = max((_text_size(value, limits.output_chars)[0] for value in values), default=0)
        size = len(owner) + _placeholders(owner) * biggest
    elif name == "join" and len(args) == 1 and isinstance(args[0], (list, tuple)):
        items = args[0]
        size = sum(len(item) for item in items if isinstance(item, str)) + len(owner) * max(len(items) - 1, 0)
    else:
        return
    if size > limits.output_chars:
        raise LimitExceeded(OUTPUT)


class CountedRange:
    """``range()`` in a template: at most ``loop_items`` items, each one charged to the fill's budget."""

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > LIMITS.loop_items:
            raise LimitExceeded(LOOP)

    def __iter__(self) -> Iterator[int]:
        for item in self._range:
            spend(1)
            yield item

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, item: object) -> bool:
        return item in self._range


def _text_size(value: Any, limit: int) -> tuple[int, int, int]:
    """(characters, values, depth) that ``str(value)`` would come to, counted without building it:
    a string inside a list is counted four times (its repr may escape every character).  Stops
    counting once the characters pass ``limit``."""
    if isinstance(value, str):
        return len(value), 1, 1
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        items: Any = value.items() if isinstance(value, dict) else value
        chars, count, depth = 2, 1, 1
        for item in items:
            for part in item if isinstance(value, dict) else (item,):
                size, values, levels = _text_size(part, limit)
                chars += size * (4 if isinstance(part, str) else 1) + 4
                count += values
                depth = max(depth, levels + 1)
            if chars > limit:
                break
        return chars, count, depth
    return 100, 1, 1  # a number (at most ~77 digits), a date, None


def _escaped_size(text: str) -> int:
    return len(text) + 4 * sum(text.count(char) for char in "&\"'") + 3 * (text.count("<") + text.count(">"))


def _placeholders(text: str) -> int:
    return text.count("%") + text.count("{")


def _filter_size(name: str, arguments: dict[str, Any], limit: int) -> int | None:
    """How many characters the built-in filter ``name`` would produce from ``arguments`` (its
    parameters by name), estimated from above before it runs; None for a filter that cannot grow
    what it is given past what the template already holds."""

    def get(key: str, default: Any = None) -> Any:
        return arguments.get(key, default)

    if name == "do_indent" and isinstance(get("s"), str):
        width = get("width")
        step = width if _is_int(width) else len(str(width))
        return len(get("s")) + (get("s").count("\n") + 1) * max(step, 0)
    if name == "do_replace" and isinstance(get("s"), str) and isinstance(get("old"), str):
        text, old, new = get("s"), get("old"), str(get("new"))
        count = text.count(old) if old else len(text) + 1
        if _is_int(get("count")) and get("count") >= 0:
            count = min(count, get("count"))
        return len(text) + count * (len(new) - len(old))
    if name == "do_join":
        separator = len(str(get("d")))
        items = list(get("value"))
        if get("attribute") is not None:
            getter = make_attrgetter(arguments["eval_ctx"].environment, get("attribute"))
            items = [getter(item) for item in items]
        total = separator * max(len(items) - 1, 0)
        for item in items:
            total += _text_size(item, limit)[0]
            if total > limit:
                break
        return total
    if name == "do_wordwrap" and isinstance(get("s"), str):
        text = get("s")
        wrap = get("wrapstring") or arguments["environment"].newline_sequence
        width = get("width") if _is_int(get("width")) and get("width") > 0 else 1
        return len(text) + (len(text) // width + text.count("\n") + 1) * len(str(wrap))
    if name == "do_format" and isinstance(get("value"), str):
        values = (*get("args", ()), *get("kwargs", {}).values())
        biggest = max((_text_size(value, limit)[0] for value in values), default=0)
        return len(get("value")) + _placeholders(get("value")) * biggest
    if name in ("escape", "do_forceescape"):
        value = get("value", get("s"))
        return _escaped_size(value) if isinstance(value, str) else 6 * _text_size(value, limit)[0]
    if name == "do_urlize" and isinstance(get("value"), str):
        text = get("value")
        extra = len(str(get("target") or "")) + len(str(get("rel") or "")) + 60
        return 3 * _escaped_size(text) + (len(text.split()) + 1) * extra
    if name in ("do_pprint", "do_tojson", "do_xmlattr", "do_urlencode", "soft_str"):
        value = get("value", get("d", get("s")))
        chars, count, depth = _text_size(value, limit)
        indent = get("indent") if _is_int(get("indent")) else 0
        return 9 * chars + count * depth * (max(indent, 0) + (8 if name == "do_pprint" else 1))
    return None


def _check_filter(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse, before it runs, a filter whose result would pass the output limit
    (``('a\\n'*1000)|indent(4999999)`` would build 5 GB first) or would build a list per loop item."""
    name = function.__name__
    signature = inspect.signature(function)
    if args and isinstance(args[0], EvalContext) and next(iter(signature.parameters), "") != "eval_ctx":
        args = args[1:]  # Jinja's async-capable filters (slice, list …) are handed the context first
    try:
        bound = signature.bind(*args, **kwargs)
    except (TypeError, ValueError):  # the filter itself will say what is wrong with its arguments
        return
    bound.apply_defaults()
    if name == "do_slice" and _is_int(bound.arguments["slices"]) and bound.arguments["slices"] > LIMITS.loop_items:
        raise LimitExceeded(LOOP)  # one list per slice, however short the sequence
    size = _filter_size(name, dict(bound.arguments), LIMITS.output_chars)
    if size is not None and size > LIMITS.output_chars:
        raise LimitExceeded(OUTPUT)


#: Filters that make text of what they are given (by the place of that value among their arguments).
_MAKE_TEXT = {"soft_str": 0, "do_join": 1}


def _limited_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps jinja's pass_context / pass_environment marks
    def limited(*args: Any, **kwargs: Any) -> Any:
        spend()
        _check_arguments(iter((*args, *kwargs.values())))
        if function.__name__ == "do_format" and args and isinstance(args[0], str):
            check_format_string(args[0])  # {{ '%9999999999s' | format(x) }}
        if function.__name__ == "do_join" and len(args) > 1 and not isinstance(args[1], (list, tuple)):
            args = (args[0], list(args[1]), *args[2:])  # counted and joined: a generator runs once
        if function.__name__ in _MAKE_TEXT and args:  # x.upper|string, [x.upper]|join: a method as text
            check_printable(args[_MAKE_TEXT[function.__name__]])
        _check_filter(function, args, kwargs)
        result = function(*args, **kwargs)
        if isinstance(result, (str, list)) and len(result) > LIMITS.output_chars:
            raise LimitExceeded(OUTPUT)
        return result

    return limited


def checked_output(value: Any) -> Any:
    """What ``{{ … }}`` prints (the environment's ``finalize``), held to the output limit before it
    is turned into text (``{{ [x] * n }}`` would be), with what cannot be in a Word file's XML made
    safe: a vertical tab (Word's Shift+Enter in pasted text) becomes a line break, other control
    characters, lone surrogates and U+FFFE/U+FFFF are dropped."""
    if not isinstance(value, str):
        if _text_size(value, LIMITS.output_chars)[0] > LIMITS.output_chars:
            raise LimitExceeded(OUTPUT)
        check_printable(value)
    if isinstance(value, str) and _XML_INVALID.search(value):
        cleaned = _XML_INVALID.sub(_xml_safe, value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def printable(value: Any) -> Any:
    """``value``, once ``check_printable`` let it through (each operand of a template's ``~``)."""
    check_printable(value)
    return value


def check_printable(value: Any) -> None:
    """Refuse what ``{{ }}`` would print as Python writes it, never as the office wrote it: an undefined
    value inside a list (a field no item has, ``x|map(attribute='姓名')|list``: "[Undefined]"; raised
    as that undefined value's own error) or a program object (``NotText``).  Numbers, dates, text
    and lists or dicts of them pass."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            check_printable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_printable(key)
            check_printable(item)
    elif callable(value) or isinstance(value, (Iterator, CountedRange)):
        raise NotText(type(value).__name__)


# Characters XML 1.0 does not allow; tab, line feed, carriage return, and \a and \f (docxtpl's
# paragraph and page breaks) are kept.
_XML_INVALID = re.compile(r"[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(match: re.Match[str]) -> str:
    return "\n" if match.group(0) == "\x0b" else ""


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with every arithmetic result, call, filter and ``range()`` checked
    against ``LIMITS``.  Intercepting the operators also stops Jinja from folding ``3**(10**9)`` at
    compile time, which would hang ``templates list`` before any fill."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})
    code_generator_class = LimitedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=checked_output, **options)
        self.checked_concat = checked_concat
        self.counted_loop = counted_loop
        self.printable = printable
        self.globals.pop("lipsum", None)  # lipsum(n=10**9): nothing a notice needs
        self.globals["range"] = CountedRange

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        """Refuse an attribute the sandbox does not allow at once, where Jinja hands back an undefined value
        that fails only when printed by itself: a filter that looks it up on every item
        (``map(attribute='__class__')``) printed "[Undefined, Undefined]", or its ``default``."""
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")

    def finish_filters(self) -> None:
        """Put every filter (the built-ins and those added since) behind the limits."""
        self.filters = {name: _limited_filter(function) for name, function in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        spend()
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        spend()
        if __obj is not CountedRange:  # range() says itself that the loop is too long
            _check_arguments(iter((*args, *kwargs.values())))
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox hands str.format out wrapped
        owner = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        if isinstance(owner, str) and name in ("format", "format_map"):
            check_format_string(owner)
        if isinstance(owner, str) and name in ("replace", "join", "expandtabs"):
            _check_string_growth(owner, name, args)
        if isinstance(owner, str) and name in ("format", "format_map"):
            _check_string_growth(owner, name, (*args, *kwargs.values()))
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, (str, list, tuple)) and len(result) > LIMITS.output_chars:
            raise LimitExceeded(OUTPUT)
        return result
