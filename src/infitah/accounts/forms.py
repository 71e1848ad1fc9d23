"""Forms of the accounts app: the profile page and the admin's account forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import CollectivityRole, User
from infitah.accounts.selectors import user_email_is_unverified

__all__ = [
    "CollectivityRoleAdminForm",
    "InfitahAdminAuthenticationForm",
    "ProfileForm",
    "UserAdminChangeForm",
    "UserAdminCreationForm",
]


class ProfileForm(forms.Form):
    """The person's public name and preferred language (see ``views.profile``)."""

    display_name = forms.CharField(
        label=_("Public name"),
        max_length=150,
        required=False,
        help_text=_(
            "Shown next to your public contributions instead of your e-mail address. "
            "Leave empty to appear as an anonymous participant."
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        # Each language in its own name (العربية, Français, English), so that everyone
        # finds theirs whatever the language of the page.
        choices=[(code, get_language_info(code)["name_local"]) for code, _n in settings.LANGUAGES],
        help_text=_("Pages open in this language after you sign in; e-mails use it too."),
    )


class InfitahAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, which refuses what the site's sign-in page refuses.

    The admin's own form only checks a password. Letting it sign in an account that
    has an authenticator app would skip the second factor; letting it sign in an
    account whose e-mail address was never confirmed would skip the verification
    (whoever signed up with an address need not own it). Both are sent to the site's
    sign-in page. (Failed passwords still count towards the lockout: django-axes sees
    the admin's ``username`` field.)
    """

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        from allauth.mfa.utils import is_mfa_enabled

        if user_email_is_unverified(user):
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("The e-mail address of this account has not been confirmed yet."),
                    reverse("account_login"),
                    _("Sign in on the site's sign-in page to receive the confirmation link."),
                ),
                code="email_unverified",
            )

        if is_mfa_enabled(user):
            login_url = reverse("account_login") + "?next=" + reverse("admin:index")
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("This account uses two-factor authentication."),
                    login_url,
                    _("Sign in on the site's sign-in page, which asks for your code."),
                ),
                code="mfa_required",
            )


class UserAdminCreationForm(AdminUserCreationForm):
    """Create an account from the admin (e-mail address instead of a username)."""

    class Meta:
        model = User
        fields = ("email", "display_name", "preferred_language")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email


class UserAdminChangeForm(UserChangeForm):
    """Change an account in the admin (the model has no username)."""

    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email


class CollectivityRoleAdminForm(forms.ModelForm):
    """Give a person a role in a collectivity, found by the e-mail address of their account.

    Nobody picks from a list of all accounts (that would show every e-mail address
    to collectivity staff); the person signs up first and gives their address.
    ``request_user`` is set by the admin (``get_form``) so that the permission for
    the exact role and collectivity chosen is checked here, with the form's errors.
    """

    request_user: Any = None
    permission: str = "accounts.add_collectivityrole"

    user_email = forms.EmailField(
        label=_("E-mail address of the person's account"),
        help_text=_("The person must have signed up on the site first."),
    )

    class Meta:
        model = CollectivityRole
        fields = ("collectivity", "role")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The person of an existing role is not changed; give a new role instead.
            del self.fields["user_email"]
            self.permission = "accounts.change_collectivityrole"

    def clean_user_email(self) -> User:
        email = self.cleaned_data["user_email"].strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("There is no active account with this e-mail address. Ask the person to sign up.")
            )
        if user_email_is_unverified(user):
            # Anyone can sign up with any address: until its owner follows the
            # confirmation link, the account may belong to someone else.
            raise ValidationError(
                _(
                    "This account's e-mail address has not been confirmed yet. Ask the person "
                    "to follow the link in the e-mail they received when they signed up."
                ),
                code="unverified",
            )
        return user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user = cleaned.get("user_email") if not self.instance.pk else self.instance.user
        collectivity = cleaned.get("collectivity")
        role = cleaned.get("role")
        if user is None or collectivity is None or not role:
            return cleaned
        probe = CollectivityRole(user=user, collectivity=collectivity, role=role)
        if self.request_user is None or not self.request_user.has_perm(self.permission, probe):
            raise ValidationError(
                _("You may not give this role in this collectivity."), code="permission"
            )
        duplicates = CollectivityRole.objects.filter(
            user=user, collectivity=collectivity, role=role
        ).exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise ValidationError(
                _("This person already holds this role in this collectivity."), code="duplicate"
            )
        cleaned["user"] = user
        return cleaned


class AccountDeleteForm(forms.Form):
    """Confirm deleting one's own account with the current password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="invalid")
        return password
