"""The model of the book's files, read by every other part of chapterkit."""
