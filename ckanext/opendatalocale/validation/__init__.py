"""Plugin ``opendatalocale_validation``: SCDL files checked at upload,
reports in the visitor's language."""
