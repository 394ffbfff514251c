"""Every target of the plan (../shared/seed, 二、目标任务), with the plan's exact figures.

How they were counted: the 目标任务 section states its aims for 2023, 2025 and 2035, the
first two under four areas. One target is one thing the plan names to reach: each figure
with its school; each thing to build, revise or set up; each direction to improve. A list
under one verb is split where each item is separately deliverable ("综合考核制度、职称评审
制度、班主任管理制度" is three documents); a clause naming both schools for one deliverable
stays one region-wide target. Count 70: 2023 — 36 (quality 9, teachers 14, students 1,
management 12); 2025 — 28 (quality 9, teachers 6, students 4, management 9); 2035 — 6.

Row: (code, school, area, wording, kind, comparison, value, unit, category, level,
level or higher, workshop kind, measure number). School None = region-wide or both schools.
"""

T, Q, S, M, OV = "teachers", "teaching", "students", "management", "overall"
LS, ZJ = "luoshan", "zhijiao"

# fmt: off
TARGETS_2023 = [
    # 教育教学质量提升方面
    ("2023-01", None, Q, "定期开展各类教育教学研讨活动，通过线上线下远程教研，提升学科教学质量", "trend", "gte", None, "", "", None, False, "", 18),
    ("2023-02", ZJ, Q, "搭建闽宁协作职教联盟", "milestone", "gte", None, "", "", None, False, "", 6),
    ("2023-03", ZJ, Q, "开展分段式职业教育", "milestone", "gte", None, "", "", None, False, "", 6),
    ("2023-04", LS, Q, "罗山中学打造市级精品课8节", "count", "gte", 8, "节", "quality_lesson", "shi", False, "", 18),
    ("2023-05", LS, Q, "罗山中学打造区级精品课2节", "count", "gte", 2, "节", "quality_lesson", "qu", False, "", 18),
    ("2023-06", ZJ, Q, "职业技术学校完成校企合作课程开发1节", "count", "gte", 1, "节", "enterprise_course", None, False, "", 18),
    ("2023-07", ZJ, Q, "职业技术学校完成教材开发1门", "count", "gte", 1, "门", "enterprise_textbook", None, False, "", 17),
    ("2023-08", ZJ, Q, "遴选2个对接地方产业特色专业建设", "count", "gte", 2, "个", "featured_major", None, False, "", 18),
    ("2023-09", None, Q, "加快建成两所学校教学楼、实训楼、风雨操场等建设项目，满足教学需求", "milestone", "gte", None, "", "", None, False, "", 4),
    # 教师队伍能力提升方面
    ("2023-10", LS, T, "罗山中学培养县级骨干教师5名", "count", "gte", 5, "名", "key_teacher", "xian", False, "", 9),
    ("2023-11", LS, T, "罗山中学培养市级骨干教师1名", "count", "gte", 1, "名", "key_teacher", "shi", False, "", 9),
    ("2023-12", LS, T, "罗山中学培养县级学科带头人5人", "count", "gte", 5, "人", "subject_leader", "xian", False, "", 9),
    ("2023-13", LS, T, "骨干教师及学科带头人比例提高到10%", "percentage", "gte", 10, "%", "", None, False, "", 9),
    ("2023-14", ZJ, T, "职业学校构建学校管理团队梯队建设", "milestone", "gte", None, "", "", None, False, "", 9),
    ("2023-15", ZJ, T, "职业学校培养2名校级后备干部", "count", "gte", 2, "名", "reserve_cadre", "xiao", False, "", 9),
    ("2023-16", ZJ, T, "职业学校构建2个专业区级骨干教师团队", "count", "gte", 2, "个", "key_teacher_team", "qu", False, "", 9),
    ("2023-17", None, T, "建成1个名校长工作室", "count", "gte", 1, "个", "workshop", None, False, "principal", 5),
    ("2023-18", None, T, "建成1个名班主任工作室", "count", "gte", 1, "个", "workshop", None, False, "head_teacher", 5),
    ("2023-19", None, T, "开展全域教育论坛", "milestone", "gte", None, "", "", None, False, "", 16),
    ("2023-20", None, T, "开展全域同课异构活动", "milestone", "gte", None, "", "", None, False, "", 14),
    ("2023-21", None, T, "实施“种子”计划", "milestone", "gte", None, "", "", None, False, "", 15),
    ("2023-22", None, T, "建立结对帮扶机制", "milestone", "gte", None, "", "", None, False, "", 15),
    ("2023-23", None, T, "提升教师科研能力", "trend", "gte", None, "", "", None, False, "", 15),
    # 学生综合素质提升方面
    ("2023-24", ZJ, S, "职业技术学校学生参加高职分类招考考试上线率达80%以上", "percentage", "gte", 80, "%", "", None, False, "", None),
    # 学校管理水平提升方面
    ("2023-25", LS, M, "完善罗山中学综合考核制度", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-26", LS, M, "完善罗山中学职称评审制度", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-27", LS, M, "完善罗山中学班主任管理制度", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-28", LS, M, "将罗山中学创建成为劳动教育示范学校", "milestone", "gte", None, "", "", None, False, "", 12),
    ("2023-29", LS, M, "将罗山中学创建成为体育特色学校", "milestone", "gte", None, "", "", None, False, "", 12),
    ("2023-30", ZJ, M, "修订职业技术学校的《学校章程》", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-31", ZJ, M, "健全学校组织机构", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-32", ZJ, M, "落实党组织领导的校长负责和集体决策相结合制度", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-33", ZJ, M, "基本健全学校内部治理体系", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-34", ZJ, M, "修订职业学校适合当地产业对接的人才培养方案", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-35", ZJ, M, "修订职业学校适合当地产业对接的专业建设方案", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2023-36", ZJ, M, "人才培养方案的论证、优化和公开，并进行推广", "milestone", "gte", None, "", "", None, False, "", 11),
]

TARGETS_2025 = [
    # 教育教学质量提升方面
    ("2025-01", ZJ, Q, "职业技术学校创编校本教材2门", "count", "gte", 2, "门", "school_textbook", None, False, "", 17),
    ("2025-02", ZJ, Q, "职业技术学校创编校企合作教材2门", "count", "gte", 2, "门", "enterprise_textbook", None, False, "", 17),
    ("2025-03", ZJ, Q, "打造校企合作精品课程2门", "count", "gte", 2, "门", "enterprise_course", None, False, "", 17),
    ("2025-04", ZJ, Q, "提炼班级思想政治建设典型案例2个", "count", "gte", 2, "个", "ideology_case", None, False, "", 17),
    ("2025-05", ZJ, Q, "建设课程思政示范课堂2个", "count", "gte", 2, "个", "ideology_classroom", None, False, "", 17),
    ("2025-06", ZJ, Q, "完善2门专业课程标准", "count", "gte", 2, "门", "course_standard", None, False, "", 17),
    ("2025-07", ZJ, Q, "优化课程体系", "milestone", "gte", None, "", "", None, False, "", 17),
    ("2025-08", ZJ, Q, "撰写1个理实一体化、模块化课程教学典型案例", "count", "gte", 1, "个", "teaching_case", None, False, "", 17),
    ("2025-09", ZJ, Q, "培育1个市级特色专业群", "count", "gte", 1, "个", "featured_major_group", "shi", False, "", 17),
    # 教师队伍能力提升方面
    ("2025-10", None, T, "建成3个“组团式”教育帮扶名师工作室", "count", "gte", 3, "个", "workshop", None, False, "master_teacher", 10),
    ("2025-11", None, T, "建成1个企业德育导师工作室", "count", "gte", 1, "个", "workshop", None, False, "enterprise_mentor", 10),
    ("2025-12", ZJ, T, "职业技术学校“双师”型教师比例提高到40%", "percentage", "gte", 40, "%", "", None, False, "", 10),
    ("2025-13", None, T, "两校教师实现“组团式”帮扶全员轮训", "percentage", "eq", 100, "%", "", None, False, "", 7),
    ("2025-14", LS, T, "罗山中学教师教学能力、班主任能力比赛在全区获奖人数超过3人次", "count", "gt", 3, "人次", "teacher_award", None, False, "", 9),
    ("2025-15", ZJ, T, "职业技术学校教师教学能力、班主任能力比赛在全区获奖人数超过5人次", "count", "gt", 5, "人次", "teacher_award", None, False, "", 9),
    # 学生综合素质提升方面
    ("2025-16", LS, S, "罗山中学学生在县级以上各类学生竞赛比赛上获奖人数超过10人次", "count", "gt", 10, "人次", "student_award", "xian", True, "", None),
    ("2025-17", ZJ, S, "职业技术学校学生在全区职业技能大赛上获奖人数超过10人次", "count", "gt", 10, "人次", "student_award", None, False, "", None),
    ("2025-18", LS, S, "新高考改革全面完成", "milestone", "gte", None, "", "", None, False, "", None),
    ("2025-19", LS, S, "高考升学率逐年提升", "trend", "gte", None, "", "", None, False, "", None),
    # 学校管理水平提升方面
    ("2025-20", None, M, "培养校长1名", "count", "gte", 1, "名", "principal", None, False, "", 10),
    ("2025-21", None, M, "培养副校长5名", "count", "gte", 5, "名", "vice_principal", None, False, "", 10),
    ("2025-22", LS, M, "通过完善学校各项规章制度，初步形成罗山中学《学校章程》", "milestone", "gte", None, "", "", None, False, "", 11),
    ("2025-23", ZJ, M, "职业学校建成“三全育人”典型学校", "milestone", "gte", None, "", "", None, False, "", 12),
    ("2025-24", ZJ, M, "构建“三全育人”长效机制", "milestone", "gte", None, "", "", None, False, "", 12),
    ("2025-25", None, M, "建立工作落实体系", "milestone", "gte", None, "", "", None, False, "", 2),
    ("2025-26", None, M, "定期听取两所学校工作汇报", "trend", "gte", None, "", "", None, False, "", 2),
    ("2025-27", None, M, "建立考核评价指标", "milestone", "gte", None, "", "", None, False, "", 3),
    ("2025-28", None, M, "对被帮扶学校工作落实情况进行赋分评价", "milestone", "gte", None, "", "", None, False, "", 3),
]

TARGETS_2035 = [
    ("2035-01", None, OV, "全面建成现代化教育体系", "milestone", "gte", None, "", "", None, False, "", None),
    ("2035-02", ZJ, OV, "职业教育联盟体系步入正轨", "milestone", "gte", None, "", "", None, False, "", None),
    ("2035-03", None, OV, "形成长效机制", "milestone", "gte", None, "", "", None, False, "", None),
    ("2035-04", LS, OV, "将红寺堡区罗山中学建设成为红寺堡区一流高中", "milestone", "gte", None, "", "", None, False, "", None),
    ("2035-05", ZJ, OV, "将红寺堡区职业技术学校建设成为红寺堡区一流职中", "milestone", "gte", None, "", "", None, False, "", None),
    ("2035-06", None, OV, "实现一所好学校带领红寺堡区教育高质量发展的目标", "trend", "gte", None, "", "", None, False, "", None),
]

# fmt: on

TARGETS = {2023: TARGETS_2023, 2025: TARGETS_2025, 2035: TARGETS_2035}
