"""Settings: precedence defaults < recordkit.toml < RECORDKIT_* < flags, and precise errors."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recordkit.core.config import Settings, load_settings, office_phone, write_setting
from recordkit.core.errors import ConfigError
from recordkit.core.workspace import Workspace
from tests.account_helpers import bound_by_file_modes


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "recordkit.toml", environ={})
    assert settings == Settings()
    assert settings.office.name == "物业服务中心"
    assert settings.database.url == ""
    assert settings.database.busy_timeout == 30


def test_each_layer_overrides_the_one_below(tmp_path: Path) -> None:
    config = write(
        tmp_path / "recordkit.toml",
        """
operator = "文件里的人"
[office]
name = "幸福里物业服务中心"
estate = "幸福里小区"
[database]
url = "sqlite:///from-file.sqlite3"
busy_timeout = 5
""",
    )
    from_file = load_settings(config, environ={})
    assert (from_file.operator, from_file.office.name, from_file.database.busy_timeout) == (
        "文件里的人",
        "幸福里物业服务中心",
        5,
    )

    env = {
        "RECORDKIT_OPERATOR": "环境变量里的人",
        "RECORDKIT_DATABASE_URL": "sqlite:///from-env.sqlite3",
        "RECORDKIT_DATABASE_BUSY_TIMEOUT": "7",
    }
    from_env = load_settings(config, environ=env)
    assert from_env.operator == "环境变量里的人"
    assert from_env.database.url == "sqlite:///from-env.sqlite3"
    assert from_env.database.busy_timeout == 7
    assert from_env.office.estate == "幸福里小区"  # untouched keys keep the file's value

    from_flags = load_settings(config, environ=env, flags={"operator": "命令行里的人", "database": {"url": None}})
    assert from_flags.operator == "命令行里的人"
    assert from_flags.database.url == "sqlite:///from-env.sqlite3"  # None means "flag not given"


def test_unknown_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    config = write(tmp_path / "recordkit.toml", '[office]\nnmae = "x"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert str(config) in caught.value.message
    assert "未知的配置项 office.nmae" in caught.value.message
    assert "name" in caught.value.message  # says what would be valid


def test_where_the_ledgers_settings_came_from_is_known_and_no_setting_itself(tmp_path: Path) -> None:
    """Messages name RECORDKIT_DATABASE_SCHEMA when it gave the schema, not recordkit.toml; what the settings learn
    of that is no key recordkit.toml may write."""
    config = write(tmp_path / "recordkit.toml", '[database]\nurl = "postgresql://rk@db/rk"\nschema = "east"\n')
    settings = load_settings(config, environ={"RECORDKIT_DATABASE_SCHEMA": "west"})
    assert settings.database.address_named() == "recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA"
    assert load_settings(config, environ={}).database.address_named() == "recordkit.toml 的 [database] url 和 schema"
    written = write(tmp_path / "other.toml", '[database]\nfrom_environment = ["url"]\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(written, environ={})
    assert (
        "未知的配置项 database.from_environment（[database] 可用：url、busy_timeout、schema）" in caught.value.message
    )


def test_unknown_top_level_key(tmp_path: Path) -> None:
    config = write(tmp_path / "recordkit.toml", 'receipt_prefix = "SJ"\n')
    with pytest.raises(ConfigError, match="未知的配置项 receipt_prefix"):
        load_settings(config, environ={})


def test_a_misspelt_section_is_told_as_a_section_with_the_sections_there_are(tmp_path: Path) -> None:
    config = write(tmp_path / "recordkit.toml", '[databse]\nurl = "postgresql://db/recordkit"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert caught.value.message.endswith(
        "：未知的小节 [databse]（可用的小节：archive、database、fees、limits、notices、ocr、office、receipt、renovation、"
        "roster、search、workorders）"
    )


def test_a_top_level_key_written_below_a_section_is_told_where_it_belongs(tmp_path: Path) -> None:
    """TOML puts every key after ``[search]`` into that section: ``operator = …`` added at the end of the file is
    search.operator, which recordkit.toml has no such key; the message says to move it above the first section."""
    config = write(tmp_path / "recordkit.toml", '[search]\nbackend = "sqlite"\noperator = "王芳"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert caught.value.message.endswith(
        "：未知的配置项 search.operator（[search] 可用：backend）：operator 是不属于任何小节的配置项，"
        "要写在文件开头、第一个 [小节] 之前"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[database]\nbusy_timeout = "thirty"\n', "database.busy_timeout 应为整数，现在是 'thirty'"),
        ("[database]\nbusy_timeout = true\n", "database.busy_timeout 应为整数，现在是 True"),
        ("[office]\nname = 3\n", "office.name 应为文本，现在是 3"),
        ('office = "幸福里"\n', "[office] 应为一个小节（表），现在是 '幸福里'"),
    ],
)
def test_wrong_type_says_what_was_expected(tmp_path: Path, text: str, expected: str) -> None:
    config = write(tmp_path / "recordkit.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert caught.value.message == f"配置文件 {config}：{expected}"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # what clerks write when they add their estate's name (the README asks them to)
        (
            "[office]\nestate = 幸福里小区\n",
            "第 2 行第 10 列：等号后面的值写得不对：文字要放在英文双引号里"
            '（例如 estate = "幸福里小区"，不能用中文引号“”），数字和 true、false 不加引号（这一行是：estate = 幸福里小区）',
        ),
        (
            "[office]\nestate = “幸福里小区”\n",
            "第 2 行第 10 列：等号后面的值写得不对：文字要放在英文双引号里"
            '（例如 estate = "幸福里小区"，不能用中文引号“”），数字和 true、false 不加引号（这一行是：estate = “幸福里小区”）',
        ),
        (
            '[office]\nname = "没有结束的引号\n',
            '第 2 行第 16 列：引号没有配对：文字的开头和结尾都要有英文双引号（这一行是：name = "没有结束的引号）',
        ),
        (
            '[office]\nestate："幸福里小区"\n',
            '第 2 行第 7 列：设置名后面要写英文等号 =，例如 estate = "幸福里小区"（这一行是：estate："幸福里小区"）',
        ),
        (
            '[office]\nestate = "幸福里小区" 二期\n',
            "第 2 行第 18 列：一行只能写一项设置，值的后面多了内容：要加说明，请在说明前写 #"
            '（这一行是：estate = "幸福里小区" 二期）',
        ),
        (
            '[office\nestate = "幸福里小区"\n',
            "第 1 行第 8 列：节名缺少右方括号 ]，例如 [office]（这一行是：[office）",
        ),
        (
            '[office]\nestate = "甲"\n\n[office]\naddress = "乙"\n',
            "第 4 行第 8 列：[office] 写了两次：同一节只能写一次，请把后一节里的设置移到前一节里，再删掉后一个 [office]"
            "（这一行是：[office]）",
        ),
        (
            '[office]\nestate = "甲"\nestate = "乙"\n',
            '第 3 行第 13 列：同一项设置写了两次：请删掉其中一行（这一行是：estate = "乙"）',
        ),
        (
            '[archive]\ninbox = "D:\\扫描\\收件"\n',
            "第 2 行第 14 列：英文双引号里的反斜杠 \\ 要写成两个（\\\\），或把双引号换成单引号，"
            "例如 'D:\\备份'（这一行是：inbox = \"D:\\扫描\\收件\"）",
        ),
        (
            "[database]\nurl = postgresql://recordkit:秘密@192.168.1.10/recordkit\n",
            "第 2 行第 7 列：等号后面的值写得不对：文字要放在英文双引号里"
            '（例如 estate = "幸福里小区"，不能用中文引号“”），数字和 true、false 不加引号',
        ),
        ('[office]\nspellings = ["2期", "二区"\n', "文件末尾：方括号 [ ] 没有配对：列表以 ] 结束，各项之间用英文逗号"),
        ("[office]\nspellings = [\n", "文件末尾：最后一项设置没有写完：请检查最后几行的方括号和引号是否配对"),
        (
            "[[office.phases]]\n[[office.phases]\n",
            "第 2 行第 16 列：缺少右边的两个方括号 ]]，例如 [[office.phases]]（这一行是：[[office.phases]）",
        ),
        (
            '[office]\n小区名称 = "幸福里"\n',
            '第 2 行第 1 列：这一行不是设置：设置写成“名称 = 值”，说明文字的行首要写 #（这一行是：小区名称 = "幸福里"）',
        ),
    ],
)
def test_a_badly_written_setting_is_said_in_chinese_with_its_line(tmp_path: Path, text: str, said: str) -> None:
    """tomllib says "Invalid value (at line 2, column 10)": the clerk who typed the estate's name without quotes is
    told in Chinese what to write, with the line itself (never a line holding a database address: its password)."""
    config = write(tmp_path / "recordkit.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert caught.value.message == f"配置文件 {config} 格式错误：{said}"


def test_a_bad_office_phone_in_the_file_is_refused(tmp_path: Path) -> None:
    # it was printed as written on every payment reminder; refused where it is printed, not on loading (where it
    # stopped every command, the cashier's too)
    config = write(tmp_path / "recordkit.toml", '[notices]\nphone = "0755-12345678"\n')
    settings = load_settings(config, environ={})
    with pytest.raises(ConfigError) as caught:
        office_phone(settings)
    assert caught.value.message == (
        f"配置文件 {config} 的 [notices] phone 有误：物业服务中心电话“0755-12345678”的号码“12345678”不存在："
        "区号后面的号码以 2–9 开头，不以 0 或 1 开头，请核对后改正"
    )


def test_a_bad_office_phone_in_the_environment_is_refused(tmp_path: Path) -> None:
    config = write(tmp_path / "recordkit.toml", '[notices]\nphone = "0755-86661234"\n')
    with pytest.raises(ConfigError) as caught:
        office_phone(load_settings(config, environ={"RECORDKIT_NOTICES_PHONE": "8666"}))
    assert caught.value.message == (
        "环境变量 RECORDKIT_NOTICES_PHONE 有误：物业服务中心电话“8666”不是有效的手机号或固定电话"
    )


def test_a_good_office_phone_is_taken_as_written(tmp_path: Path) -> None:
    config = write(tmp_path / "recordkit.toml", '[notices]\nphone = "0755 8666 1234"\n')
    assert office_phone(load_settings(config, environ={})) == "0755 8666 1234"
    assert office_phone(load_settings(None, environ={"RECORDKIT_NOTICES_PHONE": ""})) == ""


def test_unknown_environment_variable_is_an_error() -> None:
    with pytest.raises(ConfigError, match="未知的环境变量 RECORDKIT_DATABSE_URL"):
        load_settings(None, environ={"RECORDKIT_DATABSE_URL": "sqlite://"})


def test_environment_variables_that_are_not_settings_are_ignored() -> None:
    settings = load_settings(None, environ={"RECORDKIT_HOME": "/x", "RECORDKIT_TEST_POSTGRES_URL": "y", "PATH": "/bin"})
    assert settings == Settings()


def test_environment_value_of_wrong_type() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={"RECORDKIT_DATABASE_BUSY_TIMEOUT": "半分钟"})
    assert caught.value.message == "环境变量 RECORDKIT_DATABASE_BUSY_TIMEOUT 应为整数，现在是 '半分钟'"


def test_operator_falls_back_to_the_login_name() -> None:
    assert Settings(operator="王出纳").operator_name == "王出纳"
    assert Settings().operator_name  # the OS user, never empty


def test_a_gbk_encoded_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    """Notepad on a Chinese Windows saves GBK by default: say so instead of crashing."""
    config = tmp_path / "recordkit.toml"
    config.write_bytes('[office]\nname = "幸福里物业服务中心"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert caught.value.message == (
        f"配置文件 {config} 不是 UTF-8 编码（可能是 GBK）：请用记事本打开，“另存为”时选择 UTF-8 编码"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("王芳\nroot", "经办人姓名里有换行、控制字符或不可见的格式字符：请只写姓名，例如 王芳"),
        ("王\x1b[31m芳", "经办人姓名里有换行、控制字符或不可见的格式字符：请只写姓名，例如 王芳"),
        ("王\u202e芳", "经办人姓名里有换行、控制字符或不可见的格式字符：请只写姓名，例如 王芳"),
        ("王" * 21, "经办人姓名太长（21 个字）：最多 20 个字"),
    ],
)
def test_an_operator_name_that_cannot_stand_on_paper_is_refused(name: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={"RECORDKIT_OPERATOR": name})
    assert caught.value.message == message


def test_a_number_setting_out_of_its_bounds_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={"RECORDKIT_NOTICES_PAYMENT_DAYS": "99999999999"})
    assert caught.value.message == "配置项 notices.payment_days 的值 99999999999 超出范围：应在 1 到 365 之间"


def _fee_item(effective_from: str, receipt: str = "") -> str:
    return (
        f"{receipt}\n"
        '[[fees.items]]\nname = "物业服务费"\nkind = "area"\nrate = "2.35"\neffective_from = "2026-01"\n'
        f'[[fees.items]]\nname = "电梯费"\nkind = "fixed"\nrate = "20"\neffective_from = "{effective_from}"\n'
    )


@pytest.mark.parametrize(
    ("effective_from", "receipt", "said"),
    [
        ("1999-12", "", "effective_from（起始月份） 1999-12 不在 2000–2099 年之间：请检查年份"),
        (
            "2019-12",
            "[receipt]\nfirst_year = 2020\n",
            "effective_from（起始月份） 2019-12 不在 2020–2099 年之间：请检查年份",
        ),
        (
            "2031-01",
            "[receipt]\nlast_year = 2030\n",
            "effective_from（起始月份） 2031-01 不在 2000–2030 年之间：请检查年份",
        ),
        ("2026-13", "", "月份“2026-13”无效：月份应为 1 至 12"),
    ],
)
def test_a_fee_items_start_outside_the_books_years_is_refused_at_load(
    tmp_path: Path, effective_from: str, receipt: str, said: str
) -> None:
    """A price from 1999, or after ``[receipt] last_year``, was taken at load (and a 1999 one written into the
    ledger by the next sync) though no bill, payment or register can be dated then: refused as any wrong setting,
    naming the entry, its item and the month."""
    config = write(tmp_path / "recordkit.toml", _fee_item(effective_from, receipt))
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert caught.value.message == f"recordkit.toml 的第 2 个 [[fees.items]]（电梯费）有误：{said}"


@pytest.mark.parametrize(
    ("effective_from", "receipt"),
    [
        ("2000-01", ""),
        ("2099-12", ""),
        ("2020-01", "[receipt]\nfirst_year = 2020\n"),
        ("2030-12", "[receipt]\nlast_year = 2030\n"),
    ],
)
def test_a_fee_items_start_inside_the_books_years_is_taken(tmp_path: Path, effective_from: str, receipt: str) -> None:
    config = write(tmp_path / "recordkit.toml", _fee_item(effective_from, receipt))
    assert load_settings(config, environ={}).fees.items[1].effective_from == effective_from


def test_a_settings_file_the_services_account_may_not_read_is_named_in_chinese_with_what_to_do(
    workspace: Workspace,
) -> None:
    """The IT person edited recordkit.toml with ``sudo`` and the editor saved it as root's, mode 600 (it holds the
    database's password): the service's account got "无法读取配置文件 …：Permission denied", the system's English.
    It is told in Chinese now, naming the account and the command that gives it the file, exit 3 as any setting
    recordkit cannot use; and doctor, which the IT person runs first, says the same."""
    config = workspace.config_file
    config.chmod(0o000)
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("RECORDKIT_")},
        "RECORDKIT_HOME": str(workspace.root),
        "USER": "recordkit",  # (as systemd's User= sets it)
        "LOGNAME": "recordkit",
    }
    for command in (["doctor"], ["owners", "list"]):
        ran = subprocess.run(
            [*bound_by_file_modes(), sys.executable, "-m", "recordkit", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert (ran.returncode, ran.stdout) == (ConfigError.exit_code, ""), ran.stderr
        assert ran.stderr.replace("\n", "") == (
            f"错误：无法读取配置文件 {config}：运行 recordkit 的系统账户 recordkit 没有读取它的权限：请让这个账户能读它"
            f"（例如 sudo chown recordkit: {config}）；文件里可能写着数据库的密码，不要改成所有人都能读"
        )


def test_a_settings_file_that_is_a_folder_is_said_so() -> None:
    """A folder named recordkit.toml (a copy gone wrong) was "无法读取配置文件 …：Is a directory"."""
    with pytest.raises(ConfigError) as caught:
        load_settings(Path(__file__).parent, environ={})
    assert caught.value.message == f"无法读取配置文件 {Path(__file__).parent}：这是一个文件夹，不是文件"


_WRITE_SETTING = """
import sys
from pathlib import Path
from recordkit.core.config import write_setting
from recordkit.core.errors import ConfigError
try:
    write_setting(Path(sys.argv[1]), "search", "backend", "sqlite")
