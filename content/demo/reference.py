"""Reference data named by the plan (../shared/seed), plus the lists teachers classify by.

Each entry is keyed by its slug, which is how the loader recognises what already exists.
"""

SCHOOLS = [
    {
        "slug": "luoshan",
        "name": "红寺堡区罗山中学",
        "short_name": "罗山中学",
        "kind": "general_high",
        "role": "aided",
        "address": "宁夏回族自治区吴忠市红寺堡区",
        "introduction": "“组团式”教育帮扶受援学校之一，普通高中。2023年目标：打造市级精品课8节、"
        "区级精品课2节，培养县级骨干教师5名、市级骨干教师1名、县级学科带头人5人。",
    },
    {
        "slug": "zhijiao",
        "name": "红寺堡区职业技术学校",
        "short_name": "职业技术学校",
        "kind": "vocational",
        "role": "aided",
        "address": "宁夏回族自治区吴忠市红寺堡区",
        "introduction": "“组团式”教育帮扶受援学校之一，中等职业学校。搭建闽宁协作职教联盟，"
        "开展分段式职业教育，对接地方产业建设特色专业。",
    },
    {
        "slug": "hongsibu-zhongxue",
        "name": "红寺堡中学",
        "short_name": "红寺堡中学",
        "kind": "general_high",
        "role": "participating",
        "address": "宁夏回族自治区吴忠市红寺堡区",
        "introduction": "参与全域同课异构等区域教研活动，骨干教师与帮扶团队、罗山中学青年教师同课异构。",
    },
]

# (slug, name, short name, kind, school slug or None)
RESPONSIBLE_UNITS = [
    ("zuzhibu", "红寺堡区委组织部", "组织部", "party", None),
    ("jiaoyuju", "红寺堡区教育局", "教育局", "government", None),
    ("caizhengju", "红寺堡区财政局", "财政局", "government", None),
    ("renshe", "红寺堡区人力资源和社会保障局", "人社局", "government", None),
    ("fagaiju", "红寺堡区发展和改革局", "发改局", "government", None),
    ("zhujian", "红寺堡区住房城乡建设和交通局", "住建交通局", "government", None),
    ("ziranziyuan", "红寺堡区自然资源局", "自然资源局", "government", None),
    ("bianban", "红寺堡区委机构编制委员会办公室", "编办", "party", None),
    ("luoshan", "红寺堡区罗山中学", "罗山中学", "school", "luoshan"),
    ("zhijiao", "红寺堡区职业技术学校", "职业技术学校", "school", "zhijiao"),
]

# 通用: material for every stage (a district's case studies, class-teacher work, teacher
# development), rather than a stage it does not belong to.
STAGES = [
    ("chuzhong", "初中"),
    ("gaozhong", "普通高中"),
    ("zhongzhi", "中职"),
    ("tongyong", "通用"),
]

