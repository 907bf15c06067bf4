"""course_utils.promises: a failed claim stops a run at the text's settings and warns at a student's own."""

import ast
import json

import pytest
from IPython.core.interactiveshell import InteractiveShell

from course_utils import promises
from course_utils.runtime import REPO_ROOT

# IPython drops a transformer that raises, with a UserWarning: here that is a failure
pytestmark = pytest.mark.filterwarnings("error::UserWarning")

TABLE = {"lesson": {"seed": {"quick": 0, "full": 0}, "epochs": {"quick": 1, "full": 30},
                    "lr": {"quick": 2e-3, "full": 2e-3}, "pretrained": {"quick": False, "full": False}}}
CLAIM = "measured = 0.89\nassert measured >= 0.90, f'{measured} is short of the bar'\nafter = 'the cell went on'"


def test_the_recorded_parameters_are_the_masters():
    recorded = json.loads(promises.PARAMETERS.read_text())
    assert recorded == promises.read_notebooks(REPO_ROOT / "notebooks"), \
        "a notebook's parameter defaults changed: run python -m course_utils.promises"
    assert recorded["08_mode_collapse"]["epochs"] == {"quick": 1, "full": 104}
    assert recorded["05_conditional_dcgan"]["z_dim"] == {"quick": None, "full": None}  # chosen by the notebook


def test_changed_leaves_out_the_seed_and_reads_the_profile():
    given = {"seed": 3, "epochs": 30, "lr": 2e-3, "pretrained": False}
    assert promises.changed("lesson", given, "full", TABLE) == {}
    assert promises.changed("lesson", given, "quick", TABLE) == {"epochs": (30, 1)}
    assert promises.changed("lesson", {**given, "lr": 1e-4}, "full", TABLE) == {"lr": (1e-4, 2e-3)}
    with pytest.raises(KeyError, match="python -m course_utils.promises"):
        promises.changed("another", given, "full", TABLE)


