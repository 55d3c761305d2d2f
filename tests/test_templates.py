"""The template engine: filling, Word's split placeholders, the sandbox, merging, overrides."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from recordkit.core.errors import NotFoundError
from recordkit.documents.templates.build import build_all, main
from recordkit.documents.templates.checks import check_template
from recordkit.documents.templates.designs import all_designs, provided_variables
from recordkit.documents.templates.engine import (
    BUILTIN_DIR,
    ORIGIN_BUILTIN,
    ORIGIN_OFFICE,
    Template,
    TemplateError,
    TemplateLibrary,
    chinese_date,
)

WATER = {
    "物业服务中心": "幸福里物业服务中心",
    "小区": "幸福里小区",
    "物业电话": "",
    "日期": "2026年11月23日",
    "业主姓名": "张伟",
    "房号": "3-2-1201",
    "楼栋": "3",
    "称呼": "尊敬的张伟业主",
    "停水原因": "二次供水管网维修",
    "停水范围": "3栋",
    "停水时间": "11月25日8:00",
    "恢复时间": "当日18:00",
}


def texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def loop_table(document: Any, *cells: str) -> Any:
    """A ``{%tr for 行 in 明细 %}`` table added to ``document``: its opening row, one row of ``cells`` printed once per
    item (a cell written "" left empty, for the caller to fill), and its endfor row."""
    table = document.add_table(rows=3, cols=len(cells))
    table.cell(0, 0).text = "{%tr for 行 in 明细 %}"
    for column, text in enumerate(cells):
        if text:
            table.cell(1, column).text = text
    table.cell(2, 0).text = "{%tr endfor %}"
    return table


def package_is_whole(path: Path) -> None:
    """What Word checks before it offers a repair: every relationship's part and every content type's part
    is in the package, and every part that names a comment has the comment it names."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        for rels in (name for name in names if name.endswith(".rels")):
            base = Path(rels).parent.parent
            for target, mode in re.findall(
                r'Target="([^"]+)"(?:\s+TargetMode="([^"]+)")?', package.read(rels).decode("utf-8")
            ):
                if mode != "External":
                    part = target.lstrip("/") if target.startswith("/") else os.path.normpath(base / target)
                    assert part in names, (rels, target)
        types = package.read("[Content_Types].xml").decode("utf-8")
        for part in re.findall(r'PartName="/([^"]+)"', types):
            assert part in names, part


def make_docx(path: Path, *paragraphs: str | list[str]) -> Path:
    """A .docx as a clerk makes it in Word: a list is one paragraph split into several runs."""
    document = Document()
    for paragraph in paragraphs:
        runs = [paragraph] if isinstance(paragraph, str) else paragraph
        target = document.add_paragraph()
        for run in runs:
            target.add_run(run).bold = len(runs) > 1  # different formatting keeps the runs apart
    document.save(path)
    return path


def test_chinese_date() -> None:
    import datetime as dt

    assert chinese_date(dt.date(2026, 11, 3)) == "2026年11月3日"


def test_builtin_water_notice_fills_every_word(tmp_path: Path) -> None:
    template = TemplateLibrary(None).get("停水通知")
    assert template.origin == ORIGIN_BUILTIN
    out = template.render_to(tmp_path / "out.docx", WATER)
    lines = texts(out)
    assert lines[0] == "停水通知"
    assert lines[1] == "尊敬的张伟业主："
    assert "幸福里小区3栋将于11月25日8:00暂停供水，预计当日18:00恢复供水" in lines[2]
    assert lines[-3:] == ["幸福里物业服务中心", "（盖章处）", "2026年11月23日"]
    assert not any("{{" in line or "}}" in line for line in lines)


def test_values_with_xml_characters_and_newlines_are_kept(tmp_path: Path) -> None:
    template = Template.load(make_docx(tmp_path / "t.docx", "地址：{{ 地址 }}"))
    out = template.render_to(tmp_path / "out.docx", {"地址": "A&B <东门>\n第二行"})
    paragraph = Document(str(out)).paragraphs[0]
    assert paragraph.text == "地址：A&B <东门>\n第二行"


