"""dataset-builder: raw web-scraped Chinese text in, a clean, versioned, validated Hugging Face dataset out."""

__version__ = "0.1.0"
