"""`make bench-reports`: how fast the dashboard loads on a programme of full size.

Seeds a PostgreSQL database of its own (`minajliki_bench_reports` on the machine's server)
with 50,000 women and 1,000,000 messages over the past year, with referrals, training
sessions, enrollments and reminders, handoffs and 20 broadcasts in proportion — in SQL
(generate_series), so seeding takes a minute, not an hour. Then signs in as programme
staff through the Flask test client and loads the dashboard over and over, printing the
load time p50/p95 for the default view (the last 30 days), a year, a year for one
province and one partner, and a counsellor's view; then the time of each export once.

`--keep` leaves the database for another run, `--reuse` measures it again unseeded.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine, create_engine, text

from bench.metrics import percentile
from bench.servers import POSTGRES_ADMIN
from bot import gazetteer
from bot.db import make_engine, make_session_factory, utcnow
from bot.migrate import upgrade
from bot.reports.periods import local_date

DATABASE = "minajliki_bench_reports"
WOMEN = 50_000
MESSAGES = 1_000_000
BROADCASTS = 20
RECIPIENTS = 2_000  # per broadcast
SESSIONS = 600
ENROLLMENTS = 30_000
HANDOFFS = 6_000
PASSWORD = "bench reports password"

# Each statement fills one table from generate_series; :n and the arrays are parameters.
SEED = [
    # Women: registered for 85 %, opted out for 4 %, erased for 0.5 %.
    """
    INSERT INTO beneficiaries (id, public_id, phone, language, created_at, updated_at,
        consent, consent_at, first_name, age, age_band, province, education_level,
        situation, goal, registered_at, opted_out_at, erased_at, consecutive_failures)
    SELECT i, md5(i::text), '+2126' || lpad(i::text, 8, '0'),
        (ARRAY['fr','ar','ary','ary_Latn'])[1 + i % 4], created, created, 'given', created,
        'Femme' || i, age,
        CASE WHEN age <= 24 THEN '18-24' WHEN age <= 34 THEN '25-34' WHEN age <= 44 THEN '35-44'
             WHEN age <= 54 THEN '45-54' ELSE '55+' END,
        (CAST(:provinces AS text[]))[1 + (i * 7) % cardinality(CAST(:provinces AS text[]))],
        (ARRAY['none','primary','secondary','baccalaureate','university','vocational'])[1 + i % 6],
        (ARRAY['job_seeker','business_idea','runs_business','other'])[1 + (i / 3) % 4],
        (ARRAY['find_job','start_business','grow_business','training','advice'])[1 + (i / 5) % 5],
        CASE WHEN r < 0.85 THEN created + r * interval '2 days' END,
        CASE WHEN r > 0.96 THEN created + interval '20 days' END,
        CASE WHEN r > 0.995 THEN created + interval '30 days' END, 0
    FROM (SELECT i, now() - random() * interval '365 days' AS created, random() AS r,
                 18 + (random() * 45)::int AS age
          FROM generate_series(1, :women) AS i) AS s
    """,
    "SELECT setval('beneficiaries_id_seq', :women)",
    """
    INSERT INTO conversations (id, beneficiary_id, channel, status, created_at)
    SELECT i, i, CASE WHEN i % 4 = 0 THEN 'sms' ELSE 'whatsapp' END, 'bot', now()
    FROM generate_series(1, :women) AS i
    """,
    "SELECT setval('conversations_id_seq', :women)",
    """
    INSERT INTO broadcasts (id, name, texts, missing_language, content_variables, segment,
        status, started_at, finished_at, cursor, fanned_out, recipients, created_at, updated_at)
    SELECT k, 'Annonce ' || k, '{"fr": "Bonjour"}', 'french', '{}', '{}', 'done',
        now() - (k * 17) * interval '1 day', now() - (k * 17 - 1) * interval '1 day', 0, true,
        :recipients, now() - (k * 17 + 1) * interval '1 day', now()
    FROM generate_series(1, :broadcasts) AS k
    """,
    "SELECT setval('broadcasts_id_seq', :broadcasts)",
    # Messages: both directions over the year; statuses as Twilio reports them.
    """
    INSERT INTO messages (conversation_id, beneficiary_id, direction, channel, body, media,
        status, language, kind, attempts, created_at, updated_at)
    SELECT b, b, CASE WHEN i % 2 = 0 THEN 'in' ELSE 'out' END,
        CASE WHEN b % 4 = 0 THEN 'sms' ELSE 'whatsapp' END, 'message ' || i, '[]',
        CASE WHEN i % 2 = 0 THEN 'handled'
             ELSE (ARRAY['delivered','read','read','sent','failed','delivered'])[1 + i % 6] END,
        (ARRAY['fr','ar','ary','ary_Latn'])[1 + b % 4], 'reply', 1, t, t
    FROM (SELECT i, 1 + (i::bigint * 7919) % :women AS b,
                 now() - random() * interval '365 days' AS t
          FROM generate_series(1, :regular) AS i) AS s
    """,
    # Each broadcast's recipients, one message each; 2 % refused by WhatsApp (63016) ...
    """
    INSERT INTO messages (conversation_id, beneficiary_id, direction, channel, body, media,
        status, error_code, language, kind, attempts, broadcast_id, created_at, updated_at)
    SELECT b, b, 'out', CASE WHEN b % 4 = 0 THEN 'sms' ELSE 'whatsapp' END, 'Bonjour', '[]',
        CASE WHEN j % 50 = 0 AND b % 4 <> 0 THEN 'failed'
             ELSE (ARRAY['delivered','read','sent','failed','undelivered','read',
                         'delivered','canceled'])[1 + j % 8] END,
        CASE WHEN j % 50 = 0 AND b % 4 <> 0 THEN 63016 END,
        'fr', 'broadcast', 1, k, now() - (k * 17) * interval '1 day',
        now() - (k * 17) * interval '1 day'
    FROM (SELECT k, j, 1 + ((k - 1) * :recipients + j) % :women AS b
          FROM generate_series(1, :broadcasts) AS k, generate_series(1, :recipients) AS j) AS s
    """,
    # ... and re-sent by SMS.
    """
    INSERT INTO messages (conversation_id, beneficiary_id, direction, channel, body, media,
        status, language, kind, attempts, fallback_of_id, created_at, updated_at)
    SELECT conversation_id, beneficiary_id, 'out', 'sms', body, '[]', 'delivered', language,
        'broadcast', 1, id, created_at + interval '5 minutes', created_at
    FROM messages WHERE error_code = 63016
    """,
    # Referrals for 70 % of the registered women, by her goal.
    """
    INSERT INTO referrals (beneficiary_id, partner, reason, province, status, created_at,
        updated_at)
    SELECT id, CASE WHEN goal IN ('start_business', 'grow_business') THEN 'RESOFEM'
                    ELSE 'ANAPEC' END, '{}', province,
        (ARRAY['proposed','accepted','contacted','closed'])[1 + id % 4],
        registered_at + interval '1 hour', registered_at
    FROM beneficiaries WHERE registered_at IS NOT NULL AND id % 10 < 7
    """,
    """
    INSERT INTO training_sessions (id, code, partner, topic, track, province, titles,
        descriptions, starts_at, ends_at, capacity, created_at, updated_at)
    SELECT s, 'BENCH-' || s, CASE WHEN s % 2 = 0 THEN 'ANAPEC' ELSE 'RESOFEM' END, 'atelier',
        CASE WHEN s % 2 = 0 THEN 'job' ELSE 'business' END,
        (CAST(:provinces AS text[]))[1 + (s * 7) % cardinality(CAST(:provinces AS text[]))],
        '{"fr": "Atelier"}', '{}',
        now() - (s * 0.6) * interval '1 day' + interval '30 days',
        now() - (s * 0.6) * interval '1 day' + interval '30 days 2 hours', 60, now(), now()
    FROM generate_series(1, :sessions) AS s
    """,
    "SELECT setval('training_sessions_id_seq', :sessions)",
    """
    INSERT INTO enrollments (id, session_id, beneficiary_id, status, queued_at, enrolled_at,
        confirmed_at, attendance, created_at, updated_at)
    SELECT i, 1 + (i * 7) % :sessions, i * (:women / :enrollments),
        (ARRAY['enrolled','enrolled','enrolled','enrolled','waitlisted','canceled'])[1 + i % 6],
        now(), now(), CASE WHEN i % 5 < 3 THEN now() END,
        CASE WHEN i % 6 < 4 THEN (ARRAY['attended','attended','absent'])[1 + i % 3] END,
        now(), now()
    FROM generate_series(1, :enrollments) AS i
    """,
    "SELECT setval('enrollments_id_seq', :enrollments)",
    """
    INSERT INTO training_reminders (enrollment_id, offset_minutes, session_starts_at, status,
        created_at)
    SELECT e.id, o.offset_minutes, s.starts_at,
        CASE WHEN e.id % 9 = 0 THEN 'skipped' ELSE 'queued' END, now()
    FROM enrollments e JOIN training_sessions s ON s.id = e.session_id,
        (VALUES (2880), (120)) AS o (offset_minutes)
    WHERE e.status = 'enrolled'
    """,
    """
    INSERT INTO handoffs (beneficiary_id, conversation_id, reason, priority, status, partner,
        province, created_at, claimed_at, first_response_at, last_activity_at, resolved_at,
        resolved_by)
    SELECT b, b,
        (ARRAY['request_human','misunderstood','media','distress','taken_over'])[1 + i % 5],
        i % 5 = 3, CASE WHEN i % 5 = 0 THEN 'open' ELSE 'resolved' END,
        CASE WHEN i % 2 = 0 THEN 'ANAPEC' ELSE 'RESOFEM' END,
        (CAST(:provinces AS text[]))[1 + (b * 7) % cardinality(CAST(:provinces AS text[]))], t, t,
        CASE WHEN i % 5 <> 0 THEN t + random() * interval '6 hours' END, t,
        CASE WHEN i % 5 <> 0 THEN t + random() * interval '3 days' END,
        CASE WHEN i % 5 <> 0 THEN 'counsellor' END
    FROM (SELECT i, 1 + (i * 8) % :women AS b, now() - random() * interval '365 days' AS t
          FROM generate_series(1, :handoffs) AS i) AS s
    """,
]


def create_database(reuse: bool) -> str:
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not reuse:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{DATABASE}"


def drop_database() -> None:
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def seed(engine: Engine) -> float:
    started = time.perf_counter()
    broadcast_messages = BROADCASTS * RECIPIENTS
    fallbacks = sum(  # the 63016 refusals the broadcast statement writes (re-sent by SMS)
        1
        for k in range(1, BROADCASTS + 1)
        for j in range(1, RECIPIENTS + 1)
        if j % 50 == 0 and (1 + ((k - 1) * RECIPIENTS + j) % WOMEN) % 4 != 0
    )
    values = {
        "women": WOMEN,
        "regular": MESSAGES - broadcast_messages - fallbacks,
        "broadcasts": BROADCASTS,
        "recipients": RECIPIENTS,
        "sessions": SESSIONS,
        "enrollments": ENROLLMENTS,
        "handoffs": HANDOFFS,
        "provinces": [province.code for province in gazetteer.provinces()],
    }
    with engine.begin() as conn:
        for statement in SEED:
            names = {name for name in values if f":{name}" in statement}
            conn.execute(text(statement), {name: values[name] for name in names})
    with engine.connect() as conn:
        counts = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("beneficiaries", "messages", "referrals", "enrollments",
                          "training_reminders", "handoffs", "broadcasts")
        }  # fmt: skip
    print("  " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    return time.perf_counter() - started


def analyze(engine: Engine) -> None:
    """The planner's statistics, as autovacuum keeps them on a database in use."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def staff_client(database_url: str, role: str, **account: object):  # type: ignore[no-untyped-def]
    """A test client signed in through the login form, as a new account with `role`."""
    from bot.settings import Settings
    from bot.staff.services import create_user, get_by_email
    from webhooks import create_app

    email = f"{role}@bench.example.org"
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        if get_by_email(session, email) is None:
            create_user(session, email=email, name=role, role=role, password=PASSWORD, **account)  # type: ignore[arg-type]
    engine.dispose()
    settings = Settings.from_env({}, database_url=database_url, secret_key="bench-reports")
    app = create_app(settings, enqueue=lambda _beneficiary_id: None)
    client = app.test_client()
    form = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if token is None:
        raise SystemExit("no sign-in form at /console/login")
    response = client.post(
        "/console/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {role}: {response.status_code}")
    return client