def test_placeholder_split_by_word_into_runs_still_works(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "split.docx", ["尊敬的", "{{ 业主", "姓名 }}", "业主："])
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "{{ 业主姓名 }}" not in xml  # really split
    template = Template.load(path)
    assert template.variables == {"业主姓名"}
    assert texts(template.render_to(tmp_path / "out.docx", {"业主姓名": "李秀英"})) == ["尊敬的李秀英业主："]


def test_unknown_variable_is_named_with_the_template(tmp_path: Path) -> None:
    template = Template.load(make_docx(tmp_path / "通知.docx", "{{ 业主姓明 }}您好"))
    with pytest.raises(TemplateError) as caught:
        template.render_to(tmp_path / "out.docx", {"业主姓名": "张伟"})
    assert str(caught.value).startswith("模板“通知”用到了没有提供的变量：业主姓明。")
    assert not (tmp_path / "out.docx").exists()


def test_undefined_attribute_inside_an_expression_is_an_error(tmp_path: Path) -> None:
    template = Template.load(make_docx(tmp_path / "t.docx", "{{ 业主.电话 }}"))
    with pytest.raises(TemplateError, match="没有提供的变量"):
        template.render_bytes({"业主": {"姓名": "张伟"}})


def test_broken_syntax_quotes_the_paragraph(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "坏模板.docx", "第一段正常", "尊敬的{{ 业主姓名 业主：", "第三段")
    with pytest.raises(TemplateError) as caught:
        Template.load(path)
    message = str(caught.value)
    assert "模板“坏模板”的占位符写法有误" in message
    assert "尊敬的{{ 业主姓名 业主：" in message


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        # Typed with the Chinese input method on: it was "unexpected char '（' at 1324".
        ("{{ 日期|中文日期（） }}", "占位符里用了中文（全角）符号“（”：请切换到英文输入法，改成半角的“(”"),
        ("{{ 日期｜中文日期 }}", "占位符里用了中文（全角）符号“｜”：请切换到英文输入法，改成半角的“|”"),
        ("{{ 业主。姓名 }}", "占位符里用了中文（全角）符号“。”：请切换到英文输入法，改成半角的“.”"),
        (
            "{% if 欠费月数 ＞ 3 %}请尽快缴纳{% endif %}",
            "占位符里用了中文（全角）符号“＞”：请切换到英文输入法，改成半角的“>”",
        ),
        # It was "No filter named '中文日其'."
        ("{{ 日期|中文日其 }}", "没有名为“中文日其”的过滤器（| 后面的名字写错了，是不是“中文日期”？）"),
        # It was "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' …".
        ("{% if 预收说明 %}{{ 预收说明 }}", "{% if %} 没有对应的 {% endif %}"),
        (
            "{% if 预收说明 %}有{% esle %}无{% endif %}",
            "这里的 {% esle %} 不对：前面的 {% if %} 要先用 {% endif %} 结束",
        ),
        ("{% If 预收说明 %}有{% endif %}", "语句“If”要写成小写的“if”（Word 可能自动改成了大写）"),
        ("{{ 预收说明 }}{% endif %}", "{% endif %} 前面没有与它配对的开始语句"),
        ("尊敬的{{ }}业主", "占位符里没有写变量名（{{ }} 或 {% %} 里是空的）"),
    ],
)
def test_a_miswritten_placeholder_is_told_in_chinese_with_its_paragraph(
    tmp_path: Path, paragraph: str, reason: str
) -> None:
    with pytest.raises(TemplateError) as caught:
        Template.load(make_docx(tmp_path / "本处通知.docx", "第一段", paragraph))
    assert str(caught.value) == (
        f"模板“本处通知”的占位符写法有误：正文段落“{paragraph}”：{reason}。"
        "请在 Word 里改正后再试，或运行 recordkit templates check 本处通知"
    )


