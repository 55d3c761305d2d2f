"""Search benchmark: accuracy and speed of recordkit's Chinese index against Whoosh's StandardAnalyzer
(and Tantivy on the same tokens when the ``tantivy`` package is installed), in the same run.

Generates ``--docs`` Chinese documents of about 1,200 characters (property-office vocabulary, owners'
names, unit codes and dates in several spellings, 档号) as archive items with files and derived text
in a real workspace, then measures through the library as the commands use it:

- the full build (``update_index(rebuild=True)``: catalogue, stored text, tokens, Whoosh) in docs/s;
- a nightly run with nothing changed, and adding 100 items;
- per query group (whole words, part-words, names, single characters, unit codes in another spelling,
  档号, dates in the other spelling, full-width codes): recall and precision of the top 20 against
  the ground truth "the folded text contains the query" (unit codes and dates: the generator's record
  of what it wrote, in any spelling), and query p50/p95/max;
- ``recordkit search`` in a new process.

    python benchmarks/bench_search.py                 # 20,000 documents
    python benchmarks/bench_search.py --docs 2000     # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from recordkit.core.workspace import init_workspace, open_workspace
from recordkit.ledger.db import open_ledger
from recordkit.search.indexer import update_index
from recordkit.search.query import search
from recordkit.search.text import fold, term_pattern

WORDS = [
    "电梯",
    "维修",
    "保养",
    "物业",
    "服务",
    "业主",
    "装修",
    "协议",
    "消防",
    "巡检",
    "水泵",
    "绿化",
    "停车",
    "收费",
    "押金",
    "验收",
    "整改",
    "通知",
    "管道",
    "漏水",
    "供暖",
    "门禁",
    "监控",
    "垃圾",
    "清运",
    "公共",
    "区域",
    "照明",
    "楼道",
    "外墙",
    "防水",
    "屋面",
    "配电",
    "设备",
    "维保",
    "记录",
    "检查",
    "合格",
    "更换",
    "钢丝绳",
    "曳引机",
    "控制柜",
    "安全",
    "隐患",
    "处理",
    "完成",
    "签字",
    "确认",
    "住户",
    "投诉",
    "报修",
    "回访",
    "满意",
    "物业费",
    "水费",
    "电费",
    "燃气",
    "管网",
    "阀门",
    "井盖",
    "化粪池",
    "排污",
    "雨水",
    "地下室",
    "车库",
    "道闸",
    "岗亭",
    "保安",
    "保洁",
    "客服",
    "前台",
    "档案",
    "借阅",
    "归还",
    "合同",
    "发票",
    "收据",
    "台账",
    "审批",
    "申请",
    "登记",
    "备案",
    "图纸",
    "竣工",
    "资料",
    "说明书",
    "监理",
    "施工",
    "单位",
    "材料",
    "进场",
    "卫生间",
    "厨房",
    "阳台",
    "承重墙",
    "开槽",
    "电路",
    "水路",
    "吊顶",
    "瓷砖",
    "地板",
    "门窗",
    "空调",
    "外机",
    "噪音",
    "粉尘",
    "电梯轿厢",
    "应急",
    "演练",
    "灭火器",
    "消火栓",
    "喷淋",
    "烟感",
    "报警",
    "联动",
    "测试",
    "年检",
    "检测",
    "报告",
    "整改单",
    "复查",
    "通过",
    "限期",
    "罚款",
    "赔偿",
]
RARE = ["曳引轮", "限速器", "缓冲器", "对重块", "安全钳", "导靴", "层门锁", "平层", "补偿链", "随行电缆"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕建国志强海波鹏飞宇浩然子轩梓涵一诺欣怡"
CATEGORIES = (("工程档案", "GC"), ("业主档案", "YZ"), ("合同协议档案", "HT"), ("财务档案", "CW"))
TITLES = ("电梯维保记录", "装修协议", "消防检查记录", "收费台账", "设备说明书", "整改通知", "巡检记录", "竣工资料")
GROUPS = ("整词", "词的一部分", "姓名", "单字", "房号（换写法）", "档号", "日期（换写法）", "全角编号")


def unit_spellings(building: int, entrance: int, room: int) -> list[str]:
    return [
        f"{building}-{entrance}-{room}",
        f"{building}栋{entrance}单元{room}",
        f"{building}#{entrance}-{room}",
        f"{building}号楼{entrance}单元{room}室",
    ]


def date_spellings(day: dt.date) -> list[str]:
    return [
        f"{day.year}年{day.month}月{day.day}日",
        day.isoformat(),
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
    ]


@dataclass
class Corpus:
    texts: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # canonical unit of the item
    numbers: list[str] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)
    unit_truth: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    date_truth: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    names: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def generate(count: int, seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    names = sorted(
        {rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) for _ in range(600)}
    )
    corpus = Corpus(names=names)
    seqs: dict[tuple[str, int], int] = defaultdict(int)
    for index in range(count):
        category = rng.choice(CATEGORIES)
        day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        seqs[(category[1], day.year)] += 1
        number = f"{category[1]}-{day.year}-{seqs[(category[1], day.year)]:05d}"
        unit = (rng.randint(1, 12), rng.randint(1, 4), rng.choice((101, 202, 301, 502, 801, 1201, 1502, 2101)))
        canonical = "-".join(map(str, unit))
        corpus.unit_truth[canonical].add(index)
        corpus.date_truth[day.isoformat()].add(index)
        parts: list[str] = []
        length = 0
        while length < 1200:
            roll = rng.random()
            if roll < 0.04:
                piece = f"业主{rng.choice(names)}于"
            elif roll < 0.07:
                other = (rng.randint(1, 12), rng.randint(1, 4), rng.choice((101, 202, 301, 502, 801, 1201, 1502, 2101)))
                corpus.unit_truth["-".join(map(str, other))].add(index)
                piece = "房号" + rng.choice(unit_spellings(*other)) + "，"
            elif roll < 0.09:
                other_day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(3000))
                corpus.date_truth[other_day.isoformat()].add(index)
                piece = "日期" + rng.choice(date_spellings(other_day)) + "，"
            elif roll < 0.10:
                piece = f"参见档号{rng.choice(('GC', 'YZ', 'HT', 'CW'))}-{rng.randint(2018, 2026)}-{rng.randint(1, 3000):05d}。"
            elif roll < 0.105:
                code = f"{rng.choice('ABCDEFGH')}{rng.choice('KMNPQR')}{rng.randint(10, 99)}"
                corpus.codes.append(code)
                piece = f"设备编号{code}，"
            elif roll < 0.11:
                piece = rng.choice(RARE)
            else:
                piece = rng.choice(WORDS)
            if rng.random() < 0.12:
                piece += rng.choice("，。、；")
            parts.append(piece)
            length += len(piece)
        corpus.texts.append("".join(parts))
        corpus.titles.append(f"{rng.choice(unit_spellings(*unit))} {rng.choice(TITLES)}")
        corpus.dates.append(day)
        corpus.units.append(canonical)
        corpus.numbers.append(number)
        corpus.categories.append(category)
    return corpus


def make_workspace(folder: Path, corpus: Corpus, start: int, stop: int, root: Path | None = None) -> Path:
    """Archive items ``start..stop`` of the corpus: files, catalogue rows and derived text, as filing leaves them."""
    import sqlalchemy as sa

    from recordkit.archive.extract import ItemText, PageText, text_path
    from recordkit.ledger.schema import archive_items

    root = root or init_workspace(folder / "ws")
    workspace = open_workspace(root, environ={})
    rows = []
    for index in range(start, stop):
        category, prefix = corpus.categories[index]
        number, day = corpus.numbers[index], corpus.dates[index]
        title = corpus.titles[index].split(" ", 1)[1]
        relative = f"records/archive/{category}/{day.year}/{number}_{title}.txt"
        data = corpus.texts[index].encode("utf-8")
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        text = ItemText(sha, (PageText(1, corpus.texts[index], "text", None),))
        stored = text_path(workspace, sha)
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(json.dumps(text.to_dict(), ensure_ascii=False), encoding="utf-8")
        rows.append(
            {
                "archive_no": number,
                "prefix": prefix,
                "year": day.year,
                "seq": int(number[-5:]),
                "category": category,
                "unit": corpus.units[index],
                "title": corpus.titles[index],
                "topic": None,
                "doc_date": day,
                "pages": 1,
                "size": len(data),
                "sha256": sha,
                "path": relative,
                "original_name": f"{corpus.titles[index]}_{day:%Y%m%d}.pdf",
                "source": "inbox",
                "source_mtime_ns": 0,
                "retention": "永久",
                "box": None,
                "shelf": None,
                "confidential": False,
                "needs_review": False,
                "review_reasons": "[]",
                "note": None,
                "filed_by": "档案员",
                "filed_at": "2026-11-02T09:00:00+08:00",
            }
        )
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(sa.insert(archive_items), rows)
    return root


def queries(corpus: Corpus, rng: random.Random, per_group: int) -> list[tuple[str, str, str | None]]:
    """(group, query, canonical truth key) triples."""
    chosen: list[tuple[str, str, str | None]] = []
    words = [w for w in WORDS if len(w) >= 2]
    chosen += [
        ("整词", word, None)
        for word in rng.sample(words, per_group // 2)
        + rng.sample(RARE, 5)
        + ["电梯维修", "维修保养", "检查记录", "设备维保"][: per_group // 2]
    ]
    for _ in range(per_group):
        text = corpus.texts[rng.randrange(len(corpus.texts))]
        start = rng.randrange(len(text) - 6)
        piece = "".join(c for c in text[start : start + rng.choice((2, 3, 4))])
        if all("\u4e00" <= c <= "\u9fff" for c in piece):
            chosen.append(("词的一部分", piece, None))
    chosen += [("姓名", name, None) for name in rng.sample(corpus.names, per_group)]
    chosen += [("姓名", f"业主{name}于", None) for name in rng.sample(corpus.names, 5)]
    chosen += [("单字", char, None) for char in rng.sample("梯修护阀钳霞伟楼档票", 10)]
    for unit in rng.sample(sorted(corpus.unit_truth), per_group):
        building, entrance, room = map(int, unit.split("-"))
        chosen.append(("房号（换写法）", rng.choice(unit_spellings(building, entrance, room)[1:]), "u:" + unit))
    chosen += [("档号", number, None) for number in rng.sample(corpus.numbers, per_group)]
    for day in rng.sample(sorted(corpus.date_truth), per_group):
        spelled = date_spellings(dt.date.fromisoformat(day))
        chosen.append(("日期（换写法）", rng.choice([spelled[0], spelled[1], spelled[3]]), "d:" + day))
    for code in rng.sample(sorted(set(corpus.codes)), min(per_group, len(set(corpus.codes)))):
        chosen.append(("全角编号", code.translate({ord(c): ord(c) + 0xFEE0 for c in code}), None))
    return chosen


def truth_for(query: str, key: str | None, corpus: Corpus, folded: list[str]) -> set[int]:
    if key is not None:
        table = corpus.unit_truth if key.startswith("u:") else corpus.date_truth
        found = set(table.get(key[2:], set()))
        if key.startswith("d:"):
            found |= {i for i, day in enumerate(corpus.dates) if day.isoformat() == key[2:]}
        return found
    pattern = term_pattern(fold(query))
    return {i for i, text in enumerate(folded) if pattern.search(text)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def evaluate(
    run: Callable[[str], list[int]], items: list[tuple[str, str, str | None]], truths: list[set[int]]
) -> tuple[dict[str, tuple[float, float]], list[float]]:
    per_group: dict[str, list[tuple[float, float]]] = defaultdict(list)
    timings = []
    for (group, query, _), truth in zip(items, truths, strict=True):
        started = time.perf_counter()
        found = run(query)
        timings.append(time.perf_counter() - started)
        hit = len(set(found) & truth)
        recall = hit / min(len(truth), 20) if truth else 1.0
        precision = hit / len(found) if found else (1.0 if not truth else 0.0)
        per_group[group].append((recall, precision))
    return (
        {
            group: (statistics.mean(r for r, _ in values), statistics.mean(p for _, p in values))
            for group, values in per_group.items()
        },
        timings,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--per-group", type=int, default=30)
    args = parser.parse_args()
    console = Console(width=160)
    corpus = generate(args.docs + 100)
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        root = make_workspace(folder, corpus, 0, args.docs)
        workspace = open_workspace(root, environ={})
        with open_ledger(workspace.database_url) as ledger:
            started = time.perf_counter()
            built = update_index(workspace, ledger, rebuild=True)
            build_seconds = time.perf_counter() - started
            nightly = update_index(workspace, ledger)
            make_workspace(folder, corpus, args.docs, args.docs + 100, root)
            add_report = update_index(workspace, ledger)
        assert built.added == args.docs and nightly.unchanged == args.docs and add_report.added == 100
        index_mb = sum(p.stat().st_size for p in (root / "records/index/whoosh").iterdir()) / 1e6
        number_of = {number: i for i, number in enumerate(corpus.numbers)}
        # What the index holds of each item, folded: the ground truth is searched in the same text.
        meta = [
            f"{corpus.numbers[i]}\n{corpus.titles[i]}\n{corpus.categories[i][0]}\n{corpus.units[i]}\n"
            f"{corpus.dates[i].isoformat()}\n{corpus.titles[i]}_{corpus.dates[i]:%Y%m%d}.pdf\n"
            f"records/archive/{corpus.categories[i][0]}/{corpus.dates[i].year}/{corpus.numbers[i]}_"
            f"{corpus.titles[i].split(' ', 1)[1]}.txt"
            for i in range(args.docs + 100)
        ]
        folded = [fold(meta[i] + "\n" + corpus.texts[i]) for i in range(args.docs + 100)]
        rng = random.Random(11)
        items = queries(corpus, rng, args.per_group)
        truths = [truth_for(query, key, corpus, folded) for _, query, key in items]
        for index, (_, _, key) in enumerate(items):  # an item's own unit and date are in its metadata too
            if key:
                own = corpus.units if key.startswith("u:") else [d.isoformat() for d in corpus.dates]
                truths[index] |= {i for i, value in enumerate(own) if value == key[2:]}
        search(workspace, "电梯")  # warm the OS cache once, as an office server is warm

        def ours(query: str) -> list[int]:
            return [number_of[hit.archive_no] for hit in search(workspace, query, limit=20).hits]

        our_groups, our_times = evaluate(ours, items, truths)
        baseline_groups, baseline_times, baseline_rate = standard_analyzer(folder, corpus, meta, items, truths)
        tantivy = tantivy_same_tokens(corpus, meta, items, truths)
        fresh = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).with_name("recordkit")), "-w", str(root), "search", "电梯维修"],
                capture_output=True,
                check=True,
            )
            fresh.append(time.perf_counter() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    table = Table(title=f"检索准确度：{args.docs:,} 篇约 1,200 字的文件，每组前 20 条（召回率 / 准确率）")
    table.add_column("检索词组")
    table.add_column("条数", justify="right")
    table.add_column("recordkit（二元组 + 核对原文）", justify="right")
    table.add_column("Whoosh StandardAnalyzer", justify="right")
    if tantivy:
        table.add_column("Tantivy 同样的词元（不核对）", justify="right")
    counts = defaultdict(int)
    for group, _, _ in items:
        counts[group] += 1
    for group in GROUPS:
        if group not in our_groups:
            continue
        row = [
            group,
            str(counts[group]),
            "{:.3f} / {:.3f}".format(*our_groups[group]),
            "{:.3f} / {:.3f}".format(*baseline_groups[group]),
        ]
        if tantivy:
            row.append("{:.3f} / {:.3f}".format(*tantivy[0][group]))
        table.add_row(*row)
    console.print(table)

    speed = Table(title="速度（2 核的机器）")
    speed.add_column("项目")
    speed.add_column("recordkit", justify="right")
    speed.add_column("StandardAnalyzer", justify="right")
    if tantivy:
        speed.add_column("Tantivy", justify="right")
    ms = 1000.0
    rows = [
        ("全量建索引（篇/秒）", f"{args.docs / build_seconds:,.0f}", f"{baseline_rate:,.0f}"),
        ("索引大小", f"{index_mb:,.0f} MB", ""),
        ("新增 100 件（recordkit index）", f"{add_report.seconds:.2f} 秒", ""),
        (f"夜间任务，{args.docs:,} 件均无变化", f"{nightly.seconds:.2f} 秒", ""),
        ("检索 p50", f"{statistics.median(our_times) * ms:.1f} ms", f"{statistics.median(baseline_times) * ms:.1f} ms"),
        ("检索 p95", f"{pct(our_times, 0.95) * ms:.1f} ms", f"{pct(baseline_times, 0.95) * ms:.1f} ms"),
        ("检索最慢", f"{max(our_times) * ms:.1f} ms", f"{max(baseline_times) * ms:.1f} ms"),
        ("新进程运行 recordkit search（中位数）", f"{statistics.median(fresh):.2f} 秒", ""),
    ]
    for label, mine, base in rows:
        row = [label, mine, base]
        if tantivy:
            extra = ""
            if label.startswith("全量"):
                extra = f"{tantivy[2]:,.0f}"
            elif label == "检索 p50":
                extra = f"{statistics.median(tantivy[1]) * ms:.2f} ms"
            elif label == "检索 p95":
                extra = f"{pct(tantivy[1], 0.95) * ms:.2f} ms（recordkit 的 {pct(our_times, 0.95) / pct(tantivy[1], 0.95):.0f} 倍）"
            elif label == "检索最慢":
                extra = f"{max(tantivy[1]) * ms:.2f} ms"
            row.append(extra)
        speed.add_row(*row)
    console.print(speed)


def standard_analyzer(
    folder: Path, corpus: Corpus, meta: list[str], items: list[tuple[str, str, str | None]], truths: list[set[int]]
) -> tuple[dict[str, tuple[float, float]], list[float], float]:
    """The naive baseline: Whoosh's StandardAnalyzer on the same text, its QueryParser, top 20."""
    from whoosh import fields, index
    from whoosh.analysis import StandardAnalyzer
    from whoosh.qparser import QueryParser

    schema = fields.Schema(n=fields.NUMERIC(stored=True), body=fields.TEXT(analyzer=StandardAnalyzer()))
    where = folder / "standard"
    where.mkdir()
    ix = index.create_in(str(where), schema)
    count = len(corpus.texts) - 100
    started = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for i in range(count):
        writer.add_document(n=i, body=meta[i] + "\n" + corpus.texts[i])
    writer.commit()
    rate = count / (time.perf_counter() - started)
    parser = QueryParser("body", schema)
    with ix.searcher() as searcher:

        def run(query: str) -> list[int]:
            return [hit["n"] for hit in searcher.search(parser.parse(query), limit=20)]

        groups, timings = evaluate(run, items, [{i for i in truth if i < count} for truth in truths])
    return groups, timings, rate


