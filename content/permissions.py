"""What a user may do to a page, where Wagtail's permission set alone says too much.

A school's reviewers hold change and publish permission on the school's workshops: Wagtail
shows the history and audit log of a section only to those who may change pages, and checks
that whoever approves a workflow task may publish (approving publishes). They do not hold add
permission: they judge the section's pages and do not write them. So, for a user who may
change pages here but not add them, change permission counts only for a page awaiting their
review (Wagtail's task access), and the actions on a page as a whole (unpublishing, privacy,
deleting, moving, copying, reordering) are for those who may add pages here: the section's
editors (a workshop's lead and members within what Wagtail allows them, the office for news)
and the site admin.

A workshop's members hold add and change permission on the workshop page because Wagtail's
page permissions are inherited down the tree, and the section under it is theirs. The
workshop page itself (lead, members, 师徒结对 register) is edited by its lead, by whoever may
change pages above it, and by the reviewers of a workflow in progress.
"""

from wagtail.models import PagePermissionTester


class PortalPagePermissionTester(PagePermissionTester):
    def _edits_section(self):
        """May add pages here: an editor of the section, not only its reviewer."""
        return self.user.is_superuser or (self.user.is_active and "add" in self.permissions)

    def _reviews(self):
        task = self.page.current_workflow_task
        return task is not None and task.user_can_access_editor(self.page, self.user)

    def can_edit(self):
        if self.user.is_active and not self.user.is_superuser and "add" not in self.permissions:
            return not self.page_is_root and self._reviews()
        return super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return self._edits_section() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self):
        return self._edits_section() and super().can_unpublish()

    def can_set_view_restrictions(self):
        return self._edits_section() and super().can_set_view_restrictions()

    def can_reorder_children(self):
        return self._edits_section() and super().can_reorder_children()

    def can_copy(self):
        return self._edits_section() and super().can_copy()


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
