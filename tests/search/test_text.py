"""Free-text search through ``package_search``, as CKAN sends it.

A ``q`` without a colon goes through dismax with CKAN's ``qf`` and
``mm='2<-1 5<80%'``; a ``q`` with a colon through the standard parser with
``q.op=AND`` (``PackageSearchQuery.run``). Text fields are French: stemmed,
accent and case insensitive.
"""
from __future__ import annotations

import pytest

from ckan.lib.search import PackageSearchQuery
from ckan.tests import factories

from .conftest import name_set, names, package_search


@pytest.fixture
def catalogue(clean_db):
    org_a = factories.Organization(name="org-a", title="Commune A")
    org_b = factories.Organization(name="org-b", title="Commune B")
    org_c = factories.Organization(name="org-c", title="Commune C")
    # created first: with equal scores, metadata_modified desc would put it last
    factories.Dataset(
        name="deliberations-conseil", title="Délibérations du conseil municipal",
        notes="Décisions prises en séance publique.", owner_org=org_a["id"],
        tags=[{"name": "economy"}, {"name": "vie-municipale"}])
    factories.Dataset(
        name="budget-primitif", title="Budget primitif 2026",
        notes="Délibération budgétaire votée par le conseil.", owner_org=org_b["id"])
    factories.Dataset(
        name="rapport-municipal", title="Rapport municipal",
        notes="Avis du conseil de quartier.", owner_org=org_c["id"])
    factories.Dataset(
        name="ecoles", title="Écoles maternelles",
        notes="Liste des établissements scolaires.", owner_org=org_c["id"])
    factories.Dataset(
        name="equipements-sportifs", title="Equipements sportifs",
        notes="Gymnases et stades de la ville.", owner_org=org_a["id"],
        extras=[{"key": "theme", "value": "Loisirs et santé"}],
        resources=[{"url": "http://example.com/arretes.csv", "format": "CSV",
                    "name": "Registre des arrêtés", "description": "Arrêtés du maire"}])
    return {"org_a": org_a, "org_b": org_b, "org_c": org_c}


def q(text, **params):
    return name_set(package_search(q=text, **params))


# -- analysis --------------------------------------------------------------------
@pytest.mark.usefixtures("catalogue")
class TestFrenchAnalysis:
    def test_stemming_finds_plural_and_accented_forms(self):
        assert q("deliberation") == {"deliberations-conseil", "budget-primitif"}
        assert q("décision") == {"deliberations-conseil"}
        assert q("scolaire") == {"ecoles"}
        assert q("gymnase") == {"equipements-sportifs"}

    @pytest.mark.parametrize("text", ["Délibérations", "délibération", "DELIBERATION",
                                      "deliberations", "DÉLIBÉRATIONS"])
    def test_accent_and_case_insensitive(self, text):
        assert q(text) == {"deliberations-conseil", "budget-primitif"}

    def test_accent_in_the_query_but_not_in_the_document(self):
        # "Equipements sportifs" has no accent
        assert q("équipements") == {"equipements-sportifs"}
        assert q("ÉQUIPEMENT") == {"equipements-sportifs"}

    def test_accent_in_the_document_but_not_in_the_query(self):
        assert q("ecoles") == {"ecoles"}
        assert q("etablissement") == {"ecoles"}
        assert q("seance") == {"deliberations-conseil"}

    @pytest.mark.parametrize("text", ["l'école", "l’école", "d’établissements"])
    def test_elided_articles(self, text):
        assert q(text) == {"ecoles"}

    def test_words_that_appear_nowhere_match_nothing(self):
        assert package_search(q="patinoire")["count"] == 0

    def test_resources_tags_extras_and_organisation_are_searched(self):
        assert q("arrêtés") == {"equipements-sportifs"}        # res_name
        assert q("maire") == {"equipements-sportifs"}          # res_description
        assert q("loisirs") == {"equipements-sportifs"}        # extras value
        assert q("economy") == {"deliberations-conseil"}       # tag
        assert q("org-b") == {"budget-primitif"}              # organisation name
        # ("org-c" would not do: "c" is a French stop word, as in "c'est")

    def test_stop_words_alone_match_nothing_and_do_not_fail(self):
        result = package_search(q="le")
        assert result["count"] == 0
        assert package_search(q="de la")["count"] == 0

    def test_stop_words_do_not_count_as_required_words(self):
        # "le conseil": the stop word is dropped before dismax's minimum match
        assert q("le conseil") == q("conseil") == {
            "deliberations-conseil", "budget-primitif", "rapport-municipal"}


