"""The demo organisation a new user sees first: a bilingual company with this year's goals, last
and this quarter's OKRs, weekly check-ins, projects, five weeks of Eisenhower tasks and RACI.

Everything is dated relative to the ``today`` passed in and drawn from a fixed-seed random
generator, so the same day always gives the same plan. No Flask here: ``build_demo_plan`` returns
a plan document (``okr-plan/1``) and ``seed_demo`` imports it through the plan importer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import select

from okr.accounts import passwords
from okr.core import models, periods
from okr.core.settings import DEMO_ORG_SLUG
from okr.plandoc import document as plandoc
from okr.seed import demo_budget

DEMO_ORG_NAME = "星河科技 Galaxy Tech (demo)"
DEMO_PASSWORD = "demo-password"
SEED = 20260521

ADMIN_EMAIL = "admin@example.com"

# The team member a new user signs in as: this week their board has an open Schedule task in a
# project and an open Do task, so they can drag Schedule → Do and finish it at once.
DEMO_MEMBER = "wang@example.com"

# (email, what signing in as them shows), printed after `okr demo` so a new user can look around.
DEMO_LOGINS = [
    (ADMIN_EMAIL, "admin: people, teams and every plan / 管理员"),
    ("li@example.com", "manager of 内容平台部 (content), Accountable for too much / 内容平台部经理"),
    (DEMO_MEMBER, "member of 内容平台部: my week, check-ins / 内容平台部成员"),
    ("he.min@example.com", "viewer: reads the rollups / 只读观察者"),
]


# --- who: teams and people ---------------------------------------------------------------------

# (slug, name, parent): company → three departments → six teams.
TEAMS = [
    ("company", "星河科技 Galaxy Tech", None),
    ("product", "产品技术中心 Product & Engineering", "company"),
    ("business", "Growth & Sales 商业增长部", "company"),
    ("service", "运营服务中心 Operations & Service", "company"),
    ("content", "内容平台部", "product"),
    ("data", "Data Team 数据组", "product"),
    ("marketing", "Marketing 市场部", "business"),
    ("sales", "Sales Team 销售组", "business"),
    ("ops", "运营组 Operations", "service"),
    ("support", "客服中心", "service"),
]

# (email, name, team, role); the first manager of a team is its manager, members follow.
PEOPLE = [
    (ADMIN_EMAIL, "Alex Morgan", "company", "admin"),
    ("chen.jianguo@example.com", "陈建国", "company", "manager"),
    ("he.min@example.com", "何敏", "company", "viewer"),
    ("oliver@example.com", "Oliver Grant", "company", "viewer"),
    ("sophia@example.com", "Sophia Zhang", "product", "manager"),
    ("liu.yang@example.com", "刘洋", "business", "manager"),
    ("daniel@example.com", "Daniel Wu", "service", "manager"),
    ("li@example.com", "李娜", "content", "manager"),
    ("wang@example.com", "王强", "content", "member"),
    ("zhang.wei@example.com", "张伟", "content", "member"),
    ("emily@example.com", "Emily Carter", "content", "member"),
    ("priya@example.com", "Priya Nair", "data", "manager"),
    ("chen.chen@example.com", "陈晨", "data", "member"),
    ("kevin@example.com", "Kevin Ma", "data", "member"),
    ("sun.li@example.com", "孙丽", "marketing", "manager"),
    ("lucy@example.com", "Lucy Hu", "marketing", "member"),
    ("yang.fan@example.com", "杨帆", "marketing", "member"),
    ("tom@example.com", "Tom Becker", "sales", "manager"),
    ("zhao.lei@example.com", "赵磊", "sales", "member"),
    ("mike@example.com", "Mike Johnson", "sales", "member"),
    ("huang.lei@example.com", "黄磊", "ops", "manager"),
    ("wu.jing@example.com", "吴静", "ops", "member"),
    ("ryan@example.com", "Ryan Lin", "ops", "member"),
    ("emma@example.com", "Emma Wilson", "support", "manager"),
    ("zheng.xue@example.com", "郑雪", "support", "member"),
    ("nina@example.com", "Nina Patel", "support", "member"),
]

# Which goal of which team each team's goals support: (team, goal index).
SUPPORTS = {
    "product": ("company", 1),
    "business": ("company", 0),
    "service": ("company", 0),
    "content": ("product", 0),
    "data": ("product", 0),
    "marketing": ("business", 0),
    "sales": ("business", 0),
    "ops": ("service", 0),
    "support": ("service", 0),
}

# The one person deliberately Accountable for more than the organisation's limit (5), so the
# RACI page has an overload to show: every key result of the content team is on her desk, and
# so is every content project of the current quarter (at least 3 + 3 live items: more than 5).
OVERLOADED = "li@example.com"


# --- what: goals, objectives, key results, projects -----------------------------------------------


@dataclass(frozen=True)
class KRT:
    """A key result template. ``pace``: how its check-ins run against the quarter's clock —
    ahead, on, slipping (a little behind: at risk), behind (far behind: off track), or silent
    (no check-in for the last three weeks and more)."""

    title: str
    kind: str = "metric"
    start: float = 0
    target: float = 1
    unit: str = ""
    pace: str = "on"
    done: bool = False  # milestones
    from_projects: bool = False
    weight: int = 1
    projects: tuple[str, ...] = ()
    description: str = ""
    # Projects added this month that nobody has been named for yet: the RACI page's gaps.
    unstaffed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjT:
    title: str
    kind: str
    goal: int  # index into the team's goal templates
    krs: tuple[KRT, ...]
    description: str = ""
    # (team, goal index) of another team's goal this objective supports directly, instead of
    # its own team's goal ``goal``: alignment across teams on the year plan.
    supports: tuple[str, int] | None = None


@dataclass(frozen=True)
class TeamPlan:
    goals: tuple[tuple[str, int, str], ...]  # (title with {year}, weight, description)
    last: tuple[ObjT, ...]  # last quarter's objectives
    this: tuple[ObjT, ...]  # this quarter's objectives
    extra_important: tuple[str, ...] = ()  # the team's own important chores


# The content team's objective for Q2 of the current fiscal year, as the product's own examples
# (and its tests) name it.
CONTENT_Q2 = ObjT(
    "提升用户创作活跃度",
    "aspirational",
    0,
    (
        KRT(
            "日均发布内容量提升30%",
            "metric",
            1000,
            1300,
            "篇/日",
            pace="on",
            projects=("创作者激励计划",),
            description="按自然日统计的 UGC 发布量（图文 + 短视频），剔除机器账号。",
        ),
        KRT(
            "创作者留存率提升15%",
            "percent",
            40,
            46,
            "%",
            pace="behind",
            projects=("内容分发算法优化",),
            description="30-day retention of creators who published at least once; 40% → 46%.",
        ),
    ),
    description="让更多用户从“看”走向“写”：激励新创作者，并让他们的内容被看见。",
)

PLANS: dict[str, TeamPlan] = {
    "company": TeamPlan(
        goals=(
            (
                "{year} 年营收增长 40%，达到 8000 万元",
                2,
                "Revenue growth with healthy unit economics; reviewed monthly by the board.",
            ),
            ("FY{year}: reach 1 million monthly active creators", 1, ""),
        ),
        last=(
            ObjT(
                "Build a repeatable growth engine",
                "committed",
                0,
                (
                    KRT("季度营收达到 1800 万元", "metric", 1200, 1800, "万元", pace="on"),
                    KRT("Monthly customer churn from 8% down to 5%", "percent", 8, 5, "%", pace="behind"),
                ),
            ),
        ),
        this=(
            ObjT(
                "让增长更健康、更可持续",
                "committed",
                0,
                (
                    KRT("季度营收达到 2200 万元", "metric", 1500, 2200, "万元", pace="ahead"),
                    KRT("NPS from 32 to 45", "metric", 32, 45, "", pace="on"),
                    KRT("Partner programme launched with 10 signed partners", "milestone"),
                ),
            ),
        ),
    ),
    "product": TeamPlan(
        goals=(("FY{year}: ship a creator platform people come back to every day", 1, ""),),
        last=(
            ObjT(
                "稳定平台，减少线上故障",
                "committed",
                0,
                (
                    KRT("P1 故障数从每季度 6 次降到 2 次", "metric", 6, 2, "次", pace="on"),
                    KRT("Core service availability 99.5% → 99.9%", "percent", 99.5, 99.9, "%", pace="ahead"),
                ),
            ),
        ),
        this=(
            ObjT(
                "Raise engineering throughput 提升研发效率",
                "committed",
                0,
                (
                    KRT("需求平均交付周期从 20 天缩短到 12 天", "metric", 20, 12, "天", pace="on"),
                    KRT("Automated test coverage from 45% to 70%", "percent", 45, 70, "%", pace="slipping"),
                ),
            ),
        ),
    ),
    "business": TeamPlan(
        goals=(("{year} 年新增付费客户 1200 家", 1, ""),),
        last=(
            ObjT(
                "打通市场到销售的线索漏斗",
                "committed",
                0,
                (
                    KRT("MQL → SQL conversion from 12% to 20%", "percent", 12, 20, "%", pace="on"),
                    KRT("本季度新增付费客户 250 家", "metric", 0, 250, "家", pace="ahead"),
                ),
            ),
        ),
        this=(
            ObjT(
                "Scale paid acquisition efficiently",
                "aspirational",
                0,
                (
                    KRT("Customer acquisition cost from ¥3,000 to ¥2,200", "metric", 3000, 2200, "元", pace="behind"),
                    KRT("本季度新增付费客户 320 家", "metric", 0, 320, "家", pace="on"),
                ),
            ),
        ),
    ),
    "service": TeamPlan(
        goals=(("FY{year}: 客户满意度达到 4.6 分", 1, ""),),
        last=(
            ObjT(
                "夯实服务基础",
                "committed",
                0,
                (
                    KRT("CSAT from 4.1 to 4.4", "metric", 4.1, 4.4, "分", pace="on"),
                    KRT("知识库覆盖 Top 50 高频问题", "milestone", done=True),
                ),
            ),
        ),
        this=(
            ObjT(
                "Make every customer touchpoint faster",
                "committed",
                0,
                (
                    KRT("CSAT from 4.3 to 4.6", "metric", 4.3, 4.6, "分", pace="on"),
                    KRT("工单一次解决率从 70% 提升到 80%", "percent", 70, 80, "%", pace="ahead"),
                ),
            ),
        ),
    ),
    "content": TeamPlan(
        goals=(
            ("{year} 年创作者生态规模翻倍", 2, "月活创作者从 40 万到 80 万；以发布量、留存和优质内容占比衡量。"),
            ("FY{year}: make content quality the reason users stay", 1, ""),
        ),
        last=(
            ObjT(
                "提升内容质量 Raise content quality",
                "committed",
                1,
                (
                    KRT(
                        "优质内容占比从 18% 提升到 25%",
                        "percent",
                        18,
                        25,
                        "%",
                        pace="on",
                        projects=("优质内容评审机制",),
                    ),
                    KRT(
                        "Moderation turnaround from 90 to 30 minutes",
                        "metric",
                        90,
                        30,
                        "分钟",
                        pace="ahead",
                        projects=("审核队列自动分流",),
                    ),
                    KRT("上线内容质量评分模型 v1", "milestone", done=True),
                ),
            ),
        ),
        this=(
            ObjT(
                "打造创作者成长体系",
                "aspirational",
                0,
                (
                    KRT(
                        "新晋创作者 30 天留存从 22% 到 30%",
                        "percent",
                        22,
                        30,
                        "%",
                        pace="behind",
                        projects=("新手创作者引导流程",),
                    ),
                    KRT(
                        "Creator academy opens with 12 courses",
                        "milestone",
                        unstaffed=("创作者学院课程录制 Record the academy courses",),
                    ),
                    KRT(
                        "创作者等级体系上线",
                        "percent",
                        0,
                        100,
                        "%",
                        from_projects=True,
                        projects=("等级规则与权益设计", "等级体系前端开发"),
                    ),
                ),
            ),
        ),
        extra_important=("处理创作者投诉升级", "Review this week's trending content report"),
    ),
    "data": TeamPlan(
        goals=(("FY{year}: every team decides with trusted data 数据驱动决策", 1, ""),),
        last=(
            ObjT(
                "Build the metrics foundation 指标体系建设",
                "committed",
                0,
                (
                    KRT("统一口径的核心指标达到 40 个", "metric", 0, 40, "个", pace="on", projects=("指标字典梳理",)),
                    KRT("Dashboard weekly active users from 30 to 120", "metric", 30, 120, "人", pace="ahead"),
                ),
            ),
        ),
        this=(
            ObjT(
                "数据中台迁移",
                "committed",
                0,
                (
                    KRT(
                        "数据中台迁移完成度",
                        "percent",
                        0,
                        100,
                        "%",
                        from_projects=True,
                        projects=("离线任务迁移", "实时链路迁移"),
                    ),
                    KRT(
                        "Pipeline failures from 12 to 2 per week",
                        "metric",
                        12,
                        2,
                        "次/周",
                        pace="ahead",
                        projects=("Pipeline alerting and retries",),
                    ),
                ),
            ),
        ),
        extra_important=("Answer the finance team's revenue data request", "修复日报数据延迟"),
    ),
    "marketing": TeamPlan(
        goals=(("{year} 年品牌声量提升 50%", 1, ""),),
        last=(
            ObjT(
                "Launch the season's brand campaign 品牌战役",
                "aspirational",
                0,
                (
                    KRT(
                        "社交媒体粉丝从 8 万增长到 12 万",
                        "metric",
                        8,
                        12,
                        "万",
                        pace="on",
                        projects=("品牌战役 KOL 合作",),
                    ),
                    KRT("Campaign landing page live", "milestone", done=True),
                ),
            ),
        ),
        this=(
            ObjT(
                "Turn content into pipeline 内容获客",
                "aspirational",
                0,
                (
                    KRT(
                        "月度 MQL 从 800 提升到 1500",
                        "metric",
                        800,
                        1500,
                        "个",
                        pace="ahead",
                        projects=("SEO 专题页改版",),
                    ),
                    KRT(
                        "Website conversion rate from 1.8% to 3%",
                        "percent",
                        1.8,
                        3,
                        "%",
                        pace="behind",
                        projects=("Landing page A/B tests",),
                    ),
                    KRT("发布 6 篇客户案例", "metric", 0, 6, "篇", pace="silent"),
                ),
            ),
        ),
        extra_important=("Approve the webinar promotion copy", "准备市场周报"),
    ),
    "sales": TeamPlan(
        goals=(("FY{year}: 新签合同额 6000 万元", 1, ""),),
        last=(
            ObjT(
                "Win the mid-market 拿下中型客户",
                "committed",
                0,
                (
                    KRT(
                        "New ARR of ¥4M from mid-market accounts",
                        "metric",
                        0,
                        400,
                        "万元",
                        pace="on",
                        projects=("中型客户拜访计划",),
                    ),
                    KRT("赢单率从 18% 提升到 25%", "percent", 18, 25, "%", pace="behind"),
                ),
            ),
        ),
        this=(
            ObjT(
                "老客户增购与续约",
                "committed",
                0,
                (
                    KRT(
                        "增购收入达到 300 万元",
                        "metric",
                        0,
                        300,
                        "万元",
                        pace="on",
                        projects=("Top 50 account reviews",),
                    ),
                    KRT(
                        "客户流失率从 8% 降到 5%", "metric", 8, 5, "%", pace="slipping", projects=("流失预警名单跟进",)
                    ),
                    KRT("Sales playbook v2 rolled out", "milestone", done=True),
                ),
            ),
        ),
        extra_important=("Follow up with 华东客户 on the renewal quote", "更新销售漏斗预测"),
    ),
    "ops": TeamPlan(
        goals=(("{year} 年用户运营效率提升 30%", 1, ""),),
        last=(
            ObjT(
                "新用户首周激活",
                "committed",
                0,
                (
                    KRT(
                        "首周激活率从 35% 提升到 45%",
                        "percent",
                        35,
                        45,
                        "%",
                        pace="on",
                        projects=("新用户 7 日引导任务",),
                    ),
                    KRT("Onboarding email series live", "milestone", done=True),
                ),
            ),
        ),
        this=(
            ObjT(
                "Grow a lively community 社区活跃度提升",
                "aspirational",
                0,
                (
                    KRT("社区日活从 2 万增长到 3 万", "metric", 2, 3, "万", pace="ahead", projects=("社区话题周活动",)),
                    KRT("本季度举办线上活动 24 场", "metric", 0, 24, "场", pace="silent"),
                ),
                supports=("company", 1),
            ),
        ),
        extra_important=("处理社区违规内容举报", "Prepare the weekly ops dashboard"),
    ),
    "support": TeamPlan(
        goals=(("FY{year}: 让每位客户 1 小时内得到答复", 1, ""),),
        last=(
            ObjT(
                "缩短响应时间",
                "committed",
                0,
                (
                    KRT(
                        "平均首次响应时长从 4 小时缩短到 2 小时",
                        "metric",
                        4,
                        2,
                        "小时",
                        pace="on",
                        projects=("客服排班优化",),
                    ),
                    KRT("Chatbot resolves 20% of tickets", "percent", 0, 20, "%", pace="ahead"),
                ),
            ),
        ),
        this=(
            ObjT(
                "Resolve at first contact 一次解决",
                "committed",
                0,
                (
                    KRT(
                        "平均首次响应时长从 2 小时缩短到 1 小时",
                        "metric",
                        2,
                        1,
                        "小时",
                        pace="ahead",
                        projects=("智能工单分配",),
                    ),
                    KRT(
                        "Ticket backlog from 300 down to 100",
                        "metric",
                        300,
                        100,
                        "张",
                        pace="slipping",
                        projects=("Backlog clean-up sprint",),
                    ),
                    KRT("客服质检体系上线", "milestone"),
                ),
            ),
        ),
        extra_important=("处理 VIP 客户投诉工单", "Escalate the billing bug to engineering"),
    ),
}

# Steps of a project that become its tasks, "<project> · <step>".
PROJECT_STEPS = (
    "需求评审",
    "Write the rollout plan",
    "数据埋点与看板",
    "Set up the A/B test",
    "与设计对齐交互稿",
    "Interview five users",
    "联调测试",
    "Fix the bugs QA found",
    "上线前检查清单",
    "Weekly sync with stakeholders",
    "效果数据复盘",
    "Draft the launch announcement",
    "方案评审会",
    "Update the project brief",
)
# Important, not urgent, and belonging to no project.
SCHEDULE_CHORES = (
    "Draft next quarter's OKRs",
    "与团队成员 1:1 沟通",
    "学习 SQL 进阶课程",
    "Write the hiring plan",
    "梳理部门流程文档",
    "Prepare the monthly business review",
    "Mentor a new teammate",
    "阅读用户调研报告",
)
# Important and urgent, and belonging to no project (for those without a team project that week).
DO_CHORES = (
    "准备管理层例会材料",
    "Fix the broken billing report before month end",
    "处理客户升级投诉",
    "Finalise the board update",
    "审批本月预算调整",
    "Review the incident post-mortem",
)
# Urgent, not important: the Delegate quadrant.
DELEGATE_CHORES = (
    "回复合作伙伴的报价邮件",
    "Approve pending expense reports",
    "预订团建会议室",
    "Answer the IT security questionnaire",
    "处理供应商发票",
    "Fill in the headcount form",
    "安排客户来访接待",
    "Reschedule the vendor demo",
)
# Neither: the Eliminate quadrant.
ELIMINATE_CHORES = (
    "整理旧的会议纪要",
    "Tidy up the shared drive",
    "浏览行业周报",
    "Clean up old browser bookmarks",
    "重新排版周报模板",
    "Read the unread newsletters",
    "整理桌面文件夹",
    "Try the new slide template",
)

NOTES = {
    "ahead": ("进展顺利，提前达成阶段目标", "Ahead of plan after the launch", "", "数据好于预期"),
    "on": ("按计划推进", "On track", "", "本周完成既定节点", "Steady week"),
    "slipping": ("比计划慢了一点，下周补上", "A week behind; catching up", ""),
    "behind": (
        "资源不足，进度落后",
        "Blocked on another team; asked for help",
        "渠道效果不及预期，调整方案中",
        "Slipping: the experiment needs another two weeks",
    ),
    "silent": ("", "等待数据口径确认"),
}


# --- building the document -------------------------------------------------------------------------


@dataclass
class _Ctx:
    """What the builder carries while it walks the plan."""

    today: date
    rng: random.Random
    window: list  # the five weeks of tasks: three past, this, next
    last_month: periods.Month
    this_month: periods.Month
    quarters: tuple  # last and this quarter
    staff: dict = field(default_factory=dict)  # team slug -> [manager email, member emails...]
    projects: dict = field(default_factory=dict)  # (team, month text) -> [project dict]
    project_people: dict = field(default_factory=dict)  # id(project dict) -> [A, R...]
    a_count: dict = field(default_factory=dict)  # email -> Accountable items so far
    r_count: dict = field(default_factory=dict)  # email -> Responsible items so far


def _num(x: float, span: float):
    """A check-in value rounded as a person would write it: whole numbers for wide ranges."""
    span = abs(span)
    if span >= 20:
        return int(round(x))
    digits = 1 if span >= 2 else 2
    value = round(x, digits)
    return int(value) if value == int(value) else value


def _conf(x: float) -> float:
    """Confidence in steps of 0.05 between 0.1 and 0.95."""
    return round(min(0.95, max(0.1, round(x * 20) / 20)), 2)


def _check_in_dates(ctx: _Ctx, quarter) -> list[date]:
    """Fridays of the quarter's weeks up to today (the last one clamped into the quarter)."""
    days = []
    for week in quarter.weeks():
        day = min(week.start + timedelta(days=4), quarter.end)
        if quarter.start <= day <= ctx.today:
            days.append(day)
    return days


