"""Interface texts in the console: a translator reviews a Lao draft and the bot's next
reply uses it; refused texts say why; who may edit which language; /api/languages."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.catalog import Catalog
from content.models import AuditLog
from services import catalog_texts
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat
from tests.support.console import csrf_of

FILES = Catalog.load()
NEW_HELP = "ສົ່ງເລກເມນູ ຫຼື STORY, MORE, LANG. ສົ່ງ STOP ເພື່ອຢຸດ."
ADDRESSES = {"sms": "+8562055512345", "telegram": "100056"}


@pytest.fixture(autouse=True)
def files_only(services):
    """The module's catalog as the files have it, before and after each test (the
    database is emptied around every test, the process's catalog is not)."""
    services.catalog.use([])
    yield
    services.catalog.use([])


def _post(client, path: str, **form):
    page = client.get("/admin/texts")
    return client.post(path, data={"csrf_token": csrf_of(page.text), **form})


def _lao_member(services, channel: str) -> Chat:
    chat = Chat(services, channel, ADDRESSES[channel])
    onboard(chat, language="3")
    assert chat.member().language == "lo"
    return chat


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_a_reviewed_lao_draft_is_the_bots_next_reply(services, client_as, channel):
    key = "help.telegram" if channel == "telegram" else "help"  # Telegram's own variant
    chat = _lao_member(services, channel)
    assert chat.say("HELP")[0].text.startswith(FILES.texts["lo"][key])
    response = _post(client_as("translator"), f"/admin/texts/lo/{key}", text=NEW_HELP,
                     action="review", show="drafts")
    assert response.status_code == 303
    assert response.headers["location"] == \
        f"/admin/texts/lo?show=drafts&ok=text_reviewed#t-{key}"
    assert chat.say("HELP")[0].text.startswith(NEW_HELP)
    with Session(services.db) as session:
        [row] = catalog_texts.listed(session=session)
        audit = session.exec(select(AuditLog)).one()
    assert (row.lang, row.key, row.text, row.reviewed, row.reviewed_by) == \
        ("lo", key, NEW_HELP, True, "Translator")
    assert (audit.action, audit.target_id, audit.details) == \
        ("text.review", str(row.id), {"lang": "lo", "key": key})


def test_api_languages_counts_go_down_as_texts_are_reviewed(services, client_as, anonymous):
    def lao():
        return next(x for x in anonymous.get("/api/languages").json() if x["code"] == "lo")

    before = lao()
    assert before["interface_unreviewed"] == before["interface_texts"] == len(FILES.keys())
    translator = client_as("translator")
    _post(translator, "/admin/texts/lo/help", text=NEW_HELP, action="review")
    _post(translator, "/admin/texts/lo/menu.title", text=FILES.texts["lo"]["menu.title"],
          action="review")
    assert lao()["interface_unreviewed"] == before["interface_unreviewed"] - 2
    _post(translator, "/admin/texts/lo/help", text=NEW_HELP, action="draft")
    assert lao()["interface_unreviewed"] == before["interface_unreviewed"] - 1
    assert lao()["interface_texts"] == before["interface_texts"]


def test_the_overview_counts_each_language(client_as):
    translator = client_as("translator")
    _post(translator, "/admin/texts/lo/help", text=NEW_HELP, action="review")
    page = client_as("viewer").get("/admin/texts")
    assert page.status_code == 200
    total = len(FILES.keys())
    assert f'href="/admin/texts/lo?show=drafts">{total - 1}</a>' in page.text
    assert '<a href="/admin/texts/lo?show=reviewed">1</a>' in page.text
    assert "Translator, " in page.text and '<span lang="lo" class="native">ລາວ</span>' \
        in page.text


def test_the_list_shows_english_beside_the_text_with_filters_and_pages(client_as):
    viewer = client_as("viewer")
    page = viewer.get("/admin/texts/lo", params={"show": "all", "q": "MENU.TITLE"})
    assert 'id="t-menu.title"' in page.text and 'id="t-menu.title.telegram"' in page.text
    assert '<p lang="en" class="said">Menu - reply with a number:</p>' in page.text
    assert f'<p lang="lo" class="said">{FILES.texts["lo"]["menu.title"]}</p>' in page.text
    assert "<textarea" not in page.text  # viewers read
    by_lao_word = viewer.get("/admin/texts/lo", params={"show": "all", "q": "ເມນູ"})
    assert 'id="t-menu.title"' in by_lao_word.text
    peer = viewer.get("/admin/texts/lo", params={"show": "all", "folder": "peer"}).text
    shown = [k for k in FILES.keys() if f'id="t-{k}"' in peer]
    assert shown and all(FILES.origins[k] == "peer" for k in shown)
    second = viewer.get("/admin/texts/lo", params={"offset": 20}).text
    assert f"Texts 21 to 40 of {len(FILES.keys())}." in second
    assert f'id="t-{FILES.keys()[20]}"' in second and f'id="t-{FILES.keys()[0]}"' not in second


