"""Enumerations used by the course models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Professional (certificate) programme")
    SHORT = "short", _("Short programme")


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone signed in can enrol")
    APPROVAL = "approval", _("Requires approval")


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


# Statuses that let a learner read lessons and record progress.
LEARNING_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


class Oblast(models.TextChoices):
    VINNYTSIA = "vinnytsia", "Вінницька"
    VOLYN = "volyn", "Волинська"
    DNIPROPETROVSK = "dnipropetrovsk", "Дніпропетровська"
    DONETSK = "donetsk", "Донецька"
    ZHYTOMYR = "zhytomyr", "Житомирська"
    ZAKARPATTIA = "zakarpattia", "Закарпатська"
    ZAPORIZHZHIA = "zaporizhzhia", "Запорізька"
    IVANO_FRANKIVSK = "ivano-frankivsk", "Івано-Франківська"
    KYIV_OBLAST = "kyiv-oblast", "Київська"
    KIROVOHRAD = "kirovohrad", "Кіровоградська"
    LUHANSK = "luhansk", "Луганська"
    LVIV = "lviv", "Львівська"
    MYKOLAIV = "mykolaiv", "Миколаївська"
    ODESA = "odesa", "Одеська"
    POLTAVA = "poltava", "Полтавська"
    RIVNE = "rivne", "Рівненська"
    SUMY = "sumy", "Сумська"
    TERNOPIL = "ternopil", "Тернопільська"
    KHARKIV = "kharkiv", "Харківська"
    KHERSON = "kherson", "Херсонська"
    KHMELNYTSKYI = "khmelnytskyi", "Хмельницька"
    CHERKASY = "cherkasy", "Черкаська"
    CHERNIVTSI = "chernivtsi", "Чернівецька"
    CHERNIHIV = "chernihiv", "Чернігівська"
    CRIMEA = "crimea", "Автономна Республіка Крим"
    KYIV_CITY = "kyiv-city", "м. Київ"
    SEVASTOPOL = "sevastopol", "м. Севастополь"