# -- dismax: what a user types -----------------------------------------------------
@pytest.mark.usefixtures("catalogue")
class TestDismax:
    def test_two_words_are_both_required(self):
        assert q("conseil budget") == {"budget-primitif"}
        assert q("conseil municipal") == {"deliberations-conseil", "rapport-municipal"}

    def test_quoted_phrase_needs_adjacent_words(self):
        assert q('"conseil municipal"') == {"deliberations-conseil"}
        assert q('"municipal conseil"') == set()

    def test_plus_and_minus(self):
        assert q("conseil -budget") == {"deliberations-conseil", "rapport-municipal"}
        assert q("+conseil +quartier") == {"rapport-municipal"}
        assert q("-budget") == {"deliberations-conseil", "rapport-municipal", "ecoles",
                                "equipements-sportifs"}

    def test_syntax_characters_are_taken_as_text(self):
        # dismax escapes Lucene's syntax: no 400 for what users type
        assert q("conseil (municipal") == {"deliberations-conseil", "rapport-municipal"}
        assert q("budget^") == {"budget-primitif"}
        assert q("[budget]") == {"budget-primitif"}
        assert q("budget!") == {"budget-primitif"}

    def test_title_match_ranks_before_notes_only_match(self):
        result = package_search(q="deliberation")
        assert names(result) == ["deliberations-conseil", "budget-primitif"]
        result = package_search(q="budget")
        assert names(result)[0] == "budget-primitif"

    def test_ranking_with_explicit_score_sort(self):
        result = package_search(q="conseil", sort="score desc, metadata_modified desc")
        # title "...du conseil municipal" beats notes-only matches
        assert names(result)[0] == "deliberations-conseil"

    def test_name_is_searched(self):
        assert q("equipements-sportifs") == {"equipements-sportifs"}

    def test_empty_query_returns_everything(self):
        assert package_search(q="")["count"] == 5
        assert package_search()["count"] == 5


@pytest.mark.usefixtures("clean_db")
def test_hyphenated_words_match_their_parts():
    """French place names are written with or without hyphens ("Saint-Malo",
    "Saint Malo"). CKAN's Solr text field splits words on hyphens
    (WordDelimiterGraphFilter) at index and query time: either spelling
    finds the other."""
    org = factories.Organization()
    factories.Dataset(name="sans-tiret", title="Marché de Saint Malo", notes="Halles",
                      owner_org=org["id"])
    factories.Dataset(name="avec-tiret", title="Plan de Saint-Brieuc", notes="Voirie",
                      owner_org=org["id"])
    assert q("saint brieuc") == {"avec-tiret"}
    assert q("saint-brieuc") == {"avec-tiret"}
    assert q("saint malo") == {"sans-tiret"}
    assert q("saint-malo") == {"sans-tiret"}
    assert q("title:saint-malo") == {"sans-tiret"}


@pytest.mark.usefixtures("clean_db")
def test_dismax_minimum_match_on_longer_queries():
    """CKAN's mm '2<-1 5<80%': 3 to 5 words all but one, above 5 words 80 %."""
    org = factories.Organization()
    for name, notes in [("trois-sur-quatre", "piscine gymnase stade"),
                        ("deux-sur-quatre", "piscine gymnase"),
                        ("quatre-sur-quatre", "piscine gymnase stade patinoire"),
                        ("cinq-sur-six", "piscine gymnase stade patinoire tennis"),
                        ("rien", "bibliothèque")]:
        factories.Dataset(name=name, title=name.replace("-", " "), notes=notes,
                          owner_org=org["id"])
    # 4 words: 3 required
    assert q("piscine gymnase stade patinoire") == {
        "trois-sur-quatre", "quatre-sur-quatre", "cinq-sur-six"}
    # 3 words: 2 required
    assert q("piscine gymnase patinoire") == {
        "trois-sur-quatre", "deux-sur-quatre", "quatre-sur-quatre", "cinq-sur-six"}
    # 2 words: both
    assert q("piscine patinoire") == {"quatre-sur-quatre", "cinq-sur-six"}
    # 6 words: 80 % of 6 = 4 required
    assert q("piscine gymnase stade patinoire tennis golf") == {
        "quatre-sur-quatre", "cinq-sur-six"}
    # 1 word
    assert q("bibliotheques") == {"rien"}


