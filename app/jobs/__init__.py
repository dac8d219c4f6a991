"""Durable jobs: items claimed from the store, run through the one pipeline at batch
priority, checkpointed one by one, resumed after any stop.

``intake`` reads a job's input (a JSON body or a JSON Lines upload) into the store in
chunks, turning unreadable lines into error items; ``documents`` does the same for a
.txt/.md/.html/.docx file and puts its translations back; ``runner.JobRunner`` claims
items and records each outcome under its lease; ``handle.item_handler`` answers an item
with ``app.contract.answers.process_item``, exactly as the sync API answers its body;
``local`` runs one job to the end in this process (``warta batch``). The runner of a
server or ``warta worker`` is started by ``app.runtime``, with the batch flavour of work.
"""