def timed(get: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    return times


def page(client, path: str) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def get() -> object:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        return response.get_data()

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="loads per view (after 3 warm-ups)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the kept database again")
    args = parser.parse_args()
    url = create_database(args.reuse)
    try:
        engine = make_engine(url)
        upgrade(engine)  # also brings a kept database to the latest indexes
        if not args.reuse:
            print(f"seeding {WOMEN:,} women and {MESSAGES:,} messages in {DATABASE}…")
            print(f"  seeded in {seed(engine):.0f} s")
        analyze(engine)
        engine.dispose()
        staff = staff_client(url, "staff")
        counsellor = staff_client(url, "counsellor", partner="ANAPEC",
                                  provinces=["casablanca", "rabat", "fes"])  # fmt: skip
        today = local_date(utcnow())
        year = f"from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"
        views = [
            ("default (last 30 days)", staff, "/console/dashboard"),
            ("a year", staff, f"/console/dashboard?{year}"),
            ("a year, Casablanca, ANAPEC", staff,
             f"/console/dashboard?{year}&province=casablanca&partner=ANAPEC"),
            ("a year, counsellor (3 provinces)", counsellor, f"/console/dashboard?{year}"),
        ]  # fmt: skip
        # The machine's load says how far the figures can be trusted on a shared machine.
        load = "/".join(f"{n:.1f}" for n in os.getloadavg())
        print(
            f"dashboard load time, PostgreSQL, Flask test client signed in, {args.runs} loads "
            f"per view after 3 warm-ups, {os.cpu_count()} cores, load average {load}"
        )
        for name, client, path in views:
            timed(page(client, path), 3)
            times = timed(page(client, path), args.runs)
            print(f"  {name:<34} p50 {percentile(times, 50):7.0f} ms   "
                  f"p95 {percentile(times, 95):7.0f} ms")  # fmt: skip
        print("exports, a year, once each")
        for name, path in (
            ("every table (XLSX)", f"/console/dashboard/export/all.xlsx?{year}"),
            ("anonymised dataset (CSV)", f"/console/dashboard/anonymised.csv?{year}"),
            ("anonymised dataset (XLSX)", f"/console/dashboard/anonymised.xlsx?{year}"),
        ):
            [elapsed] = timed(page(staff, path), 1)
            print(f"  {name:<34} {elapsed / 1000:7.1f} s")
    finally:
        if not args.keep:
            drop_database()


if __name__ == "__main__":
    main()
