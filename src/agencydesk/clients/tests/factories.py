import datetime as dt

import factory
from django.utils import timezone

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.models import Client, Contact, Contract, KeyEvent


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    industry = "PR"
    status = "active"
    language = "ru"
    account_manager = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.example")


class KeyEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyEvent

    client = factory.SubFactory(ClientFactory)
    title = "Launch"
    kind = "launch"
    date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))  # noqa: DTZ011


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    client = factory.SubFactory(ClientFactory)
    starts_on = dt.date(2026, 1, 1)
