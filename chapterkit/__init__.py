"""chapterkit: scaffold, check and render the chapters of MLOps Path.

Run ``python -m chapterkit --help`` for the commands.
"""

__version__ = "0.1.0"