def _check_ins(ctx: _Ctx, kr: KRT, quarter, finished: bool) -> list[dict]:
    """A weekly history whose progress follows the KR's pace against the quarter's clock."""
    if kr.kind == "milestone" or kr.from_projects:
        return []
    rng = ctx.rng
    factor = {"ahead": 1.3, "on": 1.0, "slipping": 0.75, "behind": 0.5, "silent": 0.7}[kr.pace]
    days = _check_in_dates(ctx, quarter)
    if kr.pace == "silent" and not finished:
        # Silent for three weeks and more: the rollup should flag it as stale.
        days = [d for d in days if d <= ctx.today - timedelta(days=22)]
    out, progress = [], 0.0
    for i, day in enumerate(days):
        if finished and 0 < i < len(days) - 1 and rng.random() < 0.12:
            continue  # a missed week now and then
        elapsed = float(quarter.elapsed(day + timedelta(days=1)))
        target_progress = min(1.08, elapsed * factor + rng.uniform(-0.03, 0.03))
        progress = max(progress, target_progress, 0.0)
        value = kr.start + progress * (kr.target - kr.start)
        if kr.kind == "percent":
            value = min(100.0, max(0.0, value))
        confidence = {
            "ahead": 0.85,
            "on": 0.7,
            "slipping": 0.6,
            "behind": 0.6 - 0.35 * elapsed,
            "silent": 0.5,
        }[kr.pace] + rng.uniform(-0.05, 0.05)
        out.append(
            {
                "date": day.isoformat(),
                "value": _num(value, kr.target - kr.start),
                "confidence": _conf(confidence),
                "note": rng.choice(NOTES[kr.pace]),
            }
        )
    return out


