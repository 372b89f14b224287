"""The web page and JSON API (FastAPI): ``create_app()`` in ``web.app``.

Run it with ``seceq serve`` (binds to 127.0.0.1:8000 by default). The page and its
script and styles are served from ``web/static``; nothing is loaded from other hosts
(the API reference at ``/docs`` too). It answers only requests that name it (loopback,
``--host``, ``--allow-host``) and no page of it may be framed.
"""
