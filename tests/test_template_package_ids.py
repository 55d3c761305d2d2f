"""Ids Word wants unique in a document, as filling leaves them: the pictures' (``wp:docPr``) in one paper,
and in a merged print file the bookmarks, Word 2010's paragraph ids and the footnotes each household's copy
repeats.  Read from the XML inside the generated .docx; expected ids counted by hand."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Cm
from PIL import Image

from recordkit.core.workspace import Workspace
from recordkit.documents.templates.engine import Template
from tests.test_documents_cli import error_line, generated, imported  # noqa: F401  (the fixture: the sample roster imported)
from tests.test_templates import loop_table, package_is_whole, texts


def picture(colour: str) -> io.BytesIO:
    image = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(image, format="PNG")
    image.seek(0)
    return image


def drawing_ids(docx: Path) -> dict[str, list[str]]:
    """The picture ids of each part that has pictures, in the order they stand."""
    with zipfile.ZipFile(docx) as package:
        found = {
            name: re.findall(r'<wp:docPr\b[^>]*?\sid="(\d+)"', package.read(name).decode("utf-8"))
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }
    return {name: ids for name, ids in found.items() if ids}


def every_id(docx: Path) -> list[str]:
    return [number for ids in drawing_ids(docx).values() for number in ids]


def logo_and_seal(path: Path, *body: str) -> Path:
    """The office's logo in the header and its seal under the text, drawn with python-docx as an office's
    script would: it numbers each part's pictures from 1, so both are ``id="1"``."""
    document = Document()
    document.sections[0].header.paragraphs[0].add_run().add_picture(picture("blue"), width=Cm(1))
    for text in body:
        document.add_paragraph(text)
    document.add_paragraph().add_run().add_picture(picture("red"), width=Cm(2))
    document.save(path)
    return path


def test_one_paper_from_a_template_whose_header_and_body_pictures_share_an_id_numbers_them_apart(
    run_cli: Any, imported: Workspace
) -> None:
    imported.templates_dir.mkdir(exist_ok=True)
    template = logo_and_seal(imported.templates_dir / "燃气检修通知.docx", "{{ 称呼 }}：本周六燃气检修，请在家等候。")
    assert drawing_ids(template) == {"word/document.xml": ["1"], "word/header1.xml": ["1"]}  # as drawn
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201")
    assert made.exit_code == 0, made.output
    [paper] = [path for path in generated(imported) if path.suffix == ".docx"]
    assert any(text.endswith("：本周六燃气检修，请在家等候。") for text in texts(paper))
    ids = drawing_ids(paper)
    assert sorted(ids) == ["word/document.xml", "word/header1.xml"]
    assert sorted(every_id(paper)) == ["1", "2"]  # the seal keeps 1, the logo takes the next
    package_is_whole(paper)


def test_a_picture_in_a_table_row_printed_once_per_item_gets_an_id_per_row(tmp_path: Path) -> None:
    # A tick picture in each row of a {%tr for %} table: three items printed it three times with one id.
    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    table = loop_table(document, "{{ 行.项目 }}", "")
    table.cell(1, 1).paragraphs[0].add_run().add_picture(picture("green"), width=Cm(0.5))
    document.add_paragraph().add_run().add_picture(picture("red"), width=Cm(2))  # the seal, after the table
    document.save(tmp_path / "核对单.docx")
    rows = [{"项目": "门禁卡"}, {"项目": "车位"}, {"项目": "水表"}]
    paper = Template.load(tmp_path / "核对单.docx").render_to(tmp_path / "out.docx", {"称呼": "张伟", "明细": rows})
    assert [cell.text for row in Document(str(paper)).tables[0].rows for cell in row.cells[:1]] == [
        "门禁卡",
        "车位",
        "水表",
    ]
    ids = every_id(paper)
    assert len(ids) == 4  # three ticks and the seal
    assert len(set(ids)) == 4, ids