def _raci(ctx: _Ctx, accountable: str, responsible: list[str], others: list[str]) -> dict:
    """One A, at least one R (never the A), and now and then a C and an I from ``others``."""
    rng = ctx.rng
    r = [p for p in dict.fromkeys(responsible) if p != accountable] or [p for p in others if p != accountable][:1]
    taken = {accountable, *r}
    pool = [p for p in dict.fromkeys(others) if p not in taken]
    c, i = [], []
    if pool and rng.random() < 0.6:
        c.append(pool.pop(rng.randrange(len(pool))))
    if pool and rng.random() < 0.7:
        i.append(pool.pop(rng.randrange(len(pool))))
    ctx.a_count[accountable] = ctx.a_count.get(accountable, 0) + 1
    return {"A": accountable, "R": r, "C": c, "I": i}


def _pick_accountable(ctx: _Ctx, candidates: list[str]) -> str:
    """The candidate holding the fewest A so far, so nobody but the chosen one is overloaded."""
    return min(candidates, key=lambda p: (ctx.a_count.get(p, 0), candidates.index(p)))


def _least_busy(ctx: _Ctx, candidates: list[str], n: int) -> list[str]:
    """The ``n`` candidates Responsible for the fewest items so far (keeps R under the limit)."""
    chosen = sorted(candidates, key=lambda p: (ctx.r_count.get(p, 0), candidates.index(p)))[:n]
    for person in chosen:
        ctx.r_count[person] = ctx.r_count.get(person, 0) + 1
    return chosen


