import json

import pytest
import torch
import torch.nn as nn

from course_utils import load_lines, pretrained
from course_utils.data.batches import TensorBatches
from course_utils.train import History, train


@pytest.fixture
def weights(tmp_path, monkeypatch):
    folder = tmp_path / "weights"
    monkeypatch.setattr(pretrained, "WEIGHTS_DIR", folder)
    return folder


def fit_line(checkpoint, pretrained_run=False, steps=20, ship_models=True):
    """A tiny regression trained through the course's loop; returns the model and its history."""
    torch.manual_seed(0)
    model, critic = nn.Linear(3, 1), nn.Linear(1, 1)  # critic stands in for a discriminator: not shipped
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])

    def step(index):
        loss = (model(x[index]) - y[index]).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return {"loss": loss}

    batches = TensorBatches(torch.arange(64), batch_size=16, seed=0)
    history = train(step, batches, epochs=steps // 4, models={"G": model, "D": critic}, optimizers={"G": opt},
                    checkpoint=checkpoint, sample_fn=lambda: model.weight.detach().clone(), sample_every=4,
                    pretrained=pretrained_run, ship_models=ship_models)
    return model, history


def test_a_shipped_run_replaces_training(tmp_path, weights):
    trained, history = fit_line(tmp_path / "runs" / "03_demo-abc" / "main.pt")
    entry = pretrained.export_run(tmp_path / "runs" / "03_demo-abc" / "main.pt", "03_demo")
    assert entry["bytes"] == (weights / entry["file"]).stat().st_size and len(entry["sha256"]) == 64
    assert entry["step"] == 20 and "03_demo-abc/main" in pretrained.available()
    assert entry["models"] == ["G"] and entry["left_out"] == ["D"]

    # a fresh notebook run with the same settings (so the same run folder) loads instead of training
    loaded, loaded_history = fit_line(tmp_path / "elsewhere" / "03_demo-abc" / "main.pt", pretrained_run=True)
    assert torch.allclose(loaded.weight, trained.weight, atol=1e-3)  # float16 on disk
    assert loaded_history.steps == history.steps and len(loaded_history.snapshots) == len(history.snapshots)
    assert loaded_history.snapshots[-1][1].dtype == torch.float32
    assert not (tmp_path / "elsewhere" / "03_demo-abc" / "main.pt").exists()  # nothing was trained or saved


def test_a_run_marked_history_only_ships_its_history_without_weights(tmp_path, weights, capsys):
    trained, history = fit_line(tmp_path / "runs" / "03_demo-abc" / "seed1.pt", ship_models=False)
    entry = pretrained.export_run(tmp_path / "runs" / "03_demo-abc" / "seed1.pt", "03_demo")
    assert entry["models"] == [] and entry["left_out"] == ["D", "G"]
    assert entry["bytes"] < 0.5 * (tmp_path / "runs" / "03_demo-abc" / "seed1.pt").stat().st_size
    loaded, loaded_history = fit_line(tmp_path / "elsewhere" / "03_demo-abc" / "seed1.pt", pretrained_run=True)
    assert loaded_history.scalars["loss"] == pytest.approx(history.scalars["loss"], rel=1e-3)
    assert not torch.equal(loaded.weight, trained.weight)  # the weights stayed as they were built
    assert history.snapshots and not loaded_history.snapshots  # and no pictures of the model that did not ship
    assert "loaded the shipped history" in capsys.readouterr().out  # not "D, G not shipped", as if G were used


def test_a_cell_that_loads_many_runs_prints_one_line(tmp_path, weights, capsys):
    for name in ("seed1.pt", "seed2.pt"):
        fit_line(tmp_path / "runs" / "03_demo-abc" / name, ship_models=False)
        pretrained.export_run(tmp_path / "runs" / "03_demo-abc" / name, "03_demo")
    capsys.readouterr()
    with load_lines.one_line("the extra seeds"):
        for name in ("seed1.pt", "seed2.pt"):
            fit_line(tmp_path / "elsewhere" / "03_demo-abc" / name, pretrained_run=True)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and printed[0].startswith("the extra seeds: loaded 2 shipped histories"), printed


def test_other_settings_damage_and_missing_files_are_clear_errors(tmp_path, weights):
    fit_line(tmp_path / "03_demo-abc" / "main.pt")
    entry = pretrained.export_run(tmp_path / "03_demo-abc" / "main.pt", "03_demo")
    with pytest.raises(pretrained.PretrainedError, match="settings differ; set pretrained=False"):
        fit_line(tmp_path / "03_demo-other" / "main.pt", pretrained_run=True)
    path = weights / entry["file"]
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(pretrained.PretrainedError, match="is damaged: its SHA-256"):
        fit_line(tmp_path / "03_demo-abc" / "main.pt", pretrained_run=True)
    path.unlink()
    with pytest.raises(pretrained.PretrainedError, match="is missing"):
        fit_line(tmp_path / "03_demo-abc" / "main.pt", pretrained_run=True)


