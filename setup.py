from setuptools import find_namespace_packages, setup

# schemas/ and i18n/ live at the repository root and are installed inside the
# package (see ckanext/opendatalocale/resources.py).
DATA_PACKAGES = {
    "ckanext.opendatalocale.i18n": "i18n",
    "ckanext.opendatalocale.schemas": "schemas",
}

setup(
    name="ckanext-opendatalocale",
    version="0.1.0",
    description="CKAN plugins for a territorial open-data portal of the French "
                "socle commun des données locales (SCDL)",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.9",
    packages=find_namespace_packages(include=["ckanext.opendatalocale*"])
    + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data={
        "ckanext.opendatalocale": [
            "*/config_declaration.yaml",
            "migration/*/alembic.ini", "migration/*/README",
            "migration/*/script.py.mako",
            "templates/**/*", "assets/**/*", "public/**/*", "*/templates/**/*",
            "*/assets/**/*", "guides/content/*.md",
        ],
        "ckanext.opendatalocale.i18n": ["*.pot", "*/LC_MESSAGES/*.po",
                                        "*/LC_MESSAGES/*.mo"],
        "ckanext.opendatalocale.schemas": ["**/*"],
    },
    install_requires=[
        "ckan>=2.11.6,<2.12",
        "ckanext-scheming>=3.1,<3.2",
        "frictionless>=5.18,<6",
        "python-stdnum>=2.0",
        "xlsxwriter>=3.2",
        "ckanext-dcat>=2.4.4,<2.5",
        "limits>=5.8,<6",
    ],
    entry_points={
        "ckan.plugins": [
            "opendatalocale_search = "
            "ckanext.opendatalocale.search.plugin:SearchPlugin",
            "opendatalocale_datasets = "
            "ckanext.opendatalocale.datasets.plugin:DatasetsPlugin",
            "opendatalocale_validation = "
            "ckanext.opendatalocale.validation.plugin:ValidationPlugin",
            "opendatalocale_territories = "
            "ckanext.opendatalocale.territories.plugin:TerritoriesPlugin",
            "opendatalocale_report = "
            "ckanext.opendatalocale.report.plugin:ReportPlugin",
            "opendatalocale_dcat = "
            "ckanext.opendatalocale.dcat.plugin:DcatPlugin",
            "opendatalocale_security = "
            "ckanext.opendatalocale.security.plugin:SecurityPlugin",
            "opendatalocale_entry = "
            "ckanext.opendatalocale.entry.plugin:EntryPlugin",
            "opendatalocale_tables = "
            "ckanext.opendatalocale.tables.plugin:TablesPlugin",
            "opendatalocale_consolidation = "
            "ckanext.opendatalocale.consolidation.plugin:ConsolidationPlugin",
            "opendatalocale_dotation = "
            "ckanext.opendatalocale.dotation.plugin:DotationPlugin",
            "opendatalocale_guides = "
            "ckanext.opendatalocale.guides.plugin:GuidesPlugin",
            "opendatalocale_notify = "
            "ckanext.opendatalocale.notify.plugin:NotifyPlugin",
        ],
        # ckanext-dcat's RDF profiles (ckanext.dcat.rdf.profiles)
        "ckan.rdf.profiles": [
            "opendatalocale = ckanext.opendatalocale.dcat.profile:SCDLProfile",
        ],
        # test-only plugins (tests/plugins.py), loaded by name in the tests
        "ckan.test_plugins": [
            "opendatalocale_test_index_fields = tests.plugins:IndexFieldsPlugin",
        ],
    },
)
