"""Files (API.md section 13): uploads stored in the database in chunks, so ``serve`` and
every worker share them on both backends, and purged once they expire."""
