# The application image used by compose.yaml (web, worker, beat, listener share it).
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONPATH=/app:/app/platform DJANGO_SETTINGS_MODULE=nzila.settings
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python manage.py collectstatic --noinput -v 0
EXPOSE 8000
# Access log to stdout, with callback and verify tokens cut out (nzila/gunicorn_logging.py).
CMD ["gunicorn", "nzila.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "8", "--access-logfile", "-", "--logger-class", "nzila.gunicorn_logging.RedactingLogger"]
