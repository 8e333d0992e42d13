"""The SCDL knowledge, in pure Python (no CKAN import): usable from a plugin,
a command line or a test alone. Never touches the network."""
from .catalogue import (Catalogue, SchemaEntry, SchemaVersion, UnknownSchema,
                        UnknownVersion, catalogue)

__all__ = ["Catalogue", "SchemaEntry", "SchemaVersion", "UnknownSchema",
           "UnknownVersion", "catalogue"]
