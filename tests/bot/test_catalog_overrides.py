"""The console's texts on top of the files: one catalog's layers, and other processes
picking up a saved text through bot.catalog_sync (with a clock the test moves, never
by sleeping)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.catalog import Catalog, Override
from bot.catalog_sync import SETTLE, CatalogSync
from content.db import session_scope
from content.models import CatalogText, utcnow
from peerlearn.wiring import build
from services import catalog_texts
from services.access import Principal
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat

FILES = Catalog.load()
TRANSLATOR = Principal(1, "tr@cedac.example.org", "Translator", "translator",
                       languages=("km", "lo"))
NEW_HELP = "ຂໍ້ຄວາມຊ່ວຍເຫຼືອໃໝ່ທີ່ຜູ້ແປກວດແລ້ວ."


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fresh() -> Catalog:
    return Catalog.load()


def test_an_override_replaces_the_text_and_a_reviewed_one_is_no_longer_a_draft():
    catalog = fresh()
    total, drafts = catalog.review_status()["lo"]
    assert "help" in catalog.unreviewed["lo"]
    catalog.override(Override("lo", "help", NEW_HELP, reviewed=True))
    assert catalog.text("lo", "help") == NEW_HELP
    assert catalog.review_status()["lo"] == (total, drafts - 1)
    catalog.override(Override("lo", "help", NEW_HELP, reviewed=False))
    assert catalog.review_status()["lo"] == (total, drafts)
    assert catalog.file_text("lo", "help") == FILES.texts["lo"]["help"]  # files kept apart


def test_use_replaces_the_whole_set_and_ignores_keys_the_files_no_longer_have():
    catalog = fresh()
    catalog.use([Override("lo", "help", NEW_HELP, True),
                 Override("lo", "gone.key", "x", True)])
    assert catalog.text("lo", "help") == NEW_HELP and not catalog.has("lo", "gone.key")
    catalog.use([])
    assert catalog.texts == FILES.texts and catalog.unreviewed == FILES.unreviewed


def test_an_override_is_swapped_in_never_changed_under_a_reader():
    catalog = fresh()
    before = catalog.texts
    lao_before = catalog.texts["lo"]
    catalog.override(Override("lo", "help", NEW_HELP, True))
    assert before["lo"]["help"] == lao_before["help"] == FILES.texts["lo"]["help"]


def test_keys_list_the_core_file_first_then_each_flow_folder():
    keys = FILES.keys()
    assert keys[0] == "welcome" and set(keys) == set(FILES.texts["en"])
    folders = [FILES.origins[k] for k in keys]
    assert folders == sorted(folders)
    assert FILES.origins["peer.consent.ask"] == "peer" and FILES.origins["menu.title"] == ""


def _save(db, lang: str, key: str, text: str, reviewed: bool = True) -> None:
    with session_scope(db) as session:
        catalog_texts.save(session=session, actor=TRANSLATOR, lang=lang, key=key, text=text,
                           reviewed=reviewed, now=utcnow())


def test_building_services_loads_the_saved_texts(services):
    _save(services.db, "lo", "help", NEW_HELP)
    other = build(services.settings, db=services.db)
    assert other.catalog.text("lo", "help") == NEW_HELP
    assert "help" not in other.catalog.unreviewed["lo"]


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_another_process_uses_a_reviewed_text_once_its_check_is_due(services, channel):
    other = build(services.settings, db=services.db)  # a second process, same database
    clock = Clock()
    sync = CatalogSync(other.catalog, other.db, every=5.0, clock=clock).attach()
    chat = Chat(other, channel, "+8562055512345" if channel == "sms" else "100055")
    onboard(chat, language="3")
    assert chat.member().language == "lo"
    key = "help.telegram" if channel == "telegram" else "help"  # Telegram's own variant
    _save(services.db, "lo", key, NEW_HELP)  # saved by the console's process
    clock.now += sync.every / 2
    assert NEW_HELP not in chat.say("HELP")[0].text  # not looked yet: no query per message
    clock.now += sync.every
    assert chat.say("HELP")[0].text.startswith(NEW_HELP)


def test_a_check_with_nothing_new_does_not_reload(services):
    sync = CatalogSync(fresh(), services.db, every=0)
    assert sync.refresh() is True  # the first look loads
    assert sync.refresh() is False
    _save(services.db, "km", "help", "ជំនួយ")
    assert sync.refresh() is True and sync.catalog.text("km", "help") == "ជំនួយ"


def test_a_late_commit_with_an_older_time_is_still_seen(services):
    """Two saves: the one committed last carries the older time, so the stamp's newest
    time does not move; the check reloads anyway while the newest save is recent."""
    _save(services.db, "lo", "help", "ເກົ່າ")
    _save(services.db, "km", "help", "ជំនួយ")
    sync = CatalogSync(fresh(), services.db, every=0)
    sync.refresh()
    before = sync.stamp
    with session_scope(services.db) as session:  # stamped before km's save, committed now
        row = session.get(CatalogText, _id(services.db, "lo", "help"))
        row.text = NEW_HELP
    with Session(services.db) as session:
        assert catalog_texts.stamp(session=session) == before
    assert sync.refresh() is True and sync.catalog.text("lo", "help") == NEW_HELP


def test_once_saves_are_old_an_unchanged_stamp_costs_one_query(services):
    _save(services.db, "km", "help", "ជំនួយ")
    with session_scope(services.db) as session:
        row = session.get(CatalogText, _id(services.db, "km", "help"))
        row.updated_at = utcnow() - SETTLE * 2
    sync = CatalogSync(fresh(), services.db, every=0)
    assert sync.refresh() is True
    assert sync.refresh() is False


def test_a_removed_row_brings_the_file_text_back(services):
    _save(services.db, "lo", "help", NEW_HELP)
    sync = CatalogSync(fresh(), services.db, every=0)
    sync.refresh()
    with session_scope(services.db) as session:
        session.delete(session.get(CatalogText, _id(services.db, "lo", "help")))
    sync.refresh()
    assert sync.catalog.text("lo", "help") == FILES.texts["lo"]["help"]


def _id(db, lang: str, key: str) -> int:
    with Session(db) as session:
        return next(r.id for r in catalog_texts.listed(session=session, lang=lang)
                    if r.key == key)
