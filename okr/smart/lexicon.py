"""The SMART coach's lexicon: how text is read in English and Chinese (its language, its length
in words and CJK characters) and the words and patterns the rules look for: vague words,
metrics, audiences, deliverables, activities, absolutes, dates and deadlines.

Pure: no Flask, no database. Lists, not examples: each list holds the words of its kind in
both languages, and a rule (okr.smart.letters) decides what finding them means.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from okr.core.numbers import Found, find_numbers, halfwidth

# Text beyond this is not read: a description may be kilobytes long, and the first 20,000
# characters say all the coach needs. Keeps a live check fast whatever is pasted.
MAX_TEXT = 20_000


def quote(text: str, limit: int = 40) -> str:
    """User text as shown inside a message: one line, short, no lone surrogates."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "replace").decode("utf-8")


# --- text: language, length, words -------------------------------------------------------

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
CJK = re.compile(f"[{_CJK_RANGES}]")
# A word: letters and digits that are not CJK (CJK letters count one by one).
WORD = re.compile(rf"[^\W_{_CJK_RANGES}]+(?:['’.\-][^\W_{_CJK_RANGES}]+)*")
HAS_LETTER = re.compile(rf"[^\W\d_{_CJK_RANGES}]")


def clip(text: object) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    return halfwidth(text[:MAX_TEXT])


def counts(text: str) -> tuple[int, int]:
    """(CJK characters, words in other scripts, numbers included)."""
    return len(CJK.findall(text)), len(WORD.findall(text))


def text_length(text: str) -> int:
    """Length as a reader feels it: CJK characters one by one, other text in words.

    ``text_length("提升用户创作活跃度") == 9``; ``text_length("Improve the website") == 3``;
    mixed text adds both: ``text_length("提升 DAU 到 30%") == 5``.
    """
    chars, words = counts(clip(text))
    return chars + words


def text_size(text: str) -> float:
    """Length in English-word equivalents: a word is a word, two CJK characters make one."""
    chars, words = counts(text)
    return words + chars / 2


def detect_language(text: str) -> str | None:
    """``"zh"``, ``"en"``, ``"mixed"``, or None when the text has no letters.

    Chinese with a few Latin acronyms or names (``把 NPS 提升到 40``) is still ``"zh"``;
    ``"mixed"`` is for text that really uses both (``提升 user engagement``).
    """
    text = clip(text)
    chars = len(CJK.findall(text))
    words = [w for w in WORD.findall(text) if HAS_LETTER.search(w)]
    if not chars and not words:
        return None
    if not words:
        return "zh"
    if not chars:
        return "en"
    acronyms = [w for w in words if (w.isupper() or any(ch.isdigit() for ch in w)) and len(w) <= 8]
    names = [w for w in words if w[:1].isupper()]
    if chars >= 2 and len(acronyms) == len(words):
        return "zh"
    if chars >= 2 and len(names) == len(words) and len(words) <= 2:
        return "zh"  # 迁移到 PostgreSQL: a name inside Chinese text
    if chars == 1 and len(words) >= 2:
        return "en"
    return "mixed"


def _en(words: list[str] | tuple[str, ...]) -> re.Pattern:
    """English words or phrases (regex fragments), matched case-insensitively between
    non-letters: ``\\b`` would not see an edge between 提升 and DAU."""
    alternation = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternation})(?![A-Za-z0-9])", re.IGNORECASE)


