from django.http import Http404
from django.shortcuts import redirect

from wagtail.images import get_image_model

from privacy.files import verdict
from privacy.images import PREFIX
from privacy.serving import file_response


def private_image(request, name):
    """An original or rendition of an image used only by private pages (privacy.images)."""
    stored = PREFIX + name
    model = get_image_model()
    image = model.objects.filter(file=stored).first()
    fieldfile = image.file if image else None
    if image is None:
        rendition = (
            model.get_rendition_model().objects.select_related("image").filter(file=stored).first()
        )
        if rendition is None:
            return _moved_out(model, name)
        image, fieldfile = rendition.image, rendition.file
    # None: no page uses it any more; it is public and moves out on the next change.
    answer = verdict(image, request)
    if answer is not None and answer is not True:
        return answer
    return file_response(fieldfile)


def _moved_out(model, name):
    """An image made public again has left `private/`: a page cached before it moved still
    names the old address, which leads to the new one."""
    image = model.objects.filter(file=name).first()
    rendition = None
    if image is None:
        rendition = model.get_rendition_model().objects.filter(file=name).first()
    moved = image or rendition
    if moved is None:
        raise Http404
    return redirect(moved.file.url)
