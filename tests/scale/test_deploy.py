"""The Serve config and the KubeRay manifest describe the application the code builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from ray.serve.schema import ServeDeploySchema

from app.scale.serve import ROLES

DEPLOY = Path(__file__).parents[2] / "deploy"


def serve_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((DEPLOY / "serve.yaml").read_text())
    return config


def test_the_serve_config_is_valid_and_names_the_codes_deployments() -> None:
    config = ServeDeploySchema.model_validate(serve_config())
    (application,) = config.applications
    assert application.import_path == "app.scale.serve:app"
    assert {d.name for d in application.deployments} == {"Ingress", *ROLES.values()}
    for deployment in application.deployments:
        assert deployment.max_ongoing_requests >= 64  # a batch of one-sentence requests


def test_the_rayservice_runs_the_same_serve_config() -> None:
    manifest = yaml.safe_load((DEPLOY / "rayservice.yaml").read_text())
    assert manifest["kind"] == "RayService"
    assert yaml.safe_load(manifest["spec"]["serveConfigV2"]) == serve_config()