def _parent_staff(ctx: _Ctx, team: str) -> list[str]:
    parent = {slug: p for slug, _, p in TEAMS}[team]
    return ctx.staff.get(parent, [])[:1] if parent else []


def _kr_dict(ctx: _Ctx, team: str, kr: KRT, quarter, index: int, finished: bool) -> dict:
    staff = ctx.staff[team]
    manager, members = staff[0], staff[1:]
    children = [ctx.staff[s][0] for s, _, p in TEAMS if p == team]
    if team == "content":
        accountable = OVERLOADED
    elif team == "company":
        accountable = _pick_accountable(ctx, [manager, ADMIN_EMAIL])
    else:
        accountable = _pick_accountable(ctx, staff)  # a department's manager holds all its A
    helpers = [p for p in (members or children) if p != accountable] or [manager]
    responsible = _least_busy(ctx, helpers, 1 + (len(helpers) > 2 and ctx.rng.random() < 0.4))
    viewers = [e for e, _, _, role in PEOPLE if role == "viewer"]
    others = [manager, *_parent_staff(ctx, team), *viewers, *children]
    out = {"title": kr.title, "kind": kr.kind}
    if kr.description:
        out["description"] = kr.description
    if kr.kind == "milestone":
        out["done"] = kr.done
    else:
        out.update({"start": kr.start, "target": kr.target, "unit": kr.unit})
    out["weight"] = kr.weight
    if kr.from_projects:
        out["progress_from"] = "projects"
    out["owner"] = accountable
    out["raci"] = _raci(ctx, accountable, responsible, others)
    out["check_ins"] = _check_ins(ctx, kr, quarter, finished)
    for check_in in out["check_ins"]:
        # Whoever does the work reports on it; the accountable person now and then.
        check_in["author"] = ctx.rng.choice([accountable, *out["raci"]["R"], *out["raci"]["R"]])
    out["projects"] = []
    return out


