"""Co-owners (共有人) and contacts (家属、租户) of a unit: what they are, and the counter's
add / list / edit / remove.  Importing them from a roster sheet is ``owners.roster``'s.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.core.dates import years_after
from recordkit.core.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.filenames import hidden_characters
from recordkit.core.personal import (
    RESIDENT_ID,
    blanks_as_kept,
    id_identity,
    id_type_journalled,
    id_type_shown,
    is_masked,
    mask_id_number,
    mask_phone,
    name_as_kept,
    name_problem,
    named_in_sentence,
    read_id_type,
    validate_document_number,
    validate_phone,
)
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, in_batches, refuse_unknown_unit, unknown_unit
from recordkit.ledger.schema import owners, unit_co_owners, unit_contacts, units
from recordkit.owners.surnames import COMPOUND_SURNAMES, is_surname, starts_with_surname

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: Relations written in a 关系 column or given at the counter.  Family words are kept as written.
OWNER_RELATIONS = ("业主", "本人", "产权人", "户主")
CO_OWNER_RELATIONS = ("共有人", "共有", "产权共有人", "共同业主")
TENANT_RELATIONS = ("租户", "承租人", "租客")
FAMILY_RELATIONS = ("家属", "配偶", "子女", "父母", "亲属", "家人", "儿子", "女儿", "父亲", "母亲", "丈夫", "妻子")
TENANT = "租户"
CO_OWNER = "共有人"


def name_as_read(name: str) -> str:
    """A contact's name (or a relation word) as a clerk reads it: NFKC-folded, without spaces (``赵 磊``, ``赵磊　``
    are ``赵磊``); two contacts of one unit and relation with the same are one person."""
    return "".join(unicodedata.normalize("NFKC", name).split())


# Two Chinese names another system's export put in one cell with a blank between (张三 李四), or one typed with a
# blank inside (张 三): no one person's name.  Latin names keep theirs (John Smith, WANG Fang).
_BLANK_BETWEEN_HAN = re.compile(r"[\u3400-\u9fff]\s+[\u3400-\u9fff]")
# A note in brackets after a name (钱八（租户：周九）, 李四(已故)); read NFKC-folded, so （ is (.
_BRACKET = re.compile(r"[(\[【〔〖]")
# A body, not a person (开发商, XX置业有限公司（广州分公司）): its name is its own affair.
_ORGANISATION = re.compile(r"公司|集团|合伙企业|银行|委员会|管理处|事务所|合作社|学校|医院|政府|中心|开发商")


# A shop's business (个体工商户: 张记面馆, 美宜佳便利店, 华联商行) is named by its trade's last words: those of two
# characters after two at least (兴旺饭店; 李超市 is a person's name), of three after one (王便利店: no given name is
# three characters), …
_SHOP_WORDS = (
    ("超市", "商店", "商行", "商场", "面馆", "饭馆", "餐馆", "菜馆", "茶馆", "酒馆", "宾馆", "旅馆", "饭店", "酒店")
    + ("酒家", "酒楼", "茶楼", "药房", "药店", "药铺", "诊所", "门诊", "网吧", "影楼", "工厂", "农场", "工作室")
    + ("经营部", "门市部", "服务部", "营业部", "维修部", "俱乐部", "便利店", "幼儿园", "旅行社", "铺子", "小吃")
)  # fmt: skip
# … and one character after three at least (李记粥铺, 刘家小厨, 老王五金店), four after a compound surname: a Chinese
# person's name — 王房, 李德行, 刘家豪, 欧阳明行 — is its surname and a given name of at most two.
_SHOP_ENDINGS = tuple("店馆房行部所室厂社院站场铺坊厨")
_SHOP_LEAST = {len(word): min(len(word) + 2, 4) for word in _SHOP_WORDS} | {1: 4}
# A branch's name after the business's (康乐洗衣店（幸福里店）), which a shop's words are looked for before.
_BRANCH = re.compile(r"\([^()]*\)$")


#: The forms a body's name ends with, whatever comes before (企业名称登记管理规定's 组织形式 and the like).
_BODY_FORMS = (
    ("有限公司", "有限责任公司", "股份有限公司", "公司", "集团", "合伙企业", "中心", "事务所", "合作社", "委员会")
    + ("研究院", "研究所", "医院", "学校", "银行")
)  # fmt: skip


def _body_ending(name: str) -> str | None:
    """The ending by which ``name`` is a body's name, its longest: a body's form (``_BODY_FORMS``: 有限公司, 委员会 …) or
    a shop's word with enough before it (``_SHOP_LEAST``: 张记面馆, 王便利店, 李记粥铺, 老王五金店; not 李超市, 王建厂,
    欧阳明行 nor 张店, people's names), read without blanks and a branch's name after it (``_BRANCH``), or None.  The one rule of a body's name's
    end, for a name alone (``is_organisation``) and for a roster cell's parts (``_ends_as_body``)."""
    business = _BRANCH.sub("", name_as_read(name))
    form = max((word for word in _BODY_FORMS if business.endswith(word)), key=len, default=None)
    if form is not None:
        return form
    if "·" in business:  # 阿依古丽·吐尔逊: a transliterated person's name
        return None
    ending = next((word for word in (*_SHOP_WORDS, *_SHOP_ENDINGS) if business.endswith(word)), None)
    if ending is None:
        return None
    # 欧阳明行, 诸葛小店: a compound surname's person has one character more before a shop's last one
    least = _SHOP_LEAST[len(ending)] + (len(ending) == 1 and business[:2] in COMPOUND_SURNAMES)
    return ending if len(business) >= least else None


def is_organisation(name: str) -> bool:
    """Whether ``name`` is a body's (XX置业有限公司, 开发商, 业主委员会, a shop's business: 张记面馆, 老王五金店 —
    ``_body_ending``), not a person's: written as it stands, never split into people nor held to a person's name."""
    return _ORGANISATION.search(unicodedata.normalize("NFKC", name)) is not None or _body_ending(name) is not None


#: Splits one owner cell into co-owners: "王建国、李秀兰", "王建国,李秀兰", "王建国/李秀兰".
_OWNER_SEPARATORS = re.compile(r"\s*[、,，/;；]\s*")
# 和 splits only between names of two characters or more, never after a surname alone: 王和平 and 司徒和美玲 are
# one person each (``_split_at_and``).
_OWNER_AND = re.compile(r"\s*和\s*")
_PERSON_NAME = re.compile(r"[\u3400-\u9fff·•]{2,}|[A-Za-z][A-Za-z .'-]*")
#: A Latin name written surname first (Smith, John; SMITH,JOHN; O'Brien, Mary-Jane): two single words around one
#: comma, another system's export's way of writing one person — where names with blanks inside (John Smith, Mary
#: Smith) are two.
_SURNAME_COMMA_GIVEN = re.compile(r"([A-Za-z][A-Za-z'-]*)\s*([,，])(\s*)([A-Za-z][A-Za-z'-]*)")


#: Words of a place, which no person's name holds (深圳市甲乙 is the start of a body's name).
_PLACE_WORDS = ("省", "市", "区", "县", "镇")
#: A blank inside a cell's part (``_person_then_body``).
_BLANK = re.compile(r"\s+")
#: The fewest characters a body's whole name has before its suffix: its 字号, two characters or more, and its trade
#: (企业名称登记管理规定: 字号、行业或者经营特点、组织形式) — 幸福里商贸有限公司, not 丰餐饮有限公司 nor 置地有限公司.
_BODY_NAME_LEAST = 4
#: Trades a body's name writes after its 字号: a part starting with one is the rest of a name whose 字号 is before it
#: (幸福里 房地产开发有限公司, 华润 置地有限公司, 张三丰 餐饮有限公司), no body's whole name.
_TRADE_WORDS = (
    ("房地产", "地产", "置业", "置地", "物业", "建材", "建筑", "建设", "装饰", "装修", "工程", "餐饮", "食品", "商贸")
    + ("贸易", "商业", "商务", "百货", "超市", "实业", "企业", "投资", "控股", "金融", "科技", "信息", "网络", "电子")
    + ("电器", "五金", "家居", "汽车", "物流", "酒店", "旅游", "文化", "传媒", "广告", "教育", "医药", "药业", "健康")
    + ("服务", "管理", "咨询", "发展", "农业", "环保", "能源")
)  # fmt: skip
#: A person's name as a cell's part is read: two to four Chinese characters starting with a surname, a name with a
#: middle dot (阿依古丽·买买提), or letters (John Smith).
_HAN_PERSON = re.compile(r"[\u3400-\u9fff]{2,4}")
_OTHER_PERSON = re.compile(r"[\u3400-\u9fff]+(?:[·•][\u3400-\u9fff]+)+|[A-Za-z][A-Za-z .'-]*")


def _ends_as_body(name: str) -> bool:
    """Whether ``name`` ends as a body's name does (``_body_ending``: 丙丁科技有限公司, 幸福里 建材有限公司, 张记面馆)."""
    return _body_ending(name) is not None


def _no_person_s(name: str) -> bool:
    """Whether ``name`` holds what no person's name does: a body's form or a place's word, or ends as a body's name
    (``_body_ending``: 张记面馆; 王建厂 and 张店 are people's names)."""
    return _ends_as_body(name) or any(word in name for word in (*_BODY_FORMS, *_PLACE_WORDS))


