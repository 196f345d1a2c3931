"""The typed configuration in Sphinx: ``postarchive_<field>`` values registered, validated, read back."""

from __future__ import annotations

from dataclasses import fields

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from ..config import PREFIX, ArchiveConfig, default_of


def validate_config(app: Sphinx, config: Config) -> None:
    defaults = ArchiveConfig()
    for f in fields(ArchiveConfig):
        value = getattr(config, PREFIX + f.name)
        expected = type(getattr(defaults, f.name))
        if expected is bool and isinstance(value, str | int):
            value = str(value).lower() in ("1", "true", "yes", "on")
            setattr(config, PREFIX + f.name, value)
        elif expected is list and isinstance(value, str | tuple):
            value = [item.strip() for item in value.split(",")] if isinstance(value, str) else list(value)
            value = [item for item in value if item]
            setattr(config, PREFIX + f.name, value)
        elif expected is int and isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
            setattr(config, PREFIX + f.name, value)
        if not isinstance(value, expected):
            raise ConfigError(f"{PREFIX}{f.name} must be {expected.__name__}, not {value!r}")
        validator = f.metadata.get("validator")
        if validator and not validator(value):
            raise ConfigError(f"{PREFIX}{f.name}: invalid value {value!r} ({f.metadata['help']})")


def setup_config(app: Sphinx) -> None:
    for f in fields(ArchiveConfig):
        app.add_config_value(PREFIX + f.name, default_of(f.name), f.metadata.get("rebuild", "env"))
    app.connect("config-inited", validate_config)


def archive_config(app: Sphinx) -> ArchiveConfig:
    return ArchiveConfig.from_values(app.config)