def test_a_template_whose_ids_are_unique_keeps_them(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    document.add_paragraph().add_run().add_picture(picture("red"), width=Cm(2))
    document.add_paragraph().add_run().add_picture(picture("blue"), width=Cm(2))
    document.save(tmp_path / "通知.docx")
    paper = Template.load(tmp_path / "通知.docx").render_to(tmp_path / "out.docx", {"称呼": "张伟"})
    assert drawing_ids(paper) == {"word/document.xml": ["1", "2"]}


FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>燃气公司电话 96777。</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def saved_with(path: Path, *replacements: tuple[str, str], part: str = r"word/document\.xml") -> Path:
    """``path`` as Word saves what python-docx cannot write (bookmarks, fields, content controls, shapes …): in the
    XML parts whose names match ``part``, the first of each ``before`` replaced by its ``after``; each is there."""
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    unseen = {before for before, _ in replacements}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            if re.fullmatch(part, info.filename):
                xml = data.decode()
                for before, after in replacements:
                    if before in xml:
                        unseen.discard(before)
                        xml = xml.replace(before, after, 1)
                data = xml.encode()
            package.writestr(info, data)
    assert not unseen, unseen
    return path


def saved_by_word(path: Path, footnote: bool = False, links: bool = False) -> Path:
    """A notice as Word saves it: each paragraph with its w14:paraId and w14:textId, a bookmark 落款 round
    the seal's place, Word's own _GoBack bookmark (where the last edit was) and, with ``footnote``, a
    footnote after the first sentence; with ``links``, a link to 落款 and a field 见第 {PAGEREF 落款} 页 after it."""
    document = Document()
    document.add_paragraph("{{ 称呼 }}：本周六燃气检修，请在家等候。")
    document.add_paragraph("物业服务中心")
    document.save(path)
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    paragraph_ids = iter(["1A2B3C40", "1A2B3C41"])
    rewritten = []
    for info, data in entries:
        if info.filename == "word/document.xml":
            xml = re.sub(
                "<w:p>", lambda _: f'<w:p w14:paraId="{next(paragraph_ids)}" w14:textId="77777777">', data.decode()
            )
            xml = xml.replace(
                "<w:t>物业服务中心</w:t></w:r>",
                '<w:t>物业服务中心</w:t></w:r><w:bookmarkStart w:id="1" w:name="落款"/><w:r><w:t>（盖章）</w:t></w:r>'
                '<w:bookmarkEnd w:id="1"/><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>',
            )
            if footnote:
                xml = xml.replace(
                    "请在家等候。</w:t></w:r>", '请在家等候。</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'
                )
            if links:
                xml = xml.replace(
                    "请在家等候。</w:t></w:r>",
                    '请在家等候。</w:t></w:r><w:hyperlink w:anchor="落款"><w:r><w:t>（见落款）</w:t></w:r></w:hyperlink>'
                    '<w:r><w:t>见第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                    '<w:r><w:instrText xml:space="preserve"> PAGEREF 落款 \\h </w:instrText></w:r>'
                    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
                    '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r>',
                )
            data = xml.encode()
        elif footnote and info.filename == "word/_rels/document.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rId99" Target="footnotes.xml" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/footnotes"/></Relationships>',
            )
        elif footnote and info.filename == "[Content_Types].xml":
            data = data.replace(
                b"</Types>",
                b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
            )
        rewritten.append((info, data))
    if footnote:
        rewritten.append((zipfile.ZipInfo("word/footnotes.xml"), FOOTNOTES.encode()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in rewritten:
            package.writestr(info, data)
    return path


def test_a_merged_print_file_names_each_households_bookmarks_apart_and_drops_words_go_back(
    run_cli: Any, imported: Workspace
) -> None:
    # Each household's copy repeated the bookmarks 落款 (id 1) and _GoBack (id 0) and the paragraph ids:
    # two bookmarks of one name and id, which Word may offer to repair.
    imported.templates_dir.mkdir(exist_ok=True)
    saved_by_word(imported.templates_dir / "燃气检修通知.docx")
    made = run_cli("notice", "make", "燃气检修通知", "--all", "--merge")
    assert made.exit_code == 0, made.output
    [merged] = [path for path in generated(imported) if path.suffix == ".docx"]
    assert [text for text in texts(merged) if text.startswith("物业服务中心")] == ["物业服务中心（盖章）"] * 2
    with zipfile.ZipFile(merged) as package:
        body = package.read("word/document.xml").decode("utf-8")
    starts = re.findall(r'<w:bookmarkStart w:id="(\d+)" w:name="([^"]*)"/>', body)
    ends = re.findall(r'<w:bookmarkEnd w:id="(\d+)"/>', body)
    assert starts == [("1", "落款"), ("2", "落款_2")]  # the first household's as in the template, the next one's after
    assert ends == ["1", "2"]
    assert "_GoBack" not in body
    assert re.findall(r'w14:paraId="([^"]*)"', body) == ["1A2B3C40", "1A2B3C41"]  # the first copy's only
    assert body.count("w14:textId") == 2
    package_is_whole(merged)


def test_a_merged_print_files_links_and_fields_lead_to_their_own_households_bookmark(
    run_cli: Any, imported: Workspace
) -> None:
    # The second household's bookmark became 落款_2, but its link and its PAGEREF field still named 落款: a click
    # or a page number in the second household's notice led to the first household's page.
    imported.templates_dir.mkdir(exist_ok=True)
    saved_by_word(imported.templates_dir / "燃气检修通知.docx", links=True)
    made = run_cli("notice", "make", "燃气检修通知", "--all", "--merge")
    assert made.exit_code == 0, made.output
    [merged] = [path for path in generated(imported) if path.suffix == ".docx"]
    with zipfile.ZipFile(merged) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]*)"/>', body) == ["落款", "落款_2"]
    assert re.findall(r'w:anchor="([^"]*)"', body) == ["落款", "落款_2"]
    assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body) == [
        " PAGEREF 落款 \\h ",
        " PAGEREF 落款_2 \\h ",
    ]
    package_is_whole(merged)


def test_a_template_with_a_footnote_prints_one_by_one_but_is_not_merged(run_cli: Any, imported: Workspace) -> None:
    # Merged, every household's footnote mark led to the one footnote 1 (the first household's).
    imported.templates_dir.mkdir(exist_ok=True)
    saved_by_word(imported.templates_dir / "燃气检修通知.docx", footnote=True)
    refused = run_cli("notice", "make", "燃气检修通知", "--all", "--merge")
    assert refused.exit_code == 5
    assert error_line(refused) == (
        "错误：模板“燃气检修通知”的正文里有脚注或尾注：合并打印文件里每一户的脚注标号都会指向同一条脚注（第一户的），"
        "已拒绝。请不加 --merge 逐户打印，或在 Word 里把脚注的内容改写到正文里"
    )
    assert generated(imported) == []
    checked = run_cli("templates", "check", "燃气检修通知")
    assert "合并打印（--merge）会拒绝" in checked.output
    one_by_one = run_cli("notice", "make", "燃气检修通知", "--all")
    assert one_by_one.exit_code == 0, one_by_one.output
    papers = [path for path in generated(imported) if path.suffix == ".docx"]
    assert len(papers) == 2
    for paper in papers:
        with zipfile.ZipFile(paper) as package:
            assert package.read("word/document.xml").decode("utf-8").count('<w:footnoteReference w:id="1"/>') == 1
            assert "燃气公司电话 96777。" in package.read("word/footnotes.xml").decode("utf-8")