def test_a_template_whose_name_holds_a_blank_suggests_its_check_as_a_shell_takes_it(tmp_path: Path) -> None:
    """An office template named 本处 通知 suggested ``recordkit templates check 本处 通知``, which a shell reads as two
    templates; the name is quoted as every suggested command writes a typed value."""
    with pytest.raises(TemplateError) as caught:
        Template.load(make_docx(tmp_path / "本处 通知.docx", "第一段", "{{ }}"))
    assert str(caught.value) == (
        "模板“本处 通知”的占位符写法有误：正文段落“{{ }}”：占位符里没有写变量名（{{ }} 或 {% %} 里是空的）。"
        "请在 Word 里改正后再试，或运行 recordkit templates check '本处 通知'"
    )


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        (
            "{% if 预收说明 %}{{ 预收说明|中文日其 }}{% endif %}",
            "没有名为“中文日其”的过滤器（| 后面的名字写错了，是不是“中文日期”？）",
        ),
        ("{% if 预收说明 is 空 %}无{% endif %}", "没有名为“空”的判断（is 后面的名字写错了）"),
    ],
)
def test_an_unknown_filter_in_a_branch_is_refused_before_any_fill(tmp_path: Path, paragraph: str, reason: str) -> None:
    # Jinja leaves these to the fill that takes the branch: `templates check` passed the template, and
    # the fill failed with "无法填写：No test named '空' found.".
    with pytest.raises(TemplateError) as caught:
        Template.load(make_docx(tmp_path / "本处通知.docx", paragraph))
    assert str(caught.value) == (
        f"模板“本处通知”的占位符写法有误：正文段落“{paragraph}”：{reason}。"
        "请在 Word 里改正后再试，或运行 recordkit templates check 本处通知"
    )


def tracked(path: Path, before: str, change: str, text: str, after: str) -> Path:
    """A one-paragraph .docx edited in Word with 修订 (track changes) on: ``text`` inserted
    (``change`` "ins") or deleted ("del") between two runs, as Word stores it."""
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(before)
    revision = OxmlElement(f"w:{change}")
    revision.set(qn("w:id"), "1")
    revision.set(qn("w:author"), "张伟")
    revision.set(qn("w:date"), "2026-12-01T09:00:00Z")
    run = OxmlElement("w:r")
    written = OxmlElement("w:delText" if change == "del" else "w:t")
    written.text = text
    run.append(written)
    revision.append(run)
    paragraph._p.append(revision)
    paragraph.add_run(after)
    document.save(path)
    return path


@pytest.mark.parametrize(
    ("before", "change", "text", "after", "shown"),
    [
        # A placeholder deleted with 修订 on: `templates check` asked for 旧时间, which the clerk no longer sees.
        ("停水时间：", "del", "{{ 旧时间 }}", "{{ 停水时间 }}", "停水时间：{{ 停水时间 }}"),
        # The end of a placeholder retyped with 修订 on: refused as "某个 {% if %} 或 {% for %} … 拆坏了".
        ("停水时间：{{ 停水", "ins", "开始时间 }}起", "，请储水", "停水时间：{{ 停水开始时间 }}起，请储水"),
        # Inserted whole: filled inside the insertion, every notice printed with its revision mark.
        ("停水时间：", "ins", "{{ 停水时间 }}", "", "停水时间：{{ 停水时间 }}"),
    ],
)
def test_a_template_with_tracked_changes_is_refused_naming_the_paragraph(
    tmp_path: Path, before: str, change: str, text: str, after: str, shown: str
) -> None:
    path = tracked(tmp_path / "停水通知.docx", before, change, text, after)
    expected = (
        f"模板“停水通知”的正文段落“{shown}”里有尚未接受的修订（Word“修订”模式下的改动）："
        "填写出的文书会带着修订标记，删掉的字和占位符也还在。请在 Word 里点“审阅 → 接受 → 接受所有修订”，保存后再用"
    )
    with pytest.raises(TemplateError) as caught:
        Template.load(path)
    assert str(caught.value) == expected
    report = check_template(TemplateLibrary(None), str(path))
    assert [(finding.level, finding.message) for finding in report.findings] == [("错误", expected)]


def test_a_block_never_closed_is_placed_where_it_opens(tmp_path: Path) -> None:
    # The paragraph quoted was the template's last one (where Jinja found the end), not the one to correct.
    path = make_docx(
        tmp_path / "本处通知.docx", "{% if 预收说明 %}另有预收：{{ 预收说明 }}", "第二段", "落款 {{ 日期 }}"
    )
    with pytest.raises(TemplateError) as caught:
        Template.load(path)
    assert str(caught.value) == (
        "模板“本处通知”的占位符写法有误：正文段落“{% if 预收说明 %}另有预收：{{ 预收说明 }}”："
        "{% if %} 没有对应的 {% endif %}。请在 Word 里改正后再试，或运行 recordkit templates check 本处通知"
    )


