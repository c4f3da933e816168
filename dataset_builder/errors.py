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


class OutputError(DatasetBuilderError):
    """The release or the root DATASHEET.md cannot be written (disk full, read-only, a symbolic link)."""


class InvalidReleaseError(DatasetBuilderError):
    """The built release fails the checks `validate` runs, so it is not put in place."""


class ReleaseLockedError(DatasetBuilderError):
    """Another build of the same version holds its lock."""


class NothingKeptError(DatasetBuilderError):
    """No input document was kept: a release with no rows cannot be loaded."""


class WorkFolderError(DatasetBuilderError):
    """`build --resume` found the work of another build (other config or inputs): never reused."""