def _spaced_body(name: str) -> bool:
    """Whether ``name`` is a body's name of Chinese characters with a blank inside (幸福里 建材有限公司), which a cell's
    part may be as a person's name may (``split_owner_names``)."""
    return _ends_as_body(name) and _PERSON_NAME.fullmatch(name_as_read(name)) is not None


def _reads_as_person(name: str) -> bool:
    """Whether ``name`` is read as a person's: ``_HAN_PERSON`` starting with a surname, without an organisation or
    place word in it (张三 and 陳大文 are, 深圳市甲乙 and 甲乙 are not), ``_OTHER_PERSON`` or
    ``_SURNAME_COMMA_GIVEN``."""
    if _HAN_PERSON.fullmatch(name):
        return starts_with_surname(name) and not _no_person_s(name)
    return _OTHER_PERSON.fullmatch(name) is not None or _SURNAME_COMMA_GIVEN.fullmatch(name) is not None


def _name_as_written(name: str) -> str:
    """``name`` as written, with one blank between its words (``core.personal.blanks_as_kept``: 安居  装饰有限公司 is
    安居 装饰有限公司, as the counter keeps it), a ``_SURNAME_COMMA_GIVEN`` one without blanks before its comma and with
    at most one after it (``Smith ,  John`` is ``Smith, John``; ``SMITH,JOHN`` stays).  A name with a line break, a tab
    or another control character is left as written, for ``one_person_problem`` to refuse in its words."""
    if hidden_characters(name):
        return name
    name = blanks_as_kept(name)
    if (found := _SURNAME_COMMA_GIVEN.fullmatch(name)) is None:
        return name
    surname, comma, blanks, given = found.groups()
    return f"{surname}{comma}{' ' if blanks else ''}{given}"


def comma_name_parts(name: str) -> tuple[str, str] | None:
    """The surname and the given name of a Latin name written surname first (``_SURNAME_COMMA_GIVEN``: Smith, John is
    Smith and John), or None: the two owners an older import, which split every cell at its commas, made of it."""
    found = _SURNAME_COMMA_GIVEN.fullmatch(name)
    return (found.group(1), found.group(4)) if found is not None else None


def _name_spans(cell: str) -> list[tuple[int, int]]:
    """Where the names between ``cell``'s separators are, the empty ones left out (王芳、 is 王芳); a name of two
    single Latin words around one comma is one span (``_SURNAME_COMMA_GIVEN``: Smith, John、王芳 is two names, but
    Smith, John, Mary three)."""
    spans, start = [], 0
    for separator in _OWNER_SEPARATORS.finditer(cell):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(cell)))
    spans = [part for span in spans for body in _body_then_person(cell, span) for part in _person_then_body(cell, body)]
    if len(spans) > 1:
        spans = _commas_within_names(cell, spans)
    return [(start, end) for start, end in spans if start < end]


