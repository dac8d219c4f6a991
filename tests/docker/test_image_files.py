"""What the image and compose files bake and ship: the model a container is told to
serve is the one its image baked, a slim build installs no torch, and a torch index
(which may carry credentials) never reaches the history of the image that ships."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODEL_SETTINGS = ("WARTA_TRANSLATION_MODEL", "WARTA_SUMMARIZATION_MODEL")


def stages() -> dict[str, str]:
    """The Dockerfile's stages by name, each its text."""
    text = (ROOT / "Dockerfile").read_text()
    parts = re.split(r"^FROM \S+ AS (\S+)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_compose_builds_the_model_it_serves() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        args, environment = service["build"]["args"], service["environment"]
        for setting in MODEL_SETTINGS:
            assert args[setting] == environment[setting], (name, setting)
        assert args["WARTA_BAKE_MODELS"].startswith("${WARTA_BAKE_MODELS")


def test_the_torch_index_is_a_secret_not_an_argument() -> None:
    for name, text in stages().items():
        assert "TORCH_INDEX_URL" not in re.findall(r"^ARG (\w+)", text, flags=re.M), name
        for run in re.findall(r"^RUN (.*?)(?<!\\)\n", text, flags=re.M | re.S):
            if "install.sh" in run:
                assert "--mount=type=secret,id=torch_index_url" in run, (name, run)


def test_a_slim_build_installs_nothing_in_its_build_stage() -> None:
    build = stages()["build"]
    assert build.index("ARG WARTA_BAKE_MODELS") < build.index("install.sh")
    installs = [run for run in re.findall(r"^RUN (.*?)(?<!\\)\n", build, flags=re.M | re.S)]
    for run in (r for r in installs if "install.sh" in r):
        assert 'if [ "$WARTA_BAKE_MODELS" != none ]' in run, run


def test_install_reads_the_index_from_the_build_secret(tmp_path: Path) -> None:
    """docker/install.sh run as the image runs it, with a stand-in python and pip that
    record what they are asked: the index comes from the secret's file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    fake_python = f"""#!/bin/sh
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\necho "pip $*" >> {calls}\\n' > "$3/bin/pip"
  printf '#!/bin/sh\ncat > /dev/null\n' > "$3/bin/python"
  chmod +x "$3/bin/pip" "$3/bin/python"
fi
exit 0
"""
    (bin_dir / "python3").write_text(fake_python)
    (bin_dir / "python3").chmod(0o755)
    secret = tmp_path / "torch_index_url"
    secret.write_text("https://user:token@example.org/simple\n")
    env = {k: v for k, v in os.environ.items() if k not in {"TORCH_INDEX_URL", "TORCH_INDEX_FILE"}}
    env.update(PATH=f"{bin_dir}:{env['PATH']}", TORCH_INDEX_FILE=str(secret))
    venv = tmp_path / "venv"
    done = subprocess.run(
        ["bash", str(ROOT / "docker/install.sh"), "gpu", str(venv), "--deps-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    torch_call = calls.read_text().splitlines()[0]
    assert torch_call.endswith("--index-url https://user:token@example.org/simple")

    # Without the secret: the variant's own index.
    calls.unlink()
    env["TORCH_INDEX_FILE"] = str(tmp_path / "absent")
    subprocess.run(["bash", str(ROOT / "docker/install.sh"), "gpu", str(venv), "--deps-only"],
                   env=env, check=True, capture_output=True, timeout=60)  # fmt: skip
    assert calls.read_text().splitlines()[0].endswith("whl/cu128")
