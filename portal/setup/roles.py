"""The programme's roles as data: groups, their permissions on sections and collections, and
the review workflows. `setup_roles` (and the demo loader) run `RoleSetup().run()`, which
creates what is missing and corrects what has drifted, so it is safe to run again.

| group | may |
| --- | --- |
| 教师 | read teachers-only pages, download their files (any account may) |
| 工作室成员·<workshop> | draft pages in the workshop's section, upload, submit |
| 工作室主持人·<workshop> | as members; the workshop page (members, apprentices); outputs |
| 学校审核员·<school> | approve (publish) or return the school's workshops' pages; verify outputs |
| 项目办 | news and the 成效 page, publishing them; everything in 帮扶跟踪; reports |

Membership of the workshop groups follows the workshop pages: a workshop's lead and members
whose 人员 record has a login are put in its groups.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from content.groups import LEADS, MEMBERS, OFFICE, REVIEWERS, TEACHERS
from content.models import NewsIndexPage, School, WorkshopPage
from content.privacy import sync_collection_privacy, workshop_collection_name
from tracking.models import ResultsPage

DRAFTING = ["add_page", "change_page"]
PUBLISHING = ["add_page", "change_page", "publish_page"]
UPLOADING = [
    "add_document",
    "change_document",
    "choose_document",
    "add_image",
    "choose_image",
    "change_image",
    # lesson videos (wagtailmedia): uploaded to the 文件夹, then transcoded (content/video_*)
    "add_media",
    "change_media",
]
# What Wagtail's own migrations create, under the names its admin would show in English.
WAGTAIL_DEFAULT_NAMES = [
    (Group, "name", "Editors", "全站编辑"),
    (Group, "name", "Moderators", "全站审核"),
    (Workflow, "name", "Moderators approval", "全站默认审核流程"),
    (GroupApprovalTask, "name", "Moderators approval", "全站审核组审核"),
    (Collection, "name", "Root", "全部文件夹"),
]
OUTPUT_FILING = ["add_outputrecord", "change_outputrecord", "view_outputrecord"]
# Reviewers verify records; they do not edit them (nobody verifies what they changed).
OUTPUT_REVIEW = ["view_outputrecord", "verify_outputrecord"]
NOT_FOR_REVIEWERS = ["add_outputrecord", "change_outputrecord", "delete_outputrecord"]


def permissions(app_label, codenames):
    return list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


def admin_access():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


class RoleSetup:
    def __init__(self):
        self.changes = []

    def _group(self, name):
        group, created = Group.objects.get_or_create(name=name)
        if created:
            self.changes.append(f"新建用户组 {name}")
        return group

    def _grant(self, group, perms):
        missing = [p for p in perms if not group.permissions.filter(pk=p.pk).exists()]
        if missing:
            group.permissions.add(*missing)

    def _revoke(self, group, perms):
        extra = group.permissions.filter(pk__in=[p.pk for p in perms])
        if extra.exists():
            self.changes.append(f"收回 {group.name} 的权限 {'、'.join(p.codename for p in extra)}")
            group.permissions.remove(*extra)

    def _page_permissions(self, group, page, codenames):
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)

    def _collection_permissions(self, group, collection, codenames):
        for perm in Permission.objects.filter(
            content_type__app_label__in=["wagtaildocs", "wagtailimages", "wagtailmedia"],
            codename__in=codenames,
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=perm
            )

    def _collection(self, name):
        root = Collection.get_first_root_node()
        existing = root.get_children().filter(name=name).first()
        if existing:
            return existing
        self.changes.append(f"新建文件夹 {name}")
        return root.add_child(name=name)

    def _workflow(self, name, task_name, groups, pages):
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name)
            self.changes.append(f"新建审核任务 {task_name}")
        task.groups.set(groups)
        workflow, created = Workflow.objects.get_or_create(name=name)
        if created:
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
            self.changes.append(f"新建审核流程 {name}")
        for page in pages:
            WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
        return workflow

    def _chinese_names(self):
        # Renamed only while they still carry Wagtail's name: an admin's own rename stays.
        for model, field, english, chinese in WAGTAIL_DEFAULT_NAMES:
            if model.objects.filter(**{field: chinese}).exists():
                continue  # group names are unique: an admin's own group of that name stays
            if model.objects.filter(**{field: english}).update(**{field: chinese}):
                self.changes.append(f"{english} 改名为 {chinese}")

    @transaction.atomic
    def run(self):
        self._chinese_names()
        access = admin_access()
        self._group(TEACHERS)

        office = self._group(OFFICE)
        self._grant(
            office,
            [
                access,
                *permissions(
                    "tracking",
                    [
                        f"{action}_{model}"
                        for model in (
                            "target",
                            "outputrecord",
                            "measure",
                            "cadencerule",
                            "semester",
                            "evaluationscore",
                        )
                        for action in ("add", "change", "delete", "view")
                    ]
                    + ["verify_outputrecord"],
                ),
                # The classroom-observation scale teachers tag their notes with.
                *permissions(
                    "content",
                    [
                        f"{action}_observationdimension"
                        for action in ("add", "change", "delete", "view")
                    ],
                ),
            ],
        )
        news = NewsIndexPage.objects.first()
        if news is not None:
            self._page_permissions(office, news, PUBLISHING)
            self._workflow("新闻审核", "项目办审核新闻", [office], [news])
        results = self._results_page()
        if results is not None:
            self._page_permissions(office, results, PUBLISHING)

        reviewers = {}
        for school in School.objects.filter(role=School.Role.AIDED):
            group = self._group(REVIEWERS.format(school.short_name or school.name))
            self._grant(group, [access, *permissions("tracking", OUTPUT_REVIEW)])
            # Set-ups before issue 13 let reviewers edit records too.
            self._revoke(group, permissions("tracking", NOT_FOR_REVIEWERS))
            reviewers[school.pk] = group

        for workshop in WorkshopPage.objects.select_related("school", "lead__user"):
            members = self._group(MEMBERS.format(workshop.title))
            leads = self._group(LEADS.format(workshop.title))
            collection = self._collection(workshop_collection_name(workshop))
            for group in (members, leads):
                self._grant(group, [access])
                self._page_permissions(group, workshop, DRAFTING)
                self._collection_permissions(group, collection, UPLOADING)
            self._grant(leads, permissions("tracking", OUTPUT_FILING))
            reviewer = reviewers.get(workshop.school_id)
            if reviewer is not None:
                # Reviewers see the section's pages, history and audit log to judge them, and
                # approving publishes: Wagtail checks the approver may publish there. Without
                # add permission they edit only what awaits them and do nothing to a page as
                # a whole: no unpublishing, privacy, deleting, moving (content.permissions).
                self._page_permissions(reviewer, workshop, ["change_page", "publish_page"])
                self._workflow(
                    f"{workshop.school.short_name or workshop.school.name}工作室审核",
                    f"{workshop.school.short_name or workshop.school.name}审核员审核",
                    [reviewer],
                    [workshop],
                )
            self._sync_members(workshop, members, leads)
            sync_collection_privacy(workshop)
        return self.changes

    def _results_page(self):
        return ResultsPage.objects.first()

    def _sync_members(self, workshop, members, leads):
        people = list(workshop.members.select_related("user"))
        for person in people:
            if person.user_id and not person.user.groups.filter(pk=members.pk).exists():
                person.user.groups.add(members)
        lead = workshop.lead
        if lead is not None and lead.user_id:
            for group in (members, leads):
                if not lead.user.groups.filter(pk=group.pk).exists():
                    lead.user.groups.add(group)
