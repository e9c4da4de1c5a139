"""Administration: accounts and organisations, for admins only (accounts.manage)."""

from __future__ import annotations

from tests.web.console.routes import row

ADMIN_ONLY = dict(moderator=403, translator=403, viewer=403)


def parc_moderator(_db, world) -> dict:
    """Another organisation's account (changing it leaves the caller's own alone)."""
    return {"account_id": world.accounts["parc"]}


def parc(_db, world) -> dict:
    return {"organisation_id": world.orgs["parc"]}


NEW_ACCOUNT = {"email": "new@parc.example.org", "name": "New", "role": "viewer",
               "organisation": "parc", "languages": "en"}
ORGANISATION = {"slug": "aski", "name": "ASKI", "country": "PH", "languages": "fil"}

ROWS = [
    row("GET", "/admin/accounts", admin=200, **ADMIN_ONLY),
    row("GET", "/admin/accounts/new", admin=200, **ADMIN_ONLY),
    row("POST", "/admin/accounts", admin=200, **ADMIN_ONLY, form=NEW_ACCOUNT,
        note="shows the one-time set-up link instead of redirecting"),
    row("GET", "/admin/accounts/{account_id}", admin=200, **ADMIN_ONLY,
        setup=parc_moderator),
    row("POST", "/admin/accounts/{account_id}", admin=303, **ADMIN_ONLY,
        setup=parc_moderator, form={"name": "Parc", "role": "viewer",
                                    "organisation": "parc", "languages": "en"}),
    row("POST", "/admin/accounts/{account_id}/disable", admin=303, **ADMIN_ONLY,
        setup=parc_moderator),
    row("POST", "/admin/accounts/{account_id}/enable", admin=303, **ADMIN_ONLY,
        setup=parc_moderator),
    row("POST", "/admin/accounts/{account_id}/setup-link", admin=200, **ADMIN_ONLY,
        setup=parc_moderator),
    row("GET", "/admin/organisations", admin=200, **ADMIN_ONLY),
    row("GET", "/admin/organisations/new", admin=200, **ADMIN_ONLY),
    row("POST", "/admin/organisations", admin=303, **ADMIN_ONLY, form=ORGANISATION),
    row("GET", "/admin/organisations/{organisation_id}", admin=200, **ADMIN_ONLY,
        setup=parc),
    row("POST", "/admin/organisations/{organisation_id}", admin=303, **ADMIN_ONLY,
        setup=parc, form={**ORGANISATION, "slug": "parc"}),
]
