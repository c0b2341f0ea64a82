"""
Photos in S3-compatible object storage, against a real S3 server (moto's, started
here on 127.0.0.1), configured as newsroom/settings/base.py does from the environment.
"""

import io
import json
import re
import urllib.error
import urllib.request

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from articles.models import Article
from articles.tests.test_admin import ADD_URL, add_photo_rows, story_form
from photos import renditions
from photos.tests import files

BUCKET = "newsroom-photos"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::{BUCKET}/photos/*", f"arn:aws:s3:::{BUCKET}/renditions/*"],
        }
    ],
}


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # As README advises: readers may fetch photos and renditions, nothing else (no listing, no kept uploads).
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_server,
        "region_name": "us-east-1",
        "addressing_style": "path",
        "querystring_auth": False,
        "file_overwrite": False,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "kept_uploads": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "kept-uploads", "querystring_auth": True},
        },
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_an_upload_through_the_admin_lands_in_the_bucket_with_its_renditions_and_the_page_links_them(
    admin_client, client, bucket, s3_server
):
    response = admin_client.post(ADD_URL, add_photo_rows(story_form(), files.upload("IMG_0042.JPG", files.phone_jpeg())))
    assert response.status_code == 302

    article = Article.objects.get()
    photo = article.photos.get()
    assert keys(bucket) == sorted(photo.file_names())
    assert any(key.startswith("renditions/") and key.endswith(".webp") for key in keys(bucket))

    page = client.get(article.get_absolute_url()).content.decode()
    first = photo.renditions["sizes"][0]
    webp_url = f"{s3_server}/{BUCKET}/{first['webp']}"
    assert webp_url in page
    with urllib.request.urlopen(webp_url) as served:
        image = Image.open(io.BytesIO(served.read()))
    assert image.format == "WEBP" and image.size == (first["width"], first["height"])
    assert not image.getexif()


@pytest.mark.django_db
def test_a_kept_upload_waits_in_the_bucket_and_is_used_on_the_next_submission(admin_client, bucket, s3_server):
    data = add_photo_rows(story_form(headline=""), files.upload("harbour.jpg", files.webp(900, 600)))
    data["photos-0-image"].name = "harbour.webp"
    page = admin_client.post(ADD_URL, data).content.decode()
    [kept_key] = [key for key in keys(bucket) if key.startswith("kept-uploads/")]
    with pytest.raises(urllib.error.HTTPError, match="403"):
        urllib.request.urlopen(f"{s3_server}/{BUCKET}/{kept_key}")

    [token] = re.findall(r'name="photos-0-image-kept" value="([^"]+)"', page)
    again = {key: value for key, value in data.items() if key != "photos-0-image"}
    again.update({"headline": "Harbour", "photos-0-image-kept": token})
    assert admin_client.post(ADD_URL, again).status_code == 302
    photo = Article.objects.get().photos.get()
    assert photo.original_name == "harbour.webp"
    assert photo.renditions["spec"] == renditions.SPEC