# (slug, name, kind, stage slugs)
SUBJECTS = [
    ("yuwen", "语文", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("shuxue", "数学", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("yingyu", "英语", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("wuli", "物理", "subject", ["chuzhong", "gaozhong"]),
    ("huaxue", "化学", "subject", ["chuzhong", "gaozhong"]),
    ("shengwu", "生物学", "subject", ["chuzhong", "gaozhong"]),
    ("zhengzhi", "思想政治", "subject", ["gaozhong", "zhongzhi"]),
    ("lishi", "历史", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("dili", "地理", "subject", ["chuzhong", "gaozhong"]),
    ("xinxi", "信息技术", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("tongyong", "通用技术", "subject", ["gaozhong"]),
    ("tiyu", "体育与健康", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("yinyue", "音乐", "subject", ["chuzhong", "gaozhong"]),
    ("meishu", "美术", "subject", ["chuzhong", "gaozhong"]),
    ("xinli", "心理健康", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("banji", "班级管理与德育", "subject", ["chuzhong", "gaozhong", "zhongzhi"]),
    ("jisuanji", "计算机应用", "major", ["zhongzhi"]),
    ("dianshang", "电子商务", "major", ["zhongzhi"]),
    ("qixiu", "汽车运用与维修", "major", ["zhongzhi"]),
    ("xueqian", "幼儿保育", "major", ["zhongzhi"]),
    ("nongyi", "现代农艺技术", "major", ["zhongzhi"]),
    ("niangjiu", "葡萄酒酿造与营销", "major", ["zhongzhi"]),
]

# (slug, name, stage slug)
GRADES = [
    ("qinianji", "七年级", "chuzhong"),
    ("banianji", "八年级", "chuzhong"),
    ("jiunianji", "九年级", "chuzhong"),
    ("gaoyi", "高一", "gaozhong"),
    ("gaoer", "高二", "gaozhong"),
    ("gaosan", "高三", "gaozhong"),
    ("zhongzhi-1", "中职一年级", "zhongzhi"),
    ("zhongzhi-2", "中职二年级", "zhongzhi"),
    ("zhongzhi-3", "中职三年级", "zhongzhi"),
]

# (slug, name, publisher)
TEXTBOOK_EDITIONS = [
    ("tongbian", "统编版", "人民教育出版社"),
    ("renjiao", "人教版", "人民教育出版社"),
    ("renjiao-a", "人教A版", "人民教育出版社"),
    ("beishida", "北师大版", "北京师范大学出版社"),
    ("sujiao", "苏教版", "江苏凤凰教育出版社"),
    ("waiyan", "外研版", "外语教学与研究出版社"),
    ("gaojiao", "高教版", "高等教育出版社"),
    ("xiaoben", "校本教材", ""),
]

# (slug, name, description)
RESOURCE_TYPES = [
    ("kejian", "课件", "课堂教学使用的演示文稿"),
    ("jiaoan", "教案", "教学设计与教案"),
    ("xuean", "学案", "供学生使用的导学案"),
    ("shiti", "试题", "试题、试卷与命题研究"),
    ("shilu", "课堂实录", "课堂实录的配套文字与资料"),
    ("xiaoben", "校本教材", "学校自主编写的校本教材"),
    ("xiaoqi", "校企合作教材", "与合作企业共同开发的教材"),
    ("anli", "典型案例", "教育教学与思政建设典型案例"),
    ("weiketi", "微课题", "红寺堡区教育系统微课题研究材料"),
    ("luntan", "论坛材料", "全域教育论坛的讲稿、课件与总结"),
    ("kebiao", "课程标准", "专业课程标准与课程体系"),
    ("fansi", "教学反思", "课后反思与评课记录"),
]

# (slug, name, description): ordered from the highest level down.
LEVELS = [
    ("guojia", "国家级", ""),
    ("zizhiqu", "自治区级", ""),
    ("shi", "市级", "吴忠市"),
    ("qu", "区级", "本方案中“区级”有时指自治区、有时指红寺堡区，录入时请按实际选择。"),
    ("xian", "县级", "红寺堡区作为县级行政区的评比"),
    ("xiao", "校级", ""),
]

# People are demonstration data: the plan names no individuals.
# (name, kind, school slug, sending unit, position, subject slugs, biography)
PEOPLE = [
    (
        "林建华",
        "aid_member",
        "luoshan",
        "福州第一中学",
        "帮扶校长",
        ["shuxue"],
        "福建省特级教师，“组团式”帮扶团队负责人，主持罗山中学名校长工作室。",
    ),
    (
        "郑晓燕",
        "aid_member",
        "luoshan",
        "厦门第一中学",
        "帮扶教师、班主任",
        ["yuwen", "banji"],
        "长期担任班主任，主持名班主任工作室，推动班级管理制度建设。",
    ),
    (
        "黄志强",
        "aid_member",
        "luoshan",
        "泉州第五中学",
        "物理教研组长",
        ["wuli"],
        "组织集体备课与远程教研，指导青年教师打造精品课。",
    ),
    (
        "吴敏",
        "aid_member",
        "luoshan",
        "福州第一中学",
        "英语教师",
        ["yingyu"],
        "负责英语学科同课异构活动与命题研究。",
    ),
    (
        "陈永福",
        "aid_member",
        "zhijiao",
        "福建信息职业技术学院",
        "帮扶校长",
        ["jisuanji"],
        "推动闽宁协作职教联盟建设，指导校企合作课程与教材开发。",
    ),
    (
        "刘倩",
        "aid_member",
        "zhijiao",
        "福州机电工程职业技术学校",
        "专业带头人",
        ["dianshang"],
        "指导电子商务专业建设与“双师型”教师培养。",
    ),
    ("马文静", "teacher", "luoshan", "", "数学教师", ["shuxue"], "青年教师，师从林建华。"),
    ("杨海军", "teacher", "luoshan", "", "物理教师", ["wuli"], "县级骨干教师培养对象。"),
    (
        "李娜",
        "teacher",
        "luoshan",
        "",
        "语文教师、班主任",
        ["yuwen", "banji"],
        "名班主任工作室成员。",
    ),
    (
        "马小军",
        "teacher",
        "zhijiao",
        "",
        "汽车运用与维修专业教师",
        ["qixiu"],
        "“双师型”教师培养对象。",
    ),
    (
        "王丽",
        "teacher",
        "hongsibu-zhongxue",
        "",
        "数学骨干教师",
        ["shuxue"],
        "参与全域同课异构活动。",
    ),
    (
        "周涛",
        "enterprise_mentor",
        "zhijiao",
        "",
        "合作企业技术总监",
        ["niangjiu"],
        "企业德育导师，开展职业精神、工匠精神专题教育。",
    ),
    (
        "张国庆",
        "administrator",
        None,
        "",
        "区教育局帮扶工作议事协调小组办公室主任",
        [],
        "负责帮扶工作的统筹协调、工作通报与考核评价。",
    ),
]
