"""The archive at scale (issue 21, item 3): evaluations stored compactly and read back byte
for byte, a database of the earlier layout upgraded in place, listings paged by keyset, and
exports that stream."""

import csv
import io
import json
import random
import sqlite3
from datetime import datetime, timezone

import pytest
import sqlite_utils

from ccrules.panel.decisions import DecisionInput
from ccrules.screening.evaluate import evaluate
from ccrules.service import ListQuery
from ccrules.store import Store, codec
from ccrules.store.database import BadQuery
from ccrules.store.decisions import Decider, add_decision, history

from helpers import example, example_names, make_token


@pytest.fixture(scope="module")
def evaluations(live_rulebook):
    return [(evaluate(example(name), live_rulebook), example(name)) for name in example_names()]


def test_every_example_reads_back_byte_for_byte_at_a_fifth_of_its_size(tmp_path, rulebook,
                                                                          evaluations):
    store = Store(tmp_path / "a.db")
    try:
        texts = store.save_many(evaluations, rulebook)
        for (ev, proposal), text in zip(evaluations, texts, strict=True):
            assert text == ev.model_dump_json()
            assert store.get_json(ev.id) == text  # the very bytes first returned
            assert store.proposal(ev.id)[0] == proposal
        sizes = [sum(len(v) for v in row) for row in store.db.execute(
            "select asks, proposal, result from evaluation_bodies")]
        raw = sum(len(t.encode()) for t in texts) / len(texts)
        assert sum(sizes) / len(sizes) < 8192 and sum(sizes) / len(sizes) < raw / 4
    finally:
        store.close()


def test_the_codec_is_exact_for_any_text(rulebook):
    book = codec.codebook_for(rulebook)
    rng = random.Random(21)
    alphabet = ['"', "\\", "\x01", "\x02", "a", " ", "é", "\n", *book.strings[:20]]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        blob = codec.pack_result(text, book)
        assert codec.unpack(blob, {book.digest: book.strings}) == text
        assert codec.unpack(codec.pack(text)) == text
    assert codec.unpack("legacy text") == "legacy text"


# --- the layout of earlier versions, upgraded in place --------------------------------------

def old_layout(path, rulebook, evaluations) -> dict[str, str]:
    """A database as the previous version made it (JSON text in `evaluations`), with the
    examples stored the way it stored them; returns each id's stored text."""
    db = sqlite_utils.Database(path)
    db.enable_wal()
    db.table("rulesets").create({"version": str, "documents": str, "created_at": str},
                                pk="version")
    db.table("evaluations").create(
        {"id": str, "created_at": str, "verdict": str, "title": str, "reference": str,
         "ruleset_version": str, "owner": str, "proposal": str, "result": str},
        pk="id", not_null={"created_at", "verdict", "ruleset_version", "proposal", "result"},
        foreign_keys=[("ruleset_version", "rulesets", "version")])
    db.table("evaluations").create_index(["created_at"])
    db.table("evaluations").create_index(["owner", "created_at"])
    db.table("decisions").create(
        {"id": str, "evaluation_id": str, "decision": str, "findings": str,
         "conditions": str, "note": str, "decided_by": str, "decided_by_name": str,
         "decided_at": str}, pk="id",
        foreign_keys=[("evaluation_id", "evaluations", "id")])
    texts = {}
    with db.conn:
        db.execute("insert into rulesets values (?, ?, ?)",
                   [rulebook.version, json.dumps(rulebook.documents), "2026-01-01T00:00:00"])
        for ev, proposal in evaluations:
            texts[ev.id] = ev.model_dump_json()
            db.execute("insert into evaluations values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [ev.id, ev.created_at, ev.verdict.value, ev.title, ev.reference,
                        rulebook.version, None, json.dumps(proposal), texts[ev.id]])
    db.close()
    return texts


OLD_LISTING = ("select id, json_extract(proposal, '$.applicant'), "
               "json_extract(result, '$.verdict_range.best'), "
               "json_extract(result, '$.verdict_range.worst'), "
               "json_extract(result, '$.completeness'), "
               "(select count(*) from json_each(result, '$.findings') "
               " where json_extract(value, '$.severity') = 'blocker'), "
               "(select count(*) from json_each(result, '$.findings') "
               " where json_extract(value, '$.severity') = 'major'), "
               "json_array_length(result, '$.missing') from evaluations")


def test_a_database_of_the_old_layout_is_upgraded_in_place(tmp_path, rulebook, evaluations):
    path = tmp_path / "old.db"
    texts = old_layout(path, rulebook, evaluations[:5])
    with sqlite3.connect(path) as conn:
        listed_before = {row[0]: list(row[1:]) for row in conn.execute(OLD_LISTING)}
    conn.close()

    store = Store(path)  # opening it upgrades it
    try:
        assert store.db.execute("pragma freelist_count").fetchone()[0] == 0  # vacuumed
        (kept,) = store.db.execute("select sum(length(asks) + length(proposal) + "
                                   "length(result)) from evaluation_bodies").fetchone()
        assert kept < sum(len(t.encode()) for t in texts.values()) / 4
        assert store.db.execute("pragma user_version").fetchone()[0] == 4  # then users (4)
        assert "result" not in store.db.table("evaluations").columns_dict
        for ident, text in texts.items():
            assert store.get_json(ident) == text  # old rows, byte for byte
        page = store.list(limit=50)
        assert page.total == 5
        columns = ["applicant", "best", "worst", "completeness", "blockers", "majors",
                   "open_questions"]
        assert {r["id"]: [r[c] for c in columns] for r in page.items} == listed_before
        old_id = next(iter(texts))
        record = add_decision(store, old_id, DecisionInput.checked(
            {"decision": "deferred", "accept_all": True, "decided_by": "P. Chair"}),
            Decider(None, "panel", None))
        assert history(store, old_id, None)[1][0].id == record.id
        store.save_many(evaluations[5:], rulebook)  # new rows beside the old
        assert store.count() == len(evaluations)
        for ev, _ in evaluations:
            assert store.get_json(ev.id) == ev.model_dump_json()
        assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()
    again = Store(path)  # and a second opening finds nothing to do
    try:
        assert again.count() == len(evaluations)
    finally:
        again.close()


