"""The preview viewer in Chromium: a teacher pages through the first slides of a teachers-only
resource's deck at phone width, the images coming through the checked view; an anonymous
visitor gets none of them."""

import re

from wagtail.models import PageViewRestriction

import pytest

from tests.browser.conftest import PHONE
from tests.factories import make_resource
from tests.session_demo import load_demo
from tests.test_previews import drawing, drawn, pptx_bytes, save_document  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


LOADED = "img => img.complete && img.naturalWidth > 0"


def test_a_teacher_pages_through_a_private_preview(journey, drawing):  # noqa: F811
    load_demo(demo_accounts=True)
    # Committed at once here (no test transaction): the preview is drawn before the page loads.
    deck = save_document("预览浏览课件", pptx_bytes(2), "kejian.pptx")
    resource = make_resource("预览浏览资源", documents=[deck])
    PageViewRestriction.objects.create(page=resource, restriction_type=PageViewRestriction.LOGIN)
    page = journey.page
    page.set_viewport_size(PHONE)
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))

    with journey.step("an anonymous visitor gets no page image"):
        answer = page.request.get(
            f"{journey.base_url}/documents/{deck.pk}/preview/1/", max_redirects=0
        )
        assert answer.status == 302 and "login" in answer.headers["location"]

    with journey.step("teacher logs in and opens the resource"):
        journey.goto(f"/_util/login/?next={resource.url}")
        page.get_by_label("用户名").fill("teacher")
        page.get_by_label("密码").fill("Hsb-teacher-2026")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", level=1, name="预览浏览资源").wait_for()

    with journey.step("the first slide is shown"):
        first = page.get_by_role("img", name="第 1 页")
        first.scroll_into_view_if_needed()
        page.wait_for_function(LOADED, arg=first.element_handle())
        position = page.locator(".doc-preview__position")
        assert position.inner_text() == "第 1 页 / 共 2 页"
        assert page.get_by_role("button", name="上一页").is_disabled()

    with journey.step("下一页 shows the second"):
        page.get_by_role("button", name="下一页").click()
        page.wait_for_function(
            "el => el.textContent === '第 2 页 / 共 2 页'", arg=position.element_handle()
        )
        second = page.get_by_role("img", name="第 2 页")
        page.wait_for_function(LOADED, arg=second.element_handle())
        assert second.is_visible() and page.get_by_role("button", name="下一页").is_disabled()
        # The strip fits the phone: the page itself does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert re.search(r"/documents/\d+/preview/2/\?v=", second.get_attribute("src"))

    # Nothing the page asks for fails: the share box of a private page draws no QR code,
    # whose address answers for public pages only (content/share.py).
    assert failed == []
    assert not journey.console_errors, journey.console_errors
