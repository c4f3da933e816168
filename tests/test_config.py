from __future__ import annotations

import pytest

from dataset_builder.config import load_config
from dataset_builder.errors import ConfigError

from .conftest import REPO, write_config

INPUTS = '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n'


def test_seed_config_loads_with_its_settings():
    config = load_config(REPO / "dataset.toml")
    assert config.name == "zh-web-seeds"
    assert config.release_dir == REPO / "dist" / "zh-web-seeds" / config.version
    assert abs(sum(config.split.ratios().values()) - 1) < 1e-9
    assert config.clean.to_simplified and config.clean.unicode_form == "NFC"
    assert len(config.sha256) == 64


@pytest.mark.parametrize(
    "body, key",
    [
        ('name = "x"\n', "version"),  # required keys missing
        ('name = "x"\nversion = "1.0"\ndescription = "d"\nlicense = "mit"\nlanguage = ["zh"]\n' + INPUTS + "[split]\ntrain=1\nvalidation=0\ntest=0\n", "version"),
        ('name = "x"\nversion = "1.0.0"\ndescription = "d"\nlicense = "mit"\nlanguage = ["zh"]\ncolour = 1\n' + INPUTS + "[split]\ntrain=1\nvalidation=0\ntest=0\n", "colour"),
        ('name = "x"\nversion = "1.0.0"\ndescription = "d"\nlicense = "mit"\nlanguage = ["zh"]\n[[inputs]]\npath = "a"\nformat = "csv"\n[split]\ntrain=1\nvalidation=0\ntest=0\n', "inputs[0].format"),
        ('name = "x"\nversion = "1.0.0"\ndescription = "d"\nlicense = "mit"\nlanguage = ["zh"]\n' + INPUTS + "[split]\ntrain=0.5\nvalidation=0.1\ntest=0.1\n", "split"),
        ('name = "x"\nversion = "1.0.0"\ndescription = "d"\nlicense = "mit"\nlanguage = ["zh"]\n' + INPUTS + "[split]\ntrain=1\nvalidation=0\ntest=0\n[clean]\nunicode_form='NFKC'\n", "clean.unicode_form"),
        ('name = "x"\nversion = "1.0.0"\ndescription = "d"\nlicense = "mit"\nlanguage = ["zh"]\n' + INPUTS + "[split]\ntrain=1\nvalidation=0\ntest=0\n[filter]\nmin_chars=-1\n", "filter.min_chars"),
    ],
)
def test_bad_config_names_the_key(tmp_path, body, key):
    path = tmp_path / "dataset.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}: {key}" in str(caught.value)


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "dataset.toml"
    path.write_text('name = "x"\nversion = \n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"dataset.toml: not valid TOML: .*line 2"):
        load_config(path)


def test_missing_config_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the config"):
        load_config(tmp_path / "nope.toml")


def test_minimal_config_gets_defaults(tmp_path):
    config = load_config(write_config(tmp_path, INPUTS))
    assert config.output_dir == "dist" and config.clean.opencc_profile == "t2s"


def test_hub_vocabulary_is_checked_before_any_work(tmp_path):
    path = write_config(tmp_path, INPUTS, extra='task_categories = ["text-generation", "poetry-writing"]')
    path.write_text(path.read_text().replace('license = "cc-by-4.0"', 'license = "CC-BY"'), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert f"{path}: license: 'CC-BY' is not a Hub licence identifier" in message
    assert f"{path}: task_categories[1]: 'poetry-writing'" in message
