# The app image: web (gunicorn), actions server, Celery worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY webhooks ./webhooks
COPY console ./console
COPY rasa_project/__init__.py ./rasa_project/__init__.py
COPY rasa_project/actions ./rasa_project/actions
RUN pip install --no-cache-dir .
COPY alembic.ini babel.cfg ./
COPY locales ./locales
RUN pybabel compile -d locales -D messages --use-fuzzy
RUN useradd --create-home minajliki && mkdir -p instance && chown minajliki instance
USER minajliki
EXPOSE 5000 5055
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "--threads", "4", "webhooks.wsgi:app"]