# -- standard parser: a q with a colon ------------------------------------------------
@pytest.mark.usefixtures("catalogue")
class TestFieldedQueries:
    def test_title_only(self):
        assert q("title:deliberation") == {"deliberations-conseil"}
        assert q("title:conseil") == {"deliberations-conseil"}

    def test_notes_only(self):
        assert q("notes:deliberation") == {"budget-primitif"}
        assert q("notes:conseil") == {"budget-primitif", "rapport-municipal"}

    def test_text_is_everything(self):
        assert q("text:ecole") == {"ecoles"}
        assert q("text:deliberation") == {"deliberations-conseil", "budget-primitif"}
        assert q("text:arretes") == {"equipements-sportifs"}

    def test_name_is_exact(self):
        assert q("name:budget-primitif") == {"budget-primitif"}
        assert q('name:"budget-primitif"') == {"budget-primitif"}
        assert q("name:budget") == set()
        assert q("name:Budget-Primitif") == set()

    def test_tags_are_exact(self):
        assert q("tags:economy") == {"deliberations-conseil"}
        assert q("tags:econom") == set()
        assert q("tags:vie-municipale") == {"deliberations-conseil"}

    def test_match_all(self):
        assert package_search(q="*:*")["count"] == 5

    def test_prefix(self):
        assert q("title:budg*") == {"budget-primitif"}
        assert q("text:delib*") == {"deliberations-conseil", "budget-primitif"}
        assert q("title:Écol*") == {"ecoles"}
        assert q("name:equip*") == {"equipements-sportifs"}

    def test_q_op_is_and(self):
        # two fielded clauses with no operator: both required (CKAN sends q.op=AND)
        assert q("title:conseil notes:seance") == {"deliberations-conseil"}
        assert q("title:conseil notes:quartier") == set()

    def test_or_and_not(self):
        assert q("title:budget OR title:ecoles") == {"budget-primitif", "ecoles"}
        assert q("text:conseil AND NOT title:conseil") == {
            "budget-primitif", "rapport-municipal"}
        assert q("text:conseil -organization:org-b") == {
            "deliberations-conseil", "rapport-municipal"}

    def test_phrase_in_a_field(self):
        assert q('title:"conseil municipal"') == {"deliberations-conseil"}
        assert q('notes:"conseil municipal"') == set()

    def test_ckanext_hierarchy_query(self):
        """ckanext-hierarchy rewrites q as ``text AND (organization:a OR ...)``."""
        assert q("conseil AND (organization:org-a OR organization:org-b)") == {
            "deliberations-conseil", "budget-primitif"}
        assert q("(organization:org-a OR organization:org-c)") == {
            "deliberations-conseil", "equipements-sportifs", "rapport-municipal",
            "ecoles"}

    def test_ckanext_hierarchy_query_for_a_big_territory(self, catalogue):
        """A département's organisation page with ckanext-hierarchy lists
        every child organisation in q: with 150 communes q is about 4 000
        characters and 151 clauses, well within Solr's 1 024 clauses."""
        children = [f"commune-35{n:03d}" for n in range(150)] + ["org-b"]
        hierarchy_q = "(" + " OR ".join(
            f"organization:{name}" for name in ["org-a"] + children) + ")"
        assert len(hierarchy_q) > 4000
        assert q(hierarchy_q) == {"deliberations-conseil", "equipements-sportifs",
                                  "budget-primitif"}

    def test_extras_field(self):
        assert q("extras_theme:sante") == {"equipements-sportifs"}
        assert q("extras_theme:LOISIRS") == {"equipements-sportifs"}
        assert q("extras_theme:budget") == set()

    def test_res_name_field(self):
        assert q("res_name:registre") == {"equipements-sportifs"}


@pytest.mark.usefixtures("catalogue")
def test_explicit_minimum_match_and_query_fields():
    """package_search passes ``mm`` and ``qf`` through to dismax."""
    assert q("conseil budget", mm="1") == {
        "deliberations-conseil", "budget-primitif", "rapport-municipal"}
    assert q("conseil budget", mm="100%") == {"budget-primitif"}
    assert q("conseil", qf="title") == {"deliberations-conseil"}
    assert q("conseil", qf="title^4 notes") == {
        "deliberations-conseil", "budget-primitif", "rapport-municipal"}


@pytest.mark.usefixtures("clean_db")
def test_person_fields():
    org = factories.Organization()
    factories.Dataset(name="avec-auteur", author="Jeanne Dupont", maintainer="Service SIG",
                      owner_org=org["id"])
    assert q("dupont") == {"avec-auteur"}
    assert q("author:dupont") == {"avec-auteur"}
    assert q("maintainer:sig") == {"avec-auteur"}
    assert q("author:sig") == set()


@pytest.mark.usefixtures("catalogue")
def test_edismax_with_query_fields():
    result = package_search(q="conseil", defType="edismax", qf="title")
    assert name_set(result) == {"deliberations-conseil"}
    result = package_search(q="conseil", defType="edismax", qf="title notes")
    assert name_set(result) == {"deliberations-conseil", "budget-primitif",
                                "rapport-municipal"}


@pytest.mark.usefixtures("catalogue")
def test_package_search_query_run_directly():
    """Core code (and extensions) call PackageSearchQuery.run directly."""
    query = PackageSearchQuery()
    result = query.run({"q": "deliberation", "fl": "name"})
    assert result["count"] == 2
    assert set(result["results"]) == {"deliberations-conseil", "budget-primitif"}
