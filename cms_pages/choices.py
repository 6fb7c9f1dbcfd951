"""Enumerations used by the site pages.

cms_pages imports no other app of ours, so the oblast list is kept here rather
than borrowed from ``courses.choices``. Oblast names are proper names and are
stored and shown in Ukrainian, as in the rest of the project.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MaterialType(models.TextChoices):
    ANALYTICAL_REPORT = "analytical_report", _("Analytical report")
    POLICY_BRIEF = "policy_brief", _("Policy brief")
    GUIDE = "guide", _("Guide or handbook")
    LEGAL_OVERVIEW = "legal_overview", _("Legal overview")
    TOOLKIT = "toolkit", _("Toolkit or template")


class MaterialLanguage(models.TextChoices):
    UK = "uk", _("Ukrainian")
    EN = "en", _("English")


class Oblast(models.TextChoices):
    VINNYTSIA = "vinnytsia", "Вінницька область"
    VOLYN = "volyn", "Волинська область"
    DNIPROPETROVSK = "dnipropetrovsk", "Дніпропетровська область"
    DONETSK = "donetsk", "Донецька область"
    ZHYTOMYR = "zhytomyr", "Житомирська область"
    ZAKARPATTIA = "zakarpattia", "Закарпатська область"
    ZAPORIZHZHIA = "zaporizhzhia", "Запорізька область"
    IVANO_FRANKIVSK = "ivano-frankivsk", "Івано-Франківська область"
    KYIV_OBLAST = "kyiv-oblast", "Київська область"
    KIROVOHRAD = "kirovohrad", "Кіровоградська область"
    LUHANSK = "luhansk", "Луганська область"
    LVIV = "lviv", "Львівська область"
    MYKOLAIV = "mykolaiv", "Миколаївська область"
    ODESA = "odesa", "Одеська область"
    POLTAVA = "poltava", "Полтавська область"
    RIVNE = "rivne", "Рівненська область"
    SUMY = "sumy", "Сумська область"
    TERNOPIL = "ternopil", "Тернопільська область"
    KHARKIV = "kharkiv", "Харківська область"
    KHERSON = "kherson", "Херсонська область"
    KHMELNYTSKYI = "khmelnytskyi", "Хмельницька область"
    CHERKASY = "cherkasy", "Черкаська область"
    CHERNIVTSI = "chernivtsi", "Чернівецька область"
    CHERNIHIV = "chernihiv", "Чернігівська область"
    CRIMEA = "crimea", "Автономна Республіка Крим"
    KYIV_CITY = "kyiv-city", "м. Київ"
    SEVASTOPOL = "sevastopol", "м. Севастополь"
