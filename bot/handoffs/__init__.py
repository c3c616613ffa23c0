"""Counsellor handoff: when the bot is not enough, a person takes the conversation.

`models` holds handoffs and counsellors' notes; `services` opens, claims, answers and
resolves them; `office_hours` says when counsellors answer; `distress` spots messages
that must reach a person first.
"""