def field_split_over_runs(path: Path) -> Path:
    """A notice as Word saves one whose field it edited: the bookmark 落款 round the seal's place and, before it,
    见第 {REF 落款 \\h} 处 with the instruction in three runs (``REF `` + ``落款`` + `` \\h``), as Word writes it
    when the name was typed or pasted apart, and a second field whose name itself is cut (``落`` + ``款``)."""
    document = Document()
    document.add_paragraph("{{ 称呼 }}：本周六燃气检修，请在家等候。")
    document.add_paragraph("物业服务中心")
    document.save(path)
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]

    def field(*pieces: str) -> str:
        instruction = "".join(f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>' for piece in pieces)
        return (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            + instruction
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>物业服务中心</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )

    rewritten = []
    for info, data in entries:
        if info.filename == "word/document.xml":
            xml = data.decode().replace(
                "<w:t>物业服务中心</w:t></w:r>",
                '<w:t>物业服务中心</w:t></w:r><w:bookmarkStart w:id="1" w:name="落款"/><w:r><w:t>（盖章）</w:t></w:r>'
                '<w:bookmarkEnd w:id="1"/>',
            )
            xml = xml.replace(
                "请在家等候。</w:t></w:r>",
                "请在家等候。</w:t></w:r><w:r><w:t>（见</w:t></w:r>"
                + field("REF ", "落款", " \\h")
                + field(" PAGEREF 落", "款 \\h ")
                + "<w:r><w:t>）</w:t></w:r>",
            )
            data = xml.encode()
        rewritten.append((info, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in rewritten:
            package.writestr(info, data)
    return path


def instructions(body: str) -> list[str]:
    """Each complex field's instruction, its runs' texts joined, in the order the fields begin."""
    found: list[str] = []
    open_fields: list[int] = []
    for token in re.finditer(r'<w:fldChar w:fldCharType="(\w+)"/>|<w:instrText[^>]*>([^<]*)</w:instrText>', body):
        if token.group(1) == "begin":
            open_fields.append(len(found))
            found.append("")
        elif token.group(1) == "end":
            open_fields.pop()
        elif token.group(1) is None:
            found[open_fields[-1]] += token.group(2)
    return found


def test_a_field_whose_instruction_word_split_over_runs_names_its_own_households_bookmark(tmp_path: Path) -> None:
    # REF 落款 written as REF + 落款 + \h: each run alone named no bookmark, so every later household's field kept
    # 落款 and showed the first household's text.
    template = Template.load(field_split_over_runs(tmp_path / "燃气检修通知.docx"))
    merged = tmp_path / "合并.docx"
    template.render_merged_to(merged, [{"称呼": name} for name in ("张伟", "李娜", "王芳")])
    with zipfile.ZipFile(merged) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]*)"/>', body) == ["落款", "落款_2", "落款_3"]
    assert instructions(body) == [
        "REF 落款 \\h",
        " PAGEREF 落款 \\h ",
        "REF 落款_2 \\h",
        " PAGEREF 落款_2 \\h ",
        "REF 落款_3 \\h",
        " PAGEREF 落款_3 \\h ",
    ]
    assert [text for text in texts(merged) if text.startswith(("张伟", "李娜", "王芳"))] == [
        f"{name}：本周六燃气检修，请在家等候。（见物业服务中心物业服务中心）" for name in ("张伟", "李娜", "王芳")
    ]
    package_is_whole(merged)


#: A date picker and a plain-text content control as Word saves them (each with its own w:id), and a text box
#: as Word 2010 and later save it: the drawing (wps) for Word, and its VML copy for older readers, with the
#: shape type it uses (v:shapetype) and the shape's id and o:spid; then a rectangle drawn in compatibility mode,
#: VML alone, and an attached file (an OLE object): its icon's shape, and the object that names the shape.
CONTROLS_AND_SHAPES = (
    '<w:p><w:r><w:t xml:space="preserve">检修日期：</w:t></w:r><w:sdt><w:sdtPr><w:id w:val="-1588914263"/>'
    '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013437"/></w:placeholder>'
    "<w:date w:fullDate=\"2026-12-06T00:00:00Z\"><w:dateFormat w:val=\"yyyy'年'M'月'd'日'\"/><w:lid w:val=\"zh-CN\"/>"
    '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date></w:sdtPr>'
    "<w:sdtContent><w:r><w:t>2026年12月6日</w:t></w:r></w:sdtContent></w:sdt></w:p>"
    '<w:p><w:r><w:t xml:space="preserve">联系人：</w:t></w:r><w:sdt><w:sdtPr><w:id w:val="1186489121"/><w:text/>'
    "</w:sdtPr><w:sdtContent><w:r><w:t>王师傅</w:t></w:r></w:sdtContent></w:sdt></w:p>"
    '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
    '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" '
    'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
    '<wp:extent cx="1828800" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/>'
    '<wp:docPr id="2" name="文本框 2"/><wp:cNvGraphicFramePr/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
    '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" cy="457200"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
    "<wps:txbx><w:txbxContent><w:p><w:r><w:t>燃气公司电话 96777</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
    '<wps:bodyPr rot="0" vert="horz" wrap="square" anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
    "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
    '<v:shape id="文本框 2" o:spid="_x0000_s1026" type="#_x0000_t202" style="position:absolute;margin-left:0;'
    'margin-top:0;width:2in;height:36pt;z-index:251659264"><v:textbox><w:txbxContent><w:p><w:r>'
    "<w:t>燃气公司电话 96777</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r></w:p>"
    '<w:p><w:r><w:pict><v:rect id="矩形 3" o:spid="_x0000_s1027" style="position:absolute;width:1in;height:18pt" '
    'strokeweight="1pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>请勿使用明火</w:t></w:r></w:p></w:txbxContent>'
    "</v:textbox></v:rect></w:pict></w:r></w:p>"
    '<w:p><w:r><w:t xml:space="preserve">附件：</w:t></w:r><w:r><w:object w:dxaOrig="1440" w:dyaOrig="360">'
    '<v:shapetype id="_x0000_t75" coordsize="21600,21600" o:spt="75" o:preferrelative="t" filled="f" stroked="f">'
    '<v:path o:extrusionok="f" gradientshapeok="t" o:connecttype="rect"/><o:lock v:ext="edit" aspectratio="t"/>'
    '</v:shapetype><v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:1in;height:18pt" o:ole="">'
    '<v:imagedata r:id="rId90" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Package" '
    'ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1734567890" r:id="rId91"/></w:object></w:r></w:p>'
)


def controls_and_shapes(path: Path) -> Path:
    document = Document()
    document.add_paragraph("{{ 称呼 }}：本周六燃气检修，请在家等候。")
    document.add_paragraph("物业服务中心")
    document.save(path)
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            if info.filename == "word/document.xml":
                data = data.decode().replace("<w:sectPr", CONTROLS_AND_SHAPES + "<w:sectPr", 1).encode()
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId90" Target="media/image90.png" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/image"/><Relationship Id="rId91" '
                    b'Target="embeddings/oleObject1.bin" Type="http://schemas.openxmlformats.org/officeDocument/'
                    b'2006/relationships/oleObject"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Default Extension="png" ContentType="image/png"/><Default Extension="bin" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/></Types>',
                )
            package.writestr(info, data)
        package.writestr("word/media/image90.png", picture("grey").getvalue())
        package.writestr("word/embeddings/oleObject1.bin", bytes(512))
    return path


