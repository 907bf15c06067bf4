import pytest
import torch
import torch.nn as nn

from course_utils import pretrained


def test_export_then_load_round_trip(tmp_path):
    source = nn.Linear(3, 2)
    entry = pretrained.export("toy", {"G": source}, {"made_by": "a test"}, folder=tmp_path)
    assert entry["bytes"] == (tmp_path / "toy.pt").stat().st_size and len(entry["sha256"]) == 64
    target = nn.Linear(3, 2)
    info = pretrained.load("toy", {"G": target}, folder=tmp_path)
    assert info["made_by"] == "a test"
    assert torch.equal(target.weight, source.weight)
    assert set(pretrained.available(tmp_path)) == {"toy"}


def test_a_damaged_file_is_refused(tmp_path):
    pretrained.export("toy", {"G": nn.Linear(3, 2)}, {}, folder=tmp_path)
    path = tmp_path / "toy.pt"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(pretrained.PretrainedError, match="is damaged: its SHA-256"):
        pretrained.load("toy", {"G": nn.Linear(3, 2)}, folder=tmp_path)


def test_missing_and_mismatched(tmp_path):
    with pytest.raises(pretrained.PretrainedError, match="no pretrained weights named 'toy'"):
        pretrained.load("toy", {"G": nn.Linear(3, 2)}, folder=tmp_path)
    pretrained.export("toy", {"G": nn.Linear(3, 2)}, {}, folder=tmp_path)
    with pytest.raises(pretrained.PretrainedError, match="does not fit model 'G'"):
        pretrained.load("toy", {"G": nn.Linear(4, 2)}, folder=tmp_path)
    (tmp_path / "toy.pt").unlink()
    with pytest.raises(pretrained.PretrainedError, match="is missing"):
        pretrained.load("toy", {"G": nn.Linear(3, 2)}, folder=tmp_path)


def test_shipped_weights_match_their_manifest():
    for name, entry in pretrained.available().items():
        path = pretrained.WEIGHTS_DIR / entry["file"]
        assert pretrained.sha256(path) == entry["sha256"], name
        assert entry["bytes"] < 10 * 2**20, f"{name} weighs {entry['bytes']} bytes; keep shipped weights small"
