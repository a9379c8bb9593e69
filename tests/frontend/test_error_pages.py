"""The site's pages answer malformed requests with their own 400 and 404 pages."""

from __future__ import annotations

from django.test import Client, TestCase, override_settings


class ErrorPages(TestCase):
    def test_an_oversized_form_answers_the_400_page(self):
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
            response = Client().post(
                "/accounts/login/",
                data=b"username=" + b"a" * 5000,
                content_type="application/x-www-form-urlencoded",
            )
        assert response.status_code == 400
        assert b"Bad request" in response.content
        assert b"Traceback" not in response.content

    def test_too_many_form_fields_answer_the_400_page(self):
        with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
            response = Client().post(
                "/accounts/login/",
                data="&".join(f"f{i}=x" for i in range(50)),
                content_type="application/x-www-form-urlencoded",
            )
        assert response.status_code == 400
        assert b"Bad request" in response.content

    def test_a_form_that_is_not_utf8_is_answered_without_an_error(self):
        response = Client().post(
            "/accounts/login/",
            data=b"username=%ff%fe&password=\xff",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200

    def test_an_unknown_address_answers_the_404_page(self):
        response = Client().get("/no-such-page/%ff/")
        assert response.status_code == 404
        assert b"Page not found" in response.content

    def test_a_form_in_another_charset_answers_the_400_page_with_csrf_enforced(self):
        from django.conf import settings

        client = Client(enforce_csrf_checks=True)
        client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
        for charset in ("latin-1", "utf-16"):
            with self.subTest(charset=charset):
                response = client.post(
                    "/accounts/login/",
                    data=b"username=anna&password=x",
                    content_type=f"application/x-www-form-urlencoded; charset={charset}",
                )
                assert response.status_code == 400
                assert b"Bad request" in response.content