def test_a_table_loop_whose_endfor_row_was_deleted_is_placed_at_its_table(tmp_path: Path) -> None:
    reminder = Document(str(BUILTIN_DIR / "催缴通知书.docx"))
    [table] = [table for table in reminder.tables if "{%tr endfor %}" in "".join(c.text for c in table._cells)]
    [last] = [row for row in table.rows if "{%tr endfor %}" in "".join(c.text for c in row.cells)]
    table._tbl.remove(last._tr)  # Word's 删除行
    reminder.save(str(tmp_path / "催缴通知书.docx"))
    with pytest.raises(TemplateError) as caught:
        Template.load(tmp_path / "催缴通知书.docx")
    message = str(caught.value)
    assert message.startswith("模板“催缴通知书”的占位符写法有误：正文段落“") and "{% for 行 in 明细 %}”" in message
    assert message.endswith(
        "：{% for %} 没有对应的 {% endfor %}。请在 Word 里改正后再试，或运行 recordkit templates check 催缴通知书"
    )


def test_a_filter_named_while_filling_is_told_in_chinese_with_its_paragraph(tmp_path: Path) -> None:
    # It was "模板“本处通知”无法填写：No filter named '中文日其' found.".
    paragraph = "检修日期：{{ 日期列表|map('中文日其')|join('、') }}"
    template = Template.load(make_docx(tmp_path / "本处通知.docx", "第一段", paragraph))
    with pytest.raises(TemplateError) as caught:
        template.render_bytes({"日期列表": ["2026-12-08"]})
    expected = f"模板“本处通知”的正文段落“{paragraph}”无法填写：没有名为“中文日其”的过滤器（| 后面的名字写错了，是不是“中文日期”？）"
    assert str(caught.value) == expected
    # `templates check` passed it: its trial fill ignored what failed on stand-in values.
    assert template.trial_fill() == [(None, expected)]  # the paragraph named in it


@pytest.mark.parametrize(
    ("wrapper", "attributes"),
    [
        # Chinese Word marks a date it recognises as a smart tag (chsdate), here around the end of a placeholder.
        ("w:smartTag", {"w:uri": "urn:schemas-microsoft-com:office:smarttags", "w:element": "chsdate"}),
        ("w:hyperlink", {"w:anchor": "联系方式"}),
    ],
)
def test_a_placeholder_torn_across_a_smart_tag_or_link_is_refused_naming_the_paragraph(
    tmp_path: Path, wrapper: str, attributes: dict[str, str]
) -> None:
    # Joining "{{ 停水" with "时间 }}12月" dropped the wrapper's start and kept its end: refused as a
    # "{% if %} 或 {% for %} … 拆坏了" the template does not have, and `templates check` said 已自动合并，可以正常填写.
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("停水时间：{{ 停水")
    element = OxmlElement(wrapper)
    for key, value in attributes.items():
        element.set(qn(key), value)
    run = OxmlElement("w:r")
    written = OxmlElement("w:t")
    written.text = "时间 }}起，12月8日恢复"
    run.append(written)
    element.append(run)
    paragraph._p.append(element)
    document.save(tmp_path / "停水通知.docx")
    expected = (
        "模板“停水通知”的正文段落“停水时间：{{ 停水时间 }}起，12月8日恢复”里，Word 把一个占位符拆到了超链接、智能标记或"
        "内容控件的里外，无法自动合并（合并会拆坏这一段）：请在 Word 里删掉整个占位符，重新输入 {{ 变量名 }}"
    )
    with pytest.raises(TemplateError) as caught:
        Template.load(tmp_path / "停水通知.docx")
    assert str(caught.value) == expected
    report = check_template(TemplateLibrary(None), str(tmp_path / "停水通知.docx"))
    assert [(finding.level, finding.message) for finding in report.findings] == [("错误", expected)]


def test_sandbox_refuses_class_access(tmp_path: Path) -> None:
    template = Template.load(make_docx(tmp_path / "t.docx", "{{ ''.__class__.__mro__ }}"))
    assert [attr for _, attr in template.unsafe_uses()] == ["__mro__", "__class__"]
    with pytest.raises(TemplateError, match="不允许"):
        template.render_bytes({})