def words(docx: Path) -> list[str]:
    """The text of each paragraph of the body, text boxes' paragraphs apart (as Word shows them, the copy of a
    text box for older readers left out)."""
    with zipfile.ZipFile(docx) as package:
        body = package.read("word/document.xml").decode("utf-8")
    body = re.sub(r"<mc:Fallback>.*?</mc:Fallback>", "", body, flags=re.DOTALL)
    paragraphs = re.findall(r"<w:p\b[^>]*>((?:(?!<w:p\b).)*?)</w:p>", body, flags=re.DOTALL)
    return ["".join(re.findall(r"<w:t\b[^>]*>([^<]*)</w:t>", paragraph)) for paragraph in paragraphs]


def test_a_merged_print_file_gives_each_households_content_controls_and_shapes_ids_of_their_own(
    tmp_path: Path,
) -> None:
    # Every household's copy repeated the content controls' w:id and the VML shapes' id and o:spid: Word offered
    # to repair the file, or kept one control of each id.
    template = Template.load(controls_and_shapes(tmp_path / "燃气检修通知.docx"))
    merged = tmp_path / "合并.docx"
    template.render_merged_to(merged, [{"称呼": name} for name in ("张伟", "李娜", "王芳")])
    Document(str(merged))  # python-docx opens it
    package_is_whole(merged)
    with zipfile.ZipFile(merged) as package:
        body = package.read("word/document.xml").decode("utf-8")
    control_ids = re.findall(r'<w:id w:val="(-?\d+)"/>', body)
    assert len(control_ids) == 6  # two controls in each of three copies
    assert len(set(control_ids)) == 6, control_ids
    assert control_ids[:2] == ["-1588914263", "1186489121"]  # the first household's as in the template
    shapes = re.findall(r"<v:(?:shape|rect)\b[^>]*>", body)
    assert len(shapes) == 9  # a text box, a rectangle and an OLE object in each copy
    names = [re.search(r'\sid="([^"]*)"', shape).group(1) for shape in shapes]  # type: ignore[union-attr]
    spids = [re.search(r'\so:spid="([^"]*)"', shape).group(1) for shape in shapes if "o:spid" in shape]  # type: ignore[union-attr]
    assert len(set(names)) == 9, names
    assert len(set(spids)) == 6, spids
    assert names[:3] == ["文本框 2", "矩形 3", "_x0000_i1025"]
    assert spids[:2] == ["_x0000_s1026", "_x0000_s1027"]
    assert all(re.fullmatch(r"_x0000_s\d+", spid) for spid in spids)  # the form Word reads a shape's number from
    objects = [name for name in names if name.startswith("_x0000_i")]
    assert re.findall(r'ShapeID="([^"]*)"', body) == objects  # each copy's object names its own copy's shape
    shape_types = re.findall(r'<v:shapetype\b[^>]*?\sid="([^"]*)"', body)
    assert len(set(shape_types)) == len(shape_types), shape_types
    assert set(re.findall(r'\stype="#([^"]*)"', body)) <= set(shape_types)  # every text box's type defined
    docpr_ids = re.findall(r'<wp:docPr\b[^>]*?\sid="(\d+)"', body)
    assert len(set(docpr_ids)) == 3
    text = words(merged)
    for name in ("张伟", "李娜", "王芳"):
        assert f"{name}：本周六燃气检修，请在家等候。" in text
    assert text.count("检修日期：2026年12月6日") == 3
    assert text.count("联系人：王师傅") == 3
    assert text.count("燃气公司电话 96777") == 3
    assert text.count("请勿使用明火") == 3


