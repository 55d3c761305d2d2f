"""Templates with limits: each hostile template of issue 20 gives a Chinese message and exit 5, never a hang or exit 70.

A template in ``templates/`` is whatever someone saved there.  Checking, listing and printing it
run under limits (time, loop items, output size, integer size; the package's entry sizes are read
from its directory before anything is inflated), ``{% include %}`` and ``{% import %}`` are
refused, and notices and certificates are filled before the ledger's write lock is taken.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.documents import generated as generated_module
from recordkit.documents.certificates import make_certificate
from recordkit.documents.notices import make_notices, select_recipients
from recordkit.documents.templates.engine import Template, TemplateError
from recordkit.ledger.db import Ledger
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.documents_fixtures import estate, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER
from tests.test_templates import make_docx, texts

TODAY = dt.date(2026, 11, 23)
STOPPED = "，已停止：请检查模板里的循环、乘方和重复，改正后再用"

# (file name, paragraph, the finding / the error line without its template name)
HOSTILE = [
    ("乘方通知", "{{ 3**(10**9) }}", "算出的数字过大" + STOPPED),
    (
        "嵌套循环通知",
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "循环次数超过 100000 次（range() 和嵌套循环合计）" + STOPPED,
    ),
    (
        "大循环通知",
        "{% for i in range(10**9) %}x{% endfor %}",
        "循环次数超过 100000 次（range() 和嵌套循环合计）" + STOPPED,
    ),
    ("重复通知", "{{ 'a' * 3000000000 }}", "填写出的内容超过 5000000 个字符" + STOPPED),
    ("补齐通知", "{{ 'x'.ljust(10**9) }}", "填写出的内容超过 5000000 个字符" + STOPPED),
    (
        "倍增通知",
        "{% set x = '倍' %}" + "{% set x = x ~ x %}" * 40 + "{{ x }}",
        "填写出的内容超过 5000000 个字符" + STOPPED,
    ),
    ("宽度通知", "{{ '%9999999999s' % 业主姓名 }}", "填写出的内容超过 5000000 个字符" + STOPPED),
    ("格式通知", "{{ '{:>9999999999}'.format(业主姓名) }}", "填写出的内容超过 5000000 个字符" + STOPPED),
    (
        "替换通知",  # each step squares the length: 10, 100, 10^4, 10^8 characters
        "{% set ns = namespace(x='aaaaaaaaaa') %}{% for i in range(6) %}{% set ns.x = ns.x.replace('a', ns.x) %}"
        "{% endfor %}{{ ns.x|length }}",
        "填写出的内容超过 5000000 个字符" + STOPPED,
    ),
    (
        "拼接通知",
        "{% set ns = namespace(x=['倍']) %}{% for i in range(40) %}{% set ns.x = [''.join(ns.x)] * 2 %}"
        "{% endfor %}{{ ns.x|length }}",
        "填写出的内容超过 5000000 个字符" + STOPPED,
    ),
    (
        "递归通知",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "的宏调用层数过深（递归），已停止：请检查模板里的宏",
    ),
]
FOREIGN = [
    ("引用通知", "{% include '/etc/passwd' %}", "include"),
    ("导入通知", "{% import '催缴通知书.docx' as other %}", "import"),
    ("继承通知", "{% extends '停水通知.docx' %}", "extends"),
]


def _message(name: str, tail: str) -> str:
    return f"模板“{name}”{tail}"


@pytest.fixture
def imported(run_cli: Any, workspace: Workspace) -> Workspace:
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    return workspace


def _bomb(path: Path) -> Path:
    """A normal-looking template with one entry that inflates to 80 MB (the file itself is ~80 KB)."""
    make_docx(path, "尊敬的{{ 业主姓名 }}业主：")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package, package.open("word/media/image9.png", "w") as out:
        chunk = bytes(1024 * 1024)
        for _ in range(80):
            out.write(chunk)
    return path


@pytest.mark.parametrize(("name", "paragraph", "tail"), HOSTILE)
def test_check_stops_a_template_that_would_never_finish(
    run_cli: Any, imported: Workspace, name: str, paragraph: str, tail: str
) -> None:
    path = make_docx(imported.templates_dir / f"{name}.docx", "尊敬的{{ 业主姓名 }}业主：", paragraph)
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    # The paragraph named beside it (its first 80 characters), as every paragraph stopping the trial fill is.
    assert f"[错误] 正文段落“{paragraph[:80]}”：{_message(name, tail)}" in result.stdout.splitlines()
    assert result.stderr.strip() == f"错误：模板“{name}”未通过检查：1 处错误，改正后再用"


@pytest.mark.parametrize(("name", "paragraph", "tail"), HOSTILE)
def test_printing_a_hostile_template_stops_with_a_message(
    run_cli: Any, imported: Workspace, name: str, paragraph: str, tail: str
) -> None:
    make_docx(imported.templates_dir / f"{name}.docx", "尊敬的{{ 业主姓名 }}业主：", paragraph)
    result = run_cli("notice", "make", name, "--unit", "1-1-101")
    assert result.exit_code == 5
    assert result.stderr.strip() == f"错误：{_message(name, tail)}"
    assert [p for p in imported.records_subdir("generated").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(("name", "paragraph", "tag"), FOREIGN)
def test_include_import_and_extends_are_refused(
    run_cli: Any, imported: Workspace, name: str, paragraph: str, tag: str
) -> None:
    path = make_docx(imported.templates_dir / f"{name}.docx", "第一段", paragraph)
    expected = f"模板“{name}”的正文段落“{paragraph}”用了 {{% {tag} %}}：模板不能引用其他文件，已拒绝"
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    assert f"[错误] {expected}" in result.stdout.splitlines()
    printed = run_cli("notice", "make", name, "--unit", "1-1-101")
    assert (printed.exit_code, printed.stderr.strip()) == (5, f"错误：{expected}")


@pytest.mark.parametrize(
    "paragraph",
    [
        "{{ 业主姓名|attr('__cla' ~ 'ss__') }}",
        "{% set name = '__cla' ~ 'ss__' %}{{ 业主姓名[name] }}",
    ],
)
def test_an_attribute_put_together_while_filling_is_found_by_the_check(
    run_cli: Any, imported: Workspace, paragraph: str
) -> None:
    # Printing refused it and said "请运行 recordkit templates check 查看是哪一段"; the check said 检查通过.
    path = make_docx(imported.templates_dir / "拼接属性通知.docx", "尊敬的{{ 业主姓名 }}业主：", paragraph)
    expected = (
        f"模板“拼接属性通知”的正文段落“{paragraph}”访问“__class__”，模板沙箱不允许，已拒绝：模板里只能使用普通变量"
    )
    checked = run_cli("templates", "check", str(path))
    assert checked.exit_code == 5, checked.output
    assert f"[错误] {expected}" in checked.stdout.splitlines()
    printed = run_cli("notice", "make", "拼接属性通知", "--unit", "1-1-101")
    assert (printed.exit_code, printed.stderr.strip()) == (5, f"错误：{expected}")
    assert [p for p in imported.records_subdir("generated").rglob("*") if p.is_file()] == []


def test_an_if_closed_outside_its_table_is_refused_not_printed_damaged(run_cli: Any, imported: Workspace) -> None:
    # {% if %} in a table cell, {% endif %} in a paragraph after the table: where the condition is
    # false the table was cut apart, and the .docx (exit 0) could not be opened by Word.
    from docx import Document

    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{% if 房号 == '3-2-1201' %}特别提示"
    table.cell(0, 1).text = "右格"
    document.add_paragraph("{% endif %}此致")
    path = imported.templates_dir / "跨表格通知.docx"
    document.save(str(path))
    expected = (
        "模板“跨表格通知”的正文填写后不是完整的 Word 文档（某个 {% if %} 或 {% for %} 与它的 {% endif %}、"
        "{% endfor %} 不在同一段落或同一个表格格子里，填写时把段落或表格拆坏了），已拒绝：请把开始和结束写在同一段落里；"
        "要整段或整行表格重复或省略时，用 {%p if … %} 或 {%tr for … %}"
    )
    checked = run_cli("templates", "check", str(path))
    assert checked.exit_code == 5, checked.output
    assert f"[错误] {expected}" in checked.stdout.splitlines()
    printed = run_cli("notice", "make", "跨表格通知", "--all")  # 1-1-101's condition is false
    assert (printed.exit_code, printed.stderr.strip()) == (5, f"错误：{expected}")
    assert [p for p in imported.records_subdir("generated").rglob("*") if p.is_file()] == []


def test_a_template_whose_text_is_damaged_says_so(run_cli: Any, imported: Workspace) -> None:
    # A .docx whose word/document.xml is not XML at all: said as damaged, not blamed on {% if %}.
    path = make_docx(imported.templates_dir / "损坏通知.docx", "尊敬的{{ 业主姓名 }}业主：")
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            package.writestr(info, b"\x00\x01<w:p>{{ x }}" if info.filename == "word/document.xml" else data)
    expected = (
        "模板“损坏通知”的正文已损坏（不是完整的 XML），不是有效的 Word 文档。请用 Word/WPS 打开后另存为 .docx 格式"
    )
    checked = run_cli("templates", "check", str(path))
    assert checked.exit_code == 5, checked.output
    assert f"[错误] {expected}" in checked.stdout.splitlines()
    printed = run_cli("notice", "make", "损坏通知", "--unit", "1-1-101")
    assert (printed.exit_code, printed.stderr.strip()) == (5, f"错误：{expected}")


def test_lipsum_is_not_there(run_cli: Any, imported: Workspace) -> None:
    path = make_docx(imported.templates_dir / "出门条.docx", "{{ lipsum(n=10**9) }}")
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    assert any(
        line.startswith("[错误] 正文段落“{{ lipsum(n=10**9) }}”：变量“lipsum”recordkit 不提供")
        for line in result.stdout.splitlines()
    )


def test_a_zip_bomb_is_refused_before_it_is_inflated(run_cli: Any, imported: Workspace) -> None:
    path = _bomb(imported.templates_dir / "炸弹通知.docx")
    assert path.stat().st_size < 1024 * 1024
    expected = "模板“炸弹通知”里的 word/media/image9.png 解压后有 80 MB，超过上限 64 MB，不像是正常的 Word 模板，已拒绝"
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    assert f"[错误] {expected}" in result.stdout.splitlines()
    with pytest.raises(TemplateError) as caught:
        Template.load(path)
    assert caught.value.message == expected


def test_list_shows_hostile_templates_without_hanging(run_cli: Any, imported: Workspace) -> None:
    for name, paragraph, _tail in HOSTILE:
        make_docx(imported.templates_dir / f"{name}.docx", paragraph)
    _bomb(imported.templates_dir / "炸弹通知.docx")
    result = run_cli("templates", "list", "--json")
    assert result.exit_code == 0
    import json

    listed = {info["name"] for info in json.loads(result.stdout)}
    assert {name for name, _p, _t in HOSTILE} | {"炸弹通知"} <= listed


def test_list_skips_a_folder_or_a_broken_link_named_docx(run_cli: Any, imported: Workspace) -> None:
    # Each made `templates list` stop with exit 70 (an internal error).
    folder = imported.templates_dir
    folder.mkdir(exist_ok=True)
    (folder / "旧模板.docx").mkdir()
    (folder / "已删除.docx").symlink_to(folder / "不存在.docx")
    make_docx(folder / "燃气检修通知.docx", "{{ 称呼 }}：{{ 检修时间 }}")
    result = run_cli("templates", "list", "--json")
    assert result.exit_code == 0, result.output
    office = [info["name"] for info in json.loads(result.stdout) if info["origin"] == "本处"]
    assert office == ["燃气检修通知"]
    assert run_cli("templates", "list").exit_code == 0


def test_a_normal_template_fills_as_before_under_the_limits(run_cli: Any, imported: Workspace) -> None:
    rows = "{% for i in range(3) %}第{{ i + 1 }}行{% endfor %}{{ 2**10 }}{{ '-' * 5 }}"
    make_docx(imported.templates_dir / "正常通知.docx", "尊敬的{{ 业主姓名 }}业主：", rows)
    result = run_cli("notice", "make", "正常通知", "--unit", "1-1-101")
    assert result.exit_code == 0, result.stderr
    from docx import Document

    (paper,) = list(imported.records_subdir("generated").rglob("*.docx"))
    assert [p.text for p in Document(str(paper)).paragraphs] == ["尊敬的张伟业主：", "第1行第2行第3行1024-----"]


def test_notices_and_certificates_are_filled_outside_the_write_lock(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside: list[bool] = []
    holding = [False]
    real_write, real_render = estate.write, Template.render_bytes

    @contextmanager
    def write() -> Iterator[Any]:
        holding[0] = True
        try:
            with real_write() as conn:
                yield conn
        finally:
            holding[0] = False

    def render(self: Template, context: Any) -> bytes:
        inside.append(holding[0])
        return real_render(self, context)

    monkeypatch.setattr(estate, "write", write)
    monkeypatch.setattr(Template, "render_bytes", render)
    recipients = select_recipients(estate, everyone=True)
    values = {"停水时间": "12月5日8:00", "恢复时间": "12月5日18:00", "停水范围": "全小区", "停水原因": "维修"}
    make_notices(ws, estate, "停水通知", recipients, values, CASHIER, today=TODAY)
    make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", today=TODAY)
    # One fill for the notices, one for the certificate (its number put in later, under the lock,
    # without filling the template again): none of them while the write lock is held.
    assert inside == [False, False]
    assert generated_module.PENDING_FOLDER  # papers still wait for the commit to be published


def test_a_loop_no_hook_sees_is_stopped_by_the_clock(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordkit.documents.templates import limits

    monkeypatch.setattr(limits, "LIMITS", limits.TemplateLimits(seconds=1.0))
    long_loop = "{% for a in 业主姓名 * 20000 %}{% for b in 业主姓名 * 20000 %}{% endfor %}{% endfor %}"
    path = make_docx(imported.templates_dir / "慢通知.docx", "尊敬的{{ 业主姓名 }}业主：", long_loop)
    expected = "模板“慢通知”填写超过 1 秒仍未完成" + STOPPED
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    assert f"[错误] 正文段落“{long_loop}”：{expected}" in result.stdout.splitlines()
    printed = run_cli("notice", "make", "慢通知", "--unit", "1-1-101")
    assert (printed.exit_code, printed.stderr.strip()) == (5, f"错误：{expected}")


def test_the_clock_stops_a_loop_off_the_main_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fill in a worker thread (a web request) has no alarm: every loop item checks the clock."""
    import threading

    from recordkit.documents.templates import limits

    monkeypatch.setattr(limits, "LIMITS", limits.TemplateLimits(seconds=1.0))
    long_loop = "{% for a in 业主姓名 * 20000 %}{% for b in 业主姓名 * 20000 %}{% endfor %}{% endfor %}"
    template = Template.load(make_docx(tmp_path / "慢通知.docx", long_loop))
    outcome: list[str] = []

    def fill() -> None:
        try:
            template.render_bytes({"业主姓名": "张伟"})
            outcome.append("filled")
        except TemplateError as err:
            outcome.append(err.message)

    worker = threading.Thread(target=fill)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the fill ran on past its time limit"
    assert outcome == ["模板“慢通知”填写超过 1 秒仍未完成" + STOPPED]