def _add_projects(ctx: _Ctx, team: str, kr: KRT, kr_out: dict, quarter, index: int) -> None:
    """Projects go in last and this month where those fall in the KR's quarter (the latest
    month when a KR has one project); a quarter holding neither (the content team's Q2 seen
    from another quarter) spreads its KRs' projects over its first two months."""
    if not kr.projects and not kr.unstaffed:
        return
    months = [m for m in (ctx.last_month, ctx.this_month) if quarter.contains(m)]
    if not months:
        if quarter in ctx.quarters:
            return  # last quarter, seen from the first month of this one
        months = [quarter.months()[min(index, 1)]]
    staff = ctx.staff[team]
    manager, members = staff[0], staff[1:] or staff
    for i, title in enumerate(kr.projects):
        month = months[min(len(months) - 1, max(0, len(months) - len(kr.projects) + i))]
        if team == "content" and quarter == ctx.quarters[1]:
            accountable = OVERLOADED  # this quarter's content projects too: over the limit
        else:
            accountable = _pick_accountable(ctx, [m for m in members if m != OVERLOADED] or [manager])
        rest = [m for m in members if m != accountable] or [manager]
        responsible = _least_busy(ctx, rest, 1 + (ctx.rng.random() < 0.5))
        others = [manager, *ctx.staff["data"][:1], *_parent_staff(ctx, team)]
        if team == "data":
            others = [manager, *ctx.staff["content"][1:2], *_parent_staff(ctx, team)]
        project = {
            "month": str(month),
            "title": title,
            "owner": accountable,
            "raci": _raci(ctx, accountable, responsible, others),
            "tasks": [],
        }
        kr_out["projects"].append(project)
        ctx.projects.setdefault((team, str(month)), []).append(project)
        ctx.project_people[id(project)] = [accountable, *project["raci"]["R"]]
    if quarter == ctx.quarters[1]:
        for title in kr.unstaffed:
            # No owner, no letters, no tasks yet: planned this month, a gap on the RACI page.
            kr_out["projects"].append({"month": str(ctx.this_month), "title": title, "status": "planned", "tasks": []})


