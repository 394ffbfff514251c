"""The plan as data: every target with its figure, the 19 measures, the cadence rules; how
progress and compliance are worked out from them."""

import datetime
from collections import Counter
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from content.models import ActivityIndexPage, ActivityPage, School, Subject
from tests.factories import publish
from tests.session_demo import load_demo
from tracking.models import CadenceRule, Measure, OutputRecord, Semester, Target
from tracking.progress import cadence_compliance, target_progress

# Counted by hand in ../shared/seed/000_6859b45a303b917d.txt, 二、目标任务 (lines 15–23):
# 2023: quality 9, teachers 14, students 1, management 12 = 36;
# 2025: quality 9, teachers 6, students 4, management 9 = 28; 2035: 6. tracking/demo_targets.py
# lists them in the plan's order.
PLAN_TARGETS = {2023: 36, 2025: 28, 2035: 6}
TODAY = datetime.date(2026, 11, 29)


class PlanDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def test_every_target_of_the_plan_is_loaded(self):
        assert Target.objects.count() == sum(PLAN_TARGETS.values()) == 70
        assert Counter(Target.objects.values_list("year", flat=True)) == PLAN_TARGETS
        by_area = Counter(Target.objects.filter(year=2023).values_list("area", flat=True))
        assert by_area == {"teaching": 9, "teachers": 14, "students": 1, "management": 12}
        by_school = Counter(Target.objects.values_list("school__slug", flat=True))
        assert by_school == {"zhijiao": 32, None: 21, "luoshan": 17}

    def test_targets_carry_the_plans_exact_figures(self):
        figures = {
            t.wording: (t.school.slug if t.school else None, t.figure) for t in Target.objects.all()
        }
        assert figures["罗山中学打造市级精品课8节"] == ("luoshan", "≥ 8 节")
        assert figures["罗山中学打造区级精品课2节"] == ("luoshan", "≥ 2 节")
        assert figures["罗山中学培养县级学科带头人5人"] == ("luoshan", "≥ 5 人")
        assert figures["骨干教师及学科带头人比例提高到10%"] == ("luoshan", "≥ 10%")
        assert figures["职业技术学校学生参加高职分类招考考试上线率达80%以上"] == (
            "zhijiao",
            "≥ 80%",
        )
        assert figures["职业技术学校“双师”型教师比例提高到40%"] == ("zhijiao", "≥ 40%")
        assert figures["两校教师实现“组团式”帮扶全员轮训"] == (None, "= 100%")
        assert figures["建成3个“组团式”教育帮扶名师工作室"] == (None, "≥ 3 个")
        wording = "罗山中学学生在县级以上各类学生竞赛比赛上获奖人数超过10人次"
        assert figures[wording] == ("luoshan", "> 10 人次")
        assert figures["培养副校长5名"] == (None, "≥ 5 名")
        counts = Target.objects.filter(kind="count")
        assert sorted(int(t.value) for t in counts.filter(year=2023)) == sorted(
            [8, 2, 1, 1, 2, 5, 1, 5, 2, 2, 1, 1]
        )

    def test_the_nineteen_measures_and_the_cadence_rules(self):
        assert list(Measure.objects.values_list("number", flat=True)) == list(range(1, 20))
        groups = Counter(Measure.objects.values_list("group", flat=True))
        assert groups == {
            "policy": 3,
            "funding": 5,
            "staffing": 2,
            "systems": 2,
            "mentoring": 6,
            "resources": 1,
        }
        construction = Measure.objects.get(number=4)
        assert construction.funding.get().amount == Decimal("30000000")
        assert "住建交通局" in {u.short_name for u in construction.responsible_units.all()}
        assert Measure.objects.get(number=19).continues
        rules = {r.code: r for r in CadenceRule.objects.all()}
        assert len(rules) == 8
        assert (rules["tongke-yigou"].minimum, rules["tongke-yigou"].period) == (1, "month")
        assert (rules["luntan"].period, rules["shitu-jiedui"].minimum) == ("quarter", 3)
        assert rules["yuancheng-jiaoyan"].subjects.count() == 9

    def test_the_current_semester_is_found_by_date(self):
        assert Semester.objects.current(TODAY).name == "2026年秋季学期"
        assert Semester.objects.current(datetime.date(2027, 1, 31)).name == "2026年秋季学期"
        # In the summer holiday the spring semester that just ended is the one to report on.
        assert Semester.objects.current(datetime.date(2026, 8, 15)).name == "2026年春季学期"
        assert Semester.objects.get(is_baseline=True).name == "2022年秋季学期"

    def test_more_than_needs_one_more(self):
        target = Target.objects.get(code="2025-14")  # 超过3人次
        luoshan = School.objects.get(slug="luoshan")

        def award(n):
            OutputRecord.objects.create(
                category="teacher_award",
                title=f"获奖 {n}",
                date=datetime.date(2025, 6, 1),
                school=luoshan,
                quantity=n,
                description="测试",
                status="verified",
            )

        award(3)
        assert not target_progress(Target.objects.filter(pk=target.pk), TODAY)[0].met
        award(1)
        progress = target_progress(Target.objects.filter(pk=target.pk), TODAY)[0]
        assert progress.current == 4 and progress.met

    def test_one_more_lesson_study_changes_that_months_compliance(self):
        semester = Semester.objects.current(TODAY)

        def october():
            rule = next(
                c for c in cadence_compliance(semester, TODAY) if c.rule.code == "tongke-yigou"
            )
            return next(b for b in rule.buckets if b.label == "2026年10月"), rule

        bucket, rule = october()
        assert (bucket.count, bucket.state, rule.status) == (0, "missed", "missed")

        start = timezone.make_aware(datetime.datetime(2026, 10, 15, 9))
        publish(
            ActivityIndexPage.objects.get(),
            ActivityPage(
                title="同课异构：等差数列",
                activity_type="lesson_study",
                start=start,
                end=start + datetime.timedelta(hours=3),
                school=School.objects.get(slug="luoshan"),
                subject=Subject.objects.get(slug="shuxue"),
                summary="测试",
            ),
        )
        bucket, rule = october()
        assert (bucket.count, bucket.state) == (1, "met")
        # September and November have none in the skeleton: the rule as a whole is still missed.
        assert rule.status == "missed"