def test_not_a_docx_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "坏.docx"
    bogus.write_text("不是 Word 文件")
    with pytest.raises(TemplateError, match="不是有效的 .docx 文件"):
        Template.load(bogus)


def test_office_template_overrides_builtin_and_unknown_name_lists_names(tmp_path: Path) -> None:
    office = tmp_path / "templates"
    office.mkdir()
    make_docx(office / "停水通知.docx", "本处自己的停水通知：{{ 停水时间 }}")
    make_docx(office / "~$停水通知.docx", "Word 的锁文件")
    library = TemplateLibrary(office)
    template = library.get("停水通知")
    assert template.origin == ORIGIN_OFFICE
    assert texts(template.render_to(tmp_path / "o.docx", {"停水时间": "明天"})) == ["本处自己的停水通知：明天"]
    assert "~$停水通知" not in library.names()
    with pytest.raises(NotFoundError) as caught:
        library.get("停气通知")
    assert "没有名为“停气通知”的模板" in str(caught.value)
    assert "停水通知" in str(caught.value)


def test_an_office_template_whose_name_ends_in_upper_case_docx_is_used(tmp_path: Path) -> None:
    # Renamed on Windows, where "温馨提示.DOCX" is the same file name: the built-in was printed instead of the
    # office's own, and "燃气检修通知.Docx" was "没有名为“燃气检修通知”的模板".
    office = tmp_path / "templates"
    office.mkdir()
    make_docx(office / "温馨提示.DOCX", "本处的温馨提示：{{ 提示内容 }}")
    make_docx(office / "燃气检修通知.Docx", "燃气检修：{{ 检修时间 }}")
    library = TemplateLibrary(office)
    assert {"温馨提示", "燃气检修通知"} <= set(library.names())
    reminder = library.get("温馨提示")
    assert reminder.origin == ORIGIN_OFFICE
    assert texts(reminder.render_to(tmp_path / "a.docx", {"提示内容": "请勿高空抛物"})) == [
        "本处的温馨提示：请勿高空抛物"
    ]
    gas = library.get("燃气检修通知")
    assert texts(gas.render_to(tmp_path / "b.docx", {"检修时间": "12月8日"})) == ["燃气检修：12月8日"]
    listed = {info.name: info for info in library.describe()}
    assert listed["温馨提示"].origin == ORIGIN_OFFICE and listed["温馨提示"].overrides_builtin


def test_edited_template_is_reloaded(tmp_path: Path) -> None:
    import os

    office = tmp_path / "templates"
    office.mkdir()
    path = make_docx(office / "通知.docx", "第一版 {{ 日期 }}")
    library = TemplateLibrary(office)
    assert library.get("通知").variables == {"日期"}
    make_docx(path, "第二版 {{ 房号 }}")
    os.utime(path, (1, 1))
    assert library.get("通知").variables == {"房号"}


