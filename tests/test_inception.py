"""Inception-space Frechet distance: found where its weights and packages are, said plainly where not."""

import importlib.util

import pytest
import torch

from course_utils.evaluate import inception

PACKAGES = all(importlib.util.find_spec(n) for n in ("torchmetrics", "torch_fidelity"))


def test_missing_weights_are_named_with_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.delenv(inception.ENV, raising=False)
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    assert inception.find_weights(tmp_path) is None
    gaps = inception.missing(tmp_path)
    assert any(inception.WEIGHTS_FILE in gap and str(tmp_path / "inception") in gap for gap in gaps)
    assert inception.status(tmp_path).startswith("no Inception-space Frechet distance here: missing ")
    with pytest.raises(RuntimeError, match="no Inception-space Frechet distance here"):
        inception.frechet_inception(torch.zeros(2, 1, 28, 28), torch.zeros(2, 1, 28, 28), root=tmp_path)


def test_weights_are_found_from_the_environment_or_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    local = tmp_path / "inception" / inception.WEIGHTS_FILE
    local.parent.mkdir()
    local.write_bytes(b"stand-in")
    monkeypatch.delenv(inception.ENV, raising=False)
    assert inception.find_weights(tmp_path) == local
    elsewhere = tmp_path / "mine.pth"
    elsewhere.write_bytes(b"stand-in")
    monkeypatch.setenv(inception.ENV, str(elsewhere))
    assert inception.find_weights(tmp_path) == elsewhere
    assert not any(inception.WEIGHTS_FILE in gap for gap in inception.missing(tmp_path))
    assert (inception.missing(tmp_path) == []) == PACKAGES
