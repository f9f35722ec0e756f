"""The demo organisation's tables: who works there (teams, people, who supports whom) and what
they plan (goal, objective and key result templates per team, project steps, the week's chores,
check-in notes). Plain values; okr.seed.demo turns them into a plan document and seeds it.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        goals=(("FY{year}：客户满意度达到 4.6 分", 1, ""),),
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
        goals=(("FY{year}：新签合同额 6000 万元", 1, ""),),
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
        goals=(("FY{year}：让每位客户 1 小时内得到答复", 1, ""),),
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
