from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "LMS site"
    default_auto_field = "django.db.models.BigAutoField"
