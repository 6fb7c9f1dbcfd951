"""Forms for learners: the profile (also asked for at sign-up)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Oblast
from .models import LearnerProfile

NAME_HELP = _("Exactly as it must appear on your certificate.")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = LearnerProfile
        fields = [
            "surname",
            "given_name",
            "patronymic",
            "position",
            "organisation",
            "community",
            "oblast",
        ]
        help_texts = {"surname": NAME_HELP, "given_name": NAME_HELP}
        widgets = {
            "surname": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "given_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "patronymic": forms.TextInput(attrs={"autocomplete": "additional-name"}),
            "position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["surname"].required = True
        self.fields["given_name"].required = True


class SignupProfileForm(forms.Form):
    """Extra sign-up fields for django-allauth (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

    surname = forms.CharField(
        label=_("Surname"),
        max_length=100,
        help_text=NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    patronymic = forms.CharField(
        label=_("Patronymic"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    oblast = forms.ChoiceField(
        label=_("Oblast"), choices=[("", "—"), *Oblast.choices], required=False
    )

    def signup(self, request, user):
        from .services import profile_update

        # allauth's SignupForm subclasses this form, so cleaned_data also holds
        # the e-mail, username and passwords: pass only the profile fields.
        own = SignupProfileForm.base_fields
        profile_update(
            user=user, **{k: v for k, v in self.cleaned_data.items() if k in own}
        )
