"""The registry's use cases, one method each, grouped by aggregate.

`planregistry.Registry` combines them; the API, the CLI and the clients call
nothing else.
"""
