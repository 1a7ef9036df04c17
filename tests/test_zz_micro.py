import time
import pytest

@pytest.mark.django_db
def test_micro(director):
    from agencydesk.clients.tests.factories import ClientFactory
    from agencydesk.clients.models import Client
    from agencydesk.core.selectors import one_or_none
    c = ClientFactory(account_manager=director)
    rel = ("account_manager", "calendar")
    heavy = [f.name for f in Client._meta.concrete_fields if f.get_internal_type() == "TextField"]
    fns = {
        "first": lambda: Client.objects.select_related(*rel).filter(pk=c.pk).first(),
        "one_or_none": lambda: one_or_none(Client.objects.select_related(*rel).filter(pk=c.pk)),
        "defer": lambda: one_or_none(Client.objects.select_related(*rel).defer(*heavy).filter(pk=c.pk)),
        "no related": lambda: one_or_none(Client.objects.filter(pk=c.pk)),
    }
    best = {k: 1e9 for k in fns}
    for _ in range(15):
        for k, fn in fns.items():
            s = time.process_time()
            for _ in range(200): fn()
            best[k] = min(best[k], (time.process_time() - s) / 200 * 1e3)
    for k, v in best.items(): print(f"{k:20s} {v:.3f} ms")
