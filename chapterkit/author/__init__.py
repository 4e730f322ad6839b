"""The contributor's tools: scaffold a chapter, measure own words, keep the version cell, execute notebooks,
point the book at a repository."""
