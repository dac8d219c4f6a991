"""The running system, built once from ``Settings``: engines, batchers, warm-up, the
``Work`` flavours and the background services."""
