"""Errors a user can act on. The CLI prints their message (which names the file, line or row, and field) and
exits non-zero; it never shows a traceback for them."""


class DatasetBuilderError(Exception):
    """Base of all errors reported to the user without a traceback."""


class ConfigError(DatasetBuilderError):
    """dataset.toml is missing, unreadable or wrong."""


class InputError(DatasetBuilderError):
    """An input file or record cannot be read as the config says."""


class ReleaseExistsError(DatasetBuilderError):
    """The version is already released and the new build differs from it."""


class ReleaseDiffersError(DatasetBuilderError):
    """`build --check`: the rebuilt release is not byte-identical to the committed one."""
