"""ckanext-opendatalocale: CKAN plugins for the French socle commun des données
locales (SCDL). One subpackage per plugin; see README.md."""
