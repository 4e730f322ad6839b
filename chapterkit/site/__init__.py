"""The Sphinx extensions a reader sees."""
