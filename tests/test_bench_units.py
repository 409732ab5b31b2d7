"""Fast checks of the pure parts of the benchmark, the load test and the nginx script.

The benchmarks themselves (make bench, make load) are not run by make test.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from bench import budgets, first_visit_profile, first_visits, soak, warm_visits
from bench.load_sessions import Budget
from bench.server_time import FreshFilters, filter_combinations
from services.loopback_session import ensure_loopback
from bench.synthetic import FIRST_SYNTHETIC_NUMBER, write_synthetic_extracts
from bench.timing import percentile
from deploy.scale_out import TEMPLATE, render_config
from pipeline import versions

from conftest import ROOT


@pytest.mark.parametrize("samples, share, expected", [
    ([5.0], 0.5, 5.0),
    ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0),
    ([1.0, 2.0, 3.0, 4.0], 0.95, 4.0),
    (list(range(1, 101)), 0.95, 95),
    ([3.0, 1.0, 2.0], 1.0, 3.0),
])
def test_percentile_is_an_observed_value(samples, share, expected):
    assert percentile(samples, share) == expected


@pytest.mark.parametrize("samples, share", [([], 0.5), ([1.0], 0.0), ([1.0], 1.5)])
def test_percentile_refuses_what_has_no_meaning(samples, share):
    with pytest.raises(ValueError):
        percentile(samples, share)


@pytest.mark.parametrize("key, value, passed", [
    ("warm", 4.0, True), ("warm", 4.01, False), ("cold", 14.9, True), ("scale", 20.5, False),
    ("map_bytes", 39.0, True), ("map_bytes", 41.0, False), ("browser", 1.5, True), ("browser", 1.6, False),
    ("warm_15", 40.0, True), ("warm_15", 40.5, False), ("map_rerun", 60_000, True), ("map_rerun", 60_001, False),
    ("settled", 1.49, True), ("settled_map", 2.6, False),
])
def test_budget_marks(key, value, passed):
    item = budgets.check(key, "page", value)
    assert item.passed is passed
    assert item.mark == (budgets.PASS if passed else budgets.MISS)
    assert item.limit == budgets.BUDGETS[key].limit


def test_budgets_are_the_issue_s():
    assert {key: budget.limit for key, budget in budgets.BUDGETS.items()} == {
        "warm": 4.0, "cold": 15.0, "scale": 20.0, "map_bytes": 40.0, "browser": 1.5,
        "warm_15": 40.0, "map_rerun": 60_000, "settled": 1.5, "settled_map": 2.5, "attack": 1.5,
        "gauge": 1.25, "gauge_map": 1.5, "hello_laureats": 1.8, "landing": 1.5, "warm_visit": 1.5,
        "warm_up": 60.0}


def test_budget_table_counts_the_misses():
    text = budgets.format_checks([budgets.check("warm", "synthese", 3.0), budgets.check("cold", "carte", 30.0)])
    assert "1/2 budgets tenus, 1 dépassé(s)" in text
    assert budgets.PASS in text and budgets.MISS in text


def test_ratio_refuses_an_empty_baseline():
    with pytest.raises(ValueError):
        budgets.ratio(1.0, 0.0)


def test_cold_filters_are_never_reused_in_a_folder():
    fresh = FreshFilters(["53", "11"])
    taken = [fresh.take("data") for _ in range(len(filter_combinations(["53", "11"])))]
    assert len(set(taken)) == len(taken) == 2 * 4 * 2
    assert fresh.take("autre-dossier") == taken[0]  # another data folder has its own cache
    with pytest.raises(RuntimeError):
        fresh.take("data")


def test_load_budget_stops_at_its_request_cap():
    budget = Budget(deadline_s=60, max_requests=3)
    assert [budget.take() for _ in range(5)] == [True, True, True, False, False]


@pytest.mark.parametrize("url", ["http://example.org:8501", "http://10.0.0.2:80", "http://0.0.0.0:8501"])
def test_load_client_refuses_anything_but_loopback(url):
    with pytest.raises(ValueError):
        ensure_loopback(url)


def test_synthetic_extracts_are_consistent_and_accepted_by_the_loader(tmp_path):
    manifest = write_synthetic_extracts(tmp_path / "extraits", 500)
    laureates = pd.read_parquet(tmp_path / "extraits" / "laureates.parquet")
    real = pd.read_parquet(ROOT / "data" / "laureates.parquet")
    communes = pd.read_parquet(ROOT / "data" / "communes.parquet")
    assert list(laureates.columns) == list(real.columns)
    assert len(laureates) == manifest["extracts"]["laureates"]["rows"] == 500
    assert laureates.fabrique_id.is_unique
    assert laureates.fabrique_number.min() == FIRST_SYNTHETIC_NUMBER
    assert not set(laureates.fabrique_id) & set(real.fabrique_id)
    assert set(laureates.commune_code) <= set(communes.commune_code)
    assert laureates.lon.notna().all() and laureates.has_qpv.notna().all()
    # The manifest names the new content: hash, version, and the synthetic source.
    path = tmp_path / "extraits" / "laureates.parquet"
    assert manifest["extracts"]["laureates"]["sha256"] == versions.sha256_file(path)
    assert manifest["data_version"] == versions.version_of(manifest["extracts"])
    assert manifest["data_version"] != json.loads((ROOT / "data" / "manifest.json").read_text())["data_version"]
    assert "synthétique" in manifest["laureates_source"]


def test_nginx_config_sticks_sessions_by_cookie(tmp_path):
    text = render_config(TEMPLATE.read_text(encoding="utf-8"), run_dir=tmp_path, listen="127.0.0.1:8080",
                         backends=["127.0.0.1:8601", "127.0.0.1:8602"])
    assert not re.search(r"@[A-Z_]+@", text)
    assert "hash $replica_key consistent;" in text
    assert "ip_hash" not in text.split("#")[0]
    assert text.count("server 127.0.0.1:86") == 2
    assert "listen 127.0.0.1:8080;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "X-Fabriques-Backend" not in text  # the test header only when asked for
    with_header = render_config(TEMPLATE.read_text(encoding="utf-8"), run_dir=tmp_path,
                                listen="127.0.0.1:8080", backends=["127.0.0.1:8601"], backend_header=True)
    assert "add_header X-Fabriques-Backend $upstream_addr always;" in with_header


def test_nginx_config_needs_a_backend(tmp_path):
    with pytest.raises(ValueError):
        render_config(TEMPLATE.read_text(encoding="utf-8"), run_dir=tmp_path, listen="127.0.0.1:1", backends=[])


def test_budget_table_prints_bytes_whole():
    text = budgets.format_checks([budgets.check("map_rerun", "/carte", 612_345)])
    assert "612\u202f345 o" in text and "60\u202f000 o" in text and budgets.MISS in text


def _level(sessions, load_p50, load_p95, errors=()):
    return {"sessions": sessions, "load_p50_ms": load_p50, "load_p95_ms": load_p95,
            "errors": list(errors), "capped": False}


@pytest.mark.parametrize("behind_nginx, p95_at_25, met", [
    (False, 400.0, True), (False, 401.0, False), (True, 250.0, True), (True, 251.0, False),
])
def test_load_crowd_budget_is_p95_at_25_over_the_single_p50(behind_nginx, p95_at_25, met):
    from bench.load import verdicts

    levels = [_level(1, 100.0, 180.0), _level(25, 200.0, p95_at_25), _level(50, 300.0, 900.0)]
    checks = {name: ok for name, ok, _ in verdicts(levels, None, behind_nginx)}
    crowd = next(name for name in checks if name.startswith("p95 à 25"))
    assert checks[crowd] is met
    assert checks["0 erreur à 50 sessions"] is True


def test_load_errors_at_50_and_a_starving_burst_are_misses():
    from bench.load import verdicts

    levels = [_level(1, 100.0, 100.0), _level(50, 100.0, 100.0, ["session 3 : ProtocolError"])]
    burst = {"load_p95_ms": 900.0, "errors": []}
    checks = {name: ok for name, ok, _ in verdicts(levels, burst, False)}
    assert checks["0 erreur à 50 sessions"] is False
    assert not next(ok for name, ok in checks.items() if name.startswith("touche maintenue"))


def test_load_arrivals_are_the_two_shared_pages_some_with_a_region():
    import random

    from bench.load_sessions import arrival_link

    links = [arrival_link(index, random.Random(index), ["53", "84"]) for index in range(30)]
    assert {page for page, _ in links} == {"", "carte"}
    with_region = [query for _, query in links if query]
    assert len(with_region) == 10 and all(query in {"region=53", "region=84"} for query in with_region)


class FakeSocket:
    """Hands the session the server's ForwardMsgs of one run, keeps the BackMsgs it sends."""

    def __init__(self, messages):
        self.incoming = [message.SerializeToString() for message in messages]
        self.sent = []

    def recv(self, timeout=None):
        return self.incoming.pop(0)

    def send(self, data):
        self.sent.append(data)


