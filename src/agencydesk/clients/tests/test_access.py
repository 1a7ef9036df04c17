"""One visibility rule: the list of clients one may see and the check on one client agree, for every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.access import can_view_client, clients_visible_to
from agencydesk.clients.models import Client
from agencydesk.clients.selectors import client_audit, client_export
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.core.services import audit_record
from agencydesk.integrations.telegram.models import TelegramChat
from agencydesk.integrations.telegram.selectors import client_chats
from agencydesk.messaging.selectors import client_messages, message_search
from agencydesk.messaging.services import message_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "superuser": UserFactory(username="root", role="specialist", is_superuser=True),
        "admin": UserFactory(username="admin", role="admin"),
        "director": UserFactory(username="dir", role="director"),
        "am": UserFactory(username="am", role="account_manager"),
        "backup": UserFactory(username="backup", role="account_manager"),
        "other_am": UserFactory(username="other", role="account_manager"),
        "spec_on": UserFactory(username="spec_on", role="specialist"),
        "spec_off": UserFactory(username="spec_off", role="specialist"),
        "finance": UserFactory(username="finance", role="finance"),
        "deactivated_director": UserFactory(username="gone", role="director", is_active=False),
    }


@pytest.fixture
def clients(people):
    p = people
    ordinary = ClientFactory(name="Ordinary", account_manager=p["am"])
    run = ClientFactory(name="Confidential, run by am", confidential=True, account_manager=p["am"])
    run.backup_manager = p["backup"]
    run.save()
    teamed = ClientFactory(
        name="Confidential, spec on its team", confidential=True, account_manager=p["other_am"]
    )
    # Two members: the join through the team must not list the client twice.
    teamed.team.set([p["spec_on"], UserFactory(role="specialist")])
    other = ClientFactory(
        name="Confidential, other am", confidential=True, account_manager=p["other_am"]
    )
    return {"ordinary": ordinary, "run": run, "teamed": teamed, "other": other}


EXPECTED = {
    "superuser": {"ordinary", "run", "teamed", "other"},
    "admin": {"ordinary", "run", "teamed", "other"},
    "director": {"ordinary", "run", "teamed", "other"},
    "am": {"ordinary", "run"},
    "backup": {"ordinary", "run"},
    "other_am": {"ordinary", "teamed", "other"},
    "spec_on": {"ordinary", "teamed"},
    "spec_off": {"ordinary"},
    "finance": {"ordinary"},
    "deactivated_director": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_list_and_the_check_agree_for_every_role(people, clients, role):
    user = AnonymousUser() if role == "anonymous" else people[role]
    names = {client.pk: key for key, client in clients.items()}
    listed = list(clients_visible_to(user).values_list("pk", flat=True))
    assert len(listed) == len(set(listed)), "a client listed twice"
    checked = {key for key, client in clients.items() if can_view_client(user, client)}
    assert {names[pk] for pk in listed} == checked == EXPECTED[role]


def test_nobody_signed_out_sees_a_client(clients):
    assert not clients_visible_to(None).exists()
    assert not can_view_client(None, clients["ordinary"])


def test_a_check_on_an_ordinary_or_own_client_asks_the_database_nothing(
    people, clients, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert can_view_client(people["spec_off"], clients["ordinary"])
        assert can_view_client(people["backup"], clients["run"])
        assert can_view_client(people["director"], clients["other"])
    with django_assert_num_queries(1):
        assert can_view_client(people["spec_on"], clients["teamed"])


def test_reads_of_a_clients_data_answer_nothing_to_someone_who_may_not_see_it(people, clients, now):
    hidden = clients["other"]
    outsider, insider = people["am"], people["other_am"]
    message_record(
        client=hidden, channel="email", direction="in", sent_at=now, text="Budget?", at=now
    )
    audit_record(actor=insider, action="client.update", obj=hidden, client_id=hidden.pk, at=now)
    TelegramChat.objects.create(
        chat_id=-42, type="supergroup", title="Hidden chat", client=hidden, first_seen_at=now
    )
    assert client_messages(user=insider, client=hidden).count() == 1
    assert message_search(user=insider, client=hidden, query="budget").count() == 1
    assert "client.update" in {entry.action for entry in client_audit(user=insider, client=hidden)}
    assert len(client_chats(user=insider, client=hidden)) == 1
    assert client_export(user=insider, client=hidden)["client"]["name"] == hidden.name

    assert client_messages(user=outsider, client=hidden).count() == 0
    assert message_search(user=outsider, client=hidden, query="budget").count() == 0
    assert len(client_audit(user=outsider, client=hidden)) == 0
    assert client_chats(user=outsider, client=hidden) == []
    with pytest.raises(Client.DoesNotExist):
        client_export(user=outsider, client=hidden)


def test_the_admin_lists_only_what_a_staff_member_may_see(client, people, clients, now):
    from django.contrib.auth.models import Permission

    from agencydesk.commitments.models import Commitment
    from agencydesk.messaging.models import Message

    for key in ("ordinary", "other"):
        message_record(
            client=clients[key], channel="email", direction="in", sent_at=now, text="Hi?", at=now
        )
    staff_am = people["am"]
    staff_am.is_staff = True
    staff_am.save()
    codenames = ["view_client", "view_message", "view_commitment"]
    staff_am.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(staff_am)

    page = client.get(reverse("admin:clients_client_changelist")).content.decode()
    assert "Confidential, run by am" in page
    assert "Confidential, other am" not in page
    response = client.get(reverse("admin:clients_client_change", args=[clients["other"].pk]))
    assert response.status_code in (302, 404)

    for model, name in ((Message, "messaging_message"), (Commitment, "commitments_commitment")):
        page = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        seen = model.objects.get(client=clients["ordinary"]) if model is Message else None
        hidden = model.objects.filter(client=clients["other"])
        assert hidden.exists()
        for row in hidden:
            assert reverse(f"admin:{name}_change", args=[row.pk]) not in page
        shown = [seen] if seen else model.objects.filter(client=clients["ordinary"])
        for row in shown:
            assert reverse(f"admin:{name}_change", args=[row.pk]) in page