def test_a_reviewed_row_names_its_reviewer_and_leaves_the_drafts(client_as):
    translator = client_as("translator")
    _post(translator, "/admin/texts/lo/welcome", text=FILES.texts["lo"]["welcome"],
          action="review")
    drafts = translator.get("/admin/texts/lo").text
    assert 'id="t-welcome"' not in drafts and 'id="t-language.ask"' in drafts
    reviewed = translator.get("/admin/texts/lo", params={"show": "reviewed"}).text
    assert 'id="t-welcome"' in reviewed and "by Translator, 20" in reviewed
    assert "Save and mark reviewed" in reviewed and '<textarea name="text" lang="lo"' in reviewed


def test_different_placeholders_are_refused_and_the_text_kept(services, client_as):
    typed = "ຄຳຖາມຂອງທ່ານຖືກສົ່ງແລ້ວ {count}."
    response = _post(client_as("translator"), "/admin/texts/lo/ask.sent", text=typed,
                     action="review")
    assert response.status_code == 422
    assert "Missing placeholder {n}: English has it, and the bot fills it in." in response.text
    assert "Unknown placeholder {count}." in response.text
    assert f">{typed}</textarea>" in response.text and 'aria-invalid="true"' in response.text
    with Session(services.db) as session:
        assert catalog_texts.listed(session=session) == []
    assert services.catalog.texts["lo"]["ask.sent"] == FILES.texts["lo"]["ask.sent"]


def test_htmx_swaps_the_row_and_checks_while_typing(client_as):
    translator = client_as("translator")
    csrf = csrf_of(translator.get("/admin/texts").text)
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf}
    saved = translator.post("/admin/texts/lo/help", data={"text": NEW_HELP, "action": "draft"},
                            headers=headers)
    assert saved.status_code == 200 and saved.text.lstrip().startswith("<li")
    assert "Saved as a draft: the bot uses it now." in saved.text and "<html" not in saved.text
    total = len(FILES.keys())
    assert f'<span id="text-counts" hx-swap-oob="true">{total} texts, {total} drafts.' \
        in saved.text  # the page's counts, swapped out of band
    refused = translator.post("/admin/texts/lo/ask.sent", data={"text": "{n"},
                              headers=headers)
    assert refused.status_code == 200 and "breaks the text: write {{ or }}" in refused.text
    checked = translator.post("/admin/texts/lo/help/check", data={"text": "ສະບາຍດີ " * 20},
                              headers=headers)
    assert "3 segments" in checked.text and "UCS-2" in checked.text
    assert "An SMS text must fit 2 segments; this one takes 3" in checked.text


@pytest.mark.parametrize(("who", "path"), [
    ("translator", "/admin/texts/vi/help"),  # holds km and lo only
    ("translator", "/admin/texts/en/help"),  # English: admins only
    ("moderator", "/admin/texts/km/help"),
    ("viewer", "/admin/texts/km/help"),
])
def test_only_translators_of_the_language_and_admins_edit(services, client_as, who, path):
    response = _post(client_as(who), path, text="x", action="review")
    assert response.status_code == 403
    with Session(services.db) as session:
        assert catalog_texts.listed(session=session) == []


def test_the_edit_form_shows_only_where_the_account_may_edit(client_as):
    translator = client_as("translator")
    assert "<textarea" in translator.get("/admin/texts/lo").text
    vietnamese = translator.get("/admin/texts/vi").text
    assert "<textarea" not in vietnamese and "translators who hold this language" in vietnamese
    assert "<textarea" not in client_as("moderator").get("/admin/texts/km").text


def test_an_admin_edits_english_which_is_never_a_draft(services, client_as):
    admin = client_as("admin")
    english = "peerlearn shares stories of community enterprises. Send a menu number."
    assert _post(admin, "/admin/texts/en/help", text=english, action="review") \
        .status_code == 303
    assert services.catalog.text("en", "help") == english
    assert _post(admin, "/admin/texts/en/help", text=english, action="draft") \
        .status_code == 422
    assert "Save as draft" not in admin.get("/admin/texts/en").text


def test_a_text_is_shown_as_text_never_as_markup(client_as):
    translator = client_as("translator")
    _post(translator, "/admin/texts/lo/welcome", text="<script>alert(1)</script>",
          action="draft")
    page = translator.get("/admin/texts/lo", params={"q": "welcome"}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page


def test_unknown_languages_and_keys_are_not_found(client_as):
    translator = client_as("translator")
    assert translator.get("/admin/texts/xx").status_code == 404
    assert _post(translator, "/admin/texts/lo/no.such.key", text="x").status_code == 404
