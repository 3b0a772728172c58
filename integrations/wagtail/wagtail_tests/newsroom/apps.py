from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "wagtail_tests.newsroom"
    label = "newsroom"
