FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY reviewsec ./reviewsec
COPY crawler ./crawler
COPY detector ./detector
RUN pip install --no-cache-dir .
COPY . .
RUN useradd --create-home reviewsec && mkdir -p /app/staticfiles && chown reviewsec /app/staticfiles
USER reviewsec
EXPOSE 8000