def rows_saved_by_word(path: Path) -> Path:
    """A check list as Word saves it: each paragraph and table row with its w14:paraId, a {%tr for %} row whose
    amount is the bookmark 本行金额 and whose first cell refers to it (见 {REF 本行金额 \\h}), and the bookmark 落款
    under the table."""
    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    loop_table(document, "{{ 行.项目 }}", "{{ 行.金额 }}")
    document.add_paragraph("物业服务中心")
    document.save(path)
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    paragraph_ids = (f"{number:08X}" for number in itertools.count(0x1A2B3C40))
    rewritten = []
    for info, data in entries:
        if info.filename == "word/document.xml":
            xml = re.sub(
                r"<w:(p|tr)>",
                lambda found: f'<w:{found.group(1)} w14:paraId="{next(paragraph_ids)}" w14:textId="77777777">',
                data.decode(),
            )
            xml = xml.replace(
                "<w:r><w:t>{{ 行.金额 }}</w:t></w:r>",
                '<w:bookmarkStart w:id="5" w:name="本行金额"/><w:r><w:t>{{ 行.金额 }}</w:t></w:r><w:bookmarkEnd w:id="5"/>',
            )
            xml = xml.replace(
                "<w:r><w:t>{{ 行.项目 }}</w:t></w:r>",
                '<w:r><w:t>{{ 行.项目 }}</w:t></w:r><w:r><w:t>（见</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/>'
                '</w:r><w:r><w:instrText xml:space="preserve"> REF 本行金额 \\h </w:instrText></w:r><w:r>'
                '<w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>金额</w:t></w:r><w:r>'
                '<w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>）</w:t></w:r>',
            )
            xml = xml.replace(
                "<w:t>物业服务中心</w:t></w:r>",
                '<w:t>物业服务中心</w:t></w:r><w:bookmarkStart w:id="1" w:name="落款"/><w:bookmarkEnd w:id="1"/>',
            )
            data = xml.encode()
        rewritten.append((info, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in rewritten:
            package.writestr(info, data)
    return path


def test_a_table_row_printed_once_per_item_names_its_bookmarks_apart_and_drops_repeated_paragraph_ids(
    tmp_path: Path,
) -> None:
    # Three items printed the row's bookmark 本行金额 (id 5) and its rows' and paragraphs' w14:paraId three times:
    # Word offers to repair such a paper, and every row's REF showed the first row's amount.
    template = Template.load(rows_saved_by_word(tmp_path / "核对单.docx"))
    rows = [{"项目": "门禁卡", "金额": "20.00"}, {"项目": "车位", "金额": "300.00"}, {"项目": "水表", "金额": "45.50"}]
    paper = template.render_to(tmp_path / "out.docx", {"称呼": "张伟", "明细": rows})
    assert [[cell.text for cell in row.cells] for row in Document(str(paper)).tables[0].rows] == [
        ["门禁卡（见金额）", "20.00"],
        ["车位（见金额）", "300.00"],
        ["水表（见金额）", "45.50"],
    ]
    with zipfile.ZipFile(paper) as package:
        body = package.read("word/document.xml").decode("utf-8")
    starts = re.findall(r'<w:bookmarkStart w:id="(\d+)" w:name="([^"]*)"/>', body)
    assert [name for _, name in starts] == ["本行金额", "本行金额_2", "本行金额_3", "落款"]
    assert len({number for number, _ in starts}) == 4
    assert sorted(re.findall(r'<w:bookmarkEnd w:id="(\d+)"/>', body)) == sorted(number for number, _ in starts)
    # Each row's field names its own row's amount, which a row after it no longer takes from the first.
    assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body) == [
        " REF 本行金额 \\h ",
        " REF 本行金额_2 \\h ",
        " REF 本行金额_3 \\h ",
    ]
    paragraph_ids = re.findall(r'w14:paraId="([^"]*)"', body)
    assert len(paragraph_ids) == len(set(paragraph_ids)), paragraph_ids
    assert len(paragraph_ids) == 2 + 3  # 称呼 and 落款's paragraphs, and the first row with its two cells' paragraphs
    package_is_whole(paper)


def test_a_table_row_printed_once_per_item_gives_its_content_controls_and_shapes_ids_of_their_own(
    tmp_path: Path,
) -> None:
    # A {%tr for %} row with a check box (a content control) and a VML stamp printed both once per item with the
    # same ids, as merged copies did.
    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    loop_table(document, "{{ 行.项目 }}", "已核对", "印")
    document.save(tmp_path / "核对单.docx")
    saved_with(
        tmp_path / "核对单.docx",
        (
            "<w:r><w:t>已核对</w:t></w:r>",
            '<w:sdt><w:sdtPr><w:id w:val="-2071640543"/><w14:checkbox><w14:checked w14:val="0"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" '
            'w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r>'
            "</w:sdtContent></w:sdt><w:r><w:t>已核对</w:t></w:r>",
        ),
        (
            "<w:r><w:t>印</w:t></w:r>",
            '<w:r><w:pict><v:oval id="椭圆 4" o:spid="_x0000_s1030" style="position:absolute;width:18pt;'
            'height:18pt" strokecolor="red"><v:textbox><w:txbxContent><w:p><w:r><w:t>印</w:t></w:r>'
            "</w:p></w:txbxContent></v:textbox></v:oval></w:pict></w:r>",
        ),
    )
    rows = [{"项目": "门禁卡"}, {"项目": "车位"}, {"项目": "水表"}]
    template = Template.load(tmp_path / "核对单.docx")
    paper = template.render_to(tmp_path / "out.docx", {"称呼": "张伟", "明细": rows})
    with zipfile.ZipFile(paper) as package:
        body = package.read("word/document.xml").decode("utf-8")
    control_ids = re.findall(r'<w:id w:val="(-?\d+)"/>', body)
    assert len(control_ids) == 3
    assert len(set(control_ids)) == 3, control_ids
    shapes = re.findall(r"<v:oval\b[^>]*>", body)
    names = [re.search(r'\sid="([^"]*)"', shape).group(1) for shape in shapes]  # type: ignore[union-attr]
    spids = [re.search(r'\so:spid="([^"]*)"', shape).group(1) for shape in shapes]  # type: ignore[union-attr]
    assert len(set(names)) == 3, names
    assert len(set(spids)) == 3, spids
    assert all(re.fullmatch(r"_x0000_s\d+", spid) for spid in spids)
    assert [text for text in words(paper) if text.endswith("已核对")] == ["☐已核对"] * 3
    assert words(paper).count("印") == 3
    merged = tmp_path / "合并.docx"
    template.render_merged_to(merged, [{"称呼": name, "明细": rows} for name in ("张伟", "李娜")])
    with zipfile.ZipFile(merged) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert len(set(re.findall(r'<w:id w:val="(-?\d+)"/>', body))) == 6
    assert len(set(re.findall(r'\so:spid="([^"]*)"', body))) == 6
    package_is_whole(merged)


def test_a_merged_print_files_hyperlink_fields_lead_to_their_own_households_bookmark(tmp_path: Path) -> None:
    # A link Word wrote as a field (插入 → 链接 → 本文档中的位置, saved as HYPERLINK \l "落款"), in runs or as a simple
    # field, kept 落款 in every later household's copy: a click there went to the first household's page.
    path = field_split_over_runs(tmp_path / "燃气检修通知.docx")
    saved_with(
        path,
        ("REF </w:instrText>", 'HYPERLINK \\l "</w:instrText>'),
        (">落款</w:instrText>", '>落款" \\o "盖章处"</w:instrText>'),
        (
            "<w:r><w:t>）</w:t></w:r>",
            '<w:fldSimple w:instr=" HYPERLINK \\l &quot;落款&quot; "><w:r><w:t>落款</w:t></w:r></w:fldSimple>'
            "<w:r><w:t>）</w:t></w:r>",
        ),
    )
    merged = tmp_path / "合并.docx"
    Template.load(path).render_merged_to(merged, [{"称呼": name} for name in ("张伟", "李娜")])
    with zipfile.ZipFile(merged) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]*)"/>', body) == ["落款", "落款_2"]
    assert instructions(body) == [
        'HYPERLINK \\l "落款" \\o "盖章处" \\h',
        " PAGEREF 落款 \\h ",
        'HYPERLINK \\l "落款_2" \\o "盖章处" \\h',
        " PAGEREF 落款_2 \\h ",
    ]
    assert re.findall(r'<w:fldSimple w:instr="([^"]*)"', body) == [
        " HYPERLINK \\l &quot;落款&quot; ",
        " HYPERLINK \\l &quot;落款_2&quot; ",
    ]
    package_is_whole(merged)