def _body_then_person(cell: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """``span`` parted at a blank after a body's name and before a person's (幸福里房地产开发有限公司 扎西: a body's name
    ends at its suffix, ``_ends_as_body``), or ``[span]``: a blank before the suffix is inside the body's name
    (幸福里 房地产开发有限公司), and what follows that is no person's name — a place, its branch (某某科技有限公司
    广州分公司), several words — is part of it."""
    for blank in _BLANK.finditer(cell, *span):
        rest = cell[blank.end() : span[1]]
        if _ends_as_body(cell[span[0] : blank.start()]) and _PERSON_NAME.fullmatch(rest) and not _no_person_s(rest):
            return [(span[0], blank.start()), (blank.end(), span[1])]
    return [span]


def _before_suffix(name: str) -> str | None:
    """``name`` as a clerk reads it (``name_as_read``, its branch left out) before its body's suffix (``_body_ending``:
    幸福里商贸 of 幸福里商贸有限公司, 张记 of 张记面馆), or None when it ends as no body's name does."""
    if (suffix := _body_ending(name)) is None:
        return None
    business = _BRANCH.sub("", name_as_read(name))
    return business[: len(business) - len(suffix)]


def _whole_body(name: str) -> bool:
    """Whether ``name`` is a body's whole name: it ends as one does (``_body_ending``), a body's form with
    ``_BODY_NAME_LEAST`` characters or more before it (a shop's word has its own least), blanks not counted, and starts
    with no trade (``_TRADE_WORDS``) — 幸福里商贸有限公司 and 张记面馆 are; 房地产开发有限公司, 丰餐饮有限公司 and
    企业股份有限公司, the rest of a body's name whose start reads as a person's (幸福里 房地产开发有限公司), are not."""
    start = _before_suffix(name)
    if start is None or start.startswith(_TRADE_WORDS):
        return False
    return len(start) >= _BODY_NAME_LEAST or _body_ending(name) not in _BODY_FORMS


#: What a body's name holds before its suffix when its 字号 is shorter than a registered one's two characters: none
#: or one character, then trades alone (餐饮 of 餐饮有限公司, 丰餐饮 of 丰餐饮有限公司, 美 of 美集团).
_SHORT_TRADE_NAME = re.compile(f"(.?)(?:{'|'.join(_TRADE_WORDS)})*")


def _short_trade_name(name: str) -> str | None:
    """The 字号 of ``name``, a body's name, when it is shorter than two characters (企业名称登记管理规定: a 字号 has two
    or more) — ``""`` for trades and a form alone (餐饮有限公司, 投资管理有限公司, 物业服务中心, 有限公司), ``"丰"`` for
    丰餐饮有限公司 —, else None (幸福里餐饮有限公司, 美的集团): no registered company's whole name when it is not None."""
    start = _before_suffix(name)
    found = None if start is None else _SHORT_TRADE_NAME.fullmatch(start)
    return None if found is None else found.group(1)


def _person_then_body(cell: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """``span`` parted at a blank after people's names (``_persons_at``: all of the part before it) and before a body's
    whole name (``_whole_body``): 张三 幸福里房地产开发有限公司 is two owners, as the body written first is
    (``_body_then_person``), and 张三 李四 幸福里商贸有限公司 three; the last such blank, so that a Latin name keeps its
    own (John Smith 幸福里商贸有限公司).  Else ``[span]``: a body whose name starts as a person's would stays one
    (张三丰餐饮有限公司, 张三丰 餐饮有限公司, 华润 置地有限公司)."""
    for blank in reversed(list(_BLANK.finditer(cell, *span))):
        if _whole_body(cell[blank.end() : span[1]]) and (persons := _persons_at(cell, (span[0], blank.start()))):
            return [*persons, (blank.end(), span[1])]
    return [span]


def _persons_at(cell: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """The spans of the people's names ``span`` of ``cell`` holds: itself when it reads as one (``_reads_as_person``:
    张三, John Smith), Chinese names each reading as a person's with a blank between (张三 李四), else none."""
    if _reads_as_person(cell[span[0] : span[1]]):
        return [span]
    parts, start = [], span[0]
    for blank in _BLANK.finditer(cell, *span):
        parts.append((start, blank.start()))
        start = blank.end()
    parts.append((start, span[1]))
    names = [cell[start:end] for start, end in parts]
    return parts if all(_HAN_PERSON.fullmatch(name) and _reads_as_person(name) for name in names) else []


def _commas_within_names(cell: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with each two neighbours that hold one ``_SURNAME_COMMA_GIVEN`` name — the separator between them its
    only comma, those before and after them no comma — made one, a name 和 joins to it at either end parted from it
    (``_comma_name_at``)."""

    def comma_after(index: int) -> bool:
        return 0 <= index < len(spans) - 1 and "," in unicodedata.normalize(
            "NFKC", cell[spans[index][1] : spans[index + 1][0]]
        )

    merged: list[tuple[int, int]] = []
    index = 0
    while index < len(spans):
        if (
            comma_after(index)
            and not comma_after(index - 1)
            and not comma_after(index + 1)
            and (parts := _comma_name_at(cell, spans[index], spans[index + 1]))
        ):
            merged.extend(parts)
            index += 2
        else:
            merged.append(spans[index])
            index += 1
    return merged


# The halves of a ``_SURNAME_COMMA_GIVEN`` name on either side of its comma: the surname ending a part, maybe after
# another name and 和 (李四和Smith), the given name starting the next, maybe before 和 and another name (John和李四).
_SURNAME_AFTER_AND = re.compile(r"(?:(.+?)\s*和\s*)?([A-Za-z][A-Za-z'-]*)")
_GIVEN_BEFORE_AND = re.compile(r"([A-Za-z][A-Za-z'-]*)(?:\s*和\s*(.+))?")


def _comma_name_at(cell: str, left: tuple[int, int], right: tuple[int, int]) -> list[tuple[int, int]] | None:
    """The spans of the ``_SURNAME_COMMA_GIVEN`` name whose comma stands between ``left`` and ``right`` and of the
    names 和 joins to it (Smith, John和李四: Smith, John and 李四), or None when there is none — or when such a name is
    one ``_split_at_and`` would not part at its 和 (a surname alone, one character, a body's name)."""
    surname, given = _SURNAME_AFTER_AND.fullmatch(cell, *left), _GIVEN_BEFORE_AND.fullmatch(cell, *right)
    if surname is None or given is None or not _SURNAME_COMMA_GIVEN.fullmatch(cell, surname.start(2), given.end(1)):
        return None
    joined = [found.span(group) for found, group in ((surname, 1), (given, 2)) if found.group(group) is not None]
    if not all(_parted_at_and(cell[start:end]) for start, end in joined):
        return None
    return sorted([*joined, (surname.start(2), given.end(1))])


def _bodies_joined(cell: str) -> list[str]:
    """``cell``'s names at its separators, each run of parts that are neither a person's name nor a body's whole name
    joined, as written, to the body's name that follows it: 甲乙、丙丁科技有限公司 is one body, 张三、丙丁科技有限公司
    a person and a body, 甲乙科技有限公司、丙丁实业有限公司 two bodies, 张三、李四 two people."""
    names: list[str] = []
    run: list[tuple[int, int]] = []  # the parts read since the last name, neither a person's nor a body's whole one
    for start, end in _name_spans(cell):
        name = cell[start:end]
        if _ends_as_body(name):
            names.append(cell[run[0][0] if run else start : end])  # the run is the start of this body's name
            run = []
        elif _reads_as_person(name):
            names.extend([*(cell[a:b] for a, b in run), name])
            run = []
        else:
            run.append((start, end))
    return names + [cell[a:b] for a, b in run]


def split_owner_names(text: str) -> list[str]:
    """One owner cell to the names in it: "王建国、李秀兰" and "张三和李四" are two owners.

    A cell is split only when every piece looks like a person's name (two or more Chinese characters, or letters):
    a formula-looking text stays whole; a body's name with a separator inside stays one (``_bodies_joined``:
    甲乙、丙丁科技有限公司), and 和 never splits a body's name (``is_organisation``), which ends at its suffix: a
    person's name after it and a blank or a separator is another owner (``_body_then_person``: 幸福里房地产开发有限公司
    扎西; 幸福里 建材有限公司、顿珠, its first part ``_spaced_body``), and so is each person's name before it, a blank
    after each, when what follows is a body's whole name (``_person_then_body``: 张三 幸福里房地产开发有限公司, 张三 李四
    幸福里商贸有限公司; 张三丰餐饮有限公司 and 张三丰 餐饮有限公司 are one body).  A person's name before a body's
    without a 字号 of two characters and a separator, or after it (张三、餐饮有限公司, 张三、丰餐饮有限公司, 餐饮有限公司、张三),
    is kept whole with it: one
    body's name or two owners' (``body_or_owners``, which the import warns of).  A Latin name written surname
    first around one comma is one person (``_SURNAME_COMMA_GIVEN``: Smith, John; John Smith, Mary Smith is two), also
    beside 和 and another name (Smith, John和李四 is two, ``_comma_name_at``); each name with one blank between its
    words (``_name_as_written``).  The roster import (an owner, 共有人 or 租户 cell), doctor and the export's
    read-back all read a cell by it."""
    cell = text.strip()
    names = _cell_names(cell)
    if names is None or _body_or_owners_in(cell, names) is not None:
        return [_name_as_written(cell)]
    result: list[str] = []
    for name in map(_name_as_written, names):
        result.extend(_split_at_and(name))
    return result


def _cell_names(cell: str) -> list[str] | None:
    """``cell``'s names at its separators and blanks, each body's name joined (``_bodies_joined``), or None when a
    part is no name (a formula-looking text: the cell is one name)."""
    spans = [cell[start:end] for start, end in _name_spans(cell)]
    if len(spans) > 1 and not all(
        _PERSON_NAME.fullmatch(name) or _SURNAME_COMMA_GIVEN.fullmatch(name) or _spaced_body(name) for name in spans
    ):
        return None
    return _bodies_joined(cell)


@dataclass(frozen=True)
class BodyOrOwners:
    """A cell that is one body's name or several people's (``body_or_owners``): the body's name whose 字号 is too short
    (``trade_name``: none, or its one character) and the names it would be as several."""

    cell: str
    body: str
    names: tuple[str, ...]
    trade_name: str

    def said(self, role: str, *, done: str, check: str, correct: tuple[str, str]) -> str:
        """What the clerk is told of it, kept as one ``role`` (业主, 共有人, 租户 …) as written — ``done`` 导入 or 添加 —:
        why it may be several, ``check`` what to check, ``correct`` how to put it right: what comes before 写成全称
        for one body, and what to do for several ``role``s."""
        several = f"{'两' if len(self.names) == 2 else f' {len(self.names)} '}位{role}"
        return (
            f"“{self.cell}”可能是一家单位，也可能是{several}：{self._why()}；已按一位{role}原样{done}，"
            f"请核对{check}（是一家单位的{correct[0]}写成全称，是{several}的{correct[1]}）"
        )

    @property
    def may_be_one(self) -> bool:
        """Whether the cell may be one body's name: a person's name and the body's alone (张三、餐饮有限公司 may be
        张三餐饮有限公司 written with a 、).  With another name beside them (王芳、李四、餐饮有限公司) it is several
        however it is read — 李四餐饮有限公司 and 王芳, or three —, which the office cannot mean as one."""
        return len(self.names) == 2

    def not_one(self) -> str:
        """Why a cell that is not ``may_be_one`` is refused, with what to write instead."""
        beside = _person_beside(self.names, self.names.index(self.body))
        assert beside is not None
        side, person = beside
        return (
            f"“{self.cell}”不是一个人或一家单位的名称：{self._why()}（可能与{side}的“{person}”是一家单位，也可能是另一家单位）；"
            "请写上这家单位的全称，几位之间用“、”分开"
        )

    def _why(self) -> str:
        """``“餐饮有限公司”前面没有字号，不是单位的全称``: why the body's name is no whole one."""
        why = "的字号只有一个字" if self.trade_name else "前面没有字号"
        return f"“{self.body}”{why}，不是单位的全称"


def _body_or_owners_in(cell: str, names: Sequence[str]) -> BodyOrOwners | None:
    """``names`` (``_cell_names`` of ``cell``) as a ``BodyOrOwners`` when one is a body's name whose 字号 is too short
    (``_short_trade_name``) beside a person's, whichever first (张三、餐饮有限公司, 张三、丰餐饮有限公司, 餐饮有限公司、张三),
    else None."""
    for index, name in enumerate(names):
        if (trade_name := _short_trade_name(name)) is not None and _person_beside(names, index) is not None:
            return BodyOrOwners(cell, name, tuple(names), trade_name)
    return None


def _person_beside(names: Sequence[str], index: int) -> tuple[str, str] | None:
    """(前面 or 后面, name) of the person's name (``_reads_as_person``) right before ``names[index]``, else right after
    it, or None."""
    for side, at in (("前面", index - 1), ("后面", index + 1)):
        if 0 <= at < len(names) and _reads_as_person(names[at]):
            return side, names[at]
    return None


def body_or_owners(text: str) -> BodyOrOwners | None:
    """Whether ``text``, a cell, may be one body's name or several people's, which ``split_owner_names`` keeps whole
    for the clerk to check: a person's name, a separator, then a body's name without a 字号 of two characters or more
    (张三、餐饮有限公司, 张三、丰餐饮有限公司 — 张三餐饮有限公司 or 张三丰餐饮有限公司 written with a 、, or 张三 and a company
    whose name lacks its 字号, which no registered one does), or the two the other way round (餐饮有限公司、张三: the
    company's name is no whole one either way); None for any other cell."""
    cell = text.strip()
    names = _cell_names(cell)
    return None if names is None else _body_or_owners_in(cell, names)


def _split_at_and(name: str) -> list[str]:
    """``name`` split at each 和 between two people's names (张三和李四), or ``[name]``: a 和 after a surname alone
    (司徒和美玲, 王和平) is in the given name; every part must be a name ``_parted_at_and`` parts (张三和欧阳 and
    华润和信置业有限公司 are no 张三和李四)."""
    parts, start = [], 0
    for conjunction in _OWNER_AND.finditer(name):
        if is_surname(name_as_read(name[start : conjunction.start()])):
            continue  # 司徒和美玲: this part runs on to the next 和
        parts.append(name[start : conjunction.start()])
        start = conjunction.end()
    parts = [part for part in (*parts, name[start:]) if part]
    return parts if len(parts) > 1 and all(map(_parted_at_and, parts)) else [name]


def _parted_at_and(name: str) -> bool:
    """Whether ``name``, beside 和 and another name, is a person's name to part there (``_split_at_and``, and a Latin
    name's, ``_comma_name_at``): two characters or more, not a surname alone, naming no one (欧阳), nor a body's
    (和 inside 华润和信置业有限公司 is in its name)."""
    return len(name) >= 2 and not is_surname(name_as_read(name)) and not is_organisation(name)


def _separator(char: str) -> bool:
    return char.isspace() or _OWNER_SEPARATORS.fullmatch(unicodedata.normalize("NFKC", char)) is not None


def one_name(name: str) -> str:
    """A cell or argument meant for one person without the separators another name would have followed at either
    end (吴芳、, 、郑丽, 孙悦；): what an owner or 租户 cell reads of it (``split_owner_names``), so that a notice never
    prints 吴芳、住户; its blanks as there (安居  装饰有限公司 is 安居 装饰有限公司, Smith ,  John is Smith, John).
    A name of separators alone is left as it is, for ``name_problem`` to refuse."""
    start, end = 0, len(name)
    while start < end and _separator(name[start]):
        start += 1
    while end > start and _separator(name[end - 1]):
        end -= 1
    return _name_as_written(name[start:end]) or name


def several_people(name: str) -> bool:
    """Whether ``name`` — a cell or an argument meant for one person — holds several owners' names, as an owner cell
    would be split (``split_owner_names``: 吴芳、郑丽, 吴芳,郑丽, 吴芳；郑丽, 张三和李四, a body's name and a person's:
    幸福里餐饮有限公司、吴十); a body's name with 和 or 、 inside (华润和信置业有限公司, 甲乙、丙丁科技有限公司) never, as
    that split keeps it whole."""
    return len(split_owner_names(unicodedata.normalize("NFKC", name))) > 1


def blank_between_names(name: str) -> bool:
    """Whether ``name``, meant for one person, is two Chinese names with a blank between (张三 李四, 张 三丰, or 张 三):
    some systems export two people so, and a notice or a receipt would print them as one.  An organisation's name
    (a blank inside 某某置业 有限公司) never is.  ``one_person_problem``'s rule, and a receipt's payer's."""
    folded = unicodedata.normalize("NFKC", name)
    return not is_organisation(folded) and _BLANK_BETWEEN_HAN.search(folded) is not None


def one_person_as_kept(name: str, label: str, one: str) -> str:
    """``name``, typed for one person — a receipt's payer, a loan's borrower —, as kept (``name_as_kept``: ``Li  Si`` is
    ``Li Si``, ``罗\u3000红`` is 罗红).  ``ValidationError``, headed ``label`` (交款人, 借阅人), for what ``name_problem``
    refuses, and for two Chinese names with a blank between (``blank_between_names``: 张三 李四), in one wording
    at the counter and the archive, ``one`` saying that one person is written (收据只写一位交款人)."""
    if (problem := name_problem(name)) is not None:
        raise ValidationError(f"{label}：{problem}")
    kept = name_as_kept(name)
    if blank_between_names(kept):
        raise ValidationError(f"{label}：姓名中间有空格，像是两个人的姓名：{one}，一个人的姓名请去掉空格")
    return kept


def one_person_problem(name: str, *, two: str, note: str) -> str | None:
    """Why ``name`` — an owner's, a co-owner's, a family member's or a tenant's, at the counter or on a roster — is not
    one person's name, or None: what ``name_problem`` says of any name (a control character, too long, no letter),
    else ``two`` for two Chinese names with a blank between (张三 李四, or 张 三), ``note`` for a note in brackets after
    it (钱八（租户：周九）, 李四(已故)), each in the words of where it was written.  Every notice would print it so.  An
    organisation's name is left as it is written but for ``name_problem``, and but for names beside a body's whose
    字号 is too short that are several however read (``BodyOrOwners.may_be_one``: 王芳、李四、餐饮有限公司)."""
    if (problem := name_problem(name)) is not None:
        return problem
    folded = unicodedata.normalize("NFKC", name)
    if _OWNER_SEPARATORS.search(folded) and (found := body_or_owners(name)) is not None and not found.may_be_one:
        return found.not_one()
    if is_organisation(folded):
        return None
    if blank_between_names(folded):
        return two
    if _BRACKET.search(folded):
        return note
    return None


def _word(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return name_as_read(str(value))


def parse_relation(value: Any) -> tuple[str, str]:
    """A relation word to ("owner"|"co_owner"|"contact", the relation as stored); ``ValueError`` otherwise."""
    word = _word(value)
    if word in OWNER_RELATIONS:
        return "owner", "业主"
    if word in CO_OWNER_RELATIONS:
        return "co_owner", CO_OWNER
    if word in TENANT_RELATIONS:
        return "contact", TENANT
    if word in FAMILY_RELATIONS:
        return "contact", word
    raise ValueError(f"“{value}” 不是可识别的关系，应为 业主、共有人、家属（配偶、子女、父母 等）或 租户")


@dataclass(frozen=True)
class ContactRecord:
    """A family member or tenant of a unit (``relation`` 租户, 家属, 配偶 …)."""

    name: str
    relation: str
    phone: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    #: As ``validate_document_number`` keeps it (a first-generation 15-digit number as written); a tenant's 居住证明
    #: prints it.
    id_number: str | None = None
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``).
    id_type: str = RESIDENT_ID

    def as_journal(self) -> dict[str, Any]:
        # The journal is an audit trail, not a second copy of personal data: masked, as on screen.  A contact
        # without an ID number is journalled as before there was one (no key), so older entries read alike.
        return (
            {
                "name": self.name,
                "relation": self.relation,
                "phone": mask_phone(self.phone) if self.phone else None,
                "start_date": self.start_date.isoformat() if self.start_date else None,
                "end_date": self.end_date.isoformat() if self.end_date else None,
            }
            | ({"id_number": mask_id_number(self.id_number)} if self.id_number else {})
            | id_type_journalled(self.id_type)
        )


@dataclass(frozen=True)
class Contact:
    """A contact as the ledger holds it (``id`` is what ``owners contact remove`` takes)."""

    id: int
    unit: str
    record: ContactRecord

    def current_on(self, day: dt.date) -> bool:
        """Whether the contact's dates, when it has any, hold ``day`` (a tenancy begun and not ended: the
        ``current_tenants_in`` of one contact)."""
        start, end = self.record.start_date, self.record.end_date
        return (start is None or start <= day) and (end is None or end >= day)

    def lease_text(self) -> str:
        """Its dates as a message says them: ``租期 2026-03-01 至 2027-02-28``, ``租期至 2027-02-28``, or ``""``."""
        start, end = self.record.start_date, self.record.end_date
        if start and end:
            return f"租期 {start.isoformat()} 至 {end.isoformat()}"
        if start:
            return f"租期自 {start.isoformat()} 起"
        return f"租期至 {end.isoformat()}" if end else ""

    def name_warning(self, done: str = "添加") -> str | None:
        """What the counter tells of a name kept as written — ``done``: 添加, 更正 — that may be one body's or several
        people's (``body_or_owners``: 李四、餐饮有限公司), as the roster import warns of such a cell, or None."""
        if (found := body_or_owners(self.record.name)) is None:
            return None
        correct = (f"用 recordkit owners contact edit {self.id} --name ", "请写上这家单位的全称、一位一位分别添加")
        return found.said(self.record.relation, done=done, check="姓名", correct=correct)

    def to_dict(self, show_private: bool = False) -> dict[str, Any]:
        """The contact as listings show it: phone and ID number masked as an owner's are (``mask_phone``,
        ``mask_id_number``) unless ``show_private``."""
        phone, id_number = self.record.phone or "", self.record.id_number or ""
        if not show_private:
            phone, id_number = mask_phone(phone), mask_id_number(id_number)
        return {
            "id": self.id,
            "unit": self.unit,
            "name": self.record.name,
            "relation": self.record.relation,
            "phone": phone or None,
            "id_type": id_type_shown(self.record.id_number, self.record.id_type),
            "id_number": id_number or None,
            "start_date": self.record.start_date.isoformat() if self.record.start_date else None,
            "end_date": self.record.end_date.isoformat() if self.record.end_date else None,
        }


@dataclass(frozen=True)
class CoOwner:
    name: str
    phone: str | None
    id_number: str | None
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``).
    id_type: str = RESIDENT_ID

    def to_dict(self, show_private: bool = False) -> dict[str, Any]:
        phone, id_number = self.phone or "", self.id_number or ""
        if not show_private:
            phone, id_number = mask_phone(phone), mask_id_number(id_number)
        return {
            "name": self.name,
            "phone": phone or None,
            "id_type": id_type_shown(self.id_number, self.id_type),
            "id_number": id_number or None,
        }


def _contact_query() -> sa.Select[Any]:
    return (
        sa.select(unit_contacts, units.c.code)
        .select_from(unit_contacts.join(units, units.c.id == unit_contacts.c.unit_id))
        .order_by(unit_contacts.c.id)
    )


def contact_record(row: Any) -> ContactRecord:
    """A ``unit_contacts`` row as a ``ContactRecord``."""
    return ContactRecord(row.name, row.relation, row.phone, row.start_date, row.end_date, row.id_number, row.id_type)


def _contact(row: Any) -> Contact:
    return Contact(row.id, row.code, contact_record(row))


def list_contacts(ledger: Ledger, unit: str | None = None, relation: str | None = None) -> list[Contact]:
    """Contacts of one unit (or of every unit), of one relation when given (租户 for every tenant).

    ``NotFoundError`` for a unit the ledger does not have (``no_such_unit``), never an empty list for a typo."""
    query = _contact_query()
    code = str(parse_unit_code(unit)) if unit is not None else None
    if code is not None:
        query = query.where(units.c.code == code)
    if relation is not None:
        query = query.where(unit_contacts.c.relation == _checked_relation(relation))
    with ledger.read() as conn:
        found = [_contact(row) for row in conn.execute(query)]
        if not found:
            refuse_unknown_unit(conn, code)
    return sorted(found, key=lambda c: (parse_unit_code(c.unit).sort_key, c.id))


def current_tenants_in(conn: Connection, today: dt.date) -> dict[str, list[str]]:
    """unit code -> the names of its tenants whose tenancy has begun and not ended by ``today`` (a tenancy without
    dates counts as current), read on ``conn``: the read transaction of a notice's recipients, so that the tenants go
    with the owners read in it."""
    query = (
        sa.select(units.c.code, unit_contacts.c.name)
        .select_from(unit_contacts.join(units, units.c.id == unit_contacts.c.unit_id))
        .where(
            unit_contacts.c.relation == TENANT,
            sa.or_(unit_contacts.c.start_date.is_(None), unit_contacts.c.start_date <= today),
            sa.or_(unit_contacts.c.end_date.is_(None), unit_contacts.c.end_date >= today),
        )
        .order_by(unit_contacts.c.id)
    )
    found: dict[str, list[str]] = {}
    for row in conn.execute(query):
        found.setdefault(row.code, []).append(row.name)
    return found


def _co_owner_query() -> sa.Select[Any]:
    """Every unit's owners after the first (units.owner_id), in deed order."""
    return (
        sa.select(units.c.code, owners.c.name, owners.c.phone, owners.c.id_number, owners.c.id_type)
        .select_from(
            unit_co_owners.join(owners, owners.c.id == unit_co_owners.c.owner_id).join(
                units, units.c.id == unit_co_owners.c.unit_id
            )
        )
        .order_by(unit_co_owners.c.unit_id, unit_co_owners.c.position)
    )


#: An owner of record's name, ID number (None without one) and its document (``core.personal.ID_TYPES``).
OwnerNumbered = tuple[str, str | None, str]


def owner_names_in(conn: Connection, codes: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """unit code -> the names of its owners of record, the first (units.owner_id) then the co-owners in deed order
    (what the search index finds a unit's items by); only ``codes`` when given; a unit without owners left out."""
    return {code: tuple(name for name, *_ in found) for code, found in owners_with_numbers_in(conn, codes).items()}


def owners_with_numbers_in(conn: Connection, codes: Iterable[str] | None = None) -> dict[str, list[OwnerNumbered]]:
    """unit code -> its owners of record as (name, ID number, its document), the first (units.owner_id) then the
    co-owners in deed order, read on ``conn``; only ``codes`` when given (``in_batches`` of them: any number of units);
    a unit without owners left out."""
    number = (owners.c.name, owners.c.id_number, owners.c.id_type)
    first = sa.select(units.c.code, *number, sa.literal(-1).label("position")).join(
        owners, units.c.owner_id == owners.c.id
    )
    others = _co_owner_query().with_only_columns(units.c.code, *number, unit_co_owners.c.position)
    both = sa.union_all(first, others.order_by(None)).subquery()
    query = sa.select(both.c.code, both.c.name, both.c.id_number, both.c.id_type).order_by(both.c.code, both.c.position)
    if codes is not None:
        batches = in_batches(sorted(set(codes)))
        queries: Iterable[sa.Select[Any]] = (query.where(both.c.code.in_(batch)) for batch in batches)
    else:
        queries = [query]
    found: dict[str, list[OwnerNumbered]] = {}
    for each in queries:
        for code, name, id_number, id_type in conn.execute(each):
            found.setdefault(code, []).append((name, id_number, id_type))
    return found


def co_owners_in(conn: Connection) -> dict[str, list[CoOwner]]:
    """unit code -> its owners after the first (units.owner_id), in deed order: with the first, the owners of record,
    whom every paper and listing for the unit names (a notice's 张伟、李娜).  Read on ``conn``, inside a transaction the
    caller holds (an import's, a check's, a listing's), so that they go with the first owners read in it."""
    found: dict[str, list[CoOwner]] = {}
    for row in conn.execute(_co_owner_query()):
        found.setdefault(row.code, []).append(CoOwner(row.name, row.phone, row.id_number, row.id_type))
    return found


def owners_of_record(owner: str | None, co_owners: Iterable[str]) -> str:
    """A unit's owners of record as listings and papers name them, the first then the co-owners in deed order:
    "张海鹏、马丽蓉"; "" for a unit with none."""
    return "、".join(filter(None, [owner, *co_owners]))


def co_owner_names_in(conn: Connection) -> dict[str, tuple[str, ...]]:
    """unit code -> the names of its owners after the first (``co_owners_in``), read on ``conn``: inside a read
    transaction the caller holds, so that the names go with the first owners read in it (the arrears', the fee
    register's)."""
    return {code: tuple(owner.name for owner in found) for code, found in co_owners_in(conn).items()}


def co_owners_of(ledger: Ledger, unit: str) -> list[CoOwner]:
    """The owners of ``unit`` after the first (units.owner_id), in deed order."""
    with ledger.read() as conn:
        return unit_co_owners_in(conn, str(parse_unit_code(unit)))


def unit_co_owners_in(conn: Connection, code: str) -> list[CoOwner]:
    """``co_owners_of`` the unit ``code`` read on ``conn``: inside a transaction the caller holds."""
    rows = conn.execute(_co_owner_query().where(units.c.code == code))
    return [CoOwner(r.name, r.phone, r.id_number, r.id_type) for r in rows]


def unit_contacts_in(conn: Connection, code: str) -> list[Contact]:
    """The contacts of the unit ``code`` in the order they were added, read on ``conn``: inside a transaction the
    caller holds (``owners show``'s)."""
    return [_contact(row) for row in conn.execute(_contact_query().where(units.c.code == code))]


def _checked_relation(relation: str) -> str:
    try:
        kind, stored = parse_relation(relation)
    except ValueError as err:
        raise ValidationError(str(err)) from None
    if kind != "contact":
        raise ValidationError(f"“{relation}”是业主或共有人，请在业主名册中登记后导入；联系人的关系应为 家属 或 租户 等")
    return stored


def owner_as_contact(
    name: str,
    relation: str,
    owners_of_unit: Sequence[OwnerNumbered],
    id_number: str | None = None,
    id_type: str = RESIDENT_ID,
) -> str | None:
    """Why ``name`` (his ID number ``id_number`` of document ``id_type``, when known) is no contact (``relation``: 家属,
    租户 …) of a unit whose owners of record are ``owners_of_unit`` (``OwnerNumbered``, the first, then the co-owners),
    in Chinese, or None: an owner or co-owner of the unit named again as its family member or tenant would be greeted
    twice on every notice (尊敬的张伟业主、张伟住户).  Names are compared as a clerk reads them (``name_as_read``),
    unless both numbers are known and differ (``told_apart_by_numbers``: two people of one name, the owner 张伟 and his
    tenant 张伟); one number on both is ``owner_id_as_contact``'s to refuse."""
    folded = name_as_read(name)
    for position, (owner, number, number_type) in enumerate(owners_of_unit):
        if name_as_read(owner) == folded and not told_apart_by_numbers(id_number, id_type, number, number_type):
            return f"{name}是这套房屋的{'业主' if position == 0 else '共有人'}，不用再登记为{relation}"
    return None


def told_apart_by_numbers(one: str | None, one_type: str, other: str | None, other_type: str) -> bool:
    """Whether ``one`` and ``other`` (ID numbers of documents ``one_type``, ``other_type``) are both known — neither
    blank nor masked — and not one person's (``id_identity``): two people of one name are told apart by them."""
    if not one or not other or is_masked(one) or is_masked(other):
        return False
    return id_identity(one, one_type) != id_identity(other, other_type)


def same_person(one: OwnerNumbered, other: OwnerNumbered) -> bool:
    """Whether ``one`` and ``other`` (name, ID number, its document) are one person: by the ID number where both are
    known (one person spelled two ways is one, two of one name are two), else by name as read."""
    (name, number, number_type), (other_name, other_number, other_type) = one, other
    if same_id_number(number, number_type, other_number, other_type):
        return True
    return name_as_read(name) == name_as_read(other_name) and not told_apart_by_numbers(
        number, number_type, other_number, other_type
    )


def one_name_two_ways(one: str, other: str) -> bool:
    """Whether ``one`` and ``other`` are one name as a clerk reads it (``name_as_read``), or its words in another order
    or case (John Smith, SMITH John: a foreign name written surname first): one person's, where an ID number says so.
    Two other names of one number (周九, 吴十) are one number for two people: ``other_holder``'s to refuse."""
    words = [sorted(unicodedata.normalize("NFKC", name).casefold().split()) for name in (one, other)]
    return name_as_read(one) == name_as_read(other) or words[0] == words[1]


def same_id_number(one: str | None, one_type: str, other: str | None, other_type: str) -> bool:
    """Whether ``one`` (a number of a document of type ``one_type``) and ``other`` (of ``other_type``) are one person's
    (``id_identity``: the same document and number, a first-generation resident number the 18-digit one it became);
    a blank or masked number (an export's) is no number to compare."""
    if not one or not other or is_masked(one) or is_masked(other):
        return False
    return id_identity(one, one_type) == id_identity(other, other_type)


def owner_holding(
    id_number: str | None, id_type: str, owners_of_unit: Sequence[OwnerNumbered]
) -> tuple[str, str] | None:
    """(业主 or 共有人, name) of the first of a unit's owners of record ``owners_of_unit`` (``OwnerNumbered``, the first,
    then the co-owners) whose ID number is ``id_number`` of document ``id_type`` (``same_id_number``), or None."""
    for position, (name, theirs, their_type) in enumerate(owners_of_unit):
        if same_id_number(id_number, id_type, theirs, their_type):
            return ("业主" if position == 0 else "共有人", name)
    return None


def owner_id_as_contact(id_number: str | None, id_type: str, owners_of_unit: Sequence[OwnerNumbered]) -> str | None:
    """Why a contact (家属, 租户 …) whose ID number is ``id_number`` is no contact of a unit whose owners of record are
    ``owners_of_unit`` (``OwnerNumbered``, the first, then the co-owners), in Chinese with the number masked, or None:
    the owner's number pasted into a tenant would be printed on the tenant's 居住证明 (``owner_holding``)."""
    if (holder := owner_holding(id_number, id_type, owners_of_unit)) is None:
        return None
    role, name = holder
    return _contact_on_owners_number(id_number or "", f"{role}{named_in_sentence(name)}")


#: ID document and number (``id_identity``) -> (unit code, role, name) of each person of record holding it: an owner
#: (业主), a co-owner (共有人) or a contact (his relation: 租户, 家属 …).
HoldersByNumber = Mapping[tuple[str, str], Sequence[tuple[str, str, str]]]


def holders_by_number(
    owners_of: Mapping[str, Sequence[OwnerNumbered]], contacts: Iterable[tuple[str, ContactRecord]] = ()
) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """``HoldersByNumber`` of the units' owners of record ``owners_of`` (unit code -> (name, ID number), the first, then
    the co-owners: ``owners_with_numbers_in``'s), then of ``contacts`` ((unit code, contact)); a blank or masked number
    left out."""
    people = [
        (code, "业主" if position == 0 else "共有人", name, number, id_type)
        for code, of_unit in owners_of.items()
        for position, (name, number, id_type) in enumerate(of_unit)
    ]
    people += [(code, c.relation, c.name, c.id_number, c.id_type) for code, c in contacts]
    found: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for code, role, name, number, id_type in people:
        if number and not is_masked(number):
            found.setdefault(id_identity(number, id_type), []).append((code, role, name))
    return found


def other_holder(
    name: str, id_number: str | None, id_type: str, unit: str, holders: HoldersByNumber
) -> tuple[str, str, str] | None:
    """(unit code, role, name) of the first person of record of another unit than ``unit`` in ``holders``
    (``holders_by_number``: an owner, co-owner or contact) holding ``id_number`` of document ``id_type`` under another name than ``name`` (as a
    clerk reads it), or None: one number for two people.  A holder of ``name`` is he (an owner who is another unit's
    family member or tenant, a tenant of two units), and so is ``name`` when an owner of record holds the number under
    it (the number is his; the other holder is wrong); ``unit``'s own owners are ``owner_id_as_contact``'s to judge,
    its other contacts this one's like another unit's."""
    if not id_number or is_masked(id_number):
        return None
    folded = name_as_read(name)
    of_number = holders.get(id_identity(id_number, id_type), [])
    if any(role in ("业主", "共有人") and name_as_read(person) == folded for _, role, person in of_number):
        return None  # he is that owner, the number his: another contact holding it is that contact's to answer for
    return next(
        (
            (code, role, person)
            for code, role, person in of_number
            if (code != unit or role not in ("业主", "共有人")) and name_as_read(person) != folded
        ),
        None,
    )


def other_id_as_contact(
    name: str, id_number: str | None, id_type: str, unit: str, holders: HoldersByNumber
) -> str | None:
    """Why a contact ``name`` of ``unit`` whose ID number is ``id_number`` may not have it, in Chinese with the number
    masked, or None: an owner, co-owner or contact of another unit, or another contact of ``unit``, holds it under
    another name (``other_holder``)."""
    if (holder := other_holder(name, id_number, id_type, unit, holders)) is None:
        return None
    return on_holders_number(id_number or "", holder)


def on_holders_number(id_number: str, holder: tuple[str, str, str]) -> str:
    """The refusal of a contact holding ``id_number``, which ``holder`` ((unit code, role, name): ``other_holder``'s) of
    another unit holds, number masked."""
    code, role, person = holder
    return _contact_on_owners_number(id_number, f" {code} 的{role}{named_in_sentence(person)}")


def _contact_on_owners_number(id_number: str, whose: str) -> str:
    """The refusal of a contact holding the ID number of the owner ``whose`` (``业主“张伟”``, `` 1-1-101 的共有人“王芳”``:
    the name quoted, ``named_in_sentence``), number masked."""
    return f"联系人的证件号码 {mask_id_number(id_number)} 与{whose}的相同：租户、家属应填本人的证件号"


@dataclass(frozen=True)
class ContactWithOwnersNumber:
    """A contact an older version kept with the ID number of an owner of record of its unit (``owner_id_as_contact``),
    or of another unit's owner's or contact's of another name (``other_id_as_contact``), which ``contact add``,
    ``contact edit --id-number`` and the roster import refuse today: the contact, and the holder's role (业主 or 共有人,
    or a contact's relation) and name, and ``unit``, the holder's unit when it is another ("" for the contact's own)."""

    @property
    def on_contacts(self) -> bool:
        """Whether the number's other holder is a contact (of another unit), not an owner of record."""
        return self.role not in ("业主", "共有人")

    contact: Contact
    role: str
    owner: str
    unit: str = ""

    def said(self) -> str:
        """``1-1-101 租户 赵磊（联系人编号 2）：证件号码 110101********1233 与业主“张伟”的相同`` (``与 1-1-102 的业主“李娜”``
        for another unit's): the number masked, the name in the sentence quoted (``named_in_sentence``)."""
        contact, record = self.contact, self.contact.record
        number = mask_id_number(record.id_number or "")
        whose = f" {self.unit} 的" if self.unit else ""
        return (
            f"{contact.unit} {record.relation} {record.name}（联系人编号 {contact.id}）："
            f"证件号码 {number} 与{whose}{self.role}{named_in_sentence(self.owner)}的相同"
        )


def contacts_with_owners_numbers(ledger: Ledger) -> list[ContactWithOwnersNumber]:
    """Every contact holding the ID number of an owner of record of its unit, or of another unit's owner or contact
    under another name (``ContactWithOwnersNumber``: kept by a version before the counter and the import refused
    it), in unit order, then by contact number, read in one read transaction."""
    with ledger.read() as conn:
        own = contacts_with_owners_numbers_in(conn)
        told = {found.contact.id for found in own}
        numbered = numbered_contacts_in(conn)
        holders = holders_by_number(owners_with_numbers_in(conn), [(c.unit, c.record) for c in numbered])
        others = [
            ContactWithOwnersNumber(contact, role, owner, unit)
            for contact in numbered
            if contact.id not in told
            and (
                holder := other_holder(
                    contact.record.name, contact.record.id_number, contact.record.id_type, contact.unit, holders
                )
            )
            is not None
            for unit, role, owner in [holder]
        ]
    return sorted([*own, *others], key=lambda f: (parse_unit_code(f.contact.unit).sort_key, f.contact.id))


def numbered_contacts_in(conn: Connection) -> list[Contact]:
    """Every contact holding an ID number, in the order they were added, read on ``conn``."""
    return [_contact(row) for row in conn.execute(_contact_query().where(unit_contacts.c.id_number.is_not(None)))]


def contacts_with_owners_numbers_in(conn: Connection) -> list[ContactWithOwnersNumber]:
    """``contacts_with_owners_numbers`` read on ``conn``, inside a transaction the caller holds (an import's)."""
    numbered = numbered_contacts_in(conn)
    if not numbered:
        return []
    owners_of = owners_with_numbers_in(conn)
    found = [
        ContactWithOwnersNumber(contact, *holder)
        for contact in numbered
        if (holder := owner_holding(contact.record.id_number, contact.record.id_type, owners_of.get(contact.unit, [])))
        is not None
    ]
    return sorted(found, key=lambda f: (parse_unit_code(f.contact.unit).sort_key, f.contact.id))


def _refuse_owner_as_contact(
    conn: Connection,
    code: str,
    record: ContactRecord,
    *,
    by_name: bool = True,
    by_id_number: bool = True,
    by_others: bool = True,
    editing: int | None = None,
) -> None:
    """``ConflictError`` when ``record`` is an owner of record of the unit ``code`` named again as its contact
    (``owner_as_contact``, with ``by_name``) or carries one's ID number (``owner_id_as_contact``, with
    ``by_id_number``), or another unit's owner's or contact's of another name (``other_id_as_contact``, with ``by_others``:
    a new number, or a new name beside the number; contact ``editing``, the one ``record`` corrects, holding none)."""
    owners_of_unit = owners_with_numbers_in(conn, [code]).get(code, [])
    problem = (
        (by_name and owner_as_contact(record.name, record.relation, owners_of_unit, record.id_number, record.id_type))
        or (by_id_number and owner_id_as_contact(record.id_number, record.id_type, owners_of_unit))
        or (
            by_others
            and record.id_number
            and other_id_as_contact(record.name, record.id_number, record.id_type, code, _holders_in(conn, editing))
        )
    )
    if problem:
        raise ConflictError(problem)


def _holders_in(conn: Connection, leaving: int | None = None) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """``holders_by_number`` of the ledger read on ``conn``: every unit's owners of record and numbered contacts but
    contact ``leaving`` (one being corrected: its old name is no other person)."""
    numbered = [(c.unit, c.record) for c in numbered_contacts_in(conn) if c.id != leaving]
    return holders_by_number(owners_with_numbers_in(conn), numbered)


def _refuse_twice(conn: Connection, unit_id: int, code: str, record: ContactRecord, editing: int | None = None) -> None:
    """``ConflictError`` when ``unit_id`` has a contact of ``record``'s name (as a clerk reads it) already (other than
    contact ``editing``), of its relation or another, unless both ID numbers are known and differ (two people of one
    name, ``told_apart_by_numbers``): the same tenant typed twice would be kept twice, and a notice to the occupants
    name them twice; a person has one relation to a unit (a 配偶 is no 租户 of it too)."""
    query = sa.select(
        unit_contacts.c.id,
        unit_contacts.c.name,
        unit_contacts.c.relation,
        unit_contacts.c.id_number,
        unit_contacts.c.id_type,
    ).where(unit_contacts.c.unit_id == unit_id)
    if editing is not None:
        query = query.where(unit_contacts.c.id != editing)
    folded = name_as_read(record.name)
    row = next(
        (
            row
            for row in conn.execute(query)
            if name_as_read(row.name) == folded
            and not told_apart_by_numbers(record.id_number, record.id_type, row.id_number, row.id_type)
        ),
        None,
    )
    if row is None:
        return
    had = f"{code} 已有{row.relation}{named_in_sentence(row.name)}（联系人编号 {row.id}），"
    if row.relation != record.relation:
        had += "一个人在一套房屋只登记一种关系，"
    if editing is not None:
        raise ConflictError(
            f"{had}联系人编号 {editing} 没有修改：是同一个人的，请删除其中一位（recordkit owners contact remove 联系人编号）"
        )
    if row.relation != record.relation:
        raise ConflictError(
            f"{had}没有再添加为{record.relation}：关系变了的，"
            f"请用 recordkit owners contact edit {row.id} --relation {record.relation} 修改"
        )
    raise ConflictError(
        f"{had}没有再添加：电话、证件号码或租期变了，请用 recordkit owners contact edit {row.id} 修改"
        f"（例如 --phone 新号码、--end 到期日期）"
    )


@dataclass(frozen=True)
class ContactUnderRelations:
    """One person an older version kept as contacts of one unit more than once — under several relations (配偶 赵磊
    and 租户 赵磊: one name as a clerk reads it), or under one relation twice (two 家属 张敏 rows) —, which the counter
    (``_refuse_twice``) and the roster import refuse today: the unit and each such contact, by contact number."""

    unit: str
    contacts: tuple[Contact, ...]

    @property
    def one_relation(self) -> bool:
        """Whether every contact of the person is under one relation: the same row kept again, not relations mixed."""
        return len({contact.record.relation for contact in self.contacts}) == 1

    def said(self) -> str:
        """``1-1-102 配偶 赵磊（联系人编号 1）、租户 赵磊（联系人编号 2）``: no phone nor ID number."""
        kept = "、".join(f"{c.record.relation} {c.record.name}（联系人编号 {c.id}）" for c in self.contacts)
        return f"{self.unit} {kept}"


def contacts_under_relations_in(conn: Connection) -> list[ContactUnderRelations]:
    """Every ``ContactUnderRelations`` of the ledger read on ``conn``, in unit order: a unit's contacts that are one
    person (``same_person``: by ID number where both are known — 张敏 of one number and 张敏 of another are two —,
    else by name), taken as one the way through: 赵磊 and 赵雷 of one number, 赵雷 and a 赵雷 without one are one
    person of three contacts, whatever order they were added in (a contact joining two groups makes them one)."""
    people: dict[str, list[list[Contact]]] = {}
    for row in conn.execute(_contact_query()):
        contact = _contact(row)
        of_unit = people.setdefault(contact.unit, [])
        him = _numbered(contact)
        joined = [kept for kept in of_unit if any(same_person(him, _numbered(other)) for other in kept)]
        of_unit[:] = [kept for kept in of_unit if not any(kept is one for one in joined)]
        of_unit.append(sorted([*itertools.chain.from_iterable(joined), contact], key=lambda c: c.id))
    found_twice = [
        ContactUnderRelations(unit, tuple(kept))
        for unit, of_unit in people.items()
        for kept in of_unit
        if len(kept) > 1
    ]
    return sorted(found_twice, key=lambda person: (parse_unit_code(person.unit).sort_key, person.contacts[0].id))


def _numbered(contact: Contact) -> OwnerNumbered:
    """``contact`` as ``same_person`` compares people: name, ID number, its document."""
    return (contact.record.name, contact.record.id_number, contact.record.id_type)


@dataclass(frozen=True)
class OwnerAsContact:
    """A contact an older version kept under the name of an owner or co-owner of its unit (张伟 the owner and 家属
    张伟), which the counter and the roster import refuse today (``owner_as_contact``, whose words ``reason`` is)."""

    contact: Contact
    reason: str

    def said(self) -> str:
        """``1-1-101 家属 张伟（联系人编号 1）：张伟是这套房屋的业主，不用再登记为家属``: no phone nor ID number."""
        record = self.contact.record
        return f"{self.contact.unit} {record.relation} {record.name}（联系人编号 {self.contact.id}）：{self.reason}"


def owners_as_contacts_in(conn: Connection) -> list[OwnerAsContact]:
    """Every ``OwnerAsContact`` of the ledger read on ``conn``, in unit order, then by contact number."""
    owners_of = owners_with_numbers_in(conn)
    found = [
        OwnerAsContact(contact, reason)
        for contact in map(_contact, conn.execute(_contact_query()))
        if (
            reason := owner_as_contact(
                contact.record.name,
                contact.record.relation,
                owners_of.get(contact.unit, ()),
                contact.record.id_number,
                contact.record.id_type,
            )
        )
    ]
    return sorted(found, key=lambda f: (parse_unit_code(f.contact.unit).sort_key, f.contact.id))


#: 民法典第七百零五条: 租赁期限不得超过二十年.
LONGEST_LEASE_YEARS = 20


def lease_problem(start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> str | None:
    """Why a contact's 起租日期–到期日期 cannot be a lease, or ``None``: the end before the start, a lease of more
    than ``LONGEST_LEASE_YEARS`` (an end without a start: counted from ``today``, default this computer's day) — a
    year typed wrong, 2199 for 2029: the tenant would count as current until then —, or a start more than a year
    after ``today``."""
    if start and end and end < start:
        return f"到期日期 {end} 早于起租日期 {start}"
    law = "租赁期限不得超过二十年（民法典第七百零五条），请检查年份"
    if start and end and end > years_after(start, LONGEST_LEASE_YEARS):
        return f"租期超过二十年（起租日期 {start}，到期日期 {end}）：{law}"
    today = today or dt.date.today()
    if start is None and end and end > years_after(today, LONGEST_LEASE_YEARS):
        return f"到期日期 {end} 距今天（{today}）超过二十年：{law}"
    if start and start > (latest := years_after(today)):
        # (a year typed wrong, 2099 for 2026: the tenant would never count as current, and no notice reach them)
        return f"起租日期最迟为今天后一年（今天 {today}，最迟 {latest}）：{start} 请检查年份"
    return None


def _checked_name(name: str) -> str:
    """A contact's name typed at the counter as it is kept (``one_name``); ``ValidationError`` for an empty one, several
    people's (``several_people``: 周九、吴十, as for 周九 吴十), to be added one at a time, or one no person has
    (``one_person_problem``: a line break, a control character, too long, a note in brackets)."""
    name = one_name(name.strip())
    if not name:
        raise ValidationError("联系人姓名不能为空")
    if several_people(name):
        # One contact per command, as one per roster row: 周九、吴十 would be kept as one tenant of that name.
        raise ValidationError(
            f"一次只能添加一位联系人：“{name}”是几个人，请一位一位分别添加（每人一条 recordkit owners contact add）"
        )
    # As the roster's contacts and owners: notices print the name.
    reason = one_person_problem(
        name,
        two="两位联系人请分两次登记，一个人的姓名请去掉空格",
        note="姓名里不能带括号里的备注：请只写姓名，关系用 --relation 写明",
    )
    if reason is not None:
        raise ValidationError(f"联系人姓名：{reason}")
    return name


def _checked_lease(start: dt.date | None, end: dt.date | None) -> None:
    if (problem := lease_problem(start, end)) is not None:
        raise ValidationError(problem)


def _document_of(id_number: str | None, id_type: str | None, stored: str = RESIDENT_ID) -> str:
    """The document type a counter command's ``--id-type`` names (``read_id_type``), ``stored`` (a resident ID card
    for a new contact) without one; ``UsageError`` for one without a number, which says nothing then."""
    if id_type is None:
        return stored
    if id_number is None:
        raise UsageError("--id-type 要和 --id-number 一起写：证件类型说的是这个号码的证件")
    return read_id_type(id_type)


def add_contact(
    ledger: Ledger,
    unit: str,
    name: str,
    relation: str,
    operator: str,
    *,
    phone: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    id_number: str | None = None,
    id_type: str | None = None,
    phases: Mapping[str, str] | None = None,
) -> Contact:
    """Add a family member or tenant to ``unit`` (journalled, its phone and ID number masked), read with the estate's
    ``phases`` (``OfficeSettings.phase_table()``: 北区1-1-101, 第一期·1-1-101).  ``id_type`` names the
    document ``id_number`` is of as a clerk writes it (``read_id_type``: 护照, 台胞证 …); a resident ID card without it.

    ``NotFoundError`` for an unknown unit; ``UsageError`` for an ``id_type`` without an ``id_number``;
    ``ValidationError`` for a name ``_checked_name`` refuses, an unknown relation, a bad phone, a document type
    ``read_id_type`` does not know, an ID number the roster import refuses (``validate_document_number``: its
    message), or dates that
    are no lease (``lease_problem``: an end before the start, more than twenty years); ``ConflictError`` for a contact
    of that name and relation the unit has already, or one who is the unit's owner or co-owner
    (``owner_as_contact``) or has one's ID number (``owner_id_as_contact``), or another unit's owner's or contact's of
    another name (``other_id_as_contact``)."""
    code = str(parse_unit_code(unit, phases=phases))
    name = _checked_name(name)
    stored = _checked_relation(relation)
    clean_phone = validate_phone(phone) if phone else None
    kind = _document_of(id_number, id_type)
    clean_id = validate_document_number(id_number, kind) if id_number is not None else None
    _checked_lease(start_date, end_date)
    record = ContactRecord(name, stored, clean_phone, start_date, end_date, clean_id, kind)
    with ledger.write() as conn:
        unit_id = conn.execute(sa.select(units.c.id).where(units.c.code == code)).scalar()
        if unit_id is None:
            raise unknown_unit(conn, code)
        _refuse_owner_as_contact(conn, code, record)
        _refuse_twice(conn, unit_id, code, record)
        inserted = conn.execute(
            unit_contacts.insert().values(
                unit_id=unit_id,
                name=record.name,
                relation=record.relation,
                phone=record.phone,
                id_number=record.id_number,
                id_type=record.id_type,
                start_date=record.start_date,
                end_date=record.end_date,
                added_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                added_by=operator,
            )
        ).inserted_primary_key
        assert inserted is not None
        contact_id = inserted[0]
        journal.record(conn, operator, [journal.Change("contact.add", "unit", code, None, record.as_journal())])
    return Contact(int(contact_id), code, record)


def remove_contact(ledger: Ledger, contact_id: int, operator: str) -> Contact:
    """Remove contact ``contact_id`` (journalled); ``NotFoundError`` when there is none."""
    with ledger.write() as conn:
        row = conn.execute(_contact_query().where(unit_contacts.c.id == contact_id)).first()
        if row is None:
            raise NotFoundError(f"没有编号为 {contact_id} 的联系人：请用 recordkit owners contact list 查看")
        contact = _contact(row)
        conn.execute(unit_contacts.delete().where(unit_contacts.c.id == contact_id))
        journal.record(
            conn, operator, [journal.Change("contact.remove", "unit", contact.unit, contact.record.as_journal(), None)]
        )
    return contact


#: A contact's fields as ``owners contact edit`` names a change: ``ContactRecord`` field -> its Chinese name.
CONTACT_FIELDS = {
    "name": "姓名",
    "relation": "关系",
    "phone": "联系电话",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "start_date": "起租日期",
    "end_date": "到期日期",
}


#: Each ``ContactRecord`` field's option in ``owners contact edit``.
CONTACT_OPTIONS = {
    "name": "--name",
    "relation": "--relation",
    "phone": "--phone",
    "id_type": "--id-type",
    "id_number": "--id-number",
    "start_date": "--start",
    "end_date": "--end",
}
#: What ``owners contact edit --clear`` may empty, as a clerk names it (the field's Chinese name, or its option's
#: without the dashes) -> its ``ContactRecord`` field.  A contact always has a name and a relation.
CLEARABLE = {
    "电话": "phone", "联系电话": "phone", "phone": "phone",
    "证件号码": "id_number", "身份证号": "id_number", "id-number": "id_number",
    "起租日期": "start_date", "start": "start_date",
    "到期日期": "end_date", "end": "end_date",
}  # fmt: skip
_KEPT_ALWAYS = {"姓名": "姓名", "name": "姓名", "关系": "关系", "relation": "关系"}
_CLEARABLE_SAID = "能清空的是 电话、证件号码、起租日期、到期日期（也可写 phone、id-number、start、end）"


def fields_to_clear(words: Iterable[str], given: Iterable[str] = ()) -> dict[str, str]:
    """The ``ContactRecord`` fields ``words`` (``--clear``'s, ``CLEARABLE``) name, each -> the word as written.

    ``UsageError`` for the name or the relation (never empty), a word naming no field, or a field also among
    ``given`` (the fields given a new value: emptied and set at once)."""
    fields: dict[str, str] = {}
    for word in words:
        folded = unicodedata.normalize("NFKC", word).strip().lower().lstrip("-")
        if folded in _KEPT_ALWAYS:
            raise UsageError(
                f"{_KEPT_ALWAYS[folded]}不能清空：联系人总有姓名和关系，写错了请用 --name、--relation 改正；{_CLEARABLE_SAID}"
            )
        if folded not in CLEARABLE:
            raise UsageError(f"--clear 不认识“{word}”：{_CLEARABLE_SAID}")
        fields.setdefault(CLEARABLE[folded], word)
    for key in given:
        if key in fields:
            option, word = CONTACT_OPTIONS[key], fields[key]
            raise UsageError(f"--clear {word} 与 {option} 不能一起用：改成新的只写 {option}，清空只写 --clear {word}")
    return fields


@dataclass(frozen=True)
class ContactEdit:
    """What ``edit_contact`` did: the contact as it was and as it is now (the same when nothing changed)."""

    before: Contact
    after: Contact

    def changed(self) -> list[str]:
        """The ``CONTACT_FIELDS`` whose values differ, in that order."""
        return [key for key in CONTACT_FIELDS if getattr(self.before.record, key) != getattr(self.after.record, key)]

    def said(self) -> str:
        """Each change as a clerk reads it, phone and ID number masked: ``联系电话 139****1111 → 139****2222``."""
        old, new = self.before.to_dict(), self.after.to_dict()
        return "，".join(
            f"{CONTACT_FIELDS[key]} {old[key] or '（无）'} → {new[key] or '（无）'}" for key in self.changed()
        )


def edit_contact(
    ledger: Ledger,
    contact_id: int,
    operator: str,
    *,
    name: str | None = None,
    relation: str | None = None,
    phone: str | None = None,
    id_number: str | None = None,
    id_type: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    clear: Iterable[str] = (),
) -> ContactEdit:
    """Correct contact ``contact_id``: only the fields given change, each checked as ``add_contact`` checks it (the
    tenancy's dates as they stand after the change), and those ``clear`` names (``fields_to_clear``: 电话, id-number …)
    are emptied; journalled (``contact.edit``, before and after masked) only when something changed.  A new
    ``id_number`` is of the document ``id_type`` names (``add_contact``), or of the contact's document so far; a
    cleared one leaves a resident ID card's type.

    ``UsageError`` for a ``clear`` ``fields_to_clear`` refuses (the name, the relation, a field given a value too);
    ``NotFoundError`` when there is no such contact; ``ValidationError`` for a value ``add_contact`` refuses;
    ``ConflictError`` when the new name or relation is another contact's of the unit, or the unit's owner's or a
    co-owner's (``owner_as_contact``), or the new ID number is one of theirs (``owner_id_as_contact``), or the new ID
    number or name makes it another unit's owner's or contact's of another name (``other_id_as_contact``)."""
    given: dict[str, object] = {"name": name, "relation": relation, "phone": phone, "id_number": id_number}
    given |= {"start_date": start_date, "end_date": end_date}
    changes: dict[str, Any] = dict.fromkeys(fields_to_clear(clear, [key for key, v in given.items() if v is not None]))
    if name is not None:
        changes["name"] = _checked_name(name)
    if relation is not None:
        changes["relation"] = _checked_relation(relation)
    if phone is not None:
        changes["phone"] = validate_phone(phone)
    if start_date is not None:
        changes["start_date"] = start_date
    if end_date is not None:
        changes["end_date"] = end_date
    with ledger.write() as conn:
        row = conn.execute(_contact_query().where(unit_contacts.c.id == contact_id)).first()
        if row is None:
            raise NotFoundError(f"没有编号为 {contact_id} 的联系人：请用 recordkit owners contact list 查看")
        before = _contact(row)
        if id_number is not None:
            changes["id_type"] = _document_of(id_number, id_type, before.record.id_type)
            changes["id_number"] = validate_document_number(id_number, changes["id_type"])
        elif id_type is not None:
            _document_of(None, id_type)
        if "id_number" in changes and changes["id_number"] is None:
            changes["id_type"] = RESIDENT_ID
        after = replace(before, record=replace(before.record, **changes))
        edit = ContactEdit(before, after)
        if not edit.changed():
            return edit
        record = after.record
        if {"start_date", "end_date"} & set(edit.changed()):
            _checked_lease(record.start_date, record.end_date)
        renamed = bool({"name", "relation"} & set(edit.changed()))
        renumbered = "id_number" in edit.changed()
        _refuse_owner_as_contact(
            conn,
            after.unit,
            record,
            by_name=renamed,
            by_id_number=renumbered,
            by_others=renumbered or "name" in edit.changed(),
            editing=contact_id,
        )
        if renamed:
            _refuse_twice(conn, row.unit_id, after.unit, record, editing=contact_id)
        conn.execute(
            unit_contacts.update()
            .where(unit_contacts.c.id == contact_id)
            .values(**{key: getattr(record, key) for key in edit.changed()})
        )
        after_journal = record.as_journal() | {"contact_id": contact_id}
        before_journal = before.record.as_journal() | {"contact_id": contact_id}
        journal.record(
            conn, operator, [journal.Change("contact.edit", "unit", after.unit, before_journal, after_journal)]
        )
    return edit
