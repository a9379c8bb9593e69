"""The demo's accounts, one for each role of PRODUCT.md, and their groups.

| role          | how the role is granted                                               |
|---------------|-----------------------------------------------------------------------|
| admin         | superuser                                                             |
| editor        | group "Network editors": page add/edit/publish on both directories,   |
|               | vocabularies, images, ``wagtail_network.view_private_profiles``       |
| moderator     | group "Network moderators": ``moderate_network``,                     |
|               | ``view_private_profiles``, admin access, connections and blocks       |
| companyadmin  | group "Company admins" (admin access only) plus guardian object       |
|               | grants ``change_companypage`` on one or two companies                 |
| anna, bram    | plain users linked to member pages; sign in on /accounts/login/       |
| newcomer      | a plain user with no member page yet: tries "Join the network"        |

The groups and their model permissions are the plugin's
(``wagtail_network.services.roles.ROLE_PERMISSIONS``); the demo adds the page and
image permissions an editor needs on this site.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from wagtail_network.services import roles
from wagtail_network.services.roles import COMPANY_ADMINS_GROUP, EDITORS_GROUP, MODERATORS_GROUP

DEFAULT_PASSWORD = "network-demo"
#: Accounts the demo creates have addresses in this (reserved) domain; ``--reset``
#: and password changes touch only those, never an account someone made by hand.
DEMO_EMAIL_DOMAIN = "demo.example"

#: Names of the role accounts the demo creates (and ``--reset`` removes); each signs
#: in as :func:`login_of` its name.
ROLE_USERNAMES = ("admin", "editor", "moderator", "companyadmin", "anna", "bram", "newcomer")

#: Where each role signs in and what it can do, for the table the command prints.
ROLE_TABLE = [
    ("admin", "/admin/", "superuser: everything"),
    ("editor", "/admin/", "edit and publish all company and member pages, skills, industries"),
    ("moderator", "/admin/", "review endorsements, recommendations and reports; sees all"),
    ("companyadmin", "/admin/", "edit only {companies}; confirm who works there"),
    ("anna", "/accounts/login/", "member: {anna_summary}"),
    ("bram", "/accounts/login/", "member: {bram_summary}"),
    ("newcomer", "/accounts/login/", "{newcomer_summary}"),
]


@dataclass
class RoleAccounts:
    admin: object
    editor: object
    moderator: object
    companyadmin: object
    anna: object
    bram: object
    newcomer: object


def _permissions(codenames: Iterable[str]) -> list[Permission]:
    """Permissions by ``app_label.codename``; a missing one is an error, not a silent gap."""
    wanted = set(codenames)
    found = []
    for perm in Permission.objects.select_related("content_type").filter(
        codename__in=[c.split(".", 1)[1] for c in wanted]
    ):
        label = f"{perm.content_type.app_label}.{perm.codename}"
        if label in wanted:
            found.append(perm)
            wanted.discard(label)
    if wanted:
        raise LookupError(f"Permissions missing (migrations not run?): {sorted(wanted)}")
    return found


def ensure_groups(directories: Iterable[Page] = ()) -> dict[str, Group]:
    """Create (or complete) the plugin's role groups, plus what this site grants editors.

    The groups and their model permissions are the plugin's one declaration
    (``services.roles.ensure_role_groups``); the site adds only Wagtail's own rows:
    page permissions on the directories and image permissions. Idempotent.
    """
    groups = roles.ensure_role_groups()
    editors = groups[EDITORS_GROUP]
    page_perms = _permissions(
        ["wagtailcore.add_page", "wagtailcore.change_page", "wagtailcore.publish_page"]
    )
    for directory in directories:
        for perm in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=editors, page=directory, permission=perm
            )
    root_collection = Collection.get_first_root_node()
    for perm in _permissions(
        ["wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image"]
    ):
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=root_collection, permission=perm
        )
    return groups


def signs_in_by_email() -> bool:
    """Whether the site's user model's login is its e-mail address (no username)."""
    User = get_user_model()
    return User.USERNAME_FIELD == User.get_email_field_name()


def login_of(name: str) -> str:
    """What the demo account called ``name`` signs in with: ``name`` itself where the
    user model has a username, ``name@demo.example`` where the login is the e-mail."""
    return f"{name}@{DEMO_EMAIL_DOMAIN}" if signs_in_by_email() else name


def account_fields(name: str) -> dict[str, str]:
    """The login and e-mail fields of the demo account called ``name``.

    On an e-mail login model ``USERNAME_FIELD`` *is* the e-mail field: one key, not
    the same keyword passed twice.
    """
    User = get_user_model()
    return {
        User.get_email_field_name(): f"{name}@{DEMO_EMAIL_DOMAIN}",
        User.USERNAME_FIELD: login_of(name),
    }


def hash_password(password: str) -> str:
    """Hash once and reuse: every demo account shares the demo password, and the
    default hasher costs about 0.3 s a call."""
    return make_password(password)


def ensure_role_users(
    password_hash: str, groups: dict[str, Group], *, reset_passwords: bool
) -> RoleAccounts:
    """Create missing role accounts; with ``reset_passwords``, set the password of
    those the demo created (an existing account of the same name made by someone
    else keeps its password)."""
    User = get_user_model()
    details = {
        "admin": {"first_name": "Ada", "last_name": "Admin", "is_staff": True},
        "editor": {"first_name": "Eddie", "last_name": "Editor", "is_staff": True},
        "moderator": {"first_name": "Mo", "last_name": "Moderator", "is_staff": True},
        "companyadmin": {"first_name": "Cas", "last_name": "Bedrijfsbeheerder"},
        "anna": {"first_name": "Anna", "last_name": "Visser"},
        "bram": {"first_name": "Bram", "last_name": "de Jong"},
        # No member page is ever planned for this account: it joins from the site.
        "newcomer": {"first_name": "Noor", "last_name": "Nieuwkomer"},
    }
    accounts = {}
    for username in ROLE_USERNAMES:
        fields = details[username]
        user = User.objects.filter(**{User.USERNAME_FIELD: login_of(username)}).first()
        if user is None:
            user = User(
                **account_fields(username),
                password=password_hash,
                is_superuser=username == "admin",
                **fields,
            )
            user.save()
        elif reset_passwords and is_demo_account(user):
            user.password = password_hash
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        accounts[username] = user
    accounts["editor"].groups.add(groups[EDITORS_GROUP])
    accounts["moderator"].groups.add(groups[MODERATORS_GROUP])
    accounts["companyadmin"].groups.add(groups[COMPANY_ADMINS_GROUP])
    return RoleAccounts(**accounts)


def is_demo_account(user) -> bool:
    """Whether the demo created this account (see :data:`DEMO_EMAIL_DOMAIN`)."""
    email = getattr(user, get_user_model().get_email_field_name(), "") or ""
    return email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")


def grant_company_admin(user, companies: Iterable[Page]) -> None:
    """Make ``user`` the admin of each company, through the plugin's service (a
    guardian grant, the "Company admins" group and an audit entry per company; the
    loader is setup code, so the entries have no acting user)."""
    for company in companies:
        roles.grant_company_admin(None, user, company)
