"""Configuration: the TOML loader and the data files the classifier and responders read."""

from config.settings import ConfigError, Settings, load, parse

__all__ = ["ConfigError", "Settings", "load", "parse"]
