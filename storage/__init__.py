"""Persistence with aiosqlite: users, cases, groups, migrations."""
