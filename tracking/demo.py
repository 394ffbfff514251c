"""The programme's tracking data for the demo portal: the plan's targets, its 19 measures and
its cadence rules exactly as written; semesters; and invented scores and output records
(marked 演示数据) so the 成效 page shows targets partly met.

load() follows the loader's rule: create what is missing, never overwrite an editor's change.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import Page

from content.models import Level, Person, ResponsibleUnit, School, Subject, WorkshopPage
from tracking.demo_targets import TARGETS
from tracking.models import (
    CadenceRule,
    EvaluationScore,
    Measure,
    MeasureFunding,
    MeasureNote,
    MeasureSpending,
    OutputRecord,
    OutputStatus,
    ResultsPage,
    Semester,
    Target,
)

D = datetime.date.fromisoformat
END_2023, END_2025 = "2023-12-31", "2025-12-31"
TEACHERS_ETC = ["jiaoyuju", "caizhengju", "renshe", "luoshan", "zhijiao"]

# (number, group, text, unit slugs, deadline, deadline as written, continues, status,
#  [(year, planned yuan, purpose)], [(date, note)], [(date, spent yuan, purpose)])
MEASURES = [
    (
        1,
        "policy",
        "加快完善高中教师待遇保障体系，为“组团式”帮扶奠定坚实的人才基础。",
        ["jiaoyuju", "caizhengju", "renshe"],
        END_2023,
        "2023年12月底前",
        False,
        "done",
        [],
        [("2023-11-30", "高中教师待遇保障办法印发执行（演示数据）。")],
        [],
    ),
    (
        2,
        "policy",
        "建立工作落实体系，定期听取两所学校工作汇报，及时解决团队在管理体制改革、教师发展培训、学生成长培养以及生活等方面的困难。学校重大改革创新方案由帮扶校长提交议题，经区委教育工作领导小组办公室讨论研究后施行。",
        ["zuzhibu", "jiaoyuju", "renshe"],
        END_2025,
        "2025年12月底前",
        False,
        "in_progress",
        [],
        [("2024-06-28", "每学期听取两校工作汇报一次（演示数据）。")],
        [],
    ),
    (
        3,
        "policy",
        "建立考核评价指标体系，在《红寺堡区学校（园）综合考评方案》基础上，对被帮扶学校工作落实情况进行赋分评价，评价结果每学期向派出单位进行通报，作为“组团式”帮扶团队业绩考核的参考指标。",
        ["zuzhibu", "jiaoyuju", "renshe"],
        END_2025,
        "2025年12月底前",
        False,
        "done",
        [],
        [("2024-01-20", "赋分评价指标体系印发，2023年秋季学期起每学期通报（演示数据）。")],
        [],
    ),
    (
        4,
        "funding",
        "加快红寺堡区职业技术学校（二期）建设项目续建进度，新建教学楼、宿舍楼、实训楼、篮球场投入使用，满足学校办学需求。投入资金3000万元，建设罗山中学风雨操场、宿舍楼等建设项目，新建宿舍楼、教学楼、风雨操场 0.87 万平方米，满足新高考改革和选课走班改革需求。",
        ["fagaiju", "jiaoyuju", "caizhengju", "zhujian", "ziranziyuan"],
        END_2023,
        "2023 年 12 月底前",
        False,
        "done",
        [(2023, 30_000_000, "罗山中学风雨操场、宿舍楼等建设项目（0.87万平方米）")],
        [("2023-12-25", "罗山中学风雨操场、宿舍楼竣工验收（演示数据）。")],
        [
            ("2023-06-30", 18_000_000, "工程进度款（演示数据）"),
            ("2023-12-28", 12_000_000, "竣工结算（演示数据）"),
        ],
    ),
    (
        5,
        "funding",
        "加强教师队伍培养，年投入资金 20 万元，通过“走出去”与“请进来”相结合的方式培训教师 20 名。投入资金建成 1 个名校长工作室和 1 个名班主任工作室，每个工作室给予 3 万元经费支持。",
        ["jiaoyuju", "caizhengju"],
        END_2023,
        "2023 年 12 月底前完成阶段任务，并长期坚持",
        True,
        "ongoing",
        [
            (2023, 260_000, "培训教师20名20万元；名校长、名班主任工作室各3万元"),
            (2024, 200_000, "培训教师20名"),
            (2025, 200_000, "培训教师20名"),
        ],
        [("2023-03-01", "名校长工作室、名班主任工作室揭牌（演示数据）。")],
        [
            ("2023-03-10", 60_000, "两个工作室经费（演示数据）"),
            ("2023-10-15", 200_000, "教师赴闽培训（演示数据）"),
            ("2024-10-20", 180_000, "教师赴闽培训（演示数据）"),
        ],
    ),
    (
        6,
        "funding",
        "支持职业学校参与校企合作职教集团，每年给予 20 万元工作经费，搭建闽宁协作职教联盟。开展分段式职业教育，鼓励学校在学生培养中开展合作交流，进一步拓宽学生就业渠道。",
        ["jiaoyuju", "caizhengju", "renshe"],
        END_2023,
        "2023 年 12 月底前完成阶段任务，并长期坚持",
        True,
        "ongoing",
        [
            (2023, 200_000, "职教联盟工作经费"),
            (2024, 200_000, "职教联盟工作经费"),
            (2025, 200_000, "职教联盟工作经费"),
        ],
        [],
        [("2023-09-01", 200_000, "职教联盟工作经费（演示数据）")],
    ),
    (
        7,
        "funding",
        "加大经费倾斜力度，在公用经费和教师培训经费上予以倾斜，支持学校在教师队伍培养、学生综合素质提升上进行探索实践，每年划拨 80 万元帮扶经费用于教师队伍培训。",
        ["jiaoyuju", "caizhengju"],
        END_2023,
        "2023 年 12 月底前，并长期坚持",
        True,
        "ongoing",
        [
            (2023, 800_000, "帮扶经费用于教师队伍培训"),
            (2024, 800_000, "帮扶经费用于教师队伍培训"),
            (2025, 800_000, "帮扶经费用于教师队伍培训"),
        ],
        [],
        [
            ("2023-04-01", 800_000, "帮扶经费（演示数据）"),
            ("2024-04-01", 800_000, "帮扶经费（演示数据）"),
        ],
    ),
    (
        8,
        "funding",
        "加大经费保障力度，根据学校发展情况，对学校新增短板和困难予以部分保障，在智慧校园建设、实验室设备采购、职中实践基地设备更新等方面予以支持，给予学校办学治校更多自主权。",
        ["jiaoyuju", "caizhengju"],
        END_2023,
        "2023年12月底前",
        False,
        "in_progress",
        [],
        [],
        [],
    ),
    (
        9,
        "staffing",
        "加强骨干教师培养。罗山中学选派教师赴闽进行培训学习观摩，每年定期开展教育教学研讨活动，培养一批市县级骨干教师学科带头人；职业学校构建学校管理团队梯队建设体系，培养校级管理人员；构建专业区级骨干教师团队。",
        ["jiaoyuju", "caizhengju", "luoshan", "zhijiao"],
        END_2023,
        "2023年12月底前完成",
        False,
        "done",
        [],
        [],
        [],
    ),
    (
        10,
        "staffing",
        "实施人员互动计划，互派管理人员到对方学校挂职交流学习，遴选一批有工作活力、管理潜力的管理团队，使受援校管理水平得到提高，通过名校校长、名班主任和名师工作室带领受援学校教师按照“1+3+N”辐射式教师发展模式，采用线上线下双轨方式，采取“课标学用”“集体备课”“全员展课”“课例分析”“命题研究”“立项课题”等校本教研措施，提升受援学校校本教研层次，建成3个“组团式”教育帮扶名师工作室。建设1个企业德育导师工作室，开展职业精神、工匠精神、劳模精神等专题教育，拓展新专业现代学徒制培养。加强与对口企业合作交流，通过观摩学习提高职业技术学校“双师”型教师比例。",
        ["jiaoyuju", "caizhengju", "luoshan", "zhijiao"],
        END_2025,
        "2025年12月底前",
        False,
        "in_progress",
        [],
        [("2024-03-01", "英语名师工作室、企业德育导师工作室成立（演示数据）。")],
        [],
    ),
    (
        11,
        "systems",
        "完善学校综合考核制度、职称评审制度、班主任管理制度,修订学校章程,落实党组织领导的校长负责和集体决策相结合制度,基本健全学校内部治理体系;修订职业学校适合当地产业对接的人才培养方案和专业建设方案,提高职业技术学校的专业适配度,培养更多对口人才,满足社会需求。",
        ["zuzhibu", "jiaoyuju", "luoshan", "zhijiao"],
        END_2023,
        "2023年12月底前",
        False,
        "done",
        [],
        [],
        [],
    ),
    (
        12,
        "systems",
        "帮助受援学校树立正确的办学思想和先进的办学理念,制定中长期发展目标和规划,建立校际帮扶长效机制,健全和完善各项管理制度,规范学校日常工作管理,提高管理水平,每学期至少召开3次学校管理人员及班主任座谈会,找问题,谈经验,促提升。实施全面托举工程,由“组团式”教育帮扶团队对学校“一训三风”等校园文化内涵进行提炼总结,对班级管理、课堂范式、素质评价等方面进行帮扶代培,加强受援校精神文明建设。",
        ["jiaoyuju", "luoshan", "zhijiao"],
        END_2023,
        "2023年12月底前完成制度完善,并长期坚持",
        True,
        "ongoing",
        [],
        [],
        [],
    ),
    (
        13,
        "mentoring",
        "指导受援学校按规定开齐课程、开足课时,规范教学常规管理,架构教学范式。定期开展各类教育教学研讨活动,制定教学计划,积极开展集体备课、随班听课、上示范课、评课、专题讲座和课题研究等活动,每学期组织教学观摩、学科竞赛或示范课评选不少于3次。",
        TEACHERS_ETC,
        END_2023,
        "2023年12月底前完成阶段任务，并长期坚持",
        True,
        "ongoing",
        [],
        [],
        [],
    ),
    (
        14,
        "mentoring",
        "重构教师发展规划和年度教师培养计划，帮助受援校制定教师队伍建设发展规划和培训计划,整合学科教学能力培训，采取多种方式的校本教研，提升受援学校校本教研层次。开展全域性同课异构活动，每月至少选定一个科目一个课时，由“组团式”教育帮扶团队、红寺堡中学骨干教师、罗山中学青年教师等群体开展同课异构，找差距、学经验。",
        TEACHERS_ETC,
        END_2023,
        "2023年12月底前完成阶段任务，并长期坚持",
        True,
        "ongoing",
        [],
        [],
        [],
    ),
    (
        15,
        "mentoring",
        "实施教师队伍“种子”计划，以师徒结对、影子跟训等方式开展“种子”培养计划，每名“组团式”帮扶人才培养不少于3名“徒弟”。做实校本培训项目，每个教育帮扶团队每年至少申报一项红寺堡区教育系统“微课题”，通过帮教、指导等方式，带动教师科研能力提升。",
        TEACHERS_ETC,
        END_2023,
        "2023年12月底前完成阶段任务，并长期坚持",
        True,
        "ongoing",
        [],
        [],
        [],
    ),
    (
        16,
        "mentoring",
        "开展全域教育论坛，由“组团式”教育帮扶人才负责，每季度开展一次专题教育论坛，面向全域教育工作者，包含班主任工作实操、教育理念分享、示范课架构和实施等内容，形成辐射带动效益。",
        TEACHERS_ETC,
        END_2023,
        "2023年12月底前完成阶段任务，并长期坚持",
        True,
        "ongoing",
        [],
        [],
        [],
    ),
    (
        17,
        "mentoring",
        "加强校本课程及教材研究，提升专业发展水平。2023年，职业技术学校结合学校专业实际积极创编校本教材及校企合作教材，打造校企合作精品课程；提炼班级思想政治建设典型案例建设课程思政示范课堂；完善专业课程标准并优化课程体系，撰写理实一体化、模块化课程教学典型案例；培育1个市级特色专业群。",
        ["jiaoyuju", "luoshan", "zhijiao"],
        END_2025,
        "2025年12月底前完成",
        False,
        "in_progress",
        [],
        [],
        [],
    ),
    (
        18,
        "mentoring",
        "注重教学实效，加强教研培训及校本课程研发。2023年，罗山中学积极打造市县级精品课，磨炼教师专业水平；职业技术学校加强与对口企业沟通，开发校企合作课程，遴选2个对接地方产业特色专业建设。充分发挥名校长工作室、名班主任工作室的“传帮带”作用，与帮扶学校形成研训一体化，实现在线课堂资源共享，每学期每学科组织开展远程教研活动，切实提高学科教学质量，每年帮扶学校校长到被帮扶学校实地指导1次。",
        ["jiaoyuju", "zuzhibu", "luoshan", "zhijiao"],
        END_2023,
        "2023年12月底前完成",
        False,
        "done",
        [],
        [],
        [],
    ),
    (
        19,
        "resources",
        "通过招录、调入、临聘等方式补齐被帮扶学校教师缺口，按师生比和班师比核增教师编制，向援助方争取划拨部分编制，优化师资配置结构，满足被帮扶学校教育教学需求。2023年，在中小学编制总量中，为红寺堡区职业技术学校增加21名编制，为红寺堡区罗山中学增加65名编制，进一步优化学校教师年龄结构，保障教师队伍帮扶期内总体稳定，满足被帮扶学校教育教学需求。",
        ["bianban", "jiaoyuju", "caizhengju", "renshe"],
        END_2023,
        "2023年12月底前完成阶段任务，每年根据班师比进行微调",
        True,
        "ongoing",
        [],
        [("2023-08-31", "职业技术学校增加21名编制、罗山中学增加65名编制（演示数据）。")],
        [],
    ),
]

GAOKAO_SUBJECTS = [
    "yuwen",
    "shuxue",
    "yingyu",
    "wuli",
    "huaxue",
    "shengwu",
    "zhengzhi",
    "lishi",
    "dili",
]

# (code, name, wording, measure, source, activity types, output category, minimum, period,
#  scope, subject slugs)
# fmt: off
CADENCE_RULES = [
    ("guanmo-jingsai-pingxuan", "教学观摩、学科竞赛或示范课评选", "每学期组织教学观摩、学科竞赛或示范课评选不少于3次", 13, "activities", ["observation", "competition", "model_lesson_selection"], "", 3, "semester", "school", []),
    ("tongke-yigou", "全域同课异构", "开展全域性同课异构活动，每月至少选定一个科目一个课时", 14, "activities", ["lesson_study"], "", 1, "month", "region", []),
    ("shitu-jiedui", "师徒结对（“种子”计划）", "每名“组团式”帮扶人才培养不少于3名“徒弟”", 15, "apprenticeships", [], "", 3, "programme", "person", []),
    ("weiketi", "微课题申报", "每个教育帮扶团队每年至少申报一项红寺堡区教育系统“微课题”", 15, "outputs", [], "micro_research", 1, "year", "school", []),
    ("luntan", "全域教育论坛", "每季度开展一次专题教育论坛，面向全域教育工作者", 16, "forum_sessions", [], "", 1, "quarter", "region", []),
    ("yuancheng-jiaoyan", "远程教研", "每学期每学科组织开展远程教研活动", 18, "activities", ["remote"], "", 1, "semester", "subject", ["yuwen", "shuxue", "yingyu", "wuli", "huaxue", "shengwu", "zhengzhi", "lishi", "dili"]),
    ("xiaozhang-zhidao", "帮扶学校校长实地指导", "每年帮扶学校校长到被帮扶学校实地指导1次", 18, "activities", ["on_site_guidance"], "", 1, "year", "school", []),
    ("zuotanhui", "管理人员及班主任座谈会", "每学期至少召开3次学校管理人员及班主任座谈会", 12, "activities", ["meeting"], "", 3, "semester", "school", []),
]
# fmt: on
# Rules that also count the lessons teachers observed on the portal (课堂观察).
OBSERVED_RULES = {"guanmo-jingsai-pingxuan"}


def semesters():
    """2022年秋季学期 (the baseline) to 2026年秋季学期: autumn September–January,
    spring February–July."""
    rows = []
    for year in range(2022, 2027):
        if year > 2022:
            rows.append(
                (f"{year}年春季学期", datetime.date(year, 2, 1), datetime.date(year, 7, 31))
            )
        rows.append(
            (f"{year}年秋季学期", datetime.date(year, 9, 1), datetime.date(year + 1, 1, 31))
        )
    return rows


# Invented for the demo: (school, [scores from 2022秋 to 2026春]).
SCORES = [
    ("luoshan", ["72.50", "73.00", "75.50", "77.00", "78.50", "80.00", "81.50", "83.00"]),
    ("zhijiao", ["65.00", "66.50", "68.00", "70.50", "71.00", "73.50", "75.00", "76.50"]),
]

V, S, R = OutputStatus.VERIFIED, OutputStatus.SUBMITTED, OutputStatus.RETURNED
RETURN_REASON = "缺少学校审定意见和教材目录，请补充后重新提交。"

# Invented for the demo. (title, category, level, school, workshop, date, status, quantity,
#  target code or None, measured value or None, evidence page slug or None, people)
# fmt: off
OUTPUTS = [
    ("市级精品课：函数的单调性", "quality_lesson", "shi", "luoshan", "mingxiaozhang", "2023-10-18", V, 1, None, None, "jpk-hanshu-dandiaoxing", ["马文静"]),
    ("市级精品课：牛顿第二定律", "quality_lesson", "shi", "luoshan", "wuli-mingshi", "2023-11-22", V, 1, None, None, "jpk-niudun-dierdinglv", ["杨海军"]),
    ("市级精品课：化学反应的速率", "quality_lesson", "shi", "luoshan", None, "2024-05-20", V, 1, None, None, None, []),
    ("市级精品课：读后续写的情节构建", "quality_lesson", "shi", "luoshan", "yingyu-mingshi", "2024-11-26", V, 1, None, None, None, ["吴敏"]),
    ("市级精品课：原电池的工作原理", "quality_lesson", "shi", "luoshan", None, "2026-11-10", S, 1, None, None, None, []),
    ("区级精品课：《兰亭集序》", "quality_lesson", "qu", "luoshan", "mingbanzhuren", "2023-12-12", V, 1, None, None, "jpk-lantingjixu", ["李娜"]),
    ("林建华名校长工作室", "workshop", None, "luoshan", "mingxiaozhang", "2023-03-01", V, 1, None, None, "mingxiaozhang", ["林建华"]),
    ("郑晓燕名班主任工作室", "workshop", None, "luoshan", "mingbanzhuren", "2023-03-01", V, 1, None, None, "mingbanzhuren", ["郑晓燕"]),
    ("黄志强物理名师工作室", "workshop", None, "luoshan", "wuli-mingshi", "2023-09-01", V, 1, None, None, "wuli-mingshi", ["黄志强"]),
    ("吴敏英语名师工作室", "workshop", None, "luoshan", "yingyu-mingshi", "2024-03-01", V, 1, None, None, "yingyu-mingshi", ["吴敏"]),
    ("周涛企业德育导师工作室", "workshop", None, "zhijiao", "qiye-deyu", "2024-03-01", V, 1, None, None, "qiye-deyu", ["周涛"]),
    ("县级骨干教师：马文静", "key_teacher", "xian", "luoshan", "mingxiaozhang", "2024-01-15", V, 1, None, None, None, ["马文静"]),
    ("县级骨干教师：李娜", "key_teacher", "xian", "luoshan", "mingbanzhuren", "2024-01-15", V, 1, None, None, None, ["李娜"]),
    ("县级骨干教师：杨海军", "key_teacher", "xian", "luoshan", "wuli-mingshi", "2024-09-10", V, 1, None, None, None, ["杨海军"]),
    ("县级骨干教师：王丽", "key_teacher", "xian", "luoshan", "mingxiaozhang", "2026-10-30", S, 1, None, None, None, ["王丽"]),
    ("县级学科带头人（数学）", "subject_leader", "xian", "luoshan", None, "2024-09-10", V, 1, None, None, None, []),
    ("县级学科带头人（物理）", "subject_leader", "xian", "luoshan", "wuli-mingshi", "2025-09-10", V, 1, None, None, None, []),
    ("骨干教师及学科带头人比例测算（2023年底）", "measurement", None, "luoshan", None, "2023-12-31", V, 1, "2023-13", "7.50", None, []),
    ("骨干教师及学科带头人比例测算（2025年底）", "measurement", None, "luoshan", None, "2025-12-31", V, 1, "2023-13", "9.20", None, []),
    ("校企合作课程：汽车发动机拆装", "enterprise_course", None, "zhijiao", "qiye-deyu", "2023-12-20", V, 1, None, None, "sfk-qixiu-fadongji", ["马小军"]),
    ("校企合作教材：《电子商务直播实务》", "enterprise_textbook", None, "zhijiao", None, "2023-12-28", V, 1, None, None, None, []),
    ("校本教材：《葡萄酒酿造基础》", "school_textbook", None, "zhijiao", None, "2025-06-30", R, 1, None, None, None, []),
    ("特色专业：葡萄酒酿造与营销", "featured_major", None, "zhijiao", None, "2023-09-01", V, 1, None, None, None, []),
    ("特色专业：现代农艺技术", "featured_major", None, "zhijiao", None, "2023-09-01", V, 1, None, None, None, []),
    ("校级后备干部培养对象", "reserve_cadre", "xiao", "zhijiao", None, "2023-11-01", V, 1, None, None, None, []),
    ("“双师型”教师比例测算（2025年底）", "measurement", None, "zhijiao", None, "2025-12-31", V, 1, "2025-12", "32.00", None, []),
    ("微课题：高一函数概念教学中的图象表征", "micro_research", None, "luoshan", "mingxiaozhang", "2023-11-15", V, 1, None, None, None, ["林建华"]),
    ("微课题：物理数字化实验的课堂应用", "micro_research", None, "luoshan", "wuli-mingshi", "2024-10-15", V, 1, None, None, None, ["黄志强"]),
    ("微课题：中职电子商务专业现代学徒制实践", "micro_research", None, "zhijiao", "qiye-deyu", "2024-11-20", V, 1, None, None, None, ["刘倩"]),
    ("微课题：读后续写的评价量表", "micro_research", None, "luoshan", "yingyu-mingshi", "2026-10-20", V, 1, None, None, None, ["吴敏"]),
    ("学生学科竞赛县级获奖", "student_award", "xian", "luoshan", None, "2024-06-10", V, 4, None, None, None, []),
    ("学生学科竞赛市级获奖", "student_award", "shi", "luoshan", None, "2025-05-20", V, 3, None, None, None, []),
    ("全区职业技能大赛学生获奖", "student_award", "zizhiqu", "zhijiao", None, "2025-05-25", V, 6, None, None, None, []),
    ("教师教学能力比赛全区获奖", "teacher_award", "zizhiqu", "luoshan", None, "2025-11-20", V, 2, None, None, None, []),
    ("《罗山中学综合考核办法》（修订）", "policy_document", None, "luoshan", "mingxiaozhang", "2023-12-15", V, 1, "2023-25", None, None, []),
    ("《罗山中学职称评审实施细则》", "policy_document", None, "luoshan", "mingxiaozhang", "2023-12-15", V, 1, "2023-26", None, None, []),
    ("《罗山中学班主任管理办法》", "policy_document", None, "luoshan", "mingbanzhuren", "2026-11-20", S, 1, "2023-27", None, None, []),
    ("《红寺堡区职业技术学校章程》（修订）", "policy_document", None, "zhijiao", None, "2023-12-20", V, 1, "2023-30", None, None, []),
    ("闽宁协作职教联盟成立", "other", None, "zhijiao", None, "2023-09-26", V, 1, "2023-02", None, None, []),
    ("全域教育论坛首期举办", "other", None, None, None, "2023-12-28", V, 1, "2023-19", None, "2023-q4", []),
    ("全域同课异构活动启动", "other", None, None, None, "2023-10-17", V, 1, "2023-20", None, "tkyg-hanshu-dandiaoxing", []),
    ("“种子”计划师徒结对启动", "other", None, None, "mingxiaozhang", "2023-03-15", V, 1, "2023-21", None, None, ["林建华"]),
]
# fmt: on


# Accounts to try the tracking area with (`--demo-accounts` only). What they may do comes from
# their groups (portal/setup/roles.py): the lead and the member by their workshop, the others named.
# (username, password, name, person to link, groups)
TRACKING_ACCOUNTS = [
    ("lead", "Hsb-lead-2026", "黄志强", "黄志强", []),
    ("member", "Hsb-member-2026", "杨海军", "杨海军", []),
    ("reviewer", "Hsb-reviewer-2026", "审核员", None, ["学校审核员·罗山中学"]),
    ("office", "Hsb-office-2026", "项目办公室", None, ["项目办"]),
]


def load(loader, home):
    _results_page(loader, home)
    _semesters(loader)
    _measures(loader)
    _targets(loader)
    _cadence_rules(loader)
    _scores(loader)
    _outputs(loader)
    if loader.demo_accounts:
        _accounts(loader)


def _results_page(loader, home):
    if ResultsPage.objects.exists():
        return
    page = ResultsPage(
        title="帮扶成效",
        slug="results",
        show_in_menus=True,
        listing_summary="实施方案的每一项目标、帮扶措施和频次要求的完成情况，依据已发布的活动和已核实的成果自动计算。",
        introduction="<p>本页列出《红寺堡区教育人才“组团式”帮扶工作实施方案》的全部目标及其完成进度、本学期各项频次要求的落实情况。进度只计入经审核核实的成果和已发布的活动。</p>",
    )
    about = home.get_children().filter(slug="about").first()
    if about is not None:
        about.add_sibling(pos="left", instance=page)
    else:
        home.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    loader._count(ResultsPage._meta.verbose_name, True)


def _semesters(loader):
    for name, start, end in semesters():
        _, created = Semester.objects.get_or_create(
            name=name,
            defaults={"start": start, "end": end, "is_baseline": name == "2022年秋季学期"},
        )
        loader._count(Semester._meta.verbose_name, created)


def _measures(loader):
    units = {u.slug: u for u in ResponsibleUnit.objects.all()}
    for row in MEASURES:
        number, group, text, unit_slugs, deadline, wording, continues, status = row[:8]
        funding, notes, spending = row[8:]
        if Measure.objects.filter(number=number).exists():
            continue
        measure = Measure(
            number=number,
            group=group,
            text=text,
            deadline=D(deadline),
            deadline_wording=wording,
            continues=continues,
            status=status,
            funding=[MeasureFunding(year=y, amount=Decimal(a), purpose=p) for y, a, p in funding],
            notes=[MeasureNote(date=D(d), text=t) for d, t in notes],
            spending=[
                MeasureSpending(date=D(d), amount=Decimal(a), purpose=p) for d, a, p in spending
            ],
        )
        measure.responsible_units = [units[s] for s in unit_slugs if s in units]
        measure.save()
        loader._count(Measure._meta.verbose_name, True)


def _targets(loader):
    schools = {s.slug: s for s in School.objects.all()}
    levels = {lv.slug: lv for lv in Level.objects.all()}
    measures = {m.number: m for m in Measure.objects.all()}
    existing = set(Target.objects.values_list("code", flat=True))
    for year, rows in TARGETS.items():
        for order, row in enumerate(rows):
            code, school, area, wording, kind, comparison, value, unit = row[:8]
            category, level, higher, workshop_kind, measure = row[8:]
            if code in existing:
                continue
            Target.objects.create(
                code=code,
                year=year,
                school=schools.get(school),
                area=area,
                wording=wording,
                kind=kind,
                comparison=comparison,
                value=None if value is None else Decimal(value),
                unit=unit,
                category=category,
                level=levels.get(level),
                level_or_higher=higher,
                workshop_kind=workshop_kind,
                measure=measures.get(measure),
                sort_order=order,
            )
            loader._count(Target._meta.verbose_name, True)


def _cadence_rules(loader):
    measures = {m.number: m for m in Measure.objects.all()}
    subjects = {s.slug: s for s in Subject.objects.all()}
    for order, row in enumerate(CADENCE_RULES):
        code, name, wording, measure, source, types, category, minimum, period, scope = row[:10]
        if CadenceRule.objects.filter(code=code).exists():
            continue
        rule = CadenceRule.objects.create(
            code=code,
            name=name,
            wording=wording,
            measure=measures.get(measure),
            source=source,
            activity_types=types,
            output_category=category,
            include_observations=code in OBSERVED_RULES,
            minimum=minimum,
            period=period,
            scope=scope,
            sort_order=order,
        )
        rule.subjects.set([subjects[s] for s in row[10] if s in subjects])
        loader._count(CadenceRule._meta.verbose_name, True)


def _scores(loader):
    terms = list(Semester.objects.order_by("start"))
    schools = {s.slug: s for s in School.objects.all()}
    for slug, scores in SCORES:
        if slug not in schools:
            continue
        for term, score in zip(terms, scores, strict=False):
            _, created = EvaluationScore.objects.get_or_create(
                school=schools[slug],
                semester=term,
                defaults={"score": Decimal(score), "note": "演示数据"},
            )
            loader._count(EvaluationScore._meta.verbose_name, created)


def _outputs(loader):
    workshops = {w.slug: w for w in WorkshopPage.objects.all()}
    if not workshops:  # the skeleton without the library has no workshops to credit
        return
    schools = {s.slug: s for s in School.objects.all()}
    levels = {lv.slug: lv for lv in Level.objects.all()}
    targets = {t.code: t for t in Target.objects.all()}
    people = loader._people()
    existing = set(OutputRecord.objects.values_list("title", flat=True))
    for row in OUTPUTS:
        title, category, level, school, workshop, day, status, quantity = row[:8]
        target, value, evidence, names = row[8:]
        if title in existing:
            continue
        page = Page.objects.filter(slug=evidence).first() if evidence else None
        when = timezone.make_aware(datetime.datetime.combine(D(day), datetime.time(17)))
        record = OutputRecord.objects.create(
            title=title,
            category=category,
            level=levels.get(level),
            school=schools.get(school),
            workshop=workshops.get(workshop),
            date=D(day),
            quantity=quantity,
            target=targets.get(target),
            measured_value=Decimal(value) if value else None,
            evidence_page=page,
            description="演示数据",
            status=status,
            return_reason=RETURN_REASON if status == R else "",
            submitted_at=when,
            reviewed_at=None if status == S else when + datetime.timedelta(days=3),
        )
        record.people.set([people[n] for n in names if n in people])
        loader._count(OutputRecord._meta.verbose_name, True)


def _accounts(loader):
    User = get_user_model()
    for username, password, name, person, groups in TRACKING_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, first_name=name, email=f"{username}@example.com")
        user.set_password(password)
        user.save()
        linked = Person.objects.filter(name=person, user=None).first() if person else None
        if linked is not None:
            linked.user = user
            linked.save(update_fields=["user"])
        loader.refresh_roles()  # the groups exist, and the lead and member join their workshop's
        user.groups.add(*Group.objects.filter(name__in=groups))
        loader._count("账号", True)