def test_loops_over_values_still_fill_as_before(tmp_path: Path) -> None:
    rows = "{% for row in 明细 %}{{ loop.index }}/{{ loop.length }} {{ row }}；{% else %}无{% endfor %}"
    template = Template.load(make_docx(tmp_path / "明细.docx", rows))
    filled = tmp_path / "filled.docx"
    filled.write_bytes(template.render_bytes({"明细": ["物业费", "停车费"]}))
    assert texts(filled) == ["1/2 物业费；2/2 停车费；"]
    filled.write_bytes(template.render_bytes({"明细": []}))
    assert texts(filled) == ["无"]


def test_the_check_names_every_paragraph_that_would_stop_a_fill_not_only_the_first(
    run_cli: Any, imported: Workspace
) -> None:
    # The check's trial fill stopped at the first paragraph it could not fill and said only that one: the clerk
    # corrected it, checked again, and found the next, one run of `templates check` per mistake.
    paragraphs = [
        "尊敬的{{ 业主姓名 }}业主：",
        "检修日期：{{ 业主姓名|map('中文日其')|join('、') }}",  # a filter named wrong
        "每户：{{ 业主姓名 / 2 }}",  # fails on the stand-in only (text / 2): not told, and the trial goes on
        "联系人：{{ 业主姓名.upper }}",  # a method printed, not text
        "{% for i in range(10**9) %}x{% endfor %}",  # a loop over the limit
        "物业服务中心",
    ]
    path = make_docx(imported.templates_dir / "检修通知.docx", *paragraphs)
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    errors = [line for line in result.stdout.splitlines() if line.startswith("[错误]")]
    assert errors == [
        f"[错误] 模板“检修通知”的正文段落“{paragraphs[1]}”无法填写：没有名为“中文日其”的过滤器（| 后面的名字写错了，"
        "是不是“中文日期”？）",
        f"[错误] 模板“检修通知”的正文段落“{paragraphs[3]}”印出的是程序内部的对象（builtin_function_or_method），不是文字，"
        "已拒绝：请改正这一段（列表要用 |join('、') 连成文字，方法要加括号调用）",
        f"[错误] 正文段落“{paragraphs[4]}”：{_message('检修通知', '循环次数超过 100000 次（range() 和嵌套循环合计）' + STOPPED)}",
    ]
    assert result.stderr.strip() == "错误：模板“检修通知”未通过检查：3 处错误，改正后再用"
