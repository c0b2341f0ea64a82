import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

SQLITE_CREATE = [
    # An external-content FTS5 table over search_searchentry: the text is stored
    # once, in that table, and the triggers keep the FTS index in step with it.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        headline, summary, body, tags,
        content='search_searchentry', content_rowid='article_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    # Rank (ORDER BY rank) weighs the headline most, then tags and summary, then the body.
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 4.0)')",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, headline, summary, body, tags)
        VALUES (new.article_id, new.headline, new.summary, new.body, new.tags);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, headline, summary, body, tags)
        VALUES ('delete', old.article_id, old.headline, old.summary, old.body, old.tags);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, headline, summary, body, tags)
        VALUES ('delete', old.article_id, old.headline, old.summary, old.body, old.tags);
        INSERT INTO search_fts(rowid, headline, summary, body, tags)
        VALUES (new.article_id, new.headline, new.summary, new.body, new.tags);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRESQL_CREATE = ["CREATE INDEX search_searchentry_vector_gin ON search_searchentry USING gin (vector)"]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS search_searchentry_vector_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def index_existing_stories(apps, schema_editor):
    from search.index import VECTOR
    from search.text import entry_fields

    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    SearchEntry = apps.get_model("search", "SearchEntry")
    db = schema_editor.connection.alias
    names = {}
    for article_id, name in TaggedArticle.objects.using(db).values_list("content_object_id", "tag__name"):
        names.setdefault(article_id, []).append(name)
    stories = Article.objects.using(db).only("pk", "headline", "summary", "body").iterator(chunk_size=1000)
    SearchEntry.objects.using(db).bulk_create(
        (
            SearchEntry(
                article_id=a.pk, **entry_fields(a.headline, a.summary, a.body, names.get(a.pk, []))
            )
            for a in stories
        ),
        batch_size=1000,
    )
    if schema_editor.connection.vendor == "postgresql":
        SearchEntry.objects.using(db).update(vector=VECTOR)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0025_home_lead"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("headline", models.TextField()),
                ("summary", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
        migrations.RunPython(index_existing_stories, migrations.RunPython.noop),
    ]