def _zh(words: list[str] | tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


# Vague words: direction without substance. They fail or warn only when nothing measurable
# or concrete stands with them.
VAGUE_EN = _en(
    r"""improv\w* enhanc\w* optimi[sz]\w* strengthen\w* boost\w* streamlin\w* leverag\w*
    facilitat\w* empower\w* foster\w* maximi[sz]\w* minimi[sz]\w* better best more less
    some several various many numerous much lots a\s+lot asap as\s+soon\s+as\s+possible
    as\s+much\s+as\s+possible significant(?:ly)? substantial(?:ly)? great(?:er|ly)? good nice
    effective(?:ly)? efficient(?:ly)? robust seamless(?:ly)? world[-\s]class best[-\s]in[-\s]class
    top[-\s]notch cutting[-\s]edge next[-\s]level state[-\s]of[-\s]the[-\s]art high[-\s]quality
    synerg\w* holistic(?:ally)? continuous(?:ly)? appropriate(?:ly)? adequate(?:ly)?
    sufficient(?:ly)? further etc stuff things try\s+to strive\w*
    endeavou?r\w* aim\s+to seek\s+to hopefully somewhat a\s+bit drive excellent
    amazing awesome outstanding happ(?:y|ier|iness) lead(?:s|ing)?\s+(?:the\s+)?(?:market|industry|field|space)
    (?:hit|hitting|meet|meeting|achiev\w*|reach\w*|exceed\w*)\s+(?:all\s+)?(?:(?:our|the|its|their|my|your)\s+)?(?:[a-z0-9]+\s+){0,2}?(?:targets|goals|kpis|numbers|plans?)
    (?:market|industry)[-\s]lead(?:er|ing) leader""".split()
)
VAGUE_ZH = _zh(
    """提升 加强 优化 尽快 一些 大力 进一步 更好 努力 适当 提高 改善 改进 完善 增强 强化 推进
    推动 促进 加快 做好 抓好 赋能 打造 深化 夯实 巩固 更多 较多 较大 较好 显著 大幅 明显
    有效(?![用期]) 持续(?!时间) 不断 全面 深入 积极 稳步 逐步 切实 尽量 尽可能 争取 力争 若干
    各种 各类 多方面 高质量 高效 一流 领先 世界级 极致 充分 尽早 早日 等等 有所 一定程度
    更加 良好 做大 做强 做优 做精 高绩效 高水平 高标准 健全 精细化 系统化 体系化 相关 大幅度
    增效 提质 提效 (?:实现|完成|达成|达到|冲刺)[\u4e00-\u9fff]{0,6}?(?:目标|指标|KPI)""".split()
)
# Words that sound like a time but bind nothing.
VAGUE_TIME_EN = _en(
    r"asap as\s+soon\s+as\s+possible soon someday eventually later over\s+time in\s+the\s+future "
    r"in\s+due\s+course when\s+possible ongoing".split()
)
VAGUE_TIME_ZH = _zh("尽快 尽早 早日 近期 将来 未来 后续 适时 择机 长期 以后 日后".split())

# What is measured: metric nouns, and Chinese words ending in 率/量/数/度... (转化率, 发布量).
METRIC_EN = _en(
    r"""revenue\w* sales bookings income profit\w* margins? costs? spend\w* budget\w* churn\w*
    retention retained conversions? conversion\s+rate nps csat ces satisfaction dau mau wau arr
    mrr gmv aov ltv cac roi nrr grr latency uptime availability load\s+time response\s+time
    downtime incidents? outages? bugs? defects? errors? error\s+rate crash(?:es)? crash\s+rate
    tickets? backlog sign[-\s]?ups? registrations? subscribers? subscriptions? installs?
    downloads? active\s+users orders? leads? pipeline deals? traffic visits? sessions?
    page\s?views? clicks? ctr engagement activation adoption usage throughput cycle\s+time
    lead\s+time coverage headcount attrition turnover hires score\w* rates? ratios? share
    market\s+share time[-\s]to[-\s]\w+ mttr mttd sla slo p9[059] yield inventory on[-\s]time
    accuracy win\s+rate renewals? participation attendance completion\s+rate open\s+rate
    reply\s+rate response\s+rate resolution\s+time wait\s+time views? impressions reach
    followers mentions reviews ratings? stars emissions savings velocity lead[-\s]time
    frequency cadence speed duration morale well[-\s]?being enps burnout
    utili[sz]ation occupancy basket\s+size repeat\s+purchases? cost\s+per\s+\w+ per\s+day
    per\s+week per\s+month per\s+user daily weekly\s+active monthly\s+active""".split()
)
METRIC_ZH = _zh(
    """收入 营收 销售额 销量 利润 毛利 净利 成本 费用 预算 流失 留存 转化 复购 日活 月活 周活
    满意度 好评 差评 投诉 故障 事故 缺陷 延迟 时延 耗时 响应时间 加载时间 可用性 覆盖率 渗透率
    客单价 订单 下载 注册 粉丝 播放 阅读 点击 曝光 线索 人效 库存 准时 良品 份额 排名 评分
    得分 时长 工单 净推荐值 活跃 获客 拉新 召回 产能 产量 交付周期 营业额 现金流 回款 坏账
    出错 宕机 停机 日均 月均 周均 人均 GMV 发布量 用户数 次数 人数 规模 速度 续约 续费 续订
    意愿 口碑""".split()
)
METRIC_ZH_SUFFIX = re.compile(r"[\u4e00-\u9fff](?:率|量(?!化)|数(?![据字码学])|度|额|值|占比|比例)")
NOT_METRIC_ZH = ("效率", "质量", "力量", "尽量", "大量", "少量", "考量", "能量", "制度", "态度",
                  "力度", "角度", "年度", "季度", "月度", "程度", "高度", "深度", "广度", "无数",
                  "多数", "少数", "价值", "一度", "再度", "适度", "过度", "极度", "进一步")  # fmt: skip

# For whom: the people an outcome is for.
AUDIENCE_EN = _en(
    r"""users? customers? clients? creators? merchants? sellers? buyers? shoppers? developers?
    devs partners? employees? staff members? subscribers? students? learners? patients?
    visitors? readers? viewers? advertisers? hosts? guests? drivers? riders? authors? donors?
    volunteers? vendors? suppliers? agents? admins? administrators? engineers? designers?
    marketers? teachers? parents? players? gamers? tenants? citizens? residents? enterprises?
    smbs? smes? accounts? new\s+hires newcomers? beginners? prospects? audiences? owners?
    families? members? sales\s+reps? operators? contributors? maintainers? analysts? managers?
    for\s+(?:the\s+|our\s+|all\s+|every\s+)?[a-z]{3,}""".split()
)
AUDIENCE_ZH = _zh(
    """用户 客户 创作者 作者 商家 商户 卖家 买家 开发者 合作伙伴 伙伴 员工 同事 会员 学员 学生
    患者 访客 读者 观众 粉丝 主播 骑手 司机 乘客 门店 经销商 代理商 供应商 新人 新员工 老师
    家长 玩家 租户 居民 企业 中小企业 消费者 顾客 采购方 运营人员 销售人员 工程师 设计师""".split()
)

# Deliverables: a verb that ends in something you can point at. Strong verbs need only an
# object; weak ones need a thing (an artifact noun, a number or a name) to be concrete.
STRONG_EN = _en(
    r"""launch(?:es|ed|ing)? ship(?:s|ped|ping)? releas(?:e|es|ed|ing) publish(?:es|ed|ing)?
    hire[sd]? hiring recruit(?:s|ed|ing)? sign(?:s|ed|ing)? migrat(?:e|es|ed|ing)
    deploy(?:s|ed|ing)? roll(?:s|ed|ing)?\s+out go(?:es)?\s+live went\s+live open(?:s|ed)?
    onboard(?:s|ed)? certif(?:y|ies|ied) get\s+certified decommission(?:s|ed|ing)?
    retire[sd]? sunset(?:s|ting)? shut(?:s|ting)?\s+down file[sd]? submit(?:s|ted|ting)?
    pass(?:es|ed)? sell(?:s|ing)? sold close[sd]? win(?:s|ning)? won acquir(?:e|es|ed|ing)
    fix(?:es|ed|ing)? resolv(?:e|es|ed|ing) automat(?:e|es|ed|ing)""".split()
)
WEAK_EN = _en(
    r"""deliver(?:s|ed|ing)? build(?:s|ing)? built creat(?:e|es|ed|ing) establish(?:es|ed|ing)?
    complet(?:e|es|ed|ing) finish(?:es|ed|ing)? implement(?:s|ed|ing)? develop(?:s|ed|ing)?
    writ(?:e|es|ing) wrote set(?:s|ting)?\s+up design(?:s|ed|ing)? defin(?:e|es|ed|ing)
    document(?:s|ed|ing)? integrat(?:e|es|ed|ing) upgrad(?:e|es|ed|ing)
    introduc(?:e|es|ed|ing) run(?:s|ning)? ran hold(?:s|ing)? held host(?:s|ed|ing)?
    train(?:s|ed)? conduct(?:s|ed|ing)? produc(?:e|es|ed|ing) draft(?:s|ed|ing)?
    prepar(?:e|es|ed|ing) finali[sz](?:e|es|ed|ing) obtain(?:s|ed|ing)? achiev(?:e|es|ed|ing)
    secur(?:e|es|ed|ing) start(?:s|ed|ing)? add(?:s|ed|ing)? adopt(?:s|ed|ing)?
    select(?:s|ed|ing)? choos(?:e|es|ing) chose negotiat(?:e|es|ed|ing) renew(?:s|ed|ing)?
    replac(?:e|es|ed|ing) remov(?:e|es|ed|ing) rewrit(?:e|es|ing) refactor(?:s|ed|ing)?
    redesign(?:s|ed|ing)? consolidat(?:e|es|ed|ing) standardi[sz](?:e|es|ed|ing)
    organi[sz](?:e|es|ed|ing) enabl(?:e|es|ed|ing) provid(?:e|es|ed|ing) convert(?:s|ed|ing)?
    translat(?:e|es|ed|ing) install(?:s|ed|ing)? set\s+up""".split()
)
# Verbs that make what follows them the thing measured, not a deliverable: "Improve release
# quality", "Increase release frequency", "提升发布效率", "缩短上线周期".
DIRECTION_EN = _en(
    r"""improv\w* enhanc\w* optimi[sz]\w* strengthen\w* boost\w* streamlin\w* increas\w*
    reduc\w* decreas\w* grow\w* rais\w* lower\w* cut(?:s|ting)? doubl\w* tripl\w* halv\w*
    shorten\w* speed\s+up accelerat\w* maximi[sz]\w* minimi[sz]\w* maintain\w* keep
    measur\w* track\w* expand\w*(?!\s+(?:into|to)(?![A-Za-z])) widen\w* deepen\w* broaden\w* elevat\w* amplif\w*""".split()
)
DIRECTION_ZH = _zh(
    """提升 加强 优化 提高 改善 改进 完善 增强 强化 推进 推动 促进 加快 做好 抓好 赋能 打造 深化
    夯实 巩固 增加 减少 降低 缩短 增长 扩大 压缩 控制 保持 维持 衡量 跟踪 扩展 拓宽 加深""".split()
)
ARTIFACT_EN = _en(
    r"""pages? features? apps? applications? versions? v\d+ reports? dashboards? polic(?:y|ies)
    playbooks? handbooks? guides? manuals? system systems tools? apis? sdks? integrations?
    courses? trainings? workshops? webinars? plans? roadmaps? documents? docs? specs?
    specifications? designs? prototypes? mvps? pilots? pocs? campaigns? stores? offices?
    contracts? agreements? partnerships? certifications? audits? pipelines? services? modules?
    databases? clusters? librar(?:y|ies) plugins? templates? workflows? surveys? newsletters?
    events? conferences? meetups? programs? programmes? curricul(?:um|a) checklists? runbooks?
    rfcs? proposals? website? sites? portals? checkout flows? wizards? endpoints? channels?
    studies study research\s+report white\s?papers? documentation videos? podcasts? posts? articles?
    tutorials? releases? builds? branch(?:es)? region data\s?centers? warehouses? stores?
    budget hiring\s+plan job\s+descriptions? roles? positions? engineers? designers? managers?
    reconciliations? stock[-\s]?takes? appraisals? performance\s+reviews? handovers?
    people staff sso 2fa mfa soc\s?2 iso\s?\d+ gdpr hipaa""".split()
)
STRONG_ZH = _zh(
    """上线 发布 推出 招聘 招募 签约 签署 迁移 部署 开通 落地 下线 投产 开业 开设 开出 入驻
    交付 上架 开源 开播 举办 召开 出台 颁布 提交 中标 发表 取得认证 通过认证 通过审计 修复""".split()
)
WEAK_ZH = _zh(
    """完成 搭建 建立 建成 开发 编写 撰写 制定 实现 建设 引入 组织 培训 设计 输出 产出 验收
    替换 关闭 改造 重构 升级 集成 对接 接入 形成 出具 编制 整理 通过 获得 取得 启动 试点
    新增 增设 开展 落实 写""".split()
)
ARTIFACT_ZH = _zh(
    """页面 功能 版本 报告 看板 仪表盘 制度 流程 系统 平台 工具 接口 课程 培训 手册 指南 方案
    文档 规范 原型 试点 活动 门店 合同 协议 认证 审计 服务 模块 数据库 集群 模板 问卷 直播
    发布会 小程序 官网 网站 频道 专栏 计划 机制 中台 应用 客户端 后台 路线图 预算 岗位 讲座
    大会 会议 白皮书 标准 预案 数据集 模型 账号 社群 店铺 网点 仓库 产线 生产线 设备 项目
    工程师 分公司 办公室 版 博客 文章 视频 案例 教程 专利 论文 SOP API App APP SDK
    对账 盘点 结算 决算 备案 交接 年检 年审 选型 面谈 述职 分享 沙龙""".split()
)
# Done states: "Billing page live", "计费页面上线".
DONE_EN = _en(
    r"""live launched shipped released published signed approved completed done in\s+production
    generally\s+available ga certified go[-\s]live delivered migrated deployed in\s+place
    up\s+and\s+running operational rolled\s+out""".split()
)
# Deliverables that come in numbers: hiring, signing, onboarding people or partners. Without
# a count ("Hire engineers", "签约渠道伙伴") nobody can tell when it is done.
COUNTED_EN = re.compile(
    r"(?<![A-Za-z0-9])(?:hire|recruit|sign(?:\s+up)?|onboard|close|win|acquire|fix|resolve)\s+"
    r"(?!(?:a|an|the|one|our|my|its|their|first|each|every|all|this|that)(?![A-Za-z]))"
    r"(?:[a-z][a-z-]*\s+){0,2}[a-z]*[^\Ws]s(?![A-Za-z0-9])",
    re.IGNORECASE,
)
COUNTED_ZH = re.compile(
    r"(?:招聘|招募|签约|签下|拓展|发展|引入|新增)(?!\d|[一二两三四五六七八九十百千万几]|首)[\u4e00-\u9fff]{0,6}?"
    r"(?:伙伴|客户|商家|工程师|人才|员工|会员|用户|渠道|代理商|经销商|供应商|门店|合作方|创作者|主播)"
    # 招聘销售: salespeople, how many? (招聘销售总监 is one role, and fine)
    r"|(?:招聘|招募)(?!\d|[一二两三四五六七八九十百千万几]|首)[\u4e00-\u9fff]{0,4}?"
    r"(?:销售|人员|程序员|研发|客服|实习生|设计师|顾问|讲师|骑手|司机|店员|运营)"
    r"(?![\u4e00-\u9fffA-Za-z])"
)
# Activities: work that may never end in a result.
ACTIVITY_EN = _en(
    r"""research\w* explor\w* investigat\w* stud(?:y|ies|ying) look\s+into evaluat\w*
    analy[sz]\w* discuss\w* review\w* consider\w* work\s+on focus\s+on help\w* assist\w*
    participat\w* attend\w* learn\w* understand\w* monitor\w* track\w* follow\s+up
    coordinat\w* communicat\w* try trying support(?:s|ing)? plan(?:s|ning)?
    (?:make|making|made)\s+progress progress\s+on""".split()
)
ACTIVITY_ZH = _zh(
    """研究 探索 调研 分析 讨论 评估 考虑 了解 学习 关注 跟进 参与 协助 支持 配合 跟踪 梳理
    沟通 协调 尝试 探讨 研讨 摸索 推进""".split()
)
# Absolutes: no margin left in a committed item.
# "every week", "every other Friday", "every 2 days": a cadence, not an absolute.
_CADENCE_EN = (
    r"(?:other\s+|single\s+|\d+\s+|two\s+|three\s+|few\s+)?(?:day|week|month|quarter|year|morning|evening|night"
    r"|sprint|release|iteration|weekday|weekend|business\s+day|working\s+day|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|hour|minute)s?(?![A-Za-z])"
)
ABSOLUTE_EN = _en(
    rf"all(?![-\s]hands) every(?!\s+{_CADENCE_EN}) everyone everything always never zero none no\s+bugs".split()
    + r"flawless(?:ly)? perfect(?:ly)? entire(?:ly)? 100\s?%".split()
)
ABSOLUTE_ZH = re.compile(
    r"零(?:缺陷|故障|事故|投诉|差错|失误|错误|延迟|宕机|停机|漏洞|bug|BUG|伤亡|丢失|流失|遗漏|逾期|容忍|风险)"
    r"|所有|全部|一切|从不|绝不|永不|总是|始终|百分百|全覆盖|全员|杜绝|彻底|无任何|100\s?%"
)
# Relative targets and yes/no outcomes are measurable too: double revenue, 翻一番, break even.
RELATIVE_EN = _en(
    r"doubl(?:e|es|ed|ing) tripl(?:e|es|ed|ing) quadrupl(?:e|es|ed|ing) halv(?:e|es|ed|ing) twice "
    r"[a-z]+[-\s]?fold \d+(?:\.\d+)?\s?[x×] break[-\s]?even profitab(?:le|ility) cash[-\s]flow[-\s]positive "
    r"(?:by|in)\s+half carbon[-\s]neutral net[-\s]zero "
    r"by\s+(?:a|one|two|three)\s+(?:thirds?|quarters?|fifths?|tenths?)".split()
)
RELATIVE_ZH = re.compile(
    r"翻(?:一|两|二|三|四|五|\d{1,3})?[番倍]|减半"
    r"|(?<![\d.一二两三四五六七八九十])(?:\d{1,9}(?:\.\d{1,6})?|[一二两三四五六七八九十]{1,4})\s*倍"
    r"|一半|盈亏平衡|扭亏|实现盈利|收支平衡|碳中和|碳达峰"
)
STOP_EN = frozenset(
    "a an the our my your their its of to for in on with and or by at from this that these those "
    "we us it be is are as into onto per than then so all any each more".split()
)  # fmt: skip
NAME_EXCLUDE = frozenset(
    "ASAP ETC OK TBD OKR OKRS KR KRS KPI KPIS FY EOY EOQ EOM EOW YTD AND THE FOR TO OF A I".split()
)


def vague_words(text: str) -> list[str]:
    """The vague words in ``text``, in order, as written: English (improve, better, some,
    more, ASAP, various…) and Chinese (提升, 加强, 优化, 尽快, 一些, 大力, 进一步, 更好, 努力,
    适当…). Finding one does not make an item vague: see :func:`check`."""
    text = clip(text)
    found = [(m.start(), m.group()) for m in VAGUE_EN.finditer(text)]
    found += [(m.start(), m.group()) for m in VAGUE_ZH.finditer(text)]
    return [word for _, word in sorted(found)]


def vague_what(text: str) -> list[str]:
    """The vague words that blur what is promised: those of :func:`vague_words` except the
    ones that only blur when (ASAP, 尽快, 尽早), which Time-bound judges on its own. "Fix
    the login bug ASAP" is specific and has no deadline; it is not vague about what."""
    return [w for w in vague_words(text) if not (VAGUE_TIME_EN.fullmatch(w) or VAGUE_TIME_ZH.fullmatch(w))]


# --- dates --------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_B = r"(?<![A-Za-z0-9])"  # an ASCII word edge, also next to CJK text
_E = r"(?![A-Za-z0-9])"
_DAY_YEAR = rf"(?:\.?\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?{_E})?(?:,?\s+(?:19|20)\d\d{_E})?"
_EN_COUNT = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|sixty|ninety)"
)
# Bounded, and never started inside a longer run of digits: a pasted run of 一一一… must not
# make the search quadratic.
_CN_COUNT = r"(?<![\d一二两三四五六七八九十百])(?:\d{1,6}|[一二两三四五六七八九十百]{1,6}|半)"
_CN_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_CN_DAY = r"(?:3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_DATE_PATTERNS = [
    # ISO dates and periods: 2026-06-30, 2026/6/30, 2026-Q2, 2026 Q2, 2026-W21, 2026-05, FY2026
    rf"{_B}(?:19|20)\d\d[-/.](?:1[0-2]|0?[1-9])[-/.](?:3[01]|[12]\d|0?[1-9]){_E}",
    rf"{_B}(?:19|20)\d\d\s?-?\s?[QqHh][1-4]{_E}",
    rf"{_B}(?:19|20)\d\d-[Ww](?:5[0-3]|[0-4]\d){_E}",
    rf"{_B}(?:19|20)\d\d-(?:1[0-2]|0[1-9]){_E}(?![-/.]\d)",
    rf"{_B}FY\s?'?(?:\d\d){{1,2}}{_E}",
    rf"{_B}[Qq][1-4]{_E}(?:\s*(?:FY)?\s*'?(?:19|20)?\d\d{_E})?",
    rf"{_B}[Hh][12]{_E}",
    # numeric dates: 6/30/2026, 30.06.2026; a bare 6/30 only after by/before/until/on/due
    rf"{_B}(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])/(?:\d\d){{1,2}}{_E}",
    rf"{_B}(?:3[01]|[12]\d|0?[1-9])\.(?:1[0-2]|0?[1-9])\.(?:19|20)\d\d{_E}",
    rf"{_B}(?:by|before|until|till|on|due)\s+(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9]){_E}",
    # month names: June 30, 30 June, June 2026, by June, end of June (May only capitalised)
    rf"(?i:{_B}(?!may){_MONTH}\.?\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?{_E})",
    rf"{_B}May\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?{_E}",
    rf"(?i:{_B}(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?(?!may){_MONTH}{_E})",
    rf"{_B}(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?May{_E}",
    rf"(?i:{_B}(?!may){_MONTH}\.?,?\s+(?:19|20)\d\d{_E})",
    rf"{_B}May,?\s+(?:19|20)\d\d{_E}",
    rf"(?i:{_B}(?:by|in|before|until|till|through|thru|during|from|end\s+of|start\s+of|beginning\s+of"
    rf"|middle\s+of|mid|early|late)[\s-]+(?:the\s+)?(?:end\s+of\s+)?(?!may){_MONTH}{_E}{_DAY_YEAR})",
    rf"(?i:{_B}(?:by|in|before|until|till|through|during|end\s+of|mid)[\s-]+)May{_E}{_DAY_YEAR}",
    # relative: this quarter, next month, end of Q2, year-end, EOY, within 6 weeks, by Friday
    rf"(?i:{_B}(?:this|next|coming|current|following)\s+(?:week|month|quarter|year|half|sprint"
    rf"|fiscal\s+year|financial\s+year|fy|release|season){_E})",
    rf"(?i:{_B}(?:end|close|start|beginning|middle|mid)(?:\s+of)?[\s-]+(?:the\s+)?(?:this\s+|next\s+)?"
    rf"(?:week|month|quarter|year|half|sprint|fy|fiscal\s+year|q[1-4]|h[12]){_E})",
    rf"(?i:{_B}(?:year|quarter|month|week|sprint)[-\s]end{_E})",
    rf"(?i:{_B}(?:eoy|eoq|eom|eow|ytd|qtd|mtd){_E})",
    rf"(?i:{_B}(?:within|in|over|for|after)\s+(?:the\s+)?(?:next\s+|coming\s+|first\s+)?{_EN_COUNT}\s+"
    rf"(?:business\s+|working\s+)?(?:days?|weeks?|months?|quarters?|years?|sprints?){_E})",
    rf"(?i:{_B}(?:by|before|until|till|on|due|next)\s+(?:next\s+)?(?:monday|tuesday|wednesday|thursday"
    rf"|friday|saturday|sunday|tomorrow|tonight|today|the\s+end){_E})",
    rf"(?i:{_B}(?:by|before|until|till|in|during|through|for|end\s+of|due)\s+(?:19|20)\d\d{_E}(?!\s?[%％]))",
    rf"(?i:{_B}by\s+the\s+(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th){_E})",
    # holidays: before Christmas, by Black Friday, ahead of Lunar New Year
    rf"(?i:{_B}(?:by|before|until|till|ahead\s+of|in\s+time\s+for|for)\s+(?:the\s+)?(?:christmas|xmas|thanksgiving"
    rf"|black\s+friday|cyber\s+monday|easter|(?:lunar\s+|chinese\s+)?new\s+year(?:'s)?|diwali|labou?r\s+day"
    rf"|memorial\s+day|independence\s+day|(?:the\s+)?holidays|holiday\s+season|summer\s+break){_E})",
    rf"(?i:{_B}(?:today|tomorrow|tonight){_E})",
    # Chinese: 2026年6月30日, 6月底, 6月30日前, 六月底, 第二季度, 二季度, 本月, 本季度, 年底,
    # 上半年, 三个月内, 春节前, 下周五
    rf"(?:(?:19|20)\d\d|[〇零一二三四五六七八九]{{4}})\s*年(?:\s*{_CN_MONTH}\s*月(?:\s*{_CN_DAY}\s*[日号])?)?",
    rf"(?<![\d个一二三四五六七八九十])(?:{_CN_MONTH})\s*月份?(?!活跃|活用户|活数|均|薪|费|度|报|刊|票)"
    rf"(?:\s*{_CN_DAY}\s*[日号])?(?:底|末|初|中旬|上旬|下旬|中|前|之前|以前)?",
    r"(?<![\d月])(?:3[01]|[12]\d|0?[1-9])\s*[日号]\s*(?:前|之前|以前|截止)",
    r"第?[一二三四1-4]\s*季度|第?[一二三四]季",
    r"[上下]半年|[上下]半财年",
    r"(?:本|这|下|上)周[一二三四五六日天]",
    r"(?:本|这个|这|下个?|下一个?|当|今|明|次)(?:月|季度|季|周|星期|年度|年|财年|半年)",
    r"年底|年末|年中|年初|年内|年前|年终|月底|月末|月中|月初|月内|季度末|季末|季度内|季度底|季度初|周末|周内|当周|当月|当季|年度内",
    # (not after 到/至/为/于/控制在: 缩短到2小时以内 is a target duration, not a deadline)
    rf"(?<![到至为于])(?<!控制在){_CN_COUNT}\s*个?\s*(?:天|日|周|星期|月|季度|年|工作日)\s*(?:内|以内|之内)",
    r"(?:春节|国庆|元旦|中秋|五一|端午|双十一|双11|双12|618|清明)(?:节)?\s*(?:前|之前|以前|期间|档期)",
    r"(?:截止|截至|截止到|截止于|deadline)\s*[:：]?(?=\s*\d)",
]
DATE = re.compile("|".join(f"(?:{p})" for p in _DATE_PATTERNS))