def test_load_client_reruns_the_page_it_is_on_not_the_router():
    """new_session names the router's script (dashboard.py), navigation the page being run: a
    rerun sent with the router's hash ran Synthèse, whatever the page the session had opened
    (make load's /carte sessions measured Synthèse's filter changes; the Données form was
    never submitted)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from services.loopback_session import StreamlitSession

    started, navigation, finished = ForwardMsg(), ForwardMsg(), ForwardMsg()
    started.new_session.page_script_hash = "routeur"
    started.new_session.initialize.session_id = "session-1"
    navigation.navigation.page_script_hash = "page-carte"
    finished.script_finished = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
    session = StreamlitSession("http://127.0.0.1:8501", page="carte")
    session._socket = FakeSocket([started, navigation, finished])
    session.rerun()
    assert session.session_id == "session-1"
    session._socket = FakeSocket([finished])
    session.rerun()
    second = BackMsg()
    second.ParseFromString(session._socket.sent[0])
    assert (second.rerun_script.page_name, second.rerun_script.page_script_hash) == ("carte", "page-carte")


@pytest.mark.parametrize("text, seconds", [
    ("Trop d'essais de mot de passe : réessayez dans 30 secondes. Chaque nouvel échec…", 30),
    ("… réessayez dans 1 seconde. …", 1),
    ("… réessayez dans 2 minutes. …", 120),
    ("… réessayez dans 1 heure. …", 3600),
    ("Mot de passe incorrect.", None),
])
def test_attacker_reads_the_announced_wait(text, seconds):
    from bench.load_attack import announced_wait_seconds

    assert announced_wait_seconds(text) == seconds


def test_attacker_reads_the_sentence_the_page_writes():
    from bench.load_attack import announced_wait_seconds
    from views.donnees import login_wait_sentence

    for wait, announced in ((29.2, 30), (61, 120), (3600, 3600), (5000, 7200)):
        assert announced_wait_seconds(login_wait_sentence(wait)) == announced


def test_attacker_upload_is_a_browser_s_put_with_its_session_and_cookie():
    from bench.load_attack import multipart_envelope, status_code, upload_request_head

    head, tail = multipart_envelope("b0", "liste.csv")
    assert head.startswith(b"--b0\r\n") and b'name="file"; filename="liste.csv"' in head
    assert tail == b"\r\n--b0--\r\n"
    request = upload_request_head("http://127.0.0.1:8612", "sid", "fid", 123, "b0",
                                  "a=1; _streamlit_xsrf=2|ab|cd|9")
    lines = request.decode().split("\r\n")
    assert lines[0] == "PUT /_stcore/upload_file/sid/fid HTTP/1.1"
    assert "Content-Length: 123" in lines and "X-Xsrftoken: 2|ab|cd|9" in lines
    assert request.endswith(b"\r\n\r\n")
    assert status_code(b"HTTP/1.1 403 Forbidden\r\n\r\n") == 403 and status_code(b"") is None


@pytest.mark.parametrize("without, with_attack, met", [
    ({"load_p95_ms": 8000, "p95_ms": 7000}, {"load_p95_ms": 12000, "p95_ms": 10500}, [True, True]),
    ({"load_p95_ms": 8000, "p95_ms": 7000}, {"load_p95_ms": 12100, "p95_ms": 6000}, [False, True]),
    ({"load_p95_ms": 8000, "p95_ms": None}, {"load_p95_ms": 8000, "p95_ms": 6000}, [True, False]),
])
def test_attack_budget_is_p95_with_over_p95_without(without, with_attack, met):
    from bench.load_attack import attack_checks

    checks = attack_checks(without, with_attack)
    assert [item.passed for item in checks] == met
    assert all(item.limit == 1.5 and item.unit == "×" for item in checks)
    assert "budgets tenus" in budgets.format_checks(checks, details="voir ailleurs")


def test_attacker_findings_fail_on_a_stored_upload_or_too_many_hashes():
    from bench.load_attack import attacker_findings

    attack = {"uploads": {"sent": 10, "refused_by_access_rule": 10}, "duration_s": 20.0,
              "guesses": {"tried": 40, "hashed": 5, "accepted": 0}, "errors": []}
    assert all(held for _, held in attacker_findings(attack))
    stored = {**attack, "uploads": {"sent": 10, "refused_by_access_rule": 9}}
    hashed = {**attack, "guesses": {"tried": 40, "hashed": 6, "accepted": 0}}
    idle = {**attack, "uploads": {"sent": 0, "refused_by_access_rule": 0}}
    for case in (stored, hashed, idle):
        assert not all(held for _, held in attacker_findings(case))


@pytest.mark.parametrize("duration_s, allowed", [(0.0, 5), (29.0, 5), (30.0, 6), (89.0, 6), (90.0, 7), (210.0, 8)])
def test_hashes_an_address_may_get_under_the_lockout(duration_s, allowed):
    """5 at once, then one after 30 s, one after 60 s more, 120 s more… (pipeline/import_auth.py)."""
    from bench.load_attack import hashes_allowed

    assert hashes_allowed(duration_s) == allowed


# --- issue 25: soak, warm-up, first visits ---------------------------------------------------
def test_soak_windows_are_five_minutes_or_a_third_of_a_short_run():
    assert soak.window_length(1800) == 300
    assert soak.window_length(90) == 30
    with pytest.raises(ValueError):
        soak.window_length(0)


def test_soak_compares_the_first_and_last_windows_of_the_steady_run():
    samples = [(float(t), float(t)) for t in range(0, 1000)]
    first, last = soak.compare_windows(samples, steady_from=100, steady_to=1000, window_s=300)
    assert (min(first), max(first)) == (100, 399) and (min(last), max(last)) == (700, 999)


@pytest.mark.parametrize("last_wait, last_rss, errors, met", [
    (1.2, 110, 0, [True, True, True]),
    (1.21, 110, 0, [True, True, False]),
    (1.0, 111, 0, [True, False, True]),
    (1.0, 100, 1, [False, True, True]),
])
def test_soak_budgets(last_wait, last_rss, errors, met):
    waits = [(10.0 + i, 1.0) for i in range(100)] + [(900.0 + i, last_wait) for i in range(100)]
    rss = [(10.0 + i, 100.0) for i in range(0, 100, 5)] + [(900.0 + i, float(last_rss)) for i in range(0, 100, 5)]
    checks = soak.verdicts(waits, rss, errors, steady_from=10, steady_to=1000, window_s=100)
    assert [item["met"] for item in checks] == met


def test_soak_without_samples_in_a_window_fails_rather_than_passes():
    checks = soak.verdicts([(5.0, 1.0)], [(5.0, 100.0)], 0, steady_from=0, steady_to=1000, window_s=100)
    assert [item["met"] for item in checks] == [True, False, False]


def test_soak_table_shows_both_windows_and_the_verdicts():
    waits = [(float(t), 0.1, "clic" if t % 2 else "chargement") for t in range(0, 600)]
    rss = [(float(t), 300.0 * 2**20) for t in range(0, 600, 5)]
    load = [(float(t), 1.5) for t in range(0, 600, 5)]
    summary = {"sessions": 25, "minutes": 10, "window_s": 200, "visits": 40, "waits": 600,
               "rss_before_mb": 290, "rss_peak_mb": 301, "cursors_open": 0, "errors": [],
               "windows": soak.window_rows(waits, rss, load, 0, 600, window_s=200),
               "checks": soak.verdicts([(a, s) for a, s, _ in waits], rss, 0, 0, 600, window_s=200)}
    text = soak.format_table(summary)
    assert "première" in text and "dernière" in text and text.count("✓ tenu") == 3


@pytest.mark.parametrize("log, expected", [
    ("… Préchauffage : 238 pages calculées en 52 s, 0 erreur(s)",
     {"runs": 238, "seconds": 52, "yielded_s": 0, "errors": 0}),
    ("Préchauffage : 238 pages calculées en 61 s (dont 9 s cédées aux visiteurs), 1 erreur(s) — x",
     {"runs": 238, "seconds": 61, "yielded_s": 9, "errors": 1}),
    ("Démarrage…", None),
])
def test_warm_up_figures_are_read_from_its_log_line(log, expected):
    assert warm_visits.warm_line(log) == expected


def test_warm_visit_budget_compares_during_with_after():
    result = {"alone": {"seconds": 45}, "during_median_ms": 3000.0, "after_median_ms": 2000.0}
    found = warm_visits.checks(result)
    assert [(item.budget, item.passed) for item in found] == [("warm_up", True), ("warm_visit", True)]
    result["during_median_ms"] = 3100.0
    assert not warm_visits.checks(result)[1].passed


def test_first_visit_budgets_of_issue_25():
    visits = {"hello": {"settled_median_ms": 1000.0}, "one_chart": {"settled_median_ms": 2000.0},
              "/": {"settled_median_ms": 1500.0}, "/carte": {"settled_median_ms": 3100.0},
              "/laureats": {"settled_median_ms": 1800.0}, "/territoires": {"settled_median_ms": 2500.0}}
    checks = first_visits.page_checks(visits, ["/", "/carte", "/laureats", "/territoires"])
    verdicts = {(item.budget, item.subject): item.passed for item in checks}
    assert verdicts == {("gauge", "/"): True, ("landing", "/"): True,
                        ("gauge_map", "/carte"): False,  # 1.55× the one-gauge page
                        ("gauge", "/laureats"): True, ("hello_laureats", "/laureats"): True,
                        ("gauge", "/territoires"): True}
    table = first_visits.table(visits, ["/", "/carte"])
    assert "1.55" in table and "≤ 1.5× une jauge" in table


def test_each_page_is_printed_against_its_own_floor():
    visits = {"hello": {"settled_median_ms": 1000.0}, "one_chart": {"settled_median_ms": 2000.0},
              "/carte": {"settled_median_ms": 3600.0}, "/laureats": {"settled_median_ms": 2400.0},
              "cadre + carte + grille": {"settled_median_ms": 3000.0}}
    lines = first_visits.table(visits, ["/carte", "/laureats"]).splitlines()
    carte = next(line for line in lines if line.strip().startswith("/carte"))
    assert "1.20 (cadre + carte + grille)" in carte
    # A floor not measured in the run: no ratio rather than a wrong one.
    laureats = next(line for line in lines if line.strip().startswith("/laureats"))
    assert "cadre + grille" not in laureats and "2.40" in laureats


def test_floor_pages_are_the_framework_parts_without_programme_data():
    for script in first_visits.FLOOR_PAGES.values():
        text = script.read_text(encoding="utf-8")
        assert "floor_parts" in text and "queries" not in text and "models" not in text
    assert set(first_visits.FLOOR_OF.values()) <= {*first_visits.FLOOR_PAGES, first_visits.FRAME, "une jauge"}


def test_seconds_are_printed_as_seconds():
    text = budgets.format_checks([budgets.check("warm_up", "seul", 52.4)])
    assert "52 s" in text and "60 s" in text


def test_first_visit_profile_takes_medians_of_what_each_visit_has():
    samples = [{"html": 10.0, "runs": 1, "lazy_js": [["PlotlyChart", 4600.0], ["Html", 3.0]],
                "painted_ms": 900.0, "settled_ms": 1000.0},
               {"html": 30.0, "runs": 2, "lazy_js": [["DeckGlJsonChart", 2900.0]], "painted_ms": 1100.0,
                "settled_ms": 1200.0},
               {"html": 20.0, "runs": 2, "lazy_js": [], "painted_ms": 1000.0, "settled_ms": 1100.0,
                "data_end": 700.0}]
    summary = first_visit_profile.summarise(samples)
    assert (summary["html"], summary["runs"], summary["settled_ms"]) == (20.0, 2, 1100.0)
    assert summary["data_end"] == 700.0 and summary["first_msg"] is None
    assert summary["lazy_js"] == {"PlotlyChart": 4600.0, "DeckGlJsonChart": 2900.0}  # the big ones
    assert "—" in first_visit_profile.format_profile({"/": summary})


def test_soak_cpu_per_wait_scales_to_the_window():
    cpu = [(float(t), t * 0.5) for t in range(0, 100, 5)]  # half a CPU second per second
    assert soak.cpu_per_wait_ms(cpu, waits=50, start=0, end=100) == pytest.approx(1000.0)
    assert soak.cpu_per_wait_ms(cpu[:1], waits=50, start=0, end=100) is None
    assert soak.cpu_per_wait_ms(cpu, waits=0, start=0, end=100) is None