def _objective(ctx: _Ctx, team: str, obj: ObjT, quarter) -> dict:
    finished = quarter.end < ctx.today
    out = {
        "quarter": str(quarter),
        "title": obj.title,
        "kind": obj.kind,
        "owner": ctx.staff[team][0],
        "weight": 1,
    }
    if obj.description:
        out["description"] = obj.description
    out["key_results"] = []
    for i, kr in enumerate(obj.krs):
        kr_out = _kr_dict(ctx, team, kr, quarter, i, finished)
        _add_projects(ctx, team, kr, kr_out, quarter, i)
        out["key_results"].append(kr_out)
    return out


def _status(ctx: _Ctx, offset: int, quadrant: str) -> str:
    """How far a task got: past weeks mostly done, this week under way, next week to do."""
    r = ctx.rng.random()
    if offset >= 1:
        return "todo"
    if offset == 0:
        done_share = (ctx.today.weekday() + 1) / 7
        if quadrant == "eliminate":
            return "dropped" if r < 0.2 else "todo"
        if r < done_share * (0.8 if quadrant in ("do", "delegate") else 0.5):
            return "done"
        return "doing" if r < done_share + 0.3 else "todo"
    if quadrant == "eliminate":
        return "dropped" if r < 0.5 else ("done" if r < 0.8 else "todo")
    if quadrant == "schedule":
        return "done" if r < 0.75 else ("todo" if offset == -1 or r < 0.9 else "dropped")
    return "done" if r < 0.9 else "todo"


