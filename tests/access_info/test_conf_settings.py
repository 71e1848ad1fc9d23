"""The procedure's numbers: read from settings at call time, settable from the environment."""

from __future__ import annotations

import os
import re
import runpy
from pathlib import Path

import pytest
from pytest_django import Settings

from infitah.access_info import conf

SETTINGS_FILE = Path(conf.__file__).resolve().parents[1] / "settings.py"


def _integer_names() -> set[str]:
    """Every ``_positive_int("NAME", ...)`` setting of conf.py."""
    source = Path(conf.__file__).read_text(encoding="utf-8")
    return set(re.findall(r'_positive_int\("([A-Z_]+)"', source))


def test_conf_reads_the_setting_at_call_time(settings: Settings) -> None:
    assert conf.answer_working_days() == 20  # law 31-13, article 16
    settings.INFITAH_ACCESS_INFO_ANSWER_WORKING_DAYS = 25
    assert conf.answer_working_days() == 25
    settings.INFITAH_ACCESS_INFO_ANSWER_WORKING_DAYS = -1
    with pytest.raises(ValueError, match="ANSWER_WORKING_DAYS"):
        conf.answer_working_days()


def test_every_integer_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = _integer_names()
    assert len(names) >= 13
    for index, name in enumerate(sorted(names)):
        monkeypatch.setenv(f"INFITAH_ACCESS_INFO_{name}", str(30 + index))
    loaded = runpy.run_path(str(SETTINGS_FILE))
    for index, name in enumerate(sorted(names)):
        assert loaded[f"INFITAH_ACCESS_INFO_{name}"] == 30 + index, name


def test_unset_names_keep_the_default_of_conf(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _integer_names():
        monkeypatch.delenv(f"INFITAH_ACCESS_INFO_{name}", raising=False)
    loaded = runpy.run_path(str(SETTINGS_FILE))
    # (A developer's .env may set some: those are then in the environment.)
    defined = {key for key in loaded if key.startswith("INFITAH_ACCESS_INFO_")}
    assert defined <= set(os.environ)
