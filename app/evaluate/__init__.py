"""``warta eval``: translate a parallel set through the one pipeline and score it."""
