"""The recent-files list both File menus use: newest first, each path once, at most eight."""

from __future__ import annotations

from app.recent_files import MAX_RECENT, RecentFiles


def test_newest_first_once_each_and_at_most_eight(tmp_path, monkeypatch):
    monkeypatch.setenv("NNPLAY_DATA_DIR", str(tmp_path))
    recent = RecentFiles("recent_things")
    paths = [tmp_path / f"f{i}.csv" for i in range(MAX_RECENT + 2)]
    for path in paths:
        recent.add(path)
    recent.add(paths[-3])  # again: moves to the front, not listed twice
    expected = [paths[-3], paths[-1], paths[-2], *reversed(paths[2:-3])]
    assert recent.paths() == [str(p.resolve()) for p in expected]
    recent.remove(str(paths[-1].resolve()))
    assert str(paths[-1].resolve()) not in recent.paths()
    assert RecentFiles("other_things").paths() == []  # one list per key
    recent.clear()
    assert recent.paths() == []
