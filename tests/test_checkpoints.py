"""The one atomic writer and the one safe reader."""

import threading

import pytest
import torch

from course_utils import checkpoints
from course_utils.checkpoints import CheckpointError, atomic_save, atomic_write_text, safe_load


def test_a_save_that_dies_half_way_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "run.pt"
    atomic_save({"step": 1}, path)
    good = path.read_bytes()

    def dies_half_way(obj, target):
        with open(target, "wb") as fh:  # some bytes reach the disk, then the disk is full
            fh.write(good[: len(good) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(checkpoints.torch, "save", dies_half_way)
    with pytest.raises(OSError, match="disk full"):
        atomic_save({"step": 2}, path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["run.pt"]


def test_threads_saving_one_file_at_once_leave_one_whole_file(tmp_path):
    path = tmp_path / "shared.txt"
    texts = [str(i) * 100_000 for i in range(8)]
    threads = [threading.Thread(target=atomic_write_text, args=(t, path)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert path.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["shared.txt"]


def test_safe_load_reads_paths_and_bytes_and_names_the_file_when_it_cannot(tmp_path):
    path = tmp_path / "state.pt"
    atomic_save({"w": torch.arange(3)}, path)
    assert torch.equal(safe_load(path)["w"], torch.arange(3))
    assert torch.equal(safe_load(path.read_bytes())["w"], torch.arange(3))
    path.write_bytes(b"garbage")
    with pytest.raises(CheckpointError, match="my file is unreadable .*; do this"):
        safe_load(path, "my file", "do this")
    torch.save([1, 2], path)
    with pytest.raises(CheckpointError, match="does not hold a course_utils state"):
        safe_load(path)
