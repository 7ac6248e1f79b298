"""Argon2id with the OWASP-recommended cost (19 MiB of memory, 2 passes, 1 lane).

Django's default asks for 100 MiB and 8 lanes per sign-in. On a two-core server that makes a burst of
sign-ins slow every other page (measured by bench/load.py), with no real gain in safety: OWASP's
Password Storage Cheat Sheet lists m=19456 KiB, t=2, p=1 as a recommended setting. Hashes made with
Django's default parameters still verify, and are upgraded on the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2OwaspHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