def test_table_rows_repeat_for_each_line(tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "月份", "金额"
    table.cell(1, 0).text = "{%tr for 行 in 明细 %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ 行.月份 }}", "{{ 行.金额 }}"
    document.add_paragraph("{%tr endfor %}")
    path = tmp_path / "t.docx"
    # the endfor row must be a table row as well
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"
    document.paragraphs[-1]._p.getparent().remove(document.paragraphs[-1]._p)
    document.save(path)
    out = Template.load(path).render_to(
        tmp_path / "o.docx", {"明细": [{"月份": "2026-09", "金额": "337.93"}, {"月份": "2026-10", "金额": "337.93"}]}
    )
    rows = [[cell.text for cell in r.cells] for r in Document(str(out)).tables[0].rows]
    assert rows == [["月份", "金额"], ["2026-09", "337.93"], ["2026-10", "337.93"]]


def test_merged_file_has_one_copy_per_recipient_on_its_own_page(tmp_path: Path) -> None:
    template = TemplateLibrary(None).get("停水通知")
    people = [{**WATER, "称呼": f"尊敬的{name}业主"} for name in ("张伟", "李秀英", "王芳")]
    out = template.render_merged_to(tmp_path / "merged.docx", people)
    document = Document(str(out))
    salutations = [p.text for p in document.paragraphs if p.text.startswith("尊敬的")]
    assert salutations == ["尊敬的张伟业主：", "尊敬的李秀英业主：", "尊敬的王芳业主："]
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    # Each copy but the last ends with a "next page" section break inside its last paragraph (no
    # separate page-break paragraph that could fall on a page of its own), with the template's A4 set-up.
    assert xml.count('<w:type w:val="nextPage"/>') == 2 and 'w:type="page"' not in xml
    assert xml.count("<w:sectPr") == 3 and xml.count('<w:pgSz w:w="11906" w:h="16838"/>') == 3
    duplex = zipfile.ZipFile(template.render_merged_to(tmp_path / "d.docx", people, duplex=True))
    duplex_xml = duplex.read("word/document.xml").decode()
    # Double-sided: every copy, the last too, starts on an odd page and its section ends with it; a
    # last section of one empty paragraph starting on an even page is the last copy's blank back.
    assert duplex_xml.count('<w:type w:val="oddPage"/>') == 3 and "nextPage" not in duplex_xml
    assert duplex_xml.count('<w:type w:val="evenPage"/>') == 1 and duplex_xml.count("<w:sectPr") == 4
    back = duplex_xml[duplex_xml.rindex("</w:p>") + len("</w:p>") :]
    assert back.startswith("<w:p/><w:sectPr") and "<w:r>" not in back and "<w:r " not in back


def test_merged_file_checks_every_recipient_first(tmp_path: Path) -> None:
    template = TemplateLibrary(None).get("停水通知")
    bad = dict(WATER)
    del bad["停水时间"]
    with pytest.raises(TemplateError, match="停水时间"):
        template.render_merged_to(tmp_path / "merged.docx", [WATER, bad])
    assert not (tmp_path / "merged.docx").exists()


def test_shipped_builtins_are_what_their_designs_draw(tmp_path: Path) -> None:
    shipped = TemplateLibrary(None)
    assert set(shipped.names()) == set(all_designs()), "run: python -m recordkit.documents.templates.build"
    for path in build_all(tmp_path):
        fresh = Template.load(path)
        assert texts(path) == texts(shipped.get(path.stem).path), f"{path.stem}: rebuild the built-ins"
        design = all_designs()[path.stem]
        assert fresh.variables <= design.provided | set(design.asks), path.stem


def test_the_build_script_explains_itself_and_names_the_designs(capsys: pytest.CaptureFixture[str]) -> None:
    # `--help` once crashed with KeyError: it was taken for a design's name.
    with pytest.raises(SystemExit) as shown:
        main(["--help"])
    assert shown.value.code == 0
    assert "只生成这些模板" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["没有这个"])
    assert refused.value.code == 2
    assert "没有模板“没有这个”；内置模板：临时出入证、" in capsys.readouterr().err


def test_new_office_template_is_a_notice() -> None:
    assert {"业主姓名", "房号", "物业服务中心", "日期"} <= provided_variables("燃气检修通知")


def test_builtin_tables_print_as_drawn_in_libreoffice_and_wps() -> None:
    # LibreOffice and WPS read a table's grid, not its cells' widths; a long reminder repeats its headings.
    from docx.oxml.ns import qn

    reminder = Document(str(TemplateLibrary(None).get("催缴通知书").path))
    grid = reminder.tables[0]
    assert [round(column.width.cm, 1) for column in grid.columns] == [7.5, 4.5, 4.0]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    closing = [p for p in reminder.paragraphs if p.text in ("{{ 物业服务中心 }}", "（盖章处）")]
    assert [p.paragraph_format.keep_with_next for p in closing] == [True, True]
    exit_pass = Document(str(TemplateLibrary(None).get("出门条").path)).tables[0]
    assert [round(column.width.cm, 1) for column in exit_pass.columns] == [2.5, 9.0, 4.5]


