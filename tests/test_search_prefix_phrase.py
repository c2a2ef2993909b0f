"""Search finds words by their beginning and "quoted phrases" as phrases; pages are by relevance.

Every test runs on SQLite FTS5, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from techpulse.services.search.query import query_terms
from tests.helpers.pages import text_of


def found_titles(client, query: str, **args: str) -> list[str]:
    response = client.get("/search", query_string={"q": query, **args})
    assert response.status_code == 200
    items = response.get_data(as_text=True).split('class="search-result__title"')[1:]
    return [text_of(item.split("</h2>")[0].split(">", 1)[1]) for item in items]


def test_quoted_words_are_one_phrase_term() -> None:
    assert query_terms('postg "Exact  Phrase" kube') == ["postg", "exact phrase", "kube"]
    assert query_terms("“curly quotes” too") == ["curly quotes", "too"]
    assert query_terms('"single"') == ["single"]
    assert query_terms('unclosed "quote here') == ["unclosed", "quote here"]


def test_the_beginning_of_a_word_finds_it(client, make) -> None:
    make.article("Tuning PostgreSQL for a newsroom", body="Indexes and vacuum.")
    make.article("Kubernetes at the edge", body="Clusters in small places.")
    make.article("Cooking rice", body="Water and heat.")
    assert found_titles(client, "postg") == ["Tuning PostgreSQL for a newsroom"]
    assert found_titles(client, "kube") == ["Kubernetes at the edge"]
    assert found_titles(client, "Kube clust") == ["Kubernetes at the edge"]
    assert found_titles(client, "kube rice") == []  # every word must still be found


def test_a_quoted_phrase_matches_only_the_words_side_by_side(client, make) -> None:
    make.article("Side by side", body="The data center opened in Pune last week.")
    make.article("Apart", body="The center of the city has new data on traffic.")
    assert sorted(found_titles(client, "data center")) == ["Apart", "Side by side"]
    assert found_titles(client, '"data center"') == ["Side by side"]
    assert found_titles(client, '"center data"') == []
    assert found_titles(client, '"data center" pune') == ["Side by side"]
    assert found_titles(client, '"data center" traffic') == []


def pagination_text(html: str) -> str:
    return text_of(html.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0])


def test_search_pages_say_they_are_in_order_of_relevance(client, make, app) -> None:
    app.config["PER_PAGE"] = 1
    make.article("Relevance one", body="A marmalade story.")
    make.article("Relevance two", body="Another marmalade story.")
    make.article("Relevance three", body="No jam here.")  # the home page has a hero too
    first = pagination_text(client.get("/search?q=marmalade").get_data(as_text=True))
    assert "Next results" in first and "Older" not in first
    second = pagination_text(client.get("/search?q=marmalade&page=2").get_data(as_text=True))
    assert "Previous results" in second and "Newer" not in second
    home = pagination_text(client.get("/").get_data(as_text=True))
    assert "Older" in home  # lists by date still say so
