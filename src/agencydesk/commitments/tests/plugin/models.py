from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.models import Client


class Errand(models.Model):
    """Something the agency promised a client, from a test-only app: the subject of its kind."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=100)
    nudged_at = models.DateTimeField(_("nudged at"), null=True, blank=True)
    dropped = models.BooleanField(_("dropped"), default=False)

    class Meta:
        verbose_name = _("errand")

    def __str__(self) -> str:
        return self.title
