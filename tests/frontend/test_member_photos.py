"""Member photos are served only through their checked URL, to viewers who may see
the profile; to anyone else the URL answers 404, exactly like a missing photo."""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage

from tests.frontend.scenario import NetworkScenario
from wagtail_network.models import MemberPage
from wagtail_network.photos import (
    COLLECTION_NAME,
    clean_photo,
    member_photo_url,
    photo_collection,
    store_photo,
)

SPEC = "fill-64x64"


def png_upload(
    name: str = "Dave Portrait.png",
    size: tuple[int, int] = (300, 240),  # fill does not upscale: the lg avatar is 240 px
) -> SimpleUploadedFile:
    """A real PNG made by Pillow, as an upload."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#1d4ed8").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def give_photo(member: MemberPage, user) -> MemberPage:
    upload = png_upload(f"{member.slug}-{member.title}.png")
    image = store_photo(user, clean_photo(upload), title=member.title)
    MemberPage.objects.filter(pk=member.pk).update(photo=image)
    return MemberPage.objects.get(pk=member.pk)


class MemberPhotoServingTests(NetworkScenario):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.alice = give_photo(cls.alice, cls.u_alice)  # public
        cls.carol = give_photo(cls.carol, cls.u_carol)  # connections only
        cls.dave = give_photo(cls.dave, cls.u_dave)  # members only
        cls.eve = give_photo(cls.eve, cls.u_eve)  # eve blocked alice

    def fetch(self, url: str, user=None, method: str = "get", **headers):
        client = Client()
        if user is not None:
            client.force_login(user)
        return getattr(client, method)(url, headers=headers)

    def photo_url(self, member: MemberPage, spec: str = SPEC) -> str:
        url = member_photo_url(member, spec)
        assert url is not None
        return url

    def test_public_profile_photo_is_served_to_an_anonymous_visitor_and_may_be_cached(self):
        response = self.fetch(self.photo_url(self.alice))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertTrue(response["Cache-Control"].startswith("public"))
        picture = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(picture.size, (64, 64))

    def test_members_only_photo_is_refused_to_a_visitor_and_served_privately_to_a_member(self):
        url = self.photo_url(self.dave)
        self.assertEqual(self.fetch(url).status_code, 404)
        response = self.fetch(url, self.u_frank)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Cache-Control"].startswith("private"))
        self.assertIn("Cookie", response["Vary"])

    def test_connections_only_photo_is_served_to_connections_only(self):
        url = self.photo_url(self.carol)
        for user in (None, self.u_frank, self.u_bob):
            with self.subTest(user=user):
                self.assertEqual(self.fetch(url, user).status_code, 404)
        for user in (self.u_alice, self.u_carol, self.u_editor):
            with self.subTest(user=user):
                self.assertEqual(self.fetch(url, user).status_code, 200)

    def test_blocked_member_gets_404_for_the_blockers_photo(self):
        url = self.photo_url(self.eve)
        self.assertEqual(self.fetch(url).status_code, 200)  # public to everyone else
        self.assertEqual(self.fetch(url, self.u_alice).status_code, 404)

    def test_wrong_image_or_unknown_spec_reads_like_a_missing_photo(self):
        alice, dave = self.alice, self.dave
        for url in (
            f"/network/photo/{alice.pk}/{dave.photo_id}/{SPEC}/",  # someone else's image
            f"/network/photo/{alice.pk}/999999/{SPEC}/",
            f"/network/photo/{alice.pk}/{alice.photo_id}/fill-65x65/",  # not allowed
            f"/network/photo/999999/{alice.photo_id}/{SPEC}/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.fetch(url, self.u_editor).status_code, 404)

    def test_member_without_photo_has_no_photo_url(self):
        self.assertIsNone(member_photo_url(self.frank, SPEC))

    def test_head_is_answered_and_post_is_not(self):
        url = self.photo_url(self.alice)
        self.assertEqual(self.fetch(url, method="head").status_code, 200)
        self.assertEqual(self.fetch(url, method="post").status_code, 405)

    def test_a_known_etag_answers_not_modified(self):
        url = self.photo_url(self.alice)
        etag = self.fetch(url)["ETag"]
        self.assertEqual(self.fetch(url, **{"If-None-Match": etag}).status_code, 304)

    def test_the_storage_file_name_is_not_disclosed(self):
        response = self.fetch(self.photo_url(self.alice))
        self.assertIn('filename="photo.png"', response["Content-Disposition"])

    def test_file_names_are_unguessable(self):
        image = self.dave.photo
        rendition = image.get_rendition(SPEC)
        for path in (image.file.name, rendition.file.name):
            with self.subTest(path=path):
                lowered = path.lower()
                for clue in (self.dave.slug, self.dave.title.lower(), "portrait", "dave"):
                    self.assertNotIn(clue.lower(), lowered)
        other = self.alice.photo.file.name
        self.assertNotEqual(image.file.name.split("/")[-1][:8], other.split("/")[-1][:8])

    def test_photos_go_to_the_plugins_own_collection(self):
        collection = photo_collection()
        self.assertEqual(collection.name, COLLECTION_NAME)
        self.assertEqual(collection.get_parent().depth, 1)
        self.assertEqual(self.dave.photo.collection_id, collection.pk)
        self.assertEqual(self.dave.photo.uploaded_by_user, self.u_dave)
        self.assertEqual(photo_collection().pk, collection.pk)  # found again, not re-made

    def test_page_shows_the_checked_url_which_is_refused_anonymously(self):
        # The member page as a member sees it: the <img src> is the checked URL…
        client = Client()
        client.force_login(self.u_frank)
        html = client.get(self.dave.url).content.decode()
        sources = re.findall(r'<img [^>]*src="([^"]+)"', html)
        expected = member_photo_url(self.dave, "fill-256x256")
        self.assertIn(expected, sources)
        self.assertNotIn("/media/", " ".join(sources))
        self.assertRegex(html, r'<img [^>]*height="240"[^>]*width="240"')
        # …and the same URL fetched anonymously is refused.
        self.assertEqual(self.fetch(expected).status_code, 404)

    def test_directory_cards_use_checked_urls(self):
        html = self.fetch(self.directory.url, self.u_frank).content.decode()
        self.assertIn(member_photo_url(self.alice, "fill-128x128"), html)
        self.assertNotIn(self.alice.photo.get_rendition("fill-128x128").url, html)
