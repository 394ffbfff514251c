"""视频转码 in the admin: every uploaded video's transcoding, with the reason of a failure.
Read-only: the rows are written by the job (content.video_tasks), not by hand."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from content.models.videos import VideoProcessing


class ReadOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(VideoProcessing, ReadOnlyPolicy(VideoProcessing), exact_class=True)


class VideoProcessingViewSet(ModelViewSet):
    model = VideoProcessing
    icon = "media"
    menu_label = _("视频转码")
    add_to_admin_menu = True
    menu_order = 350
    url_prefix = "video-processing"
    inspect_view_enabled = True
    list_display = [
        Column("media", label=_("视频")),
        Column("get_status_display", label=_("转码状态")),
        Column("reason", label=_("原因")),
        Column("duration", label=_("时长（秒）")),
        "updated_at",
    ]
    list_filter = ["status"]
    search_fields = None
    form_fields = []
