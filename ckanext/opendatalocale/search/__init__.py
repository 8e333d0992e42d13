"""Plugin ``opendatalocale_search``: CKAN's dataset search on PostgreSQL."""
