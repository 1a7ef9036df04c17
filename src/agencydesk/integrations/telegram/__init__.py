"""The Telegram connector: client groups, forum topics, replies and alerts through the Bot API."""