except ConfigError as err:
    print(err.message)
    sys.exit(err.exit_code)
"""


def test_a_setting_written_in_a_folder_the_services_account_may_not_write_names_the_account_and_the_chown(
    tmp_path: Path,
) -> None:
    """``recordkit db move`` or ``index --to`` writing the new setting into recordkit.toml, in a workspace folder
    another account owns (made with sudo), said "无法写入配置文件 …：Permission denied", the system's English.  It
    names the account and the folder it must write in (the file is written anew there, then put in place)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    config = write(folder / "recordkit.toml", '[search]\nbackend = ""\n')
    folder.chmod(0o555)
    env = {**os.environ, "USER": "recordkit", "LOGNAME": "recordkit"}
    try:
        ran = subprocess.run(
            [*bound_by_file_modes(), sys.executable, "-c", _WRITE_SETTING, str(config)],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        folder.chmod(0o755)
    assert (ran.returncode, ran.stdout.strip()) == (
        ConfigError.exit_code,
        f"无法写入配置文件 {config}：运行 recordkit 的系统账户 recordkit 没有写入权限："
        f"请让这个账户能写入它所在的文件夹 {folder}（例如 sudo chown recordkit: {folder} {config}）",
    ), ran.stderr
    assert config.read_text(encoding="utf-8") == '[search]\nbackend = ""\n'


def test_a_setting_written_on_a_full_disk_is_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path / "recordkit.toml", '[search]\nbackend = ""\n')

    def full(path: Path, data: bytes, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("recordkit.core.config.write_bytes", full)
    with pytest.raises(ConfigError) as caught:
        write_setting(config, "search", "backend", "sqlite")
    assert caught.value.message == f"无法写入配置文件 {config}：磁盘已满：请清理磁盘空间后重试"
