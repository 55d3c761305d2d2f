"""Rewrites of a .docx package that filling needs beside its Jinja: a template's comments (批注) left out,
and what Word wants unique in a document — pictures, bookmarks, content controls, VML shapes, Word 2010's
paragraph ids — kept unique where a loop's rows or a merged print file's copies print them again.

What each part's placeholders become is the engine's business; this module only takes out what
must never reach an owner's paper, keeping the package one Word opens without a repair.
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from html import unescape

Entries = Sequence[tuple[zipfile.ZipInfo, bytes]]

_MAIN_RELATIONSHIPS = "word/_rels/document.xml.rels"
_CONTENT_TYPES = "[Content_Types].xml"
#: The relationship types of a comment's parts: the comments, Word 2013's and 2016's extensions of
#: them, and the list of their authors (a template with tracked changes, the other user, is refused).
_COMMENT_TYPES = (
    "/relationships/comments",
    "/relationships/commentsExtended",
    "/relationships/commentsIds",
    "/relationships/commentsExtensible",
    "/relationships/people",
)
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*?/>|<Relationship\b.*?</Relationship>", re.DOTALL)
_ATTRIBUTE = r'\b{}\s*=\s*"([^"]*)"'
_ANCHOR = re.compile(
    r"<w:(commentRangeStart|commentRangeEnd)\b[^>]*?(?:/>|>.*?</w:\1>)"  # where a comment's range starts and ends
    # the run Word puts a comment's mark in, with nothing else than its formatting
    r"|<w:r(?:\s[^>]*)?>\s*(?:<w:rPr\b(?:[^>]*/>|(?:(?!</w:rPr>).)*</w:rPr>))?\s*<w:commentReference\b[^>]*/>\s*</w:r>"
    r"|<w:commentReference\b[^>]*?(?:/>|>.*?</w:commentReference>)",
    re.DOTALL,
)


def comment_parts(entries: Entries) -> frozenset[str]:
    """The names of the parts holding a template's comments (批注) and their authors."""
    relationships = next(
        (data.decode("utf-8", "replace") for info, data in entries if info.filename == _MAIN_RELATIONSHIPS), ""
    )
    return frozenset(
        _part_of(_attribute(relationship, "Target"))
        for relationship in _RELATIONSHIP.findall(relationships)
        if _attribute(relationship, "Type").endswith(_COMMENT_TYPES) and _attribute(relationship, "Target")
    )


