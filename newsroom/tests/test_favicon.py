from django.contrib.staticfiles import finders


def test_favicon_ico_redirects_to_the_site_icon(client):
    """The admin links no icon, so browsers ask for /favicon.ico; it must not be a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")


def test_reader_pages_link_the_icon(client, db):
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").content.decode()
