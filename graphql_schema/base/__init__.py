"""What every domain of the schema builds on (nothing here knows a domain).

* :mod:`.connection` — the Relay connection class and the page-size limit;
* :mod:`.fields` — :class:`PkNode` and the visibility-obeying foreign key;
* :mod:`.context` — the viewer (:func:`viewer_of`) and page URLs;
* :mod:`.ids` — global ids to primary keys;
* :mod:`.errors`, :mod:`.mutations` — the typed mutation error and the one
  transaction per mutation;
* :mod:`.images` — renditions from the spec allow-list;
* :mod:`.filters` — the sort direction shared by the directories.

Host sites building their own types import :class:`PkNode` and :func:`viewer_of`
from here.
"""

from .connection import MAX_PAGE_SIZE, NetworkConnection
from .context import viewer_of
from .fields import PkNode

__all__ = ["MAX_PAGE_SIZE", "NetworkConnection", "PkNode", "viewer_of"]
