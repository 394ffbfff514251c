from django.urls import path

from personal import views

app_name = "personal"

urlpatterns = [
    path("", views.me, name="me"),
    path("save/", views.save, name="save"),
    path("follow/", views.follow, name="follow"),
    path("digest/", views.digest, name="digest"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
