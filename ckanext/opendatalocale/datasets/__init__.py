"""Plugin ``opendatalocale_datasets``: one CKAN dataset type per SCDL schema."""
