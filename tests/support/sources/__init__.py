"""Feeds that exist only for tests, registered through HOUSING_NEED_EXTRA_SOURCES."""
