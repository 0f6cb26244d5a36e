"""Watching: follow sources continuously (``watcher``, ``sources``) and alert on what changes in the
ledger (``rules``; alerts go out through ``webhook``, the API, the web UI and ``watch --print``)."""
