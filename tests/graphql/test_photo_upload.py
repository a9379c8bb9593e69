"""updateMyProfile's photo: a GraphQL multipart upload, checked by Wagtail's image
field, stored in the plugin's collection, and handed out only at its checked URL."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import APIToken

from tests.graphql.mutation_support import build_net
from wagtail_network.models import MemberPage
from wagtail_network.photos import member_photo_url, photo_collection

UPLOAD = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  member { photo(spec: "fill-64x64") { url relativeUrl width height } }
  errors { code field message } } }"""


def picture(fmt: str = "PNG", size: tuple[int, int] = (200, 100)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#0f766e").save(buffer, format=fmt)
    return buffer.getvalue()


def multipart(
    client: Client,
    variables: dict,
    file: SimpleUploadedFile | None,
    *,
    query: str = UPLOAD,
    files_map: object = None,
    **headers: str,
):
    """A GraphQL multipart request (the spec's operations, map and file parts)."""
    data: dict = {"operations": json.dumps({"query": query, "variables": variables})}
    data["map"] = json.dumps(
        files_map if files_map is not None else ({"0": ["variables.input.photo"]} if file else {})
    )
    if file is not None:
        data["0"] = file
    return client.post("/graphql/", data=data, headers=headers)


def png_file(name: str = "holiday.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture(**kwargs), content_type="image/png")


class PhotoUpload(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def upload(self, user, file, extra: dict | None = None, client: Client | None = None):
        client = client or Client()
        client.force_login(user)
        variables = {"input": {"photo": None, **(extra or {})}}
        with self.captureOnCommitCallbacks(execute=True):
            response = multipart(client, variables, file)
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        assert not body.get("errors"), body
        return body["data"]["updateMyProfile"]

    def alice(self) -> MemberPage:
        return MemberPage.objects.select_related("photo").get(pk=self.n.alice.pk)

    def test_upload_stores_the_photo_in_the_plugins_collection_and_gives_the_checked_url(self):
        payload = self.upload(self.n.u_alice, png_file())
        assert payload["errors"] == []
        alice = self.alice()
        assert alice.photo.collection_id == photo_collection().pk
        assert alice.photo.uploaded_by_user == self.n.u_alice
        assert "holiday" not in alice.photo.file.name
        photo = payload["member"]["photo"]
        assert photo["relativeUrl"] == member_photo_url(alice, "fill-64x64")
        assert photo["url"].endswith(photo["relativeUrl"])
        assert (photo["width"], photo["height"]) == (64, 64)

    def test_replacing_the_photo_deletes_the_old_image(self):
        self.upload(self.n.u_alice, png_file("one.png"))
        old = self.alice().photo_id
        self.upload(self.n.u_alice, png_file("two.png"))
        assert self.alice().photo_id not in (None, old)
        assert not get_image_model().objects.filter(pk=old).exists()

    def test_null_removes_the_photo_and_deletes_it(self):
        self.upload(self.n.u_alice, png_file())
        old = self.alice().photo_id
        payload = self.upload(self.n.u_alice, None)
        assert payload["errors"] == [] and payload["member"]["photo"] is None
        assert self.alice().photo_id is None
        assert not get_image_model().objects.filter(pk=old).exists()

    def test_focal_point_with_the_upload_and_alone(self):
        self.upload(self.n.u_alice, png_file(), {"photoFocalPoint": {"x": 0.9, "y": 0.5}})
        image = self.alice().photo
        # 200×100: a focal square of a third of 100 px, kept inside the image.
        assert (image.focal_point_x, image.focal_point_y) == (180, 50)
        assert image.focal_point_width == image.focal_point_height == 33
        client = Client()
        client.force_login(self.n.u_alice)
        response = client.post(
            "/graphql/",
            data=json.dumps(
                {"query": UPLOAD, "variables": {"input": {"photoFocalPoint": {"x": 0, "y": 0}}}}
            ),
            content_type="application/json",
        )
        assert json.loads(response.content)["data"]["updateMyProfile"]["errors"] == []
        image.refresh_from_db()
        assert (image.focal_point_x, image.focal_point_y) == (16, 16)  # clamped

    def test_focal_point_out_of_range_is_a_validation_error(self):
        payload = self.upload(self.n.u_alice, png_file(), {"photoFocalPoint": {"x": 1.5, "y": 0}})
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("VALIDATION", "photoFocalPoint.x")
        ]
        assert self.alice().photo_id is None

    def test_not_an_image_is_a_validation_error_on_photo(self):
        for file in (
            SimpleUploadedFile("cv.png", b"not an image at all", content_type="image/png"),
            SimpleUploadedFile("me.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            SimpleUploadedFile("me.jpg", picture("PNG")),  # content is not the extension's
        ):
            with self.subTest(name=file.name):
                payload = self.upload(self.n.u_alice, file)
                assert [(e["code"], e["field"]) for e in payload["errors"]] == [
                    ("VALIDATION", "photo")
                ]
                assert payload["errors"][0]["message"]
        assert self.alice().photo_id is None
        assert not get_image_model().objects.exists()

    @override_settings(WAGTAILIMAGES_EXTENSIONS=["png"])
    def test_a_format_the_site_does_not_allow_is_refused(self):
        jpeg = SimpleUploadedFile("me.jpg", picture("JPEG"), content_type="image/jpeg")
        payload = self.upload(self.n.u_alice, jpeg)
        assert payload["errors"][0]["field"] == "photo"

    @override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=100)
    def test_a_file_over_the_size_limit_is_a_validation_error(self):
        payload = self.upload(self.n.u_alice, png_file())
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("VALIDATION", "photo")]
        assert self.alice().photo_id is None

    @override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=100, DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_an_oversized_body_is_refused_with_413_before_it_is_read(self):
        client = Client()
        client.force_login(self.n.u_alice)
        big = SimpleUploadedFile("big.png", b"x" * 5000, content_type="image/png")
        response = multipart(client, {"input": {"photo": None}}, big)
        assert response.status_code == 413
        assert json.loads(response.content)["errors"][0]["extensions"]["code"] == (
            "PAYLOAD_TOO_LARGE"
        )

    def test_a_map_that_does_not_fit_the_operations_is_a_400(self):
        client = Client()
        client.force_login(self.n.u_alice)
        for files_map in (
            {"0": ["variables.input.photo.deeper"]},
            {"0": ["variables.9.photo"]},
            {"1": ["variables.input.photo"]},
            ["variables.input.photo"],
            {"0": "variables.input.photo"},
        ):
            with self.subTest(files_map=files_map):
                response = multipart(
                    client, {"input": {"photo": None}}, png_file(), files_map=files_map
                )
                assert response.status_code == 400, response.content

    def test_a_session_multipart_mutation_without_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.n.u_alice)
        response = multipart(client, {"input": {"photo": None}}, png_file())
        assert response.status_code == 403
        assert json.loads(response.content)["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
        assert self.alice().photo_id is None
        assert not get_image_model().objects.exists()

    def test_a_bearer_token_multipart_mutation_needs_no_csrf_token(self):
        _token, plaintext = APIToken.create_token(user=self.n.u_alice, name="phone")
        client = Client(enforce_csrf_checks=True)
        with self.captureOnCommitCallbacks(execute=True):
            response = multipart(
                client,
                {"input": {"photo": None}},
                png_file(),
                Authorization=f"Bearer {plaintext}",
            )
        assert response.status_code == 200, response.content
        assert json.loads(response.content)["data"]["updateMyProfile"]["errors"] == []
        assert self.alice().photo_id is not None

    def test_a_members_only_photo_url_from_graphql_is_refused_anonymously(self):
        # bob's profile is for members only; alice (a member) sees its photo's URL.
        self.upload(self.n.u_bob, png_file())
        client = Client()
        client.force_login(self.n.u_alice)
        response = client.post(
            "/graphql/",
            data=json.dumps({"query": '{ member(slug: "bob") { photo { url relativeUrl } } }'}),
            content_type="application/json",
        )
        photo = json.loads(response.content)["data"]["member"]["photo"]
        assert photo["relativeUrl"].startswith("/network/photo/")
        assert client.get(photo["relativeUrl"]).status_code == 200
        assert Client().get(photo["relativeUrl"]).status_code == 404
        assert Client().get(photo["url"]).status_code == 404

    def test_a_photo_sent_as_json_text_is_a_validation_error_not_a_crash(self):
        client = Client()
        client.force_login(self.n.u_alice)
        for value in ("abc", {"name": "x.png"}, 12):
            with self.subTest(value=value):
                response = client.post(
                    "/graphql/",
                    data=json.dumps({"query": UPLOAD, "variables": {"input": {"photo": value}}}),
                    content_type="application/json",
                )
                assert response.status_code == 200, response.content
                errors = json.loads(response.content)["data"]["updateMyProfile"]["errors"]
                assert [(e["code"], e["field"]) for e in errors] == [("VALIDATION", "photo")]
