"""Companies: the ``Company`` type, the company directory, ``updateCompany`` and
``confirmPosition``."""
