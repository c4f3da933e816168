"""Validation of releases and configs: `validate_path(path, strict=False) -> Report`, and `validate_main` for the CLI."""