def _part_of(target: str) -> str:
    """The part a relationship of word/document.xml points at: relative to word/, or from the package's root."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("word", target))


def without_comments(entries: Entries) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """``entries`` without the template's comments: their parts and those parts' relationships left out,
    their relationships and content types taken out, and their anchors (where each comment starts, ends
    and is marked) taken out of the text.  A template without comments comes back as it is."""
    dropped = comment_parts(entries)
    if not dropped:
        return list(entries)
    own_relationships = {
        posixpath.join(posixpath.dirname(part), "_rels", f"{posixpath.basename(part)}.rels") for part in dropped
    }
    kept = []
    for info, data in entries:
        name = info.filename
        if name in dropped or name in own_relationships:
            continue
        if name == _MAIN_RELATIONSHIPS:
            data = _RELATIONSHIP.sub(
                lambda found: "" if _attribute(found.group(0), "Type").endswith(_COMMENT_TYPES) else found.group(0),
                data.decode("utf-8", "replace"),
            ).encode("utf-8")
        elif name == _CONTENT_TYPES:
            data = re.sub(
                r"<Override\b[^>]*?/>",
                lambda found: "" if _attribute(found.group(0), "PartName").lstrip("/") in dropped else found.group(0),
                data.decode("utf-8", "replace"),
            ).encode("utf-8")
        elif name.startswith("word/") and name.endswith(".xml") and b"<w:comment" in data:
            data = _ANCHOR.sub("", data.decode("utf-8", "replace")).encode("utf-8")
        kept.append((info, data))
    return kept


def _attribute(element: str, name: str) -> str:
    found = re.search(_ATTRIBUTE.format(name), element)
    return unescape(found.group(1)) if found else ""


# A drawing's (picture's, text box's) properties; Word wants its id unique in the document, all its parts
# (body, headers, footers, notes) together.
_DRAWING_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")(\d+)(")')


def drawing_ids(xml: str) -> set[int]:
    """The ids of the drawings (``wp:docPr``) in a part."""
    return {int(found.group(2)) for found in _DRAWING_ID.finditer(xml)}


def unique_drawing_ids(xml: str, taken: Iterable[int]) -> str:
    """``xml`` with its drawings numbered one after another past every id in ``taken`` (the other parts'):
    a merged print file repeats one copy's pictures per household, and Word asks to repair a document
    whose picture ids repeat."""
    numbers = itertools.count(max(taken, default=0) + 1)
    return _DRAWING_ID.sub(lambda found: f"{found.group(1)}{next(numbers)}{found.group(3)}", xml)


def renumber_repeated_drawings(xml: str, seen: set[int]) -> str:
    """``xml`` with each drawing whose id is in ``seen`` (the other parts') or repeats one before it in
    ``xml`` given a new id past all of them; the others keep theirs.  ``seen`` gains every id ``xml`` ends
    with, so that it can be handed on to the next part."""
    if "<wp:docPr" not in xml:
        return xml
    numbers = itertools.count(max(seen | drawing_ids(xml), default=0) + 1)

    def numbered(found: re.Match[str]) -> str:
        number = int(found.group(2))
        if number in seen:
            number = next(numbers)
        seen.add(number)
        return f"{found.group(1)}{number}{found.group(3)}"

    return _DRAWING_ID.sub(numbered, xml)


def with_unique_drawing_ids(entries: Entries) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """``entries`` with every drawing's id unique across the package's parts.  A document made with
    python-docx numbers each part's pictures from 1 (a logo in the header and a seal in the body are
    both ``id="1"``), and a picture copied in Word can keep its id; Word may offer to repair such a
    file.  A package whose ids are already unique comes back as it is."""
    parts = [
        (index, data.decode("utf-8", "replace"))
        for index, (info, data) in enumerate(entries)
        if _is_xml_part(info.filename) and b"<wp:docPr" in data
    ]
    numbers = [found.group(2) for _, xml in parts for found in _DRAWING_ID.finditer(xml)]
    if len(set(numbers)) == len(numbers):
        return list(entries)
    renumbered = list(entries)
    seen: set[int] = set()
    for index, xml in parts:
        info = renumbered[index][0]
        renumbered[index] = (info, renumber_repeated_drawings(xml, seen).encode("utf-8"))
    return renumbered


def _is_xml_part(name: str) -> bool:
    return name.startswith("word/") and name.endswith(".xml")


# The ends of a bookmark and of an edit-permission range (限制编辑's exception: where anyone may type in a
# protected paper, ``w:permStart``); Word wants their ids unique (each kind's apart; new ones are numbered past
# both) and a bookmark's name too, and keeps `_GoBack` (where the last edit was) in every file it saves.
_RANGE_MARK = re.compile(r"<w:(bookmark|perm)(Start|End)\b[^>]*?/>|<w:(bookmark|perm)(Start|End)\b[^>]*?>\s*</w:\3\4>")
_RANGE_ID = re.compile(r'(\bw:id=")(-?\d+)(")')
_BOOKMARK_NAME = re.compile(r'(\bw:name=")([^"]*)(")')
_LAST_EDIT = "_GoBack"
#: The longest bookmark name Word keeps.
_NAME_LENGTH = 40
# Word 2010's ids of a paragraph, a table row and a drawing: optional, made again by Word when missing.
_WORD_2010_IDS = re.compile(r'\s(?:w14:paraId|w14:textId|wp14:anchorId|wp14:editId)="[^"]*"')


def range_ids(xml: str) -> set[int]:
    """The ids of the bookmarks and edit-permission ranges in a part."""
    return {
        int(number.group(2))
        for found in _RANGE_MARK.finditer(xml)
        if (number := _RANGE_ID.search(found.group(0))) is not None
    }


def with_ranges_paired(xml: str) -> str:
    """``xml`` (a filled part) without the halves of bookmarks and edit-permission ranges whose other half is not
    there: a start with no end after it, an end with no start before it.  Filling leaves such halves where a
    paragraph it takes away held the other one — the ``{%p endfor %}`` paragraph, which prints nothing, a
    ``{%p if %}`` paragraph left out for this household — and Word ignores them, or offers a repair.  A part
    whose ranges all pair up comes back as it is."""
    if "<w:bookmark" not in xml and "<w:perm" not in xml:
        return xml
    started: dict[tuple[str, str], int] = {}  # each range started and not yet ended: where it starts
    unpaired: set[int] = set()
    for found in _RANGE_MARK.finditer(xml):
        kind, edge, number, _ = _mark(found.group(0))
        key = (kind, number or "")
        if edge == "End" and key in started:
            del started[key]
        elif edge == "End" or key in started:  # an end of nothing, or a second start of a range still open
            unpaired.add(found.start())
        else:
            started[key] = found.start()
    unpaired.update(started.values())
    if not unpaired:
        return xml
    return _RANGE_MARK.sub(lambda found: "" if found.start() in unpaired else found.group(0), xml)


@functools.lru_cache(maxsize=2**15)
def _mark(element: str) -> tuple[str, str, str | None, str | None]:
    """What a ``_RANGE_MARK`` element is: ``bookmark`` or ``perm``, ``Start`` or ``End``, its id and the name of the
    bookmark it starts (None: none).  Kept for the elements seen last: a loop's rows print the same ones again."""
    kind = "bookmark" if element.startswith("<w:bookmark") else "perm"
    edge = "Start" if element.startswith("Start", len(kind) + 3) else "End"
    number = _RANGE_ID.search(element)
    name = _BOOKMARK_NAME.search(element) if (kind, edge) == ("bookmark", "Start") else None
    return kind, edge, number.group(2) if number else None, name.group(2) if name else None


def copies_with_unique_ids(copies: Sequence[str], taken: Iterable[int]) -> list[str]:
    """The bodies of a merged print file's copies (one per household, each the same template filled),
    with what Word wants unique in a document made so: Word's `_GoBack` bookmark left out of each, the
    other bookmarks of every copy after the first numbered past ``taken`` (the bookmark and edit-permission
    range ids of every part) and named with the copy's number (``落款_2``), its edit-permission ranges
    numbered so too, and Word 2010's paragraph and drawing ids
    (``w14:paraId`` …, which Word makes again) left out of every copy after the first."""
    numbers = itertools.count(max(taken, default=0) + 1)
    names = {name for copy in copies for found in _RANGE_MARK.finditer(copy) if (name := _mark(found.group(0))[3])}
    renumbered = []
    printed = Counter[str]()
    for index, copy in enumerate(copies):
        renumbered.append(_ranges_of_copy(copy, index + 1, numbers, names, printed))
        printed.update(_printed_as(found) for found in _RANGE_MARK.finditer(copy))
    return [renumbered[0], *(_WORD_2010_IDS.sub("", copy) for copy in renumbered[1:])]


def _ranges_of_copy(copy: str, copy_number: int, numbers: Iterator[int], names: set[str], printed: Counter[str]) -> str:
    """A merged file's copy, or a row a loop printed, with its ranges numbered and named for the copy: see
    ``copies_with_unique_ids``.  In a copy after the first, a range that starts in it and ends outside it (a
    bookmark from a table row to the text under the table), or ends in it and starts outside, is left out
    where ``printed`` (what the copies before it printed: ``_printed_as``) has it already: its one other end
    belongs to the first copy's, and renumbered it would have none."""
    new_ids: dict[tuple[str, str], str] = {}  # by kind (bookmark, perm) and id: each kind numbers its own
    new_names: dict[str, str] = {}
    last_edit: set[tuple[str, str]] = set()
    inside = {
        (kind, edge, number)
        for found in _RANGE_MARK.finditer(copy)
        for kind, edge, number, _ in [_mark(found.group(0))]
        if number is not None
    }

    def rewritten(found: re.Match[str]) -> str:
        element = found.group(0)
        kind, edge, number, name_of = _mark(element)
        old = (kind, number or "")
        other_end_inside = (kind, "End" if edge == "Start" else "Start", old[1]) in inside
        if edge == "Start":
            if name_of == _LAST_EDIT:
                last_edit.add(old)
                return ""
            if copy_number == 1:
                return element
            if not other_end_inside:  # its end is the first copy's, or none: left as it is, or out
                return "" if printed[_printed_as(found)] else element
            new_ids[old] = str(next(numbers))
            if name_of is not None:
                new_names[name_of] = _copy_name(name_of, copy_number, names)
                element = _BOOKMARK_NAME.sub(
                    lambda n: f"{n.group(1)}{new_names[n.group(2)]}{n.group(3)}", element, count=1
                )
        elif old in last_edit:
            return ""
        elif copy_number > 1 and not other_end_inside:  # the end of the first copy's range, or of none
            return "" if printed[_printed_as(found)] else element
        if old in new_ids:
            element = _RANGE_ID.sub(lambda n: f"{n.group(1)}{new_ids[old]}{n.group(3)}", element, count=1)
        return element

    renamed = _RANGE_MARK.sub(rewritten, copy)
    if not new_names:
        return renamed
    # What leads to a bookmark of this copy — a link, a REF or PAGEREF field — leads to this copy's, not the first's.
    renamed = _ANCHOR_ATTRIBUTE.sub(
        lambda a: (
            a.group(0)
            if _after_word(renamed, a.start())
            else f"{a.group(1)}{new_names.get(a.group(2), a.group(2))}{a.group(3)}"
        ),
        renamed,
    )
    return with_fields_renamed(renamed, new_names)


def _after_word(text: str, position: int) -> bool:
    """Whether ``position`` in ``text`` follows a word character (a found attribute name is only the end of another)."""
    return position > 0 and _WORD_CHARACTER.match(text, position - 1) is not None


# The starts and ends of table rows and of paragraphs: a row with no row inside it (a {%tr for %} row prints one per
# item) is a start followed by an end, and so is a paragraph with none inside it (a {%p for %} paragraph).  Found
# so rather than by one pattern that looks for a start at each character of the row: over a table of 2,000 rows
# that search cost more than the fill.  And an element Word 2010 gave an id of its own: a paragraph or a table
# row (``w14:paraId``), a drawing (``wp14:anchorId``).
_INNERMOST_ROW = re.compile(r"<w:tr\b|</w:tr>")
_INNERMOST_PARAGRAPH = re.compile(r"<w:p\b|</w:p>")
_WORD_2010_ELEMENT = re.compile(r'<[\w:]+\s[^>]*?\b(?:w14:paraId|wp14:anchorId)="([^"]*)"[^>]*>')


def loops_with_unique_ids(
    xml: str, taken: Iterable[int], controls: Iterable[int] = (), shapes: Iterable[str] = ()
) -> str:
    """A filled part whose loops printed a table row or a paragraph once per item, with what Word wants unique
    made so: the bookmarks of each later row (or paragraph, outside a table) printing the same bookmark
    numbered past ``taken`` (the other parts' bookmark and edit-permission range ids) and named with the row's
    number (``本行金额_2``), what in that row leads to one of them (a link, a REF or PAGEREF field) following,
    Word's ``_GoBack`` left out of it, and its edit-permission ranges numbered so too; its content controls and
    VML shapes given ids of their own as a merged file's later copies are (``controls``, ``shapes``: the other
    parts' ids); and Word 2010's ids of a paragraph, a row or a drawing printed again (``w14:paraId`` …, which
    Word makes again) left out.
    Renamed rather than dropped, a row's bookmark keeps its own row's field right: dropped, the field of
    every later row would show the first row's text.  A field outside the rows keeps leading to the first.
    A bookmark or an edit-permission range crossing a row's border (from the row to the text under the table,
    or from above the table into the row) is left in the first row only: its one end outside is that row's."""
    for unit in (_INNERMOST_ROW, _INNERMOST_PARAGRAPH):
        xml = _units_with_unique_shapes(_units_with_unique_ranges(xml, taken, unit), controls, shapes, unit)
    return _without_repeated_word_2010_ids(xml)


def _innermost_units(xml: str, unit: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where each element of ``unit`` (``_INNERMOST_ROW`` …) with none of its kind inside it starts and ends."""
    spans, start = [], None
    for found in unit.finditer(xml):
        if found.group(0).startswith("</"):
            if start is not None:
                spans.append((start, found.end()))
            start = None
        else:
            start = found.start()
    return spans


def _each_unit(xml: str, unit: re.Pattern[str], rewrite: Callable[[int, int, str], str]) -> str:
    """``xml`` with each innermost element of ``unit`` replaced by what ``rewrite`` makes of it (its start, its end
    and its text), first to last."""
    pieces, done = [], 0
    for start, end in _innermost_units(xml, unit):
        pieces += [xml[done:start], rewrite(start, end, xml[start:end])]
        done = end
    return "".join(pieces) + xml[done:]


def _units_with_unique_shapes(xml: str, controls: Iterable[int], shapes: Iterable[str], unit: re.Pattern[str]) -> str:
    placed = [(found.start(), f"control {found.group(2)}") for found in _CONTROL_ID.finditer(xml)] + [
        (shape.start(), f"shape {found.group(2)}")
        for shape in _VML_SHAPE.finditer(xml)
        for found in _VML_ID.finditer(shape.group(0))
    ]
    if len({name for _, name in placed}) == len(placed):
        return xml
    new_ids = _NewIds([xml], controls, shapes)
    ids, types = _InOrder(placed), _InOrder((found.start(), found.group(1)) for found in _VML_TYPE.finditer(xml))
    ids_before: set[str] = set()
    defined_before: set[str] = set()  # the shape types defined before the row in hand, or by it

    def row(start: int, end: int, text: str) -> str:
        ids_before.update(ids.before(start))
        defined_before.update(types.before(start))
        if not ids_before.intersection(ids.within(end)):
            return text  # the first row printing them
        return _shapes_of_copy(text, new_ids, defined_before)

    return _each_unit(xml, unit, row)


def _units_with_unique_ranges(xml: str, taken: Iterable[int], unit: re.Pattern[str]) -> str:
    marks = [(found.start(), _printed_as(found)) for found in _RANGE_MARK.finditer(xml)]
    if len({mark for _, mark in marks}) == len(marks):
        return xml
    names = {name for found in _RANGE_MARK.finditer(xml) if (name := _mark(found.group(0))[3]) is not None}
    numbers = itertools.count(max({*taken, *range_ids(xml)}, default=0) + 1)
    in_order = _InOrder(marks)
    printed = Counter[str]()  # how many times each was printed before the row in hand

    def row(start: int, end: int, text: str) -> str:
        printed.update(in_order.before(start))
        before = max((printed[mark] for mark in in_order.within(end)), default=0)
        return _ranges_of_copy(text, before + 1, numbers, names, printed) if before else text

    return _each_unit(xml, unit, row)


def _printed_as(found: re.Match[str]) -> str:
    """What a row (or a merged file's copy) printing the ``_RANGE_MARK`` found prints again: the start of a
    bookmark of its name, the start of an edit-permission range (which has no name) or an end of its id."""
    kind, edge, number, name = _mark(found.group(0))
    if edge == "Start" and name is not None:
        return f"bookmark {name}"
    return f"{kind} {edge} {number or ''}"


class _InOrder:
    """Values found at positions of a part, handed out as the rows (or paragraphs) holding them are visited,
    first to last: what stands before a row, then what stands in it.  Each value is looked at once or twice
    whatever the number of rows — a table of 2,000 rows asking every row about every bookmark took seconds."""

    def __init__(self, placed: Iterable[tuple[int, str]]) -> None:
        self._placed = sorted(placed)
        self._next = 0  # the first value not yet handed out as before a row

    def before(self, position: int) -> list[str]:
        """The values before ``position`` not handed out by an earlier call."""
        start = self._next
        while self._next < len(self._placed) and self._placed[self._next][0] < position:
            self._next += 1
        return [value for _, value in self._placed[start : self._next]]

    def within(self, end: int) -> list[str]:
        """The values from the last ``before``'s position up to ``end``, left to hand out as before the next row."""
        found, index = [], self._next
        while index < len(self._placed) and self._placed[index][0] < end:
            found.append(self._placed[index][1])
            index += 1
        return found


def _without_repeated_word_2010_ids(xml: str) -> str:
    seen: set[str] = set()

    def element(found: re.Match[str]) -> str:
        if found.group(1) in seen:
            return _WORD_2010_IDS.sub("", found.group(0))
        seen.add(found.group(1))
        return found.group(0)

    return _WORD_2010_ELEMENT.sub(element, xml)


#: A link to a bookmark (``<w:hyperlink w:anchor="落款">``), a field's instruction (``<w:instrText> PAGEREF 落款 \h``, or
#: ``<w:fldSimple w:instr="REF 落款">``) and the bookmark such an instruction names: after REF, PAGEREF or NOTEREF,
#: or a link's ``\l`` (``HYPERLINK \l "落款"``, quoted ``&quot;`` in an attribute).
# (Patterns starting with their own first characters, not with a word boundary or a choice of starts, which the regex
# engine tries at every character: over a table of 2,000 rows they cost as much as the fill.)
_ANCHOR_ATTRIBUTE = re.compile(r'(w:anchor=")([^"]*)(")')
_WORD_CHARACTER = re.compile(r"\w")
_FIELD_REFERENCE = re.compile(
    r'(\b(?:REF|PAGEREF|NOTEREF)\s+|\A\s*HYPERLINK\b.*?\\l\s+(?:"|&quot;)?)([^\s\\"<&]+)', re.DOTALL
)
_FIELD_INSTRUCTION = re.compile(r'(\bw:instr=")([^"]*)(")')
#: What a complex field is made of: where it begins, where its result starts and where it ends, and the runs of
#: its instruction between them, which Word may write in several (``REF `` + ``落款`` + `` \h``).
_FIELD_PART = re.compile(
    r'<w:(?:fldChar\b[^>]*?\bw:fldCharType="(begin|separate|end)"'
    r"|(instrText\b[^>]*>)([^<]*)(</w:instrText>)"
    r"|fldSimple\b[^>]*>)"
)


def with_fields_renamed(xml: str, new_names: dict[str, str]) -> str:
    """``xml`` with each field that names a bookmark of ``new_names`` (REF, PAGEREF, NOTEREF, HYPERLINK) naming its new
    name instead, its instruction read whole across the runs Word split it into: the new name is written
    where the old one began, and what the other runs held of it taken out of them."""
    if not new_names:
        return xml
    rewritten: dict[int, tuple[int, str]] = {}  # where an element starts: where it ends, and what it becomes
    open_fields: list[list[re.Match[str]]] = []  # the instruction runs read so far of each field begun
    for found in _FIELD_PART.finditer(xml):
        kind = found.group(1)
        if found.group(0).startswith("<w:fldSimple"):
            simple = _FIELD_INSTRUCTION.sub(
                lambda i: f"{i.group(1)}{_renamed_instruction([i.group(2)], new_names)[0]}{i.group(3)}", found.group(0)
            )
            rewritten[found.start()] = (found.end(), simple)
        elif kind == "begin":
            open_fields.append([])
        elif kind in ("separate", "end") and open_fields:
            runs = open_fields[-1]
            open_fields[-1] = []  # a field's result has no instruction: nothing more is read into it
            if kind == "end":
                open_fields.pop()
            for run, text in zip(runs, _renamed_instruction([run.group(3) for run in runs], new_names), strict=True):
                if text != run.group(3):
                    rewritten[run.start()] = (run.end(), f"{xml[run.start() : run.start(3)]}{text}{run.group(4)}")
        elif kind is None and open_fields:
            open_fields[-1].append(found)
    pieces, done = [], 0
    for start in sorted(rewritten):
        end, text = rewritten[start]
        pieces += [xml[done:start], text]
        done = end
    return "".join(pieces) + xml[done:]


def _renamed_instruction(runs: Sequence[str], new_names: dict[str, str]) -> list[str]:
    """The texts of one field's instruction runs with each bookmark it names renamed by ``new_names``: the new
    name in the run where the old one began, the rest of the old one taken out of the runs after it."""
    if len(runs) == 1:  # the instruction in one run, as Word mostly writes it
        return [_FIELD_REFERENCE.sub(lambda r: f"{r.group(1)}{new_names.get(r.group(2), r.group(2))}", runs[0])]
    whole = "".join(runs)
    owner = [index for index, run in enumerate(runs) for _ in run]  # the run each character of ``whole`` is in
    texts = [""] * len(runs)
    done = 0
    for reference in _FIELD_REFERENCE.finditer(whole):
        start, end = reference.span(2)
        for position in range(done, start):
            texts[owner[position]] += whole[position]
        texts[owner[start]] += new_names.get(reference.group(2), reference.group(2))
        done = end
    for position in range(done, len(whole)):
        texts[owner[position]] += whole[position]
    return texts


def _copy_name(name: str, copy_number: int, names: set[str]) -> str:
    """``name`` for the copy of one household: ``落款_2``, a name no other bookmark has, within Word's length."""
    for attempt in itertools.count():
        suffix = f"_{copy_number}" + (f"_{attempt}" if attempt else "")
        candidate = name[: _NAME_LENGTH - len(suffix)] + suffix
        if candidate not in names:
            names.add(candidate)
            return candidate
    raise AssertionError("unreachable")  # itertools.count() never ends


# A content control's id (``<w:sdtPr><w:id w:val=…>``), a VML shape's (``id``, the name Word shows, and
# ``o:spid``, the number Word keeps for it) and what names a shape: an OLE object, an ActiveX control, a
# connector's rule, a linked text box.  Word wants each unique in the document and repairs a file where
# one repeats, or keeps one control of each id.
_CONTROL_ID = re.compile(r'(<w:id\b[^>]*?\bw:val=")(-?\d+)(")')
_VML_SHAPE = re.compile(r"<v:(?:shape|rect|roundrect|oval|line|polyline|arc|curve|image|group)\b[^>]*>")
_VML_ID = re.compile(r'(\s(?:id|o:spid)=")([^"]*)(")')
_VML_TYPE = re.compile(r'<v:shapetype\b[^>]*?\sid="([^"]*)"[^>]*?(?:/>|>.*?</v:shapetype>)', re.DOTALL)
# (It starts with a character, not a word boundary, which the regex engine tries at every position, and is used
# only where a shape was renumbered: over the copies of a merged file without shapes it cost more than all the
# other id work.)
_SHAPE_REFERENCE = re.compile(r'(\s(?:ShapeID|w:shapeid)="|\sidref="#|mso-next-textbox:#)([^";]*)')
_NUMBERED = re.compile(r"(.*?)(\d*)")
#: The largest content-control id Word reads (a signed 32-bit number).
_LARGEST_CONTROL_ID = 2**31 - 1


def control_ids(xml: str) -> set[int]:
    """The ids of the content controls in a part."""
    return {int(found.group(2)) for found in _CONTROL_ID.finditer(xml)}


def shape_ids(xml: str) -> set[str]:
    """The ids of the VML shapes in a part: each one's ``id`` and ``o:spid``."""
    return {found.group(2) for shape in _VML_SHAPE.finditer(xml) for found in _VML_ID.finditer(shape.group(0))}


def copies_with_unique_shapes(copies: Sequence[str], controls: Iterable[int], shapes: Iterable[str]) -> list[str]:
    """The bodies of a merged print file's copies with the content controls and VML shapes of every copy after
    the first given ids no other has (``controls`` and ``shapes``: the other parts' ids), what names a shape
    in the copy naming its new id.  A shape's new ids keep their form (``_x0000_s1026`` → ``_x0000_s1029``,
    ``文本框 2`` → ``文本框 5``): Word reads a shape's number from its ``o:spid``.  A VML shape type a copy
    defines again is left out: Word defines each once in a document, and the later shapes use it."""
    new_ids = _NewIds(copies, controls, shapes)
    defined_types = {found.group(1) for found in _VML_TYPE.finditer(copies[0])} if copies else set()
    return [*copies[:1], *(_shapes_of_copy(copy, new_ids, defined_types) for copy in copies[1:])]


class _NewIds:
    """New ids for content controls and VML shapes, none of them among those of ``texts``, ``controls`` and
    ``shapes``: a control's the smallest free number, a shape's its own form numbered past the last taken."""

    def __init__(self, texts: Iterable[str], controls: Iterable[int], shapes: Iterable[str]) -> None:
        texts = list(texts)
        taken_controls = set(controls) | {number for text in texts for number in control_ids(text)}
        self._free_controls = (number for number in range(1, _LARGEST_CONTROL_ID) if number not in taken_controls)
        self._last_numbers: dict[str, int] = {}
        for name in set(shapes) | {name for text in texts for name in shape_ids(text)}:
            prefix, digits = _NUMBERED.fullmatch(name).groups()  # type: ignore[union-attr]  # always matches
            self._last_numbers[prefix] = max(self._last_numbers.get(prefix, 0), int(digits or 1))

    def control(self) -> str:
        return str(next(self._free_controls))

    def shape(self, name: str) -> str:
        prefix, _ = _NUMBERED.fullmatch(name).groups()  # type: ignore[union-attr]
        self._last_numbers[prefix] += 1
        return f"{prefix}{self._last_numbers[prefix]}"


def _shapes_of_copy(copy: str, new_ids: _NewIds, defined_types: set[str]) -> str:
    new_controls: dict[str, str] = {}
    new_shapes: dict[str, str] = {}

    def control(found: re.Match[str]) -> str:
        if found.group(2) not in new_controls:
            new_controls[found.group(2)] = new_ids.control()
        return f"{found.group(1)}{new_controls[found.group(2)]}{found.group(3)}"

    def shape_id(found: re.Match[str]) -> str:
        if found.group(2) not in new_shapes:
            new_shapes[found.group(2)] = new_ids.shape(found.group(2))
        return f"{found.group(1)}{new_shapes[found.group(2)]}{found.group(3)}"

    def first_definition(found: re.Match[str]) -> str:
        if found.group(1) in defined_types:
            return ""
        defined_types.add(found.group(1))
        return found.group(0)

    copy = _CONTROL_ID.sub(control, copy)
    copy = _VML_SHAPE.sub(lambda shape: _VML_ID.sub(shape_id, shape.group(0)), copy)
    if new_shapes:
        copy = _SHAPE_REFERENCE.sub(lambda found: found.group(1) + new_shapes.get(found.group(2), found.group(2)), copy)
    return _VML_TYPE.sub(first_definition, copy)
