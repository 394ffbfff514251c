"""What a user may do to a page, where Wagtail's permission set alone says too much.

A school's reviewers hold change and publish permission on the school's workshops: Wagtail
shows the history and audit log of a section only to those who may change pages, and checks
that whoever approves a workflow task may publish (approving publishes). They do not hold add
permission: they judge the section's pages and do not write them. So, for an approver of a
page's workflow who may not add pages there, change permission counts only for a page
awaiting their review (Wagtail's task access), and the actions on a page as a whole
(unpublishing, privacy, deleting, moving, copying, reordering) are not theirs: they stay with
the section's editors (a workshop's lead and members within what Wagtail allows them, the
office for news) and the site admin.

A workshop's members hold add and change permission on the workshop page because Wagtail's
page permissions are inherited down the tree, and the section under it is theirs. The
workshop page itself (lead, members, 师徒结对 register) is edited by its lead, by whoever may
change pages above it, and by the reviewers of a workflow in progress.
"""

from wagtail.models import GroupApprovalTask, PagePermissionTester


class PortalPagePermissionTester(PagePermissionTester):
    def _only_reviews(self):
        """Approves this page's workflow and may not add pages here: a reviewer, not an
        editor of the section. (A group given change and publish on a page without being
        its approvers edits it as Wagtail allows.)"""
        if self.user.is_superuser or not self.user.is_active or "add" in self.permissions:
            return False
        if not hasattr(self, "_approver"):
            workflow = self.page.get_workflow()
            self._approver = (
                workflow is not None
                and GroupApprovalTask.objects.filter(
                    workflow_tasks__workflow=workflow, groups__user=self.user
                ).exists()
            )
        return self._approver

    def _reviews(self):
        task = self.page.current_workflow_task
        return task is not None and task.user_can_access_editor(self.page, self.user)

    def can_edit(self):
        if self._only_reviews():
            return not self.page_is_root and self._reviews()
        return super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return not self._only_reviews() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self):
        return not self._only_reviews() and super().can_unpublish()

    def can_set_view_restrictions(self):
        return not self._only_reviews() and super().can_set_view_restrictions()

    def can_reorder_children(self):
        return not self._only_reviews() and super().can_reorder_children()

    def can_copy(self):
        return not self._only_reviews() and super().can_copy()


class WorkshopPermissionTester(PortalPagePermissionTester):
    def _leads(self):
        lead = self.page.lead
        return lead is not None and lead.user_id is not None and lead.user_id == self.user.pk

    def _changes_from_above(self):
        return any(
            perm.permission.codename == "change_page"
            and len(perm.page.path) < len(self.page.path)
            and self.page.path.startswith(perm.page.path)
            for perm in self.permission_policy.get_cached_permissions_for_user(self.user)
        )

    def _may_edit_workshop(self):
        if self.user.is_superuser:
            return True
        return self._leads() or self._changes_from_above() or self._reviews()

    def can_edit(self):
        return super().can_edit() and self._may_edit_workshop()

    def can_delete(self, ignore_bulk=False):
        return super().can_delete(ignore_bulk=ignore_bulk) and self._may_edit_workshop()
