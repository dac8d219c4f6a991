"""Following sources: polite, safe fetching (``fetch``, ``guard``), reading feeds,
sitemaps and home pages (``parse``), finding repeated stories (``dedupe``), the
translation memory (``memory``), running found articles (``articles``), keyword alerts,
webhook deliveries (``deliver``), Atom output (``atom``) and the ``watcher`` that drives
them in a server, a worker or ``warta watch``."""
