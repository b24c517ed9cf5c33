"""The compiled engine is used only when it was built from the source as it is now and checked identical."""

from __future__ import annotations

import sys

from tether.obligations import native


def test_a_build_is_used_only_for_the_current_source_once_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(native, "ROOT", tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(native, "_active", [False])
    monkeypatch.delenv("TETHER_ENGINE", raising=False)
    path: list[str] = []
    assert not native.activate(path) and path == []  # no build at all

    folder = tmp_path / "build" / f"engine-{native.source_digest()}"
    (folder / "obligations").mkdir(parents=True)
    assert not native.activate(path) and path == []  # built but not checked identical
    monkeypatch.setenv("TETHER_ENGINE", "unchecked")
    assert native.activate(path) and path == [str(folder / "obligations")]  # the build's own check only

    path.clear()
    monkeypatch.setenv("TETHER_ENGINE", "python")
    (folder / "identical").write_text("digest\n")
    assert not native.activate(path) and path == []  # the source, when asked for
    monkeypatch.delenv("TETHER_ENGINE")
    assert native.activate(path) and path == [str(folder / "obligations")]

    stale = tmp_path / "build" / "engine-0000000000000000"  # a build of another source is never picked up
    folder.rename(stale)
    path.clear()
    assert not native.activate(path) and path == []
