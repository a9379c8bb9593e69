"""Settings of the graph benchmark (benchmarks/graph.py): the example site with
DEBUG off, the database from DATABASE_URL and, when REDIS_URL is set, Redis as the
shared cache that holds the precomputed suggestion pools (as in production)."""

import os

from benchmarks.settings import *  # noqa: F403

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }

# benchmarks/settings.py serves Wagtail's stock page API v2 as the baseline of the
# GraphQL benchmark, which the plugin's check E011 rightly flags; the graph
# benchmark's commands (migrate, generate_network) run under these settings too.
SILENCED_SYSTEM_CHECKS = ["wagtail_network.E011"]
