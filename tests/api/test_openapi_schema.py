"""/api/v1/schema/ is a valid OpenAPI 3 document, and /api/v1/docs/ renders it offline."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3(api) -> None:
    response = api.get("/api/v1/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/analyses",
        "/api/v1/jobs/{job_id}",
        "/api/v1/products/{marketplace}/{asin}/verdict",
        "/api/v1/products/{marketplace}/{asin}/analyses",
        "/api/v1/products/{marketplace}/{asin}/reviews",
        "/api/v1/uploads",
        "/api/v1/uploads/{job_id}",
        "/api/v1/reviewers/{marketplace}/{profile_id}",
    }


def test_the_schema_documents_the_error_envelope_for_every_operation(api) -> None:
    schema = api.get("/api/v1/schema/?format=json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("429", "503"):
                assert status in operation["responses"], (method, path, status)


def test_the_docs_page_uses_the_bundled_swagger_ui(api) -> None:
    response = api.get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/api/v1/schema/" in page