def test_a_paragraph_printed_once_per_item_names_its_bookmarks_and_content_controls_apart(tmp_path: Path) -> None:
    # A {%p for %} paragraph (one line per item, not a table row) printed its bookmark 本项 and its plain-text
    # content control once per item with the same name and ids.
    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    document.add_paragraph("{%p for 项 in 明细 %}")
    document.add_paragraph("ITEM")
    document.add_paragraph("{%p endfor %}")
    document.save(tmp_path / "清单.docx")
    saved_with(
        tmp_path / "清单.docx",
        (
            "<w:r><w:t>ITEM</w:t></w:r>",
            '<w:bookmarkStart w:id="4" w:name="本项"/><w:r><w:t>{{ 项 }}</w:t></w:r><w:bookmarkEnd w:id="4"/>'
            '<w:r><w:t xml:space="preserve">：</w:t></w:r><w:sdt><w:sdtPr><w:id w:val="1946377512"/><w:text/>'
            "</w:sdtPr><w:sdtContent><w:r><w:t>待核对</w:t></w:r></w:sdtContent></w:sdt>",
        ),
    )
    paper = Template.load(tmp_path / "清单.docx").render_to(
        tmp_path / "out.docx", {"称呼": "张伟", "明细": ["门禁卡", "车位", "水表"]}
    )
    assert words(paper)[1:] == ["门禁卡：待核对", "车位：待核对", "水表：待核对"]
    with zipfile.ZipFile(paper) as package:
        body = package.read("word/document.xml").decode("utf-8")
    starts = re.findall(r'<w:bookmarkStart w:id="(\d+)" w:name="([^"]*)"/>', body)
    assert [name for _, name in starts] == ["本项", "本项_2", "本项_3"]
    assert len({number for number, _ in starts}) == 3
    assert re.findall(r'<w:bookmarkEnd w:id="(\d+)"/>', body) == [number for number, _ in starts]
    control_ids = re.findall(r'<w:id w:val="(-?\d+)"/>', body)
    assert len(control_ids) == 3
    assert len(set(control_ids)) == 3, control_ids


def with_editable_range(path: Path, text: str, number: int) -> Path:
    """``path`` with the run ``text`` made a range anyone may edit in a protected paper (审阅 → 限制编辑 → 例外项,
    每个人), as Word saves it: ``<w:permStart w:id=… w:edGrp="everyone"/>`` before the run and its ``permEnd`` after."""
    run = f"<w:r><w:t>{text}</w:t></w:r>"
    return saved_with(
        path, (run, f'<w:permStart w:id="{number}" w:edGrp="everyone"/>{run}<w:permEnd w:id="{number}"/>')
    )


def editable_ranges(docx: Path) -> list[tuple[str, str]]:
    """Each edit-permission range's start and end in the body, in order: ("Start", id) or ("End", id)."""
    with zipfile.ZipFile(docx) as package:
        body = package.read("word/document.xml").decode("utf-8")
    return re.findall(r'<w:perm(Start|End) w:id="(\d+)"', body)