def _weekly_tasks(ctx: _Ctx, loose: list[dict]) -> None:
    """Every working person gets a task in each quadrant in each of the five weeks; important
    ones go into a project of their team when that week's month has one."""
    rng = ctx.rng
    workers = [(e, t, role) for e, _, t, role in PEOPLE if role != "viewer"]
    for offset, week in zip(range(-3, 2), ctx.window, strict=True):
        month = str(week.parent())
        for email, team, _role in workers:
            projects = ctx.projects.get((team, month), [])
            mine = [p for p in projects if email in ctx.project_people[id(p)]] or projects
            steps = rng.sample(PROJECT_STEPS, 3)
            plan = [
                ("do", True, True),
                ("schedule", True, False),
                ("delegate", False, True),
                ("eliminate", False, False),
            ]
            if mine and rng.random() < 0.5:
                plan.append(("schedule", True, False))
            for n, (quadrant, important, urgent) in enumerate(plan):
                task = {
                    "week": str(week),
                    "title": "",
                    "assignee": email,
                    "important": important,
                    "urgent": urgent,
                    "status": _status(ctx, offset, quadrant),
                }
                if offset == 0 and email == DEMO_MEMBER and n < 2:
                    # Open this week, so the first thing to try works: drag Schedule → Do, finish.
                    task["status"] = "doing" if quadrant == "do" else "todo"
                if important and mine:
                    project = mine[n % len(mine)]
                    task["title"] = f"{project['title']} · {steps[n % len(steps)]}"
                    project["tasks"].append(task)
                    continue
                if quadrant == "do":
                    own = PLANS.get(team, PLANS["company"]).extra_important
                    task["title"] = rng.choice(own or DO_CHORES)
                elif quadrant == "schedule":
                    task["title"] = rng.choice(SCHEDULE_CHORES)
                elif quadrant == "delegate":
                    task["title"] = rng.choice(DELEGATE_CHORES)
                else:
                    task["title"] = rng.choice(ELIMINATE_CHORES)
                loose.append(task)


def _history_tasks(ctx: _Ctx) -> None:
    """Projects' earlier weeks (before the five-week window, up to today) get finished work,
    so last month's projects show real progress."""
    rng = ctx.rng
    first = ctx.window[0]
    for (_, month), projects in sorted(ctx.projects.items()):
        for project in projects:
            people = ctx.project_people[id(project)]
            for week in periods.parse(month).weeks():
                if week >= first or week.start > ctx.today:
                    continue
                for step in rng.sample(PROJECT_STEPS, 2):
                    project["tasks"].append(
                        {
                            "week": str(week),
                            "title": f"{project['title']} · {step}",
                            "assignee": rng.choice(people),
                            "important": True,
                            "urgent": rng.random() < 0.4,
                            "status": "dropped" if rng.random() < 0.1 else "done",
                        }
                    )


def _project_statuses(ctx: _Ctx) -> None:
    """Past months' projects are done unless work is still open; this month's are active;
    later ones are planned."""
    for (_, month), projects in ctx.projects.items():
        for project in projects:
            if month > str(ctx.this_month):
                status = "planned"
            elif month == str(ctx.this_month):
                status = "active"
            else:
                open_work = any(t["status"] in ("todo", "doing") for t in project["tasks"])
                status = "active" if open_work else "done"
            # Keys in the document's usual order: status after the owner.
            tasks = project.pop("tasks")
            project["status"] = status
            project["tasks"] = tasks


