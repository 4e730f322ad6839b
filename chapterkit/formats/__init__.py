"""The book as one PDF or one EPUB: the strict build they start from, and what turns its output into a file."""
