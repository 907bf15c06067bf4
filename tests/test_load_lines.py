"""course_utils.load_lines: one line per shipped run loaded, or one line for the many a cell loads."""

from course_utils import load_lines


def entry(file, step=1_240, seconds=15.2, models=("G",), left_out=("D",), mib=2.0):
    return {"file": file, "step": step, "train_seconds": seconds, "models": list(models), "left_out": list(left_out),
            "bytes": int(mib * 2**20)}


def test_one_run_and_one_history_read_as_before():
    assert load_lines.describe("main", [entry("a.pt")]) == (
        "main: loaded the shipped run a.pt (2.0 MiB, SHA-256 checked), trained for 1,240 steps in 15 s; "
        "D not shipped (untrained)")
    history = entry("b.pt", models=(), left_out=("D", "G"), mib=0.01)
    assert load_lines.describe("seed 1", [history]) == (
        "seed 1: loaded the shipped history b.pt (SHA-256 checked), trained for 1,240 steps in 15 s; "
        "its figures only, no weights")


def test_many_loads_read_as_one_line_with_their_ranges():
    runs = [entry("a.pt", seconds=104.4), entry("b.pt", step=600, seconds=190.0, left_out=(), mib=1.0),
            entry("c.pt", seconds=17.0)]
    histories = [entry(f"h{k}.pt", seconds=s, models=(), left_out=("D", "G"), mib=0) for k, s in enumerate((16, 17))]
    assert load_lines.describe("the extra seeds", runs + histories) == (
        "the extra seeds: loaded 3 shipped runs (5.0 MiB, SHA-256 checked), trained for 600 to 1,240 steps in 17 to "
        "190 s each; D (2 of 3) not shipped (untrained); and 2 shipped histories (SHA-256 checked), trained for 1,240 "
        "steps in 16 to 17 s each; their figures only, no weights")


def test_a_block_prints_its_loads_once_at_its_end(capsys):
    with load_lines.one_line("the comparison"):
        load_lines.report("adam", entry("a.pt"))
        with load_lines.one_line("inner"):  # joins the outer block's line
            load_lines.report("sgd", entry("b.pt", seconds=17.0))
        assert capsys.readouterr().out == ""
    assert capsys.readouterr().out == (
        "the comparison: loaded 2 shipped runs (4.0 MiB, SHA-256 checked), trained for 1,240 steps in 15 to 17 s "
        "each; D not shipped (untrained)\n")
    with load_lines.one_line("a single load keeps its own line"):
        load_lines.report("adam", entry("a.pt"))
    assert capsys.readouterr().out.startswith("adam: loaded the shipped run a.pt")
    load_lines.report("after the block", entry("a.pt"))  # the block is closed: lines print at once again
    assert capsys.readouterr().out.startswith("after the block: loaded")


def test_a_failing_block_still_says_what_it_loaded(capsys):
    try:
        with load_lines.one_line("stopped"):
            load_lines.report("x", entry("a.pt"))
            load_lines.report("y", entry("b.pt"))
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert capsys.readouterr().out.startswith("stopped: loaded 2 shipped runs")
    load_lines.report("z", entry("c.pt"))
    assert capsys.readouterr().out.startswith("z: loaded the shipped run c.pt")


def test_a_mixed_block_counts_each_kind_in_its_own_number():
    line = load_lines.describe("mixed", [entry("a.pt"), entry("h.pt", models=(), left_out=("D", "G"), mib=0)])
    assert "loaded 1 shipped run (2.0 MiB" in line and "; and 1 shipped history (SHA-256" in line, line