def test_a_merged_print_file_and_a_table_row_give_each_editable_range_an_id_of_its_own(tmp_path: Path) -> None:
    # A 回执 line owners may fill in a protected notice (限制编辑 with an exception for everyone) kept its range's
    # id 7 in every household's copy, and a {%tr for %} row's 签名 cell its id 3 in every row: starts 7, 7 and ends
    # 7, 7 for two households, which Word may offer to repair, or pair the wrong start with an end.
    document = Document()
    document.add_paragraph("{{ 称呼 }}：本周六燃气检修，请在家等候。")
    document.add_paragraph("回执：____")
    loop_table(document, "{{ 行 }}", "签名")
    document.save(tmp_path / "燃气检修通知.docx")
    with_editable_range(tmp_path / "燃气检修通知.docx", "回执：____", 7)
    template = Template.load(with_editable_range(tmp_path / "燃气检修通知.docx", "签名", 3))
    paper = template.render_to(tmp_path / "一户.docx", {"称呼": "张伟", "明细": ["门禁卡", "车位", "水表"]})
    ranges = editable_ranges(paper)
    starts = [number for edge, number in ranges if edge == "Start"]
    assert ranges[:4] == [("Start", "7"), ("End", "7"), ("Start", "3"), ("End", "3")]  # as in the template
    assert len(starts) == 4  # 回执 and three rows' 签名
    assert len(set(starts)) == 4, starts
    assert ranges == [(edge, number) for number in starts for edge in ("Start", "End")]  # each ends before the next
    assert [[cell.text for cell in row.cells] for row in Document(str(paper)).tables[0].rows] == [
        ["门禁卡", "签名"],
        ["车位", "签名"],
        ["水表", "签名"],
    ]
    merged = tmp_path / "合并.docx"
    template.render_merged_to(merged, [{"称呼": name, "明细": ["门禁卡", "车位"]} for name in ("张伟", "李娜")])
    Document(str(merged))  # python-docx opens it
    ranges = editable_ranges(merged)
    starts = [number for edge, number in ranges if edge == "Start"]
    assert len(starts) == 6  # 回执 and two rows' 签名, for each household
    assert len(set(starts)) == 6, starts
    assert ranges == [(edge, number) for number in starts for edge in ("Start", "End")]
    assert starts[:2] == ["7", "3"]  # the first household's 回执 and first row, as in the template
    assert [text for text in words(merged) if text.startswith("回执")] == ["回执：____"] * 2
    package_is_whole(merged)