def test_settings_are_the_full_profile_parameters(tmp_path, weights, capsys):
    notebook = tmp_path / "03_demo.ipynb"
    source = "seed: int = 0\nepochs: int = 1 if QUICK else 40\npretrained: bool = False\n"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
                                               "source": source}]}))
    assert pretrained.notebook_parameters(notebook, quick=True)["epochs"] == 1
    pretrained.record_settings("03_demo", pretrained.notebook_parameters(notebook))
    shipped = {"seed": 0, "epochs": 40}  # `pretrained` itself is never overridden
    assert pretrained.shipped_settings("03_demo", {"seed": 0, "epochs": 1, "pretrained": True}) == shipped
    assert "epochs=40 (was 1)" in capsys.readouterr().out
    assert pretrained.shipped_settings("03_demo", {"seed": 0, "epochs": 1}, keep=("epochs",)) == {"seed": 0}
    assert "epochs" not in capsys.readouterr().out  # a kept parameter is neither changed nor reported
    with pytest.raises(pretrained.PretrainedError, match="no pretrained runs ship for 04_other"):
        pretrained.shipped_settings("04_other", {})


def test_shipped_weights_match_their_manifest():
    runs = pretrained.available()
    for name, entry in runs.items():
        path = pretrained.WEIGHTS_DIR / entry["file"]
        assert pretrained.sha256(path) == entry["sha256"], name
    total = sum(entry["bytes"] for entry in runs.values())
    # 36.4 MiB for notebooks 01-07, 16.1 MiB for 08 (ten 2-D ensembles of 6 generators each with D's surface over
    # training, twelve Stacked MNIST generators), 8.0 MiB for 09 (InfoGAN's weight average is most of it), 3.1 MiB
    # for 10: 63.6 MiB in all
    assert total < 64 * 2**20, f"shipped weights weigh {total / 2**20:.1f} MiB; keep them small"


def test_export_replaces_a_notebooks_old_runs(tmp_path, weights):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    source = "seed: int = 0\npretrained: bool = False\n"
    (notebooks / "03_demo.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": source}]}))
    fit_line(tmp_path / "old" / "03_demo-abc" / "main.pt")
    fit_line(tmp_path / "new" / "03_demo-def" / "main.pt")
    pretrained.export_all(tmp_path / "old", notebooks)
    old_file = weights / pretrained.available()["03_demo-abc/main"]["file"]
    assert old_file.exists()
    pretrained.export_all(tmp_path / "new", notebooks)
    assert list(pretrained.available()) == ["03_demo-def/main"] and not old_file.exists()
    pretrained.export_all(tmp_path / "empty", notebooks)  # no runs of 03 there: what shipped stays
    assert list(pretrained.available()) == ["03_demo-def/main"]


def test_export_from_a_missing_runs_folder_is_one_line_and_exit_2(tmp_path, capsys):
    assert pretrained.main(["export", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no runs folder" in err[0] and str(tmp_path / "nowhere") in err[0]


def test_a_later_notebook_finds_an_earlier_ones_run_by_folder_and_stem(tmp_path, weights):
    fit_line(tmp_path / "runs" / "03_demo-abc" / "main.pt")
    pretrained.export_run(tmp_path / "runs" / "03_demo-abc" / "main.pt", "03_demo")
    fit_line(tmp_path / "runs" / "03_demo-def" / "seed1.pt", ship_models=False)
    pretrained.export_run(tmp_path / "runs" / "03_demo-def" / "seed1.pt", "03_demo")
    assert pretrained.find("03_demo", "main") == "03_demo-abc/main"
    model, critic = nn.Linear(3, 1), nn.Linear(1, 1)
    assert pretrained.load_named("03_demo-abc/main", {"G": model, "D": critic}, History())["step"] == 20
    with pytest.raises(pretrained.PretrainedError, match="0 shipped runs with weights match 03_demo-\\*/seed1"):
        pretrained.find("03_demo", "seed1")  # history only: no generator to load
    fit_line(tmp_path / "runs" / "03_demo-fed" / "main.pt")
    pretrained.export_run(tmp_path / "runs" / "03_demo-fed" / "main.pt", "03_demo")
    with pytest.raises(pretrained.PretrainedError, match="2 shipped runs"):
        pretrained.find("03_demo", "main")
