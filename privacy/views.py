from django.http import Http404

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
            raise Http404
        image, fieldfile = rendition.image, rendition.file
    # None: no page uses it any more; it is public and moves out on the next change.
    answer = verdict(image, request)
    if answer is not None and answer is not True:
        return answer
    return file_response(fieldfile)
