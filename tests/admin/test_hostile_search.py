"""The admin's search boxes take any text a browser can send: a NUL byte is no server error."""
import pytest
from django.contrib.admin.sites import site

SEARCHABLE = sorted(
    (f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model, admin in site._registry.items() if admin.search_fields)
)


@pytest.mark.django_db
@pytest.mark.parametrize("path", SEARCHABLE)
def test_a_nul_byte_in_an_admin_search_is_no_server_error(admin_client, path):
    response = admin_client.get(path, {"q": "Pri\x00ya"})

    assert response.status_code == 200
