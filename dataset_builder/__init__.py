"""dataset-builder: raw web-scraped Chinese text in, a clean, versioned, validated Hugging Face dataset out."""

__version__ = "0.2.0"
# The Python versions a release can be built with (pyproject.toml's requires-python). The manifest records this
# range, not the running interpreter: a release's bytes must not depend on the Python version (CI rebuilds the
# seed release on a second Python), and a recorded patch version would make every other Python's build differ.
SUPPORTED_PYTHON = ">=3.11"
