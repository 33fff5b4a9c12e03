"""Persistence: SQLAlchemy mappings, the engine factory and migrations."""
