"""Chinese surnames: whether a name of Chinese characters can be a person's, by the surname it starts with.

Owns the list alone; reading an owner cell into names is ``owners.contacts``'.  The list is generous (the 百家姓, the
common surnames it lacks, their traditional forms): a surname missing from it would read a person's name as part of
a company's written with a 、 inside it (``contacts.split_owner_names``), while one too many only keeps a cell split
as it was before.
"""

from __future__ import annotations

# The 百家姓's single surnames, then common ones it lacks, then traditional forms (owners from Hong Kong, Macao and
# Taiwan sign with them).  The heavenly stems 甲, 乙, 丙, 戊, 己, 庚, 壬, 癸 (placeholders in company names) are none;
# 丁 and 辛 are.
_SINGLE = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马"
    "苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪"
    "祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田"
    "樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封"
    "芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶"
    "郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边"
    "扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚"
    "越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公岳帅缑亢况郈有琴商"
    "牟佘佴伯赏墨哈谯笪年爱阳佟言福晋楚闫法汝鄢涂钦归海"
    # common today, not in the 百家姓
    "付肖覃邝兰代冼麦区练粟揭过庹蹇盘甯雒仝战栗原门信迟邸植苟鲜展尉伞亓凃禤衣啜银占官母操泮卿丘谌芦招矫隋郄檀续由初修綦郇但敬朴"
    # traditional forms
    "陳張黃劉楊趙吳鄭馮蔣韓許呂葉蘇盧羅鄧謝馬孫錢衛鄒韋鳳費賀湯鄔齊顧龐紀項賈婁顏鍾萬龔嚴陸榮閻閔聶歐蕭莊譚關"
    "區麥鄺賴魯駱連溫饒塗鮑龍蘭鐘練幹閆勞蓋樂時喬雲"
)
SINGLE_SURNAMES = frozenset(_SINGLE)
COMPOUND_SURNAMES = frozenset((
    "万俟", "司马", "上官", "欧阳", "夏侯", "诸葛", "闻人", "东方", "赫连", "皇甫", "尉迟", "公羊", "澹台", "公冶", "宗政", "濮阳",
    "淳于", "单于", "太叔", "申屠", "公孙", "仲孙", "轩辕", "令狐", "钟离", "宇文", "长孙", "慕容", "鲜于", "闾丘", "司徒", "司空",
    "亓官", "司寇", "仉督", "子车", "颛孙", "端木", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁",
    "段干", "百里", "东郭", "南门", "呼延", "羊舌", "微生", "梁丘", "左丘", "东门", "西门", "南宫", "第五",
    "歐陽", "諸葛", "東方", "尉遲", "長孫", "鍾離", "軒轅", "司馬", "聞人", "公孫", "單于", "鮮于", "閭丘",
))  # fmt: skip


def starts_with_surname(name: str) -> bool:
    """Whether ``name``, of Chinese characters, starts with a surname: a compound one (欧阳, 司徒) or a single one (张,
    陳).  甲乙 does not."""
    return name[:2] in COMPOUND_SURNAMES or name[:1] in SINGLE_SURNAMES


def is_surname(text: str) -> bool:
    """Whether ``text`` is a surname and nothing more (张, 司徒, 歐陽): no person's name, for a surname alone names no
    one."""
    return text in COMPOUND_SURNAMES or text in SINGLE_SURNAMES