def test_an_old_database_serves_through_the_app(tmp_path, rulebook, evaluations):
    from ccrules.web import create_app
    path = tmp_path / "served.db"
    texts = old_layout(path, rulebook, evaluations[:3])
    app = create_app({"DATABASE": str(path), "RULEBOOK": rulebook})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {make_token(app, admin=True)}"}
    for ident, text in texts.items():
        r = client.get(f"/api/v1/evaluations/{ident}", headers=auth)
        assert r.status_code == 200 and r.get_data(as_text=True) == text
    created = client.post("/api/v1/evaluations", json={"proposal": example("ilcop")},
                          headers=auth)
    assert created.status_code == 201
    assert client.get(created.headers["Location"], headers=auth).get_data() == created.data
    assert client.get("/api/v1/evaluations", headers=auth).get_json()["total"] == 4


# --- keyset pages ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def many(tmp_path_factory, live_rulebook, evaluations):
    """137 stored evaluations, in batches that share a second (ties on created_at), titles
    with gaps (some none); made once for the module, whose tests only read them."""
    rulebook = live_rulebook
    store = Store(tmp_path_factory.mktemp("archive") / "many.db")
    ev, proposal = evaluations[0]
    for batch in range(0, 137, 10):
        items = []
        for i in range(batch, min(batch + 10, 137)):
            title = None if i % 7 == 0 else f"Proposal {i % 13:02d}"
            items.append((ev.model_copy(update={
                "id": f"{i:04d}{random.Random(i).getrandbits(64):016x}", "title": title,
                "created_at": datetime(2026, 1, 1 + batch // 10, tzinfo=timezone.utc)
                .isoformat(timespec="seconds")}), proposal))
        store.save_many(items, rulebook)
    yield store
    store.close()


@pytest.mark.parametrize("sort", ["created_at", "title", "verdict", "applicant"])
@pytest.mark.parametrize("descending", [True, False])
def test_cursor_pages_cover_every_row_once_in_the_offset_order(many, sort, descending):
    everything = many.list(versions="all", sort=sort, descending=descending, limit=200).items
    seen, cursor = [], None
    while True:
        page = many.list(versions="all", sort=sort, descending=descending, limit=17, cursor=cursor)
        seen += page.items
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [r["id"] for r in seen] == [r["id"] for r in everything]
    assert len(seen) == 137 == page.total
    by_offset = many.list(versions="all", sort=sort, descending=descending, limit=17,
                          offset=34).items
    assert by_offset == everything[34:51]  # offsets still work, in the same order


def test_a_bad_or_foreign_cursor_is_refused_not_a_500(many):
    cursor = many.list(versions="all", limit=5).next_cursor
    for bad in ("", "not a cursor", "!!!!", "W10", cursor + "x", "x" * 2000):
        if bad:
            with pytest.raises(BadQuery):
                many.list(versions="all", cursor=bad)
    with pytest.raises(BadQuery):
        many.list(versions="all", cursor=cursor, sort="title")
    with pytest.raises(BadQuery):
        many.list(versions="all", cursor=cursor, offset=5)


def test_the_api_pages_by_cursor(client, auth):
    for name in example_names()[:5]:
        assert client.post("/api/v1/evaluations", json={"proposal": example(name)},
                           headers=auth).status_code == 201
    first = client.get("/api/v1/evaluations?limit=2", headers=auth).get_json()
    assert first["next_cursor"] and len(first["items"]) == 2
    ids = [i["id"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"/api/v1/evaluations?limit=2&cursor={cursor}", headers=auth)
        assert page.status_code == 200
        ids += [i["id"] for i in page.get_json()["items"]]
        cursor = page.get_json()["next_cursor"]
    assert len(ids) == len(set(ids)) == 5
    for bad in ("garbage", "%00", first["next_cursor"] + "&offset=3",
                first["next_cursor"] + "&sort=title"):
        r = client.get(f"/api/v1/evaluations?cursor={bad}", headers=auth)
        assert r.status_code == 422, (bad, r.status_code)
    spec = client.get("/openapi.json").get_json()
    params = {p["name"] for p in spec["paths"]["/api/v1/evaluations"]["get"]["parameters"]}
    assert {"cursor", "offset", "limit"} <= params


# --- exports stream -------------------------------------------------------------------------

def test_streams_read_in_batches_and_keep_order(many, monkeypatch):
    monkeypatch.setattr(Store, "BATCH", 16)
    streamed = list(many.stream(sort="title", descending=False, asks=True, versions="all"))
    assert [r["id"] for r in streamed] == [
        r["id"] for r in many.list(versions="all", sort="title", descending=False,
                                   limit=200).items]
    assert all(isinstance(r["conditions"], list) for r in streamed)
    assert len({r["id"] for r in many.stored()}) == 137


def test_csv_export_is_sent_in_chunks(app, signed_in):
    for name in example_names():
        signed_in.post("/evaluations/new", data={"proposal_file": (
            io.BytesIO(json.dumps(example(name)).encode()), f"{name}.json")},
            content_type="multipart/form-data")
    r = signed_in.get("/evaluations.csv")
    assert r.is_streamed
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == len(example_names())
    query = ListQuery.lenient({"cursor": "anything", "sort": "title"})
    assert query.cursor is None and query.sort == "title"  # pages are numbered
