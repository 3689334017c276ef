"""The reviewed two-language table of words that appear in company and institute names.

Each row is one *concept*: its English spellings, its Chinese spellings (simplified; traditional
input is converted first) and a weight class. A name's words found here become the concept
(``@tech`` for "Technology", "Technologies", 科技, 技术), so "Huawei Technologies Co., Ltd." and
华为技术有限公司 share concepts without translation. Pinyin spellings of the Chinese words
("youxian gongsi", "keji") are derived, not listed.

Weight classes say how much a word tells two parties apart:

- ``form``: legal forms (Co., Ltd., Inc., 有限公司): almost nothing;
- ``generic``: words most company names share (Technology, Group, Research Institute): little;
- ``place``: countries, provinces and cities (China, Beijing, 深圳): some, never enough alone.

Every other word of a name is *distinctive* and weighs most. Reviewed by hand: add a row only
for a word that many unrelated listed parties share; a word that identifies one party must stay
distinctive.
"""

from __future__ import annotations

WEIGHTS: dict[str, float] = {"form": 0.1, "generic": 0.25, "place": 0.35}
DISTINCTIVE_WEIGHT = 1.0
NUMBER_WEIGHT = 1.0

# (concept, class, English spellings, Chinese spellings). Multi-word spellings are matched as
# phrases, longest first; spellings are written already normalised (lower case, no punctuation).
TABLE: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    # legal forms
    ("@co_ltd", "form", ("co ltd", "company limited", "company ltd", "co limited", "limited company"),
     ("有限公司",)),
    ("@joint_stock", "form", ("joint stock company", "joint stock co", "joint stock", "stock company",
                              "company limited by shares", "co ltd by shares", "jsc", "pjsc", "ojsc", "cjsc", "ao",
                              "pao", "oao", "zao"), ("股份有限公司", "股份公司", "股份")),
    ("@llc", "form", ("limited liability company", "limited liability co", "llc", "l l c", "ooo"),
     ("有限责任公司",)),
    ("@corp", "form", ("corporation", "corp"), ("总公司",)),
    ("@company", "form", ("company", "co", "companies"), ("公司",)),
    ("@ltd", "form", ("limited", "ltd"), ()),
    ("@inc", "form", ("incorporated", "inc"), ()),
    ("@plc", "form", ("plc", "pte", "pty", "bhd", "sdn", "gmbh", "ag", "sa", "sarl", "srl", "bv", "nv", "kk", "fze",
                      "fzco", "fzc", "fz llc", "ltda", "sas", "spa", "ab", "oy", "kft", "sro", "doo"), ()),
    # generic words
    ("@tech", "generic", ("technology", "technologies", "tech", "technical", "technological"), ("科技", "技术")),
    ("@science", "generic", ("science", "sciences", "scientific"), ("科学",)),
    ("@group", "generic", ("group", "groups"), ("集团",)),
    ("@holding", "generic", ("holding", "holdings"), ("控股",)),
    ("@research_institute", "generic", ("research institute", "institute", "research center", "research centre",
                                        "institute of research"), ("研究所", "研究院", "研究中心")),
    ("@research", "generic", ("research",), ("研究",)),
    ("@academy", "generic", ("academy",), ("学院",)),
    ("@university", "generic", ("university",), ("大学",)),
    ("@information", "generic", ("information", "info"), ("信息",)),
    ("@industry", "generic", ("industry", "industries", "industrial"), ("产业", "工业", "实业")),
    ("@development", "generic", ("development", "developments"), ("发展", "开发")),
    ("@international", "generic", ("international", "intl", "global"), ("国际", "环球")),
    ("@trading", "generic", ("trading", "trade", "import and export", "import export", "imp exp", "commerce",
                             "commercial"), ("贸易", "进出口", "商贸", "商务")),
    ("@electronics", "generic", ("electronics", "electronic", "electron"), ("电子",)),
    ("@electric", "generic", ("electric", "electrical"), ("电气", "电器")),
    ("@microelectronics", "generic", ("microelectronics", "microelectronic"), ("微电子",)),
    ("@semiconductor", "generic", ("semiconductor", "semiconductors"), ("半导体",)),
    ("@integrated_circuit", "generic", ("integrated circuit", "integrated circuits", "ic"), ("集成电路",)),
    ("@communication", "generic", ("communication", "communications", "telecommunication", "telecommunications",
                                   "telecom"), ("通信", "通讯", "电信")),
    ("@network", "generic", ("network", "networks"), ("网络",)),
    ("@software", "generic", ("software",), ("软件",)),
    ("@computer", "generic", ("computer", "computers", "computing"), ("计算机", "计算")),
    ("@intelligent", "generic", ("intelligent", "intelligence", "smart"), ("智能",)),
    ("@ai", "generic", ("artificial intelligence", "ai"), ("人工智能",)),
    ("@digital", "generic", ("digital",), ("数字", "数码")),
    ("@data", "generic", ("data",), ("数据",)),
    ("@systems", "generic", ("system", "systems"), ("系统",)),
    ("@engineering", "generic", ("engineering",), ("工程",)),
    ("@equipment", "generic", ("equipment", "instruments", "instrument"), ("设备", "装备", "仪器")),
    ("@manufacturing", "generic", ("manufacturing", "manufacture", "manufacturer"), ("制造",)),
    ("@services", "generic", ("service", "services"), ("服务",)),
    ("@solutions", "generic", ("solution", "solutions"), ("解决方案",)),
    ("@aviation", "generic", ("aviation", "aeronautics", "aeronautical", "aero"), ("航空",)),
    ("@aerospace", "generic", ("aerospace", "astronautics", "space"), ("航天",)),
    ("@optoelectronics", "generic", ("optoelectronics", "optoelectronic", "photoelectric"), ("光电",)),
    ("@new_material", "generic", ("materials", "material"), ("材料",)),
    ("@power", "generic", ("power", "energy"), ("电力", "能源")),
    ("@nuclear", "generic", ("nuclear",), ("核工业",)),
    ("@national", "generic", ("national", "state"), ("国家",)),
    ("@central", "generic", ("central",), ("中央",)),
    ("@branch", "generic", ("branch", "subsidiary", "office"), ("分公司", "子公司", "办事处")),
    ("@center", "generic", ("center", "centre", "centers", "centres"), ("中心",)),
    ("@laboratory", "generic", ("laboratory", "laboratories", "lab", "labs"), ("实验室",)),
    ("@investment", "generic", ("investment", "investments", "capital"), ("投资", "资本")),
    ("@logistics", "generic", ("logistics", "shipping", "freight", "supply chain"), ("物流", "货运", "供应链")),
    ("@hong_kong", "place", ("hong kong", "hk", "hongkong"), ("香港",)),
    # places
    ("@china", "place", ("china", "chinese", "prc", "peoples republic of china"), ("中国", "中华")),
    ("@beijing", "place", ("beijing", "peking"), ("北京",)),
    ("@shanghai", "place", ("shanghai",), ("上海",)),
    ("@shenzhen", "place", ("shenzhen",), ("深圳",)),
    ("@guangzhou", "place", ("guangzhou", "canton"), ("广州",)),
    ("@tianjin", "place", ("tianjin",), ("天津",)),
    ("@chongqing", "place", ("chongqing",), ("重庆",)),
    ("@nanjing", "place", ("nanjing",), ("南京",)),
    ("@hangzhou", "place", ("hangzhou",), ("杭州",)),
    ("@wuhan", "place", ("wuhan",), ("武汉",)),
    ("@chengdu", "place", ("chengdu",), ("成都",)),
    ("@xian", "place", ("xian", "xi an"), ("西安",)),
    ("@hefei", "place", ("hefei",), ("合肥",)),
    ("@changsha", "place", ("changsha",), ("长沙",)),
    ("@harbin", "place", ("harbin",), ("哈尔滨",)),
    ("@suzhou", "place", ("suzhou",), ("苏州",)),
    ("@wuxi", "place", ("wuxi",), ("无锡",)),
    ("@xiamen", "place", ("xiamen", "amoy"), ("厦门",)),
    ("@dongguan", "place", ("dongguan",), ("东莞",)),
    ("@zhuhai", "place", ("zhuhai",), ("珠海",)),
    ("@qingdao", "place", ("qingdao",), ("青岛",)),
    ("@jinan", "place", ("jinan",), ("济南",)),
    ("@zhengzhou", "place", ("zhengzhou",), ("郑州",)),
    ("@shenyang", "place", ("shenyang",), ("沈阳",)),
    ("@dalian", "place", ("dalian",), ("大连",)),
    ("@guangdong", "place", ("guangdong",), ("广东",)),
    ("@jiangsu", "place", ("jiangsu",), ("江苏",)),
    ("@zhejiang", "place", ("zhejiang",), ("浙江",)),
    ("@sichuan", "place", ("sichuan",), ("四川",)),
    ("@shandong", "place", ("shandong",), ("山东",)),
    ("@hubei", "place", ("hubei",), ("湖北",)),
    ("@hunan", "place", ("hunan",), ("湖南",)),
    ("@anhui", "place", ("anhui",), ("安徽",)),
    ("@fujian", "place", ("fujian",), ("福建",)),
    ("@shaanxi", "place", ("shaanxi",), ("陕西",)),
    ("@macau", "place", ("macau", "macao"), ("澳门",)),
    ("@taiwan", "place", ("taiwan",), ("台湾",)),
    ("@russia", "place", ("russia", "russian", "russian federation"), ("俄罗斯",)),
    ("@iran", "place", ("iran", "iranian"), ("伊朗",)),
    ("@uae", "place", ("uae", "united arab emirates", "dubai"), ("阿联酋", "迪拜")),
    ("@singapore", "place", ("singapore",), ("新加坡",)),
    ("@malaysia", "place", ("malaysia",), ("马来西亚",)),
)

# Words that carry no meaning in a name at all (dropped, never compared).
STOP_WORDS = frozenset({"the", "of", "and", "for", "a", "an", "de", "la", "le", "du", "und", "aka", "fka", "dba",
                        "formerly", "known", "as", "also", "at"})

# Chinese words that stand for several concepts at once (科学院 is "Academy of Sciences").
COMPOUNDS_ZH: dict[str, tuple[str, ...]] = {
    "科学院": ("@academy", "@science"),
    "工程院": ("@academy", "@engineering"),
    "科技大学": ("@university", "@science", "@tech"),
    "理工大学": ("@university", "@science", "@tech"),
}

# Places that name a country or territory: "China X" and "Beijing X" do not disagree on place,
# but "X Jinan" and "X Wuxi" do (a city or province names a sibling, as a number does).
COUNTRY_PLACES = frozenset({"@china", "@hong_kong", "@macau", "@taiwan", "@russia", "@iran", "@uae", "@singapore",
                            "@malaysia"})

# Legal forms are interchangeable: "Co., Ltd." against "Corporation" is no difference at all.
FORMS = frozenset(c for c, cls, _e, _z in TABLE if cls == "form")
