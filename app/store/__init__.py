"""Durable state: glossaries, jobs (with their items and files) and usage, in SQLite or
PostgreSQL. The only code that knows SQL; everything else calls these functions, which
take a ``Store`` first and return dataclasses. They block: call them from a worker
thread in async code (``await asyncio.to_thread(create_glossary, store, ...)``).

Open once per process::

    store = open_store(settings.database_url)   # creates/upgrades the schema
    ...
    store.close()

Owners: ``owner_for_key(api_key)`` gives the id to pass as ``owner`` (a hash, never the
key); ``None`` when authentication is off. Another owner's glossary or job is absent.

Glossaries (``glossaries.py``): ``create_glossary``, ``list_glossaries``, ``get_glossary``
(with ``entries``), ``replace_entries``, ``update_glossary`` (rename, merge entries),
``delete_glossary``. TSV/CSV uploads: ``app.text.entries.parse_entries``.

Jobs (``jobs.py``): ``create_job`` -> ``add_items`` (streamed, in chunks) -> ``seal_job``;
``get_job``, ``list_jobs``, ``cancel_job``, ``fail_job``, ``delete_job``,
``delete_expired_jobs``, ``check_job_key`` (a document's secret). Results
(``results.py``): ``read_results`` / ``iter_results`` (input order, paged). Files
(``files.py``): ``put_file``, ``get_file``, ``has_file`` (a document's upload and
translation), ``unassembled_documents``, ``fail_document``.

Workers (``claims.py``): ``claim_items`` (leased, never the same item to two workers),
``complete_item`` (exactly once; False when the lease was lost), ``extend_lease``,
``release_items``.

Usage (``usage.py``): ``add_usage``, ``get_usage``.
"""

from app.store.claims import (
    ClaimedItem,
    claim_items,
    complete_item,
    extend_lease,
    release_items,
)
from app.store.connect import open_store
from app.store.db import Store, owner_for_key
from app.store.files import (
    INPUT,
    RESULT,
    StoredFile,
    fail_document,
    get_file,
    has_file,
    put_file,
    unassembled_documents,
)
from app.store.glossaries import (
    Glossary,
    GlossaryInfo,
    create_glossary,
    delete_glossary,
    get_glossary,
    list_glossaries,
    replace_entries,
    update_glossary,
)
from app.store.jobs import (
    JobInfo,
    JobKind,
    JobStatus,
    NewItem,
    add_items,
    cancel_job,
    check_job_key,
    create_job,
    delete_expired_jobs,
    delete_job,
    fail_job,
    get_job,
    keyed_job_owner,
    list_jobs,
    seal_job,
)
from app.store.results import ItemResult, iter_results, read_results
from app.store.usage import add_usage, get_usage

__all__ = [
    "INPUT",
    "RESULT",
    "ClaimedItem",
    "Glossary",
    "GlossaryInfo",
    "ItemResult",
    "JobInfo",
    "JobKind",
    "JobStatus",
    "NewItem",
    "Store",
    "StoredFile",
    "add_items",
    "add_usage",
    "cancel_job",
    "check_job_key",
    "keyed_job_owner",
    "claim_items",
    "complete_item",
    "create_glossary",
    "create_job",
    "delete_expired_jobs",
    "delete_glossary",
    "delete_job",
    "extend_lease",
    "fail_document",
    "fail_job",
    "get_file",
    "get_glossary",
    "get_job",
    "get_usage",
    "has_file",
    "iter_results",
    "list_glossaries",
    "list_jobs",
    "open_store",
    "owner_for_key",
    "put_file",
    "read_results",
    "release_items",
    "replace_entries",
    "seal_job",
    "unassembled_documents",
    "update_glossary",
]
