"""
bin/mutate's report of both databases: a mutant this run did not kill counts as killed
when the other database's saved verdicts have it killed with the same fingerprint (the
same source of its function), and a run's verdicts update the saved ones of its database.
The functions take and give plain dicts, as read from mutmut and from .mutate/*.json.
"""

import runpy
from pathlib import Path

import pytest

MUTATE = runpy.run_path(str(Path(__file__).resolve().parents[2] / "bin" / "mutate"), run_name="bin_mutate")
combined = MUTATE["combined"]
merged_verdicts = MUTATE["merged_verdicts"]
wanted = MUTATE["wanted"]
kills_to_restore = MUTATE["kills_to_restore"]
load_verdicts = MUTATE["load_verdicts"]
verdicts_file_text = MUTATE["verdicts_file_text"]
mutmut_version = MUTATE["mutmut_version"]

NAME = "search.backends.x__postgresql__mutmut_1"


def verdict(status, fingerprint="f1"):
    return {"status": status, "fingerprint": fingerprint}


@pytest.mark.parametrize("status", ["survived", "no tests", "timeout", "not checked", "suspicious"])
def test_a_mutant_this_run_left_alive_is_killed_when_the_other_database_killed_the_same_code(status):
    assert combined({NAME: verdict(status)}, {NAME: verdict("killed")}) == {NAME: ("killed", True)}


def test_a_verdict_of_other_code_does_not_count():
    assert combined({NAME: verdict("survived", "f2")}, {NAME: verdict("killed", "f1")}) == {NAME: ("survived", False)}
    # A function whose fingerprint is unknown (no copy of it found in mutants/) is never upgraded.
    assert combined({NAME: verdict("survived", None)}, {NAME: verdict("killed", None)}) == {NAME: ("survived", False)}


@pytest.mark.parametrize("theirs", ["survived", "no tests", "timeout"])
def test_only_a_kill_on_the_other_database_counts(theirs):
    assert combined({NAME: verdict("no tests")}, {NAME: verdict(theirs)}) == {NAME: ("no tests", False)}


def test_this_runs_kills_and_skips_stand_and_unknown_mutants_keep_their_status():
    run = {"a__mutmut_1": verdict("killed"), "a__mutmut_2": verdict("skipped"), "a__mutmut_3": verdict("survived")}
    other = {"a__mutmut_1": verdict("killed"), "a__mutmut_2": verdict("killed")}
    assert combined(run, other) == {
        "a__mutmut_1": ("killed", False),
        "a__mutmut_2": ("skipped", False),
        "a__mutmut_3": ("survived", False),
    }


def test_a_runs_verdicts_replace_the_saved_ones_and_what_it_did_not_check_keeps_its_verdict():
    saved = {"m__mutmut_1": verdict("survived"), "m__mutmut_2": verdict("killed"), "m__mutmut_3": verdict("killed")}
    run = {
        "m__mutmut_1": verdict("killed", "f2"),
        "m__mutmut_2": verdict("not checked"),
        "m__mutmut_3": verdict("check was interrupted by user"),
        "m__mutmut_4": verdict("no tests"),
        "m__mutmut_5": verdict("killed", None),  # no fingerprint: nothing to trust it by
        "m__mutmut_6": verdict("skipped"),
    }
    assert merged_verdicts(saved, run) == {
        "m__mutmut_1": verdict("killed", "f2"),
        "m__mutmut_2": verdict("killed"),
        "m__mutmut_3": verdict("killed"),
        "m__mutmut_4": verdict("no tests"),
    }
    assert saved["m__mutmut_1"] == verdict("survived")  # the saved dict itself is left as it was


def test_the_saved_verdicts_of_a_function_whose_code_changed_go_with_the_run_that_saw_it():
    saved = {
        "m.x_a__mutmut_1": verdict("killed", "old"),
        "m.x_a__mutmut_2": verdict("killed", "old"),
        "m.x_b__mutmut_1": verdict("killed", "b"),
    }
    run = {"m.x_a__mutmut_1": verdict("survived", "new"), "m.x_a__mutmut_2": verdict("not checked", "new")}
    assert merged_verdicts(saved, run) == {
        "m.x_a__mutmut_1": verdict("survived", "new"),
        "m.x_b__mutmut_1": verdict("killed", "b"),
    }


def test_saved_kills_of_the_same_code_are_restored_into_mutmuts_records_and_nothing_else():
    exit_codes = {
        "m.x_a__mutmut_1": None,  # killed before, same code: restored
        "m.x_a__mutmut_2": None,  # survived before: checked again
        "m.x_a__mutmut_3": 0,  # this run has a verdict: it stands
        "m.x_b__mutmut_1": None,  # killed in other code
        "m.x_c__mutmut_1": None,  # no fingerprint now
        "m.x_d__mutmut_1": None,  # never checked
    }
    now = {"m.x_a__mutmut_1": "a", "m.x_a__mutmut_2": "a", "m.x_a__mutmut_3": "a", "m.x_b__mutmut_1": "b2"}
    saved = {
        "m.x_a__mutmut_1": verdict("killed", "a"),
        "m.x_a__mutmut_2": verdict("survived", "a"),
        "m.x_a__mutmut_3": verdict("killed", "a"),
        "m.x_b__mutmut_1": verdict("killed", "b1"),
        "m.x_c__mutmut_1": verdict("killed", "c"),
    }
    assert kills_to_restore(exit_codes, now, saved) == {"m.x_a__mutmut_1": 1}


def test_the_verdicts_file_keeps_each_function_on_one_line_and_reads_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setitem(load_verdicts.__globals__, "VERDICTS", tmp_path)
    verdicts = {
        "articles.models.xǁArticleǁsave__mutmut_10": verdict("survived", "s"),
        "articles.models.xǁArticleǁsave__mutmut_2": verdict("killed", "s"),
        "articles.models.xǁArticleǁsave__mutmut_1": verdict("killed", "s"),
        "articles.slugs.x_ascii_slug__mutmut_1": verdict("no tests", "t"),
    }
    saved = {"database": "sqlite", "mutmut": mutmut_version(), "saved": "2026-12-07T19:00", "verdicts": verdicts}
    text = verdicts_file_text(saved)
    line = '  "articles.models.xǁArticleǁsave": {"fingerprint": "s", "killed": [1, 2], "survived": [10]},'
    assert line in text.splitlines()
    (tmp_path / "verdicts-sqlite.json").write_text(text)
    assert load_verdicts("sqlite") == saved


def test_verdicts_of_another_mutmut_version_are_not_read(tmp_path, monkeypatch):
    monkeypatch.setitem(load_verdicts.__globals__, "VERDICTS", tmp_path)
    saved = {"database": "sqlite", "mutmut": "0.1", "saved": "then", "verdicts": {NAME: verdict("killed")}}
    (tmp_path / "verdicts-sqlite.json").write_text(verdicts_file_text(saved))
    assert load_verdicts("sqlite")["verdicts"] == {}
    nothing_saved = {"database": "postgresql", "mutmut": mutmut_version(), "saved": None, "verdicts": {}}
    assert load_verdicts("postgresql") == nothing_saved


def test_files_and_mutmuts_name_patterns_select_mutants():
    assert wanted("search.backends.x__postgresql__mutmut_3", ["search.backends.*"])
    assert not wanted("search.backends_x.x_a__mutmut_3", ["search.backends.*"])
    assert wanted("search.backends.x__postgresql__mutmut_3", ["search.backends.x__postgresql*"])
    assert not wanted("search.backends.x__sqlite__mutmut_3", ["search.backends.x__postgresql*"])
    assert wanted("articles.slugs.x_a__mutmut_1", [])