def bookmark_pairs(body: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The body's bookmark starts (id, name) and ends (id), each list in the order they stand."""
    return (
        re.findall(r'<w:bookmarkStart w:id="(\d+)" w:name="([^"]*)"/>', body),
        re.findall(r'<w:bookmarkEnd w:id="(\d+)"/>', body),
    )


def each_start_has_one_end(body: str) -> None:
    """Every bookmark start has exactly one end after it with its id, and every end a start before it."""
    marks = re.findall(r'<w:bookmark(Start|End) w:id="(\d+)"', body)
    starts = [number for edge, number in marks if edge == "Start"]
    ends = [number for edge, number in marks if edge == "End"]
    assert sorted(starts) == sorted(ends), marks
    assert len(set(starts)) == len(starts), marks
    for number in starts:
        assert marks.index(("Start", number)) < marks.index(("End", number)), marks


def test_a_bookmark_crossing_the_border_of_a_table_row_printed_once_per_item_keeps_one_start_and_one_end(
    tmp_path: Path,
) -> None:
    # 明细区 starts in the {%tr for %} row and ends under the table, 表头 starts above the table and ends in the row:
    # each later row printed a start of 明细区 with a new id and no end (明细区_2, 明细区_3), and an end of 表头
    # with 表头's id again (three ends for one start).  One range has one end: the later rows print neither.
    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    document.add_paragraph("欠费明细如下")
    loop_table(document, "{{ 行.项目 }}", "{{ 行.金额 }}")
    document.add_paragraph("合计 {{ 合计 }} 元")
    document.save(tmp_path / "核对单.docx")
    saved_with(
        tmp_path / "核对单.docx",
        (
            "<w:r><w:t>欠费明细如下</w:t></w:r>",
            '<w:bookmarkStart w:id="3" w:name="表头"/><w:r><w:t>欠费明细如下</w:t></w:r>',
        ),
        (
            "<w:r><w:t>{{ 行.项目 }}</w:t></w:r>",
            '<w:bookmarkStart w:id="4" w:name="明细区"/><w:r><w:t>{{ 行.项目 }}</w:t></w:r>',
        ),
        (
            "<w:r><w:t>{{ 行.金额 }}</w:t></w:r>",
            '<w:r><w:t>{{ 行.金额 }}</w:t></w:r><w:bookmarkEnd w:id="3"/>',
        ),
        (
            "<w:r><w:t>合计 {{ 合计 }} 元</w:t></w:r>",
            '<w:r><w:t>合计 {{ 合计 }} 元</w:t></w:r><w:bookmarkEnd w:id="4"/>',
        ),
    )
    template = Template.load(tmp_path / "核对单.docx")
    rows = [{"项目": "门禁卡", "金额": "20.00"}, {"项目": "车位", "金额": "300.00"}, {"项目": "水表", "金额": "45.50"}]
    paper = template.render_to(tmp_path / "out.docx", {"称呼": "张伟", "明细": rows, "合计": "365.50"})
    assert [[cell.text for cell in row.cells] for row in Document(str(paper)).tables[0].rows] == [
        ["门禁卡", "20.00"],
        ["车位", "300.00"],
        ["水表", "45.50"],
    ]
    with zipfile.ZipFile(paper) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert bookmark_pairs(body) == ([("3", "表头"), ("4", "明细区")], ["3", "4"])  # as the template has them
    each_start_has_one_end(body)
    merged = tmp_path / "合并.docx"
    template.render_merged_to(merged, [{"称呼": name, "明细": rows, "合计": "365.50"} for name in ("张伟", "李娜")])
    Document(str(merged))  # python-docx opens it
    with zipfile.ZipFile(merged) as package:
        body = package.read("word/document.xml").decode("utf-8")
    starts, _ = bookmark_pairs(body)
    assert [name for _, name in starts] == ["表头", "明细区", "表头_2", "明细区_2"]
    each_start_has_one_end(body)
    package_is_whole(merged)


def test_a_bookmark_whose_other_end_a_paragraph_left_out_took_away_is_left_out_too(tmp_path: Path) -> None:
    # 本项 ends in the {%p endfor %} paragraph, which filling takes away (it prints nothing): every start was left
    # without an end.  说明 starts in a {%p if %} paragraph left out for this household: its end was left alone.
    document = Document()
    document.add_paragraph("{{ 称呼 }}：")
    for text in ("{%p for 项 in 明细 %}", "ITEM", "{%p endfor %}", "{%p if 附言 %}", "NOTE", "{%p endif %}", "此致"):
        document.add_paragraph(text)
    document.save(tmp_path / "清单.docx")
    saved_with(
        tmp_path / "清单.docx",
        (
            "<w:r><w:t>ITEM</w:t></w:r>",
            '<w:bookmarkStart w:id="4" w:name="本项"/><w:r><w:t>{{ 项 }}</w:t></w:r>',
        ),
        (
            "<w:r><w:t>{%p endfor %}</w:t></w:r>",
            '<w:bookmarkEnd w:id="4"/><w:r><w:t>{%p endfor %}</w:t></w:r>',
        ),
        (
            "<w:r><w:t>NOTE</w:t></w:r>",
            '<w:bookmarkStart w:id="6" w:name="说明"/><w:r><w:t>{{ 附言 }}</w:t></w:r>',
        ),
        ("<w:r><w:t>此致</w:t></w:r>", '<w:r><w:t>此致</w:t></w:r><w:bookmarkEnd w:id="6"/>'),
    )
    template = Template.load(tmp_path / "清单.docx")
    paper = template.render_to(tmp_path / "out.docx", {"称呼": "张伟", "明细": ["门禁卡", "车位"], "附言": ""})
    assert words(paper) == ["张伟：", "门禁卡", "车位", "此致"]
    with zipfile.ZipFile(paper) as package:
        body = package.read("word/document.xml").decode("utf-8")
    each_start_has_one_end(body)
    assert bookmark_pairs(body) == ([], [])  # neither had both its ends printed
    with_note = template.render_to(tmp_path / "附言.docx", {"称呼": "张伟", "明细": ["门禁卡"], "附言": "请带身份证"})
    assert words(with_note) == ["张伟：", "门禁卡", "请带身份证", "此致"]
    with zipfile.ZipFile(with_note) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert bookmark_pairs(body) == ([("6", "说明")], ["6"])  # printed whole, kept
    merged = tmp_path / "合并.docx"
    template.render_merged_to(merged, [{"称呼": name, "明细": ["门禁卡"], "附言": ""} for name in ("张伟", "李娜")])
    Document(str(merged))  # python-docx opens it
    with zipfile.ZipFile(merged) as package:
        each_start_has_one_end(package.read("word/document.xml").decode("utf-8"))


def test_a_merged_print_files_header_leaves_out_a_bookmark_half_whose_paragraph_was_left_out(tmp_path: Path) -> None:
    # The header's 紧急 bookmark starts in a {%p if 紧急 %} paragraph and ends in the office's line under it: with
    # 紧急 empty, the one paper left out the end without a start, but a merged print file kept it (its header was
    # filled without with_ranges_paired), an end of nothing that Word ignores or offers to repair.
    document = Document()
    header = document.sections[0].header
    header.paragraphs[0].text = "{%p if 紧急 %}"
    for text in ("URGENT", "{%p endif %}", "幸福里物业服务中心"):
        header.add_paragraph(text)
    document.add_paragraph("{{ 称呼 }}：本周六燃气检修，请在家等候。")
    document.save(tmp_path / "燃气检修通知.docx")
    saved_with(
        tmp_path / "燃气检修通知.docx",
        (
            "<w:r><w:t>URGENT</w:t></w:r>",
            '<w:bookmarkStart w:id="5" w:name="紧急"/><w:r><w:t>{{ 紧急 }}</w:t></w:r>',
        ),
        (
            "<w:r><w:t>幸福里物业服务中心</w:t></w:r>",
            '<w:r><w:t>幸福里物业服务中心</w:t></w:r><w:bookmarkEnd w:id="5"/>',
        ),
        part=r"word/header\d*\.xml",
    )
    with zipfile.ZipFile(tmp_path / "燃气检修通知.docx") as package:
        header_part = next(
            name for name in package.namelist() if "紧急" in package.read(name).decode("utf-8", "replace")
        )
    template = Template.load(tmp_path / "燃气检修通知.docx")
    merged = tmp_path / "合并.docx"
    template.render_merged_to(merged, [{"称呼": name, "紧急": ""} for name in ("张伟", "李娜")])
    Document(str(merged))  # python-docx opens it
    with zipfile.ZipFile(merged) as package:
        filled_header = package.read(header_part).decode("utf-8")
    assert [paragraph.text for paragraph in Document(str(merged)).sections[0].header.paragraphs] == [
        "幸福里物业服务中心"
    ]
    assert bookmark_pairs(filled_header) == ([], [])  # its start left out with its paragraph: its end too
    urgent = tmp_path / "紧急.docx"
    template.render_merged_to(urgent, [{"称呼": name, "紧急": "紧急通知"} for name in ("张伟", "李娜")])
    with zipfile.ZipFile(urgent) as package:
        assert bookmark_pairs(package.read(header_part).decode("utf-8")) == ([("5", "紧急")], ["5"])  # printed whole
    package_is_whole(merged)