def find_dates(text: str) -> list[tuple[int, int]]:
    """Spans of dates and deadlines in ``text``, English or Chinese.

    English: ``by June 30``, ``30 June``, ``end of Q2``, ``Q2``, ``H1``, ``2026-06-30``,
    ``6/30/2026``, ``FY2026``, ``this quarter``, ``next month``, ``year-end``, ``within 6
    weeks``, ``by Friday``, ``by 2027``. Chinese: ``6月底``, ``6月30日前``, ``六月底``,
    ``2026年6月``, ``第二季度``, ``二季度``, ``本月``, ``本季度``, ``下周五``, ``年底``,
    ``上半年``, ``三个月内``, ``春节前``. Not dates: ``3个月`` (a count), ``月活`` (MAU), ``ASAP``.
    """
    text = clip(text)
    return [match.span() for match in DATE.finditer(text) if match.end() > match.start()]


# 一次, 一遍, 一轮: how many times (每月组织一次分享), unless it means "first time" (一次解决率).
_ONCE = re.compile(r"[次遍轮趟回](?!解决|通过|成功|合格|到位|性|交付|修复|命中)")
# Shopping festivals are named by numbers: 618大促, 双11, 双十二.
FESTIVAL = re.compile(
    r"双\s*(?:11|12|十一|十二)(?![\d%])"
    r"|(?<![\d.])(?:618|520|818)(?=\s*(?:大促|活动|购物节|期间|档期|节|前|当天|狂欢|促销|年中|备战|保障))"
)


def find_measures(text: str) -> list[Found]:
    """The numbers in ``text`` that are not part of a date (``30%`` but not the 30 of
    ``June 30``) nor the Chinese article 一 (一支团队); see :func:`okr.core.numbers.find_numbers`
    for what is read as a number."""
    text = clip(text)
    dates = find_dates(text)  # sorted and disjoint, as finditer gives them
    festivals = [m.span() for m in FESTIVAL.finditer(text)]
    starts = [start for start, _ in dates]
    measures = []
    for number in find_numbers(text):
        begin, end = number.span
        index = bisect_left(starts, end) - 1  # the last date starting before the number ends
        if index >= 0 and dates[index][1] > begin:
            continue
        if text[begin:end] == "一" and not _ONCE.match(text, end):
            continue  # 一支团队, 一套制度: the Chinese "a", not a count
        if any(a < end and begin < b for a, b in festivals):
            continue  # 618大促, 双11: the name of a sale, not a quantity
        measures.append(number)
    return measures
