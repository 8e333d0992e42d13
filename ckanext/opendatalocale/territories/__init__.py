"""Plugin ``opendatalocale_territories``: the COG as a tree of organisations."""
