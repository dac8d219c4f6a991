"""The DeepL and LibreTranslate adapters: parse their shapes, call the same services,
answer in their own error shapes."""
