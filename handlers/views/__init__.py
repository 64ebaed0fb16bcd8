"""Words per feature: pure functions from records and content to HTML text and keyboards."""
