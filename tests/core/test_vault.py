"""The vault (secondopinion/core/vault): the one way stored files are reached.

Local storage here (tests.settings: a FileSystemStorage in the test data folder); the same
functions on object storage are covered by tests/core/test_s3.py and tests/records/test_s3.py.
"""

import ast
import hashlib
import io
from pathlib import Path

import pytest

from secondopinion.core import vault

ROOT = Path(__file__).resolve().parents[2] / "secondopinion"
STORAGE_MODULE = "django.core.files.storage"


def _stored(data=b"hello vault", folder=""):
    return vault.stream_store([data], root=vault.storage_root(), folder=folder)


def test_a_stored_file_is_found_read_digested_and_deleted_by_its_name():
    stored = _stored()
    assert vault.storage_is_local()
    assert vault.stored_exists(stored.name)
    assert vault.stored_local_path(stored.name) == stored.path.resolve()
    with vault.stored_open(stored.name) as handle:
        assert handle.read() == b"hello vault"
    assert vault.stored_digest(stored.name) == (hashlib.sha256(b"hello vault").hexdigest(), 11)
    assert b"".join(vault.stored_chunks(stored.name, chunk_size=4)) == b"hello vault"
    assert vault.stored_size(stored.name) == 11
    vault.stored_delete(name=stored.name)
    vault.stored_delete(name=stored.name)  # a missing file is not an error
    assert not vault.stored_exists(stored.name)
    assert not vault.stored_exists("")


def test_a_saved_file_keeps_its_fresh_name_and_a_folder_goes_whole():
    name = vault.stored_save("reports/abc/one.pdf", io.BytesIO(b"%PDF-1.4"))
    assert name == "reports/abc/one.pdf"
    folder = vault.folder_new("disc")
    names = [_stored(b"a", folder=folder).name, _stored(b"b", folder=folder).name]
    assert sorted(vault.stored_walk(f"{folder}/")) == sorted(names)
    assert set(names) | {name} <= set(vault.stored_walk())
    vault.stored_folder_remove(f"{folder}/")
    assert vault.stored_walk(f"{folder}/") == []
    assert vault.stored_exists(name)


def test_a_name_that_would_leave_the_files_folder_is_refused():
    with pytest.raises(vault.StorageError):
        vault.stored_local_path("../secret_key")


def _storage_users(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(
                f"imports {alias.name}"
                for alias in node.names
                if alias.name.startswith(STORAGE_MODULE)
            )
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.startswith(STORAGE_MODULE) or (
                module == "django.core.files" and any(a.name == "storage" for a in node.names)
            ):
                found.append(f"imports {module}")
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in ("default_storage", "storages"):
                found.append(f"uses {name}")
    return found


def test_the_check_sees_every_way_of_reaching_the_storage():
    for source in (
        "from django.core.files.storage import default_storage",
        "import django.core.files.storage",
        "from django.core.files import storage",
        "from django.core.files.storage import storages\nstorages['default']",
        "x = django.core.files.storage.default_storage",
    ):
        assert _storage_users(ast.parse(source)), source
    assert _storage_users(ast.parse("from django.core.files import File")) == []


def test_nothing_outside_the_vault_reaches_the_storage_itself():
    """Every stored file is written, read, listed, deleted and digested through the vault, so
    "is storage local?" and "how is a file hashed?" have one answer each."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("core/vault/", "migrations/")) or "/migrations/" in relative:
            continue
        offenders.extend(f"{relative}: {w}" for w in _storage_users(ast.parse(path.read_text())))
    assert offenders == []
