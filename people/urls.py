from django.urls import path

from people import views

urlpatterns = [
    path("<slug:slug>/", views.person_page, name="person_page"),
    path("<slug:slug>/portfolio.xlsx", views.person_xlsx, name="person_xlsx"),
]
