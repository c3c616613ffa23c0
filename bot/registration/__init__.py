"""Registration: consent, the profile questions and their answers, confirmation.

`questions` reads one free answer per question (pure functions, no database);
`corrections` spots "that is not right" messages; `services` stores what she gives,
only after her consent.
"""