def build_demo_plan(today: date, fiscal_start: int = 1) -> dict:
    """The demo organisation's whole plan as an ``okr-plan/1`` document, dated around ``today``:
    this fiscal year's goals (and last year's where last quarter needs them), last and this
    quarter's OKRs with check-ins up to today, last and this month's projects, and tasks for
    the three past weeks, this week and next week. The same day always gives the same plan.
    """
    this_quarter = periods.quarter_of(today, fiscal_start)
    last_quarter = this_quarter.prev()
    this_year = periods.year_of(today, fiscal_start)
    q2 = periods.Quarter(this_year.year, 2, fiscal_start)
    this_week = periods.week_of(today)
    window = [this_week.prev().prev().prev(), this_week.prev().prev(), this_week.prev(), this_week, this_week.next()]
    ctx = _Ctx(
        today=today,
        rng=random.Random(SEED),
        window=window,
        last_month=periods.month_of(today).prev(),
        this_month=periods.month_of(today),
        quarters=(last_quarter, this_quarter),
    )
    for email, _, team, role in PEOPLE:
        if role in ("manager", "member"):
            ctx.staff.setdefault(team, []).append(email)

    goals: dict[tuple[str, int, int], dict] = {}

    def goal(team: str, year: int, index: int) -> dict:
        key = (team, year, index)
        if key not in goals:
            title, weight, description = PLANS[team].goals[index]
            row = {
                "team": team,
                "year": year,
                "title": title.format(year=year),
                "weight": weight,
                "owner": ctx.staff[team][0],
                "ref": f"{team}-{year}-{index + 1}",
            }
            if description:
                row["description"] = description
            if team in SUPPORTS:
                # A team's goal supports its department's, a department's the company's.
                parent = goal(*SUPPORTS[team][:1], year, SUPPORTS[team][1])
                row["supports"] = parent["ref"]
            row["objectives"] = []
            goals[key] = row
        return goals[key]

    for team, _, _ in TEAMS:
        plan = PLANS[team]
        for index in range(len(plan.goals)):
            goal(team, this_year.year, index)
        quarters = [(last_quarter, plan.last), (this_quarter, plan.this)]
        if team == "content":
            if q2 in (last_quarter, this_quarter):
                quarters = [(q, (CONTENT_Q2, *objs) if q == q2 else objs) for q, objs in quarters]
            else:
                quarters.append((q2, (CONTENT_Q2,)))
        for quarter, objectives in quarters:
            for obj in objectives:
                goal_team, index = obj.supports or (team, obj.goal)
                parent = goal(goal_team, quarter.fiscal_year().year, index)
                objective = _objective(ctx, team, obj, quarter)
                if goal_team != team:
                    objective = {"team": team, **objective}  # under another team's goal
                parent["objectives"].append(objective)

    loose: list[dict] = []
    _weekly_tasks(ctx, loose)
    _history_tasks(ctx)
    _project_statuses(ctx)

    team_order = {slug: i for i, (slug, _, _) in enumerate(TEAMS)}
    doc = {
        "format": "okr-plan/1",
        "teams": [
            {"slug": slug, "name": name, **({"parent": parent} if parent else {})} for slug, name, parent in TEAMS
        ],
        "people": [
            {
                "email": email,
                "name": name,
                "team": team,
                "role": role,
                **({"admin": True} if email == ADMIN_EMAIL else {}),
            }
            for email, name, team, role in PEOPLE
        ],
        "goals": [goals[k] for k in sorted(goals, key=lambda k: (team_order[k[0]], k[1], k[2]))],
        "tasks": loose,
    }
    return doc


# --- seeding the database ------------------------------------------------------------------------


class DemoError(RuntimeError):
    """The demo plan did not import: a bug in this module, never the user's doing."""


@dataclass(frozen=True)
class DemoResult:
    created: bool
    org_id: int
    message: str
    counts: dict = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the CLI: what was created, or that nothing was."""
        made = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self.counts.items() if n)
        return f"{self.message}: {made}" if made else self.message


def seed_demo(*, session, today: date, fiscal_start: int = 1) -> DemoResult:
    """Create the demo organisation (slug ``demo``) with its plan, unless it already exists.

    Every demo person signs in with ``DEMO_PASSWORD``; the admin login is an organisation
    admin. Flushes; the caller commits.
    """
    existing = session.exec(select(models.Organisation).where(models.Organisation.slug == DEMO_ORG_SLUG)).first()
    if existing is not None:
        return DemoResult(False, existing.id, "the demo organisation already exists; nothing changed")

    org = models.Organisation(slug=DEMO_ORG_SLUG, name=DEMO_ORG_NAME)
    session.add(org)
    session.flush()
    doc = build_demo_plan(today, fiscal_start)
    result = plandoc.import_plan(
        doc, session=session, org_id=org.id, actor_id=None, dry_run=False, fiscal_start=fiscal_start
    )
    if result.issues:
        listed = "\n".join(f"  {issue.path}: {issue.message}" for issue in result.issues)
        raise DemoError(f"the demo plan did not import ({len(result.issues)} issues):\n{listed}")

    # One hash for every demo account: the password is public anyway, and hashing it once
    # keeps `okr demo` fast with a slow password hash.
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    emails = [email for email, *_ in PEOPLE]
    users = session.exec(select(models.User).where(models.User.org_id == org.id, models.User.email.in_(emails))).all()
    for user in users:
        user.password_hash = password_hash
        user.is_admin = user.email == ADMIN_EMAIL
        session.add(user)
    session.flush()
    demo_budget.seed_demo_budget(session=session, org_id=org.id, today=today, fiscal_start=fiscal_start)
    counts = dict(getattr(result, "created", {}) or {})
    return DemoResult(True, org.id, f"created the demo organisation {DEMO_ORG_NAME} (slug {DEMO_ORG_SLUG})", counts)