def tantivy_same_tokens(
    corpus: Corpus, meta: list[str], items: list[tuple[str, str, str | None]], truths: list[set[int]]
) -> tuple[dict[str, tuple[float, float]], list[float], float] | None:
    """Tantivy with recordkit's own tokens (AND of a term's tokens, BM25 top 20, no check of the text)."""
    try:
        import tantivy
    except ImportError:
        return None
    from recordkit.search.query import make_term
    from recordkit.search.text import token_set

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("tok", stored=False, tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("n", stored=True, indexed=False, fast=True)
    schema = builder.build()
    ix = tantivy.Index(schema)
    count = len(corpus.texts) - 100
    started = time.perf_counter()
    writer = ix.writer(heap_size=200_000_000, num_threads=1)
    for i in range(count):
        tokens = token_set(fold(meta[i] + "\n" + corpus.texts[i]))
        writer.add_document(tantivy.Document(n=i, tok=" ".join(tokens)))
    writer.commit()
    ix.reload()
    rate = count / (time.perf_counter() - started)
    searcher = ix.searcher()

    def run(query: str) -> list[int]:
        term = make_term(query)
        q = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "tok", token)) for token in term.tokens]
        )
        return [searcher.doc(address)["n"][0] for _, address in searcher.search(q, 20).hits]

    groups, timings = evaluate(run, items, [{i for i in truth if i < count} for truth in truths])
    return groups, timings, rate


if __name__ == "__main__":
    main()
