"""The HQ console: server-rendered pages under ``/hq/`` over the same services as the JSON API.

People sign in with a name and password (argon2); sessions live in the database; every form carries
a CSRF token; every change is written to the audit log. Machines keep using API tokens.
``sync.server.hq.router.mount_hq`` adds it to an app.
"""
