"""Broadcasts in the console: who may compose, send and see them; a form that cannot
make one says why; a moderator's audience is their own members; member text is escaped;
a cancel withdraws the rows that wait."""

from __future__ import annotations

from sqlmodel import Session, select

from content.models import AuditLog, Broadcast, OutboundMessage
from tests.services.test_broadcasts import member
from tests.support.console import csrf_of

KM = "សួស្តី <b>បង</b>"


def compose(client, **fields):
    page = client.get("/admin/broadcasts/new")
    assert page.status_code == 200
    return client.post("/admin/broadcasts", data={"csrf_token": csrf_of(page.text),
                                                  "title": "Field day", **fields})


def post(client, url: str):
    page = client.get(url.rsplit("/", 1)[0])
    return client.post(url, data={"csrf_token": csrf_of(page.text)})


def test_a_moderator_broadcasts_to_their_own_members_only(client_as, services, world):
    db = services.db
    ours = member(db, "+85512000001", language="km", country="KH")  # no organisation, KH
    member(db, "+85512000002", language="km", country="KH", organisation_id=world.orgs["parc"])
    lao = member(db, "+8562055500003", language="lo", country="LA",
                 organisation_id=world.orgs["cedac"])
    member(db, "+639170000004", language="fil", country="PH")
    moderator = client_as("moderator")
    made = compose(moderator, text_km=KM, text_en="Hello")
    assert made.status_code == 303
    page = moderator.get(made.headers["location"])
    text = " ".join(page.text.split())
    assert "2 recipients" in text and "&lt;b&gt;បង&lt;/b&gt;" in page.text
    assert "No Lao text: they get the English one." in text
    sent = post(moderator, made.headers["location"] + "/send")
    assert sent.status_code == 303
    with Session(db) as session:
        to = set(session.exec(select(OutboundMessage.member_id)).all())
        assert to == {ours, lao}
        assert session.exec(select(AuditLog.action).where(
            AuditLog.action.like("broadcast.%"))).all() == ["broadcast.create",
                                                            "broadcast.send"]
    assert "parc" not in moderator.get("/admin/broadcasts").text
    assert client_as("parc").get(made.headers["location"]).status_code == 404


def test_a_viewer_sees_broadcasts_but_sends_none(client_as, services):
    viewer = client_as("viewer")
    assert viewer.get("/admin/broadcasts").status_code == 200
    assert viewer.get("/admin/broadcasts/new").status_code == 403


def test_a_form_that_makes_no_broadcast_says_why(client_as, services):
    moderator = client_as("moderator")
    for fields, says in (({}, "Write a text in at least one language"),
                         ({"text_en": "x" * 1601}, "longer than 1600"),
                         ({"text_en": "Hi", "send_at": "2020-01-01T08:00"}, "in the past"),
                         ({"text_en": "Hi", "send_at": "soon"}, "not a date and time")):
        answer = compose(moderator, **fields)
        assert answer.status_code == 422 and says in answer.text
    with Session(services.db) as session:
        assert session.exec(select(Broadcast)).all() == []


def test_cancelling_withdraws_what_waits(client_as, services):
    member(services.db, "+85512000001", language="km", country="KH")
    moderator = client_as("moderator")
    where = compose(moderator, text_en="Hello",
                    send_at="2099-01-01T08:00").headers["location"]
    post(moderator, where + "/send")
    assert "Cancel: withdraw" in moderator.get(where).text
    post(moderator, where + "/cancel")
    page = " ".join(moderator.get(where).text.split())
    assert "Cancelled: what was not sent is withdrawn." in page and "100 %" in page
    with Session(services.db) as session:
        assert session.exec(select(OutboundMessage.status)).all() == ["withdrawn"]


def test_an_admin_may_pick_the_organisation(client_as, services, world):
    member(services.db, "+85512000001", language="km", country="KH")
    parcs = member(services.db, "+639170000004", language="fil", country="PH",
                   organisation_id=world.orgs["parc"])
    admin = client_as("admin")
    assert "Only the members of this organisation." in admin.get("/admin/broadcasts/new").text
    assert "Only the members of this organisation." not in client_as("moderator").get(
        "/admin/broadcasts/new").text
    where = compose(admin, text_en="Hello",
                    organisation=str(world.orgs["parc"])).headers["location"]
    post(admin, where + "/send")
    with Session(services.db) as session:
        assert session.exec(select(OutboundMessage.member_id)).all() == [parcs]