@pytest.fixture
def shell(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.delenv("COURSE_CLAIMS", raising=False)
    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()  # no kernel-like global left for the tests after these


def run(ip, source, store_history=True):  # a kernel stores every cell in its history
    result = ip.run_cell(source, store_history=store_history)
    return result.error_in_exec


def test_at_the_texts_settings_a_failed_claim_stops_the_cell(shell, capsys):
    assert promises.enforce("lesson", {"epochs": 30, "lr": 2e-3, "pretrained": False}, shell, TABLE) == {}
    shell.user_ns.pop("after", None)
    assert isinstance(run(shell, CLAIM), AssertionError)
    assert "after" not in shell.user_ns


def test_at_other_settings_it_says_what_failed_and_goes_on(shell, capsys):
    given = {"epochs": 3, "lr": 2e-3, "pretrained": False}
    assert promises.enforce("lesson", given, shell, TABLE) == {"epochs": (3, 30)}
    said = capsys.readouterr().out
    assert "your settings: epochs 3 (the text's: 30)" in said
    assert run(shell, CLAIM) is None
    assert shell.user_ns["after"] == "the cell went on"
    # the test as the cell writes it, the value it measured, then the assert's message
    assert capsys.readouterr().err == ("not so at your settings: measured >= 0.90 (measured = 0.89): "
                                       "0.89 is short of the bar\n")
    assert run(shell, "def check(x):\n    assert x > 1\n    return 'checked'\nresult = check(0)") is None
    assert shell.user_ns["result"] == "checked"  # asserts inside functions too
    assert run(shell, "assert True, 1 / 0") is None  # the message is built only on a failure, as Python does
    assert run(shell, "assert 1 > 2, 1 / 0") is not None  # (and then it is)
    assert capsys.readouterr().err == "not so at your settings: x > 1 (x = 0)\n"


def test_a_softened_comparison_evaluates_each_operand_once_and_shows_what_it_measured(shell, capsys):
    promises.enforce("lesson", {"epochs": 3, "lr": 2e-3}, shell, TABLE)
    cell = ("calls = []\ndef seen(v):\n    calls.append(v)\n    return v\n"
            "assert seen(0.5) < 0.25 < seen(1.0)\nassert 0.1 < seen(float('nan'))\nassert seen(3) < 2 < seen(4)\n"
            "assert all([seen(-1) > 0])\n"
            "assert seen(5) > 1 and (seen(0.25) >= 0.5 and seen(6) > 0)\n"
            "d = {'a': None}\nassert d['a'] is not None and d['a'] > 1, 'no reading'\n"
            'e = {"b": 0}\nassert e["b"]  >=  1')
    assert run(shell, cell) is None
    # each operand ran once; seen(1.0), seen(4) and seen(6) never ran, as in Python
    assert str(shell.user_ns["calls"]) == "[0.5, nan, 3, -1, 5, 0.25]"
    assert capsys.readouterr().err.splitlines() == [
        "not so at your settings: seen(0.5) < 0.25 < seen(1.0) (seen(0.5) = 0.5)",  # a chain stops where it fails
        "not so at your settings: 0.1 < seen(float('nan')) (seen(float('nan')) = nan)",  # a diverged figure shows
        "not so at your settings: seen(3) < 2 < seen(4) (seen(3) = 3)",
        "not so at your settings: all([seen(-1) > 0])",  # any other test: its source
        "not so at your settings: seen(5) > 1 and (seen(0.25) >= 0.5 and seen(6) > 0) (seen(0.25) = 0.25)",
        "not so at your settings: d['a'] is not None and d['a'] > 1: no reading",
        'not so at your settings: e["b"] >= 1 (e["b"] = 0)']  # as the cell writes them, on one line
    assert run(shell, "value = 0.5\nassert value >= 0.90", store_history=False) is None  # not in the history
    assert capsys.readouterr().err == "not so at your settings: value >= 0.9 (value = 0.5)\n"  # as Python prints it


def test_odd_cells_keep_the_rewriter_and_a_plain_asserts_meaning(shell, capsys):
    promises.enforce("lesson", {"epochs": 3, "lr": 2e-3}, shell, TABLE)
    cells = [
        "title = 'Génération'",
        '%%time\nassert title == "Génératéééééééééééééééééééééééééééééééééééé"',  # a cell magic's inner code
        "lr = 5\nclass C:\n    lr = 0.1\n    assert lr < 1, 'class lr'\n    assert lr > 1, 'the class body'",
        "class A:\n    def f(self):\n        return 1\nclass B(A):\n    def f(self):\n        assert super().f() > 2\n"
        "        return 'went on'\nfrom_super = B().f()",
        "big = 10**400\nassert big < 10",  # too large for a float: shown without its value
        "assert max(lr,  # the global one\n           2) > 6",
    ]
    for cell in cells:
        assert run(shell, cell) is None, cell
    assert any(type(t).__name__ == "SoftenAsserts" for t in shell.ast_transformers)  # never dropped
    assert shell.user_ns["from_super"] == "went on"
    assert capsys.readouterr().err.splitlines() == [
        "not so at your settings: title == 'Génératéééééééééééééééééééééééééééééééééééé'",  # a string: no value
        "not so at your settings: lr > 1: the class body",  # the class's lr, as a plain assert reads it
        "not so at your settings: super().f() > 2",
        "not so at your settings: big < 10",
        "not so at your settings: max(lr, 2) > 6 (max(lr, 2) = 5)"]  # a comment inside: Python's own text


def test_strict_claims_or_the_defaults_again_keep_every_assert(shell, monkeypatch):
    mine = {"epochs": 3, "lr": 2e-3, "pretrained": False}
    monkeypatch.setenv("COURSE_CLAIMS", "strict")
    promises.enforce("lesson", mine, shell, TABLE)
    assert isinstance(run(shell, CLAIM), AssertionError)
    monkeypatch.delenv("COURSE_CLAIMS")
    promises.enforce("lesson", mine, shell, TABLE)
    assert run(shell, CLAIM) is None
    promises.enforce("lesson", {**mine, "epochs": 30}, shell, TABLE)  # the cell run again at the defaults
    assert isinstance(run(shell, CLAIM), AssertionError)


def test_a_pretrained_run_is_judged_by_the_parameters_it_was_given(shell, capsys):
    # the shipped run at the profile's parameters is the text's run; a parameter the shipped settings leave as
    # given (08's stacked_samples, 10's repeats) can still make it the student's own
    assert promises.enforce("lesson", {"epochs": 30, "lr": 2e-3, "pretrained": True}, shell, TABLE) == {}
    assert isinstance(run(shell, CLAIM), AssertionError)
    assert promises.enforce("lesson", {"epochs": 30, "lr": 1e-4, "pretrained": True}, shell, TABLE)
    assert run(shell, CLAIM) is None


def test_a_reset_namespace_or_a_reloaded_module_keeps_the_decision(shell, capsys):
    promises.enforce("lesson", {"epochs": 3, "lr": 2e-3}, shell, TABLE)
    assert run(shell, "%reset -f") is None
    assert run(shell, CLAIM) is None  # the rewritten assert reaches the module itself, not a name in the namespace
    assert "(measured = 0.89): 0.89 is short of the bar" in capsys.readouterr().err
    stale = type("SoftenAsserts", (ast.NodeTransformer,), {})()  # a reloaded module's class: same name, new class
    shell.ast_transformers[:] = [stale]
    promises.enforce("lesson", {"epochs": 30, "lr": 2e-3}, shell, TABLE)
    assert shell.ast_transformers == []
    assert isinstance(run(shell, CLAIM), AssertionError)


def test_outside_ipython_nothing_is_rewritten_and_the_line_says_so(monkeypatch, capsys):
    monkeypatch.setattr(promises, "_shell", lambda: None)
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert promises.enforce("lesson", {"epochs": 3, "lr": 2e-3}, table=TABLE) == {"epochs": (3, 30)}
    assert "a claim of the text that fails stops the notebook." in capsys.readouterr().out


def test_every_master_enforces_its_own_promises():
    import nbformat

    for path in sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        calls = [c.source for c in nbformat.read(path, as_version=4).cells if "promises.enforce(" in c.source]
        assert len(calls) == 1 and f'promises.enforce("{path.stem}", globals())' in calls[0], path.name
        assert "check_param(" in calls[0], f"{path.name}: enforce belongs in the parameter-check cell"


def test_warn_softens_at_any_settings_and_a_mistyped_mode_is_refused(shell, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_CLAIMS", "warn")  # an exploration that edits the code, not a parameter
    assert promises.enforce("lesson", {"epochs": 30, "lr": 2e-3, "pretrained": False}, shell, TABLE) == {}
    assert "COURSE_CLAIMS=warn: where one of the text's claims does not hold" in capsys.readouterr().out
    assert run(shell, CLAIM) is None
    monkeypatch.setenv("COURSE_CLAIMS", "loose")
    with pytest.raises(ValueError, match="COURSE_CLAIMS='loose' is not a mode; use strict or warn"):
        promises.enforce("lesson", {"epochs": 30}, shell, TABLE)
