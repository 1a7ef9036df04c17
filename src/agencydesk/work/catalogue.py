"""The deliverable types the first migration seeds, with their checklists.

They live in the database and are shown through ``gettext``; listing them here
with ``gettext_noop`` keeps them in the catalogues.
"""

from django.utils.translation import gettext_noop

TYPES: list[dict] = [
    {
        "code": "report",
        "name": gettext_noop("Report"),
        "review_buffer_minutes": 240,
        "approval_required": True,
        "checklist": [
            gettext_noop("Figures match the sources"),
            gettext_noop("Goals and KPIs of the period covered"),
            gettext_noop("Spelling and the client's terms"),
        ],
    },
    {
        "code": "monitoring_digest",
        "name": gettext_noop("Monitoring digest"),
        "review_buffer_minutes": 60,
        "approval_required": False,
        "checklist": [
            gettext_noop("Every monitoring topic covered"),
            gettext_noop("Links open"),
        ],
    },
    {
        "code": "press_release",
        "name": gettext_noop("Press release"),
        "review_buffer_minutes": 120,
        "approval_required": True,
        "checklist": [
            gettext_noop("Key messages present"),
            gettext_noop("Facts and quotes checked"),
            gettext_noop("Spelling and the client's terms"),
        ],
    },
    {
        "code": "media_plan",
        "name": gettext_noop("Media plan"),
        "review_buffer_minutes": 240,
        "approval_required": True,
        "checklist": [
            gettext_noop("Budget adds up"),
            gettext_noop("Audiences match the brief"),
        ],
    },
    {
        "code": "design",
        "name": gettext_noop("Design"),
        "review_buffer_minutes": 120,
        "approval_required": True,
        "checklist": [
            gettext_noop("Brand book followed"),
            gettext_noop("Sizes and formats as ordered"),
        ],
    },
    {
        "code": "post",
        "name": gettext_noop("Post"),
        "review_buffer_minutes": 60,
        "approval_required": False,
        "checklist": [
            gettext_noop("Tone of the etiquette card"),
            gettext_noop("Spelling and the client's terms"),
        ],
    },
    {
        "code": "analytics_note",
        "name": gettext_noop("Analytics note"),
        "review_buffer_minutes": 120,
        "approval_required": False,
        "checklist": [gettext_noop("Figures match the sources")],
    },
]
