"""The central coordinator's cross-organisation views: their statements and exports.

The views themselves are `Registry` methods (`planregistry.usecases.comparisons`) and
their row types live in `planregistry_domain.comparisons`; this package holds the
Core statements they run (`queries`) and the tabular exports (`export`, `formats`).
"""
