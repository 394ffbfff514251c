"""Files as private as the pages that use them.

The bottom layer for documents, images and videos: which pages use a file comes from
Wagtail's ReferenceIndex (StreamField blocks, rich text links, choosers, InlinePanel
children), and the file follows them. It imports only Django and Wagtail; the project's
models reach it through Wagtail's get_*_model functions or are passed in.
"""
