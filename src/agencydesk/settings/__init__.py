"""Settings per environment: ``base`` (laptop default), ``production``, ``test``."""
