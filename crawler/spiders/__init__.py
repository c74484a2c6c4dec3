"""The spiders: ``product``, ``reviews`` and ``reviewer`` (arguments in ``base.py``)."""
