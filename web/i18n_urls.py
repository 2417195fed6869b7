"""/i18n/: the language switch (web/language.py)."""

from django.urls import path

from .language import set_language

urlpatterns = [path("setlang/", set_language, name="set_language")]