def test_the_comments_word_writes_are_left_out_with_their_parts(tmp_path: Path) -> None:
    # Word 2016 keeps a comment in four parts (comments, commentsExtended, commentsIds, people): all of them, and
    # their relationships and content types, were copied into every paper filled.
    path = tmp_path / "温馨提示.docx"
    document = Document()
    paragraph = document.add_paragraph("{{ 称呼 }}：")
    paragraph.add_run("{{ 提示内容 }}")
    document.add_comment(paragraph.runs[1], text="记得改日期", author="王经理")
    document.save(path)
    extra = {"commentsExtended": "2011", "people": "2011", "commentsIds": "2016/09"}
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    for number, (kind, year) in enumerate(extra.items(), start=90):
        parts[f"word/{kind}.xml"] = f'<?xml version="1.0"?><w15:{kind} xmlns:w15="x">王经理</w15:{kind}>'.encode()
        parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
            b"</Relationships>",
            f'<Relationship Id="rId{number}" Type="http://schemas.microsoft.com/office/{year}/relationships/{kind}" '
            f'Target="{kind}.xml"/></Relationships>'.encode(),
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            f'<Override PartName="/word/{kind}.xml" ContentType="application/x-{kind}+xml"/></Types>'.encode(),
        )
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    filled = tmp_path / "filled.docx"
    Template.load(path).render_to(filled, {"称呼": "尊敬的张伟业主", "提示内容": "请关好门窗"})
    package_is_whole(filled)
    with zipfile.ZipFile(filled) as package:
        assert not [name for name in package.namelist() if "comment" in name.lower() or "people" in name]
        assert "王经理".encode() not in b"".join(package.read(name) for name in package.namelist())
    assert texts(filled) == ["尊敬的张伟业主：请关好门窗"]


def test_a_failing_cell_of_a_table_row_loop_is_named_as_the_clerk_sees_it(tmp_path: Path) -> None:
    # The check named the cell 正文段落“{{ 行.金頟 }}{% endfor %}”: the {%tr endfor %} row, which docxtpl replaces
    # by its tag, was read as part of the cell before it.  A {%p if %} paragraph's tag was glued to the paragraph
    # before it in the same way (“此致{% if 附言.__class__ %}”).
    document = Document()
    document.add_paragraph("{{ 称呼 }}：欠费明细如下")
    loop_table(document, "{{ 行.项目 }}", "{{ 行.金頟 }}")
    for text in ("此致", "{%p if 附言.__class__ %}", "{{ 附言 }}", "{%p endif %}"):
        document.add_paragraph(text)
    document.save(tmp_path / "核对单.docx")
    template = Template.load(tmp_path / "核对单.docx")
    [(where, refusal)] = template.trial_fill({"明细": ("月份", "项目", "金额")})
    assert str(where) == "正文段落“{{ 行.金頟 }}”"
    assert refusal.startswith("模板“核对单”的表格用到了没有的字段“金頟”（是不是 金额？）")
    assert [str(place) for place, _ in template.unsafe_uses()] == ["正文段落“{% if 附言.__class__ %}”"]


def test_the_check_goes_on_past_a_failing_filter_block_and_call_block(tmp_path: Path) -> None:
    # The trial fill stood in for a failing paragraph by replacing its expressions, the filter of a {% filter %}
    # block and the call of a {% call %} block too, which Jinja cannot compile: the check stopped there, and the
    # paragraphs after it were not tried (only 金頟 was told, 项木 and 月分 not).
    filtered = "{% filter upper %}{% for 行 in 明细 %}{{ 行.金頟 }}{% endfor %}{% endfilter %}"
    called = "{% for 行 in 明细 %}{% call 框(行.项木) %}{{ 行.项目 }}{% endcall %}{% endfor %}"
    last = "{% for 行 in 明细 %}{{ 行.月分 }}{% endfor %}"
    macro = "{% macro 框(x) %}[{{ caller() }}{{ x }}]{% endmacro %}"
    template = Template.load(make_docx(tmp_path / "核对单.docx", filtered, macro, called, last))
    told = [(str(where), refusal) for where, refusal in template.trial_fill({"明细": ("月份", "项目", "金额")})]
    fields = "表格每行的字段：月份、项目、金额，改正后再用 recordkit templates check 核对单 检查"
    assert told == [
        (f"正文段落“{filtered}”", f"模板“核对单”的表格用到了没有的字段“金頟”（是不是 金额？）。{fields}"),
        (f"正文段落“{called}”", f"模板“核对单”的表格用到了没有的字段“项木”（是不是 项目？）。{fields}"),
        (f"正文段落“{last}”", f"模板“核对单”的表格用到了没有的字段“月分”（是不是 月份？）。{fields}"),
    ]
