"""Realistic Chinese resource rows for benchmarks: titles, summaries and bodies built from the
programme's vocabulary, deterministic for a given seed. Used by generate_resources.py (50,000
rows for the latency and import benchmarks)."""

import random

SCHOOLS = ["红寺堡区罗山中学", "红寺堡区职业技术学校", "红寺堡中学"]
GRADES = {
    "高一": "普通高中",
    "高二": "普通高中",
    "高三": "普通高中",
    "七年级": "初中",
    "八年级": "初中",
    "九年级": "初中",
    "中职一年级": "中职",
    "中职二年级": "中职",
}
SUBJECT_TOPICS = {
    "数学": [
        "函数的单调性",
        "三角函数的图象与性质",
        "等差数列",
        "立体几何初步",
        "导数的几何意义",
        "概率与统计",
        "平面向量",
        "一元二次不等式",
        "指数函数",
        "数列求和",
    ],
    "语文": [
        "《兰亭集序》",
        "《赤壁赋》",
        "议论文写作",
        "古诗词鉴赏",
        "文言文阅读",
        "《红楼梦》整本书阅读",
        "散文阅读",
        "材料作文审题",
        "《祝福》",
        "诗歌意象",
    ],
    "英语": [
        "Unit 3 阅读课",
        "读后续写",
        "定语从句",
        "书面表达",
        "听说课",
        "完形填空技巧",
        "Unit 5 Music",
        "词汇教学",
        "语篇分析",
        "过去完成时",
    ],
    "物理": [
        "牛顿第二定律",
        "电磁感应",
        "动量守恒",
        "匀变速直线运动",
        "机械能守恒",
        "楞次定律",
        "电场强度",
        "圆周运动",
        "光的折射",
        "受力分析",
    ],
    "化学": [
        "钠及其化合物",
        "氧化还原反应",
        "化学反应速率",
        "有机物的结构",
        "物质的量",
        "元素周期律",
        "电化学基础",
        "离子反应",
        "化学平衡",
        "铁及其化合物",
    ],
    "生物学": ["细胞的结构", "光合作用", "遗传规律", "生态系统", "DNA的复制", "神经调节"],
    "历史": ["辛亥革命", "丝绸之路", "工业革命", "改革开放", "中华文明的起源", "宋元时期的经济"],
    "地理": ["黄土高原水土流失", "大气环流", "地球运动", "城镇化", "农业区位因素", "水循环"],
    "思想政治": ["中国特色社会主义", "依法治国", "经济全球化", "文化自信", "哲学与生活"],
    "信息技术": ["Python 编程入门", "数据与计算", "算法初步", "网络基础", "人工智能初步"],
    "电子商务": ["网店视觉设计", "直播电商实务", "农产品网络营销", "客户服务", "短视频运营"],
    "计算机应用": ["办公软件应用", "图像处理", "网页制作", "计算机组装与维护"],
    "葡萄酒酿造与营销": ["葡萄栽培技术", "葡萄酒品鉴", "酒庄营销", "酿造工艺"],
    "现代农艺技术": ["枸杞种植", "设施农业", "土壤与肥料", "病虫害防治"],
    "班级管理与德育": ["班会课设计", "家校沟通", "班级文化建设", "学生心理疏导"],
}
TYPES = ["课件", "教案", "学案", "试题", "课堂实录", "教学反思", "典型案例", "微课题"]
LEVELS = ["", "", "", "校级", "县级", "市级", "自治区级"]
EDITIONS = ["", "人教版", "统编版", "北师大版", "人教A版", "外研版"]
ACTIVITIES = [
    "集体备课",
    "同课异构",
    "远程教研",
    "示范课",
    "精品课",
    "公开课",
    "听评课",
    "师徒结对",
]
SENTENCES = [
    "本{type}围绕{topic}展开，适用于{grade}{subject}教学。",
    "{school}{subject}组在福建帮扶团队指导下开展{activity}，形成了这份{type}。",
    "教学目标：理解{topic}的基本概念，能够运用所学解决实际问题，发展学科核心素养。",
    "教学重点是{topic}，难点在于引导学生经历探究过程，建立知识之间的联系。",
    "课堂采用情境导入、小组合作、展示交流和当堂检测等环节，注重学生的主体地位。",
    "资料经{activity}打磨，结合红寺堡区学情进行了调整，可供同学科教师参考使用。",
    "配套练习分为基础、提升和拓展三个层次，满足不同层次学生的学习需求。",
    "本节课在{school}进行了实践，课后开展了评课议课，教师们提出了改进建议。",
    "通过“组团式”教育帮扶，援宁教师与本地青年教师结成师徒，共同完成了本{type}的设计。",
    "反思：{topic}的教学要关注学生的已有经验，适当放慢节奏，加强变式训练。",
]
TAGS = [
    "精品课",
    "集体备课",
    "远程教研",
    "同课异构",
    "新高考",
    "大单元教学",
    "核心素养",
    "作业设计",
    "示范课",
    "课程思政",
    "校企合作",
    "分层教学",
]
SUBJECT_STAGES = {
    "电子商务": "中职",
    "计算机应用": "中职",
    "葡萄酒酿造与营销": "中职",
    "现代农艺技术": "中职",
}


def resource_row(rng, number):
    subject = rng.choice(list(SUBJECT_TOPICS))
    topic = rng.choice(SUBJECT_TOPICS[subject])
    if SUBJECT_STAGES.get(subject) == "中职":
        grade, school = rng.choice(["中职一年级", "中职二年级"]), "红寺堡区职业技术学校"
    else:
        grade = rng.choice([g for g, s in GRADES.items() if s != "中职"])
        school = rng.choice(["红寺堡区罗山中学", "红寺堡中学"])
    rtype = rng.choice(TYPES)
    activity = rng.choice(ACTIVITIES)
    fill = dict(
        type=rtype, topic=topic, grade=grade, subject=subject, school=school, activity=activity
    )
    title = f"{grade}{subject}{rtype}：{topic}"
    if rng.random() < 0.3:
        title = f"{activity}｜{title}"
    sentences = rng.sample(SENTENCES, 6)
    summary = "".join(s.format(**fill) for s in sentences[:2])
    body = "\n".join(s.format(**fill) for s in sentences[2:])
    return {
        "title": f"{title}（{number}）",
        "summary": summary,
        "body": body,
        "subject": subject,
        "grade": grade,
        "stage": GRADES[grade],
        "school": school,
        "resource_type": rtype,
        "level": rng.choice(LEVELS),
        "textbook_edition": rng.choice(EDITIONS),
        "tags": ",".join(rng.sample(TAGS, rng.randint(0, 3))),
    }


def resource_rows(count, seed=2023):
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield resource_row(rng, number)
