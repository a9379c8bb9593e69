"""Persisted documents (PRODUCT.md, GraphQL conventions): Apollo's automatic persisted
queries, and trusted-documents mode in which only registered documents run."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from graphql_schema.models import TrustedDocument
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SKILLS = "query Skills { skills(first: 2) { totalCount } }"
FOLLOW = "mutation Follow($id: ID!) { followCompany(input: {companyId: $id}) { errors { code } } }"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def apq(hash_: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": hash_}}


def post(body: dict, client: Client | None = None, **headers):
    client = client or Client()
    response = client.post(
        "/graphql/", json.dumps(body), content_type="application/json", headers=headers
    )
    return response.status_code, response.json()


def codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def trusted(mode: str = "trusted"):
    return override_settings(WAGTAIL_NETWORK={"GRAPHQL_DOCUMENTS": mode})


def register(tmp_path, *documents: str, name: str = "ops.graphql") -> str:
    path = tmp_path / name
    path.write_text("\n".join(documents), encoding="utf-8")
    out = StringIO()
    call_command("register_graphql_documents", str(path), stdout=out)
    return out.getvalue()


# --------------------------------------------------------------------------
# Automatic persisted queries
# --------------------------------------------------------------------------


def test_apq_unknown_hash_answers_persisted_query_not_found_as_apollo_expects():
    status, body = post({"extensions": apq(sha(SKILLS))})
    assert status == 200
    assert body["data"] is None
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_apq_document_sent_once_with_its_hash_then_runs_by_hash_alone():
    status, first = post({"query": SKILLS, "extensions": apq(sha(SKILLS))})
    assert status == 200 and first["data"] == {"skills": {"totalCount": 0}}
    status, again = post({"extensions": apq(sha(SKILLS)), "operationName": "Skills"})
    assert status == 200 and again["data"] == first["data"]
    assert again["extensions"]["cost"]["requested"] == 1


def test_apq_store_is_djangos_cache_shared_by_every_worker():
    post({"query": SKILLS, "extensions": apq(sha(SKILLS))})
    assert caches["default"].get(f"wagtail_network:apq:{sha(SKILLS)}") == SKILLS


def test_apq_hash_by_get_as_apollos_use_get_for_hashed_queries():
    post({"query": SKILLS, "extensions": apq(sha(SKILLS))})
    response = Client().get("/graphql/", {"extensions": json.dumps(apq(sha(SKILLS)))})
    assert response.status_code == 200
    assert response.json()["data"] == {"skills": {"totalCount": 0}}


def test_apq_hash_that_does_not_match_the_document_is_refused_and_not_kept():
    status, body = post({"query": SKILLS, "extensions": apq(sha(SKILLS + " "))})
    assert status == 400 and codes(body) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert caches["default"].get(f"wagtail_network:apq:{sha(SKILLS + ' ')}") is None


def test_apq_keeps_only_documents_that_validate():
    bad = "query { nothing }"
    status, body = post({"query": bad, "extensions": apq(sha(bad))})
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    _status, again = post({"extensions": apq(sha(bad))})
    assert codes(again) == ["PERSISTED_QUERY_NOT_FOUND"]


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": {"version": 2, "sha256Hash": "a" * 64}},
        {"persistedQuery": {"version": 1, "sha256Hash": "not-a-hash"}},
        {"persistedQuery": {"version": 1, "sha256Hash": 5}},
        {"persistedQuery": "yes"},
    ],
)
def test_apq_malformed_persisted_query_extension_is_a_typed_400(extensions):
    status, body = post({"extensions": extensions})
    assert status == 400 and codes(body) == ["BAD_REQUEST"]


@override_settings(WAGTAIL_NETWORK={"GRAPHQL_APQ": False})
def test_apq_switched_off_answers_not_supported_and_full_documents_still_run():
    status, body = post({"extensions": apq(sha(SKILLS))})
    assert status == 200 and body["errors"][0]["message"] == "PersistedQueryNotSupported"
    assert codes(body) == ["PERSISTED_QUERY_NOT_SUPPORTED"]
    status, body = post({"query": SKILLS, "extensions": apq(sha(SKILLS))})
    assert body["data"] == {"skills": {"totalCount": 0}}
    assert caches["default"].get(f"wagtail_network:apq:{sha(SKILLS)}") is None


def test_apq_query_by_hash_over_a_session_needs_no_csrf_token_but_a_mutation_does():
    from tests.graphql.mutation_support import build_net

    net = build_net()
    client = Client(enforce_csrf_checks=True)
    client.force_login(net.u_alice)
    # An unknown hash runs nothing: Apollo gets NOT_FOUND, not a CSRF refusal.
    status, body = post({"extensions": apq(sha(FOLLOW))}, client)
    assert status == 200 and codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    caches["default"].set(f"wagtail_network:apq:{sha(FOLLOW)}", FOLLOW)
    status, body = post({"extensions": apq(sha(FOLLOW)), "variables": {"id": "x"}}, client)
    assert status == 403 and codes(body) == ["CSRF_FAILED"]
    post({"query": SKILLS, "extensions": apq(sha(SKILLS))})
    status, body = post({"extensions": apq(sha(SKILLS))}, client)
    assert status == 200 and body["data"]["skills"]["totalCount"] >= 1


# --------------------------------------------------------------------------
# Registering documents
# --------------------------------------------------------------------------


def test_register_graphql_file_stores_text_printed_form_and_worst_case_cost(tmp_path):
    text = "query Dir($n: Int) {\n  members(first: $n) { edges { node { name } } }\n}\n"
    out = register(tmp_path, text)
    assert "Dir" in out
    docs = {d.document_id: d for d in TrustedDocument.objects.all()}
    assert sha(text) in docs
    # Variables are unknown at registration: the connection counts at 100.
    assert docs[sha(text)].cost == 1 + 100 * 1
    from graphql import parse, print_ast

    assert sha(print_ast(parse(text))) in docs


def test_register_reads_relay_and_apollo_manifests_and_folders(tmp_path):
    (tmp_path / "relay.json").write_text(json.dumps({"abc123md5": SKILLS}))
    apollo = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": sha(FOLLOW), "name": "Follow", "type": "mutation", "body": FOLLOW}],
    }
    (tmp_path / "apollo.json").write_text(json.dumps(apollo))
    folder = tmp_path / "src"
    (folder / "deep").mkdir(parents=True)
    (folder / "deep" / "a.gql").write_text("query A { industries { totalCount } }")
    call_command(
        "register_graphql_documents",
        str(tmp_path / "relay.json"),
        str(tmp_path / "apollo.json"),
        str(folder),
        stdout=StringIO(),
    )
    ids = set(TrustedDocument.objects.values_list("document_id", flat=True))
    assert {"abc123md5", sha(FOLLOW), sha("query A { industries { totalCount } }")} <= ids
    follow = TrustedDocument.objects.get(document_id=sha(FOLLOW))
    assert follow.cost >= 10 and follow.operation_names == "Follow"


def test_register_refuses_everything_when_one_document_does_not_fit_the_schema(tmp_path):
    (tmp_path / "good.graphql").write_text(SKILLS)
    (tmp_path / "bad.graphql").write_text("query { members { nope } }")
    with pytest.raises(CommandError, match="nope"):
        call_command("register_graphql_documents", str(tmp_path), stdout=StringIO())
    assert not TrustedDocument.objects.exists()


def test_register_checks_depth_limit_and_syntax(tmp_path):
    with pytest.raises(CommandError, match="Syntax Error"):
        register(tmp_path, "query {")
    deep = "query { viewer { member { connections { edges { node { connections { edges { node { connections { edges { node { name } } } } } } } } } } } }"  # noqa: E501
    with pytest.raises(CommandError, match="exceeds maximum operation depth"):
        register(tmp_path, deep, name="deep.graphql")


def test_register_replace_list_and_remove(tmp_path):
    register(tmp_path, SKILLS, name="one.graphql")
    (tmp_path / "two.graphql").write_text("query B { industries { totalCount } }")
    call_command(
        "register_graphql_documents", str(tmp_path / "two.graphql"), "--replace", stdout=StringIO()
    )
    assert set(TrustedDocument.objects.values_list("operation_names", flat=True)) == {"B"}
    out = StringIO()
    call_command("register_graphql_documents", "--list", stdout=out)
    assert "B" in out.getvalue()
    call_command(
        "register_graphql_documents",
        "--remove",
        sha("query B { industries { totalCount } }"),
        stdout=StringIO(),
    )
    assert not TrustedDocument.objects.filter(
        document_id=sha("query B { industries { totalCount } }")
    ).exists()


def test_register_against_a_host_sites_extended_schema(tmp_path):
    (tmp_path / "host.graphql").write_text("query { hostGreeting }")
    with pytest.raises(CommandError):
        call_command("register_graphql_documents", str(tmp_path), stdout=StringIO())
    call_command(
        "register_graphql_documents",
        str(tmp_path),
        "--schema",
        "tests.graphql.test_host_schema.HOST_SCHEMA",
        stdout=StringIO(),
    )
    assert TrustedDocument.objects.filter(document_id=sha("query { hostGreeting }")).exists()


# --------------------------------------------------------------------------
# Trusted-documents mode
# --------------------------------------------------------------------------


@trusted()
def test_trusted_mode_runs_a_registered_document_by_every_id_form_and_by_text(tmp_path):
    register(tmp_path, SKILLS)
    (tmp_path / "relay.json").write_text(json.dumps({"relay-md5-id": SKILLS}))
    call_command("register_graphql_documents", str(tmp_path / "relay.json"), stdout=StringIO())
    expected = {"skills": {"totalCount": 0}}
    for body in (
        {"extensions": apq(sha(SKILLS))},
        {"documentId": f"sha256:{sha(SKILLS)}"},
        {"documentId": sha(SKILLS)},
        {"doc_id": "relay-md5-id"},
        {"query": SKILLS},
    ):
        status, answer = post(body)
        assert (status, answer.get("data")) == (200, expected), body


@trusted()
def test_trusted_mode_refuses_unregistered_documents_before_parsing_them(tmp_path):
    """Schema recovery by probing: every unregistered document, valid or not,
    gets the same answer, which names no type, field or argument."""
    register(tmp_path, SKILLS)
    probes = [
        "query { members { edges { node { email } } } }",
        "query { nothing }",
        "mutation { followCompany { errors } }",
        "query { __schema { types { name } } }",
        "query {",
        '{ members(first: "x") }',
        SKILLS + " ",
    ]
    answers = set()
    for probe in probes:
        status, body = post({"query": probe})
        assert status == 200 and codes(body) == ["DOCUMENT_NOT_TRUSTED"], probe
        answers.add(json.dumps(body, sort_keys=True))
    assert len(answers) == 1


@trusted()
def test_trusted_mode_unknown_id_answers_not_found_and_apq_cannot_register(tmp_path):
    other = "query { industries { totalCount } }"
    _s, body = post({"extensions": apq(sha(other))})
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    _s, body = post({"query": other, "extensions": apq(sha(other))})
    assert codes(body) == ["DOCUMENT_NOT_TRUSTED"]
    _s, body = post({"extensions": apq(sha(other))})
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


@trusted()
def test_trusted_mode_refusal_spends_the_clients_budget(tmp_path):
    register(tmp_path, SKILLS)
    post({"query": "query { x }"})
    _s, body = post({"query": SKILLS})
    assert body["extensions"]["cost"]["remaining"] == 250000 - 10 - 1


@trusted()
def test_trusted_mode_refuses_an_unregistered_multipart_upload():
    response = Client().post(
        "/graphql/",
        {"operations": json.dumps({"query": "query { x }", "variables": {}}), "map": "{}"},
    )
    assert response.status_code == 200
    assert codes(response.json()) == ["DOCUMENT_NOT_TRUSTED"]


@trusted()
def test_trusted_mode_removal_takes_effect_at_once(tmp_path):
    register(tmp_path, SKILLS)
    assert post({"documentId": sha(SKILLS)})[1]["data"]
    call_command("register_graphql_documents", "--remove", sha(SKILLS), stdout=StringIO())
    assert codes(post({"documentId": sha(SKILLS)})[1]) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert codes(post({"query": SKILLS})[1]) == ["DOCUMENT_NOT_TRUSTED"]


@pytest.mark.parametrize("mode", ["trusted", "trusted_except_staff"])
def test_trusted_mode_staff_run_any_document_only_when_excepted(mode):
    staff = UserFactory(is_staff=True)
    member = UserFactory()
    with trusted(mode):
        staff_client, member_client = Client(), Client()
        staff_client.force_login(staff)
        member_client.force_login(member)
        _s, as_staff = post({"query": SKILLS}, staff_client)
        _s, as_member = post({"query": SKILLS}, member_client)
    assert codes(as_member) == ["DOCUMENT_NOT_TRUSTED"]
    if mode == "trusted":
        assert codes(as_staff) == ["DOCUMENT_NOT_TRUSTED"]
    else:
        assert as_staff["data"] == {"skills": {"totalCount": 0}}


@trusted()
def test_trusted_mode_malformed_document_ids_are_typed_400s():
    for body in ({"documentId": 5}, {"documentId": "x" * 300}, {"doc_id": "a b"}):
        status, answer = post(body)
        assert status == 400 and codes(answer) == ["BAD_REQUEST"], body


@pytest.mark.parametrize("value", ["on", True, "Trusted"])
def test_a_documents_mode_that_is_not_one_of_the_three_is_a_system_check_error(settings, value):
    from django.core import checks

    settings.WAGTAIL_NETWORK = {"GRAPHQL_DOCUMENTS": value}
    assert "wagtail_network.E021" in {m.id for m in checks.run_checks()}
    settings.WAGTAIL_NETWORK = {"GRAPHQL_DOCUMENTS": "trusted"}
    assert "wagtail_network.E021" not in {m.id for m in checks.run_checks()}


@trusted()
def test_trusted_mode_removing_a_relay_document_also_stops_its_sha256_alias(tmp_path):
    (tmp_path / "relay.json").write_text(json.dumps({"relay-md5-id": SKILLS}))
    call_command("register_graphql_documents", str(tmp_path / "relay.json"), stdout=StringIO())
    assert post({"documentId": sha(SKILLS)})[1]["data"]  # found, and cached, by sha256
    call_command("register_graphql_documents", "--remove", "relay-md5-id", stdout=StringIO())
    assert codes(post({"documentId": sha(SKILLS)})[1]) == ["PERSISTED_QUERY_NOT_FOUND"]


@trusted()
def test_trusted_mode_a_changed_text_under_the_same_id_replaces_the_old_one(tmp_path):
    other = "query Other { industries { totalCount } }"
    (tmp_path / "relay.json").write_text(json.dumps({"doc-1": SKILLS}))
    call_command("register_graphql_documents", str(tmp_path / "relay.json"), stdout=StringIO())
    assert post({"query": SKILLS})[1]["data"]  # the text match is cached
    (tmp_path / "relay.json").write_text(json.dumps({"doc-1": other}))
    call_command("register_graphql_documents", str(tmp_path / "relay.json"), stdout=StringIO())
    assert codes(post({"query": SKILLS})[1]) == ["DOCUMENT_NOT_TRUSTED"]
    assert post({"doc_id": "doc-1"})[1]["data"] == {"industries": {"totalCount": 0}}
