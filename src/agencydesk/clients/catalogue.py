"""Names of the stock service catalogue (see migrations/0002_service_catalogue.py).

They live in the database and are shown through ``gettext(service.name)``; listing
them here with ``gettext_noop`` lets ``makemessages`` keep them in the catalogues.
The full name ``gettext_noop`` is used on purpose: makemessages only extracts the
keywords it knows, and an alias such as ``N_`` would be skipped.
"""

from django.utils.translation import gettext_noop

SERVICE_NAMES = [
    gettext_noop("PR"),
    gettext_noop("SMM"),
    gettext_noop("SEO"),
    gettext_noop("Context advertising"),
    gettext_noop("Design"),
    gettext_noop("Media monitoring"),
    gettext_noop("Events"),
    gettext_noop("Media buying"),
    gettext_noop("Copywriting"),
    gettext_noop("Analytics and reports"),
    gettext_noop("Crisis communications"),
    gettext_noop("Influencer marketing"),
]
