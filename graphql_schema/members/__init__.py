"""Members: the ``Member`` type and its profile parts, the member directory and
``updateMyProfile``."""
