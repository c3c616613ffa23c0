"""The programme's figures: the dashboard's aggregates, their exports, and the anonymised
dataset for the impact study.

Every aggregate is computed by the database (GROUP BY, window functions), on SQLite and
PostgreSQL alike; Python only shapes the few rows that come back.

- `periods`: the Moroccan calendar days a report covers, their UTC bounds, chart buckets.
- `filters`: what a staff member asked for, narrowed to what her role lets her see.
- `sql`: the few SQL pieces that differ between SQLite and PostgreSQL, and percentiles.
- `dimensions`: SQL expressions shared by figures and dataset (age band, track, her scope).
- `figures`: one function per table of the dashboard; `tables`: what they return;
  `labels`: their French words.
- `exports`: tables to CSV and XLSX.
- `anonymised`: one row per woman, pseudonymous, for the impact study.
- `indexes`: the indexes these queries need on other modules' tables (migration 0010).
"""
